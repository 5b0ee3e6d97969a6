"""Emerging topics, the scoreboard and gap analysis give the same numbers on every engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from search.analytics import Filters
from search.backend import IndexDoc, SearchBackend
from search.emerging import emerging, emerging_subtopics, g2
from search.gaps import competitor, entity, gaps
from search.schema import to_index_doc
from search.scoreboard import scoreboard
from search.store_docs import matching_ids
from tests.search.contract.conftest import Factory
from tests.search.test_emerging import ROWS as EMERGING_ROWS
from tests.search.test_gaps import META
from tests.search.test_gaps import ROWS as GAP_ROWS
from tests.search.test_scoreboard import DOCS, STRICT
from vrscope.records import Labels
from vrscope.store import Store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The scoreboard's store of record."""
    with Store(Path(tmp_path_factory.mktemp("views")) / "s.sqlite3") as st:
        for doc, _ in DOCS:
            st.upsert(doc)
        st.set_labels([(doc.id, Labels(relevant=True, subtopics=dict.fromkeys(subs, 0.9), model_version="m"))
                       for doc, subs in DOCS])
        yield st


@pytest.fixture(scope="module")
def views(make_engine: Factory, store: Store) -> SearchBackend:
    """An engine of the current kind holding the emerging, gaps and scoreboard corpora (distinct ids)."""
    engine = make_engine()
    docs = [IndexDoc(id=f"E{i}", doc_type="standard", title=f"Doc {i}", year=y, jurisdiction=j, subtopics=s,
                     date=f"{y}-05-0{i[1]}" if y else None, source="emerging")
            for i, y, s, j in EMERGING_ROWS]
    docs += [IndexDoc(id=f"G{i}", doc_type="patent", title=f"Title {i}", date=date, year=int(date[:4]),
                      applicants=[who], subtopics=subs, jurisdiction="KR", source="gaps")
             for i, date, who, subs, kind in GAP_ROWS if kind == "patent"]
    docs += [to_index_doc(doc, store.labels(doc.id)) for doc in store.iter_documents()]
    engine.index(docs)
    return engine


def test_emerging_subtopics(views: SearchBackend) -> None:
    """Per-year facets of both windows, shares, G² and the newest examples."""
    result = emerging_subtopics(views, Filters(doc_type="standard", jurisdiction=["CN", "US"]), window=3,
                                subtopics=["waveguide", "pancake_optics", "eye_tracking"])
    assert result.years == [2018, 2019, 2020, 2021, 2022, 2023]
    assert result.totals == [1, 1, 1, 2, 1, 2]
    by = {r.subtopic: r for r in result.subtopics}
    assert by["waveguide"].counts == [0, 0, 0, 2, 1, 1]
    assert by["waveguide"].g2 == pytest.approx(g2(4, 1, 0, 3)) and by["waveguide"].emerging
    assert [e.id for e in by["waveguide"].examples] == ["EA7", "EA6", "EA5"]
    assert (by["pancake_optics"].recent, by["pancake_optics"].previous) == (1, 2)


def test_gaps(views: SearchBackend) -> None:
    """Own, competitor and world counts, white spaces and newest competitor documents."""
    own = entity(["Goertek Inc."])
    rivals = [competitor("Meta Platforms Technologies, LLC"), competitor("Sony Interactive Entertainment")]
    result = gaps(views, Filters(doc_type="patent", jurisdiction=["KR"]), own, rivals, min_world=3, newest=2)
    by = {r.subtopic: r for r in result.rows}
    eye, wave = by["eye_tracking"], by["waveguide"]
    assert (eye.world, eye.own, eye.competitors) == (4, 0, [2, 1])
    assert (wave.world, wave.own, wave.competitors) == (3, 1, [1, 0])
    assert result.white_spaces == ["eye_tracking"]
    assert [(d.id, d.date, d.applicants) for d in eye.newest] == [
        ("GM2", "2023-05-20", [META]), ("GM3", "2022-08-01", [META])]
    assert [s.value for s in result.suggestions["GOERTEK"]] == ["GOERTEK OPTICAL TECHNOLOGY"]


def test_scoreboard(views: SearchBackend, store: Store) -> None:
    """World and China counts from the engine agree with the store's local counts."""
    result = scoreboard(views, store, Filters(), STRICT)
    by = {r.subtopic: r for r in result.rows}
    wave = by["waveguide"]  # world: the store's 5 patents and the gap corpus's 3
    assert (wave.world_filings, wave.cn_filings, wave.local_filings, wave.local_cn_filings) == (8, 3, 3, 2)
    assert wave.standards == 2
    assert wave.status == "breakthrough"
    assert by["pancake_optics"].status == "on_track"
    assert result.headline.breakthroughs == 1


def test_store_views_with_a_text_query(views: SearchBackend, store: Store) -> None:
    """A full-text query reaches the store's views through the engine's matches."""
    found = matching_ids(views, Filters(q="patent", doc_type="patent"))
    assert found == {"CN1A", "CN2A", "US3A", "CN4A", "US5A"}
    assert len(matching_ids(views, Filters(doc_type="patent"), cap=3)) == 3
    result = emerging(views, store, Filters(q="patent", doc_type="patent"), window=3, min_count=1)
    assert result.background_total == 5

