"""Watch lists: an owner's named saved search or applicant set, kept in the store of record."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator

SCHEMA = """
CREATE TABLE IF NOT EXISTS watchlists (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    spec TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (owner, name)
);
"""
MAX_APPLICANTS = 200


class WatchKind(StrEnum):
    """What a watch list follows."""

    SEARCH = "search"
    APPLICANTS = "applicants"


class WatchListError(ValueError):
    """A watch list cannot be stored as asked (a name the owner already uses)."""


def _as_strings(value: Any) -> list[str]:
    """A query parameter's value(s) as a list of strings, the way a query string carries them."""
    values = value if isinstance(value, list | tuple) else [value]
    out = []
    for v in values:
        if isinstance(v, bool):
            out.append("true" if v else "false")
        elif isinstance(v, str | int | float):
            out.append(str(v))
        else:
            raise ValueError(f"a search parameter value must be text, a number or a list of them, not {v!r}")
    return out


class WatchListIn(BaseModel):
    """A new watch list: exactly one of ``search`` (the search API's query parameters) or ``applicants``."""

    owner: str = Field(min_length=1, max_length=100, description="the user the list belongs to")
    name: str = Field(min_length=1, max_length=200, description="unique per owner")
    search: dict[str, list[str]] | None = Field(
        default=None, description="query parameters of /api/v1/search, e.g. {'q': 'pancake', 'tech': [...]}")
    applicants: list[str] | None = Field(default=None, description="normalized applicant names")

    @field_validator("owner", "name")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value

    @field_validator("search", mode="before")
    @classmethod
    def _query_values(cls, value: Any) -> Any:
        """Single values become one-element lists; blanks are dropped."""
        if value is None or not isinstance(value, dict):
            return value
        out = {}
        for key, raw in value.items():
            kept = [v.strip() for v in _as_strings(raw) if v.strip()]
            if kept:
                out[str(key)] = kept
        return out

    @field_validator("applicants")
    @classmethod
    def _names(cls, values: list[str] | None) -> list[str] | None:
        if values is None:
            return None
        kept = list(dict.fromkeys(v.strip() for v in values if v.strip()))
        if not kept:
            raise ValueError("give at least one applicant name")
        if len(kept) > MAX_APPLICANTS:
            raise ValueError(f"at most {MAX_APPLICANTS} applicants")
        return kept

    @model_validator(mode="after")
    def _one_kind(self) -> WatchListIn:
        if (self.search is None) == (self.applicants is None):
            raise ValueError("give either 'search' (query parameters) or 'applicants' (names), not both")
        return self

    @property
    def kind(self) -> WatchKind:
        """A saved search or an applicant set."""
        return WatchKind.SEARCH if self.search is not None else WatchKind.APPLICANTS


class WatchList(WatchListIn):
    """A stored watch list."""

    id: int
    created_at: dt.datetime

    @property
    def query_params(self) -> dict[str, list[str]]:
        """The search API query parameters this list stands for (an applicant set filters on applicant)."""
        if self.search is not None:
            return self.search
        return {"applicant": list(self.applicants or [])}


def _row(row: sqlite3.Row | tuple[Any, ...]) -> WatchList:
    id_, owner, name, kind, spec, created_at = tuple(row)
    data = json.loads(spec)
    fields = {"search": data} if kind == WatchKind.SEARCH else {"applicants": data}
    return WatchList(id=id_, owner=owner, name=name, created_at=created_at, **fields)


_COLUMNS = "id, owner, name, kind, spec, created_at"


def create(conn: sqlite3.Connection, item: WatchListIn) -> WatchList:
    """Store a watch list; WatchListError when the owner already has one by that name."""
    spec = item.search if item.search is not None else item.applicants
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    try:
        with conn:
            cur = conn.execute(
                "INSERT INTO watchlists(owner, name, kind, spec, created_at) VALUES (?,?,?,?,?)",
                (item.owner, item.name, item.kind.value, json.dumps(spec, ensure_ascii=False), now),
            )
    except sqlite3.IntegrityError as exc:
        raise WatchListError(f"{item.owner!r} already has a watch list named {item.name!r}") from exc
    stored = get(conn, int(cur.lastrowid or 0))
    assert stored is not None
    return stored


def get(conn: sqlite3.Connection, id_: int) -> WatchList | None:
    """One watch list by number, or None."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM watchlists WHERE id=?", (id_,)).fetchone()
    return _row(row) if row else None


def list_all(conn: sqlite3.Connection, owner: str | None = None) -> list[WatchList]:
    """Every watch list (of one owner), oldest first."""
    sql = f"SELECT {_COLUMNS} FROM watchlists"
    args: tuple[str, ...] = ()
    if owner is not None:
        sql += " WHERE owner=?"
        args = (owner,)
    return [_row(r) for r in conn.execute(sql + " ORDER BY id", args)]


def delete(conn: sqlite3.Connection, id_: int) -> bool:
    """Remove a watch list; False when there was none."""
    with conn:
        cur = conn.execute("DELETE FROM watchlists WHERE id=?", (id_,))
    return cur.rowcount > 0


def document_times(conn: sqlite3.Connection, ids: list[str]) -> dict[str, tuple[str, str]]:
    """(first_seen, updated_at) of stored documents, by identifier."""
    out: dict[str, tuple[str, str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            f"SELECT id, first_seen, updated_at FROM documents WHERE id IN ({marks})", chunk
        ):
            out[row[0]] = (row[1], row[2])
    return out


ChangeTuple = tuple[str, str | None, str | None, str]  # kind, old value, new value, observed_at


def document_changes(conn: sqlite3.Connection, ids: list[str]) -> dict[str, list[ChangeTuple]]:
    """Recorded changes (kind, old, new, observed_at) of documents, by identifier, oldest first."""
    out: dict[str, list[ChangeTuple]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            f"SELECT doc_id, kind, old_value, new_value, observed_at FROM changes WHERE doc_id IN ({marks})"
            " ORDER BY observed_at, id", chunk
        ):
            out.setdefault(row[0], []).append((row[1], row[2], row[3], row[4]))
    return out
