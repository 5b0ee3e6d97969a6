"""The request size limit (413, declared or streamed) and CORS headers only for configured origins."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from api.deps import get_search, get_store
from api.limits import BodySizeLimit
from api.main import create_app
from tests.api.conftest import PATENT_ID
from tests.api.fakes import FakeBackend
from vrscope.apikeys import create_key
from vrscope.settings import Settings
from vrscope.store import Store

URL = f"/api/v1/documents/{PATENT_ID}/correction"


def _client(tmp_path: Path, store: Store, backend: FakeBackend, **settings: object) -> TestClient:
    application = create_app(Settings(data_dir=tmp_path / "data", **settings))  # type: ignore[arg-type]
    application.dependency_overrides[get_store] = lambda: store
    application.dependency_overrides[get_search] = lambda: backend
    return TestClient(application)


@pytest.fixture
def small(tmp_path: Path, store: Store, backend: FakeBackend) -> Iterator[TestClient]:
    """The app accepting bodies of at most 200 bytes."""
    with _client(tmp_path, store, backend, max_request_bytes=200) as client:
        yield client


def _chunks(total: int, size: int = 64) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b" " * min(size, total - sent)
        sent += size


def test_declared_length_over_the_limit_is_413(small: TestClient, store: Store) -> None:
    key = create_key(store.conn, "scouts", ["write"])[1]
    resp = small.put(URL, json={"relevant": True, "note": "x" * 500}, headers={"X-API-Key": key})
    assert resp.status_code == 413
    assert resp.json() == {"detail": "request body too large: at most 200 bytes are accepted"}
    correction = store.correction(PATENT_ID)
    assert correction is not None and correction.relevant is None  # the fixture's correction is untouched


def test_streamed_body_over_the_limit_is_413(small: TestClient, store: Store) -> None:
    key = create_key(store.conn, "scouts", ["write"])[1]
    headers = {"X-API-Key": key, "Content-Type": "application/json"}
    resp = small.put(URL, content=_chunks(1000), headers=headers)
    assert "content-length" not in resp.request.headers
    assert resp.status_code == 413


def test_body_within_the_limit_passes(small: TestClient, store: Store) -> None:
    key = create_key(store.conn, "scouts", ["write"])[1]
    resp = small.put(URL, json={"relevant": True}, headers={"X-API-Key": key})
    assert resp.status_code == 200, resp.text


def test_gets_are_not_affected(small: TestClient) -> None:
    assert small.get("/api/v1/search", params={"q": "display"}).status_code == 200


async def _echo(request: Request) -> JSONResponse:
    return JSONResponse({"bytes": len(await request.body())})


@pytest.mark.parametrize(("total", "status"), [(0, 200), (100, 200), (101, 413), (5000, 413)])
def test_middleware_counts_streamed_bytes(total: int, status: int) -> None:
    app = BodySizeLimit(Starlette(routes=[Route("/", _echo, methods=["POST"])]), max_bytes=100)
    with TestClient(app) as client:
        resp = client.post("/", content=_chunks(total, 30))
    assert resp.status_code == status
    if status == 200:
        assert resp.json() == {"bytes": total}


def test_middleware_rejects_a_declared_length_before_reading() -> None:
    app = BodySizeLimit(Starlette(routes=[Route("/", _echo, methods=["POST"])]), max_bytes=100)
    with TestClient(app) as client:
        resp = client.post("/", content=b"x" * 101)
    assert resp.status_code == 413


# --- CORS ---------------------------------------------------------------------------------------
def test_no_cors_headers_by_default(client: TestClient) -> None:
    resp = client.get("/api/v1/search", headers={"Origin": "https://elsewhere.example"})
    assert resp.status_code == 200
    assert "access-control-allow-origin" not in resp.headers


@pytest.fixture
def cors(tmp_path: Path, store: Store, backend: FakeBackend) -> Iterator[TestClient]:
    with _client(tmp_path, store, backend, cors_origins=["https://portal.example"]) as client:
        yield client


def test_cors_headers_only_for_allowed_origins(cors: TestClient) -> None:
    allowed = cors.get("/api/v1/search", headers={"Origin": "https://portal.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://portal.example"
    other = cors.get("/api/v1/search", headers={"Origin": "https://evil.example"})
    assert other.status_code == 200
    assert "access-control-allow-origin" not in other.headers


def test_cors_preflight_allows_the_key_header(cors: TestClient) -> None:
    preflight = cors.options(URL, headers={
        "Origin": "https://portal.example", "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "x-api-key, content-type",
    })
    assert preflight.status_code == 200
    assert "PUT" in preflight.headers["access-control-allow-methods"]
    assert "x-api-key" in preflight.headers["access-control-allow-headers"].lower()
    refused = cors.options(URL, headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "PUT",
    })
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers


def test_cors_origins_setting_reads_a_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VRSCOPE_CORS_ORIGINS", "https://a.example, https://b.example")
    assert Settings().cors_origins == ["https://a.example", "https://b.example"]
    monkeypatch.setenv("VRSCOPE_CORS_ORIGINS", '["https://c.example"]')
    assert Settings().cors_origins == ["https://c.example"]
