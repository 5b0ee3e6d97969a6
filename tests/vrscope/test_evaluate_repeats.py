"""`vrscope evaluate --cv N --repeats K`: figures over several assignments of the groups to folds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.classify.test_crossval import SERIES
from vrscope import cli_model
from vrscope.cli import app
from vrscope.settings import Settings

runner = CliRunner()


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    """A labelled file of twelve standards in six series."""
    rows = [{"id": f"{series}-{part}:2020", "source": "iso", "title_en": title.format(n=part),
             "abstract_en": abstract, "label": {"relevant": relevant, "techs": techs, "forms": []}}
            for series, title, abstract, relevant, techs in SERIES for part in (1, 2)]
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_repeats_print_each_assignment_and_the_spread(settings: Settings, gold: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_model.console, "width", 250)  # one line per table row
    result = runner.invoke(app, ["evaluate", "-i", str(gold), "--cv", "3", "--repeats", "2",
                                 "--data-dir", str(settings.data_dir)], terminal_width=250)
    assert result.exit_code == 0, result.output
    assert "3-fold cross-validation grouped by series" in result.output
    assert "2 assignments of the series groups to folds" in result.output
    for expected in ("default", "shuffled, seed 1", "mean", "min", "max", "perception_interaction"):
        assert expected in result.output
    assert "fold assignment 2/2" in result.output  # progress on stderr


@pytest.mark.parametrize("options", [["--repeats", "0", "--cv", "3"], ["--repeats", "2"],
                                     ["--repeats", "2", "--cv", "0"]])
def test_bad_repeats_are_refused(settings: Settings, gold: Path, options: list[str]) -> None:
    result = runner.invoke(app, ["evaluate", "-i", str(gold), *options, "--data-dir", str(settings.data_dir)])
    assert result.exit_code == 2
    assert "--repeats" in result.output and "only with --cv" in result.output


def test_train_refuses_repeats_without_cv(settings: Settings, gold: Path) -> None:
    result = runner.invoke(app, ["train", "--dev", str(gold), "--cv", "0", "--repeats", "3",
                                 "--data-dir", str(settings.data_dir)])
    assert result.exit_code == 2 and "--repeats" in result.output
