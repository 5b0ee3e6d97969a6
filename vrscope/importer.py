"""``vrscope import``: bulk records from JSON-lines files (gzip or plain) into the store of record.

Two kinds of line are read: a standards catalogue record (``*_catalog_index_all.jsonl.gz``, the
relaton-data digests of ISO, IEC, IEEE, ITU, ETSI and 3GPP) and a line of vrscope's own export
(``Store.export_jsonl``: a record with ``doc_type`` plus ``labels``; the labels are not imported,
the classifier labels the documents again). A bad line is reported with its file and line number,
dead-lettered and skipped; a file that ends early (a half-written gzip) keeps every line before.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import TypeAdapter
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from crawlers.parsers.catalog import BODIES, parse_line
from crawlers.parsers.jsonbody import json_object
from vrscope.records import Document, Patent, Standard
from vrscope.settings import Settings
from vrscope.store import Store, sha256_bytes
from vrscope.store_batch import BATCH_SIZE, UpsertCounts

DEAD_LETTER_SOURCE = "import"
_CHUNK = 1 << 20
_DOCUMENT: TypeAdapter[Patent | Standard] = TypeAdapter(Document)


class BrokenFile(ValueError):
    """A file that cannot be read to its end (truncated or corrupt gzip, unreadable bytes)."""


@dataclass
class ImportSummary:
    """What an import read and stored."""

    files: int = 0
    lines: int = 0
    bad_lines: int = 0
    ids: set[str] = field(default_factory=set)
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    errors: list[str] = field(default_factory=list)
    broken_files: list[str] = field(default_factory=list)

    @property
    def stored(self) -> int:
        """Records handed to the store (inserted, merged or found unchanged)."""
        return self.counts.total

    @property
    def distinct_ids(self) -> int:
        """Distinct identifiers among the records read."""
        return len(self.ids)


def read_lines(path: Path, on_bytes: Callable[[int], None] | None = None) -> Iterator[tuple[int, bytes]]:
    """Numbered lines of a plain or gzip file; one that breaks off raises BrokenFile after its last line."""
    number = 0
    with path.open("rb") as raw:
        gzipped = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        stream = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw
        rest = b""
        position = 0
        while True:
            try:
                chunk = stream.read1(_CHUNK)  # one read at a time: a break loses no line before it
            except (EOFError, OSError, zlib.error) as error:
                kind = "gzip stream ends early (truncated?)" if isinstance(error, EOFError) else "unreadable"
                partial = " and an incomplete last line" if rest else ""
                raise BrokenFile(
                    f"{path}: {kind} after line {number}{partial}: {error}; lines before it were imported"
                ) from error
            if on_bytes is not None:
                now = raw.tell()
                on_bytes(now - position)
                position = now
            if not chunk:
                break
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            for line in lines:
                number += 1
                yield number, line
        if rest:
            yield number + 1, rest


def body_hint(path: Path) -> str | None:
    """The catalogue a file holds, from its name ('iso_catalog_index_all.jsonl.gz' → 'iso')."""
    head = path.name.lower().split("_", 1)[0]
    return head if head in BODIES else None


def record_from_line(line: bytes, source: str | None = None, body: str | None = None) -> Patent | Standard:
    """One line → a record: an export line (has ``doc_type``) or a catalogue record."""
    data = json_object(line, "a line")
    if "doc_type" in data:
        data.pop("labels", None)  # effective labels of the exporting store: not corrections here
        return _DOCUMENT.validate_python(data)
    return parse_line(data, source=source, body=body)


def import_files(
    store: Store,
    paths: Sequence[Path],
    source: str | None = None,
    on_bytes: Callable[[int], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportSummary:
    """Import every file; bad lines and broken files are reported, dead-lettered and skipped."""
    summary = ImportSummary()
    for path in paths:
        summary.files += 1
        _import_file(store, Path(path), source, summary, on_bytes, on_error, batch_size)
    return summary


def _import_file(
    store: Store,
    path: Path,
    source: str | None,
    summary: ImportSummary,
    on_bytes: Callable[[int], None] | None,
    on_error: Callable[[str], None] | None,
    batch_size: int,
) -> None:
    body = body_hint(path)
    records: list[Patent | Standard] = []
    hashes: list[str | None] = []

    def flush() -> None:
        if records:
            summary.counts += store.upsert_many(records, hashes, batch_size)
            records.clear()
            hashes.clear()

    def fail(message: str, where: str, payload: bytes | None = None) -> None:
        summary.errors.append(message)
        store.dead_letter(DEAD_LETTER_SOURCE, where, message, body=payload)
        if on_error is not None:
            on_error(message)

    try:
        for number, line in read_lines(path, on_bytes):
            if not line.strip():
                continue
            summary.lines += 1
            try:
                record = record_from_line(line, source, body)
            except ValueError as error:  # ParseError and pydantic's ValidationError alike
                summary.bad_lines += 1
                fail(f"{path}:{number}: {_one_line(error)}", f"{path}:{number}", line)
                continue
            records.append(record)
            hashes.append(sha256_bytes(line))
            summary.ids.add(record.id)
            if len(records) >= batch_size:
                flush()
    except BrokenFile as error:
        summary.broken_files.append(str(error))
        fail(str(error), str(path))
    finally:
        flush()


def _one_line(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= 300 else text[:297] + "..."


def run_import(settings: Settings, paths: Sequence[Path], source: str | None, console: Console,
               max_errors_shown: int = 20) -> ImportSummary:
    """Import with a progress bar, print each bad line (up to a limit) and a summary table."""
    shown = 0

    def report(message: str) -> None:
        nonlocal shown
        shown += 1
        if shown <= max_errors_shown:
            progress.console.print(f"[red]error[/red] {message}", markup=True, highlight=False)

    total = sum(Path(p).stat().st_size for p in paths)
    with Store(settings.db_path) as store, Progress(
        TextColumn("[bold]import"), BarColumn(), DownloadColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        task = progress.add_task("import", total=total)
        summary = import_files(store, paths, source, lambda n: progress.advance(task, n), report)
        in_store = store.count("standard")
    if shown > max_errors_shown:
        console.print(f"… and {shown - max_errors_shown} more errors (all in the dead-letter table)")
    table = Table(title="vrscope import")
    table.add_column("what")
    table.add_column("count", justify="right")
    rows = [("files", summary.files), ("lines read", summary.lines), ("records stored", summary.stored),
            ("distinct ids", summary.distinct_ids), ("new documents", summary.counts.inserted),
            ("merged into a stored document", summary.counts.merged),
            ("updated", summary.counts.updated - summary.counts.merged),
            ("unchanged", summary.counts.unchanged), ("bad lines", summary.bad_lines),
            ("broken files", len(summary.broken_files)), ("standards in the store", in_store)]
    for name, value in rows:
        table.add_row(name, f"{value:,}")
    console.print(table)
    return summary
