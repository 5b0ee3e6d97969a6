"""Values derived from the whole store are kept per store generation and recomputed when it moves."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from search import store_cache
from search.analytics import Filters
from search.standard_rows import standard_rows, standard_rows_by_id
from search.store_docs import stored_docs, stored_rows
from tests.search.test_store_docs import LABELS, PATENT, STANDARD
from tests.waiting import wait_until
from vrscope.records import Correction, Standard
from vrscope.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store(tmp_path / "s.sqlite3")
    opened.upsert(PATENT)
    opened.upsert(STANDARD)
    return opened


def test_generation_moves_with_documents_labels_and_corrections(store: Store) -> None:
    """A changed document, new labels, relabelling, a correction and its removal move it; an unchanged upsert
    does not."""
    seen = [store_cache.generation(store)]
    store.upsert(PATENT)
    assert store_cache.generation(store) == seen[-1]
    steps = [
        lambda: store.upsert(PATENT.model_copy(update={"titles": {"en": "Waveguide display"}})),
        lambda: store.set_labels([("CN1A", LABELS)]),
        lambda: store.set_labels([("CN1A", LABELS.model_copy(update={"relevant": False}))]),
        lambda: store.correct("CN1A", Correction(relevant=True)),
        lambda: store.drop_correction("CN1A"),
    ]
    for step in steps:
        step()
        assert store_cache.generation(store) != seen[-1]
        seen.append(store_cache.generation(store))
    assert seen[-1] == seen[-3]  # the correction dropped: the content of two steps before, again


def test_cached_value_is_rebuilt_only_when_the_store_changes(store: Store) -> None:
    """build() runs once per generation."""
    calls: list[int] = []

    def build() -> int:
        calls.append(store.count())
        return store.count()

    assert store_cache.cached(store, "test", build) == 2
    assert store_cache.cached(store, "test", build) == 2
    assert calls == [2]
    store.upsert(Standard(id="GB/T 2-2021", source="t", body="SAC", title_zh="头戴"))
    assert store_cache.cached(store, "test", build) == 3
    assert calls == [2, 3]


def test_in_memory_stores_are_kept_apart() -> None:
    """Two in-memory stores never share a cached value."""
    with Store(":memory:") as one, Store(":memory:") as two:
        one.upsert(PATENT)
        assert store_cache.store_key(one) != store_cache.store_key(two)
        assert store_cache.cached(one, "n", one.count) == 1
        assert store_cache.cached(two, "n", two.count) == 0


@pytest.mark.parametrize("filters", [
    Filters(), Filters(doc_type="standard"), Filters(year_from=2021), Filters(jurisdiction=["SAC"]),
    Filters(applicants=["GOERTEK"]), Filters(subtopics=["waveguide"]),
    Filters(techs=["near_eye_display"], relevant_only=True),
])
def test_stored_rows_yield_what_stored_docs_yields(store: Store, filters: Filters) -> None:
    """The cached projection passes exactly the documents the streaming path passes, labels included."""
    store.set_labels([("CN1A", LABELS)])
    expected = [d.doc.id for d in stored_docs(store, filters)]
    assert [row for _, row in stored_rows(store, filters, None, "ids", lambda d: d.doc.id)] == expected
    store.correct("CN1A", Correction(relevant=False, techs=[]))  # a correction is seen at once
    expected = [d.doc.id for d in stored_docs(store, filters)]
    assert [row for _, row in stored_rows(store, filters, None, "ids", lambda d: d.doc.id)] == expected


def test_stored_rows_with_a_text_query_need_the_engine(store: Store) -> None:
    """q without an engine is an error on the cached path too."""
    with pytest.raises(ValueError, match="full-text query"):
        list(stored_rows(store, Filters(q="waveguide"), None, "ids", lambda d: d.doc.id))


def test_standard_rows_by_id_match_standard_rows(store: Store) -> None:
    """Rows read by identifier are the rows of the full read; patents and unknown ids are left out."""
    full = {r["id"]: r for r in standard_rows(store)}
    assert standard_rows_by_id(store, ["GB/T 1-2020", "CN1A", "nope"]) == {"GB/T 1-2020": full["GB/T 1-2020"]}
    assert full["GB/T 1-2020"]["drafting_orgs"] == ["歌尔股份有限公司"]
    assert full["GB/T 1-2020"]["ics"] == []


def test_projections_share_their_facts(store: Store) -> None:
    """Two views' projections of one generation hold the same Facts objects, not copies."""
    from search.store_docs import projected

    ids = projected(store, "ids", lambda d: d.doc.id)
    years = projected(store, "years", lambda d: d.doc.year)
    assert [row for _, row in ids] == ["CN1A", "GB/T 1-2020"] and [row for _, row in years] == [2022, 2020]
    assert all(a is b for (a, _), (b, _) in zip(ids, years, strict=True))
    store.set_labels([("CN1A", LABELS)])  # a new generation: new facts, labels included
    again = projected(store, "years", lambda d: d.doc.year)
    assert again[0][0].subtopics == {"waveguide"} and again[0][0] is not years[0][0]


class _CountingEvent(threading.Event):
    """An Event that counts the threads waiting on it (so a test knows every caller is queued)."""

    waiting = 0
    lock = threading.Lock()

    def wait(self, timeout: float | None = None) -> bool:
        with _CountingEvent.lock:
            _CountingEvent.waiting += 1
        return super().wait(timeout)


@pytest.fixture
def counting_events(monkeypatch: pytest.MonkeyPatch) -> type[_CountingEvent]:
    """Builds in progress signal their end with a _CountingEvent."""
    class CountingBuild(store_cache._Build):
        def __init__(self, current: store_cache.Generation) -> None:
            super().__init__(current)
            self.done = _CountingEvent()

    monkeypatch.setattr(store_cache, "_Build", CountingBuild)
    monkeypatch.setattr(_CountingEvent, "waiting", 0)
    return _CountingEvent


def test_concurrent_first_calls_share_one_build(tmp_path: Path, store: Store,
                                                counting_events: type[_CountingEvent]) -> None:
    """Eight threads miss at once: one builds, the seven others wait for it and get its value."""
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def build() -> list[str]:
        calls.append(threading.current_thread().name)
        started.set()
        release.wait(30)
        return ["built"]

    results: dict[int, list[str]] = {}

    def call(n: int) -> None:
        with Store(store.path) as own:  # each thread its own connection, as the API's workers
            results[n] = store_cache.cached(own, "shared", build)

    first = threading.Thread(target=call, args=(0,))
    first.start()
    assert started.wait(30)
    others = [threading.Thread(target=call, args=(n,)) for n in range(1, 8)]
    for thread in others:
        thread.start()
    wait_until(lambda: counting_events.waiting == 7, "seven callers waiting for the build")
    release.set()
    for thread in [first, *others]:
        thread.join(30)
    assert len(calls) == 1
    assert len(results) == 8 and all(value is results[0] for value in results.values())
    assert store_cache.cached(store, "shared", build) is results[0] and len(calls) == 1


def test_a_build_for_an_older_generation_is_not_waited_for_nor_kept(store: Store) -> None:
    """A change during a build: the next caller builds the new content at once, and the late old value does
    not replace it."""
    started, release = threading.Event(), threading.Event()
    counts: list[int] = []

    def slow() -> int:
        count = store.count()
        counts.append(count)
        started.set()
        release.wait(30)
        return count

    old: list[int] = []
    thread = threading.Thread(target=lambda: old.append(store_cache.cached(store, "n", slow)))
    thread.start()
    assert started.wait(30)
    store.upsert(Standard(id="GB/T 3-2022", source="t", body="SAC", title_zh="新的"))
    assert store_cache.cached(store, "n", store.count) == 3  # not the build in progress (2 documents)
    release.set()
    thread.join(30)
    assert old == [2]
    assert store_cache.cached(store, "n", lambda: pytest.fail("rebuilt")) == 3


def test_a_failed_build_is_not_shared(store: Store, counting_events: type[_CountingEvent]) -> None:
    """A caller waiting on a build that fails builds the value itself; the error goes to the builder only."""
    started, release = threading.Event(), threading.Event()

    def failing() -> int:
        started.set()
        release.wait(30)
        raise RuntimeError("disk on fire")

    errors: list[Exception] = []

    def first() -> None:
        try:
            store_cache.cached(store, "f", failing)
        except RuntimeError as exc:
            errors.append(exc)

    thread = threading.Thread(target=first)
    thread.start()
    assert started.wait(30)
    got: list[int] = []
    waiter = threading.Thread(target=lambda: got.append(store_cache.cached(store, "f", lambda: 42)))
    waiter.start()
    wait_until(lambda: counting_events.waiting == 1, "the second caller waiting")
    release.set()
    thread.join(30)
    waiter.join(30)
    assert [str(e) for e in errors] == ["disk on fire"] and got == [42]


def test_fresh_says_whether_every_name_is_of_the_current_generation(store: Store) -> None:
    assert not store_cache.fresh(store, ["a"])
    store_cache.cached(store, "a", lambda: 1)
    assert store_cache.fresh(store, ["a"]) and not store_cache.fresh(store, ["a", "b"])
    store.upsert(Standard(id="GB/T 4-2023", source="t", body="SAC", title_zh="变了"))
    assert not store_cache.fresh(store, ["a"])
