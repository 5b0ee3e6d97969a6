// The API key this browser tab holds (sessionStorage, the same key the correction and watch forms use),
// sent with every API request so the dashboard also works when reads need a key
// (VRSCOPE_API_READ_REQUIRES_KEY=true). Downloads go through fetch for the same reason.

export const KEY_STORE = "vrscope.apiKey";

/** The stored key, or "" (storage disabled counts as none). */
export function storedKey() {
  try {
    return sessionStorage.getItem(KEY_STORE) || "";
  } catch {
    return "";
  }
}

/** Keep (or, when blank, forget) the key for this tab. */
export function storeKey(key) {
  try {
    if (key && key.trim()) sessionStorage.setItem(KEY_STORE, key.trim());
    else sessionStorage.removeItem(KEY_STORE);
  } catch {
    // storage disabled: the key lasts for this page only
  }
}

/** Request headers with the stored key added as X-API-Key when there is one. */
export function withKey(headers = {}) {
  const key = storedKey();
  return key ? { ...headers, "X-API-Key": key } : { ...headers };
}

/** fetch() with the stored key sent. */
export function keyedFetch(path, init = {}) {
  return fetch(path, { ...init, headers: withKey(init.headers || {}) });
}

/**
 * A click handler for a download link: without a stored key the browser follows the link; with one the file
 * is fetched with the key and saved from a blob URL, so downloads also work when reads need a key.
 */
export async function downloadWithKey(event) {
  const link = event.currentTarget;
  if (!storedKey() || !link || !link.href) return;
  event.preventDefault();
  const response = await keyedFetch(link.href);
  if (!response.ok) {
    window.alert(`${response.status} ${response.statusText}`);
    return;
  }
  const disposition = response.headers.get("content-disposition") || "";
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] || link.getAttribute("download") || "vrscope";
  const url = URL.createObjectURL(await response.blob());
  const save = document.createElement("a");
  save.href = url;
  save.download = name;
  document.body.append(save);
  save.click();
  save.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
