"""The standards tracker endpoints: JSON shapes, changes since a date, 400s for bad input, exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from search.schema import to_index_doc
from tests.api.fakes import FakeBackend
from vrscope.records import Level, Standard, StandardStatus
from vrscope.store import Store

DRAFT_ID = "ISO/IEC DIS 23090-31"
TODAY = dt.datetime.now(dt.UTC).date()


def _draft(**update: object) -> Standard:
    fields: dict[str, object] = {
        "id": DRAFT_ID, "source": "relaton", "body": "ISO/IEC", "level": Level.INTERNATIONAL,
        "title_en": "MPEG-I haptics coding", "status": StandardStatus.DRAFT_FOR_COMMENT,
        "stage_code": "40.20",
        "committee": "ISO/IEC JTC 1/SC 29", "ics": ["35.040.40"],
        "comment_deadline": TODAY + dt.timedelta(days=20),
        "fetched_at": dt.datetime.now(dt.UTC) - dt.timedelta(days=30),
    }
    fields.update(update)
    return Standard.model_validate(fields)


@pytest.fixture
def tracked(store: Store, backend: FakeBackend) -> Store:
    """The conftest store plus a draft open for comment and a Qingdao-drafted group standard, indexed."""
    store.upsert(_draft())
    store.upsert(Standard(id="T/QDVR 002-2025", source="ttbz", body="QDVR", level=Level.GROUP,
                          title_zh="虚拟现实 眼动追踪 征求意见稿", status=StandardStatus.DRAFT_FOR_COMMENT,
                          comment_deadline=TODAY + dt.timedelta(days=3), committee="QDVR TC1",
                          drafting_orgs=["青岛市崂山区虚拟现实产业联盟", "Goertek Inc."]))
    store.upsert(Standard(id="GB/T 1-2000", source="openstd", body="SAC", title_zh="旧的意见稿",
                          status=StandardStatus.DRAFT_FOR_COMMENT,
                          comment_deadline=TODAY - dt.timedelta(days=1)))
    backend.index(to_index_doc(doc, store.labels(doc.id)) for doc in store.iter_documents("standard"))
    return store


def test_summary(client: TestClient, tracked: Store) -> None:
    body = client.get("/api/v1/standards/summary").json()
    assert body["total"] == body["indexed"] == 4
    assert {b["value"]: b["count"] for b in body["by_status"]}["draft_for_comment"] == 3
    assert {b["value"]: b["count"] for b in body["by_committee"]} == {"ISO/IEC JTC 1/SC 29": 1, "QDVR TC1": 1}
    assert body["by_ics"] == [{"value": "35.040", "count": 1}]
    assert body["in_development"] == 3
    only_iso = client.get("/api/v1/standards/summary", params={"body": "ISO/IEC"}).json()
    assert only_iso["total"] == only_iso["indexed"] == 1


def test_drafts_open_soonest_first(client: TestClient, tracked: Store) -> None:
    body = client.get("/api/v1/standards/drafts-open").json()
    assert body["as_of"] == TODAY.isoformat()
    assert [(d["id"], d["days_left"]) for d in body["data"]] == [("T/QDVR 002-2025", 3), (DRAFT_ID, 20)]
    earlier = client.get("/api/v1/standards/drafts-open",
                         params={"as_of": (TODAY - dt.timedelta(days=1)).isoformat()}).json()
    assert earlier["count"] == 3


def test_a_stage_move_shows_in_changes_since(client: TestClient, tracked: Store) -> None:
    before = client.get("/api/v1/standards/changes", params={"since": TODAY.isoformat()}).json()
    assert DRAFT_ID not in {c["doc_id"] for c in before["data"]}  # first seen a month ago
    tracked.upsert(_draft(stage_code="40.60", fetched_at=dt.datetime.now(dt.UTC)))
    body = client.get("/api/v1/standards/changes",
                      params={"since": TODAY.isoformat(), "kind": "stage_change"}).json()
    assert body["kinds"] == ["stage_change"]
    assert [(c["doc_id"], c["title"], c["old_value"], c["new_value"]) for c in body["data"]] == [
        (DRAFT_ID, "MPEG-I haptics coding", "40.20", "40.60")]
    assert body["count"] == 1
    # the default window is the last 7 days
    recent = client.get("/api/v1/standards/changes").json()
    assert recent["since"] == (TODAY - dt.timedelta(days=7)).isoformat()
    assert ("stage_change", DRAFT_ID) in {(c["kind"], c["doc_id"]) for c in recent["data"]}


def test_local_drafters(client: TestClient, tracked: Store) -> None:
    body = client.get("/api/v1/standards/local-drafters").json()
    assert [(d["name"], d["district"], d["count"]) for d in body["drafters"]] == [
        ("青岛市崂山区虚拟现实产业联盟", "崂山区", 1)]
    assert body["drafters"][0]["standards"][0]["id"] == "T/QDVR 002-2025"


@pytest.mark.parametrize(
    ("path", "params", "needle"),
    [
        ("/api/v1/standards/changes", {"since": "2026-13-01"}, "since"),
        ("/api/v1/standards/changes", {"since": "last week"}, "since"),
        ("/api/v1/standards/changes", {"since": "20260101"}, "since"),
        ("/api/v1/standards/changes", {"kind": "moved"}, "'moved'"),
        ("/api/v1/standards/drafts-open", {"as_of": "tomorrow"}, "as_of"),
        ("/api/v1/standards/summary", {"comitee": "TC28"}, "'comitee'"),
        ("/api/v1/standards/changes", {"sinse": "2026-01-01"}, "'sinse'"),
        ("/api/v1/standards/drafts-open", {"deadline": "x"}, "'deadline'"),
        ("/api/v1/standards/local-drafters", {"city": "qingdao"}, "'city'"),
    ],
)
def test_bad_parameters_are_400(client: TestClient, path: str, params: dict[str, str], needle: str) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 400
    assert needle in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "params"),
    [("/api/v1/standards/summary", {"ics_depth": "4"}), ("/api/v1/standards/changes", {"format": "pdf"}),
     ("/api/v1/standards/summary", {"year_from": "2024", "year_to": "2020"})],
)
def test_bad_values_are_4xx(client: TestClient, path: str, params: dict[str, str]) -> None:
    response = client.get(path, params=params)
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("path", ["summary", "drafts-open", "changes", "local-drafters"])
def test_every_list_exports_csv_xlsx_jsonl(client: TestClient, tracked: Store, path: str) -> None:
    url = f"/api/v1/standards/{path}"
    params = {"since": "2000-01-01"} if path == "changes" else {}
    as_csv = client.get(url, params={**params, "format": "csv"})
    assert as_csv.status_code == 200 and as_csv.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows
    lines = client.get(url, params={**params, "format": "jsonl"}).text.splitlines()
    assert len(lines) == len(rows) and all(json.loads(line) for line in lines)
    book = load_workbook(io.BytesIO(client.get(url, params={**params, "format": "xlsx"}).content))
    assert book.active is not None and book.active.max_row == len(rows) + 1
    if path == "drafts-open":
        assert [r["id"] for r in rows] == ["T/QDVR 002-2025", DRAFT_ID]
