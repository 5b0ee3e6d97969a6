// Small DOM helpers: build elements node by node (never by parsing HTML), render snippets safely.

/** Create an element; attributes set with setAttribute, "on…" functions as listeners, children appended as text or nodes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const NAMED = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/** Decode HTML character references in text that will be inserted as a text node (so decoding is safe). */
export function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      try {
        return String.fromCodePoint(code);
      } catch {
        return whole;
      }
    }
    return NAMED[name.toLowerCase()] ?? whole;
  });
}

/** A snippet as DOM: only <b>…</b> becomes markup; every other character, tags included, stays text. */
export function renderSnippet(html) {
  const fragment = document.createDocumentFragment();
  let depth = 0;
  for (const part of String(html ?? "").split(/(<\/?b\s*>)/i)) {
    if (/^<b\s*>$/i.test(part)) depth += 1;
    else if (/^<\/b\s*>$/i.test(part)) depth = Math.max(0, depth - 1);
    else if (part) {
      const text = decodeEntities(part);
      fragment.append(depth ? el("b", {}, text) : document.createTextNode(text));
    }
  }
  return fragment;
}

/** A URL fit for href: http(s) only, anything else (javascript:, data:) dropped. */
export function safeUrl(url) {
  if (!url) return null;
  try {
    const parsed = new URL(url, window.location.href);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** The API path of one document; each segment encoded so ids with '/', spaces, '#' or '?' survive. */
export function documentPath(id) {
  return "/api/v1/documents/" + String(id).split("/").map(encodeURIComponent).join("/");
}
