"""`vrscope changes`: a table of the standards' changes since a day; bad dates and kinds are clear errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from vrscope.cli import app
from vrscope.records import Standard, StandardStatus
from vrscope.store import Store

runner = CliRunner()


def _store(data_dir: Path) -> None:
    draft = Standard(id="ISO/IEC DIS 23090-31", source="relaton", title_en="Haptics coding",
                     status=StandardStatus.DRAFT_FOR_COMMENT, stage_code="40.20",
                     fetched_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
    with Store(data_dir / "vrscope.sqlite3") as store:
        store.upsert(draft)
        store.upsert(draft.model_copy(update={"stage_code": "40.60",
                                              "fetched_at": dt.datetime(2026, 2, 2, tzinfo=dt.UTC)}))


def test_changes_since_prints_a_table(tmp_path: Path) -> None:
    _store(tmp_path)
    result = runner.invoke(app, ["changes", "--since", "2026-02-01", "--data-dir", str(tmp_path)],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "changes since 2026-02-01: 1" in result.output
    assert "ISO/IEC DIS 23090-31" in result.output and "stage_change" in result.output
    assert "40.20" in result.output and "40.60" in result.output and "Haptics coding" in result.output
    everything = runner.invoke(app, ["changes", "--since", "2026-01-01", "--kind", "new_draft",
                                     "--data-dir", str(tmp_path)], env={"COLUMNS": "200"})
    assert everything.exit_code == 0 and "changes since 2026-01-01: 1" in everything.output
    assert "new_draft" in everything.output and "stage_change" not in everything.output


def test_bad_date_and_kind_are_clear_errors(tmp_path: Path) -> None:
    bad_day = runner.invoke(app, ["changes", "--since", "1 Feb", "--data-dir", str(tmp_path)])
    assert bad_day.exit_code == 2 and "YYYY-MM-DD" in bad_day.output
    bad_kind = runner.invoke(app, ["changes", "--since", "2026-01-01", "--kind", "moved",
                                   "--data-dir", str(tmp_path)])
    assert bad_kind.exit_code == 2 and "moved" in bad_kind.output
    assert runner.invoke(app, ["changes", "--help"]).exit_code == 0
