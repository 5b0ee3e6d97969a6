"""Trends from the store: filing or publication date basis, patent families counted once, growth and share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.analytics import Filters
from search.trends_store import basis_year, store_trends, unit_key
from vrscope.records import Labels, Patent, Standard
from vrscope.store import Store

D = dt.date


def _patent(id_: str, family: str | None, prio: D | None, filing: D | None, pub: D | None,
            tech: str = "near_eye_display", office: str = "CN") -> Patent:
    return Patent(id=id_, source="t", jurisdiction=office, family_id=family, titles={"en": id_},
                  priority_date=prio, application_date=filing, publication_date=pub)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """Two families (one filed in CN and US), a lone patent without filing date, one standard."""
    docs = [
        (_patent("CN1A", "F1", D(2019, 5, 1), D(2020, 1, 2), D(2021, 7, 1)), "near_eye_display"),
        (_patent("US1A1", "F1", D(2019, 5, 1), D(2020, 3, 2), D(2022, 1, 1), office="US"),
         "near_eye_display"),
        (_patent("CN2A", "F2", D(2020, 2, 1), D(2021, 2, 1), D(2022, 8, 1)), "tracking_interaction"),
        (_patent("CN3A", None, D(2021, 2, 1), None, D(2022, 2, 1)), "near_eye_display"),
    ]
    with Store(tmp_path / "s.sqlite3") as st:
        for doc, tech in docs:
            st.upsert(doc)
            st.set_labels([(doc.id, Labels(relevant=True, techs={tech: 0.9}, model_version="m"))])
        st.upsert(Standard(id="GB/T 1-2020", source="t", body="SAC", title_zh="标准",
                           published_date=D(2020, 6, 1)))
        yield st


def test_basis_year_and_unit_key() -> None:
    patent = _patent("CN9A", "F9", None, D(2020, 1, 1), D(2021, 1, 1))
    assert [basis_year(patent, b) for b in ("priority", "filing", "publication")] == [2020, 2020, 2021]
    assert basis_year(_patent("CN8A", None, None, None, D(2022, 1, 1)), "filing") is None
    standard = Standard(id="GB/T 2-2019", source="t", body="SAC", plan_date=D(2018, 1, 1),
                        published_date=D(2019, 1, 1))
    assert {basis_year(standard, b) for b in ("priority", "filing", "publication")} == {2019}
    assert unit_key(patent, True) == "family:F9"
    assert unit_key(patent, False) == "doc:CN9A"
    assert unit_key(_patent("CN8A", None, None, None, None), True) == "doc:CN8A"


def test_filing_basis_counts_by_application_year(store: Store) -> None:
    result = store_trends(store, None, "tech", Filters(doc_type="patent"), basis="filing")
    assert result.date_basis == "filing" and not result.families
    assert result.years == [2020, 2021]
    assert result.all == [2, 1]
    assert result.undated == 1  # CN3A has no filing date
    near = next(s for s in result.series if s.value == "near_eye_display")
    assert near.counts == [2, 0]


def test_publication_basis_and_year_filter_on_that_basis(store: Store) -> None:
    result = store_trends(store, None, "jurisdiction", Filters(doc_type="patent", year_from=2022),
                          basis="publication")
    assert result.years == [2022]
    assert {s.value: s.counts for s in result.series} == {"CN": [2], "US": [1]}
    assert result.all == [3]


def test_families_counted_once_in_their_earliest_year(store: Store) -> None:
    every = store_trends(store, None, "tech", Filters(doc_type="patent"), basis="publication")
    once = store_trends(store, None, "tech", Filters(doc_type="patent"), basis="publication", families=True)
    assert sum(every.all) == 4
    assert sum(once.all) == 3  # CN1A and US1A1 are one family
    assert once.years == [2021, 2022] and once.all == [1, 2]
    near = next(s for s in once.series if s.value == "near_eye_display")
    assert near.total == 2 and near.share == pytest.approx(2 / 3)


def test_growth_window_and_slope(store: Store) -> None:
    result = store_trends(store, None, "tech", Filters(), basis="priority", cagr_from=2019, cagr_to=2021)
    assert result.years == [2019, 2020, 2021]
    assert result.all == [2, 2, 1]  # the standard (2020) counts too
    near = next(s for s in result.series if s.value == "near_eye_display")
    assert near.counts == [2, 0, 1]
    assert near.cagr == pytest.approx((1 / 2) ** 0.5 - 1)
    assert near.slope == pytest.approx(-0.5)
    assert result.cagr_window == (2019, 2021)


def test_filters_and_limit(store: Store) -> None:
    result = store_trends(store, None, "tech", Filters(techs=["tracking_interaction"]), basis="filing")
    assert [s.value for s in result.series] == ["tracking_interaction"]
    assert store_trends(store, None, "tech", Filters(), basis="filing", limit=1).series[0].value == \
        "near_eye_display"
    empty = store_trends(store, None, "tech", Filters(jurisdiction=["JP"]), basis="filing")
    assert empty.years == [] and empty.series == [] and empty.undated == 0
    with pytest.raises(ValueError, match="full-text query"):
        store_trends(store, None, "tech", Filters(q="lens"), basis="filing")


def test_priority_basis_matches_the_index(store: Store) -> None:
    """On the index's own date basis, without families, the store's numbers are the engine's."""
    from search.analytics import trends
    from search.schema import to_index_doc
    from tests.api.fakes import FakeBackend

    engine = FakeBackend([to_index_doc(doc, store.labels(doc.id)) for doc in store.iter_documents()])
    for dimension in ("tech", "jurisdiction"):
        for filters in (Filters(), Filters(doc_type="patent", year_from=2020)):
            indexed = trends(engine, dimension, filters)
            stored = store_trends(store, engine, dimension, filters, basis="priority")
            assert (stored.years, stored.all) == (indexed.years, indexed.all)
            assert [(s.value, s.counts, s.cagr, s.slope) for s in stored.series] == \
                [(s.value, s.counts, s.cagr, s.slope) for s in indexed.series]
