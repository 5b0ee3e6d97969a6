"""The HTTP API against a real Store and the fake engine."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from search.backend import FACETS
from tests.api.conftest import PATENT_ID, STANDARD_ID
from tests.api.fakes import FakeBackend
from vrscope import __version__
from vrscope.settings import Settings


def test_health(client: TestClient) -> None:
    resp = client.get("/health")
    assert resp.status_code == 200
    # views_warm: no warm-up ran on this store (not the settings' one); see tests/api/test_warmup_api.py
    assert resp.json() == {"status": "ok", "documents": 2, "indexed": 3, "views_warm": False,
                           "version": __version__}


def test_search_passes_filters_to_backend(client: TestClient, backend: FakeBackend) -> None:
    params = [
        ("q", "display"), ("doc_type", "patent"),
        ("tech", "near_eye_display"), ("tech", "content_production"),
        ("subtopic", "pancake"), ("form", "VR"), ("jurisdiction", "CN"), ("status", "granted"),
        ("source", "epo_ops"), ("applicant", "GOERTEK"), ("year_from", "2015"), ("year_to", "2024"),
        ("relevant_only", "true"), ("facet", "techs"), ("facet", "applicants"), ("sort", "date_desc"),
        ("page", "3"), ("size", "7"),
    ]
    resp = client.get("/api/v1/search", params=params)
    assert resp.status_code == 200, resp.text
    query = backend.queries[-1]
    assert query.q == "display"
    assert query.doc_type == "patent"
    assert query.techs == ["near_eye_display", "content_production"]
    assert query.subtopics == ["pancake"]
    assert query.forms == ["VR"]
    assert query.jurisdiction == ["CN"]
    assert query.status == ["granted"]
    assert query.source == ["epo_ops"]
    assert query.applicants == ["GOERTEK"]
    assert (query.year_from, query.year_to) == (2015, 2024)
    assert query.relevant_only is True
    assert query.facets == ["techs", "applicants"]
    assert query.sort == "date_desc"
    assert (query.offset, query.size) == (14, 7)
    body = resp.json()
    assert (body["page"], body["size"]) == (3, 7)


def test_search_result_shape(client: TestClient, backend: FakeBackend) -> None:
    resp = client.get("/api/v1/search", params={"q": "display"})
    assert resp.status_code == 200
    body = resp.json()
    assert body["total"] == 2
    assert {h["id"] for h in body["hits"]} == {STANDARD_ID, PATENT_ID}
    assert "<b>display</b>" in body["hits"][0]["snippet"]
    assert set(body["facets"]) == {"doc_type", "techs", "forms", "jurisdiction"}
    assert {f["value"] for f in body["facets"]["techs"]} == {"near_eye_display"}
    assert body["histogram"]["2021"] == {"_all": 1, "near_eye_display": 1}
    assert (body["page"], body["size"]) == (1, 20)
    assert backend.queries[-1].offset == 0


def test_search_chinese_query(client: TestClient) -> None:
    resp = client.get("/api/v1/search", params={"q": "虚拟现实"})
    assert resp.status_code == 200
    assert [h["id"] for h in resp.json()["hits"]] == [STANDARD_ID]


@pytest.mark.parametrize("name", ["techs", "foo", "page_size"])
def test_unknown_parameter_is_400_naming_it(client: TestClient, name: str) -> None:
    resp = client.get("/api/v1/search", params={"q": "vr", name: "x"})
    assert resp.status_code == 400
    assert f"'{name}'" in resp.json()["detail"]


def test_size_above_max_is_rejected(client: TestClient, backend: FakeBackend) -> None:
    resp = client.get("/api/v1/search", params={"size": 51})
    assert 400 <= resp.status_code < 500
    assert "size" in resp.json()["message"] and "50" in resp.json()["message"]
    assert backend.queries == []
    assert client.get("/api/v1/search", params={"size": 50}).status_code == 200


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
        ({"size": "-1"}, "size"),
        ({"doc_type": "book"}, "doc_type"),
        ({"sort": "random"}, "sort"),
        ({"facet": "colour"}, "facet"),
        ({"year_from": "19x"}, "year_from"),
        ({"year_from": "2024", "year_to": "2020"}, "year_from"),
        ({"relevant_only": "perhaps"}, "relevant_only"),
        ({"q": "x" * 501}, "q"),
        ({"page": "600", "size": "50"}, "page"),
    ],
)
def test_invalid_values_are_4xx_with_message(client: TestClient, params: dict[str, str], name: str) -> None:
    resp = client.get("/api/v1/search", params=params)
    assert resp.status_code == 422, resp.text
    assert name in resp.json()["message"]


def test_blank_form_fields_mean_unset(client: TestClient, backend: FakeBackend) -> None:
    blanks = {"q": "", "doc_type": "", "year_from": "", "sort": "", "tech": ""}
    resp = client.get("/api/v1/search", params=blanks)
    assert resp.status_code == 200, resp.text
    query = backend.queries[-1]
    assert (query.doc_type, query.year_from, query.sort, query.techs) == (None, None, "relevance", [])


def test_all_facets_accepted(client: TestClient, backend: FakeBackend) -> None:
    resp = client.get("/api/v1/search", params=[("facet", f) for f in FACETS])
    assert resp.status_code == 200
    assert backend.queries[-1].facets == list(FACETS)


def test_query_error_is_400(client: TestClient) -> None:
    resp = client.get("/api/v1/search", params={"q": '"unbalanced'})
    assert resp.status_code == 400
    assert "unbalanced quote" in resp.json()["detail"]


def test_document_with_labels_and_correction(client: TestClient) -> None:
    resp = client.get(f"/api/v1/documents/{PATENT_ID}")
    assert resp.status_code == 200
    body = resp.json()
    assert body["id"] == PATENT_ID
    assert body["doc_type"] == "patent"
    assert body["record"]["titles"]["zh"] == "一种近眼显示光学模组"
    assert body["record"]["applicants"][0]["name"] == "Goertek Inc."
    # The model said rendering_computation; the person said near_eye_display, and the person wins.
    assert body["labels"]["techs"] == {"near_eye_display": 1.0}
    assert body["labels"]["model_version"] == "m1+human"
    assert body["correction"]["author"] == "scout"
    assert body["provenance"][0]["source"] == "epo_ops"


@pytest.mark.parametrize(
    "path",
    [STANDARD_ID, quote(STANDARD_ID, safe=""), quote(STANDARD_ID), "GB/T38259-2019", "gb/t 38259—2019"],
)
def test_document_id_with_slash_and_space(client: TestClient, path: str) -> None:
    resp = client.get(f"/api/v1/documents/{path}")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["id"] == STANDARD_ID
    assert body["title"] == "虚拟现实头戴式显示设备通用规范"
    assert body["labels"]["techs"] == {"near_eye_display": 0.9}
    assert body["correction"] is None
    assert body["provenance"][0]["url"] == "https://openstd.samr.gov.cn/x"


def test_document_missing_is_404(client: TestClient) -> None:
    resp = client.get("/api/v1/documents/GB/T 99999-2099")
    assert resp.status_code == 404
    assert "GB/T 99999-2099" in resp.json()["detail"]


def test_stats(client: TestClient) -> None:
    resp = client.get("/api/v1/stats")
    assert resp.status_code == 200
    body = resp.json()
    assert body["documents"] == 2 and body["indexed"] == 3
    assert body["by_source"] == {"epo_ops": 1, "openstd": 1}
    assert body["by_doc_type"] == {"patent": 1, "standard": 1}
    techs = {f["value"]: f["count"] for f in body["by_tech"]}
    assert techs == {"near_eye_display": 2, "rendering_computation": 1}
    assert {f["value"]: f["count"] for f in body["by_form"]} == {"VR": 2, "AR": 1}


def test_openapi_docs(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert spec["info"] == {"title": "vrscope", "version": __version__, "summary": spec["info"]["summary"]}
    names = {p["name"] for p in spec["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert {"q", "tech", "facet", "page", "size"} <= names


def test_lazy_resources_and_shutdown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing is opened by create_app; the first request opens, shutdown closes."""
    import search

    fake = FakeBackend()
    factory = type(search)("search.factory")
    factory.get_backend = lambda settings: fake  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, "search.factory", factory)
    settings = Settings(data_dir=tmp_path / "data")
    app = create_app(settings)
    assert not settings.db_path.exists()
    with TestClient(app) as client:
        assert client.get("/health").json()["documents"] == 0
        assert settings.db_path.exists()
    assert fake.closed


def test_backend_unavailable_is_503(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "search.factory", None)  # import fails
    with TestClient(create_app(Settings(data_dir=tmp_path / "data"))) as client:
        resp = client.get("/api/v1/search")
    assert resp.status_code == 503
    assert "search backend unavailable" in resp.json()["detail"]
