"""The embedded engine's aggregations on a worker thread give what a sequential request gives."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from search.backend import SearchQuery
from search.embedded import EmbeddedBackend
from search.embedded_query import (
    aggregations,
    combine,
    filter_queries,
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
