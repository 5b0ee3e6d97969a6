"""Stored documents filtered exactly as the index filters them; a text query goes through the engine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from search.analytics import Filters
from search.backend import IndexDoc
from search.store_docs import matching_ids, passes, stored_docs
from tests.api.fakes import FakeBackend
from vrscope.records import Labels, Party, Patent, Standard
from vrscope.store import Store

PATENT = Patent(id="CN1A", source="t", jurisdiction="CN", titles={"en": "Waveguide"},
                applicants=[Party(name="Goertek Inc.", name_normalized="GOERTEK")],
                priority_date=dt.date(2022, 1, 1))
STANDARD = Standard(id="GB/T 1-2020", source="t", body="SAC", title_zh="光波导",
                    drafting_orgs=["歌尔股份有限公司"], published_date=dt.date(2020, 1, 1))
LABELS = Labels(relevant=True, techs={"near_eye_display": 0.9}, subtopics={"waveguide": 0.8},
                model_version="m")


@pytest.mark.parametrize(
    ("filters", "patent", "standard"),
    [
        (Filters(), True, True),
        (Filters(doc_type="standard"), False, True),
        (Filters(year_from=2021), True, False),
        (Filters(year_to=2021), False, True),
        (Filters(jurisdiction=["SAC"]), False, True),
        (Filters(applicants=["GOERTEK"]), True, False),
        (Filters(applicants=["歌尔股份有限公司"]), False, True),
        (Filters(subtopics=["waveguide"]), True, False),
        (Filters(techs=["near_eye_display"], relevant_only=True), True, False),
    ],
)
def test_passes_mirrors_the_index_filters(filters: Filters, patent: bool, standard: bool) -> None:
    """Years, office or body, normalized applicants or drafting organisations, labels (the patent's only)."""
    assert passes(PATENT, LABELS, filters) is patent
    assert passes(STANDARD, None, filters) is standard


def test_text_query_through_the_engine(tmp_path: Path) -> None:
    """q selects the engine's matches; without an engine it is an error, not silently ignored."""
    engine = FakeBackend([IndexDoc(id=f"CN{i}A", doc_type="patent", title="waveguide" if i % 2 else "lens",
                                   source="t") for i in range(1, 206)])
    assert len(matching_ids(engine, Filters(q="waveguide"))) == 103
    assert len(matching_ids(engine, Filters(), cap=150)) == 150
    with Store(tmp_path / "s.sqlite3") as store:
        store.upsert(PATENT)
        store.upsert(STANDARD)
        assert [d.doc.id for d in stored_docs(store, Filters(), None)] == ["CN1A", "GB/T 1-2020"]
        assert [d.doc.id for d in stored_docs(store, Filters(q="waveguide"), engine)] == ["CN1A"]
        with pytest.raises(ValueError, match="full-text query"):
            list(stored_docs(store, Filters(q="waveguide"), None))
