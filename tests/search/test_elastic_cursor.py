"""Cursor paging on Elasticsearch through a point in time, on a stand-in client (osmem has no ES PIT)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from elasticsearch import NotFoundError

from search.backend import IndexDoc, QueryError, SearchQuery
from search.elastic import PIT_KEEP_ALIVE, ElasticBackend
from vrscope.settings import Settings


def _raw(doc_id: str, key: int) -> dict[str, Any]:
    """A raw hit with its sort values (Elasticsearch adds the _shard_doc tiebreaker under a PIT)."""
    doc = IndexDoc(id=doc_id, doc_type="patent", title=doc_id, source="t")
    return {"_id": doc_id, "_score": None, "_source": {"doc": doc.model_dump(mode="json")},
            "sort": [key, doc_id, key]}


class _PitClient:
    """Just enough of a client: a point in time over three documents, two per page."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.closed: list[str] = []
        self.expired = False

    def open_point_in_time(self, index: str, keep_alive: str) -> dict[str, str]:
        """A new point in time."""
        assert (index, keep_alive) == ("vrscope", PIT_KEEP_ALIVE)
        return {"id": "pit-1"}

    def search(self, **request: Any) -> Any:
        """Pages after the search_after key; refuse when the point in time has expired."""
        self.requests.append(request)
        if self.expired:
            meta = ApiResponseMeta(404, "1.1", HttpHeaders(), 0.0, NodeConfig("http", "localhost", 9200))
            raise NotFoundError("search_context_missing_exception", meta, {})
        docs = [_raw("A", 1), _raw("B", 2), _raw("C", 3)]
        after = request["body"].get("search_after")
        start = 0 if after is None else after[0]
        page = docs[start : start + request["body"]["size"]]
        body = {"pit_id": f"pit-{start + 2}", "hits": {"total": {"value": 3}, "hits": page}}
        return type("Response", (), {"body": body})()

    def close_point_in_time(self, id: str) -> None:  # noqa: A002 - the client's own keyword
        """Remember what was released."""
        self.closed.append(id)

    def close(self) -> None:
        """Nothing to release."""


@pytest.fixture
def engine(tmp_path: Path) -> tuple[ElasticBackend, _PitClient]:
    """An ElasticBackend on the stand-in client."""
    client = _PitClient()
    settings = Settings(data_dir=tmp_path, es_url="http://127.0.0.1:9")
    return ElasticBackend(settings, client=client), client  # type: ignore[arg-type]


def test_pages_through_a_point_in_time(engine: tuple[ElasticBackend, _PitClient]) -> None:
    backend, client = engine
    query = SearchQuery(sort="date_asc", size=2, facets=[], histogram=False, cursor="*")
    first = backend.search(query)
    assert [h.id for h in first.hits] == ["A", "B"] and first.next_cursor
    opened = client.requests[0]
    assert "index" not in opened  # a point in time names its own index
    assert opened["body"]["pit"] == {"id": "pit-1", "keep_alive": PIT_KEEP_ALIVE}
    assert "from" not in opened["body"] and "search_after" not in opened["body"]
    second = backend.search(query.model_copy(update={"cursor": first.next_cursor}))
    assert [h.id for h in second.hits] == ["C"] and second.next_cursor is None
    assert client.requests[1]["body"]["search_after"] == [2, "B", 2]
    assert client.requests[1]["body"]["pit"]["id"] == "pit-2"  # the id the last answer handed back
    assert client.closed == ["pit-4"]  # the last page releases the newest id of the point in time


def test_an_expired_cursor_is_a_query_error(engine: tuple[ElasticBackend, _PitClient]) -> None:
    backend, client = engine
    query = SearchQuery(sort="date_asc", size=2, facets=[], histogram=False, cursor="*")
    first = backend.search(query)
    client.expired = True
    with pytest.raises(QueryError, match="cursor has expired"):
        backend.search(query.model_copy(update={"cursor": first.next_cursor}))
