"""Date order on the embedded engine: documents of one date come by id, on every page, as in Elasticsearch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from search.backend import IndexDoc, SearchQuery
from search.embedded import EmbeddedBackend

# Indexed in reverse id order over several commits (segments), so index order is not id order.
DATED = [("Z9", "2024-05-01"), ("Y8", "2023-01-01"), ("X7", "2023-01-01"), ("W6", "2023-01-01"),
         ("V5", "2023-01-01"), ("U4", "2022-07-07"), ("T3", None), ("S2", None), ("R1", "2023-01-01")]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBackend]:
    """An index whose ties of dates were written out of id order."""
    backend = EmbeddedBackend(Path(tmp_path_factory.mktemp("ties")), heap_size=32_000_000, num_threads=1)
    for chunk in (DATED[:3], DATED[3:6], DATED[6:]):
        backend.index(IndexDoc(id=i, doc_type="patent", title=f"display {i}", date=d, source="t")
                      for i, d in chunk)
    yield backend
    backend.close()


def expected(descending: bool) -> list[str]:
    """Date order (undated last), the id breaking ties."""
    dates = sorted({d for _, d in DATED if d}, reverse=descending)
    return [i for day in dates for i in sorted(i for i, d in DATED if d == day)] + ["S2", "T3"]


@pytest.mark.parametrize("sort", ["date_desc", "date_asc"])
def test_ties_come_by_id(engine: EmbeddedBackend, sort: str) -> None:
    whole = engine.search(SearchQuery(sort=sort, size=100, facets=[], histogram=False))
    assert [h.id for h in whole.hits] == expected(sort == "date_desc")


@pytest.mark.parametrize("sort", ["date_desc", "date_asc"])
@pytest.mark.parametrize("size", [1, 2, 3, 4])
def test_every_page_takes_its_share_of_a_tie(engine: EmbeddedBackend, sort: str, size: int) -> None:
    """Pages cut through the run of 2023-01-01 and the undated; together they are the whole order."""
    walked = []
    for offset in range(0, len(DATED), size):
        page = engine.search(SearchQuery(q="display", sort=sort, offset=offset, size=size, facets=[],
                                         histogram=False))
        assert page.total == len(DATED)
        walked += [h.id for h in page.hits]
    assert walked == expected(sort == "date_desc")


def test_a_filter_bounds_the_ties(engine: EmbeddedBackend) -> None:
    """Only matches count when placing a page within a tie."""
    pages = [engine.search(SearchQuery(q="display", date_from="2023-01-01", date_to="2023-01-01",
                                       sort="date_asc", offset=o, size=2, facets=[], histogram=False))
             for o in (0, 2, 4)]
    assert [[h.id for h in p.hits] for p in pages] == [["R1", "V5"], ["W6", "X7"], ["Y8"]]
