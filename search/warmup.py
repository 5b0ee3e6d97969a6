"""Warm the views' per-generation caches in the background, so user requests do not pay for them.

The store-side views keep what they derive from every stored document per store generation
(search.store_cache); the first request after a change would otherwise rebuild it (seconds to tens of
seconds at catalogue scale). The Warmer is a daemon thread: at start, and whenever the generation it
polls (every ``interval`` seconds) moved — a crawl, import, classify run or correction, in this process
or another — it builds each view's cache in turn. A request arriving meanwhile waits for the same build
(store_cache.cached shares builds in progress), and one arriving after a further change builds the new
generation's value itself, so nothing stale is served. A failing build is logged; the thread goes on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from search import store_cache
from vrscope.store import Store

log = logging.getLogger(__name__)

Builder = Callable[[Store], Any]


def _briefs(store: Store) -> Any:
    from search.standard_rows import briefs

    return briefs(store)


def _tracker_labels(store: Store) -> Any:
    from search.tracker import label_sets

    return label_sets(store)


def _trends(store: Store) -> Any:
    from search.store_docs import projected
    from search.trends_store import trend_doc

    return projected(store, "trends", trend_doc)


def _scoreboard(store: Store) -> Any:
    from search.scoreboard import local_rows
    from search.store_docs import projected

    return projected(store, "scoreboard", local_rows)


def _emerging(store: Store) -> Any:
    from search.emerging import term_doc
    from search.store_docs import projected

    return projected(store, "emerging_terms", term_doc)


# (cache name in search.store_cache, what builds it), cheapest first; emerging (segmenting every text) last.
VIEW_CACHES: tuple[tuple[str, Builder], ...] = (
    ("tracker:briefs", _briefs),
    ("tracker:labels", _tracker_labels),
    ("store_docs:trends", _trends),
    ("store_docs:scoreboard", _scoreboard),
    ("store_docs:emerging_terms", _emerging),
)


def is_warm(store: Store, caches: Sequence[tuple[str, Builder]] = VIEW_CACHES) -> bool:
    """Whether every view cache holds a value of the store's current generation."""
    return store_cache.fresh(store, [name for name, _ in caches])


def warm(store: Store, caches: Sequence[tuple[str, Builder]] = VIEW_CACHES,
         stop: threading.Event | None = None) -> list[str]:
    """Build every view cache of the current generation (those built already cost one small query).

    Returns the names whose build failed (each failure logged); stops early when ``stop`` is set.
    """
    failed = []
    for name, build in caches:
        if stop is not None and stop.is_set():
            break
        try:
            build(store)
        except Exception:
            log.exception("warming the view cache %s failed", name)
            failed.append(name)
    return failed


class Warmer:
    """A daemon thread warming the view caches of the store at ``db_path`` at start and after each change."""

    def __init__(self, db_path: Path, interval: float,
                 caches: Sequence[tuple[str, Builder]] = VIEW_CACHES) -> None:
        self.db_path = db_path
        self.interval = interval
        self.caches = caches
        self.failed: list[str] = []  # the last round's failed builds
        self.rounds = 0  # warm-up rounds finished
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="vrscope-warmup", daemon=True)

    def start(self) -> Warmer:
        """Start the thread; returns self."""
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to stop after the build in progress and wait up to ``timeout`` seconds."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        """Whether the thread is running."""
        return self._thread.is_alive()

    def _run(self) -> None:
        store: Store | None = None
        warmed: store_cache.Generation | None = None
        try:
            while not self._stop.is_set():
                try:
                    if store is None and self.db_path.exists():  # no store yet: nothing to warm
                        store = Store(self.db_path)
                    if store is not None:
                        current = store_cache.generation(store)
                        if current != warmed:
                            self.failed = warm(store, self.caches, self._stop)
                            self.rounds += 1
                            # A change during the round moved the generation: the next poll warms again.
                            warmed = current
                except Exception:  # e.g. the store cannot be opened now: log, try again next poll
                    log.exception("warming the view caches failed")
                self._stop.wait(self.interval)
        finally:
            if store is not None:
                store.close()


def start(db_path: Path, interval: float) -> Warmer:
    """A started Warmer for the store at db_path."""
    return Warmer(db_path, interval).start()
