"""Re-crawling the openstd mirror: a status move and a withdrawal are recorded once, with their dates."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from crawlers.mirror import FIXTURES, Mirror
from tests.crawlers.test_openstd import EXPECTED, _crawl
from vrscope.changes import ChangeKind
from vrscope.store import Store


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, path
    path.write_text(text.replace(old, new), "utf-8")


@pytest.mark.slow
def test_recrawl_records_what_moved(tmp_path: Path) -> None:
    start = dt.datetime.now(dt.UTC)
    data = tmp_path / "data"
    with Mirror() as mirror:
        _crawl(mirror, data)
    with Store(data / "vrscope.sqlite3") as store:
        first = store.changes_since(start.date())
        assert sorted(c.doc_id for c in first) == sorted(EXPECTED)
        assert {c.kind for c in first} == {ChangeKind.NEW}
        assert all(c.observed_at >= start and c.source == "openstd" for c in first)
    later = dt.datetime.now(dt.UTC)

    # The same pages a while later: GB/T 44220-2024 took effect, GB/T 38259-2019 was withdrawn.
    moved = tmp_path / "fixtures"
    shutil.copytree(FIXTURES / "openstd", moved / "openstd")
    _edit(moved / "openstd" / "detail_gbt_44220_2024.html", "即将实施", "现行")
    _edit(moved / "openstd" / "detail_gbt_38259_2019.html", "现行", "废止")
    with Mirror(moved) as mirror:
        _crawl(mirror, data)
    with Store(data / "vrscope.sqlite3") as store:
        got = {(c.doc_id, c.kind, c.old_value, c.new_value) for c in store.changes_since(later)}
        assert got == {
            ("GB/T 44220-2024", ChangeKind.STATUS_CHANGE, "to_be_implemented", "published"),
            ("GB/T 38259-2019", ChangeKind.WITHDRAWN, "published", "withdrawn"),
        }
        effective = {c.doc_id: c.effective_date for c in store.changes_since(later)}
        assert effective["GB/T 44220-2024"] is not None  # the implementation date the page gives
        assert [c.doc_id for c in store.changes_since(later, kinds=["withdrawn"])] == ["GB/T 38259-2019"]
        total = len(store.changes_since(start.date()))

    # Nothing moved since: a third crawl adds no change rows.
    with Mirror(moved) as mirror:
        _crawl(mirror, data)
    with Store(data / "vrscope.sqlite3") as store:
        assert len(store.changes_since(start.date())) == total == len(EXPECTED) + 2
