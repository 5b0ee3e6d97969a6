"""Deep-paging cursors: opaque base64url JSON, bound to the engine and to the query they page through."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from search.backend import QueryError, SearchQuery

START = "*"  # cursor=* asks for the first page and a next_cursor
EngineName = Literal["embedded", "elastic"]
SortValue = str | int | float | bool | None
# What a page does not depend on: a cursor may be reused with other page sizes, facets or histograms.
_PAGE_ONLY = {
    "cursor", "offset", "size", "facets", "facet_size", "histogram", "histogram_interval", "highlight"
}


class CursorState(BaseModel):
    """Where the next page starts; every engine fills only its own fields."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    v: Literal[1] = 1
    engine: EngineName
    query: str = Field(min_length=16, max_length=16, description="fingerprint of the query")
    offset: int = Field(0, ge=0, description="hits already returned (embedded: where the next page starts)")
    generation: str | None = Field(None, max_length=64, description="embedded: the index version paged")
    after: list[SortValue] | None = Field(None, max_length=8, description="elastic: search_after key")
    pit: str | None = Field(None, max_length=2048, description="elastic: point-in-time id")


def fingerprint(query: SearchQuery) -> str:
    """A short hash of everything that decides which documents match and in what order."""
    data = query.model_dump(mode="json", exclude=_PAGE_ONLY)
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def encode(state: CursorState) -> str:
    """The opaque string handed to the client."""
    raw = state.model_dump_json(exclude_none=True, exclude_defaults=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> CursorState:
    """The state inside a cursor; ValueError (or ValidationError) when it is not one."""
    padded = cursor + "=" * (-len(cursor) % 4)
    raw = base64.urlsafe_b64decode(padded.encode("ascii"))
    return CursorState.model_validate(json.loads(raw))


def read(query: SearchQuery, engine: EngineName) -> CursorState | None:
    """The cursor of a query: None without one, a fresh state for '*'; QueryError when it is not valid."""
    if query.cursor is None:
        return None
    if query.offset:
        raise QueryError("use either offset (page) or cursor, not both")
    if query.sort not in ("relevance", "date_desc", "date_asc"):  # pragma: no cover - SearchQuery validates
        raise QueryError(f"cannot page by cursor in {query.sort} order")
    if query.cursor.strip() == START:
        return CursorState(engine=engine, query=fingerprint(query))
    try:
        state = _decode(query.cursor.strip())
    except (ValueError, binascii.Error, UnicodeError, ValidationError, RecursionError) as exc:
        raise QueryError(
            "invalid cursor: pass next_cursor exactly as returned, or cursor=* to start"
        ) from exc
    if state.engine != engine:
        raise QueryError("invalid cursor: it was made by another search engine; start again with cursor=*")
    if state.query != fingerprint(query):
        raise QueryError("the cursor belongs to another query; start again with cursor=*")
    return state
