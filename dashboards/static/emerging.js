// Emerging topics: sub-topics whose share grew in the recent window (G² significance) and the terms that
// recent documents use more than the rest, each with example documents; exportable, chart saved as SVG/PNG.

import { downloadWithKey } from "./apikey.js";
import { drawLines, saveLinks } from "./chart.js";
import { el } from "./dom.js";
import { getLang, label, t } from "./i18n.js";

const TEXT = {
  en: {
    title: "Emerging topics",
    window: "Window",
    years: (n) => `${n} years`,
    minCount: "At least",
    docs: "recent documents",
    show: "Show",
    windows: (r, p) => `Recent ${r[0]}–${r[1]} against previous ${p[0]}–${p[1]}.`,
    noData: "No dated document matches.",
    chartTitle: "Documents per year in the leading sub-topics",
    subtopicsTitle: "Sub-topics",
    subtopic: "Sub-topic",
    tech: "Technology",
    previous: "Previous",
    recent: "Recent",
    share: "Share (previous → recent)",
    change: "Change (points)",
    g2: "G²",
    emerging: "Emerging",
    examples: "Examples (newest)",
    termsTitle: "Terms used more in recent documents",
    term: "Term",
    background: "All documents",
    noTerms: "No term is used more in the recent window (try a lower minimum).",
    method: "Method",
    yes: "yes",
  },
  zh: {
    title: "新兴主题",
    window: "时间窗",
    years: (n) => `${n} 年`,
    minCount: "至少",
    docs: "篇近期文献",
    show: "显示",
    windows: (r, p) => `近期 ${r[0]}–${r[1]} 年对比前期 ${p[0]}–${p[1]} 年。`,
    noData: "没有带日期的匹配文献。",
    chartTitle: "重点子方向逐年文献量",
    subtopicsTitle: "子方向",
    subtopic: "子方向",
    tech: "关键技术",
    previous: "前期",
    recent: "近期",
    share: "占比（前期 → 近期）",
    change: "变化（百分点）",
    g2: "G²",
    emerging: "新兴",
    examples: "示例（最新）",
    termsTitle: "近期文献中明显增多的术语",
    term: "术语",
    background: "全部文献",
    noTerms: "近期没有明显增多的术语（可降低最低篇数）。",
    method: "统计方法",
    yes: "是",
  },
};
const EXPORTS = ["csv", "xlsx", "jsonl"];
const PALETTE = ["#0072b2", "#009e73", "#d55e00", "#cc79a7", "#e69f00"];
const CHART_TOP = 5;
const state = { window: 3, minCount: 2 };

function tx(key, ...args) {
  const value = TEXT[getLang()][key] ?? TEXT.en[key] ?? key;
  return typeof value === "function" ? value(...args) : value;
}

const pct = (v) => (v === null || v === undefined ? "–" : `${(v * 100).toFixed(1)}%`);
const points = (v) => (v === null || v === undefined ? "–" : `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)}`);
const nameOf = (row) => (getLang() === "zh" ? row.name_zh : row.name_en);

function exportLinks(params) {
  return el("p", { class: "exports" }, `${t("export")}: `, EXPORTS.flatMap((format) => {
    const query = new URLSearchParams(params);
    query.set("format", format);
    return [el("a", { href: `/api/v1/emerging?${query}`, download: "", onclick: downloadWithKey }, format.toUpperCase()), " "];
  }));
}

const short = (text, n = 48) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

function examples(items) {
  return el("ul", { class: "examples" }, items.map((e) => el("li", { title: e.title },
    el("code", {}, e.id), ` ${short(e.title)}${e.year ? ` (${e.year})` : ""}`)));
}

/** A signed G² with two decimals (no "-0.00"). */
const score = (v) => (Math.abs(v) < 0.005 ? "0.00" : v.toFixed(2));

function table(headers, rows) {
  return el("table", { class: "view-table" },
    el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))), el("tbody", {}, rows));
}

function chartOf(body) {
  const top = body.subtopics.filter((s) => s.recent + s.previous > 0).slice(0, CHART_TOP);
  const lines = top.map((s, i) => ({ key: s.subtopic, name: nameOf(s), values: s.counts, color: PALETTE[i] }));
  lines.push({ key: "_all", name: t("all"), values: body.totals, color: "#6b7280", dashed: true });
  return top.length ? drawLines(body.years, lines, { title: tx("chartTitle") }) : null;
}

function render(body, params) {
  if (!body.recent_years) return [el("p", { class: "muted" }, tx("noData"))];
  const chart = chartOf(body);
  const subtopics = table(
    [tx("subtopic"), tx("tech"), tx("previous"), tx("recent"), tx("share"), tx("change"), tx("g2"), tx("emerging"),
      tx("examples")],
    body.subtopics.filter((s) => s.recent + s.previous > 0).map((s) => el("tr", { class: s.emerging ? "emerging" : null },
      el("td", {}, nameOf(s)), el("td", {}, s.tech ? label("tech", s.tech) : "–"),
      el("td", { class: "num" }, String(s.previous)), el("td", { class: "num" }, String(s.recent)),
      el("td", { class: "num" }, `${pct(s.previous_share)} → ${pct(s.recent_share)}`),
      el("td", { class: "num" }, points(s.share_change)), el("td", { class: "num" }, score(s.g2)),
      el("td", {}, s.emerging ? el("span", { class: "badge good" }, tx("yes")) : ""),
      el("td", {}, examples(s.examples)))));
  const terms = body.terms.length ? table(
    [tx("term"), tx("recent"), tx("background"), tx("share"), tx("g2"), tx("examples")],
    body.terms.map((term) => el("tr", {},
      el("td", {}, term.term), el("td", { class: "num" }, String(term.recent)),
      el("td", { class: "num" }, String(term.background)),
      el("td", { class: "num" }, `${pct(term.background_share)} → ${pct(term.recent_share)}`),
      el("td", { class: "num" }, score(term.g2)), el("td", {}, examples(term.examples)))))
    : el("p", { class: "muted" }, tx("noTerms"));
  return [
    el("p", { class: "muted" }, tx("windows", body.recent_years, body.previous_years)),
    chart ? el("div", { class: "panel-head" }, el("h3", {}, tx("chartTitle")), saveLinks(chart, "vrscope-emerging"))
      : null,
    chart ? el("div", { class: "chart" }, chart) : null,
    el("h3", {}, tx("subtopicsTitle")),
    subtopics,
    el("h3", {}, tx("termsTitle")),
    terms,
    el("p", { class: "muted" }, `${tx("method")}: ${body.significance}; ${body.terms_method}.`),
    exportLinks(params),
  ].filter(Boolean);
}

/** The emerging-topics page. ctx: {params (the dashboard's filters), getJson}. */
export async function emergingView(ctx) {
  const holder = el("div", {});
  const windowPicker = el("select", {}, [2, 3, 4, 5].map((n) =>
    el("option", { value: n, selected: n === state.window }, tx("years", n))));
  const minCount = el("input", { type: "number", min: 1, max: 1000, value: state.minCount, class: "narrow" });
  const load = async () => {
    const params = new URLSearchParams(ctx.params);
    params.set("window", String(state.window));
    params.set("min_count", String(state.minCount));
    try {
      holder.replaceChildren(...render(await ctx.getJson(`/api/v1/emerging?${params}`), params));
    } catch (error) {
      holder.replaceChildren(el("p", { class: "error" }, error.message));
    }
  };
  const form = el("form", { class: "view-form", onsubmit: (event) => {
    event.preventDefault();
    state.window = Number(windowPicker.value) || 3;
    state.minCount = Math.max(1, Number(minCount.value) || 1);
    holder.replaceChildren(el("p", { class: "muted" }, t("loading")));
    load();
  } }, el("label", {}, `${tx("window")} `, windowPicker), " ",
  el("label", {}, `${tx("minCount")} `, minCount, ` ${tx("docs")}`), " ", el("button", { type: "submit" }, tx("show")));
  await load();
  return [el("div", { class: "panel-head" }, el("h2", {}, tx("title"))), form, holder];
}
