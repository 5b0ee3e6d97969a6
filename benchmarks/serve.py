"""The serving process: open an index read-only, time the query mix, report latencies and peak RSS."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.machine import LoadMeter, peak_rss_mb, rss_breakdown_mb

FACETS = ["techs", "jurisdiction", "applicants"]
SIZE = 20

Runner = Callable[[str, bool], int]


def embedded_runner(path: Path) -> tuple[Runner, Callable[[], None]]:
    """Run queries through EmbeddedBackend.search: top-20 with snippets, optionally facets + histogram."""
    from search.backend import SearchQuery
    from search.embedded import EmbeddedBackend

    backend = EmbeddedBackend(path)

    def run(q: str, facets: bool) -> int:
        """One search; returns the total."""
        query = SearchQuery(
            q=q, size=SIZE, highlight=True, facets=FACETS if facets else [], facet_size=20, histogram=facets
        )
        return backend.search(query).total

    return run, backend.close


def fts5_runner(path: Path) -> tuple[Runner, Callable[[], None]]:
    """Run queries on the SQLite FTS5 baseline."""
    from benchmarks.fts5 import Fts5Search

    engine = Fts5Search(path)

    def run(q: str, facets: bool) -> int:
        """One search; returns the total."""
        return int(engine.search(q, facets)["total"])

    return run, engine.close


WARMUP = 40


def measure(run: Runner, mix: list[tuple[str, str]], warmup: int = WARMUP) -> dict[str, Any]:
    """Latencies (ms) of every query of the mix, without and with facets, after a short warm-up."""
    # The warm-up maps the index files in; it is kept short so that most timed queries are not
    # answered from caches that the very same query filled a moment before.
    for facets in (False, True):
        for _, q in mix[:warmup]:
            run(q, facets)
    out: dict[str, Any] = {}
    for mode, facets in (("search", False), ("facets", True)):
        meter = LoadMeter()
        rows = []
        for kind, q in mix:
            # CPU time of the whole (otherwise idle) serving process, all its threads: unlike the
            # wall clock, it hardly depends on what else the machine is doing.
            cpu = time.process_time()
            start = time.perf_counter()
            total = run(q, facets)
            ms = (time.perf_counter() - start) * 1000
            rows.append({"kind": kind, "q": q, "ms": ms, "cpu_ms": (time.process_time() - cpu) * 1000,
                         "total": total})
        out[mode] = rows
        out[f"{mode}_other_cores"] = round(meter.other_cores(), 2)
    return out


def main(argv: list[str] | None = None) -> None:
    """Serve one engine's index and write the measurements as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", choices=["embedded", "sqlite_fts5"], required=True, help="which engine")
    parser.add_argument("--path", type=Path, required=True, help="index directory or database file")
    parser.add_argument("--queries", type=Path, required=True, help="JSON list of [kind, query]")
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON results")
    parser.add_argument("--warmup", type=int, default=WARMUP, help="queries of the mix run untimed first")
    args = parser.parse_args(argv)
    mix = [(str(k), str(q)) for k, q in json.loads(args.queries.read_text())]
    start = time.perf_counter()
    run, close = (embedded_runner if args.engine == "embedded" else fts5_runner)(args.path)
    open_ms = (time.perf_counter() - start) * 1000
    result = measure(run, mix, warmup=args.warmup)
    result["warmup"] = min(args.warmup, len(mix))
    result["open_ms"] = round(open_ms, 1)
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    result["rss"] = rss_breakdown_mb()
    close()
    args.out.write_text(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
