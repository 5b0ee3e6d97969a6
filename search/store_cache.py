"""Values computed from the whole store of record, kept while the store is unchanged.

The store-side views (trends by another date basis, emerging terms, the scoreboard's local
documents, the tracker's summary) read every stored document. At catalogue scale (hundreds of
thousands of documents) that costs tens of seconds per request, so each such view keeps what it
derived from the documents per store *generation* and recomputes it only when the generation moves.

The generation is a cheap check made on every request: how many documents, labels and corrections
there are, the latest document and correction ``updated_at``, and the labels table's highest rowid
(``INSERT OR REPLACE`` gives every rewritten label a new rowid). Any upsert that changes a document,
any classify run and any correction moves it; an unchanged re-import does not.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from vrscope.store import Store

T = TypeVar("T")
Generation = tuple[Any, ...]

_GENERATION_SQL = (
    "SELECT (SELECT count(*) FROM documents), (SELECT max(updated_at) FROM documents),"
    " (SELECT count(*) FROM labels), (SELECT max(rowid) FROM labels),"
    " (SELECT count(*) FROM corrections), (SELECT max(updated_at) FROM corrections)"
)
_lock = threading.Lock()
_cache: dict[tuple[str, str], tuple[Generation, Any]] = {}


def generation(store: Store) -> Generation:
    """What identifies the store's current content for the cached views (one small query)."""
    return tuple(store.conn.execute(_GENERATION_SQL).fetchone())


def store_key(store: Store) -> str:
    """The store's identity: its file (an in-memory store is its own connection)."""
    if str(store.path) == ":memory:":
        return f"memory:{id(store.conn)}"
    return str(store.path.resolve())


def cached(store: Store, name: str, build: Callable[[], T]) -> T:
    """build()'s value for this store and name, recomputed only when the store's generation changed.

    One value is kept per store and name (the latest generation's). Two threads that miss at once
    may both build; the last one stored wins, and both values are of the same generation or newer.
    """
    key = (store_key(store), name)
    current = generation(store)
    with _lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] == current:
        value: T = hit[1]
        return value
    value = build()
    with _lock:
        _cache[key] = (current, value)
    return value


def peek(store: Store, name: str) -> Any:
    """The value cached for this store and name if it is of the current generation, else None."""
    with _lock:
        hit = _cache.get((store_key(store), name))
    return hit[1] if hit is not None and hit[0] == generation(store) else None


def put(store: Store, name: str, value: Any) -> None:
    """Cache a value for this store and name under the current generation."""
    current = generation(store)
    with _lock:
        _cache[(store_key(store), name)] = (current, value)


def clear() -> None:
    """Forget every cached value."""
    with _lock:
        _cache.clear()
