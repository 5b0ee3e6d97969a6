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
from vrscope.records import Labels, Level, Standard, StandardStatus
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


@pytest.fixture
def labelled(tracked: Store) -> Store:
    """The tracked store with the ISO draft labelled perception (AR) and the Qingdao draft near-eye (VR);
    the conftest's GB/T 38259-2019 is near-eye display (VR), published 2019."""
    tracked.set_labels([
        (DRAFT_ID, Labels(relevant=True, techs={"perception_interaction": 0.8}, forms={"ar": 0.7},
                          model_version="m1")),
        ("T/QDVR 002-2025", Labels(relevant=True, techs={"near_eye_display": 0.9}, forms={"vr": 0.9},
                                   subtopics={"eye_tracking": 0.8}, model_version="m1")),
    ])
    return tracked


def _ids(client: TestClient, path: str, **params: object) -> list[str]:
    response = client.get(f"/api/v1/standards/{path}", params=params)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    body = response.json()
    if path == "local-drafters":
        return sorted({s["id"] for d in body["drafters"] for s in d["standards"]})
    return [row.get("id") or row["doc_id"] for row in body["data"]]


def test_drafts_open_take_the_view_filters(client: TestClient, labelled: Store) -> None:
    assert _ids(client, "drafts-open") == ["T/QDVR 002-2025", DRAFT_ID]
    assert _ids(client, "drafts-open", tech="perception_interaction") == [DRAFT_ID]
    assert _ids(client, "drafts-open", form="vr") == ["T/QDVR 002-2025"]
    assert _ids(client, "drafts-open", subtopic="eye_tracking") == ["T/QDVR 002-2025"]
    assert _ids(client, "drafts-open", tech=["perception_interaction", "near_eye_display"]) == [
        "T/QDVR 002-2025", DRAFT_ID]
    assert _ids(client, "drafts-open", jurisdiction="ISO/IEC") == [DRAFT_ID]
    assert _ids(client, "drafts-open", body="QDVR", doc_type="standard", relevant_only="true") == [
        "T/QDVR 002-2025"]
    assert _ids(client, "drafts-open", form="ar", body="QDVR") == []
    assert _ids(client, "drafts-open", year_from=2000) == []  # neither draft is dated


def test_local_drafters_take_the_view_filters(client: TestClient, labelled: Store) -> None:
    assert _ids(client, "local-drafters") == ["T/QDVR 002-2025"]
    assert _ids(client, "local-drafters", tech="near_eye_display", form="vr") == ["T/QDVR 002-2025"]
    assert _ids(client, "local-drafters", tech="perception_interaction") == []
    assert _ids(client, "local-drafters", year_to=2024) == []
    assert _ids(client, "local-drafters", status="draft_for_comment") == ["T/QDVR 002-2025"]
    assert _ids(client, "local-drafters", status="published") == []


def test_changes_take_the_view_filters(client: TestClient, labelled: Store) -> None:
    everything = client.get("/api/v1/standards/changes", params={"since": "2000-01-01"}).json()
    assert everything["count"] == 4
    near_eye = client.get("/api/v1/standards/changes", params={"since": "2000-01-01",
                                                              "tech": "near_eye_display"}).json()
    assert sorted(c["doc_id"] for c in near_eye["data"]) == ["GB/T 38259-2019", "T/QDVR 002-2025"]
    assert near_eye["count"] == 2
    page = client.get("/api/v1/standards/changes", params={"since": "2000-01-01", "form": "ar",
                                                          "limit": 1}).json()
    assert [c["doc_id"] for c in page["data"]] == [DRAFT_ID] and page["count"] == 1
    assert _ids(client, "changes", since="2000-01-01", year_from=2019, year_to=2019) == ["GB/T 38259-2019"]
    assert _ids(client, "changes", since="2000-01-01", body="SAC", tech="perception_interaction") == []
    as_csv = client.get("/api/v1/standards/changes", params={"since": "2000-01-01", "form": "ar",
                                                            "format": "csv"})
    rows = csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig")))
    assert [r["doc_id"] for r in rows] == [DRAFT_ID]


def test_a_changes_cursor_is_bound_to_its_filters(client: TestClient, labelled: Store) -> None:
    first = client.get("/api/v1/standards/changes", params={"since": "2000-01-01", "tech": "near_eye_display",
                                                           "cursor": "*", "limit": 1}).json()
    assert len(first["data"]) == 1 and first["count"] == 2 and first["next_cursor"]
    same = client.get("/api/v1/standards/changes", params={"since": "2000-01-01", "tech": "near_eye_display",
                                                          "cursor": first["next_cursor"], "limit": 1}).json()
    assert {first["data"][0]["doc_id"], same["data"][0]["doc_id"]} == {"GB/T 38259-2019", "T/QDVR 002-2025"}
    other = client.get("/api/v1/standards/changes", params={"since": "2000-01-01", "form": "ar",
                                                           "cursor": first["next_cursor"], "limit": 1})
    assert other.status_code == 400 and "other filters" in other.json()["detail"]


@pytest.mark.parametrize("path", ["summary", "drafts-open", "changes", "local-drafters"])
@pytest.mark.parametrize(("params", "needle"), [
    ({"tech": "flying_cars"}, "unknown technology 'flying_cars'"),
    ({"form": "xr"}, "unknown form 'xr'"),
    ({"subtopic": "nope"}, "unknown sub-topic 'nope'"),
    ({"doc_type": "patent"}, "doc_type"),
    ({"year_from": "2024", "year_to": "2020"}, "year_from (2024) is after year_to (2020)"),
    ({"year_from": "soon"}, "year_from"),
    ({"relevant_only": "maybe"}, "relevant_only"),
])
def test_bad_filter_values_are_422(client: TestClient, path: str, params: dict[str, str],
                                   needle: str) -> None:
    response = client.get(f"/api/v1/standards/{path}", params=params)
    assert response.status_code == 422
    assert needle in response.json()["message"]
