"""The search benchmark runs end to end on a tiny corpus and writes its figures (no timing asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.bench_search import run
from benchmarks.corpus import generate
from benchmarks.report import END, START, _cpu_note

KEYS = (
    "index_docs_per_s", "search_p50_ms", "search_p95_ms", "facets_p50_ms", "facets_p95_ms", "serve_rss_mb"
)


def test_corpus_is_deterministic_and_bilingual() -> None:
    first = [d.model_dump() for d in generate(200, seed=7)]
    assert first == [d.model_dump() for d in generate(200, seed=7)]
    assert any(d["title_zh"] for d in first) and any(not d["title_zh"] for d in first)
    assert all(1 <= len(d["techs"]) + len(d["forms"]) + len(d["subtopics"]) <= 4 for d in first)
    assert all(2000 <= d["year"] <= 2025 and d["applicants"] for d in first)


@pytest.mark.slow
def test_bench_writes_figures(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    classify = "<!-- classify:start -->\nclassifier figures\n<!-- classify:end -->\n"
    (out / "benchmarks.md").write_text("# Benchmarks\n\n" + classify)
    run(300, out, tmp_path / "work", ["embedded", "sqlite_fts5"], seed=7, keep=False, command="test",
        max_queries=24)
    figures = json.loads((out / "benchmarks.json").read_text())
    assert figures["docs"] == 300
    emb = figures["embedded"]
    assert emb["index_cpu_us_per_doc"] >= emb["index_main_thread_cpu_us_per_doc"] > 0
    for engine in ("embedded", "sqlite_fts5"):
        for key in KEYS:
            value = figures[engine][key]
            assert isinstance(value, int | float) and value > 0, (engine, key, value)
    md = (out / "benchmarks.md").read_text()
    assert classify in md and md.count(START) == 1 and md.count(END) == 1
    assert "300 documents" in md
    assert not (tmp_path / "work" / "embedded-index").exists()


def test_cpu_note_gives_the_ceiling_on_idle_cores() -> None:
    figures = {"machine": {"nproc": 2}, "embedded": {"index_cpu_us_per_doc": 400.0,
                                                    "index_main_thread_cpu_us_per_doc": 150.0}}
    note = "\n".join(_cpu_note(figures))
    assert "embedded (tantivy) 400 µs (150 µs of it in the calling Python thread)" in note
    assert "at most 5,000 docs/s on 2 otherwise idle cores" in note
    assert "SQLite FTS5" not in note


def test_cpu_note_is_left_out_for_older_figures() -> None:
    assert _cpu_note({"machine": {"nproc": 2}, "embedded": {"index_docs_per_s": 10.0}}) == []
