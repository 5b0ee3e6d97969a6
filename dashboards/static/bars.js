// Horizontal bar charts as inline SVG: one group of bars per category, an axis with its unit, a legend,
// the value at the end of each bar and an optional threshold line. Saved with chart.js's saveLinks.

const NS = "http://www.w3.org/2000/svg";
const FONT = "system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif";
const LABEL_MAX = 250;

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Rough text width at 12px (CJK glyphs are about twice as wide as Latin ones, capitals wider). */
export function textWidth(text) {
  let width = 0;
  for (const ch of String(text)) width += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 12 : /[A-Z]/.test(ch) ? 8.4 : 6.8;
  return width;
}

/** text cut with an ellipsis so that it fits in max pixels. */
function fit(text, max) {
  let out = "";
  for (const ch of String(text)) {
    if (textWidth(out + ch + "…") > max) return `${out}…`;
    out += ch;
  }
  return out;
}

/** A round tick step (1, 2, 5 × 10^k) giving about `ticks` intervals up to `max`. */
function niceStep(max, ticks = 5) {
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  const step = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10;
  return Math.max(1, step * magnitude);
}

/**
 * Bars for categories [{key, name}] and series [{key, name, color, values (one per category)}], or null when
 * there is no category. options: width, title (aria-label and <title>), xLabel (the axis title with its
 * unit), threshold and thresholdLabel (a dashed line across the plot).
 */
export function drawBars(categories, series, options = {}) {
  const { width = 760, title = "", xLabel = "", threshold = null, thresholdLabel = "" } = options;
  if (!categories.length || !series.length) return null;
  const bar = 12;
  const gap = 10;
  const groupH = series.length * bar + gap;
  const labelW = Math.min(LABEL_MAX, Math.max(...categories.map((c) => textWidth(c.name))) + 8);

  // Legend first: it decides where the plot starts.
  const legend = svg("g", { class: "legend" });
  let lx = 8;
  let ly = 14;
  const items = [...series.map((s) => ({ name: s.name, color: s.color, line: false }))];
  if (threshold !== null && thresholdLabel) items.push({ name: thresholdLabel, color: "#111827", line: true });
  for (const item of items) {
    const itemWidth = 20 + textWidth(item.name) + 18;
    if (lx + itemWidth > width - 8 && lx > 8) {
      lx = 8;
      ly += 18;
    }
    legend.append(item.line
      ? svg("line", { x1: lx, y1: ly, x2: lx + 14, y2: ly, stroke: item.color, "stroke-width": 2,
        "stroke-dasharray": "4 3" })
      : svg("rect", { x: lx, y: ly - 6, width: 14, height: 12, fill: item.color }));
    legend.append(svg("text", { x: lx + 20, y: ly + 4, fill: "#1f2937" }, item.name));
    lx += itemWidth;
  }

  const margin = { top: ly + 20, right: 40, bottom: 42, left: labelW + 12 };
  const plotW = width - margin.left - margin.right;
  const plotH = categories.length * groupH;
  const height = margin.top + plotH + margin.bottom;
  const max = Math.max(1, threshold ?? 0, ...series.flatMap((s) => s.values.map((v) => v || 0)));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const x = (v) => margin.left + (v / top) * plotW;

  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img",
    "font-family": FONT, "font-size": 12, "aria-label": title });
  root.append(svg("title", {}, title));
  root.append(svg("rect", { x: 0, y: 0, width, height, fill: "#ffffff" }));
  root.append(legend);

  const axis = svg("g", { class: "x-axis" });
  for (let v = 0; v <= top + 1e-9; v += step) {
    axis.append(svg("line", { x1: x(v), x2: x(v), y1: margin.top, y2: margin.top + plotH,
      stroke: v === 0 ? "#6b7280" : "#e5e7eb" }));
    axis.append(svg("text", { x: x(v), y: margin.top + plotH + 16, "text-anchor": "middle", fill: "#4b5563" },
      Number.isInteger(v) ? v.toLocaleString() : v.toFixed(1)));
  }
  axis.append(svg("text", { x: margin.left + plotW / 2, y: height - 8, "text-anchor": "middle", fill: "#4b5563" },
    xLabel));
  root.append(axis);

  categories.forEach((category, i) => {
    const y0 = margin.top + i * groupH + gap / 2;
    const name = svg("text", { x: margin.left - 8, y: y0 + (series.length * bar) / 2 + 4, "text-anchor": "end",
      fill: "#1f2937" }, fit(category.name, labelW));
    name.append(svg("title", {}, category.name));
    root.append(name);
    series.forEach((s, j) => {
      const value = s.values[i] || 0;
      const y = y0 + j * bar;
      const rect = svg("rect", { x: x(0), y, width: Math.max(0, x(value) - x(0)), height: bar - 2, fill: s.color });
      rect.append(svg("title", {}, `${category.name} · ${s.name}: ${value}`));
      root.append(rect);
      if (value) {
        root.append(svg("text", { x: x(value) + 4, y: y + bar - 3, "font-size": 10, fill: "#374151" },
          value.toLocaleString()));
      }
    });
  });
  if (threshold !== null) {
    root.append(svg("line", { x1: x(threshold), x2: x(threshold), y1: margin.top - 4, y2: margin.top + plotH,
      stroke: "#111827", "stroke-width": 1.5, "stroke-dasharray": "4 3", class: "threshold" }));
  }
  return root;
}
