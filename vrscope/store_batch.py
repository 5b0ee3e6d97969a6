"""The store's batch write path: many records per transaction, standards merged, not replaced."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from itertools import chain, islice, repeat

from pydantic import TypeAdapter

from vrscope import changes as change_log
from vrscope.merge import merge_standards, with_provenance
from vrscope.records import Document, Patent, Standard

_DOCUMENT: TypeAdapter[Patent | Standard] = TypeAdapter(Document)
BATCH_SIZE = 1000


@dataclass
class UpsertCounts:
    """What a batch upsert did, record by record; ``merged`` counts records folded into a stored one."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0

    def __iadd__(self, other: UpsertCounts) -> UpsertCounts:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))
        return self

    @property
    def total(self) -> int:
        """Records written (inserted, updated or found unchanged)."""
        return self.inserted + self.updated + self.unchanged


def _content(record: Patent | Standard) -> str:
    # What "unchanged" means: the record without its fetch time.
    return hashlib.sha256(record.model_dump_json(exclude={"fetched_at"}).encode("utf-8")).hexdigest()


Pair = tuple[Patent | Standard, str | None]


def _chunks(pairs: Iterable[Pair], size: int) -> Iterator[list[Pair]]:
    it = iter(pairs)
    while chunk := list(islice(it, size)):
        yield chunk


def upsert_many(
    conn: sqlite3.Connection,
    records: Iterable[Patent | Standard],
    payload_sha256s: Iterable[str | None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> UpsertCounts:
    """Upsert records in transactions of ``batch_size``; a standard already stored is merged into."""
    hashes = chain(payload_sha256s or (), repeat(None))  # a record without a payload hash gets None
    counts = UpsertCounts()
    for chunk in _chunks(zip(records, hashes, strict=False), batch_size):
        with conn:
            counts += _upsert_batch(conn, chunk)
    return counts


def _upsert_batch(conn: sqlite3.Connection, chunk: Sequence[Pair]) -> UpsertCounts:
    ids = list(dict.fromkeys(record.id for record, _ in chunk))
    marks = ",".join("?" * len(ids))
    stored = {
        row[0]: (row[1], row[2])
        for row in conn.execute(f"SELECT id, data, content_sha256 FROM documents WHERE id IN ({marks})", ids)
    }
    counts = UpsertCounts()
    current: dict[str, Patent | Standard] = {}
    payloads: dict[str, str | None] = {}
    provenance = []
    found: list[change_log.Change] = []
    for record, payload in chunk:
        seen = record.fetched_at.isoformat()
        provenance.append((record.id, record.source, record.url or "", seen, payload))
        before = current.get(record.id)
        if before is None and record.id in stored:
            before = _DOCUMENT.validate_json(stored[record.id][0])
        if isinstance(record, Standard) and isinstance(before, Standard):
            after: Patent | Standard = merge_standards(before, record)  # the same object when nothing is new
        elif isinstance(record, Standard):
            after = with_provenance(record)
        else:
            after = record
        if before is None:
            counts.inserted += 1
        elif after is before or (isinstance(after, Patent) and _content(after) == _content(before)):
            counts.unchanged += 1
            continue
        else:
            counts.updated += 1
            counts.merged += isinstance(after, Standard) and isinstance(before, Standard)
        if isinstance(after, Standard):
            was = before if isinstance(before, Standard) else None
            found.extend(change_log.detect(was, after, change_log.observed(record), record.source))
        current[record.id] = after
        payloads[record.id] = payload
    _write(conn, current, stored, payloads)
    change_log.record_changes(conn, found)
    conn.executemany(
        "INSERT INTO provenance(doc_id, source, url, fetched_at, payload_sha256) VALUES (?,?,?,?,?)"
        " ON CONFLICT(doc_id, source, url) DO UPDATE SET fetched_at=excluded.fetched_at,"
        " payload_sha256=excluded.payload_sha256",
        provenance,
    )
    return counts


def _write(
    conn: sqlite3.Connection,
    changed: dict[str, Patent | Standard],
    stored: dict[str, tuple[str, str]],
    payloads: dict[str, str | None],
) -> None:
    """Insert new documents and rewrite changed ones; a rewrite to the stored content is skipped."""
    now = dt.datetime.now(dt.UTC).isoformat()
    inserts, updates = [], []
    for doc_id, record in changed.items():
        content = _content(record)
        if doc_id in stored and stored[doc_id][1] == content:
            continue
        row = (record.doc_type, record.model_dump_json(), record.source, record.url,
               record.fetched_at.isoformat(), payloads.get(doc_id), content)
        if doc_id in stored:
            updates.append((*row, now, doc_id))
        else:
            inserts.append((doc_id, *row, now, now))
    conn.executemany(
        "INSERT INTO documents(id, doc_type, data, source, url, fetched_at, payload_sha256,"
        " content_sha256, first_seen, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        inserts,
    )
    conn.executemany(
        "UPDATE documents SET doc_type=?, data=?, source=?, url=?, fetched_at=?, payload_sha256=?,"
        " content_sha256=?, updated_at=? WHERE id=?",
        updates,
    )
