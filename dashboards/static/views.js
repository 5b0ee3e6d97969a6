// The analytic views: trends with growth rates, the forms × technologies matrix, top players; each exportable.

import { downloadWithKey } from "./apikey.js";
import { drawLines, saveLinks } from "./chart.js";
import { el } from "./dom.js";
import { COLORS, label, t } from "./i18n.js";
import { trackerView } from "./tracker.js";
import { watchView } from "./watch.js";
import { emergingView } from "./emerging.js";
import { scoreboardView } from "./scoreboard.js";
import { gapsView } from "./gaps.js";

export const VIEWS = ["search", "trends", "matrix", "players", "tracker", "watch", "emerging", "scoreboard", "gaps"];
export const DIMENSIONS = ["tech", "subtopic", "form", "jurisdiction"];
export const SCOPES = ["world", "cn", "city"];
export const BASES = ["priority", "filing", "publication"];
const EXPORTS = ["csv", "xlsx", "jsonl"];
// colours for values that are not technologies (Okabe–Ito, then greys)
const PALETTE = ["#0072b2", "#009e73", "#d55e00", "#cc79a7", "#e69f00", "#56b4e9", "#f0e442", "#000000",
  "#6b7280", "#9ca3af"];

const percent = (v) => (v === null || v === undefined ? "–" : `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)}%`);
const number = (v, digits = 2) => (v === null || v === undefined ? "–" : v.toFixed(digits));

/** Download links for the same API request in every export format. */
function exportLinks(path, params) {
  return el("p", { class: "exports" }, `${t("export")}: `, EXPORTS.flatMap((format) => {
    const query = new URLSearchParams(params);
    query.set("format", format);
    return [el("a", { href: `${path}?${query}`, download: "", onclick: downloadWithKey }, format.toUpperCase()), " "];
  }));
}

/** A <select> bound to one option of the view. */
function picker(name, values, current, labelOf, onChange) {
  return el("label", { class: "picker" }, `${t(name)} `,
    el("select", { onchange: (event) => onChange(event.target.value) },
      values.map((v) => el("option", { value: v, selected: v === current }, labelOf(v)))));
}

/** The display name of a value of a trends dimension. */
function valueLabel(dimension, value) {
  return dimension === "jurisdiction" ? value : label(dimension, value);
}

/** A year box of the CAGR window: an empty box means the first (or last) year shown. */
function yearInput(ctx, name, years) {
  return el("input", { type: "number", min: 1800, max: 2200, inputmode: "numeric", class: "year",
    value: ctx.options[name] || "", placeholder: years.length ? String(name === "cagr_from" ? years[0] : years.at(-1)) : "",
    "aria-label": t(name === "cagr_from" ? "cagrFrom" : "cagrTo"),
    onchange: (event) => {
      const value = event.target.value.trim();
      const from = Number(name === "cagr_from" ? value : ctx.options.cagr_from);
      const to = Number(name === "cagr_to" ? value : ctx.options.cagr_to);
      const bad = value && !/^\d{4}$/.test(value) ? t("badYear") : from && to && from >= to ? t("badWindow") : "";
      event.target.setCustomValidity(bad);
      if (bad) event.target.reportValidity();
      else ctx.setOption(name, value);
    } });
}

async function trendsView(ctx) {
  const params = new URLSearchParams(ctx.params);
  params.set("dimension", ctx.options.dimension);
  const basis = BASES.includes(ctx.options.basis) ? ctx.options.basis : "priority";
  if (basis !== "priority") params.set("date_basis", basis);
  if (ctx.options.families) params.set("families", "true");
  for (const name of ["cagr_from", "cagr_to"]) if (ctx.options[name]) params.set(name, ctx.options[name]);
  const body = await ctx.getJson(`/api/v1/trends?${params}`);
  const dim = ctx.options.dimension;
  const lines = body.series.map((s, i) => ({
    key: s.value, name: valueLabel(dim, s.value), values: s.counts,
    color: (dim === "tech" && COLORS[s.value]) || PALETTE[i % PALETTE.length],
  }));
  lines.push({ key: "_all", name: t("all"), values: body.all, color: COLORS._all, dashed: true });
  const axis = basis === "priority" ? {} : { xLabel: t("axisYearBasis", t(`basis_${basis}`)) };
  const chart = drawLines(body.years, lines, { title: t("trendsTitle"), ...axis });
  const windowText = body.cagr_window ? `${body.cagr_window[0]}–${body.cagr_window[1]}` : "–";
  return [
    el("div", { class: "panel-head" },
      el("h2", {}, t("trendsTitle")),
      picker("dimension", DIMENSIONS, dim, (d) => t(`dim_${d}`), (d) => ctx.setOption("dimension", d)),
      picker("dateBasis", BASES, basis, (b) => t(`basis_${b}`), (b) => ctx.setOption("basis", b)),
      el("label", { class: "picker check" }, el("input", { type: "checkbox", checked: Boolean(ctx.options.families),
        onchange: (event) => ctx.setOption("families", event.target.checked) }), ` ${t("familiesOnce")}`),
      el("label", { class: "picker" }, `${t("cagrWindow")} `,
        yearInput(ctx, "cagr_from", body.years), "–", yearInput(ctx, "cagr_to", body.years)),
      chart ? saveLinks(chart, "vrscope-trends") : null),
    chart ? el("div", { class: "chart" }, chart) : el("p", { class: "muted" }, t("noChart")),
    el("p", { class: "muted" }, `${t("method")}: ${body.method}`
      + (body.undated ? ` · ${t("undated", body.undated)}` : "")),
    el("table", { class: "view-table" },
      el("thead", {}, el("tr", {}, [t(`dim_${dim}`), t("total"), t("share"), `${t("cagr")} (${windowText})`,
        t("slope")].map((h) => el("th", {}, h)))),
      el("tbody", {}, body.series.map((s) => el("tr", {},
        el("td", {}, valueLabel(dim, s.value)), el("td", { class: "num" }, s.total.toLocaleString()),
        el("td", { class: "num" }, percent(s.share).replace("+", "")), el("td", { class: "num" }, percent(s.cagr)),
        el("td", { class: "num" }, number(s.slope)))))),
    exportLinks("/api/v1/trends", params),
  ];
}

async function matrixView(ctx) {
  const body = await ctx.getJson(`/api/v1/matrix?${ctx.params}`);
  const cells = new Map(body.cells.map((c) => [`${c.form}|${c.tech}`, c]));
  const cell = (form, tech) => {
    const c = cells.get(`${form}|${tech}`);
    const query = new URLSearchParams(ctx.params);
    query.set("form", form);
    query.set("tech", tech);
    return el("td", { class: "num" },
      el("a", { href: `?${query}`, title: t("openInSearch"), onclick: (event) => {
        event.preventDefault();
        ctx.openSearch({ form, tech });
      } }, c.count.toLocaleString()),
      el("span", { class: c.growth > 0 ? "growth up" : c.growth < 0 ? "growth down" : "growth" },
        ` ${percent(c.growth)}`));
  };
  return [
    el("div", { class: "panel-head" }, el("h2", {}, t("matrixTitle"))),
    el("p", { class: "muted" }, t("matrixNote", body.end_year ?? "–")),
    el("table", { class: "view-table matrix" },
      el("thead", {}, el("tr", {}, el("th", {}, ""), body.techs.map((tech) => el("th", {}, label("tech", tech))))),
      el("tbody", {}, body.forms.map((form) => el("tr", {},
        el("th", {}, label("form", form)), body.techs.map((tech) => cell(form, tech)))))),
    exportLinks("/api/v1/matrix", ctx.params),
  ];
}

/** Buckets as "value n · value n"; label kind for technologies and forms. */
function bucketText(buckets, kind) {
  return buckets.length ? buckets.map((b) => `${kind ? label(kind, b.value) : b.value} ${b.count}`).join(" · ") : "–";
}

/** One applicant's page (filings per year, technologies, co-applicants, newest documents) drawn into holder. */
export async function showApplicant(ctx, name, holder) {
  const params = new URLSearchParams(ctx.params);
  params.delete("applicant");
  params.set("name", name);
  holder.replaceChildren(el("p", { class: "muted" }, t("loading")));
  try {
    const body = await ctx.getJson(`/api/v1/applicant?${params}`);
    const chart = drawLines(body.years, [{ key: "_all", name: t("documents"), values: body.counts,
      color: PALETTE[0] }], { title: `${body.name} — ${t("trendsTitle")}` });
    const rows = [
      [t("dim_tech"), bucketText(body.techs, "tech")],
      [t("dim_subtopic"), bucketText(body.subtopics, "subtopic")],
      [t("dim_form"), bucketText(body.forms, "form")],
      [t("dim_jurisdiction"), bucketText(body.jurisdictions)],
      [t("coApplicants"), bucketText(body.co_applicants)],
    ];
    holder.replaceChildren(
      el("div", { class: "panel-head" }, el("h3", {}, `${body.name} · ${body.total.toLocaleString()} ${t("documents")}`),
        chart ? saveLinks(chart, "vrscope-applicant") : null),
      chart ? el("div", { class: "chart" }, chart) : null,
      el("table", { class: "view-table" }, el("tbody", {}, rows.map(([head, text]) => el("tr", {},
        el("th", { scope: "row" }, head), el("td", {}, text))))),
      body.newest.length ? el("h4", {}, t("newestDocs")) : null,
      body.newest.length ? el("ol", {}, body.newest.map((hit) => el("li", {},
        el("a", { href: "#", onclick: (event) => {
          event.preventDefault();
          document.dispatchEvent(new CustomEvent("vrscope:open-document", { detail: hit.id }));
        } }, hit.title || hit.id), ` · ${[hit.id, hit.year].filter(Boolean).join(" · ")}`))) : null,
      exportLinks("/api/v1/applicant", params));
  } catch (error) {
    holder.replaceChildren(el("p", { class: "error" }, error.message));
  }
}

/** One table row per player; rank counts on from offset (the players before this page). */
function playerRows(ctx, players, offset, city, detail) {
  return players.map((p, i) => el("tr", {},
    el("td", { class: "num" }, String(offset + i + 1)),
    el("td", {}, el("a", { href: `?view=players&applicant=${encodeURIComponent(p.name)}`, title: t("applicantOpen"),
      onclick: (event) => {
        event.preventDefault();
        showApplicant(ctx, p.name, detail);
      } }, p.name)),
    el("td", { class: "num" }, p.count.toLocaleString()), city ? el("td", {}, p.district || "–") : null));
}

/** A "load more" button that appends the next page of players to tbody until next_cursor runs out. */
function morePlayers(ctx, params, tbody, first, city, detail) {
  let cursor = first.next_cursor;
  let shown = first.offset + first.players.length;
  const button = el("button", { type: "button", class: "load-more" }, t("loadMore"));
  const status = el("span", { class: "muted", "aria-live": "polite" });
  button.hidden = !cursor;
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = t("loading");
    try {
      const query = new URLSearchParams(params);
      query.set("cursor", cursor);
      const page = await ctx.getJson(`/api/v1/players?${query}`);
      tbody.append(...playerRows(ctx, page.players, shown, city, detail));
      shown += page.players.length;
      cursor = page.next_cursor;
      button.hidden = !cursor;
      status.textContent = "";
    } catch (error) {
      status.textContent = error.message;
    } finally {
      button.disabled = false;
    }
  });
  return el("p", { class: "more" }, button, " ", status);
}

async function playersView(ctx) {
  const params = new URLSearchParams(ctx.params);
  params.set("scope", ctx.options.scope);
  const body = await ctx.getJson(`/api/v1/players?${params}`);
  const city = body.scope === "city";
  const detail = el("section", { class: "applicant-detail", "aria-live": "polite" });
  const tbody = el("tbody", {}, playerRows(ctx, body.players, body.offset || 0, city, detail));
  return [
    el("div", { class: "panel-head" },
      el("h2", {}, t("playersTitle")),
      picker("scope", SCOPES, ctx.options.scope, (s) => t(`scope_${s}`), (s) => ctx.setOption("scope", s))),
    el("p", { class: "muted" }, `${t("method")}: ${body.method}`),
    body.players.length ? el("table", { class: "view-table" },
      el("thead", {}, el("tr", {}, [t("rank"), t("applicant"), t("documents"), city ? t("district") : null]
        .filter(Boolean).map((h) => el("th", {}, h)))),
      tbody)
      : el("p", { class: "muted" }, t("noResults")),
    body.players.length ? morePlayers(ctx, params, tbody, body, city, detail) : null,
    city && body.districts.length ? el("p", { class: "districts" }, `${t("district")}: `,
      body.districts.map((d) => `${d.value} ${d.count}`).join(" · ")) : null,
    exportLinks("/api/v1/players", params),
    detail,
  ];
}

const RENDER = { trends: trendsView, matrix: matrixView, players: playersView, tracker: trackerView, watch: watchView,
  emerging: emergingView, scoreboard: scoreboardView, gaps: gapsView };

/**
 * Draw one view into container. ctx: {params (filters as URLSearchParams), options {dimension, scope, basis, families},
 * getJson, setOption(name, value), openSearch(filters)}.
 */
let renderId = 0;

export async function renderView(view, container, ctx) {
  const mine = ++renderId;
  container.replaceChildren(el("p", { class: "muted" }, t("loading")));
  try {
    const nodes = (await RENDER[view](ctx)).filter(Boolean);
    if (mine === renderId) container.replaceChildren(...nodes); // else a newer view has started
  } catch (error) {
    if (mine === renderId) container.replaceChildren(el("p", { class: "error" }, error.message));
  }
}
