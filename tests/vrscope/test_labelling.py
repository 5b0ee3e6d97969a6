"""The classifier commands: label (with a bad line), evaluate, label-fix (corrections win), train."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.classify.test_model import CORPUS
from vrscope.cli import app
from vrscope.labelling import LineError, Row, parse_lines
from vrscope.settings import Settings
from vrscope.store import Store

runner = CliRunner()
ROWS = [
    {"id": "ISO/IEC 23090-2:2023", "source": "iso", "title_en": "Coded representation of immersive media - "
     "Part 2: Omnidirectional media format", "abstract_en": "OMAF for 360 degree video in VR headsets.",
     "committee": ["ISO/IEC JTC 1/SC 29"], "ics": ["35.040.40"],
     "label": {"relevant": True, "techs": ["content_production"], "forms": ["VR"]}},
    {"id": "CN115000099A", "title": "一种基于光波导的增强现实眼镜",
     "abstract": "包括微显示屏和耦出光栅，用于AR近眼显示。",
     "cpc": ["G02B27/0172"], "label": {"relevant": True, "techs": ["near_eye_display"], "forms": ["AR"]}},
    {"id": "ISO 4000-1:2020", "source": "iso", "title_en": "Steel pipes for water supply",
     "abstract_en": "Dimensions and tolerances of welded steel pipes.",
     "label": {"relevant": False, "techs": [], "forms": []}},
]


def write_jsonl(path: Path, lines: list[str]) -> Path:
    """A JSON-lines file from raw lines."""
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def stored(settings: Settings) -> Settings:
    """A data directory whose store holds the synthetic corpus."""
    with Store(settings.db_path) as store:
        for record in CORPUS:
            store.upsert(record)
    return settings


def test_parse_lines_reports_each_bad_line() -> None:
    errors: list[LineError] = []
    lines = [(1, json.dumps(ROWS[0])), (2, "{not json"), (3, "[1, 2]"), (4, json.dumps({"id": "x"})),
             (5, json.dumps({"id": "y", "title_en": ["wrong type"]})), (6, json.dumps(ROWS[2]))]
    rows: list[Row] = list(parse_lines(lines, errors))
    assert [r.line for r in rows] == [1, 6]
    assert [e.line for e in errors] == [2, 3, 4, 5]
    assert "invalid JSON" in str(errors[0]) and str(errors[0]).startswith("line 2:")
    assert "JSON object" in errors[1].message and "no title or abstract" in errors[2].message
    assert "title_en" in errors[3].message


def test_label_rows_scores_match_output_row() -> None:
    from classify.model import Classifier
    from vrscope.labelling import label_rows, output_row

    model = Classifier.train(CORPUS)
    rows = list(parse_lines([(i, json.dumps(r)) for i, r in enumerate(ROWS, start=1)], []))
    items = label_rows(model, rows, {})
    scores = model.predict_proba([r.record for r in rows]).round(4).tolist()
    for row, item, decided, row_scores in zip(rows, items, model.predict([r.record for r in rows]), scores,
                                              strict=True):
        by_label = dict(zip(model.labels, row_scores, strict=True))
        assert item == output_row(row.id, decided, by_label, False)
        assert set(item["scores"]["forms"]) <= {"VR", "AR", "MR"} and item["scores"]["techs"]


def test_label_command_skips_a_bad_line_and_labels_the_rest(settings: Settings, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [json.dumps(ROWS[0]), '{"id": "broken", "title_en": ',
                                                 json.dumps(ROWS[1]), "", json.dumps(ROWS[2])])
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["label", "--input", str(source), "--output", str(out),
                                 "--data-dir", str(settings.data_dir)])
    assert result.exit_code == 0, result.output
    assert "line 2: invalid JSON" in result.output
    assert "labelled 3 of 4 lines" in result.output and "1 error(s) (lines 2)" in result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in lines] == ["ISO/IEC 23090-2:2023", "CN115000099A", "ISO 4000-1:2020"]
    first = lines[0]
    assert set(first) >= {"id", "relevant", "techs", "forms", "subtopics", "scores", "relevance_score"}
    assert first["relevant"] and "content_production" in first["techs"] and "VR" in first["forms"]
    assert set(first["scores"]["techs"]) == {"near_eye_display", "perception_interaction",
                                            "rendering_computation", "content_production"}
    assert lines[1]["relevant"] and not lines[2]["relevant"]


def test_label_command_fails_only_when_nothing_is_labelled(settings: Settings, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "bad.jsonl", ["nope", '{"id": 1}'])
    result = runner.invoke(app, ["label", "-i", str(source), "-o", str(tmp_path / "o.jsonl"),
                                 "--data-dir", str(settings.data_dir)])
    assert result.exit_code == 1
    assert "line 1: invalid JSON" in result.output and "line 2: no title or abstract" in result.output


def test_evaluate_prints_per_label_micro_and_macro(settings: Settings, tmp_path: Path) -> None:
    no_label = '{"id": "nolabel", "title_en": "VR"}'
    source = write_jsonl(tmp_path / "gold.jsonl", [json.dumps(r) for r in ROWS] + [no_label])
    result = runner.invoke(app, ["evaluate", "--input", str(source), "--data-dir", str(settings.data_dir)],
                           terminal_width=200)
    assert result.exit_code == 0, result.output
    for expected in ("relevant", "tech:content_production", "relevance micro", "techs macro", "all micro",
                     "precision", "recall", "F1", "line 4: no 'label'"):
        assert expected in result.output


def test_label_fix_wins_over_retraining_and_classify_all(stored: Settings) -> None:
    data_dir = ["--data-dir", str(stored.data_dir)]
    assert runner.invoke(app, ["train", *data_dir]).exit_code == 0
    assert runner.invoke(app, ["classify", "--all", *data_dir]).exit_code == 0
    target = "CN115000001A"  # a near-eye waveguide patent: the model says relevant, near_eye_display
    with Store(stored.db_path) as store:
        before = store.labels(target)
        assert before is not None and before.relevant and "near_eye_display" in before.techs
    fixed = runner.invoke(app, ["label-fix", target, "--tech", "perception_interaction", "--form", "VR",
                                "--author", "tester", "--note", "test", *data_dir])
    assert fixed.exit_code == 0, fixed.output
    for command in (["train", *data_dir], ["classify", "--all", *data_dir]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, result.output
    with Store(stored.db_path) as store:
        labels, model = store.labels(target), store.model_labels(target)
        correction = store.correction(target)
    assert labels is not None and model is not None and correction is not None
    assert set(labels.techs) == {"perception_interaction"} and set(labels.forms) == {"vr"}
    assert labels.model_version.endswith("+human") and correction.author == "tester"
    meta = json.loads((stored.model_dir / "metadata.json").read_text(encoding="utf-8"))
    assert meta["training_data"]["corrections"] == 1 and meta["n_examples"]["extra"] == 1
    again = runner.invoke(app, ["label-fix", target, "--not-relevant", *data_dir])
    assert again.exit_code == 0
    with Store(stored.db_path) as store:
        merged = store.correction(target)
    assert merged is not None and merged.relevant is False and merged.techs == ["perception_interaction"]


def test_label_fix_rejects_unknown_ids_and_names(stored: Settings) -> None:
    data_dir = ["--data-dir", str(stored.data_dir)]
    missing = runner.invoke(app, ["label-fix", "CN999999999A", "--relevant", *data_dir])
    assert missing.exit_code == 2 and "no document with id 'CN999999999A'" in missing.output
    unknown = runner.invoke(app, ["label-fix", "CN115000001A", "--tech", "teleportation", *data_dir])
    assert unknown.exit_code != 0 and "unknown technology 'teleportation'" in unknown.output
    nothing = runner.invoke(app, ["label-fix", "CN115000001A", *data_dir])
    assert nothing.exit_code != 0 and "nothing to correct" in nothing.output


def test_label_uses_a_stored_correction(stored: Settings, tmp_path: Path) -> None:
    data_dir = ["--data-dir", str(stored.data_dir)]
    assert runner.invoke(app, ["label-fix", "CN115000013A", "--relevant", "--tech", "haptics_is_not_a_tech",
                               *data_dir]).exit_code != 0
    assert runner.invoke(app, ["label-fix", "CN115000013A", "--relevant", "--tech", "content_production",
                               *data_dir]).exit_code == 0
    source = write_jsonl(tmp_path / "in.jsonl", [json.dumps({"id": "CN115000013A", "title": "一种减震鞋底"})])
    out = tmp_path / "out.jsonl"
    assert runner.invoke(app, ["label", "-i", str(source), "-o", str(out), *data_dir]).exit_code == 0
    [row] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert row["relevant"] and row["techs"] == ["content_production"] and row["corrected"]


def test_train_with_dev_and_unlabelled_files(settings: Settings, tmp_path: Path) -> None:
    dev = write_jsonl(tmp_path / "dev.jsonl", [json.dumps(r) for r in ROWS])
    catalogue = write_jsonl(tmp_path / "cat.jsonl", [json.dumps({"id": f"ITU-T H.{k}", "title_en": t})
                                                     for k, t in enumerate(["Virtual reality streaming",
                                                                            "Cable ducts", "Metaverse"])])
    result = runner.invoke(app, ["train", "--dev", str(dev), "--unlabelled", str(catalogue), "--cv", "0",
                                 "--data-dir", str(settings.data_dir)])
    assert result.exit_code == 0, result.output
    meta = json.loads((settings.model_dir / "metadata.json").read_text(encoding="utf-8"))
    assert meta["n_examples"]["extra"] == 3 and meta["n_examples"]["unlabelled"] == 3
    dev_info = meta["training_data"]["dev"]
    assert dev_info["name"] == "dev.jsonl" and len(dev_info["sha256"]) == 64
    assert (settings.model_dir / "README.md").is_file()


def test_label_jobs_2_matches_jobs_1_with_a_bad_line_and_a_correction(
        stored: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("vrscope.labelling.BATCH", 5)  # several batches in flight, errors mid-batch
    data_dir = ["--data-dir", str(stored.data_dir)]
    assert runner.invoke(app, ["label-fix", "CN115000013A", "--relevant", "--tech", "content_production",
                               *data_dir]).exit_code == 0
    corrected = json.dumps({"id": "CN115000013A", "title": "一种减震鞋底"}, ensure_ascii=False)
    lines = [json.dumps(r, ensure_ascii=False) for r in ROWS] * 3 + ["{not json", corrected]
    lines += [json.dumps(r, ensure_ascii=False) for r in ROWS] * 2 + ['{"id": "x"}']
    source = write_jsonl(tmp_path / "in.jsonl", lines)
    results = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.jsonl"
        result = runner.invoke(app, ["label", "-i", str(source), "-o", str(out), "--jobs", jobs, "--explain",
                                     *data_dir])
        assert result.exit_code == 0, result.output
        results[jobs] = (out.read_bytes(), result.output)
    assert results["1"] == results["2"]
    text, report = results["2"]
    rows = [json.loads(line) for line in text.decode("utf-8").splitlines()]
    ids = [r["id"] for r in ROWS]
    assert [r["id"] for r in rows] == ids * 3 + ["CN115000013A"] + ids * 2
    assert rows[9]["corrected"] and rows[9]["techs"] == ["content_production"] and "explanations" in rows[0]
    assert "line 10: invalid JSON" in report and "line 18: no title or abstract" in report
    assert "labelled 16 of 18 lines" in report and "2 error(s) (lines 10, 18)" in report


def test_label_file_pool_keeps_input_order_across_small_batches(stored: Settings) -> None:
    from classify.model import Classifier
    from vrscope.labelling import label_file, start_pool

    runner.invoke(app, ["train", "--data-dir", str(stored.data_dir)])
    classifier = Classifier.load(stored.model_dir)
    lines = [(n, json.dumps(ROWS[n % 3])) for n in range(1, 40)] + [(40, "[]")]
    single, pooled = io.StringIO(), io.StringIO()
    expected = label_file(classifier, lines, single, batch_size=4)
    with start_pool(2, stored.model_dir) as pool:
        summary = label_file(classifier, lines, pooled, pool=pool, batch_size=4)
    assert pooled.getvalue() == single.getvalue()
    counts = (summary.read, summary.labelled, summary.errors)
    assert counts == (expected.read, expected.labelled, expected.errors)
    assert summary.read == 40 and summary.labelled == 39 and [e.line for e in summary.errors] == [40]


def test_worker_loads_and_warms_the_model_once_then_freezes_it(stored: Settings,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from vrscope import labelling

    runner.invoke(app, ["train", "--data-dir", str(stored.data_dir)])
    monkeypatch.setattr(labelling, "_WORKER", None)
    try:
        labelling._init_worker(str(stored.model_dir), {}, False)
        assert gc.get_freeze_count() > 0  # the model is left out of later garbage collections
        batch = labelling._label_in_worker([(1, json.dumps(ROWS[1], ensure_ascii=False)), (2, "[]")])
    finally:
        gc.unfreeze()
    assert (batch.read, batch.labelled, [e.line for e in batch.errors]) == (2, 1, [2])
    assert json.loads(batch.text)["id"] == "CN115000099A" and batch.cpu > 0


def test_label_rejects_negative_jobs(settings: Settings, tmp_path: Path) -> None:
    from vrscope.labelling import start_pool

    source = write_jsonl(tmp_path / "in.jsonl", [json.dumps(ROWS[0])])
    result = runner.invoke(app, ["label", "-i", str(source), "-o", str(tmp_path / "o.jsonl"), "--jobs", "-1",
                                 "--data-dir", str(settings.data_dir)])
    assert result.exit_code == 2 and "--jobs" in result.output
    with pytest.raises(ValueError, match="--jobs must be 0"), start_pool(-1, settings.model_dir):
        pass
