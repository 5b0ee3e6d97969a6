// Filings per year per technology as an inline SVG line chart (axes, grid, legend), and its export as SVG and PNG.

import { el } from "./dom.js";
import { COLORS, TECHS, label, t } from "./i18n.js";

const NS = "http://www.w3.org/2000/svg";
const FONT = "system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif";

/** An SVG element with attributes and optional text. */
function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A round tick step (1, 2, 5 × 10^k) giving about `ticks` intervals up to `max`. */
function niceStep(max, ticks = 5) {
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  const step = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10;
  return Math.max(1, step * magnitude);
}

/** Rough text width at 12px, enough to lay out the legend (CJK glyphs are about twice as wide). */
function textWidth(text) {
  let width = 0;
  for (const ch of text) width += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 12 : 6.8;
  return width;
}

/** text cut with an ellipsis so that it fits in max pixels. */
function fit(text, max) {
  if (textWidth(text) <= max) return text;
  let out = "";
  for (const ch of text) {
    if (textWidth(`${out}${ch}…`) > max) break;
    out += ch;
  }
  return `${out}…`;
}

/** Series per technology plus the total, over every year from the first to the last. */
export function chartSeries(histogram) {
  const years = Object.keys(histogram || {}).map(Number).filter(Number.isFinite).sort((a, b) => a - b);
  if (!years.length) return { years: [], series: [] };
  const span = [];
  for (let year = years[0]; year <= years[years.length - 1]; year += 1) span.push(year);
  const series = [...TECHS, "_all"].map((key) => ({
    key,
    values: span.map((year) => Number((histogram[year] || {})[key] || 0)),
  }));
  return { years: span, series };
}

/** The chart as an <svg> element, or null when there is nothing dated to draw. */
export function drawChart(histogram, options = {}) {
  const { years, series } = chartSeries(histogram);
  const lines = series.map(({ key, values }) => ({
    key, values, name: label("tech", key), color: COLORS[key], dashed: key === "_all",
  }));
  return drawLines(years, lines, { title: t("chartTitle"), ...options });
}

/**
 * A line chart of {key, name, color, values, dashed} series over years, or null when there are no years.
 * options: width, height, title (kept in <title>/aria-label; the exports draw it), subtitle (what was searched,
 * drawn under the title in the exports), xLabel, yLabel (axis titles with their units; counts of documents
 * per year by default). Series that are zero throughout are neither drawn nor listed in the legend.
 */
export function drawLines(years, series, options = {}) {
  const { width = 760, height = 320, title = "", subtitle = "", xLabel = t("axisYear"),
    yLabel = t("axisDocuments") } = options;
  if (!years.length) return null;

  const root = svg("svg", {
    viewBox: `0 0 ${width} ${height}`, width, height, role: "img",
    "font-family": FONT, "font-size": 12, "aria-label": title,
  });
  if (subtitle) root.setAttribute("data-subtitle", subtitle);
  root.append(svg("title", {}, title));
  root.append(svg("rect", { x: 0, y: 0, width, height, fill: "#ffffff" }));

  // Legend first: it decides how much room the plot has.
  const legend = svg("g", { class: "legend" });
  let lx = 48;
  let ly = 14;
  for (const { name, color, dashed, values } of series) {
    if (!values.some((v) => v > 0)) continue;
    const itemWidth = 20 + textWidth(name) + 18;
    if (lx + itemWidth > width - 8 && lx > 48) {
      lx = 48;
      ly += 18;
    }
    const dash = dashed ? { "stroke-dasharray": "4 3" } : {};
    legend.append(svg("line", { x1: lx, y1: ly, x2: lx + 14, y2: ly, stroke: color, "stroke-width": 3, ...dash }));
    legend.append(svg("text", { x: lx + 20, y: ly + 4, fill: "#1f2937" }, name));
    lx += itemWidth;
  }
  root.append(legend);

  const margin = { top: ly + 18, right: 16, bottom: 44, left: 48 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const n = years.length;
  const x = (i) => margin.left + (n === 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const y = (v) => margin.top + plotH - (v / top) * plotH;

  // Y axis: grid lines and counts.
  const yAxis = svg("g", { class: "y-axis" });
  for (let v = 0; v <= top + 1e-9; v += step) {
    yAxis.append(svg("line", { x1: margin.left, x2: width - margin.right, y1: y(v), y2: y(v),
      stroke: v === 0 ? "#6b7280" : "#e5e7eb" }));
    yAxis.append(svg("text", { x: margin.left - 6, y: y(v) + 4, "text-anchor": "end", fill: "#4b5563" },
      Number.isInteger(v) ? v.toLocaleString() : v.toFixed(1)));
  }
  yAxis.append(svg("text", {
    x: 12, y: margin.top + plotH / 2, "text-anchor": "middle", fill: "#4b5563",
    transform: `rotate(-90 12 ${margin.top + plotH / 2})`,
  }, yLabel));
  root.append(yAxis);

  // X axis: a year label every k years so labels never overlap.
  const xAxis = svg("g", { class: "x-axis" });
  const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(plotW / 44))));
  years.forEach((year, i) => {
    // every k-th year and the last one, dropping a k-th year that would crowd the last
    if (i !== n - 1 && (i % every || n - 1 - i < every)) return;
    xAxis.append(svg("line", { x1: x(i), x2: x(i), y1: margin.top + plotH, y2: margin.top + plotH + 4,
      stroke: "#6b7280" }));
    xAxis.append(svg("text", { x: x(i), y: margin.top + plotH + 18, "text-anchor": "middle", fill: "#4b5563" },
      String(year)));
  });
  xAxis.append(svg("text", { x: margin.left + plotW / 2, y: height - 6, "text-anchor": "middle",
    fill: "#4b5563" }, xLabel));
  root.append(xAxis);

  // One line per series, the total dashed and drawn first so the technologies sit on top.
  for (const { key, name, color, values, dashed } of [...series].reverse()) {
    if (!values.some((v) => v > 0)) continue;
    const group = svg("g", { class: `series series-${String(key).replace(/[^\w-]/g, "_")}` });
    const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    group.append(svg("polyline", { points, fill: "none", stroke: color, "stroke-width": dashed ? 1.5 : 2.5,
      "stroke-linejoin": "round", ...(dashed ? { "stroke-dasharray": "4 3" } : {}) }));
    values.forEach((v, i) => {
      const dot = svg("circle", { cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: dashed ? 2 : 3.5,
        fill: color, stroke: "#ffffff", "stroke-width": 1 });
      dot.append(svg("title", {}, `${years[i]} · ${name}: ${v}`));
      group.append(dot);
    });
    root.append(group);
  }
  return root;
}

// Object URLs handed out for downloads; the oldest are released once there are more than a page needs.
const urls = [];
const KEEP_URLS = 32;

function keepUrl(url) {
  urls.push(url);
  while (urls.length > KEEP_URLS) URL.revokeObjectURL(urls.shift());
  return url;
}

/**
 * The chart as a standalone <svg> for saving: the title drawn above it (on the page the panel heading
 * shows it) and a source line with the date below, on a white background.
 */
export function standaloneSvg(node) {
  const width = Number(node.getAttribute("width"));
  const height = Number(node.getAttribute("height"));
  const title = node.getAttribute("aria-label") || "";
  const subtitle = node.getAttribute("data-subtitle") || "";
  const head = (title ? 30 : 0) + (subtitle ? 18 : 0);
  const foot = 20;
  const total = height + head + foot;
  const root = svg("svg", { viewBox: `0 0 ${width} ${total}`, width, height: total,
    "font-family": FONT, "font-size": 12 });
  root.append(svg("title", {}, title));
  root.append(svg("rect", { x: 0, y: 0, width, height: total, fill: "#ffffff" }));
  if (title) {
    root.append(svg("text", { x: 16, y: 22, "font-size": 16, "font-weight": 600, fill: "#111827",
      class: "chart-title" }, title));
  }
  if (subtitle) {
    root.append(svg("text", { x: 16, y: head - 6, "font-size": 12, fill: "#4b5563", class: "chart-subtitle" },
      fit(subtitle, width - 32)));
  }
  const body = svg("g", { transform: `translate(0 ${head})` });
  for (const child of node.childNodes) {
    if (child.nodeName !== "title") body.append(child.cloneNode(true));
  }
  root.append(body);
  root.append(svg("text", { x: width - 12, y: total - 6, "text-anchor": "end", "font-size": 10, fill: "#6b7280" },
    `${t("chartSource")} · ${new Date().toISOString().slice(0, 10)}`));
  return root;
}

/** A standalone <svg> as the text of an .svg file. */
function serialize(standalone) {
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(standalone);
}

/** An object URL holding the chart as a standalone .svg file. */
export function svgDownloadUrl(node) {
  const text = serialize(standaloneSvg(node));
  return keepUrl(URL.createObjectURL(new Blob([text], { type: "image/svg+xml;charset=utf-8" })));
}

/** The chart rendered as PNG in the browser: the standalone SVG drawn on a canvas at `scale`× its size. */
export function pngBlob(node, scale = 2) {
  const standalone = standaloneSvg(node);
  const width = Number(standalone.getAttribute("width"));
  const height = Number(standalone.getAttribute("height"));
  const source = URL.createObjectURL(new Blob([serialize(standalone)], { type: "image/svg+xml;charset=utf-8" }));
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => {
      URL.revokeObjectURL(source);
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      const context = canvas.getContext("2d");
      context.scale(scale, scale);
      context.drawImage(image, 0, 0, width, height);
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error(t("pngFailed")))), "image/png");
    };
    image.onerror = () => {
      URL.revokeObjectURL(source);
      reject(new Error(t("pngFailed")));
    };
    image.src = source;
  });
}

/**
 * Make link save the chart as PNG: the first click renders it (asynchronously), points the link at the
 * image and clicks it again, which downloads. Assigning onclick (not adding a listener) lets a link that is
 * redrawn with a new chart be bound again.
 */
export function bindPngLink(link, node) {
  link.removeAttribute("data-ready");
  link.setAttribute("href", "#"); // never a stale image of the chart drawn before
  link.onclick = (event) => {
    if (link.dataset.ready === "true") {
      delete link.dataset.ready; // this is the second click: let the browser download
      return;
    }
    event.preventDefault();
    pngBlob(node).then((blob) => {
      link.href = keepUrl(URL.createObjectURL(blob));
      link.dataset.ready = "true";
      link.click();
    }).catch((error) => {
      link.title = error.message;
    });
  };
  return link;
}

/** "Save as SVG" and "Save as PNG" links for a chart, saving as `${basename}.svg` / `.png`. */
export function saveLinks(node, basename) {
  const svgLink = el("a", { class: "save-svg", href: svgDownloadUrl(node), download: `${basename}.svg` },
    t("saveSvg"));
  const pngLink = el("a", { class: "save-png", href: "#", download: `${basename}.png` }, t("savePng"));
  return el("span", { class: "chart-save" }, svgLink, " ", bindPngLink(pngLink, node));
}
