"""Change tracking: what a re-crawl saw move is recorded once, with its date, on both write paths."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from vrscope.changes import ChangeKind, detect
from vrscope.records import Standard, StandardStatus
from vrscope.store import Store

SEEN = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)


def _std(status: StandardStatus | None = StandardStatus.TO_BE_IMPLEMENTED, day: int = 1,
         **extra: object) -> Standard:
    fields: dict[str, object] = {
        "id": "GB/T 44220-2024", "source": "openstd", "url": "https://openstd.samr.gov.cn/x",
        "title_zh": "虚拟现实设备接口 定位设备", "status": status,
        "published_date": dt.date(2024, 7, 24), "implemented_date": dt.date(2025, 2, 1),
        "fetched_at": dt.datetime(2025, 3, day, 8, 0, tzinfo=dt.UTC),
    }
    fields.update(extra)
    return Standard.model_validate(fields)


def test_detect_kinds() -> None:
    assert [c.kind for c in detect(None, _std(), SEEN, "s")] == [ChangeKind.NEW]
    draft = _std(StandardStatus.DRAFT_FOR_COMMENT, comment_deadline=dt.date(2025, 4, 1))
    assert [c.kind for c in detect(None, draft, SEEN, "s")] == [ChangeKind.NEW_DRAFT]
    moved = detect(_std(), _std(StandardStatus.PUBLISHED), SEEN, "s")
    assert [(c.kind, c.old_value, c.new_value, c.effective_date) for c in moved] == [
        (ChangeKind.STATUS_CHANGE, "to_be_implemented", "published", dt.date(2025, 2, 1))]
    gone = detect(_std(StandardStatus.PUBLISHED),
                  _std(StandardStatus.WITHDRAWN, withdrawn_date=dt.date(2025, 2, 20)), SEEN, "s")
    assert [(c.kind, c.effective_date) for c in gone] == [(ChangeKind.WITHDRAWN, dt.date(2025, 2, 20))]
    assert detect(_std(), _std(StandardStatus.REPLACED), SEEN, "s")[0].kind is ChangeKind.REPLACED
    staged = detect(_std(stage_code="40.20"), _std(stage_code="40.60"), SEEN, "s")
    assert [(c.kind, c.old_value, c.new_value) for c in staged] == [
        (ChangeKind.STAGE_CHANGE, "40.20", "40.60")]
    again = detect(draft, draft.model_copy(update={"comment_deadline": dt.date(2025, 6, 1)}), SEEN, "s")
    assert [(c.kind, c.new_value) for c in again] == [(ChangeKind.NEW_DRAFT, "2025-06-01")]
    assert detect(_std(), _std(title_en="Interfaces"), SEEN, "s") == []


@pytest.mark.parametrize("path", ["upsert", "upsert_many"])
def test_both_write_paths_record_changes_once(tmp_path: Path, path: str) -> None:
    with Store(tmp_path / "s.db") as store:
        def put(record: Standard) -> None:
            if path == "upsert":
                store.upsert(record)
            else:
                store.upsert_many([record])

        put(_std(day=1))
        put(_std(day=2))  # seen again, nothing moved
        put(_std(StandardStatus.PUBLISHED, day=3))
        put(_std(StandardStatus.PUBLISHED, day=4))
        got = store.changes_since(dt.date(2025, 1, 1))
        assert [(c.kind, c.new_value, c.observed_at.day) for c in got] == [
            (ChangeKind.NEW, "to_be_implemented", 1), (ChangeKind.STATUS_CHANGE, "published", 3)]
        assert [c.kind for c in store.changes_since(dt.date(2025, 3, 2))] == [ChangeKind.STATUS_CHANGE]
        assert store.changes_since(dt.date(2025, 1, 1), kinds=["withdrawn"]) == []
        assert len(store.changes_since(dt.date(2025, 1, 1), kinds=["new", "status_change"])) == 2
        assert store.changes_since(dt.date(2025, 1, 1), kinds=[]) == []
        with pytest.raises(ValueError):
            store.changes_since(dt.date(2025, 1, 1), kinds=["moved"])


def test_patents_record_no_changes(tmp_path: Path) -> None:
    from vrscope.records import Patent

    with Store(tmp_path / "s.db") as store:
        store.upsert(Patent(id="CN 112345678 A", source="epo_ops", jurisdiction="CN"))
        assert store.changes_since(dt.date(2000, 1, 1)) == []
