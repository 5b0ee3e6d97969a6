"""The view caches are warmed in a background thread at start and after each store change."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from search import store_cache, warmup
from search.standard_rows import briefs
from search.store_docs import projected
from search.trends_store import trend_doc
from tests.waiting import wait_until
from vrscope.records import Labels, Party, Patent, Standard
from vrscope.store import Store

PATENT = Patent(id="CN1A", source="t", jurisdiction="CN", titles={"en": "Waveguide display"},
                applicants=[Party(name="Goertek Inc.", name_normalized="GOERTEK")],
                priority_date=dt.date(2022, 1, 1))
STANDARD = Standard(id="GB/T 1-2020", source="t", body="SAC", title_zh="虚拟现实光波导",
                    drafting_orgs=["青岛歌尔股份有限公司"], published_date=dt.date(2020, 1, 1))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store(tmp_path / "s.sqlite3")
    opened.upsert(PATENT)
    opened.upsert(STANDARD)
    opened.set_labels([("CN1A", Labels(relevant=True, techs={"near_eye_display": 0.9}, model_version="m"))])
    return opened


def test_warm_builds_every_view_cache_the_views_then_use(store: Store) -> None:
    """After warm() every view cache is of the current generation; the views read those very values."""
    assert not warmup.is_warm(store)
    assert warmup.warm(store) == []
    assert warmup.is_warm(store)
    assert briefs(store) is store_cache.peek(store, "tracker:briefs")
    assert projected(store, "trends", trend_doc) is store_cache.peek(store, "store_docs:trends")
    store.upsert(Standard(id="GB/T 2-2021", source="t", body="SAC", title_zh="增强现实"))
    assert not warmup.is_warm(store)
    assert [b.id for b in briefs(store)] == ["GB/T 1-2020", "GB/T 2-2021"]


def test_warmer_logs_failures_keeps_running_and_rewarms_after_a_change(
        store: Store, caplog: pytest.LogCaptureFixture) -> None:
    """A failing build is logged and the others still build; a store change is warmed again."""
    def bad(_: Store) -> None:
        raise RuntimeError("boom")

    def good(s: Store) -> int:
        return store_cache.cached(s, "test:count", s.count)

    caches = (("test:bad", bad), ("test:count", good))
    caplog.set_level(logging.ERROR, logger="search.warmup")
    warmer = warmup.Warmer(store.path, interval=0.01, caches=caches).start()
    try:
        wait_until(lambda: warmer.rounds >= 1, "a first round")
        assert warmer.failed == ["test:bad"] and warmer.alive
        assert "warming the view cache test:bad failed" in caplog.text and "boom" in caplog.text
        assert store_cache.peek(store, "test:count") == 2
        store.upsert(Standard(id="GB/T 2-2021", source="t", body="SAC", title_zh="增强现实"))
        wait_until(lambda: store_cache.peek(store, "test:count") == 3, "the change warmed")
        assert warmer.alive
    finally:
        warmer.stop()
    assert not warmer.alive


def test_warmer_waits_for_a_store_to_exist(tmp_path: Path) -> None:
    """No store file yet: nothing is warmed (and none created) until one appears."""
    path = tmp_path / "later" / "s.sqlite3"
    warmer = warmup.Warmer(path, interval=0.01, caches=(("test:n", lambda s: store_cache.cached(
        s, "test:n", s.count)),)).start()
    try:
        assert warmer.rounds == 0 and not path.exists()
        with Store(path) as created:
            created.upsert(PATENT)
            # (a round may first catch the file still empty: the next poll warms the upserted store)
            wait_until(lambda: store_cache.peek(created, "test:n") == 1, "the new store warmed")
            assert warmer.rounds >= 1 and warmer.alive
    finally:
        warmer.stop()
