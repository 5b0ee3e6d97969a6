"""The CLI: every command documents itself; the demo runs the whole pipeline offline."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from vrscope.cli import app
from vrscope.settings import Settings
from vrscope.store import Store

runner = CliRunner()
COMMANDS = ["crawl", "train", "classify", "index", "serve", "demo", "label", "evaluate", "label-fix"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "--data-dir" in result.output


def test_unknown_source_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["crawl", "--source", "nowhere", "--data-dir", str(tmp_path)])
    assert result.exit_code != 0
    assert "unknown source 'nowhere'" in result.output


@pytest.mark.slow
def test_demo_runs_end_to_end_and_the_api_finds_chinese_and_english(settings: Settings) -> None:
    data_dir = settings.data_dir
    result = runner.invoke(app, ["demo", "--no-serve", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert "epo_ops" in result.output and "openstd" in result.output
    with Store(data_dir / "vrscope.sqlite3") as store:
        by_source = store.counts_by_source()
        assert by_source["epo_ops"] >= 5 and by_source["openstd"] >= 4
        assert not store.unlabelled_ids()
        assert store.dead_letters() == []

    # A second demo run adds nothing and loses nothing.
    again = runner.invoke(app, ["demo", "--no-serve", "--data-dir", str(data_dir)])
    assert again.exit_code == 0, again.output
    with Store(data_dir / "vrscope.sqlite3") as store:
        assert store.counts_by_source() == by_source

    from api.main import create_app

    with TestClient(create_app(settings)) as client:
        health = client.get("/health").json()
        assert health["documents"] == health["indexed"] == sum(by_source.values())
        zh = client.get("/api/v1/search", params={"q": "虚拟现实"}).json()
        assert zh["total"] >= 2
        assert any("虚拟现实" in hit["title"] or "<b>" in hit["snippet"] for hit in zh["hits"])
        en = client.get("/api/v1/search", params={"q": "head-mounted display"}).json()
        assert en["total"] >= 1
        assert en["histogram"], "the per-year chart needs a histogram"
        near_eye = client.get("/api/v1/search", params={"tech": "near_eye_display"}).json()
        assert near_eye["total"] >= 1
        page = client.get("/")
        assert page.status_code == 200 and "<input" in page.text
        # The mirror's Qingdao records give the scoreboard something to score: a mix of statuses.
        board = client.get("/api/v1/scoreboard").json()
        statuses = [row["status"] for row in board["rows"]]
        assert board["headline"]["breakthroughs"] == statuses.count("breakthrough") >= 1
        assert {"breakthrough", "on_track", "behind"} <= set(statuses)
        for row in board["rows"]:
            if row["status"] == "breakthrough":
                assert row["local_filings"] >= 10 and row["standards"] >= 1, row
        city = client.get("/api/v1/players", params={"scope": "city", "size": 2}).json()
        assert len(city["players"]) == 2 and city["next_cursor"] is not None
