// Watch lists: save the current search or an applicant set, read each list's Atom feed, delete a list.
// Writes need an API key with the write scope; it is kept for this browser tab only (sessionStorage).

import { el } from "./dom.js";
import { getLang } from "./i18n.js";

const TEXT = {
  en: {
    title: "Watch lists",
    intro: "A watch list follows a saved search or a set of applicants; its Atom feed lists new and changed documents.",
    owner: "Owner",
    name: "Name",
    follows: "Follows",
    what: "What to follow",
    currentSearch: "The current search and filters",
    applicantSet: "These applicants (one per line)",
    apiKey: "API key (write scope)",
    apiKeyHint: "Kept for this tab only. Create one with: vrscope apikey create NAME --scope write. "
      + "The owner must be the key's NAME: a key saves and deletes only its own lists.",
    create: "Save watch list",
    created: (name) => `Saved “${name}”.`,
    remove: "Delete",
    confirmRemove: (name) => `Delete the watch list “${name}”?`,
    feed: "Atom feed",
    none: "No watch lists yet.",
    filterOwner: "Show the lists of",
    everyone: "everyone",
    searchOf: (text) => `search: ${text}`,
    applicantsOf: (names) => `applicants: ${names}`,
    emptySearch: "everything",
    needKey: "Writing needs an API key with the write scope.",
  },
  zh: {
    title: "关注列表",
    intro: "关注列表跟踪一个已保存的检索或一组申请人；其 Atom 订阅列出新增和变化的文献。",
    owner: "所有者",
    name: "名称",
    follows: "关注内容",
    what: "关注什么",
    currentSearch: "当前检索词和筛选条件",
    applicantSet: "以下申请人（每行一个）",
    apiKey: "API 密钥（写权限）",
    apiKeyHint: "仅在本标签页内保存。创建方法：vrscope apikey create 名称 --scope write。"
      + "所有者须为该密钥的名称：一个密钥只能保存和删除自己的列表。",
    create: "保存关注列表",
    created: (name) => `已保存“${name}”。`,
    remove: "删除",
    confirmRemove: (name) => `删除关注列表“${name}”？`,
    feed: "Atom 订阅",
    none: "暂无关注列表。",
    filterOwner: "显示以下用户的列表",
    everyone: "所有人",
    searchOf: (text) => `检索：${text}`,
    applicantsOf: (names) => `申请人：${names}`,
    emptySearch: "全部文献",
    needKey: "写操作需要具有写权限的 API 密钥。",
  },
};
const KEY_STORE = "vrscope.apiKey";
const OWNER_STORE = "vrscope.owner";

function tr(key, ...args) {
  const value = TEXT[getLang()][key] ?? TEXT.en[key] ?? key;
  return typeof value === "function" ? value(...args) : value;
}

function remembered(storage, key) {
  try {
    return storage.getItem(key) || "";
  } catch {
    return "";
  }
}

function remember(storage, key, value) {
  try {
    if (value) storage.setItem(key, value);
    else storage.removeItem(key);
  } catch {
    // storage disabled: the value lasts for this page only
  }
}

/** Send a write with the API key; the server's message on failure. */
async function send(method, path, key, body) {
  const headers = { Accept: "application/json" };
  if (key) headers["X-API-Key"] = key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.ok) return response.status === 204 ? null : response.json();
  const answer = await response.json().catch(() => ({}));
  const detail = typeof answer.detail === "string" ? answer.detail : null;
  const message = answer.message || detail || `HTTP ${response.status}`;
  throw new Error(response.status === 401 ? `${tr("needKey")} ${message}` : message);
}

/** The dashboard's filters as a saved search: repeated parameters become lists. */
export function savedSearch(params) {
  const out = {};
  for (const [name, value] of params.entries()) (out[name] ||= []).push(value);
  return out;
}

function describe(item) {
  if (item.kind === "applicants") return tr("applicantsOf", item.applicants.join("; "));
  const parts = Object.entries(item.search || {}).map(([name, values]) => `${name}=${values.join("|")}`);
  return tr("searchOf", parts.join(" · ") || tr("emptySearch"));
}

/** The watch page. ctx: {params (the dashboard's filters), getJson}. */
export async function watchView(ctx) {
  const message = el("p", { class: "muted", role: "status" });
  const listHolder = el("div", {});
  const keyInput = el("input", { type: "password", autocomplete: "off", value: remembered(sessionStorage, KEY_STORE),
    title: tr("apiKeyHint") });
  const ownerInput = el("input", { type: "text", required: true, maxlength: 100,
    value: remembered(localStorage, OWNER_STORE) });
  const nameInput = el("input", { type: "text", required: true, maxlength: 200 });
  const applicants = el("textarea", { rows: 3, disabled: true });
  const bySearch = el("input", { type: "radio", name: "watch-kind", value: "search", checked: true,
    onchange: () => { applicants.disabled = true; } });
  const byApplicants = el("input", { type: "radio", name: "watch-kind", value: "applicants",
    onchange: () => { applicants.disabled = false; } });
  const ownerFilter = el("input", { type: "text", placeholder: tr("everyone"), maxlength: 100 });
  const search = savedSearch(ctx.params);

  const showError = (error) => {
    message.className = "error";
    message.textContent = error.message;
  };

  const load = async () => {
    const query = new URLSearchParams();
    if (ownerFilter.value.trim()) query.set("owner", ownerFilter.value.trim());
    const body = await ctx.getJson(`/api/v1/watchlists?${query}`);
    listHolder.replaceChildren(body.data.length ? el("table", { class: "view-table" },
      el("thead", {}, el("tr", {}, [tr("owner"), tr("name"), tr("follows"), tr("feed"), ""].map((h) => el("th", {}, h)))),
      el("tbody", {}, body.data.map((item) => el("tr", {},
        el("td", {}, item.owner), el("td", {}, item.name), el("td", {}, describe(item)),
        el("td", {}, el("a", { href: item.feed, type: "application/atom+xml" }, tr("feed"))),
        el("td", {}, el("button", { type: "button", onclick: async () => {
          if (!window.confirm(tr("confirmRemove", item.name))) return;
          try {
            await send("DELETE", `/api/v1/watchlists/${item.id}`, keyInput.value.trim());
            await load();
          } catch (error) {
            showError(error);
          }
        } }, tr("remove"))))))) : el("p", { class: "muted" }, tr("none")));
  };

  const form = el("form", { class: "watch-form", onsubmit: async (event) => {
    event.preventDefault();
    const key = keyInput.value.trim();
    remember(sessionStorage, KEY_STORE, key);
    remember(localStorage, OWNER_STORE, ownerInput.value.trim());
    const body = { owner: ownerInput.value.trim(), name: nameInput.value.trim() };
    if (byApplicants.checked) body.applicants = applicants.value.split("\n").map((s) => s.trim()).filter(Boolean);
    else body.search = search;
    try {
      const created = await send("POST", "/api/v1/watchlists", key, body);
      message.className = "muted";
      message.textContent = tr("created", created.name);
      nameInput.value = "";
      await load();
    } catch (error) {
      showError(error);
    }
  } },
  el("label", {}, `${tr("owner")} `, ownerInput), " ",
  el("label", {}, `${tr("name")} `, nameInput),
  el("fieldset", {}, el("legend", {}, tr("what")),
    el("label", {}, bySearch, ` ${tr("currentSearch")}: `, el("code", {}, describe({ kind: "search", search }))),
    el("br", {}),
    el("label", {}, byApplicants, ` ${tr("applicantSet")}`), el("br", {}), applicants),
  el("label", {}, `${tr("apiKey")} `, keyInput),
  el("p", { class: "muted" }, tr("apiKeyHint")),
  el("button", { type: "submit", class: "primary" }, tr("create")));

  ownerFilter.addEventListener("change", () => load().catch(showError));
  await load();
  return [
    el("div", { class: "panel-head" }, el("h2", {}, tr("title"))),
    el("p", { class: "muted" }, tr("intro")),
    el("label", { class: "picker" }, `${tr("filterOwner")} `, ownerFilter),
    listHolder,
    form,
    message,
  ];
}
