"""The store of record: SQLite (WAL), idempotent upserts, provenance, labels and human corrections."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import TypeAdapter

from vrscope import apikeys, watchlists
from vrscope import changes as change_log
from vrscope.records import Correction, Document, Labels, Patent, Standard, effective_labels
from vrscope.store_batch import BATCH_SIZE, UpsertCounts, upsert_many

_DOCUMENT = TypeAdapter(Document)

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    doc_type TEXT NOT NULL,
    data TEXT NOT NULL,
    source TEXT NOT NULL,
    url TEXT,
    fetched_at TEXT NOT NULL,
    payload_sha256 TEXT,
    content_sha256 TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_type ON documents(doc_type);
CREATE INDEX IF NOT EXISTS documents_updated ON documents(updated_at);
CREATE TABLE IF NOT EXISTS provenance (
    doc_id TEXT NOT NULL,
    source TEXT NOT NULL,
    url TEXT,
    fetched_at TEXT NOT NULL,
    payload_sha256 TEXT,
    PRIMARY KEY (doc_id, source, url)
);
CREATE TABLE IF NOT EXISTS labels (
    doc_id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    model_version TEXT NOT NULL,
    content_sha256 TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS corrections (
    doc_id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS crawl_state (
    source TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (source, key)
);
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    url TEXT,
    status INTEGER,
    error TEXT NOT NULL,
    body_sha256 TEXT,
    at TEXT NOT NULL
);
""" + change_log.SCHEMA + apikeys.SCHEMA + watchlists.SCHEMA


def sha256_bytes(payload: bytes | str) -> str:
    """Hex SHA-256 of a payload (str is encoded as UTF-8)."""
    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    return hashlib.sha256(data).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


@dataclass(frozen=True)
class UpsertResult:
    """What an upsert did: inserted a new document, changed one, or found it unchanged."""

    doc_id: str
    action: str  # "inserted" | "updated" | "unchanged"


class Store:
    """SQLite store of record; one instance per thread, safe with many readers and one writer."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(SCHEMA)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write."""
        with self.conn:
            yield self.conn

    # documents -----------------------------------------------------------------------------
    def upsert(self, record: Patent | Standard, payload_sha256: str | None = None) -> UpsertResult:
        """Insert or update one document by identifier; identical content changes nothing.

        The same path as ``upsert_many``: a standard already stored is merged, a patent replaced.
        """
        counts = self.upsert_many([record], [payload_sha256])
        action = next(a for a in ("inserted", "updated", "unchanged") if getattr(counts, a))
        return UpsertResult(record.id, action)

    def upsert_many(
        self,
        records: Iterable[Patent | Standard],
        payload_sha256s: Iterable[str | None] | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> UpsertCounts:
        """Upsert many records, a transaction per batch; a standard already stored is merged, not replaced."""
        return upsert_many(self.conn, records, payload_sha256s, batch_size)

    def changes_since(
        self, since: dt.date | dt.datetime, kinds: Iterable[str] | None = None, last: int | None = None
    ) -> list[change_log.Change]:
        """Standards' changes (new, new_draft, stage/status change, withdrawn, replaced) seen since a date.

        ``last`` keeps only the newest ``last`` of them.
        """
        return change_log.changes_since(self.conn, since, kinds, last)

    def count_changes_since(self, since: dt.date | dt.datetime, kinds: Iterable[str] | None = None) -> int:
        """How many changes were seen since a date."""
        return change_log.count_since(self.conn, since, kinds)

    def get(self, doc_id: str) -> Patent | Standard | None:
        """One document by identifier, or None."""
        row = self.conn.execute("SELECT data FROM documents WHERE id=?", (doc_id,)).fetchone()
        return _DOCUMENT.validate_json(row["data"]) if row else None

    def iter_documents(self, doc_type: str | None = None) -> Iterator[Patent | Standard]:
        """Every document, in identifier order."""
        sql = "SELECT data FROM documents"
        args: tuple[str, ...] = ()
        if doc_type:
            sql += " WHERE doc_type=?"
            args = (doc_type,)
        for row in self.conn.execute(sql + " ORDER BY id", args):
            yield _DOCUMENT.validate_json(row["data"])

    def count(self, doc_type: str | None = None) -> int:
        """How many documents (of one type)."""
        if doc_type:
            return int(
                self.conn.execute("SELECT count(*) FROM documents WHERE doc_type=?", (doc_type,)).fetchone()[
                    0
                ]
            )
        return int(self.conn.execute("SELECT count(*) FROM documents").fetchone()[0])

    def counts_by_source(self) -> dict[str, int]:
        """Documents per source that last stored them."""
        rows = self.conn.execute(
            "SELECT source, count(*) AS n FROM documents GROUP BY source ORDER BY source"
        )
        return {r["source"]: int(r["n"]) for r in rows}

    def provenance(self, doc_id: str) -> list[dict[str, str | None]]:
        """Every (source, url, fetched_at, payload hash) a document was seen at."""
        rows = self.conn.execute(
            "SELECT source, url, fetched_at, payload_sha256 FROM provenance"
            " WHERE doc_id=? ORDER BY fetched_at",
            (doc_id,),
        )
        return [dict(r) for r in rows]

    # labels and corrections ----------------------------------------------------------------
    def set_labels(self, items: Iterable[tuple[str, Labels]]) -> int:
        """Store model labels; never touches corrections."""
        n = 0
        with self.transaction() as conn:
            for doc_id, labels in items:
                row = conn.execute("SELECT content_sha256 FROM documents WHERE id=?", (doc_id,)).fetchone()
                if row is None:
                    raise KeyError(f"no document {doc_id!r}")
                conn.execute(
                    "INSERT OR REPLACE INTO labels(doc_id, data, model_version, content_sha256)"
                    " VALUES (?,?,?,?)",
                    (doc_id, labels.model_dump_json(), labels.model_version, row["content_sha256"]),
                )
                n += 1
        return n

    def unlabelled_ids(self, model_version: str | None = None) -> list[str]:
        """Documents with no labels, labels from another model version, or content changed since."""
        sql = (
            "SELECT d.id FROM documents d LEFT JOIN labels l ON l.doc_id = d.id "
            "WHERE l.doc_id IS NULL OR l.content_sha256 != d.content_sha256"
        )
        args: tuple[str, ...] = ()
        if model_version:
            sql += " OR l.model_version != ?"
            args = (model_version,)
        return [r[0] for r in self.conn.execute(sql + " ORDER BY d.id", args)]

    def model_labels(self, doc_id: str) -> Labels | None:
        """The model's labels only."""
        row = self.conn.execute("SELECT data FROM labels WHERE doc_id=?", (doc_id,)).fetchone()
        return Labels.model_validate_json(row["data"]) if row else None

    def correct(self, doc_id: str, correction: Correction) -> None:
        """Store a human correction; it wins over every model run."""
        if self.get(doc_id) is None:
            raise KeyError(f"no document {doc_id!r}")
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO corrections(doc_id, data, updated_at) VALUES (?,?,?)",
                (doc_id, correction.model_dump_json(), _now()),
            )

    def correction(self, doc_id: str) -> Correction | None:
        """The human correction of one document, if any."""
        row = self.conn.execute("SELECT data FROM corrections WHERE doc_id=?", (doc_id,)).fetchone()
        return Correction.model_validate_json(row["data"]) if row else None

    def drop_correction(self, doc_id: str) -> bool:
        """Remove a document's human correction (the model's labels apply again); False if it had none."""
        with self.transaction() as conn:
            return conn.execute("DELETE FROM corrections WHERE doc_id=?", (doc_id,)).rowcount > 0

    def corrections(self) -> dict[str, Correction]:
        """Every human correction by document identifier."""
        rows = self.conn.execute("SELECT doc_id, data FROM corrections")
        return {r["doc_id"]: Correction.model_validate_json(r["data"]) for r in rows}

    def labels(self, doc_id: str) -> Labels | None:
        """Effective labels: the model's, with any human correction applied on top."""
        return effective_labels(self.model_labels(doc_id), self.correction(doc_id))

    # crawl state and dead letters ----------------------------------------------------------
    def get_state(self, source: str, key: str) -> str | None:
        """How far a crawl of one source and query got."""
        row = self.conn.execute(
            "SELECT value FROM crawl_state WHERE source=? AND key=?", (source, key)
        ).fetchone()
        return str(row[0]) if row else None

    def set_state(self, source: str, key: str, value: str) -> None:
        """Record crawl progress."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO crawl_state(source, key, value, updated_at) VALUES (?,?,?,?)",
                (source, key, value, _now()),
            )

    def dead_letter(
        self, source: str, url: str | None, error: str, status: int | None = None, body: bytes | None = None
    ) -> None:
        """Log a response that could not be turned into records."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO dead_letters(source, url, status, error, body_sha256, at) VALUES (?,?,?,?,?,?)",
                (source, url, status, error, sha256_bytes(body) if body is not None else None, _now()),
            )

    def dead_letters(self, source: str | None = None) -> list[dict[str, object]]:
        """Logged failures, oldest first."""
        sql = "SELECT source, url, status, error, body_sha256, at FROM dead_letters"
        args: tuple[str, ...] = ()
        if source:
            sql += " WHERE source=?"
            args = (source,)
        return [dict(r) for r in self.conn.execute(sql + " ORDER BY id", args)]

    def export_jsonl(self) -> Iterator[str]:
        """Every document with its effective labels as JSON lines."""
        for doc in self.iter_documents():
            labels = self.labels(doc.id)
            payload = json.loads(doc.model_dump_json())
            payload["labels"] = json.loads(labels.model_dump_json()) if labels else None
            yield json.dumps(payload, ensure_ascii=False)
