"""Stored standards as flat rows for the tracker: read with json_extract, briefs kept per store generation."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from search import store_cache
from vrscope.store import Store

# JSON fields of a stored standard read into the tracker's frame (json_extract, so no record is parsed)
_FIELDS = ("body", "level", "status", "stage_code", "stage_name", "committee", "ics", "title_zh", "title_en",
           "published_date", "plan_date", "implemented_date", "comment_deadline", "drafting_orgs", "url")
_LISTS = ("ics", "drafting_orgs")
_CHUNK = 500  # identifiers per IN (...) query


def title_of(row: dict[str, Any]) -> str:
    return str(row.get("title_zh") or row.get("title_en") or row["id"])


def stage_of(row: dict[str, Any]) -> str | None:
    code, name = row.get("stage_code"), row.get("stage_name")
    if code and name:
        return f"{code} {name}"
    return code or name or None


def year_of(row: dict[str, Any]) -> int | None:
    # Same precedence as Standard.year.
    for key in ("published_date", "plan_date", "implemented_date"):
        if row.get(key):
            return int(str(row[key])[:4])
    return None


def _row(raw: tuple[Any, ...]) -> dict[str, Any]:
    """A stored standard as a flat dict from its id and the JSON array json_extract gave for _FIELDS."""
    values = json.loads(raw[1]) if raw[1] else [None] * len(_FIELDS)
    row = dict(zip(("id", *_FIELDS), (raw[0], *values), strict=True))
    for name in _LISTS:
        row[name] = row[name] or []
    return row


def iter_standard_rows(store: Store, where: str = "", args: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
    """Stored standards as flat dicts of the tracker's fields, read with json_extract, optionally filtered.

    One json_extract with every path parses each document once (it returns a JSON array).
    """
    paths = ", ".join(f"'$.{name}'" for name in _FIELDS)
    sql = f"SELECT id, json_extract(data, {paths}) FROM documents WHERE doc_type='standard'"
    if where:
        sql += f" AND ({where})"
    for raw in store.conn.execute(sql + " ORDER BY id", tuple(args)):
        yield _row(tuple(raw))


def standard_rows(store: Store, where: str = "", args: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """iter_standard_rows as a list."""
    return list(iter_standard_rows(store, where, args))


def standard_rows_by_id(store: Store, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """standard_rows of the given identifiers, by identifier (missing or non-standard ones left out)."""
    wanted = sorted(set(ids))
    paths = ", ".join(f"'$.{name}'" for name in _FIELDS)
    rows: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        # "+doc_type": look the ids up by primary key, not by scanning the doc_type index.
        sql = (f"SELECT id, json_extract(data, {paths}) FROM documents"
               f" WHERE +doc_type='standard' AND id IN ({','.join('?' * len(chunk))})")
        for raw in store.conn.execute(sql, chunk):
            row = _row(tuple(raw))
            rows[row["id"]] = row
    return rows


@dataclass(frozen=True, slots=True)
class Brief:
    """What the summary, open drafts and local drafters filter on, kept per store generation."""

    id: str
    body: str | None
    level: str | None
    status: str | None
    stage: str | None
    committee: str | None
    ics: tuple[str, ...]
    year: int | None
    comment_deadline: str | None
    drafting_orgs: bool
    title: str
    url: str | None


def brief_of(row: dict[str, Any]) -> Brief:
    def text(value: Any) -> Any:
        return sys.intern(value) if isinstance(value, str) else value

    return Brief(id=row["id"], body=text(row.get("body")), level=text(row.get("level")),
                 status=text(row.get("status")), stage=text(stage_of(row)),
                 committee=text(row.get("committee")),
                 ics=tuple(text(c) for c in row["ics"]), year=year_of(row),
                 comment_deadline=row.get("comment_deadline"), drafting_orgs=bool(row["drafting_orgs"]),
                 title=title_of(row), url=row.get("url"))


def briefs(store: Store) -> list[Brief]:
    """Every stored standard's Brief, in identifier order, read once per store generation."""
    return store_cache.cached(store, "tracker:briefs",
                              lambda: [brief_of(r) for r in iter_standard_rows(store)])
