"""Figures → docs/benchmarks.json and the search section of docs/benchmarks.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

START, END = "<!-- search:start -->", "<!-- search:end -->"
TARGET_DOCS = 1_000_000
# (key, label, target, higher is better)
TARGETS = [
    ("index_docs_per_s", "indexing, docs/s incl. segmentation", 7_000, True),
    ("search_p95_ms", "top-20 + snippets, p95 ms", 15, False),
    ("facets_p95_ms", "+ facets + year histogram, p95 ms", 40, False),
    ("serve_rss_mb", "serving process peak RSS, MB", 1_536, False),
]
ENGINE_NAMES = {"embedded": "embedded (tantivy)", "sqlite_fts5": "SQLite FTS5"}
# What profiling (perf, py-spy) of the embedded engine at 1,000,000 documents found, 2026-11-25.
WHERE_THE_TIME_GOES = [
    "### Where the embedded engine's time goes (profiled at 1,000,000 documents)",
    "",
    "- **Indexing** is bound by CPU: about 460–500 µs per document on this machine (see the CPU line "
    "above). The Python thread spends ~140 µs (one rjieba pass over the Chinese text, the search-mode "
    "sub-words taken from its words by dictionary look-up, ~60 µs on average; parsing the corpus line; "
    "building the tantivy document); tantivy's indexing threads spend the rest (~310–330 µs with the "
    "documents prebuilt, about 800 tokens with positions per document at ~0.35 µs each): more than half "
    "in the postings writer (term hash table, term frequencies and positions: memory-bound), about a "
    "quarter in tokenizing, lower-casing and stemming, ~3% compressing stored documents. Two cores thus "
    "give at most ~4,000–4,400 documents/s; 7,000/s would need ≤ 286 µs per document in all. Measured "
    "and not adopted because they change what a search finds or how it ranks: claims without positions "
    "(−46 µs in the writer threads; phrases would stop matching in claims), search-mode sub-words only "
    "where they differ from the words (−61 µs; ranking changes), no sub-word field at all (−75 µs; loses "
    "recall) — even the first two together leave ~360 µs. The 2 GB writer budget (4 segments of "
    "~250,000 documents and no merges, where 256 MB flushed ~40 segments and merged every document once) "
    "did not raise the rate measurably; larger term hash tables seem to cost about what the merges cost.",
    "- **Searching**: tantivy-py runs a query on one thread. A quoted English phrase that matches a "
    "quarter of the corpus costs ~25 ms of CPU at the median and up to ~60 ms (tantivy's phrase scorer "
    "decodes the positions of each term in title, abstract and claims for every candidate document), so "
    "the 35 phrase queries of the mix set the p95 of both modes. All the facets and the technology × "
    "year buckets of a phrase query are counted in one aggregation request, which evaluates the query "
    "again (~23 ms for such a phrase, without scoring); the applicant counts are its largest part (a "
    "multi-valued column of 20,000 values: ~4 ms fixed plus ~13–19 ms for a large match set). A word "
    "query's aggregations are split in two requests of about equal cost (applicants; the rest), since "
    "evaluating a word query again is cheap. They run on worker threads while the calling thread finds, "
    "loads and highlights the 20 hits.",
    "",
]


def percentiles(values: list[float]) -> tuple[float, float]:
    """p50 and p95 (linear interpolation), rounded to 0.01."""
    if not values:
        return 0.0, 0.0
    p50, p95 = np.percentile(np.asarray(values), [50, 95])
    return round(float(p50), 2), round(float(p95), 2)


def summarize(served: dict[str, Any]) -> dict[str, Any]:
    """Overall and per-kind p50/p95 of a serving run."""
    out: dict[str, Any] = {}
    by_kind: dict[str, dict[str, Any]] = {}
    for mode in ("search", "facets"):
        rows = served[mode]
        out[f"{mode}_p50_ms"], out[f"{mode}_p95_ms"] = percentiles([r["ms"] for r in rows])
        if all("cpu_ms" in r for r in rows):
            out[f"{mode}_cpu_p50_ms"], out[f"{mode}_cpu_p95_ms"] = percentiles([r["cpu_ms"] for r in rows])
        for kind in dict.fromkeys(r["kind"] for r in rows):
            mine = [r for r in rows if r["kind"] == kind]
            p50, p95 = percentiles([r["ms"] for r in mine])
            entry = by_kind.setdefault(kind, {"queries": len(mine)})
            entry[f"{mode}_p50_ms"], entry[f"{mode}_p95_ms"] = p50, p95
            if all("cpu_ms" in r for r in mine):
                entry[f"{mode}_cpu_p50_ms"], entry[f"{mode}_cpu_p95_ms"] = percentiles(
                    [r["cpu_ms"] for r in mine]
                )
            entry["mean_total"] = round(sum(r["total"] for r in mine) / len(mine))
    out["by_kind"] = by_kind
    out["serve_rss_mb"] = served["peak_rss_mb"]
    out["serve_rss_detail_mb"] = served.get("rss", {})
    out["serve_other_cores"] = max(served.get(f"{mode}_other_cores", 0.0) for mode in ("search", "facets"))
    return out


def _fmt(value: float) -> str:
    """A figure with thousands separators, decimals only below 100."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


def _targets(figures: dict[str, Any]) -> list[str]:
    """The target table for the embedded engine."""
    emb = figures.get("embedded")
    if not emb:
        return []
    scope = "" if figures["docs"] >= TARGET_DOCS else (
        f" (the targets are for {TARGET_DOCS:,} documents; this run had {figures['docs']:,}, so the verdict "
        "is indicative only)"
    )
    lines = [f"### Targets for the embedded engine{scope}", "", "| metric | target | measured | met |",
             "|---|---|---|---|"]
    for key, label, target, higher in TARGETS:
        value = emb[key]
        met = value >= target if higher else value <= target
        lines.append(f"| {label} | {'≥' if higher else '≤'} {_fmt(target)} | {_fmt(value)} | "
                     f"{'yes' if met else '**no**'} |")
    return [*lines, ""]


def _engines(figures: dict[str, Any]) -> list[str]:
    """The side-by-side table of both engines."""
    lines = ["| engine | index docs/s (excl. corpus loading) | index size | top-20 + snippets p50 / p95 ms "
             "| + facets + histogram p50 / p95 ms | serving peak RSS |", "|---|---|---|---|---|---|"]
    for key, name in ENGINE_NAMES.items():
        e = figures.get(key)
        if e:
            lines.append(
                f"| {name} | {_fmt(e['index_docs_per_s'])} ({_fmt(e['index_docs_per_s_excl_load'])}) "
                f"| {e['index_disk_mb'] / 1024:.2f} GB | {e['search_p50_ms']} / {e['search_p95_ms']} "
                f"| {e['facets_p50_ms']} / {e['facets_p95_ms']} | {_fmt(e['serve_rss_mb'])} MB |"
            )
    return [*lines, ""]


def _kinds(figures: dict[str, Any]) -> list[str]:
    """Per query kind, p50 / p95 for both engines."""
    present = [k for k in ENGINE_NAMES if figures.get(k)]
    head = "| kind | queries | " + " | ".join(
        f"{ENGINE_NAMES[k]} search | {ENGINE_NAMES[k]} facets | {ENGINE_NAMES[k]} mean matches"
        for k in present
    )
    lines = [head + " |", "|" + "---|" * (2 + 3 * len(present))]
    kinds = figures[present[0]]["by_kind"] if present else {}
    for kind, first in kinds.items():
        cells = [kind, str(first["queries"])]
        for k in present:
            e = figures[k]["by_kind"].get(kind, {})
            cells += [f"{e.get('search_p50_ms')} / {e.get('search_p95_ms')}",
                      f"{e.get('facets_p50_ms')} / {e.get('facets_p95_ms')}", f"{e.get('mean_total', 0):,}"]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _cpu_table(figures: dict[str, Any]) -> list[str]:
    """CPU time per query by kind (all threads of the serving process), when the run measured it."""
    present = [k for k in ENGINE_NAMES if figures.get(k) and "search_cpu_p95_ms" in figures[k]]
    if not present:
        return []
    head = "| kind | " + " | ".join(f"{ENGINE_NAMES[k]} search | {ENGINE_NAMES[k]} facets" for k in present)
    lines = ["### CPU time per query (p50 / p95 ms, all threads of the serving process)", "",
             "Unlike the latencies above, these hardly depend on other work on the machine.", "",
             head + " |", "|" + "---|" * (1 + 2 * len(present))]
    rows: list[tuple[str, dict[str, dict[str, Any]]]] = [("all", {k: figures[k] for k in present})]
    kinds = figures[present[0]]["by_kind"]
    rows += [(kind, {k: figures[k]["by_kind"].get(kind, {}) for k in present}) for kind in kinds]
    for kind, per_engine in rows:
        cells = [kind]
        for k in present:
            e = per_engine[k]
            cells += [f"{e.get('search_cpu_p50_ms')} / {e.get('search_cpu_p95_ms')}",
                      f"{e.get('facets_cpu_p50_ms')} / {e.get('facets_cpu_p95_ms')}"]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _cpu_note(figures: dict[str, Any]) -> list[str]:
    """Indexing CPU per document, which bounds docs/s on this machine whatever the other load."""
    cores = figures["machine"]["nproc"]
    parts = []
    for key, name in ENGINE_NAMES.items():
        e = figures.get(key) or {}
        total, main = e.get("index_cpu_us_per_doc"), e.get("index_main_thread_cpu_us_per_doc")
        if total and main:
            parts.append(
                f"{name} {_fmt(total)} µs ({_fmt(main)} µs of it in the calling Python thread), at most "
                f"{_fmt(cores / total * 1e6)} docs/s on {cores} otherwise idle cores"
            )
    if not parts:
        return []
    return [f"**Indexing CPU per document** — {'; '.join(parts)}.", ""]


def _load_note(figures: dict[str, Any]) -> list[str]:
    """An honest note on how busy other work kept the machine, phase by phase."""
    phases = [(f"{name} {label}", figures[key][field])
              for key, name in ENGINE_NAMES.items() if figures.get(key)
              for label, field in (("indexing", "index_other_cores"), ("serving", "serve_other_cores"))]
    if not phases:
        return []
    listed = "; ".join(f"{phase}: {cores:.2f}" for phase, cores in phases)
    busy = [phase for phase, cores in phases if cores >= 0.25]
    verdict = (
        f"Other work shared the machine during {', '.join(busy)}, so those figures are pessimistic."
        if busy else "The machine was otherwise nearly idle."
    )
    return [f"**Load from other work** (cores of {figures['machine']['nproc']} used by other processes, "
            f"averaged per phase) — {listed}. {verdict}", ""]


def markdown(figures: dict[str, Any]) -> str:
    """The search section of docs/benchmarks.md, markers included."""
    m = figures["machine"]
    lines = [
        START,
        "## Search: embedded tantivy vs SQLite FTS5",
        "",
        f"Run on {figures['date']} with `{figures['command']}` — **{figures['docs']:,} documents** "
        f"(seeded synthetic corpus: bilingual, {figures['corpus']['zh_share']:.0%} Chinese, "
        "Zipfian vocabulary "
        f"and applicants, ~{figures['corpus']['mean_bytes']:,} bytes of title + abstract + claims each), "
        f"{figures['queries']} queries.",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, {m['os']}; Python {m['python']}, "
        f"tantivy {m['tantivy']}, rjieba {m['rjieba']}, SQLite {m['sqlite']}.",
        "",
        *_load_note(figures),
        *_targets(figures),
        *_cpu_note(figures),
        "### Both engines",
        "",
        *_engines(figures),
        "### By query kind (p50 / p95 ms)",
        "",
        *_kinds(figures),
        *_cpu_table(figures),
        *WHERE_THE_TIME_GOES,
        "### How it is measured",
        "",
        "- The corpus is generated once to a JSON-lines file (not timed). Indexing reads it back and runs "
        "the real write path: `EmbeddedBackend.index` (Chinese segmentation with rjieba, tantivy documents, "
        "a 2 GB writer budget on the default two indexing threads, commit, merges if any) and, for FTS5, "
        "the same `segment()` into an `unicode61` table in 5,000-row "
        "transactions. docs/s counts everything from the first document read to the commit; the figure in "
        "brackets leaves out the time spent reading and parsing the corpus file.",
        "- Queries run in a separate serving process that opens the index read-only: the first 40 queries "
        "of the mix run untimed as a warm-up, then the whole mix is timed once per mode. *Top-20 + "
        "snippets* is a relevance-ranked page of 20 hits with highlighted snippets and the total; "
        "*+ facets + histogram* is the same page plus technology, jurisdiction and top-20 applicant counts "
        "and the per-year × technology histogram over all matches. The engine runs a search's aggregations "
        "on worker threads (a phrase query's as one request, a word query's split in two) while the "
        "calling thread finds and loads the page of hits (all on one searcher), so they share the "
        "machine's two cores.",
        "- The mix (seeded): 35 rare words (ranks 5,000–35,000 of the 40,000-word long tail), 35 common "
        "words, 35 two-word AND queries, 35 quoted English phrases, 30 Chinese words and 30 quoted "
        "Chinese phrases; the domain phrases are part of the generated vocabulary, so they really occur. "
        "Match counts differ a little for Chinese words because the embedded engine also matches "
        "search-mode sub-words, while FTS5 sees only the accurate segmentation.",
        "- FTS5 ranks with `bm25(3, 1.5, 1)`, snippets with `snippet()`, and counts facets with GROUP BY "
        "over the matched rowids (materialised once per query, joined with `CROSS JOIN` so the planner "
        "starts from the matches).",
        "- Serving RSS is the process's peak resident set (`VmHWM`), which includes the pages of the "
        "memory-mapped index it touched.",
        "",
        END,
    ]
    return "\n".join(lines) + "\n"


def write(out_dir: Path, figures: dict[str, Any]) -> None:
    """Write benchmarks.json and replace (or add) the search section of benchmarks.md."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "benchmarks.json"
    # Other benchmarks (the classifier's) may keep their own keys in the same file: keep them.
    try:
        merged = json.loads(path.read_text()) if path.exists() else {}
    except json.JSONDecodeError:
        merged = {}
    merged = {**(merged if isinstance(merged, dict) else {}), **figures}
    path.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
    md = out_dir / "benchmarks.md"
    section = markdown(figures)
    text = md.read_text() if md.exists() else "# Benchmarks\n\nWritten by `make bench`.\n\n"
    if START in text and END in text:
        head, _, rest = text.partition(START)
        _, _, tail = rest.partition(END)
        text = head + section.rstrip("\n") + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section
    md.write_text(text)
