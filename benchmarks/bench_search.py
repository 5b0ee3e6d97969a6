"""Search benchmark: index N generated documents in both engines, then time the query mix in a server."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from benchmarks.corpus import SEED, ZH_SHARE, generate
from benchmarks.machine import LoadMeter, machine_info, peak_rss_mb
from benchmarks.queries import query_mix
from benchmarks.report import summarize, write
from search.backend import IndexDoc

ENGINES = ("embedded", "sqlite_fts5")


class TimedReader:
    """Streams IndexDocs from a JSON-lines corpus file, adding up the time spent reading them."""

    def __init__(self, path: Path) -> None:
        """Read from path."""
        self.path = path
        self.seconds = 0.0
        self.count = 0

    def __iter__(self) -> Iterator[IndexDoc]:
        """Each document in file order."""
        clock = time.perf_counter
        with self.path.open("rb") as fh:
            while True:
                start = clock()
                line = fh.readline()
                if not line:
                    self.seconds += clock() - start
                    return
                doc = IndexDoc.model_validate_json(line)
                self.seconds += clock() - start
                self.count += 1
                yield doc


def write_corpus(path: Path, docs: int, seed: int) -> dict[str, Any]:
    """Generate the corpus to a JSON-lines file once (reused when the same N and seed are there)."""
    stamp = path.with_suffix(".json")
    wanted = {"docs": docs, "seed": seed}
    if path.exists() and stamp.exists():
        info = json.loads(stamp.read_text())
        if {k: info.get(k) for k in wanted} == wanted:
            return dict(info)
    start = time.perf_counter()
    size = 0
    with path.open("wb") as fh:
        for doc in generate(docs, seed):
            size += len((doc.title + doc.abstract + doc.claims).encode())
            fh.write(doc.model_dump_json(exclude_defaults=True).encode() + b"\n")
    info = {**wanted, "mean_bytes": round(size / max(docs, 1)), "zh_share": ZH_SHARE,
            "generate_s": round(time.perf_counter() - start, 1)}
    stamp.write_text(json.dumps(info))
    return info


def _disk_mb(path: Path) -> float:
    """Size of a file or of all files under a directory, in MB."""
    files: Iterable[Path] = [path] if path.is_file() else path.rglob("*")
    return round(sum(p.stat().st_size for p in files if p.is_file()) / 1024 / 1024, 1)


def build_index(engine: str, corpus: Path, target: Path) -> dict[str, Any]:
    """Index the corpus from scratch through the engine's real write path; return the timings."""
    if target.is_dir():
        shutil.rmtree(target)
    target.unlink(missing_ok=True)
    reader = TimedReader(corpus)
    meter = LoadMeter()
    cpu, main_cpu = time.process_time(), time.thread_time()
    start = time.perf_counter()
    if engine == "embedded":
        from search.embedded import EmbeddedBackend

        backend = EmbeddedBackend(target)
        written = backend.index(reader)
        backend.close()
    else:
        from benchmarks.fts5 import build

        written = build(target, reader)
    wall = time.perf_counter() - start
    cpu, main_cpu = time.process_time() - cpu, time.thread_time() - main_cpu
    return {
        "indexed": written,
        "index_s": round(wall, 1),
        "load_s": round(reader.seconds, 1),
        "index_docs_per_s": round(written / wall, 1),
        "index_docs_per_s_excl_load": round(written / max(wall - reader.seconds, 1e-9), 1),
        "index_disk_mb": _disk_mb(target),
        "index_other_cores": round(meter.other_cores(), 2),
        # CPU time per document (all threads; the calling thread alone): what bounds docs/s on 2 cores.
        "index_cpu_us_per_doc": round(cpu / max(written, 1) * 1e6, 1),
        "index_main_thread_cpu_us_per_doc": round(main_cpu / max(written, 1) * 1e6, 1),
    }


def serve(engine: str, target: Path, queries: Path, work: Path) -> dict[str, Any]:
    """Run the query mix in a separate serving process and read back its measurements."""
    out = work / f"served-{engine}.json"
    cmd = [sys.executable, "-m", "benchmarks.serve", "--engine", engine, "--path", str(target),
           "--queries", str(queries), "--out", str(out)]
    subprocess.run(cmd, check=True, cwd=Path(__file__).resolve().parent.parent)
    return dict(json.loads(out.read_text()))


def run(docs: int, out_dir: Path, work: Path, engines: list[str], seed: int, keep: bool,
        command: str, max_queries: int | None = None) -> dict[str, Any]:
    """The whole benchmark; returns the figures written to out_dir."""
    work.mkdir(parents=True, exist_ok=True)
    corpus_path = work / f"corpus-{docs}-{seed}.jsonl"
    _log(f"corpus: {docs:,} documents → {corpus_path}")
    corpus = write_corpus(corpus_path, docs, seed)
    mix = query_mix(seed)[:max_queries]
    queries = work / "queries.json"
    queries.write_text(json.dumps(mix, ensure_ascii=False))
    figures: dict[str, Any] = {
        "docs": docs,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": command,
        "seed": seed,
        "queries": len(mix),
        "corpus": corpus,
        "machine": machine_info(),
    }
    for engine in engines:
        target = work / ("embedded-index" if engine == "embedded" else "fts5.sqlite")
        _log(f"{engine}: indexing")
        built = build_index(engine, corpus_path, target)
        _log(f"{engine}: {built}")
        _log(f"{engine}: serving the query mix")
        figures[engine] = {**built, **summarize(serve(engine, target, queries, work))}
        got = figures[engine]
        _log(f"{engine}: search p50/p95 {got['search_p50_ms']}/{got['search_p95_ms']} ms, "
             f"facets {got['facets_p50_ms']}/{got['facets_p95_ms']} ms, rss {got['serve_rss_mb']} MB")
        if not keep and target.is_dir():
            shutil.rmtree(target, ignore_errors=True)
        elif not keep:
            target.unlink(missing_ok=True)
    figures["bench_process_peak_rss_mb"] = round(peak_rss_mb(), 1)
    if not keep:
        corpus_path.unlink(missing_ok=True)
    write(out_dir, figures)
    return figures


def _log(message: str) -> None:
    """Progress on stderr, with the time."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the benchmark."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_search", description=__doc__)
    parser.add_argument("--docs", type=int, default=1_000_000, help="corpus size (documents)")
    parser.add_argument("--out", type=Path, default=Path("docs"), help="where benchmarks.md/.json go")
    parser.add_argument("--work", type=Path, default=Path("var/bench"),
                        help="scratch directory for the corpus file and the indexes")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated: embedded,sqlite_fts5")
    parser.add_argument("--seed", type=int, default=SEED, help="corpus and query-mix seed")
    parser.add_argument("--keep", action="store_true", help="keep the corpus file and indexes in --work")
    parser.add_argument("--queries", type=int, default=None, help="use only the first N queries of the mix")
    args = parser.parse_args(argv)
    engines = [e for e in args.engines.split(",") if e]
    unknown = set(engines) - set(ENGINES)
    if unknown:
        parser.error(f"unknown engine(s): {', '.join(sorted(unknown))}")
    command = "python -m benchmarks.bench_search " + " ".join(argv if argv is not None else sys.argv[1:])
    run(args.docs, args.out, args.work, engines, args.seed, args.keep, command.strip(), args.queries)


if __name__ == "__main__":
    main()
