"""The standards tracker summary gives the same counts on every engine: engine facets and store agree."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from search.backend import SearchBackend
from search.schema import to_index_doc
from search.tracker import TrackerFilters, summary
from tests.search.contract.conftest import Factory
from vrscope.records import Standard, StandardStatus
from vrscope.store import Store

S = StandardStatus
ROWS = [  # id, body, status, committee, ics
    ("ISO/IEC 23090-2:2023", "ISO", S.PUBLISHED, "ISO/IEC JTC 1/SC 29", ["35.040.40"]),
    ("ISO/IEC DIS 23090-5", "ISO", S.DRAFT_FOR_COMMENT, "ISO/IEC JTC 1/SC 29", ["35.040.40"]),
    ("IEC 63145-20-10:2019", "IEC", S.PUBLISHED, "IEC TC 110", ["31.120"]),
    ("GB/T 38259-2019", "SAC", S.PUBLISHED, "TC28", ["31.120", "35.240.99"]),
    ("GB/T 38258-2019", "SAC", S.WITHDRAWN, "TC28", ["35.240.99"]),
    ("20240040-T-339", "SAC", S.PLAN, "TC28", []),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Six standards of three bodies in four statuses."""
    with Store(Path(tmp_path_factory.mktemp("tracker")) / "s.sqlite3") as st:
        for id_, body, status, committee, ics in ROWS:
            st.upsert(Standard(id=id_, source="t", title_en=f"Standard {id_}", body=body, status=status,
                               committee=committee, ics=ics))
        yield st


@pytest.fixture(scope="module")
def tracked(make_engine: Factory, store: Store) -> SearchBackend:
    """An engine of the current kind holding the store's standards."""
    engine = make_engine()
    engine.index(to_index_doc(doc, store.labels(doc.id)) for doc in store.iter_documents())
    return engine


def test_summary_counts_agree_on_every_engine(tracked: SearchBackend, store: Store) -> None:
    """Status and body from the engine, phase, committee and ICS from the store: the same totals."""
    result = summary(tracked, store, TrackerFilters())
    assert (result.total, result.indexed, result.in_development) == (6, 6, 2)
    assert {f.value: f.count for f in result.by_status} == {
        "published": 3, "draft_for_comment": 1, "withdrawn": 1, "plan": 1}
    assert {f.value: f.count for f in result.by_body} == {"SAC": 3, "ISO": 2, "IEC": 1}
    assert {f.value: f.count for f in result.by_committee} == {
        "TC28": 3, "ISO/IEC JTC 1/SC 29": 2, "IEC TC 110": 1}
    assert {f.value: f.count for f in result.by_ics} == {"35.040": 2, "31.120": 2, "35.240": 2}


def test_summary_filters_reach_engine_and_store_alike(tracked: SearchBackend, store: Store) -> None:
    """A body and a status filter narrow both halves of the summary the same way."""
    result = summary(tracked, store, TrackerFilters(body=["SAC"], status=["published", "withdrawn"]))
    assert (result.total, result.indexed) == (2, 2)
    assert {f.value: f.count for f in result.by_body} == {"SAC": 2}
    assert {f.value: f.count for f in result.by_committee} == {"TC28": 2}
