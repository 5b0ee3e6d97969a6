"""Values computed from the whole store of record, kept while the store is unchanged.

The store-side views (trends by another date basis, emerging terms, the scoreboard's local
documents, the tracker's summary) read every stored document. At catalogue scale (hundreds of
thousands of documents) that costs tens of seconds per request, so each such view keeps what it
derived from the documents per store *generation* and recomputes it only when the generation moves.

The generation is a cheap check made on every request: how many documents, labels and corrections
there are, the latest document and correction ``updated_at``, and the labels table's highest rowid
(``INSERT OR REPLACE`` gives every rewritten label a new rowid). Any upsert that changes a document,
any classify run and any correction moves it; an unchanged re-import does not.

Each value is built once per generation: concurrent first calls wait for the one build in progress
(search.warmup builds the views' values in the background after startup and after each change).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable
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
_cache: dict[tuple[str, str], tuple[Generation, Any, int]] = {}  # key → (generation, value, build number)
_building: dict[tuple[str, str], _Build] = {}
_builds = itertools.count(1)  # build numbers: a value never replaces one whose build started later


class _Build:
    """A build in progress: others wanting the same key and generation wait for it instead of building."""

    def __init__(self, current: Generation) -> None:
        self.generation = current
        self.number = next(_builds)
        self.done = threading.Event()
        self.ok = False
        self.value: Any = None


def generation(store: Store) -> Generation:
    """What identifies the store's current content for the cached views (one small query)."""
    return tuple(store.conn.execute(_GENERATION_SQL).fetchone())


def store_key(store: Store) -> str:
    """The store's identity: its file (an in-memory store is its own connection)."""
    if str(store.path) == ":memory:":
        return f"memory:{id(store.conn)}"
    return str(store.path.resolve())


def _keep(key: tuple[str, str], current: Generation, value: Any, number: int) -> None:
    """Store a value unless one from a later build is there already (call with _lock held)."""
    held = _cache.get(key)
    if held is None or held[2] <= number:
        _cache[key] = (current, value, number)


def cached(store: Store, name: str, build: Callable[[], T]) -> T:
    """build()'s value for this store and name, recomputed only when the store's generation changed.

    One value is kept per store and name (the latest generation's). A caller that misses while another
    thread builds the same name for the same generation waits for that build and shares its value (a
    build for an older generation is not waited for: its value would be stale). If the build it waited
    for failed, the caller builds itself.
    """
    key = (store_key(store), name)
    current = generation(store)
    while True:
        with _lock:
            hit = _cache.get(key)
            if hit is not None and hit[0] == current:
                found: T = hit[1]
                return found
            running = _building.get(key)
            if running is None or running.generation != current:
                mine = _building[key] = _Build(current)
                break
        running.done.wait()
        if running.ok:
            shared: T = running.value
            return shared
    try:
        value = build()
        mine.value, mine.ok = value, True
        with _lock:
            _keep(key, current, value, mine.number)
        return value
    finally:
        with _lock:
            if _building.get(key) is mine:
                del _building[key]
        mine.done.set()


def fresh(store: Store, names: Iterable[str]) -> bool:
    """Whether a value of the store's current generation is cached under every one of the names."""
    current = generation(store)
    key = store_key(store)
    with _lock:
        return all((hit := _cache.get((key, name))) is not None and hit[0] == current for name in names)


def peek(store: Store, name: str) -> Any:
    """The value cached for this store and name if it is of the current generation, else None."""
    with _lock:
        hit = _cache.get((store_key(store), name))
    return hit[1] if hit is not None and hit[0] == generation(store) else None


def put(store: Store, name: str, value: Any) -> None:
    """Cache a value for this store and name under the current generation."""
    current = generation(store)
    with _lock:
        _keep((store_key(store), name), current, value, next(_builds))


def clear() -> None:
    """Forget every cached value."""
    with _lock:
        _cache.clear()
        _building.clear()
