// Filings per year per technology as an inline SVG line chart (axes, grid, legend), and its export.

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

/** A line chart of {key, name, color, values, dashed} series over years, or null when there are no years. */
export function drawLines(years, series, { width = 760, height = 320, title = "" } = {}) {
  if (!years.length) return null;

  const root = svg("svg", {
    viewBox: `0 0 ${width} ${height}`, width, height, role: "img",
    "font-family": FONT, "font-size": 12, "aria-label": title,
  });
  root.append(svg("title", {}, title));
  root.append(svg("rect", { x: 0, y: 0, width, height, fill: "#ffffff" }));

  // Legend first: it decides how much room the plot has.
  const legend = svg("g", { class: "legend" });
  let lx = 48;
  let ly = 14;
  for (const { name, color, dashed } of series) {
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
  }, t("documents")));
  root.append(yAxis);

  // X axis: a year label every k years so labels never overlap.
  const xAxis = svg("g", { class: "x-axis" });
  const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(plotW / 44))));
  years.forEach((year, i) => {
    if (i % every && i !== n - 1) return;
    xAxis.append(svg("line", { x1: x(i), x2: x(i), y1: margin.top + plotH, y2: margin.top + plotH + 4,
      stroke: "#6b7280" }));
    xAxis.append(svg("text", { x: x(i), y: margin.top + plotH + 18, "text-anchor": "middle", fill: "#4b5563" },
      String(year)));
  });
  xAxis.append(svg("text", { x: margin.left + plotW / 2, y: height - 6, "text-anchor": "middle",
    fill: "#4b5563" }, t("year")));
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

let lastUrl = null;

/** An object URL holding the chart as a standalone .svg file (the previous one is released). */
export function svgDownloadUrl(node) {
  if (lastUrl) URL.revokeObjectURL(lastUrl);
  const text = '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(node);
  lastUrl = URL.createObjectURL(new Blob([text], { type: "image/svg+xml;charset=utf-8" }));
  return lastUrl;
}
