"""The standards tracker on a real store and the fake engine: counts, open drafts, changes, local drafters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.backend import FacetValue
from search.schema import to_index_doc
from search.tracker import (
    TrackerFilters,
    changes,
    count_changes,
    drafts_open,
    ics_prefix,
    local_drafters,
    newest_changes,
    phase_of,
    summary,
)
from tests.api.fakes import FakeBackend
from vrscope.changes import ChangeKind
from vrscope.records import Correction, Labels, Level, Standard, StandardStatus
from vrscope.store import Store

DAY1 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def _standards() -> list[Standard]:
    return [
        Standard(id="ISO/IEC DIS 23090-31", source="relaton", body="ISO/IEC", level=Level.INTERNATIONAL,
                 title_en="MPEG-I haptics coding", status=StandardStatus.DRAFT_FOR_COMMENT,
                 stage_code="40.20",
                 stage_name="DIS ballot initiated", committee="ISO/IEC JTC 1/SC 29", ics=["35.040.40"],
                 comment_deadline=dt.date(2026, 5, 10), fetched_at=DAY1),
        Standard(id="GB/T 38259-2019", source="openstd", body="SAC", level=Level.NATIONAL,
                 title_zh="信息技术 虚拟现实头戴式显示设备通用规范", status=StandardStatus.PUBLISHED,
                 committee="TC28", ics=["35.180"], published_date=dt.date(2019, 12, 10),
                 drafting_orgs=["中国电子技术标准化研究院", "青岛虚拟现实研究院有限公司"], fetched_at=DAY1),
        Standard(id="GB/T 38258-2019", source="openstd", body="SAC", level=Level.NATIONAL,
                 title_zh="信息技术 虚拟现实应用软件基本要求和测试方法", status=StandardStatus.PUBLISHED,
                 committee="TC28", ics=["35.240.99", "35.240.01"], published_date=dt.date(2019, 12, 10),
                 drafting_orgs=["青岛虚拟现实研究院有限公司", "山东省青岛市崂山区某科技公司"],
                 fetched_at=DAY1),
        Standard(id="T/CVRVT 0001-2026", source="ttbz", body="CVRVT", level=Level.GROUP,
                 title_zh="虚拟现实一体机 征求意见稿", status=StandardStatus.DRAFT_FOR_COMMENT,
                 comment_deadline=dt.date(2026, 4, 1), drafting_orgs=["歌尔股份有限公司"], fetched_at=DAY1),
        Standard(id="GB/T 20528.1-2006", source="openstd", body="SAC", level=Level.NATIONAL,
                 title_zh="使用基于平板视觉显示器工作的人类工效学要求", status=StandardStatus.WITHDRAWN,
                 committee="TC7", ics=["13.180"], comment_deadline=dt.date(2026, 6, 1), fetched_at=DAY1),
    ]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "store.sqlite3") as st:
        st.upsert_many(_standards())
        st.set_labels([("GB/T 38259-2019", Labels(relevant=True, techs={"near_eye_display": 0.9},
                                                  model_version="m1")),
                       ("ISO/IEC DIS 23090-31", Labels(relevant=True, techs={"perception_interaction": 0.8},
                                                       model_version="m1"))])
        yield st


@pytest.fixture
def backend(store: Store) -> FakeBackend:
    return FakeBackend(to_index_doc(doc, store.labels(doc.id)) for doc in store.iter_documents())


def _counts(buckets: list[FacetValue]) -> dict[str, int]:
    return {b.value: b.count for b in buckets}


def test_summary_counts_every_way(store: Store, backend: FakeBackend) -> None:
    result = summary(backend, store, TrackerFilters())
    assert result.total == result.indexed == 5
    assert result.in_development == 2
    assert _counts(result.by_phase) == {"in_force": 2, "in_development": 2, "ended": 1}
    assert _counts(result.by_status) == {"published": 2, "draft_for_comment": 2, "withdrawn": 1}
    assert _counts(result.by_body) == {"SAC": 3, "ISO/IEC": 1, "CVRVT": 1}
    assert _counts(result.by_committee) == {"TC28": 2, "ISO/IEC JTC 1/SC 29": 1, "TC7": 1}
    # ICS grouped at depth 2: GB/T 38258 has two codes under 35.240 and counts once there.
    assert _counts(result.by_ics) == {"35.240": 1, "35.040": 1, "35.180": 1, "13.180": 1}
    assert _counts(result.by_stage) == {"40.20 DIS ballot initiated": 1}
    assert _counts(result.by_level) == {"national": 3, "international": 1, "group": 1}
    assert [b.value for b in result.by_committee][0] == "TC28"  # most frequent first


def test_summary_filters_apply_to_engine_and_store_alike(store: Store, backend: FakeBackend) -> None:
    by_tech = summary(backend, store, TrackerFilters(techs=["near_eye_display"]))
    assert by_tech.total == by_tech.indexed == 1
    assert _counts(by_tech.by_committee) == {"TC28": 1}
    assert _counts(by_tech.by_status) == {"published": 1}
    relevant = summary(backend, store, TrackerFilters(relevant_only=True, body=["ISO/IEC"]))
    assert relevant.total == relevant.indexed == 1
    assert _counts(relevant.by_ics) == {"35.040": 1}
    # only the two 2019 standards are dated; undated ones never pass a year filter
    dated = summary(backend, store, TrackerFilters(year_to=2019))
    assert dated.total == dated.indexed == 2
    assert summary(backend, store, TrackerFilters(year_from=2020)).total == 0
    shallow = summary(backend, store, TrackerFilters(), ics_depth=1)
    assert _counts(shallow.by_ics) == {"35": 3, "13": 1}


def test_empty_store_summary(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.sqlite3") as empty:
        result = summary(FakeBackend(), empty, TrackerFilters())
    assert result.total == 0 and result.by_committee == [] and result.by_ics == []


def test_drafts_open_from_today_soonest_first(store: Store) -> None:
    found = drafts_open(store, dt.date(2026, 3, 20))
    assert [(d.id, d.days_left) for d in found] == [("T/CVRVT 0001-2026", 12), ("ISO/IEC DIS 23090-31", 51)]
    assert found[1].stage == "40.20 DIS ballot initiated" and found[1].title == "MPEG-I haptics coding"
    # a deadline that has passed is closed; the withdrawn standard's date never counts
    assert [d.id for d in drafts_open(store, dt.date(2026, 4, 2))] == ["ISO/IEC DIS 23090-31"]
    assert drafts_open(store, dt.date(2026, 4, 1))[0].days_left == 0
    assert [d.id for d in drafts_open(store, dt.date(2026, 3, 1), body=["CVRVT"])] == ["T/CVRVT 0001-2026"]


def test_a_recrawl_that_moves_a_stage_shows_in_changes_since(store: Store) -> None:
    moved = _standards()[0].model_copy(update={
        "stage_code": "40.60", "stage_name": "Close of voting",
        "fetched_at": dt.datetime(2026, 3, 9, 8, 0, tzinfo=dt.UTC)})
    store.upsert(moved)
    since = changes(store, dt.date(2026, 3, 5))
    assert [(c.doc_id, c.kind, c.old_value, c.new_value) for c in since] == [
        ("ISO/IEC DIS 23090-31", ChangeKind.STAGE_CHANGE, "40.20", "40.60")]
    assert since[0].title == "MPEG-I haptics coding" and since[0].body == "ISO/IEC"
    everything = changes(store, dt.date(2026, 1, 1))
    assert len(everything) == 6
    assert {c.kind for c in changes(store, dt.date(2026, 1, 1), ["new_draft"])} == {ChangeKind.NEW_DRAFT}
    assert changes(store, dt.date(2026, 3, 10)) == []
    newest = changes(store, dt.date(2026, 1, 1), last=2)
    assert [c.doc_id for c in newest] == [c.doc_id for c in everything[-2:]]
    assert store.count_changes_since(dt.date(2026, 1, 1)) == 6
    assert store.count_changes_since(dt.date(2026, 1, 1), ["new_draft"]) == len(
        changes(store, dt.date(2026, 1, 1), ["new_draft"]))
    assert store.count_changes_since(dt.date(2026, 1, 1), []) == 0


def test_local_drafters_are_the_qingdao_ones(store: Store) -> None:
    result = local_drafters(store)
    assert [(d.name, d.count, d.district) for d in result.drafters] == [
        ("青岛虚拟现实研究院有限公司", 2, None), ("山东省青岛市崂山区某科技公司", 1, "崂山区")]
    assert [s.id for s in result.drafters[0].standards] == ["GB/T 38258-2019", "GB/T 38259-2019"]
    assert "青岛" in result.method


def test_phase_and_ics_helpers() -> None:
    assert phase_of("draft_for_comment") == "in_development"
    assert phase_of("to_be_implemented") == "in_force"
    assert phase_of("replaced") == "ended"
    assert phase_of(None) == phase_of("nonsense") == "unknown"
    assert ics_prefix("35.240.99", 2) == "35.240" and ics_prefix("35", 3) == "35"


@pytest.fixture
def labelled(store: Store) -> Store:
    """The store with the group draft labelled near-eye display (VR) and GB/T 38258 corrected into it."""
    store.set_labels([("T/CVRVT 0001-2026", Labels(relevant=True, techs={"near_eye_display": 0.7},
                                                   forms={"vr": 0.9}, model_version="m1"))])
    store.correct("GB/T 38258-2019", Correction(relevant=True, techs=["near_eye_display"], forms=["ar"],
                                                author="scout"))
    return store


def test_drafts_open_take_the_view_filters(labelled: Store) -> None:
    """Technology, form, body and years narrow the open drafts; undated drafts never pass a year filter."""
    day = dt.date(2026, 3, 20)

    def ids(**filters: object) -> list[str]:
        return [d.id for d in drafts_open(labelled, day, filters=TrackerFilters.model_validate(filters))]

    assert ids() == ["T/CVRVT 0001-2026", "ISO/IEC DIS 23090-31"]
    assert ids(techs=["perception_interaction"]) == ["ISO/IEC DIS 23090-31"]
    assert ids(techs=["near_eye_display"]) == ids(forms=["vr"]) == ["T/CVRVT 0001-2026"]
    assert ids(techs=["near_eye_display", "perception_interaction"]) == ids()  # OR within a filter
    assert ids(techs=["near_eye_display"], body=["ISO/IEC"]) == []  # AND across filters
    assert ids(forms=["ar"]) == [] and ids(year_from=2000) == []
    assert ids(relevant_only=True, body=["CVRVT"]) == ["T/CVRVT 0001-2026"]


def test_local_drafters_take_the_view_filters(labelled: Store) -> None:
    """Only standards passing the filters count for a drafter; a correction's labels are the ones used."""
    def drafters(**filters: object) -> list[tuple[str, int]]:
        result = local_drafters(labelled, TrackerFilters.model_validate(filters))
        return [(d.name, d.count) for d in result.drafters]

    assert sorted(drafters(forms=["ar"])) == [("山东省青岛市崂山区某科技公司", 1),
                                              ("青岛虚拟现实研究院有限公司", 1)]
    assert drafters(techs=["near_eye_display"], forms=["vr"]) == []  # CVRVT's drafter is not local
    assert drafters(techs=["near_eye_display"])[0] == ("青岛虚拟现实研究院有限公司", 2)
    assert drafters(techs=["perception_interaction"]) == [] and drafters(year_from=2020) == []
    assert drafters(year_to=2019, body=["SAC"]) == drafters()


def test_changes_take_the_view_filters_and_read_only_their_page(labelled: Store) -> None:
    """Filtered changes are selected in SQL: the page query is limited and filtered there, counts agree."""
    moved = _standards()[0].model_copy(update={
        "stage_code": "40.60", "stage_name": "Close of voting",
        "fetched_at": dt.datetime(2026, 3, 9, 8, 0, tzinfo=dt.UTC)})
    labelled.upsert(moved)
    since = dt.date(2026, 1, 1)
    by_tech = TrackerFilters(techs=["perception_interaction"])
    found = changes(labelled, since, filters=by_tech)
    assert [(c.doc_id, c.kind) for c in found] == [("ISO/IEC DIS 23090-31", ChangeKind.NEW_DRAFT),
                                                  ("ISO/IEC DIS 23090-31", ChangeKind.STAGE_CHANGE)]
    assert count_changes(labelled, since, None, by_tech) == 2
    near_eye = TrackerFilters(techs=["near_eye_display"])
    assert {c.doc_id for c in changes(labelled, since, filters=near_eye)} == {
        "GB/T 38259-2019", "GB/T 38258-2019", "T/CVRVT 0001-2026"}
    assert count_changes(labelled, since, ["new_draft"], near_eye) == 1
    sac = TrackerFilters(body=["SAC"], year_to=2019)
    assert {c.doc_id for c in changes(labelled, since, filters=sac)} == {"GB/T 38259-2019", "GB/T 38258-2019"}
    assert changes(labelled, since, filters=TrackerFilters(forms=["mr"])) == []
    assert count_changes(labelled, since, None, TrackerFilters(forms=["mr"])) == 0
    assert count_changes(labelled, since) == 6 == count_changes(labelled, since, None, TrackerFilters())

    statements: list[str] = []
    labelled.conn.set_trace_callback(statements.append)
    try:
        page = changes(labelled, since, last=1, filters=by_tech)
    finally:
        labelled.conn.set_trace_callback(None)
    assert [(c.doc_id, c.kind) for c in page] == [("ISO/IEC DIS 23090-31", ChangeKind.STAGE_CHANGE)]
    [query] = [s for s in statements if "FROM changes" in s]
    assert "LIMIT 1" in query and "json_each" in query


def test_newest_changes_is_the_page_and_the_count(labelled: Store) -> None:
    since = dt.date(2000, 1, 1)
    totals = []
    for filters in (None, TrackerFilters(techs=["near_eye_display"]), TrackerFilters(forms=["mr"])):
        page, total = newest_changes(labelled, since, None, 1, filters)
        assert page == changes(labelled, since, None, last=1, filters=filters)
        assert total == count_changes(labelled, since, None, filters)
        totals.append(total)
    assert totals[0] > totals[1] > 0 and totals[2] == 0
