"""API keys at the HTTP edge: 401 without a key, 403 with a bad, revoked or read-only one, else 200."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import PATENT_ID
from vrscope.apikeys import revoke_key, split_token
from vrscope.store import Store

URL = f"/api/v1/documents/{PATENT_ID}/correction"
BODY = {"relevant": True, "techs": ["content_production"], "note": "checked by hand"}




def test_write_without_a_key_is_401_with_a_challenge(client: TestClient) -> None:
    resp = client.put(URL, json=BODY)
    assert resp.status_code == 401
    assert resp.headers["www-authenticate"].startswith("Bearer")
    assert "API key with the write scope is needed" in resp.json()["detail"]


@pytest.mark.parametrize(
    "header", [{"Authorization": "Bearer "}, {"X-API-Key": "  "}, {"Authorization": "Basic x"}]
)
def test_a_blank_or_non_bearer_key_counts_as_none(client: TestClient, header: dict[str, str]) -> None:
    assert client.put(URL, json=BODY, headers=header).status_code == 401


@pytest.mark.parametrize("token", ["nonsense", "vrs_000000000000_abc"])
def test_an_invalid_key_is_403(client: TestClient, write_key: str, token: str) -> None:
    resp = client.put(URL, json=BODY, headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 403
    assert resp.json() == {"detail": "the API key is not valid"}


def test_a_read_key_cannot_write(client: TestClient, read_key: str) -> None:
    resp = client.put(URL, json=BODY, headers={"X-API-Key": read_key})
    assert resp.status_code == 403
    assert "lacks the write scope" in resp.json()["detail"]


@pytest.mark.parametrize("how", ["bearer", "header"])
def test_a_write_key_writes(client: TestClient, store: Store, write_key: str, how: str) -> None:
    headers = {"Authorization": f"Bearer {write_key}"} if how == "bearer" else {"X-API-Key": write_key}
    resp = client.put(URL, json=BODY, headers=headers)
    assert resp.status_code == 200, resp.text
    correction = store.correction(PATENT_ID)
    assert correction is not None and correction.author == "api:scouts"


def test_a_revoked_key_is_403(client: TestClient, store: Store, write_key: str) -> None:
    assert client.put(URL, json=BODY, headers={"X-API-Key": write_key}).status_code == 200
    revoke_key(store.conn, 1)
    resp = client.put(URL, json=BODY, headers={"X-API-Key": write_key})
    assert resp.status_code == 403
    assert "was revoked" in resp.json()["detail"]


def test_the_key_is_stored_hashed(store: Store, write_key: str) -> None:
    secret = split_token(write_key)[1]  # type: ignore[index]
    rows = [tuple(r) for r in store.conn.execute("SELECT * FROM api_keys")]
    assert rows and all(secret not in str(value) and write_key not in str(value) for value in rows[0])


def test_reads_are_open_by_default(client: TestClient) -> None:
    assert client.get("/api/v1/search", params={"q": "display"}).status_code == 200
    assert client.get(f"/api/v1/documents/{PATENT_ID}").status_code == 200


def test_openapi_declares_both_key_schemes(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"HTTPBearer", "APIKeyHeader"} <= set(schema["components"]["securitySchemes"])


def test_private_mode_needs_a_key_to_read(private_client: TestClient, read_key: str, write_key: str) -> None:
    resp = private_client.get("/api/v1/search", params={"q": "display"})
    assert resp.status_code == 401
    assert "read scope" in resp.json()["detail"]
    assert resp.headers["www-authenticate"].startswith("Bearer")
    assert private_client.get("/api/v1/search", headers={"X-API-Key": "nonsense"}).status_code == 403
    for key in (read_key, write_key):  # a write key also reads
        resp = private_client.get("/api/v1/search", params={"q": "display"}, headers={"X-API-Key": key})
        assert resp.status_code == 200, resp.text


def test_private_mode_leaves_health_and_the_docs_open(private_client: TestClient) -> None:
    assert private_client.get("/health").status_code == 200
    assert private_client.get("/openapi.json").status_code == 200
    assert private_client.get("/docs").status_code == 200


def test_private_mode_still_needs_write_scope_to_write(private_client: TestClient, read_key: str) -> None:
    resp = private_client.put(URL, json=BODY, headers={"X-API-Key": read_key})
    assert resp.status_code == 403
