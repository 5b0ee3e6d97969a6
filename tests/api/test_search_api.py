"""The search API's query language, new filters, month histogram, cursors, and the similar-documents routes.

These run the real embedded engine on the search tests' corpus behind the app, not the fake.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api.deps import get_search
from api.main import create_app
from search.backend import SearchBackend
from search.embedded import EmbeddedBackend
from tests.search.conftest import CORPUS
from vrscope.settings import Settings

DATE_ORDER = ["GB/T 38259-2019", "US777A1", "ISO/IEC 18039:2019", "CN111A", "US222A1", "EP333B1", "CN444A"]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBackend]:
    """An embedded index holding the search corpus."""
    backend = EmbeddedBackend(tmp_path_factory.mktemp("index"), heap_size=32_000_000, num_threads=1)
    backend.index(doc.model_copy(deep=True) for doc in CORPUS)
    yield backend
    backend.close()


@pytest.fixture
def client(tmp_path: Path, engine: EmbeddedBackend) -> Iterator[TestClient]:
    """The app with the embedded engine as its search backend."""
    app = create_app(Settings(data_dir=tmp_path / "data", max_page_size=50))

    def _search() -> SearchBackend:
        return engine

    app.dependency_overrides[get_search] = _search
    with TestClient(app) as test_client:
        yield test_client


def search(client: TestClient, **params: Any) -> dict[str, Any]:
    """GET /api/v1/search, expecting 200."""
    resp = client.get("/api/v1/search", params=params)
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


def found(body: dict[str, Any]) -> set[str]:
    """The ids of a search answer's hits."""
    return {h["id"] for h in body["hits"]}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("coffee OR glove", {"EP333B1", "US777A1"}),
        ("(virtual OR 虚拟现实) -headset", {"EP333B1", "GB/T 38259-2019"}),
        ("title:display NOT abstract:display", {"GB/T 38259-2019"}),
        ("cpc:G02B27/0*", {"CN111A", "US222A1"}),
        ('committee:"ISO/IEC JTC 1/SC 24"', {"ISO/IEC 18039:2019"}),
        ('id:"GB/T 38259-2019" | applicant:Acme', {"GB/T 38259-2019", "US777A1"}),
    ],
)
def test_query_language(client: TestClient, q: str, expected: set[str]) -> None:
    assert found(search(client, q=q, size=50)) == expected


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("colour:red", "unknown field 'colour'"),
        ("(display", "unbalanced parentheses"),
        ("()", "empty group"),
        ("display OR", "OR needs"),
    ],
)
def test_query_errors_are_400(client: TestClient, q: str, message: str) -> None:
    resp = client.get("/api/v1/search", params={"q": q})
    assert resp.status_code == 400
    assert message in resp.json()["detail"]


def test_new_filters(client: TestClient) -> None:
    assert found(search(client, committee="SAC/TC28")) == {"GB/T 38259-2019"}
    dated = search(client, date_from="2020-03-01", date_to="2021-05-01")
    assert found(dated) == {"CN111A", "US222A1"}
    assert found(search(client, date_from="", date_to="", committee="")) == set(DATE_ORDER)


@pytest.mark.parametrize(
    ("params", "name", "message"),
    [
        ({"date_from": "2021-13-01"}, "date_from", "valid date"),
        ({"date_to": "yesterday"}, "date_to", "valid date"),
        ({"date_from": "1200-01-01"}, "date_from", "between 1800-01-01 and 2200-12-31"),
        ({"date_from": "2022-01-01", "date_to": "2021-01-01"}, "request", "date_from (2022-01-01) is after"),
        ({"histogram_interval": "week"}, "histogram_interval", "'year' or 'month'"),
        ({"cursor": "*", "page": "2"}, "request", "page and cursor cannot be combined"),
        ({"cursor": "x" * 5000}, "cursor", "at most 4096"),
    ],
)
def test_bad_values_name_the_parameter(client: TestClient, params: dict[str, str], name: str,
                                       message: str) -> None:
    resp = client.get("/api/v1/search", params=params)
    assert resp.status_code == 422
    assert name in resp.json()["message"] and message in resp.json()["message"]


def test_month_histogram(client: TestClient) -> None:
    body = search(client, q="display", histogram_interval="month")
    assert body["histogram_months"] == {
        "2019-10": {"_all": 1, "display": 1},
        "2020-03": {"_all": 1, "display": 1, "optics": 1},
        "2021-05": {"_all": 1, "display": 1, "tracking": 1},
    }
    assert body["histogram"]["2021"] == {"_all": 1, "display": 1, "tracking": 1}
    assert search(client, q="display")["histogram_months"] == {}


def test_cursor_pages_through_everything(client: TestClient) -> None:
    seen: list[str] = []
    cursor = "*"
    while True:
        body = search(client, cursor=cursor, size=3, sort="date_asc")
        assert body["total"] == 7
        seen += [h["id"] for h in body["hits"]]
        if body["next_cursor"] is None:
            break
        cursor = body["next_cursor"]
    assert seen == DATE_ORDER
    assert search(client, size=3)["next_cursor"] is None  # offset paging: no cursor unless asked


@pytest.mark.parametrize("cursor", ["garbage", "eyJ2IjoxfQ", "W1tbW1tbW1tbW1tbW1tbW1tbW10"])
def test_tampered_cursor_is_400(client: TestClient, cursor: str) -> None:
    resp = client.get("/api/v1/search", params={"cursor": cursor})
    assert resp.status_code == 400
    assert "invalid cursor" in resp.json()["detail"]


def test_cursor_of_another_query_is_400(client: TestClient) -> None:
    first = search(client, q="display", cursor="*", size=1)
    resp = client.get("/api/v1/search", params={"q": "glove", "cursor": first["next_cursor"]})
    assert resp.status_code == 400
    assert "another query" in resp.json()["detail"]


def test_export_ignores_the_cursor(client: TestClient) -> None:
    resp = client.get("/api/v1/search", params={"cursor": "*", "format": "jsonl"})
    assert resp.status_code == 200
    assert len(resp.text.strip().splitlines()) == 7


def test_similar_to_a_document(client: TestClient) -> None:
    resp = client.get(f"/api/v1/documents/{quote('GB/T 38259-2019')}/similar", params={"doc_type": "patent"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["source"] == "GB/T 38259-2019"
    assert body["hits"][0]["id"] == "CN111A"
    assert {h["doc_type"] for h in body["hits"]} == {"patent"}
    assert body["total"] == len(body["hits"])


def test_similar_finds_the_id_in_another_spelling(client: TestClient) -> None:
    resp = client.get("/api/v1/documents/GB%2FT38259-2019/similar")
    assert resp.status_code == 200, resp.text
    assert resp.json()["source"] == "GB/T 38259-2019"


def test_similar_size(client: TestClient) -> None:
    body = client.get("/api/v1/documents/CN111A/similar", params={"size": 1}).json()
    assert [h["id"] for h in body["hits"]] == ["GB/T 38259-2019"]


def test_similar_to_a_text(client: TestClient) -> None:
    resp = client.get("/api/v1/similar", params={"text": "眼动追踪 渲染", "size": 2})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["source"] is None
    assert body["hits"][0]["id"] == "CN444A"
    assert len(body["hits"]) <= 2


@pytest.mark.parametrize(
    ("path", "params", "status", "message"),
    [
        ("/api/v1/documents/NOPE1/similar", {}, 404, "no indexed document with id 'NOPE1'"),
        ("/api/v1/documents/CN111A/similar", {"size": "0"}, 422, "size"),
        ("/api/v1/documents/CN111A/similar", {"size": "101"}, 422, "size"),
        ("/api/v1/documents/CN111A/similar", {"doc_type": "book"}, 422, "doc_type"),
        ("/api/v1/documents/CN111A/similar", {"colour": "red"}, 400, "unknown query parameter 'colour'"),
        ("/api/v1/similar", {}, 422, "text"),
        ("/api/v1/similar", {"text": "   "}, 422, "text is empty"),
        ("/api/v1/similar", {"text": "x" * 10_001}, 422, "text"),
        ("/api/v1/similar", {"text": "vr", "q": "vr"}, 400, "unknown query parameter 'q'"),
    ],
)
def test_similar_errors(client: TestClient, path: str, params: dict[str, str], status: int,
                        message: str) -> None:
    resp = client.get(path, params=params)
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert message in (body.get("message") or body["detail"])


def test_documents_route_still_serves_ids_with_slashes(client: TestClient) -> None:
    # /documents/{id:path} comes after /documents/{id}/similar; an id alone still reaches it.
    resp = client.get(f"/api/v1/documents/{quote('GB/T 38259-2019')}")
    assert resp.status_code == 404  # this app's store is empty: the documents route answered
    assert "no document with id" in resp.json()["detail"]
