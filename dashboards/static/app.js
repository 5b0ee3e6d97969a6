// The vrscope dashboard: search, facets, results, pages, the per-year chart and the document view.

import { keyedFetch, storeKey, storedKey } from "./apikey.js";
import { bindPngLink, drawChart, svgDownloadUrl } from "./chart.js";
import { renderDocument } from "./docview.js";
import { documentPath, el, renderSnippet } from "./dom.js";
import { COLORS, TECHS, addNames, getLang, initialLang, label, setLang, t, translatePage } from "./i18n.js";
import { BASES, DIMENSIONS, SCOPES, VIEWS, renderView } from "./views.js";

// facet name in the API response → query parameter it filters on
const FACETS = [
  ["techs", "tech"],
  ["subtopics", "subtopic"],
  ["forms", "form"],
  ["jurisdiction", "jurisdiction"],
  ["doc_type", "doc_type"],
];
const LABEL_KIND = { techs: "tech", subtopics: "subtopic", doc_type: "doc_type", forms: "form",
  jurisdiction: "jurisdiction" };
const PAGE_SIZE = 20;

const $ = (id) => document.getElementById(id);

const state = {
  q: "",
  filters: { tech: [], subtopic: [], form: [], jurisdiction: [], doc_type: [] },
  sort: "relevance",
  relevant_only: false,
  year_from: "",
  year_to: "",
  page: 1,
  view: "search", // or one of the analytic views
  dimension: "tech",
  scope: "world",
  basis: "priority",
  families: false,
  cagr_from: "",
  cagr_to: "",
};
// state kept in the page URL only, never sent to /api/v1/search
const PAGE_ONLY = ["view", "dimension", "scope", "basis", "families", "cagr_from", "cagr_to"];
let lastResult = null;
let lastStats = null;
let requestId = 0;

/** The query string for the current state (empty values left out). */
function toParams() {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const [param, values] of Object.entries(state.filters)) for (const v of values) params.append(param, v);
  if (state.sort !== "relevance") params.set("sort", state.sort);
  if (state.relevant_only) params.set("relevant_only", "true");
  if (state.year_from) params.set("year_from", state.year_from);
  if (state.year_to) params.set("year_to", state.year_to);
  if (state.page > 1) params.set("page", String(state.page));
  if (state.view !== "search") params.set("view", state.view);
  if (state.view === "trends" && state.dimension !== "tech") params.set("dimension", state.dimension);
  if (state.view === "players" && state.scope !== "world") params.set("scope", state.scope);
  if (state.view === "trends" && state.basis !== "priority") params.set("basis", state.basis);
  if (state.view === "trends" && state.families) params.set("families", "true");
  for (const name of ["cagr_from", "cagr_to"]) if (state.view === "trends" && state[name]) params.set(name, state[name]);
  return params;
}

/** The filters the analytic views share with the search (no paging, no order). */
function viewParams() {
  const params = toParams();
  for (const name of ["sort", "page", ...PAGE_ONLY]) params.delete(name);
  return params;
}

/** Restore the state from the page's own query string (bookmarks, back/forward). */
function fromLocation() {
  const params = new URLSearchParams(window.location.search);
  state.q = params.get("q") || "";
  for (const param of Object.keys(state.filters)) state.filters[param] = params.getAll(param);
  state.sort = params.get("sort") || "relevance";
  state.relevant_only = params.get("relevant_only") === "true";
  state.year_from = params.get("year_from") || "";
  state.year_to = params.get("year_to") || "";
  state.page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
  state.view = VIEWS.includes(params.get("view")) ? params.get("view") : "search";
  state.dimension = DIMENSIONS.includes(params.get("dimension")) ? params.get("dimension") : "tech";
  state.scope = SCOPES.includes(params.get("scope")) ? params.get("scope") : "world";
  state.basis = BASES.includes(params.get("basis")) ? params.get("basis") : "priority";
  state.families = params.get("families") === "true";
  for (const name of ["cagr_from", "cagr_to"]) state[name] = /^\d{4}$/.test(params.get(name) || "") ? params.get(name) : "";
}

/** Show the state in the form controls. */
function fillForm() {
  $("q").value = state.q;
  $("sort").value = state.sort;
  $("relevant-only").checked = state.relevant_only;
  $("year-from").value = state.year_from;
  $("year-to").value = state.year_to;
}

/** GET a JSON API path (with the tab's API key, if any); errors carry the server's message. */
async function getJson(path) {
  const response = await keyedFetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = typeof body.detail === "string" ? body.detail : null;
    const message = body.message || detail || `${response.status} ${response.statusText}`;
    throw new Error(response.status === 401 ? `${message} — ${t("keyNeeded")}` : message);
  }
  return body;
}

function showError(message) {
  $("error").textContent = message || "";
  $("error").hidden = !message;
}

/** Run the search for the current state and draw everything from its answer. */
async function search({ push = true } = {}) {
  const params = toParams();
  if (push) {
    const url = params.toString() ? `?${params}` : window.location.pathname;
    window.history.pushState(null, "", url);
  }
  for (const name of PAGE_ONLY) params.delete(name);
  params.set("size", String(PAGE_SIZE));
  for (const [facet] of FACETS) params.append("facet", facet);
  showView();
  const mine = ++requestId;
  $("main").setAttribute("aria-busy", "true");
  $("summary").textContent = t("loading");
  try {
    const result = await getJson(`/api/v1/search?${params}`);
    if (mine !== requestId) return; // a newer search has started
    lastResult = result;
    showError("");
    renderResult();
  } catch (error) {
    if (mine !== requestId) return;
    lastResult = null;
    showError(error.message);
    $("summary").textContent = "";
    $("results").replaceChildren();
    $("pager").replaceChildren();
  } finally {
    if (mine === requestId) $("main").removeAttribute("aria-busy");
  }
}

/** Show the search results or one analytic view (drawn from the same filters), and mark the nav. */
function showView() {
  const analytic = state.view !== "search";
  for (const id of ["search-results", "search-chart"]) $(id).hidden = analytic;
  $("view-panel").hidden = !analytic;
  for (const button of $("views").querySelectorAll("button")) {
    button.setAttribute("aria-current", button.dataset.view === state.view ? "page" : "false");
  }
  if (!analytic) return;
  renderView(state.view, $("view-panel"), {
    params: viewParams(),
    options: { dimension: state.dimension, scope: state.scope, basis: state.basis, families: state.families,
      cagr_from: state.cagr_from, cagr_to: state.cagr_to },
    getJson,
    setOption: (name, value) => {
      state[name] = value;
      search();
    },
    openSearch: ({ form, tech }) => {
      state.filters.form = [form];
      state.filters.tech = [tech];
      state.view = "search";
      state.page = 1;
      search();
    },
  });
}

function renderResult() {
  renderChips();
  if (!lastResult) return;
  const { total, hits, facets, histogram } = lastResult;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  $("summary").textContent = total
    ? `${t("results", total)} · ${t("pageOf", lastResult.page, pages)}`
    : t("noResults");
  renderFacets(facets || {});
  renderHits(hits);
  renderPager(total);
  renderChart(histogram || {});
}

function toggleFilter(param, value) {
  const values = state.filters[param];
  if (values.includes(value)) state.filters[param] = values.filter((v) => v !== value);
  // doc_type takes one value: choosing another replaces it
  else state.filters[param] = param === "doc_type" ? [value] : [...values, value];
  state.page = 1;
  search();
}

function renderFacets(facets) {
  const groups = FACETS.map(([facet, param]) => {
    const buckets = [...(facets[facet] || [])];
    for (const v of state.filters[param]) {
      if (!buckets.some((b) => b.value === v)) buckets.push({ value: v, count: 0 });
    }
    if (!buckets.length) return null;
    return el("section", { class: "facet" },
      el("h2", {}, t(`facet_${facet}`)),
      el("ul", {}, buckets.map(({ value, count }) => {
        const active = state.filters[param].includes(value);
        const color = facet === "techs" ? COLORS[value] : null;
        return el("li", {}, el("button", {
          type: "button", class: active ? "facet-value active" : "facet-value", "aria-pressed": String(active),
          style: color ? `--dot: ${color}` : null, onclick: () => toggleFilter(param, value),
        }, el("span", { class: color ? "name dot" : "name" }, label(LABEL_KIND[facet], value)),
        el("span", { class: "count" }, count.toLocaleString())));
      })));
  });
  $("facets").replaceChildren(...groups.filter(Boolean));
}

function renderChips() {
  const chips = [];
  for (const [facet, param] of FACETS) {
    for (const value of state.filters[param]) {
      chips.push(el("button", { type: "button", class: "chip", title: t("remove"),
        onclick: () => toggleFilter(param, value) }, `${t(`facet_${facet}`)}: ${label(LABEL_KIND[facet], value)} ×`));
    }
  }
  if (chips.length > 1) {
    chips.push(el("button", { type: "button", class: "chip clear", onclick: () => {
      for (const param of Object.keys(state.filters)) state.filters[param] = [];
      state.page = 1;
      search();
    } }, t("clearAll")));
  }
  $("chips").replaceChildren(...chips);
}

function renderHits(hits) {
  $("results").replaceChildren(...hits.map((hit) => {
    const meta = [label("doc_type", hit.doc_type), hit.id, hit.year, hit.jurisdiction,
      hit.status && label("status", hit.status), hit.applicants.slice(0, 3).join("; ")].filter(Boolean);
    return el("li", { class: "hit" },
      el("h3", {}, el("a", { href: documentPath(hit.id), onclick: (event) => {
        event.preventDefault();
        openDocument(hit.id);
      } }, hit.title || hit.id)),
      el("p", { class: "meta" }, meta.join(" · ")),
      hit.snippet ? el("p", { class: "snippet" }, renderSnippet(hit.snippet)) : null,
      el("p", { class: "tags" },
        hit.techs.map((tech) => el("span", { class: "tag", style: `--tag: ${COLORS[tech] || "#6b7280"}` },
          label("tech", tech))),
        hit.forms.map((form) => el("span", { class: "tag form" }, form))));
  }));
}

function renderPager(total) {
  const pages = Math.min(Math.ceil(total / PAGE_SIZE), Math.floor(10_000 / PAGE_SIZE) + 1);
  if (pages <= 1) {
    $("pager").replaceChildren();
    return;
  }
  const go = (page) => () => {
    state.page = page;
    search();
    $("summary").scrollIntoView({ behavior: "smooth", block: "start" });
  };
  const numbers = new Set([1, pages, state.page - 2, state.page - 1, state.page, state.page + 1, state.page + 2]);
  const items = [el("button", { type: "button", disabled: state.page <= 1, onclick: go(state.page - 1) }, t("prev"))];
  let previous = 0;
  for (const page of [...numbers].filter((p) => p >= 1 && p <= pages).sort((a, b) => a - b)) {
    if (page > previous + 1) items.push(el("span", { class: "gap" }, "…"));
    items.push(el("button", { type: "button", class: page === state.page ? "current" : null,
      "aria-current": page === state.page ? "page" : null, onclick: go(page) }, String(page)));
    previous = page;
  }
  items.push(el("button", { type: "button", disabled: state.page >= pages, onclick: go(state.page + 1) }, t("next")));
  $("pager").replaceChildren(...items);
}

/** The search and its filters in words, printed under a saved chart's title. */
function filterSummary() {
  const parts = state.q ? [`“${state.q}”`] : [];
  for (const [facet, param] of FACETS) {
    const values = state.filters[param].map((v) => label(LABEL_KIND[facet], v));
    if (values.length) parts.push(`${t(`facet_${facet}`)}: ${values.join(", ")}`);
  }
  if (state.year_from || state.year_to) parts.push(`${t("years")}: ${state.year_from || "…"}–${state.year_to || "…"}`);
  if (state.relevant_only) parts.push(t("relevantOnly"));
  return parts.join(" · ");
}

function renderChart(histogram) {
  const chart = drawChart(histogram, { subtitle: filterSummary() });
  const link = $("save-svg");
  if (!chart) {
    $("chart").replaceChildren(el("p", { class: "muted" }, t("noChart")));
    link.hidden = true;
    $("save-png").hidden = true;
    return;
  }
  $("chart").replaceChildren(chart);
  link.href = svgDownloadUrl(chart);
  link.hidden = false;
  bindPngLink($("save-png"), chart).hidden = false;
}

function renderStats() {
  if (!lastStats) return;
  const s = lastStats;
  const techs = new Map((s.by_tech || []).map((b) => [b.value, b.count]));
  $("stats").replaceChildren(
    el("span", { class: "stat" }, el("b", {}, s.documents.toLocaleString()), ` ${t("documents")}`),
    el("span", { class: "stat" }, el("b", {}, (s.by_doc_type.patent || 0).toLocaleString()), ` ${t("patents")}`),
    el("span", { class: "stat" }, el("b", {}, (s.by_doc_type.standard || 0).toLocaleString()), ` ${t("standards")}`),
    ...TECHS.map((tech) => el("span", { class: "stat dot", style: `--dot: ${COLORS[tech]}` },
      `${label("tech", tech)} `, el("b", {}, (techs.get(tech) || 0).toLocaleString()))),
  );
  $("stats").title = Object.entries(s.by_source).map(([source, n]) => `${source}: ${n}`).join("\n")
    + `\n${t("indexed")}: ${s.indexed}`;
}

/** Sub-topic names in both languages (the facet, the trends and the document view show them). */
async function loadNames() {
  try {
    addNames("subtopic", (await getJson("/api/v1/taxonomy")).subtopics);
    renderResult(); // the search page redraws from memory; the views name sub-topics from their next drawing
  } catch {
    // names stay the sub-topic ids
  }
}

async function loadStats() {
  try {
    lastStats = await getJson("/api/v1/stats");
    renderStats();
  } catch {
    $("stats").replaceChildren(); // the header simply stays empty; the search shows the error
  }
}

let openId = null;

async function openDocument(id) {
  const dialog = $("doc-view");
  openId = id;
  $("doc-body").replaceChildren(el("p", { class: "muted" }, t("loading")));
  if (!dialog.open) dialog.showModal();
  try {
    const doc = await getJson(documentPath(id));
    if (openId === id) $("doc-body").replaceChildren(renderDocument(doc));
  } catch (error) {
    if (openId === id) $("doc-body").replaceChildren(el("p", { class: "error" }, error.message || t("notFound")));
  }
}

function applyLanguage(lang) {
  setLang(lang);
  translatePage();
  $("lang").textContent = getLang() === "zh" ? "English" : "中文";
  $("lang").setAttribute("aria-label", getLang() === "zh" ? "Switch to English" : "切换到中文");
  renderStats();
  renderResult();
  if (state.view !== "search") showView();
  if ($("doc-view").open && openId) openDocument(openId);
}

function bind() {
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    state.q = $("q").value.trim();
    state.sort = $("sort").value;
    state.relevant_only = $("relevant-only").checked;
    state.year_from = $("year-from").value.trim();
    state.year_to = $("year-to").value.trim();
    state.page = 1;
    search();
  });
  for (const id of ["sort", "relevant-only"]) {
    $(id).addEventListener("change", () => $("search-form").requestSubmit());
  }
  $("lang").addEventListener("click", () => applyLanguage(getLang() === "zh" ? "en" : "zh"));
  $("api-key").addEventListener("click", () => {
    const key = window.prompt(`${t("apiKey")} (${t("apiKeyHint")})`, storedKey());
    if (key === null) return;
    storeKey(key);
    loadStats();
    search({ push: false });
  });
  for (const button of $("views").querySelectorAll("button")) {
    button.addEventListener("click", () => {
      state.view = button.dataset.view;
      state.page = 1;
      search();
    });
  }
  document.addEventListener("vrscope:open-document", (event) => openDocument(event.detail));
  $("doc-view").addEventListener("close", () => {
    openId = null;
  });
  $("doc-view").addEventListener("click", (event) => {
    if (event.target === $("doc-view")) $("doc-view").close(); // a click on the backdrop
  });
  window.addEventListener("popstate", () => {
    fromLocation();
    fillForm();
    search({ push: false });
  });
}

applyLanguage(initialLang());
bind();
fromLocation();
fillForm();
loadStats();
loadNames();
search({ push: false });
