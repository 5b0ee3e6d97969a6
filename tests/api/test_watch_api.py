"""Watch-list endpoints: writes need a write key, bad lists are refused, the Atom feed is valid, current."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from search.schema import to_index_doc
from tests.api.conftest import PATENT_ID
from tests.api.fakes import FakeBackend
from vrscope.apikeys import create_key
from vrscope.records import Party, Patent, Standard, StandardStatus
from vrscope.store import Store

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def auth(store: Store) -> dict[str, str]:
    """Headers carrying a write key whose name, 'li', owns the lists it creates."""
    _, token = create_key(store.conn, "li", ["write"])
    return {"Authorization": f"Bearer {token}"}


def _create(client: TestClient, auth: dict[str, str], **body: object) -> dict[str, object]:
    response = client.post("/api/v1/watchlists", json={"owner": "li", "name": "w", **body}, headers=auth)
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


def _feed(client: TestClient, watch_id: object, **params: str) -> etree._Element:
    response = client.get(f"/api/v1/watchlists/{watch_id}/feed.atom", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    return etree.fromstring(response.content)


def _entries(feed: etree._Element) -> list[dict[str, str]]:
    out = []
    for e in feed.iter(f"{ATOM}entry"):
        link = e.find(f"{ATOM}link")
        out.append({"id": e.findtext(f"{ATOM}id") or "", "title": e.findtext(f"{ATOM}title") or "",
                    "updated": e.findtext(f"{ATOM}updated") or "",
                    "summary": e.findtext(f"{ATOM}summary") or "",
                    "link": (link.get("href") or "") if link is not None else ""})
    return out


def test_writes_need_a_write_key(client: TestClient, store: Store, auth: dict[str, str]) -> None:
    body = {"owner": "li", "name": "rivals", "applicants": ["GOERTEK"]}
    missing = client.post("/api/v1/watchlists", json=body)
    assert missing.status_code == 401
    _, read_only = create_key(store.conn, "reader", ["read"])
    assert client.post("/api/v1/watchlists", json=body,
                       headers={"X-API-Key": read_only}).status_code == 403
    bad = client.post("/api/v1/watchlists", json=body, headers={"X-API-Key": "vrs_bad_key"})
    assert bad.status_code == 403
    created = _create(client, auth, name="rivals", applicants=["GOERTEK"])
    assert client.delete(f"/api/v1/watchlists/{created['id']}").status_code == 401
    assert client.delete(f"/api/v1/watchlists/{created['id']}",
                         headers={"X-API-Key": read_only}).status_code == 403
    assert client.delete(f"/api/v1/watchlists/{created['id']}", headers=auth).status_code == 204
    assert client.get(f"/api/v1/watchlists/{created['id']}").status_code == 404
    assert client.delete(f"/api/v1/watchlists/{created['id']}", headers=auth).status_code == 404


def test_create_list_and_read(client: TestClient, store: Store, auth: dict[str, str]) -> None:
    created = _create(client, auth, name="optics", search={"q": "display", "tech": ["near_eye_display"]})
    assert created["kind"] == "search"
    assert created["search"] == {"q": ["display"], "tech": ["near_eye_display"]}
    assert created["feed"] == f"/api/v1/watchlists/{created['id']}/feed.atom"
    _, wang = create_key(store.conn, "wang", ["write"])
    _create(client, {"X-API-Key": wang}, owner="wang", name="rivals", applicants=["GOERTEK"])
    assert client.get("/api/v1/watchlists").json()["count"] == 2
    assert [w["name"] for w in client.get("/api/v1/watchlists", params={"owner": "wang"}).json()["data"]] == [
        "rivals"]
    assert client.get(f"/api/v1/watchlists/{created['id']}").json()["name"] == "optics"


@pytest.mark.parametrize(
    ("body", "code", "needle"),
    [
        ({"search": {"qq": "vr"}}, 400, "'qq'"),
        ({"search": {"year_from": "soon"}}, 422, "year_from"),
        ({"search": {"q": '"unbalanced'}}, 400, "cannot parse"),
        ({"applicants": []}, 422, "at least one applicant"),
        ({}, 422, "either 'search'"),
    ],
)
def test_bad_watch_lists_are_refused(
    client: TestClient, auth: dict[str, str], body: dict[str, object], code: int, needle: str
) -> None:
    response = client.post("/api/v1/watchlists", json={"owner": "li", "name": "w", **body}, headers=auth)
    assert response.status_code == code
    assert needle in response.text


def test_duplicate_name_is_409(client: TestClient, auth: dict[str, str]) -> None:
    _create(client, auth, applicants=["GOERTEK"])
    again = client.post("/api/v1/watchlists", json={"owner": "li", "name": "w", "applicants": ["PICO"]},
                        headers=auth)
    assert again.status_code == 409


def test_feed_is_valid_atom_and_gains_new_documents(
    client: TestClient, store: Store, backend: FakeBackend, auth: dict[str, str]
) -> None:
    watch = _create(client, auth, name="rivals", applicants=["GOERTEK"])
    feed = _feed(client, watch["id"])
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") and feed.findtext(f"{ATOM}updated") and feed.findtext(f"{ATOM}title")
    assert [e["title"] for e in _entries(feed)] == ["Near-eye display optical module"]
    assert _entries(feed)[0]["link"].endswith(f"/api/v1/documents/{PATENT_ID}")

    # A newly crawled GOERTEK patent (its title needs escaping) shows up first.
    new = Patent(id="CN118000001A", source="epo_ops", jurisdiction="CN",
                 titles={"en": "Lens <pancake> & fold"},
                 applicants=[Party(name="Goertek Inc.")], publication_date=dt.date(2026, 1, 2))
    store.upsert(new)
    backend.index([to_index_doc(new, None).model_copy(update={"applicants": ["GOERTEK"]})])
    entries = _entries(_feed(client, watch["id"]))
    assert [e["title"] for e in entries] == ["Lens <pancake> & fold", "Near-eye display optical module"]
    assert entries[0]["summary"].startswith("new document")
    assert entries[0]["updated"] >= entries[1]["updated"]
    assert len({e["id"] for e in entries}) == 2
    # limit and since narrow the feed; entries before `since` drop out
    assert len(_entries(_feed(client, watch["id"], limit="1"))) == 1
    tomorrow = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()
    assert _entries(_feed(client, watch["id"], since=tomorrow)) == []


def test_feed_reports_a_stage_move(client: TestClient, store: Store, backend: FakeBackend,
                                   auth: dict[str, str]) -> None:
    draft = Standard(id="ISO/IEC DIS 23090-31", source="relaton", body="ISO/IEC", title_en="Haptics coding",
                     status=StandardStatus.DRAFT_FOR_COMMENT, stage_code="40.20",
                     fetched_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
    store.upsert(draft)
    store.upsert(draft.model_copy(update={"stage_code": "40.60", "fetched_at": dt.datetime.now(dt.UTC)}))
    backend.index([to_index_doc(store.get(draft.id), None)])  # type: ignore[arg-type]
    watch = _create(client, auth, name="iso", search={"doc_type": "standard", "jurisdiction": "ISO/IEC"})
    entries = _entries(_feed(client, watch["id"]))
    assert [e["title"] for e in entries] == ["Haptics coding"]
    assert entries[0]["summary"].startswith("stage change: 40.20 → 40.60")


@pytest.mark.parametrize(("params", "code"), [({"since": "yesterday"}, 400), ({"limt": "5"}, 400),
                                              ({"limit": "0"}, 422)])
def test_feed_bad_parameters(client: TestClient, auth: dict[str, str], params: dict[str, str],
                             code: int) -> None:
    watch = _create(client, auth, applicants=["GOERTEK"])
    assert client.get(f"/api/v1/watchlists/{watch['id']}/feed.atom", params=params).status_code == code


def test_feed_of_a_missing_list_is_404(client: TestClient) -> None:
    assert client.get("/api/v1/watchlists/999/feed.atom").status_code == 404


def test_atom_escapes_text_and_drops_what_xml_cannot_hold() -> None:
    from api import atom

    when = dt.datetime(2026, 1, 1, 12, 0)
    body = atom.render(atom.Feed(
        id="http://x/feed.atom", title="a <b> & c", updated=when, author="li",
        entries=[atom.Entry(id="http://x/doc/1", title="bell\x07 <tag> & \"q\"", updated=when,
                            summary="x\x00y", links=[atom.Link(href="http://x/doc/1?a=1&b=2")])]))
    feed = etree.fromstring(body)
    assert feed.findtext(f"{ATOM}title") == "a <b> & c"
    assert feed.findtext(f"{ATOM}updated") == "2026-01-01T12:00:00+00:00"  # naive times are UTC
    entry = feed.find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}title") == 'bell <tag> & "q"' and entry.findtext(f"{ATOM}summary") == "xy"
    link = entry.find(f"{ATOM}link")
    assert link is not None and link.get("rel") == "alternate"
    assert link.get("href") == "http://x/doc/1?a=1&b=2"


def test_owner_is_the_keys_name(client: TestClient, store: Store, auth: dict[str, str]) -> None:
    """A key creates lists only for its own name, and cannot delete another owner's list."""
    refused = client.post("/api/v1/watchlists", json={"owner": "wang", "name": "x", "applicants": ["PICO"]},
                          headers=auth)
    assert refused.status_code == 403
    assert "'li'" in refused.json()["detail"] and "'wang'" in refused.json()["detail"]
    mine = _create(client, auth, name="mine", applicants=["GOERTEK"])
    _, wang = create_key(store.conn, "wang", ["write"])
    other = client.delete(f"/api/v1/watchlists/{mine['id']}", headers={"X-API-Key": wang})
    assert other.status_code == 403
    assert "belongs to 'li'" in other.json()["detail"]
    assert client.get(f"/api/v1/watchlists/{mine['id']}").status_code == 200
    assert client.delete(f"/api/v1/watchlists/{mine['id']}", headers=auth).status_code == 204
    assert client.delete("/api/v1/watchlists/999", headers={"X-API-Key": wang}).status_code == 404
