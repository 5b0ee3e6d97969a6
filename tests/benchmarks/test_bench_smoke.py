"""The search benchmark runs end to end on a tiny corpus and writes its figures (no timing asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.bench_search import run
from benchmarks.corpus import generate
from benchmarks.report import END, START

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
    for engine in ("embedded", "sqlite_fts5"):
        for key in KEYS:
            value = figures[engine][key]
            assert isinstance(value, int | float) and value > 0, (engine, key, value)
    md = (out / "benchmarks.md").read_text()
    assert classify in md and md.count(START) == 1 and md.count(END) == 1
    assert "300 documents" in md
    assert not (tmp_path / "work" / "embedded-index").exists()
