"""Trends by date basis and families, the applicant page, list paging, the dashboard when reads need a key."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from search.backend import IndexDoc
from tests.api.fakes import FakeBackend
from vrscope.apikeys import create_key
from vrscope.records import Labels, Patent
from vrscope.store import Store

D = dt.date


@pytest.fixture
def families(store: Store) -> Store:
    """Two members of one family (CN, US) with their own filing and publication dates, labelled."""
    for id_, office, filing, pub in (("CN200A", "CN", D(2020, 1, 5), D(2021, 7, 1)),
                                     ("US200A1", "US", D(2020, 4, 5), D(2022, 2, 1))):
        store.upsert(Patent(id=id_, source="t", jurisdiction=office, family_id="F200", titles={"en": id_},
                            priority_date=D(2019, 6, 1), application_date=filing, publication_date=pub))
        store.set_labels([(id_, Labels(relevant=True, techs={"near_eye_display": 0.9}, model_version="m"))])
    return store


def test_trends_by_publication_date_from_the_store(client: TestClient, families: Store) -> None:
    body = client.get("/api/v1/trends", params={"date_basis": "publication", "doc_type": "patent"}).json()
    assert body["date_basis"] == "publication" and body["families"] is False
    assert body["years"] == [2021, 2022] and body["all"] == [1, 1]
    assert body["undated"] == 1  # the conftest patent has a priority date only
    assert "store" in body["method"]


def test_trends_families_counted_once(client: TestClient, families: Store) -> None:
    params = {"date_basis": "filing", "doc_type": "patent", "dimension": "jurisdiction"}
    every = client.get("/api/v1/trends", params=params).json()
    once = client.get("/api/v1/trends", params={**params, "families": "true"}).json()
    assert sum(every["all"]) == 2 and sum(once["all"]) == 1
    assert once["families"] is True
    assert {s["value"]: s["total"] for s in once["series"]} == {"CN": 1, "US": 1}
    priority_once = client.get("/api/v1/trends", params={"families": "true", "doc_type": "patent"}).json()
    assert priority_once["years"] == [2019, 2020, 2021] and priority_once["all"] == [1, 0, 1]


def test_trends_default_stays_on_the_index(client: TestClient) -> None:
    body = client.get("/api/v1/trends").json()
    assert body["date_basis"] == "priority" and body["families"] is False
    assert "search index" in body["method"]


def test_trends_bad_date_basis_is_422(client: TestClient) -> None:
    response = client.get("/api/v1/trends", params={"date_basis": "grant"})
    assert response.status_code == 422
    assert "date_basis" in response.text


@pytest.fixture
def co_filed(backend: FakeBackend) -> FakeBackend:
    """A patent GOERTEK filed with a university, indexed."""
    backend.index([IndexDoc(id="CN300A", doc_type="patent", title="Eye tracking module", year=2023,
                            date="2023-05-01", jurisdiction="CN", source="t", relevant=True,
                            techs=["tracking_interaction"], subtopics=["eye_tracking"],
                            applicants=["GOERTEK", "BEIHANG UNIVERSITY"])])
    return backend


def test_applicant_page(client: TestClient, co_filed: FakeBackend) -> None:
    body = client.get("/api/v1/applicant", params={"name": "GOERTEK"}).json()
    assert body["name"] == "GOERTEK" and body["total"] == 2
    assert body["years"] == [2021, 2022, 2023] and body["counts"] == [1, 0, 1]
    techs = {b["value"]: b["count"] for b in body["techs"]}
    assert techs == {"near_eye_display": 1, "tracking_interaction": 1}
    assert body["subtopics"] == [{"value": "eye_tracking", "count": 1}]
    assert body["co_applicants"] == [{"value": "BEIHANG UNIVERSITY", "count": 1}]
    assert [h["id"] for h in body["newest"]] == ["CN300A", "CN112345678A"]
    filtered = client.get("/api/v1/applicant", params={"name": "GOERTEK", "tech": "near_eye_display"}).json()
    assert filtered["total"] == 1 and filtered["co_applicants"] == []
    csv_text = client.get("/api/v1/applicant", params={"name": "GOERTEK", "format": "csv"}).text
    assert "co_applicant,BEIHANG UNIVERSITY,1" in csv_text.replace("\r", "")


@pytest.mark.parametrize(
    ("params", "code", "needle"),
    [
        ({}, 422, "name"),
        ({"name": "   "}, 400, "name"),
        ({"name": "GOERTEK", "applicant": "PICO"}, 400, "'name'"),
        ({"name": "GOERTEK", "size": "0"}, 422, "size"),
        ({"name": "GOERTEK", "nmae": "x"}, 400, "'nmae'"),
    ],
)
def test_applicant_page_bad_params(
    client: TestClient, params: dict[str, str], code: int, needle: str
) -> None:
    response = client.get("/api/v1/applicant", params=params)
    assert response.status_code == code
    assert needle in response.text


@pytest.mark.parametrize("path", ["/api/v1/trends", "/api/v1/matrix", "/api/v1/players", "/api/v1/emerging",
                                  "/api/v1/scoreboard", "/api/v1/gaps", "/api/v1/applicant"])
def test_every_view_accepts_the_same_filters(client: TestClient, path: str) -> None:
    """technology, sub-topic, form, jurisdiction, years and doc type on every view endpoint."""
    params = {"tech": "near_eye_display", "subtopic": "pancake", "form": "vr", "jurisdiction": "CN",
              "year_from": "2015", "year_to": "2025", "doc_type": "patent", "name": "GOERTEK",
              "applicant": "GOERTEK"}
    if path == "/api/v1/applicant":
        params.pop("applicant")
    else:
        params.pop("name")
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text


@pytest.fixture
def writer(store: Store) -> dict[str, str]:
    _, token = create_key(store.conn, "li", ["write"])
    return {"X-API-Key": token}


def test_watch_lists_are_cursor_paged(client: TestClient, writer: dict[str, str]) -> None:
    for i in range(5):
        body = {"owner": "li", "name": f"w{i}", "applicants": ["X"]}
        response = client.post("/api/v1/watchlists", json=body, headers=writer)
        assert response.status_code == 201, response.text
    names: list[str] = []
    cursor = "*"
    pages = 0
    while cursor:
        body = client.get("/api/v1/watchlists", params={"limit": 2, "cursor": cursor}).json()
        assert body["count"] == 5 and len(body["data"]) <= 2
        names += [w["name"] for w in body["data"]]
        cursor = body["next_cursor"]
        pages += 1
    assert names == [f"w{i}" for i in range(5)] and pages == 3
    first = client.get("/api/v1/watchlists", params={"limit": 2}).json()
    other = client.get("/api/v1/watchlists", params={"owner": "wang", "cursor": first["next_cursor"]})
    assert other.status_code == 400 and "other filters" in other.json()["detail"]
    assert client.get("/api/v1/watchlists", params={"cursor": "garbage!"}).status_code == 400
    assert client.get("/api/v1/watchlists", params={"limit": "501"}).status_code == 422


def test_standard_changes_are_cursor_paged(client: TestClient, store: Store) -> None:
    from vrscope.records import Standard, StandardStatus

    for i in range(3):
        store.upsert(Standard(id=f"T/X {i}-2026", source="ttbz", body="X", title_zh=f"草案 {i}",
                              status=StandardStatus.DRAFT_FOR_COMMENT))
    everything = client.get("/api/v1/standards/changes").json()
    assert everything["next_cursor"] is None and everything["count"] >= 3
    seen: list[tuple[str, str]] = []
    cursor = "*"
    while cursor:
        body = client.get("/api/v1/standards/changes", params={"cursor": cursor, "limit": 2}).json()
        assert len(body["data"]) <= 2
        seen += [(c["doc_id"], c["kind"]) for c in body["data"]]
        cursor = body["next_cursor"]
    assert seen == [(c["doc_id"], c["kind"]) for c in everything["data"]]
    too_big = client.get("/api/v1/standards/changes", params={"cursor": "*", "limit": 1000})
    assert too_big.status_code == 400 and "limit" in too_big.json()["detail"]
    start = client.get("/api/v1/standards/changes", params={"cursor": "*", "limit": 1}).json()["next_cursor"]
    moved = client.get("/api/v1/standards/changes", params={"cursor": start, "kind": "withdrawn"})
    assert moved.status_code == 400


def test_dashboard_works_when_reads_need_a_key(private_client: TestClient, store: Store) -> None:
    """The page and its assets load without a key; every API request the dashboard makes carries the key."""
    assert private_client.get("/").status_code == 200
    key_js = private_client.get("/apikey.js")
    assert key_js.status_code == 200
    assert 'KEY_STORE = "vrscope.apiKey"' in key_js.text and '"X-API-Key"' in key_js.text
    app_js = private_client.get("/app.js").text
    assert "keyedFetch(path" in app_js and "fetch(path" not in app_js.replace("keyedFetch(path", "")
    for name in ("tracker.js", "docview.js"):
        assert "keyedFetch" in private_client.get(f"/{name}").text
    assert 'id="api-key"' in private_client.get("/").text
    # the requests the dashboard makes: refused without the key, answered with it
    _, token = create_key(store.conn, "viewer", ["read"])
    for path in ("/api/v1/search?q=display", "/api/v1/stats", "/api/v1/trends", "/api/v1/players",
                 "/api/v1/applicant?name=GOERTEK", "/api/v1/watchlists", "/api/v1/trends?format=csv"):
        assert private_client.get(path).status_code == 401, path
        assert private_client.get(path, headers={"X-API-Key": token}).status_code == 200, path


def test_standards_summary_takes_jurisdiction_like_the_other_views(client: TestClient, store: Store) -> None:
    """jurisdiction (the other views' name) filters the issuing body as body does."""
    from vrscope.records import Standard

    store.upsert(Standard(id="GB/T 9-2024", source="openstd", body="SAC", title_zh="虚拟现实"))
    by_body = client.get("/api/v1/standards/summary", params={"body": "SAC"}).json()
    by_jurisdiction = client.get("/api/v1/standards/summary", params={"jurisdiction": "SAC"}).json()
    assert by_body == by_jurisdiction and by_body["total"] == 1
    assert client.get("/api/v1/standards/summary", params={"jurisdiction": "IEEE"}).json()["total"] == 0


def test_taxonomy_names_every_filter_value(client: TestClient) -> None:
    """Forms, technologies and sub-topics named in English and Chinese, sub-topics under their technology."""
    body = client.get("/api/v1/taxonomy").json()
    assert [f["id"] for f in body["forms"]] == ["vr", "ar", "mr"]
    techs = {t["id"] for t in body["techs"]}
    assert "near_eye_display" in techs
    assert body["subtopics"] and all(s["tech"] in techs and s["name_zh"] and s["name_en"]
                                     for s in body["subtopics"])
    assert client.get("/api/v1/taxonomy", params={"lang": "zh"}).status_code == 400
