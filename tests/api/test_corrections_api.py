"""PUT/DELETE /api/v1/documents/{id}/correction: the correction wins, and search shows it at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.api.conftest import PATENT_ID, STANDARD_ID, add_capture_patent, index_into_engine, make_key
from tests.api.fakes import FakeBackend
from vrscope.settings import Settings
from vrscope.store import Store


def url(doc_id: str) -> str:
    return f"/api/v1/documents/{doc_id}/correction"


@pytest.fixture
def headers(write_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {write_key}"}


# --- against the fake engine ------------------------------------------------------------------
def test_put_stores_the_correction_and_reindexes(
    client: TestClient, store: Store, backend: FakeBackend, headers: dict[str, str]
) -> None:
    body = {"relevant": True, "techs": ["content_production"], "forms": ["AR"], "note": "capture rig"}
    resp = client.put(url(PATENT_ID), json=body, headers=headers)
    assert resp.status_code == 200, resp.text
    data = resp.json()
    assert data["id"] == PATENT_ID
    assert data["correction"]["techs"] == ["content_production"]
    assert data["correction"]["note"] == "capture rig" and data["correction"]["author"] == "api:scouts"
    assert set(data["labels"]["techs"]) == {"content_production"}
    stored = store.labels(PATENT_ID)
    assert stored is not None and set(stored.techs) == {"content_production"}
    assert backend.docs[PATENT_ID].techs == ["content_production"]
    assert backend.docs[PATENT_ID].forms == ["ar"]


def test_put_replaces_the_earlier_correction(
    client: TestClient, store: Store, headers: dict[str, str]
) -> None:
    # The fixture's correction set techs; a PUT with only 'relevant' leaves techs to the model again.
    resp = client.put(url(PATENT_ID), json={"relevant": False}, headers=headers)
    assert resp.status_code == 200, resp.text
    correction = store.correction(PATENT_ID)
    assert correction is not None and correction.techs is None and correction.relevant is False


def test_empty_list_means_none(client: TestClient, store: Store, headers: dict[str, str]) -> None:
    resp = client.put(url(PATENT_ID), json={"techs": []}, headers=headers)
    assert resp.status_code == 200, resp.text
    labels = store.labels(PATENT_ID)
    assert labels is not None and labels.techs == {}


def test_ids_with_slashes(client: TestClient, store: Store, headers: dict[str, str]) -> None:
    resp = client.put(url(STANDARD_ID), json={"forms": ["mr"]}, headers=headers)
    assert resp.status_code == 200, resp.text
    assert resp.json()["id"] == STANDARD_ID
    correction = store.correction(STANDARD_ID)
    assert correction is not None and correction.forms == ["mr"]


def test_unknown_document_is_404(client: TestClient, headers: dict[str, str]) -> None:
    resp = client.put(url("CN000000000A"), json={"relevant": True}, headers=headers)
    assert resp.status_code == 404
    assert "no document with id 'CN000000000A'" in resp.json()["detail"]
    assert client.delete(url("nothing-here"), headers=headers).status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"techs": ["teleportation"]}, "parameter 'techs': unknown technology 'teleportation'"),
        ({"forms": ["XR"]}, "parameter 'forms': unknown form 'XR'"),
        ({"subtopics": ["warp_drive"]}, "parameter 'subtopics': unknown sub-topic 'warp_drive'"),
        ({"note": "only a note"}, "nothing to correct"),
        ({}, "nothing to correct"),
    ],
)
def test_bad_corrections_are_422(
    client: TestClient, headers: dict[str, str], body: dict[str, object], message: str
) -> None:
    resp = client.put(url(PATENT_ID), json=body, headers=headers)
    assert resp.status_code == 422
    assert message in resp.json()["message"]


@pytest.mark.parametrize(
    "body",
    [{"relevant": True, "author": "someone else"}, {"techs": "near_eye_display"}, {"relevant": "maybe"}],
)
def test_malformed_bodies_are_422(
    client: TestClient, headers: dict[str, str], body: dict[str, object]
) -> None:
    resp = client.put(url(PATENT_ID), json=body, headers=headers)
    assert resp.status_code == 422
    assert resp.json()["message"]


def test_delete_restores_the_model_labels(
    client: TestClient, store: Store, backend: FakeBackend, headers: dict[str, str]
) -> None:
    resp = client.delete(url(PATENT_ID), headers=headers)
    assert resp.status_code == 200, resp.text
    assert resp.json()["correction"] is None
    assert store.correction(PATENT_ID) is None
    assert backend.docs[PATENT_ID].techs == ["rendering_computation"]  # the model's label again
    again = client.delete(url(PATENT_ID), headers=headers)
    assert again.status_code == 404 and "has no correction" in again.json()["detail"]


def test_delete_needs_a_key(client: TestClient, store: Store) -> None:
    assert client.delete(url(PATENT_ID)).status_code == 401
    assert store.correction(PATENT_ID) is not None


def test_index_failure_is_503_and_says_the_correction_was_saved(
    client: TestClient, store: Store, backend: FakeBackend, headers: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(docs: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(backend, "index", broken)
    resp = client.put(url(PATENT_ID), json={"relevant": False}, headers=headers)
    assert resp.status_code == 503
    assert "saved" in resp.json()["detail"] and "vrscope index" in resp.json()["detail"]
    correction = store.correction(PATENT_ID)
    assert correction is not None and correction.relevant is False


# --- against the embedded engine, end to end --------------------------------------------------
@pytest.fixture
def embedded_client(tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    """The app with no overrides: a real store and the embedded index, with one labelled patent indexed."""
    settings = Settings(data_dir=tmp_path / "data")
    with Store(settings.db_path) as store:
        add_capture_patent(store)
        index_into_engine(store, settings)
        token = make_key(store)
    with TestClient(create_app(settings)) as test_client:
        yield test_client, token


def _ids(client: TestClient, tech: str) -> set[str]:
    resp = client.get("/api/v1/search", params={"tech": tech})
    assert resp.status_code == 200, resp.text
    return {hit["id"] for hit in resp.json()["hits"]}


def test_correction_is_searchable_at_once(embedded_client: tuple[TestClient, str]) -> None:
    client, token = embedded_client
    assert _ids(client, "rendering_computation") == {"CN115000001A"}
    assert _ids(client, "content_production") == set()

    resp = client.put(url("CN115000001A"), json={"techs": ["content_production"]},
                      headers={"X-API-Key": token})
    assert resp.status_code == 200, resp.text
    assert _ids(client, "content_production") == {"CN115000001A"}
    assert _ids(client, "rendering_computation") == set()
    document = client.get("/api/v1/documents/CN115000001A").json()
    assert document["correction"]["techs"] == ["content_production"]

    assert client.delete(url("CN115000001A"), headers={"X-API-Key": token}).status_code == 200
    assert _ids(client, "rendering_computation") == {"CN115000001A"}
    assert _ids(client, "content_production") == set()
