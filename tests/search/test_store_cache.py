"""Values derived from the whole store are kept per store generation and recomputed when it moves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from search import store_cache
from search.analytics import Filters
from search.standard_rows import standard_rows, standard_rows_by_id
from search.store_docs import stored_docs, stored_rows
from vrscope.records import Correction, Labels, Party, Patent, Standard
from vrscope.store import Store

PATENT = Patent(id="CN1A", source="t", jurisdiction="CN", titles={"en": "Waveguide"},
                applicants=[Party(name="Goertek Inc.", name_normalized="GOERTEK")],
                priority_date=dt.date(2022, 1, 1))
STANDARD = Standard(id="GB/T 1-2020", source="t", body="SAC", title_zh="光波导",
                    drafting_orgs=["歌尔股份有限公司"], published_date=dt.date(2020, 1, 1))
LABELS = Labels(relevant=True, techs={"near_eye_display": 0.9}, subtopics={"waveguide": 0.8},
                model_version="m")


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
