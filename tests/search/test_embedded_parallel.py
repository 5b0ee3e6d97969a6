"""The embedded engine's aggregations on worker threads give what one sequential request gives."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from search.backend import SearchQuery
from search.embedded import EmbeddedBackend
from search.embedded_query import (
    HISTOGRAM_AGG,
    TECH_YEARS_AGG,
    aggregation_requests,
    aggregations,
    combine,
    filter_queries,
    needs_positions,
    read_facets,
    read_histogram,
    read_month_histogram,
    text_query,
)
from search.embedded_schema import build_schema


def _query(**fields: Any) -> SearchQuery:
    """A search asking for every facet and the monthly histogram."""
    return SearchQuery(
        facets=["doc_type", "techs", "forms", "jurisdiction", "applicants", "status"],
        histogram=True,
        histogram_interval="month",
        **fields,
    )


@pytest.mark.parametrize("q", ["", "display", "头戴式显示", '"virtual reality"'])
def test_threaded_search_equals_one_sequential_aggregation(backend: EmbeddedBackend, q: str) -> None:
    query = _query(q=q)
    got = backend.search(query)
    schema = build_schema()
    full = combine(text_query(schema, q), filter_queries(schema, query))
    one = backend._idx().searcher().aggregate(full, aggregations(query))
    assert got.facets == read_facets(one, query.facets, query.facet_size)
    assert got.histogram == read_histogram(one)
    assert got.histogram_months == read_month_histogram(one)
    assert got.total == sum(v.count for v in got.facets["doc_type"])


def test_concurrent_searches_agree(backend: EmbeddedBackend) -> None:
    queries = [_query(q=q) for q in ("", "display", "reality", "头戴式显示")] * 4
    expected = [backend.search(q) for q in queries]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(backend.search, queries))
    assert got == expected


def test_close_stops_the_worker_threads(backend: EmbeddedBackend) -> None:
    before = set(threading.enumerate())
    backend.search(_query(q="display"))
    workers = [t for t in set(threading.enumerate()) - before if t.name.startswith("vrscope-agg")]
    assert workers
    backend.close()
    assert not any(t.is_alive() for t in workers)
    with pytest.raises(RuntimeError, match="closed"):
        backend.search(_query(q="display"))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("", False),
        ("display", False),
        ("head mounted display", False),  # several words: adjacency only adds to the score
        ('"display"', False),  # a one-term phrase is a term query
        ('"virtual reality"', True),
        ('"头戴式显示器"', True),  # segmented into several words
        ('display -"virtual reality"', True),  # excluding a phrase reads positions too
        ('lens OR "virtual reality"', True),
        ('title:"virtual reality"', True),
        ('cpc:"G02B 27"', False),  # a code field matches whole values
    ],
)
def test_needs_positions(q: str, expected: bool) -> None:
    assert needs_positions(q) is expected


def test_aggregation_requests_split_term_queries_in_two() -> None:
    aggs = aggregations(_query(q="display"))
    parts = aggregation_requests(aggs, positional=False)
    assert len(parts) == 2
    assert not set(parts[0]) & set(parts[1])
    assert {**parts[0], **parts[1]} == aggs
    # The costliest two (applicants, technology × year) are in different requests.
    assert ("applicants" in parts[0]) != ("applicants" in parts[1])
    assert (TECH_YEARS_AGG in parts[0]) != (TECH_YEARS_AGG in parts[1])


def test_aggregation_requests_keep_phrases_and_single_aggregations_whole() -> None:
    aggs = aggregations(_query(q="display"))
    assert aggregation_requests(aggs, positional=True) == [aggs]
    one = {HISTOGRAM_AGG: aggs[HISTOGRAM_AGG]}
    assert aggregation_requests(one, positional=False) == [one]
    assert aggregation_requests({}, positional=False) == []


@pytest.mark.parametrize(("q", "requests"), [("display", 2), ('"virtual reality"', 1)])
def test_search_sends_the_planned_requests(backend: EmbeddedBackend, q: str, requests: int) -> None:
    sent: list[dict[str, Any]] = []
    original = backend._aggregate

    def counting(searcher: Any, query: Any, aggs: dict[str, Any]) -> Any:
        sent.append(aggs)
        return original(searcher, query, aggs)

    backend._aggregate = counting  # type: ignore[method-assign]
    result = backend.search(_query(q=q))
    assert len(sent) == requests
    assert result.total > 0
