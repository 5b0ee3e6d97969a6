// The breakthrough scoreboard: the headline "N of the 3–5 target", the method text with its thresholds, a chart
// of local filings against the threshold, and one row of indicators per sub-topic; exportable.

import { downloadWithKey } from "./apikey.js";
import { saveLinks } from "./chart.js";
import { drawBars } from "./bars.js";
import { el } from "./dom.js";
import { getLang, label, t } from "./i18n.js";

const TEXT = {
  en: {
    title: "Breakthrough scoreboard",
    method: "How it is computed",
    chartTitle: "Local (Qingdao) patent filings per sub-topic",
    axis: "Patent filings with a Qingdao applicant (count)",
    filings: "Local filings",
    standardsSeries: "Local-led or co-drafted standards",
    threshold: (n) => `Threshold: ${n} filings`,
    subtopic: "Sub-topic",
    status: "Status",
    met: "Met",
    localFilings: "Local filings (granted)",
    share: "Local share of China",
    growth: "Growth",
    standards: "Standards (led / co-drafted)",
    applicants: "Local applicants",
    world: "World / China",
    status_breakthrough: "Breakthrough",
    status_on_track: "On track",
    status_behind: "Behind",
    noLocal: "No sub-topic has local filings or standards yet.",
  },
  zh: {
    title: "突破进度看板",
    method: "计算方法",
    chartTitle: "各子方向青岛本地专利申请量",
    axis: "含青岛申请人的专利申请（件）",
    filings: "本地申请",
    standardsSeries: "本地牵头或参与起草的标准",
    threshold: (n) => `阈值：${n} 件`,
    subtopic: "子方向",
    status: "状态",
    met: "达标",
    localFilings: "本地申请（授权）",
    share: "占全国比例",
    growth: "增长率",
    standards: "标准（牵头 / 参与）",
    applicants: "本地申请人",
    world: "全球 / 中国",
    status_breakthrough: "已突破",
    status_on_track: "接近",
    status_behind: "落后",
    noLocal: "暂无子方向有本地申请或标准。",
  },
};
const EXPORTS = ["csv", "xlsx", "jsonl"];
const STATUS_CLASS = { breakthrough: "badge good", on_track: "badge warn", behind: "badge" };

function tx(key, ...args) {
  const value = TEXT[getLang()][key] ?? TEXT.en[key] ?? key;
  return typeof value === "function" ? value(...args) : value;
}

const pct = (v) => (v === null || v === undefined ? "–" : `${(v * 100).toFixed(1)}%`);
const signed = (v) => (v === null || v === undefined ? "–" : `${v >= 0 ? "+" : ""}${(v * 100).toFixed(0)}%`);
const nameOf = (row) => (getLang() === "zh" ? row.name_zh : row.name_en);

function exportLinks(params) {
  return el("p", { class: "exports" }, `${t("export")}: `, EXPORTS.flatMap((format) => {
    const query = new URLSearchParams(params);
    query.set("format", format);
    return [el("a", { href: `/api/v1/scoreboard?${query}`, download: "", onclick: downloadWithKey }, format.toUpperCase()), " "];
  }));
}

/** A cell whose value met its threshold (✓) or not. */
function scored(text, ok) {
  return el("td", { class: ok ? "num met" : "num" }, ok ? `${text} ✓` : text);
}

function chartOf(body) {
  const rows = body.rows.filter((r) => r.local_filings || r.standards);
  if (!rows.length) return null;
  return drawBars(rows.map((r) => ({ key: r.subtopic, name: nameOf(r) })), [
    { key: "filings", name: tx("filings"), color: "#0072b2", values: rows.map((r) => r.local_filings) },
    { key: "standards", name: tx("standardsSeries"), color: "#e69f00", values: rows.map((r) => r.standards) },
  ], { title: tx("chartTitle"), xLabel: tx("axis"), threshold: body.thresholds.min_local_filings,
    thresholdLabel: tx("threshold", body.thresholds.min_local_filings) });
}

/** The scoreboard page. ctx: {params (the dashboard's filters), getJson}. */
export async function scoreboardView(ctx) {
  const params = new URLSearchParams(ctx.params);
  params.delete("doc_type"); // the scoreboard counts patents and standards itself
  const body = await ctx.getJson(`/api/v1/scoreboard?${params}`);
  const lang = getLang() === "zh" ? "zh" : "en";
  const chart = chartOf(body);
  const rows = body.rows.map((r) => el("tr", {},
    el("td", {}, nameOf(r), el("br", {}), el("small", { class: "muted" }, r.tech ? label("tech", r.tech) : "")),
    el("td", {}, el("span", { class: STATUS_CLASS[r.status] }, tx(`status_${r.status}`))),
    el("td", { class: "num" }, `${r.met_count}/4`),
    scored(`${r.local_filings} (${r.local_grants})`, r.met.local_filings),
    scored(pct(r.local_share), r.met.local_share),
    scored(`${signed(r.growth)} · ${r.previous}→${r.recent}`, r.met.growth),
    scored(`${r.local_led_standards} / ${r.local_codrafted_standards}`, r.met.standards),
    el("td", { class: "num" }, `${r.world_filings} / ${r.cn_filings}`),
    el("td", {}, r.local_applicants.join("; "))));
  return [
    el("div", { class: "panel-head" }, el("h2", {}, tx("title"))),
    el("p", { class: "headline" }, body.headline[lang]),
    el("details", { class: "method", open: true }, el("summary", {}, tx("method")),
      el("ul", {}, body.method[lang].map((line) => el("li", {}, line)))),
    chart ? el("div", { class: "panel-head" }, el("h3", {}, tx("chartTitle")), saveLinks(chart, "vrscope-scoreboard"))
      : el("p", { class: "muted" }, tx("noLocal")),
    chart ? el("div", { class: "chart" }, chart) : null,
    el("table", { class: "view-table scoreboard" },
      el("thead", {}, el("tr", {}, [tx("subtopic"), tx("status"), tx("met"), tx("localFilings"), tx("share"),
        tx("growth"), tx("standards"), tx("world"), tx("applicants")].map((h) => el("th", {}, h)))),
      el("tbody", {}, rows)),
    exportLinks(params),
  ].filter(Boolean);
}
