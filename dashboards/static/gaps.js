// Enterprise gap analysis: the enterprise's names (with variants) and competitors in, per sub-topic its own
// documents against competitors and the world, white spaces and the newest competitor filings out; exportable.

import { downloadWithKey } from "./apikey.js";
import { saveLinks } from "./chart.js";
import { drawBars } from "./bars.js";
import { el } from "./dom.js";
import { getLang, label, t } from "./i18n.js";

const TEXT = {
  en: {
    title: "Enterprise gap analysis",
    own: "Your applicant names (one per line, every variant)",
    rivals: "Competitors (one per line; variants of one company separated by |)",
    minWorld: "Busy from (documents worldwide)",
    show: "Analyse",
    ownPlaceholder: "Goertek Inc.\n歌尔股份有限公司",
    rivalsPlaceholder: "Meta Platforms Technologies, LLC|Facebook Technologies, LLC\nSony Interactive Entertainment",
    prompt: "Enter your applicant names to compare them with competitors and the world.",
    matched: (names, n) => `Counted as: ${names} — ${n} documents.`,
    suggestions: (label) => `Also in the index, maybe ${label}:`,
    add: "add",
    whiteSpaces: (n, min) => `${n} white space${n === 1 ? "" : "s"}: sub-topics with at least ${min} documents `
      + "worldwide and none of yours.",
    chartTitle: "Documents per sub-topic: yours against competitors",
    axis: "Documents (count)",
    you: "You",
    subtopic: "Sub-topic",
    world: "World",
    ownCol: "Own",
    share: "Share",
    whiteSpace: "White space",
    newest: "Newest competitor documents",
    yes: "yes",
    method: "Method",
  },
  zh: {
    title: "企业专利差距分析",
    own: "本企业申请人名称（每行一个，列出所有写法）",
    rivals: "竞争对手（每行一家；同一家公司的不同写法用 | 分隔）",
    minWorld: "热门门槛（全球文献数）",
    show: "分析",
    ownPlaceholder: "歌尔股份有限公司\nGoertek Inc.",
    rivalsPlaceholder: "Meta Platforms Technologies, LLC|Facebook Technologies, LLC\nSony Interactive Entertainment",
    prompt: "输入本企业申请人名称，与竞争对手及全球进行对比。",
    matched: (names, n) => `按以下名称统计：${names}，共 ${n} 篇。`,
    suggestions: (label) => `索引中可能也属于 ${label} 的名称：`,
    add: "添加",
    whiteSpaces: (n, min) => `${n} 个空白点：全球至少 ${min} 篇而本企业没有的子方向。`,
    chartTitle: "各子方向文献数：本企业与竞争对手",
    axis: "文献数（篇）",
    you: "本企业",
    subtopic: "子方向",
    world: "全球",
    ownCol: "本企业",
    share: "占比",
    whiteSpace: "空白点",
    newest: "竞争对手最新文献",
    yes: "是",
    method: "统计方法",
  },
};
const EXPORTS = ["csv", "xlsx", "jsonl"];
const COLORS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"];
const state = { own: "", rivals: "", minWorld: "" };

function tx(key, ...args) {
  const value = TEXT[getLang()][key] ?? TEXT.en[key] ?? key;
  return typeof value === "function" ? value(...args) : value;
}

const lines = (text) => text.split("\n").map((s) => s.trim()).filter(Boolean);
const pct = (v) => (v === null || v === undefined ? "–" : `${(v * 100).toFixed(1)}%`);
const nameOf = (row) => (getLang() === "zh" ? row.name_zh : row.name_en);
const short = (text, n = 48) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

/** The API parameters: the dashboard's filters (its applicant filter replaced) plus the names. */
export function gapsParams(viewParams, { own, rivals, minWorld }) {
  const params = new URLSearchParams(viewParams);
  params.delete("applicant");
  for (const name of lines(own)) params.append("applicant", name);
  for (const rival of lines(rivals)) params.append("competitor", rival);
  if (minWorld) params.set("min_world", minWorld);
  return params;
}

function exportLinks(params) {
  return el("p", { class: "exports" }, `${t("export")}: `, EXPORTS.flatMap((format) => {
    const query = new URLSearchParams(params);
    query.set("format", format);
    return [el("a", { href: `/api/v1/gaps?${query}`, download: "", onclick: downloadWithKey }, format.toUpperCase()), " "];
  }));
}

function chartOf(body) {
  const rows = body.rows.filter((r) => r.own || r.competitors.some(Boolean));
  if (!rows.length) return null;
  const series = [{ key: "own", name: `${tx("you")} (${body.own.label})`, color: COLORS[0],
    values: rows.map((r) => r.own) }];
  body.competitors.forEach((c, i) => series.push({ key: `c${i}`, name: c.label, color: COLORS[(i + 1) % COLORS.length],
    values: rows.map((r) => r.competitors[i]) }));
  return drawBars(rows.map((r) => ({ key: r.subtopic, name: nameOf(r) })), series,
    { title: tx("chartTitle"), xLabel: tx("axis") });
}

function render(body, params, addName) {
  const chart = chartOf(body);
  // a suggested name joins the enterprise's names (index -1) or the competitor it was suggested for
  const indexOf = (who) => (who === body.own.label ? -1 : body.competitors.findIndex((c) => c.label === who));
  const suggestions = Object.entries(body.suggestions || {}).map(([who, found]) => el("p", { class: "muted" },
    tx("suggestions", who), " ", found.flatMap((f) => [el("button", { type: "button", class: "chip",
      title: tx("add"), onclick: () => addName(indexOf(who), f.value) }, `+ ${f.value} (${f.count})`), " "])));
  const rows = body.rows.filter((r) => r.world || r.own).map((r) => el("tr", { class: r.white_space ? "white-space" : null },
    el("td", {}, nameOf(r), el("br", {}), el("small", { class: "muted" }, r.tech ? label("tech", r.tech) : "")),
    el("td", { class: "num" }, String(r.world)), el("td", { class: "num" }, String(r.own)),
    el("td", { class: "num" }, pct(r.share)),
    r.competitors.map((n) => el("td", { class: "num" }, String(n))),
    el("td", {}, r.white_space ? el("span", { class: "badge warn" }, tx("yes")) : ""),
    el("td", {}, el("ul", { class: "examples" }, r.newest.map((d) => el("li", { title: d.title },
      el("code", {}, d.id), ` ${d.date || d.year || ""} ${short(d.title)}`))))));
  return [
    el("p", {}, tx("matched", body.own.names.join("; "), body.own_total)),
    ...suggestions,
    el("p", { class: "headline" }, tx("whiteSpaces", body.white_spaces.length, body.min_world)),
    chart ? el("div", { class: "panel-head" }, el("h3", {}, tx("chartTitle")), saveLinks(chart, "vrscope-gaps")) : null,
    chart ? el("div", { class: "chart" }, chart) : null,
    el("table", { class: "view-table gaps" },
      el("thead", {}, el("tr", {}, [tx("subtopic"), tx("world"), tx("ownCol"), tx("share"),
        ...body.competitors.map((c) => c.label), tx("whiteSpace"), tx("newest")].map((h) => el("th", {}, h)))),
      el("tbody", {}, rows)),
    el("p", { class: "muted" }, `${tx("method")}: ${body.method}.`),
    exportLinks(params),
  ].filter(Boolean);
}

/** The gap-analysis page. ctx: {params (the dashboard's filters), getJson}. */
export async function gapsView(ctx) {
  const holder = el("div", {});
  const own = el("textarea", { rows: 3, placeholder: tx("ownPlaceholder") });
  own.value = state.own;
  const rivals = el("textarea", { rows: 3, placeholder: tx("rivalsPlaceholder") });
  rivals.value = state.rivals;
  const minWorld = el("input", { type: "number", min: 1, value: state.minWorld, class: "narrow" });
  const load = async () => {
    if (!lines(state.own).length) {
      holder.replaceChildren(el("p", { class: "muted" }, tx("prompt")));
      return;
    }
    const params = gapsParams(ctx.params, state);
    holder.replaceChildren(el("p", { class: "muted" }, t("loading")));
    try {
      const body = await ctx.getJson(`/api/v1/gaps?${params}`);
      holder.replaceChildren(...render(body, params, addName));
    } catch (error) {
      holder.replaceChildren(el("p", { class: "error" }, error.message));
    }
  };
  const addName = (index, name) => {
    const rivalLines = lines(state.rivals);
    if (index >= 0 && index < rivalLines.length) {
      rivalLines[index] = `${rivalLines[index]}|${name}`;
      state.rivals = rivals.value = rivalLines.join("\n");
    } else {
      state.own = own.value = [...lines(state.own), name].join("\n");
    }
    load();
  };
  const form = el("form", { class: "view-form gaps-form", onsubmit: (event) => {
    event.preventDefault();
    state.own = own.value;
    state.rivals = rivals.value;
    state.minWorld = minWorld.value.trim();
    load();
  } },
  el("label", {}, tx("own"), own), el("label", {}, tx("rivals"), rivals),
  el("label", {}, `${tx("minWorld")} `, minWorld), " ", el("button", { type: "submit", class: "primary" }, tx("show")));
  await load();
  return [el("div", { class: "panel-head" }, el("h2", {}, tx("title"))), form, holder];
}
