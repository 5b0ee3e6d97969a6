"""Change tracking for standards: what a (re-)crawl saw move — new, new draft, stage, status, withdrawal."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Collection, Iterable
from enum import StrEnum

from pydantic import BaseModel

from vrscope.records import Patent, Standard, StandardStatus

SCHEMA = """
CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    effective_date TEXT,
    observed_at TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_observed ON changes(observed_at);
CREATE INDEX IF NOT EXISTS changes_doc ON changes(doc_id);
"""

_DRAFTS = {StandardStatus.DRAFT_FOR_COMMENT, StandardStatus.COMMITTEE_DRAFT}


class ChangeKind(StrEnum):
    """What happened to a standard between two crawls."""

    NEW = "new"
    NEW_DRAFT = "new_draft"
    STAGE_CHANGE = "stage_change"
    STATUS_CHANGE = "status_change"
    WITHDRAWN = "withdrawn"
    REPLACED = "replaced"


class Change(BaseModel):
    """One recorded change: which standard, what kind, from what to what, when it was seen and by whom."""

    doc_id: str
    kind: ChangeKind
    old_value: str | None = None
    new_value: str | None = None
    effective_date: dt.date | None = None
    observed_at: dt.datetime
    source: str


def _status_kind(status: StandardStatus | None) -> ChangeKind:
    if status is StandardStatus.WITHDRAWN:
        return ChangeKind.WITHDRAWN
    if status is StandardStatus.REPLACED:
        return ChangeKind.REPLACED
    if status in _DRAFTS:
        return ChangeKind.NEW_DRAFT
    return ChangeKind.STATUS_CHANGE


def _effective(record: Standard, kind: ChangeKind) -> dt.date | None:
    """The date the source gives for the new state (withdrawal, implementation, publication …)."""
    if kind in (ChangeKind.WITHDRAWN, ChangeKind.REPLACED):
        return record.withdrawn_date
    if record.status is StandardStatus.PUBLISHED:
        return record.implemented_date or record.published_date
    if record.status is StandardStatus.TO_BE_IMPLEMENTED:
        return record.published_date
    if kind is ChangeKind.NEW_DRAFT:
        return record.plan_date
    return None


def _stage(record: Standard) -> str | None:
    return record.stage_code or record.stage_name


def detect(before: Standard | None, after: Standard, observed_at: dt.datetime, source: str) -> list[Change]:
    """The changes between a stored version (None: not stored yet) and the version about to be stored."""
    out: list[Change] = []

    def add(kind: ChangeKind, old: str | None, new: str | None) -> None:
        out.append(Change(doc_id=after.id, kind=kind, old_value=old, new_value=new,
                          effective_date=_effective(after, kind), observed_at=observed_at, source=source))

    if before is None:
        new = after.status.value if after.status else None
        add(ChangeKind.NEW_DRAFT if after.status in _DRAFTS else ChangeKind.NEW, None, new)
        return out
    if before.status != after.status and after.status is not None:
        add(_status_kind(after.status), before.status.value if before.status else None, after.status.value)
    elif (after.status in _DRAFTS and after.comment_deadline is not None
          and before.comment_deadline != after.comment_deadline):
        # A fresh comment round on a draft already known: a new draft, dated by its deadline.
        old_deadline = before.comment_deadline.isoformat() if before.comment_deadline else None
        add(ChangeKind.NEW_DRAFT, old_deadline, after.comment_deadline.isoformat())
    if _stage(before) != _stage(after) and _stage(after) is not None:
        add(ChangeKind.STAGE_CHANGE, _stage(before), _stage(after))
    return out


def record_changes(conn: sqlite3.Connection, changes: Iterable[Change]) -> int:
    """Write changes inside the caller's transaction; returns how many."""
    rows = [
        (c.doc_id, c.kind.value, c.old_value, c.new_value,
         c.effective_date.isoformat() if c.effective_date else None, c.observed_at.isoformat(), c.source)
        for c in changes
    ]
    conn.executemany(
        "INSERT INTO changes(doc_id, kind, old_value, new_value, effective_date, observed_at, source)"
        " VALUES (?,?,?,?,?,?,?)",
        rows,
    )
    return len(rows)


def _since_clause(
    since: dt.date | dt.datetime, kinds: Iterable[str] | None, doc_ids: Collection[str] | None = None
) -> tuple[str, list[str]] | None:
    """The WHERE clause and arguments for changes since a moment of the given kinds, to the given documents
    (None: any); None when no kind or no document is wanted."""
    if isinstance(since, dt.datetime):
        moment = since if since.tzinfo else since.replace(tzinfo=dt.UTC)
    else:
        moment = dt.datetime.combine(since, dt.time(), dt.UTC)
    where = " WHERE observed_at >= ?"
    args: list[str] = [moment.astimezone(dt.UTC).isoformat()]
    wanted = [ChangeKind(k).value for k in kinds] if kinds is not None else None
    if wanted == [] or (doc_ids is not None and not doc_ids):
        return None
    if wanted is not None:
        where += f" AND kind IN ({','.join('?' * len(wanted))})"
        args.extend(wanted)
    if doc_ids is not None:
        # One parameter however many documents: a JSON array read by json_each.
        where += " AND doc_id IN (SELECT value FROM json_each(?))"
        args.append(json.dumps(sorted(doc_ids), ensure_ascii=False))
    return where, args


def changes_since(
    conn: sqlite3.Connection, since: dt.date | dt.datetime, kinds: Iterable[str] | None = None,
    last: int | None = None, doc_ids: Collection[str] | None = None,
) -> list[Change]:
    """Changes observed on or after ``since`` (a date means from its start, UTC), oldest first.

    ``last`` keeps only the newest ``last`` of them (still oldest first), read without loading the rest;
    ``doc_ids`` keeps only changes to those documents (None: any document), filtered in SQL.
    """
    clause = _since_clause(since, kinds, doc_ids)
    if clause is None:
        return []
    where, args = clause
    columns = "doc_id, kind, old_value, new_value, effective_date, observed_at, source"
    if last is None:
        sql = f"SELECT {columns} FROM changes{where} ORDER BY observed_at, id"
    else:
        sql = (f"SELECT {columns} FROM (SELECT id, {columns} FROM changes{where}"
               f" ORDER BY observed_at DESC, id DESC LIMIT {int(last)}) ORDER BY observed_at, id")
    return [Change.model_validate(dict(zip(
        ("doc_id", "kind", "old_value", "new_value", "effective_date", "observed_at", "source"),
        tuple(row), strict=True)))
        for row in conn.execute(sql, args)]


def count_since(
    conn: sqlite3.Connection, since: dt.date | dt.datetime, kinds: Iterable[str] | None = None,
    doc_ids: Collection[str] | None = None,
) -> int:
    """How many changes (to the given documents; None: any) were observed on or after ``since``."""
    clause = _since_clause(since, kinds, doc_ids)
    if clause is None:
        return 0
    where, args = clause
    return int(conn.execute(f"SELECT COUNT(*) FROM changes{where}", args).fetchone()[0])


def observed(record: Patent | Standard) -> dt.datetime:
    """When a record was seen, in UTC (so stored times compare as text)."""
    when = record.fetched_at if record.fetched_at.tzinfo else record.fetched_at.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC)
