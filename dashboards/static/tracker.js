// The standards tracker: counts by status, body, committee and ICS; drafts open for comment; changes since a
// date; Qingdao drafting organizations; a standard's detail with similar patents (candidates, not findings).

import { downloadWithKey, keyedFetch } from "./apikey.js";
import { documentPath, el, safeUrl } from "./dom.js";
import { getLang, label } from "./i18n.js";

const TEXT = {
  en: {
    title: "Standards tracker",
    total: "Standards",
    indexed: "in the search index",
    inDevelopment: "Plans and drafts",
    by_phase: "Phase", by_status: "Status", by_body: "Body", by_level: "Level", by_stage: "Stage",
    by_committee: "Committee", by_ics: "ICS",
    phase_in_development: "In development", phase_in_force: "In force", phase_ended: "Withdrawn / replaced",
    phase_unknown: "Unknown",
    draftsTitle: "Drafts open for comment",
    noDrafts: "No draft is open for comment today.",
    deadline: "Comment deadline",
    daysLeft: "Days left",
    changesTitle: "What changed",
    since: "Since",
    kind: "Kind",
    anyKind: "Any",
    show: "Show",
    noChanges: "Nothing changed in this period.",
    observed: "Seen",
    change: "Change",
    effective: "Effective",
    kind_new: "New", kind_new_draft: "New draft", kind_stage_change: "Stage move", kind_status_change: "Status change",
    kind_withdrawn: "Withdrawn", kind_replaced: "Replaced",
    draftersTitle: "Qingdao drafting organizations",
    noDrafters: "No Qingdao organization is named as a drafter.",
    organization: "Organization",
    district: "District",
    standardsDrafted: "Standards drafted",
    id: "Identifier",
    titleCol: "Title",
    body: "Body",
    stage: "Stage",
    status: "Status",
    value: "Value",
    count: "Count",
    export: "Export",
    method: "Method",
    detail: "Standard",
    committee: "Committee",
    ics: "ICS",
    drafters: "Drafting organizations",
    openSource: "Open at source",
    similarTitle: "Similar patents",
    similarNote: "Similarity candidates, not essentiality findings: text similarity only, for a person to read.",
    similarNone: "No similar patents found.",
    similarUnavailable: "Similar patents are not available on this server yet.",
    close: "Close",
    searchWordsIgnored: "The search words do not apply to these counts; the other filters do.",
  },
  zh: {
    title: "标准追踪",
    total: "标准",
    indexed: "已索引",
    inDevelopment: "计划与草案",
    by_phase: "阶段", by_status: "状态", by_body: "发布机构", by_level: "层级", by_stage: "阶段代码",
    by_committee: "技术委员会", by_ics: "ICS 分类",
    phase_in_development: "制定中", phase_in_force: "现行", phase_ended: "废止 / 被代替", phase_unknown: "未知",
    draftsTitle: "正在征求意见的草案",
    noDrafts: "目前没有正在征求意见的草案。",
    deadline: "意见截止日期",
    daysLeft: "剩余天数",
    changesTitle: "近期变化",
    since: "起始日期",
    kind: "类型",
    anyKind: "全部",
    show: "查看",
    noChanges: "此期间没有变化。",
    observed: "发现时间",
    change: "变化",
    effective: "生效日期",
    kind_new: "新增", kind_new_draft: "新草案", kind_stage_change: "阶段变化", kind_status_change: "状态变化",
    kind_withdrawn: "废止", kind_replaced: "被代替",
    draftersTitle: "青岛起草单位",
    noDrafters: "没有青岛单位作为起草单位。",
    organization: "单位",
    district: "区市",
    standardsDrafted: "起草标准数",
    id: "标准号",
    titleCol: "名称",
    body: "发布机构",
    stage: "阶段",
    status: "状态",
    value: "取值",
    count: "数量",
    export: "导出",
    method: "统计方法",
    detail: "标准",
    committee: "技术委员会",
    ics: "ICS 分类",
    drafters: "起草单位",
    openSource: "查看原文",
    similarTitle: "相似专利",
    similarNote: "仅为相似性候选，并非标准必要性（essentiality）判断：仅基于文本相似度，供人工审阅。",
    similarNone: "未找到相似专利。",
    similarUnavailable: "本服务器暂不提供相似专利。",
    close: "关闭",
    searchWordsIgnored: "检索词不适用于这些统计；其他筛选条件适用。",
  },
};
const KINDS = ["new", "new_draft", "stage_change", "status_change", "withdrawn", "replaced"];
const EXPORTS = ["csv", "xlsx", "jsonl"];
// view filters the summary understands; the search's jurisdiction is the tracker's body
const SUMMARY_FILTERS = ["tech", "subtopic", "form", "year_from", "year_to", "relevant_only"];

/** A tracker string in the current language. */
export function tr(key, ...args) {
  const value = TEXT[getLang()][key] ?? TEXT.en[key] ?? key;
  return typeof value === "function" ? value(...args) : value;
}

/** A UTC day as YYYY-MM-DD, offset by days from today. */
function isoDay(offset = 0) {
  const day = new Date();
  day.setUTCDate(day.getUTCDate() + offset);
  return day.toISOString().slice(0, 10);
}

const state = { since: isoDay(-7), kind: "" };

/** GET JSON; the status is returned so that a caller can treat a 404 as "not there". */
async function fetchJson(path) {
  const response = await keyedFetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, body };
}

function errorText(result) {
  const detail = typeof result.body.detail === "string" ? result.body.detail : null;
  return result.body.message || detail || `HTTP ${result.status}`;
}

function exportLinks(path, params) {
  return el("p", { class: "exports" }, `${tr("export")}: `, EXPORTS.flatMap((format) => {
    const query = new URLSearchParams(params);
    query.set("format", format);
    return [el("a", { href: `${path}?${query}`, download: "", onclick: downloadWithKey }, format.toUpperCase()), " "];
  }));
}

function table(headers, rows) {
  return el("table", { class: "view-table" },
    el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))),
    el("tbody", {}, rows));
}

/** The summary's and the lists' parameters from the dashboard's filters (search words and document type do not
 * apply). */
export function summaryParams(viewParams) {
  const params = new URLSearchParams();
  for (const name of SUMMARY_FILTERS) for (const v of viewParams.getAll(name)) params.append(name, v);
  for (const v of viewParams.getAll("jurisdiction")) params.append("body", v);
  return params;
}

function valueName(dimension, value) {
  if (dimension === "by_status") return label("status", value);
  if (dimension === "by_level") return label("level", value);
  if (dimension === "by_phase") return tr(`phase_${value}`);
  return value;
}

function summarySection(body, params, hadWords) {
  const groups = ["by_phase", "by_status", "by_body", "by_level", "by_committee", "by_ics", "by_stage"]
    .filter((name) => body[name].length)
    .map((name) => el("div", { class: "tracker-count" },
      el("h3", {}, tr(name)),
      table([tr("value"), tr("count")], body[name].map((b) => el("tr", {},
        el("td", {}, valueName(name, b.value)), el("td", { class: "num" }, b.count.toLocaleString()))))));
  return el("section", { class: "tracker-summary" },
    el("p", { class: "stats" },
      el("span", { class: "stat" }, el("b", {}, body.total.toLocaleString()), ` ${tr("total")}`),
      el("span", { class: "stat" }, el("b", {}, body.in_development.toLocaleString()), ` ${tr("inDevelopment")}`),
      el("span", { class: "stat" }, el("b", {}, body.indexed.toLocaleString()), ` ${tr("indexed")}`)),
    hadWords ? el("p", { class: "muted" }, tr("searchWordsIgnored")) : null,
    el("div", { class: "tracker-grid" }, groups),
    el("p", { class: "muted" }, `${tr("method")}: ${body.method}`),
    exportLinks("/api/v1/standards/summary", params));
}

function idLink(id, openDetail) {
  return el("a", { href: documentPath(id), onclick: (event) => {
    event.preventDefault();
    openDetail(id);
  } }, id);
}

function draftsSection(body, filters, openDetail) {
  return el("section", {},
    el("h3", {}, tr("draftsTitle")),
    body.data.length ? table([tr("id"), tr("titleCol"), tr("body"), tr("stage"), tr("deadline"), tr("daysLeft")],
      body.data.map((d) => el("tr", {},
        el("td", {}, idLink(d.id, openDetail)), el("td", {}, d.title), el("td", {}, d.body || "–"),
        el("td", {}, d.stage || (d.status && label("status", d.status)) || "–"), el("td", {}, d.comment_deadline),
        el("td", { class: "num" }, String(d.days_left))))) : el("p", { class: "muted" }, tr("noDrafts")),
    exportLinks("/api/v1/standards/drafts-open", filters));
}

/** The changes list's parameters: its own since and kind, and the page's filters. */
export function changesParams(filters, since = state.since, kind = state.kind) {
  const params = new URLSearchParams(filters);
  params.set("since", since);
  if (kind) params.set("kind", kind);
  return params;
}

async function changesSection(filters, openDetail) {
  const holder = el("div", {});
  const since = el("input", { type: "date", value: state.since, required: true });
  const kind = el("select", {}, el("option", { value: "" }, tr("anyKind")),
    KINDS.map((k) => el("option", { value: k, selected: k === state.kind }, tr(`kind_${k}`))));
  const load = async () => {
    const params = changesParams(filters);
    const result = await fetchJson(`/api/v1/standards/changes?${params}`);
    if (!result.ok) {
      holder.replaceChildren(el("p", { class: "error" }, errorText(result)));
      return;
    }
    const rows = [...result.body.data].reverse(); // the latest first
    holder.replaceChildren(
      rows.length ? table([tr("observed"), tr("id"), tr("titleCol"), tr("change"), tr("effective")],
        rows.map((c) => el("tr", {},
          el("td", { class: "nowrap" }, c.observed_at.slice(0, 16).replace("T", " ")), el("td", {}, idLink(c.doc_id, openDetail)),
          el("td", {}, c.title),
          el("td", {}, changeText(c)),
          el("td", {}, c.effective_date || "–")))) : el("p", { class: "muted" }, tr("noChanges")),
      exportLinks("/api/v1/standards/changes", params));
  };
  const form = el("form", { class: "tracker-form", onsubmit: (event) => {
    event.preventDefault();
    state.since = since.value || isoDay(-7);
    state.kind = kind.value;
    load();
  } }, el("label", {}, `${tr("since")} `, since), " ", el("label", {}, `${tr("kind")} `, kind), " ",
  el("button", { type: "submit" }, tr("show")));
  await load();
  return el("section", {}, el("h3", {}, tr("changesTitle")), form, holder);
}

/** A change in words: "Stage move: 40.20 → 40.60", "New draft: Draft for comment". */
function changeText(change) {
  const kind = tr(`kind_${change.kind}`);
  if (!change.old_value && !change.new_value) return kind;
  if (!change.old_value) return `${kind}: ${valueOf(change.new_value)}`;
  return `${kind}: ${valueOf(change.old_value)} → ${valueOf(change.new_value)}`;
}

/** A status word in the current language; other values (stage codes, dates) as given. */
function valueOf(value) {
  if (!value) return "–";
  return label("status", value);
}

function draftersSection(body, filters, openDetail) {
  return el("section", {},
    el("h3", {}, tr("draftersTitle")),
    body.drafters.length ? table([tr("organization"), tr("district"), tr("standardsDrafted")],
      body.drafters.map((d) => el("tr", {},
        el("td", {}, d.name), el("td", {}, d.district || "–"),
        el("td", {}, d.standards.flatMap((s, i) => [i ? ", " : "", idLink(s.id, openDetail)]))))) :
      el("p", { class: "muted" }, tr("noDrafters")),
    el("p", { class: "muted" }, `${tr("method")}: ${body.method}`),
    exportLinks("/api/v1/standards/local-drafters", filters));
}

/** The similar-patents list of one standard; a 404 (endpoint not there yet) is said plainly, not as an error. */
async function similarPatents(id) {
  const result = await fetchJson(`${documentPath(id)}/similar?doc_type=patent`);
  const note = el("p", { class: "muted similar-note" }, tr("similarNote"));
  if (result.status === 404) return [note, el("p", { class: "muted" }, tr("similarUnavailable"))];
  if (!result.ok) return [note, el("p", { class: "error" }, errorText(result))];
  const hits = result.body.hits || result.body.data || [];
  if (!hits.length) return [note, el("p", { class: "muted" }, tr("similarNone"))];
  return [note, el("ol", { class: "similar" }, hits.map((h) => el("li", {},
    el("a", { href: documentPath(h.id) }, h.title || h.id), ` · ${h.id}`,
    typeof h.score === "number" ? el("span", { class: "muted" }, ` · ${h.score.toFixed(2)}`) : null)))];
}

async function renderDetail(panel, id) {
  panel.hidden = false;
  panel.replaceChildren(el("p", { class: "muted" }, "…"));
  const result = await fetchJson(documentPath(id));
  if (!result.ok) {
    panel.replaceChildren(el("p", { class: "error" }, errorText(result)));
    return;
  }
  const record = result.body.record || {};
  const url = safeUrl(record.url);
  const facts = [
    [tr("body"), record.body], [tr("status"), record.status && label("status", record.status)],
    [tr("stage"), [record.stage_code, record.stage_name].filter(Boolean).join(" ")],
    [tr("committee"), record.committee], [tr("ics"), (record.ics || []).join(", ")],
    [tr("deadline"), record.comment_deadline], [tr("drafters"), (record.drafting_orgs || []).join("; ")],
  ].filter(([, v]) => v);
  const similar = await similarPatents(result.body.id);
  panel.replaceChildren(...[
    el("div", { class: "panel-head" }, el("h3", {}, `${tr("detail")}: ${result.body.id}`),
      el("button", { type: "button", onclick: () => { panel.hidden = true; } }, tr("close"))),
    el("p", {}, el("b", {}, result.body.title)),
    el("dl", { class: "facts" }, facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
    url ? el("p", {}, el("a", { href: url, rel: "noopener noreferrer", target: "_blank" }, tr("openSource"))) : null,
    el("h4", {}, tr("similarTitle")),
    ...similar,
  ].filter(Boolean));
}

/** The tracker page. ctx: {params (the dashboard's filters), getJson}. */
export async function trackerView(ctx) {
  const detail = el("section", { class: "tracker-detail chart-panel", hidden: true });
  const openDetail = (id) => {
    renderDetail(detail, id);
    detail.scrollIntoView({ behavior: "smooth", block: "nearest" });
  };
  const params = summaryParams(ctx.params);
  const [summary, drafts, drafters] = await Promise.all([
    ctx.getJson(`/api/v1/standards/summary?${params}`),
    ctx.getJson(`/api/v1/standards/drafts-open?${params}`),
    ctx.getJson(`/api/v1/standards/local-drafters?${params}`),
  ]);
  return [
    el("div", { class: "panel-head" }, el("h2", {}, tr("title"))),
    detail,
    summarySection(summary, params, Boolean(ctx.params.get("q"))),
    draftsSection(drafts, params, openDetail),
    await changesSection(params, openDetail),
    draftersSection(drafters, params, openDetail),
  ];
}
