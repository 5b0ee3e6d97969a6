// The document view: a record's fields, its labels (human correction marked) and where it came from.

import { keyedFetch } from "./apikey.js";
import { documentPath, el, safeUrl } from "./dom.js";
import { COLORS, TECHS, getLang, label, t } from "./i18n.js";

const FIELDS = {
  id: ["Identifier", "编号"],
  doc_type: ["Type", "类型"],
  jurisdiction: ["Office", "受理局"],
  kind: ["Kind", "文献类型代码"],
  family_id: ["Family", "同族号"],
  application_number: ["Application no.", "申请号"],
  application_date: ["Application date", "申请日"],
  priority_date: ["Earliest priority", "最早优先权日"],
  publication_date: ["Publication date", "公开日"],
  grant_date: ["Grant date", "授权日"],
  applicants: ["Applicants", "申请人"],
  inventors: ["Inventors", "发明人"],
  cpc: ["CPC", "CPC"],
  ipc: ["IPC", "IPC"],
  legal_status: ["Legal status", "法律状态"],
  level: ["Level", "标准级别"],
  body: ["Issued by", "发布机构"],
  status: ["Status", "状态"],
  stage: ["Stage", "阶段"],
  plan_number: ["Plan no.", "计划号"],
  committee: ["Committee", "归口单位 / 技术委员会"],
  ics: ["ICS", "ICS"],
  ccs: ["CCS", "CCS"],
  plan_date: ["Plan date", "下达日期"],
  comment_deadline: ["Comments due", "征求意见截止"],
  published_date: ["Published", "发布日期"],
  implemented_date: ["In force", "实施日期"],
  withdrawn_date: ["Withdrawn", "废止日期"],
  drafting_orgs: ["Drafting organizations", "起草单位"],
  replaces: ["Replaces", "代替"],
  replaced_by: ["Replaced by", "被代替"],
  adoption: ["Adopts", "采标"],
  citations: ["Citations", "引用文献"],
  abstract: ["Abstract", "摘要"],
  scope: ["Scope", "范围"],
  claims: ["Claims", "权利要求"],
  techs: ["Technologies", "关键技术"],
  subtopics: ["Sub-topics", "细分方向"],
  forms: ["Forms", "产品形态"],
};

const PATENT_FIELDS = ["jurisdiction", "kind", "application_number", "application_date", "priority_date",
  "publication_date", "grant_date", "family_id", "applicants", "inventors", "cpc", "ipc", "legal_status"];
const STANDARD_FIELDS = ["level", "body", "status", "stage", "plan_number", "committee", "ics", "ccs",
  "plan_date", "comment_deadline", "published_date", "implemented_date", "withdrawn_date", "drafting_orgs",
  "replaces", "replaced_by", "adoption"];

function name(key) {
  const pair = FIELDS[key] || [key, key];
  return getLang() === "zh" ? pair[1] : pair[0];
}

/** A record field as display text, or "" when empty. */
function value(record, key) {
  const raw = record[key];
  if (key === "applicants" || key === "inventors") {
    return (raw || []).map((p) => p.name + (p.address ? ` (${p.address})` : "")).join("; ");
  }
  if (key === "level") return raw ? label("level", raw) : "";
  if (key === "status") {
    if (!raw) return record.status_raw || "";
    const word = label("status", raw);
    return record.status_raw && record.status_raw !== word ? `${word} (${record.status_raw})` : word;
  }
  if (key === "stage") return [record.stage_code, record.stage_name].filter(Boolean).join(" ");
  if (key === "adoption") return raw ? [raw.identifier, raw.degree].filter(Boolean).join(" ") : "";
  if (Array.isArray(raw)) return raw.join(", ");
  return raw === null || raw === undefined ? "" : String(raw);
}

/** Text in several languages: the UI language first. */
function byLanguage(texts) {
  const entries = Object.entries(texts || {}).filter(([, text]) => text);
  const lang = getLang();
  entries.sort(([a], [b]) => (b === lang) - (a === lang));
  return entries;
}

function texts(record) {
  const parts = [];
  if (record.doc_type === "patent") {
    for (const [lang, text] of byLanguage(record.abstracts)) {
      parts.push(el("h3", {}, `${name("abstract")} (${lang})`), el("p", { lang, class: "prose" }, text));
    }
    for (const [lang, text] of byLanguage(record.claims)) {
      parts.push(el("details", {}, el("summary", {}, `${name("claims")} (${lang})`),
        el("p", { lang, class: "prose claims" }, text)));
    }
  } else if (record.abstract) {
    parts.push(el("h3", {}, name("scope")), el("p", { class: "prose" }, record.abstract));
  }
  return parts;
}

function scores(map, kind) {
  const entries = Object.entries(map || {});
  if (!entries.length) return t("none");
  return entries.map(([key, score]) => el("span", {
    class: "tag", style: kind === "tech" && COLORS[key] ? `--tag: ${COLORS[key]}` : null,
  }, `${label(kind, key)} ${Number(score).toFixed(2)}`));
}

function labelsSection(doc) {
  const labels = doc.labels;
  if (!labels) return [el("h3", {}, t("labels")), el("p", { class: "muted" }, t("none"))];
  const rows = [
    [t("relevant"), (labels.relevant ? t("yes") : t("no"))
      + (labels.relevance_score ? ` (${Number(labels.relevance_score).toFixed(2)})` : "")],
    [name("techs"), Object.keys(labels.techs || {}).length ? scores(labels.techs, "tech") : t("general")],
    [name("subtopics"), scores(labels.subtopics, "subtopic")],
    [name("forms"), scores(labels.forms, "form")],
    [t("model"), labels.model_version],
  ];
  const parts = [el("h3", {}, t("labels")), table(rows), ...whySection(doc.explanations)];
  if (doc.correction) {
    const c = doc.correction;
    parts.push(el("p", { class: "corrected" }, `✔ ${t("corrected")} ${c.author}`,
      c.note ? ` — ${c.note}` : "", ` (${String(c.created_at).slice(0, 10)})`));
  }
  return parts;
}

/** The terms, codes and words that pushed each label (from the saved model), as a folded list. */
function whySection(explanations) {
  const entries = Object.entries(explanations || {}).filter(([, feats]) => feats.length);
  if (!entries.length) return [];
  return [el("details", { class: "why" }, el("summary", {}, t("why")),
    el("ul", {}, entries.map(([key, feats]) => el("li", {}, el("b", {}, `${key}: `), feats.join(" · ")))))];
}

function table(rows) {
  return el("table", { class: "fields" }, el("tbody", {}, rows.map(([key, val]) =>
    el("tr", {}, el("th", { scope: "row" }, key), el("td", {}, val)))));
}

const SIMILAR_SIZE = 8;

/** Documents most like this one (the engine's more-like-this), loaded after the view opens; a click opens one. */
function similarSection(doc) {
  const holder = el("div", { class: "similar" }, el("p", { class: "muted" }, t("loading")));
  const id = doc.record.id;
  keyedFetch(`${documentPath(id)}/similar?size=${SIMILAR_SIZE}`, { headers: { Accept: "application/json" } })
    .then(async (response) => {
      if (!response.ok) {
        holder.replaceChildren(el("p", { class: "muted" }, t("similarNone")));
        return;
      }
      const body = await response.json();
      holder.replaceChildren(body.hits.length
        ? el("ol", { class: "similar-list" }, body.hits.map((hit) => el("li", {},
          el("a", { href: documentPath(hit.id), onclick: (event) => {
            event.preventDefault();
            document.dispatchEvent(new CustomEvent("vrscope:open-document", { detail: hit.id }));
          } }, hit.title || hit.id),
          el("span", { class: "muted" }, ` · ${[label("doc_type", hit.doc_type), hit.id, hit.year]
            .filter(Boolean).join(" · ")}`))))
        : el("p", { class: "muted" }, t("similarNone")));
    })
    .catch(() => holder.replaceChildren(el("p", { class: "muted" }, t("similarNone"))));
  return [el("h3", {}, t("similarDocs")), el("p", { class: "muted" }, t("similarDocsNote")), holder];
}

function provenanceSection(doc) {
  if (!doc.provenance.length) return [];
  return [
    el("h3", {}, t("provenance")),
    el("ul", { class: "provenance" }, doc.provenance.map((p) => {
      const href = safeUrl(p.url);
      return el("li", {}, `${p.source} · ${String(p.fetched_at).slice(0, 19).replace("T", " ")} `,
        href ? el("a", { href, rel: "noopener noreferrer", target: "_blank" }, href) : "");
    })),
  ];
}

const KEY_STORE = "vrscope.apiKey";
const FORMS = ["vr", "ar", "mr"];

function storedKey() {
  try {
    return sessionStorage.getItem(KEY_STORE) || "";
  } catch {
    return "";
  }
}

function checkboxes(name, values, chosen, kind) {
  return el("span", { class: "choices" }, values.map((v) => el("label", {},
    el("input", { type: "checkbox", name, value: v, checked: chosen.has(v) }), ` ${label(kind, v)} `)));
}

/** Send a correction (PUT) or drop it (DELETE); the answer's message, or an Error with the API's words. */
async function sendCorrection(id, method, key, body) {
  const response = await fetch(`${documentPath(id)}/correction`, {
    method,
    headers: { Accept: "application/json", "Content-Type": "application/json", "X-API-Key": key },
    body: body ? JSON.stringify(body) : undefined,
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = answer.message || (typeof answer.detail === "string" ? answer.detail : "")
      || `${response.status} ${response.statusText}`;
    throw new Error(response.status === 401 || response.status === 403 ? `${t("keyRejected")} ${detail}` : detail);
  }
  return answer;
}

/** A form to correct the labels (needs an API key with the write scope, kept in sessionStorage). */
function correctionSection(doc) {
  const labels = doc.labels || {};
  const correction = doc.correction || {};
  const status = el("p", { class: "muted", role: "status" });
  const relevant = el("select", { name: "relevant" },
    el("option", { value: "true", selected: labels.relevant !== false }, t("yes")),
    el("option", { value: "false", selected: labels.relevant === false }, t("no")));
  const subtopics = el("input", { type: "text", name: "subtopics", value: (correction.subtopics || []).join(", ") });
  const note = el("textarea", { name: "note", rows: 2 }, correction.note || "");
  const key = el("input", { type: "password", name: "apikey", autocomplete: "off", value: storedKey() });
  const form = el("form", { class: "correction" },
    el("p", { class: "muted" }, t("correctHint")),
    el("label", {}, `${t("correctRelevant")} `, relevant),
    el("p", {}, el("b", {}, `${name("techs")}: `),
      checkboxes("techs", TECHS, new Set(Object.keys(labels.techs || {})), "tech")),
    el("p", {}, el("b", {}, `${name("forms")}: `),
      checkboxes("forms", FORMS, new Set(Object.keys(labels.forms || {}).map((f) => f.toLowerCase())), "form")),
    el("label", {}, `${t("correctSubtopics")} `, subtopics),
    el("label", {}, `${t("correctNote")} `, note),
    el("label", {}, `${t("apiKey")} `, key, el("small", { class: "muted" }, ` ${t("apiKeyHint")}`)),
    el("p", {}, el("button", { type: "submit" }, t("saveCorrection")), " ",
      doc.correction ? el("button", { type: "button", value: "delete" }, t("removeCorrection")) : ""),
    status);

  async function submit(method) {
    const secret = key.value.trim();
    if (!secret) {
      status.className = "error";
      status.textContent = t("keyNeeded");
      return;
    }
    const checked = (field) => [...form.querySelectorAll(`input[name="${field}"]:checked`)].map((i) => i.value);
    const subs = subtopics.value.split(/[,\s]+/).filter(Boolean);
    const body = method === "DELETE" ? null : {
      relevant: relevant.value === "true", techs: checked("techs"), forms: checked("forms"),
      subtopics: subs.length ? subs : null, note: note.value.trim() || null,
    };
    try {
      await sendCorrection(doc.id, method, secret, body);
      try {
        sessionStorage.setItem(KEY_STORE, secret);
      } catch { /* private mode: the key is simply not remembered */ }
      const fresh = await keyedFetch(documentPath(doc.id), { headers: { Accept: "application/json" } });
      const host = form.closest("#doc-body");
      if (fresh.ok && host) {
        host.replaceChildren(renderDocument(await fresh.json()));
        const saved = host.querySelector("form.correction [role=status]");
        if (saved) saved.textContent = t(method === "DELETE" ? "correctionRemoved" : "correctionSaved");
      } else {
        status.className = "muted";
        status.textContent = t(method === "DELETE" ? "correctionRemoved" : "correctionSaved");
      }
    } catch (error) {
      status.className = "error";
      status.textContent = error.message;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit("PUT");
  });
  form.addEventListener("click", (event) => {
    if (event.target instanceof HTMLButtonElement && event.target.value === "delete") submit("DELETE");
  });
  return [el("details", { class: "correct", open: Boolean(doc.correction) || null },
    el("summary", {}, t("correctTitle")), form)];
}

/** The whole document view as a fragment for the dialog body. */
export function renderDocument(doc) {
  const record = doc.record;
  const keys = record.doc_type === "patent" ? PATENT_FIELDS : STANDARD_FIELDS;
  const rows = [[name("id"), record.id], [name("doc_type"), label("doc_type", record.doc_type)]];
  for (const key of keys) {
    const text = value(record, key);
    if (text) rows.push([name(key), text]);
  }
  const titles = record.doc_type === "patent"
    ? byLanguage(record.titles).map(([lang, text]) => [lang, text])
    : [["zh", record.title_zh], ["en", record.title_en]].filter(([, text]) => text);
  const source = safeUrl(record.url);
  const fragment = document.createDocumentFragment();
  fragment.append(
    el("h2", { id: "doc-title" }, doc.title),
    ...titles.filter(([, text]) => text !== doc.title).map(([lang, text]) => el("p", { lang, class: "subtitle" }, text)),
    source ? el("p", {}, el("a", { class: "source-link", href: source, rel: "noopener noreferrer", target: "_blank" },
      `${t("openSource")} ↗`)) : "",
    table(rows),
    ...texts(record),
    ...labelsSection(doc),
    ...correctionSection(doc),
    ...similarSection(doc),
    ...provenanceSection(doc),
  );
  return fragment;
}
