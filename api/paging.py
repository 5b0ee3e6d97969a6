"""Cursor paging for the API's list endpoints: opaque offset cursors bound to the request's filters.

``cursor=*`` starts; each page carries ``next_cursor`` (None on the last page) to pass back as is.
A cursor made for other filters, or one that is not a cursor, is a 400 with a clear message. Pages
are at most MAX_LIMIT long. (The search endpoint has its own engine cursors: search/cursor.py.)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from typing import TypeVar

from fastapi import HTTPException, status

START = "*"
MAX_LIMIT = 500
T = TypeVar("T")


def fingerprint(filters: dict[str, object]) -> str:
    """A short hash of the filters that decide what a list holds and in what order."""
    text = json.dumps(filters, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def encode(offset: int, print_: str) -> str:
    """The opaque cursor for the page starting at offset."""
    raw = json.dumps({"o": offset, "f": print_}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bad(message: str) -> HTTPException:
    return HTTPException(status.HTTP_400_BAD_REQUEST, message)


def decode(cursor: str, print_: str) -> int:
    """The offset in a cursor made for these filters; 400 otherwise."""
    text = cursor.strip()
    if text == START:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode("ascii")))
        offset, made_for = data["o"], data["f"]
    except (ValueError, binascii.Error, UnicodeError, KeyError, TypeError, RecursionError) as exc:
        raise _bad("invalid cursor: pass next_cursor exactly as returned, or cursor=* to start") from exc
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0 or not isinstance(made_for, str):
        raise _bad("invalid cursor: pass next_cursor exactly as returned, or cursor=* to start")
    if made_for != print_:
        raise _bad("the cursor belongs to other filters; start again with cursor=*")
    return offset


def page(
    items: Sequence[T], cursor: str | None, limit: int, filters: dict[str, object]
) -> tuple[list[T], str | None]:
    """One page of items and the next cursor; without a cursor the first page (next_cursor still given)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise _bad(f"limit must be between 1 and {MAX_LIMIT}")
    print_ = fingerprint(filters)
    start = decode(cursor, print_) if cursor is not None else 0
    chunk = list(items[start:start + limit])
    following = encode(start + limit, print_) if start + limit < len(items) else None
    return chunk, following
