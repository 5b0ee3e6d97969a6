"""Cursors: opaque, bound to the engine and the query, refused when altered."""

from __future__ import annotations

import pytest

from search import cursor
from search.backend import QueryError, SearchQuery


def test_round_trip_and_start() -> None:
    query = SearchQuery(q="display", cursor="*")
    start = cursor.read(query, "embedded")
    assert start is not None and start.offset == 0 and start.query == cursor.fingerprint(query)
    token = cursor.encode(start.model_copy(update={"offset": 40, "generation": "7"}))
    assert "=" not in token and "{" not in token  # base64url, unpadded
    again = cursor.read(query.model_copy(update={"cursor": token}), "embedded")
    assert again is not None and (again.offset, again.generation) == (40, "7")
    assert cursor.read(SearchQuery(q="display"), "embedded") is None


def test_fingerprint_ignores_page_only_fields() -> None:
    base = SearchQuery(q="display", techs=["a"])
    same = base.model_copy(update={"size": 5, "facets": [], "histogram": False, "highlight": False})
    assert cursor.fingerprint(base) == cursor.fingerprint(same)
    assert cursor.fingerprint(base) != cursor.fingerprint(base.model_copy(update={"techs": ["b"]}))
    assert cursor.fingerprint(base) != cursor.fingerprint(base.model_copy(update={"sort": "date_asc"}))


def test_refusals() -> None:
    query = SearchQuery(cursor="*")
    state = cursor.CursorState(engine="elastic", query=cursor.fingerprint(query), after=[1, "x"])
    token = cursor.encode(state)
    with pytest.raises(QueryError, match="another search engine"):
        cursor.read(query.model_copy(update={"cursor": token}), "embedded")
    with pytest.raises(QueryError, match="another query"):
        cursor.read(SearchQuery(q="x", cursor=token), "elastic")
    with pytest.raises(QueryError, match="either offset"):
        cursor.read(SearchQuery(cursor="*", offset=5), "elastic")
    for bad in ("%%%", "e30", "bnVsbA", "W1tbW1tbW1tbW1td", token[:-3]):
        with pytest.raises(QueryError, match="invalid cursor"):
            cursor.read(SearchQuery(cursor=bad), "elastic")
