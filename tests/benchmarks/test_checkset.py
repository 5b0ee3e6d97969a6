"""The classifier check set: labels joined with catalogue rows, clear errors, the rules baseline, report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.checkset import (
    LABELS_DIR,
    VR_SUBSETS,
    CheckSetError,
    figures,
    leave_one_publisher_out,
    load_checkset,
    report,
    rule_labels,
    write_joined,
)
from vrscope.labelling import LineError, labelled_pairs
from vrscope.records import Labels, Standard

IEEE = [{"id": "IEEE 2048.1-2023", "title_en": "Standard for Virtual Reality and Augmented Reality: "
         "Device Taxonomy and Definitions", "abstract_en": "Head-mounted displays for VR and AR.",
         "committee": ["VR/AR Working Group"], "ics": []},
        {"id": "IEEE C63.16-1993", "title_en": "Guide for Electrostatic Discharge Test Methodologies",
         "abstract_en": "ESD test methods for electronic equipment.", "committee": [], "ics": ["29.020"]}]


def label(row_id: str, relevant: bool, techs: list[str] | None = None, forms: list[str] | None = None,
          catalog: str = "ieee/ieee_vr_relevant.jsonl") -> str:
    """One label line."""
    gold = {"relevant": relevant, "techs": techs or [], "forms": forms or [], "note": "t"}
    return json.dumps({"id": row_id, "catalog": catalog, "label": gold})


@pytest.fixture
def catalogs(tmp_path: Path) -> Path:
    """A catalogue folder with a two-row IEEE VR subset."""
    folder = tmp_path / "catalogs"
    (folder / "ieee").mkdir(parents=True)
    (folder / "ieee" / "ieee_vr_relevant.jsonl").write_text("".join(json.dumps(r) + "\n" for r in IEEE),
                                                           encoding="utf-8")
    return folder


def labels_dir(tmp_path: Path, lines: list[str]) -> Path:
    """A labels folder with one file of the given lines."""
    folder = tmp_path / "labels"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ieee.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_labels_are_joined_with_their_catalogue_rows(catalogs: Path, tmp_path: Path) -> None:
    folder = labels_dir(tmp_path, [label("IEEE 2048.1-2023", True, ["near_eye_display"], ["VR", "AR"]),
                                   label("IEEE C63.16-1993", False)])
    checked = load_checkset(catalogs, folder)
    assert [c.where for c in checked] == ["ieee.jsonl:1", "ieee.jsonl:2"]
    assert isinstance(checked[0].record, Standard) and "Device Taxonomy" in checked[0].record.display_title
    assert checked[0].gold.relevant and checked[0].gold.techs == ["near_eye_display"]
    assert checked[0].gold.forms == ["vr", "ar"] and checked[1].gold.relevant is False


@pytest.mark.parametrize(("line", "message"), [
    ("{oops", "ieee.jsonl:2: invalid JSON"),
    (label("IEEE 9999", True), "ieee.jsonl:2: no row with id 'IEEE 9999' in ieee/ieee_vr_relevant.jsonl"),
    (label("IEEE C63.16-1993", False, catalog="ieee/other.jsonl"), "ieee.jsonl:2: unknown catalogue"),
    (label("IEEE C63.16-1993", True, ["haptics"]), "ieee.jsonl:2: techs must be a list of"),
    (label("IEEE C63.16-1993", True, forms=["XR"]), "ieee.jsonl:2: forms must be a list of"),
    (label("IEEE C63.16-1993", False, ["near_eye_display"]), "an irrelevant record has no technologies"),
    (json.dumps({"id": "IEEE C63.16-1993", "catalog": "ieee/ieee_vr_relevant.jsonl"}), "boolean 'relevant'"),
])
def test_a_line_that_does_not_fit_is_named(catalogs: Path, tmp_path: Path, line: str, message: str) -> None:
    folder = labels_dir(tmp_path, [label("IEEE 2048.1-2023", True), line])
    with pytest.raises(CheckSetError, match=message.replace("(", r"\(")):
        load_checkset(catalogs, folder)


def test_a_row_without_an_id_is_found_by_its_line(catalogs: Path, tmp_path: Path) -> None:
    path = catalogs / "ieee" / "ieee_vr_relevant.jsonl"
    path.write_text(path.read_text(encoding="utf-8") + json.dumps({**IEEE[0], "id": None}) + "\n",
                    encoding="utf-8")
    line = json.dumps({"id": None, "catalog": "ieee/ieee_vr_relevant.jsonl", "line": 3,
                       "label": {"relevant": True, "techs": [], "forms": []}})
    checked = load_checkset(catalogs, labels_dir(tmp_path, [line]))
    assert checked[0].record.id == "ieee/ieee_vr_relevant.jsonl:3"
    wrong = line.replace('"line": 3', '"line": 2')
    with pytest.raises(CheckSetError, match="row 2 of ieee/ieee_vr_relevant.jsonl has id 'IEEE C63.16-1993'"):
        load_checkset(catalogs, labels_dir(tmp_path, [wrong]))
    with pytest.raises(CheckSetError, match="line 9 is not a row"):
        load_checkset(catalogs, labels_dir(tmp_path, [line.replace('"line": 3', '"line": 9')]))


def test_an_empty_labels_folder_is_an_error(catalogs: Path, tmp_path: Path) -> None:
    with pytest.raises(CheckSetError, match="no label files"):
        load_checkset(catalogs, tmp_path)


def test_rules_baseline_and_report(catalogs: Path, tmp_path: Path) -> None:
    folder = labels_dir(tmp_path, [label("IEEE 2048.1-2023", True, ["near_eye_display"], ["VR"]),
                                   label("IEEE C63.16-1993", False)])
    checked = load_checkset(catalogs, folder)
    rules = rule_labels([c.record for c in checked])
    assert rules[0].relevant and "near_eye_display" in rules[0].techs and rules[1].relevant is False
    result_all = figures([c.gold for c in checked], rules)
    assert result_all["n"] == 2 and result_all["relevant"] == 1 and result_all["relevance_f1"] == 1.0
    text = report({"n": 2, "publishers": {"ieee": 2}, "models": {"rules": {"all": result_all,
                                                                            "ieee": result_all}}})
    assert "| rules | 1.000 |" in text and "ieee (2)" in text and "1 relevant of 2" in text


@pytest.mark.shared_data
def test_every_row_of_the_vr_subsets_is_labelled_once(shared_data: Path) -> None:
    catalogs = shared_data / "catalogs" / "standards"
    checked = load_checkset(catalogs, LABELS_DIR)  # every label fits its catalogue row
    labelled: dict[str, list[str]] = {}
    for path in sorted(LABELS_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            labelled.setdefault(item["catalog"], []).append(item["id"])
            assert item["id"] is not None or item.get("line"), f"{path.name}: a row with no id needs 'line'"
    for name in VR_SUBSETS:
        rows = [json.loads(li)["id"] for li in (catalogs / name).read_text(encoding="utf-8").splitlines()
                if li.strip()]
        assert labelled.get(name) == rows, name
    assert len(checked) == sum(len(ids) for ids in labelled.values())


def test_joined_rows_read_back_as_labelled_records(catalogs: Path, tmp_path: Path) -> None:
    folder = labels_dir(tmp_path, [label("IEEE 2048.1-2023", True, ["near_eye_display"], ["VR"]),
                                   label("IEEE C63.16-1993", False)])
    checked = load_checkset(catalogs, folder)
    write_joined(checked, tmp_path / "out" / "joined.jsonl")
    lines = (tmp_path / "out" / "joined.jsonl").read_text(encoding="utf-8").splitlines()
    errors: list[LineError] = []
    rows = labelled_pairs(list(enumerate(lines, start=1)), errors)
    assert not errors and [r.record.id for r, _ in rows] == [c.record.id for c in checked]
    assert [g.model_dump(exclude={"created_at"}) for _, g in rows] == [
        c.gold.model_dump(exclude={"created_at"}) for c in checked]
    assert rows[0][0].record.source == "ieee"  # the publisher, for `--group-by publisher`


def test_leave_one_publisher_out_never_trains_on_the_publisher_it_labels(
        catalogs: Path, tmp_path: Path, trained_on: list[set[str]]) -> None:
    (catalogs / "itu").mkdir()
    itu = {"id": "ITU-T H.430.1", "title_en": "Immersive live experience requirements", "abstract_en": None}
    (catalogs / "itu" / "itu_vr_relevant.jsonl").write_text(json.dumps(itu) + "\n", encoding="utf-8")
    folder = labels_dir(tmp_path, [label("IEEE 2048.1-2023", True, ["near_eye_display"]),
                                   label("IEEE C63.16-1993", False),
                                   label("ITU-T H.430.1", True, ["content_production"],
                                         catalog="itu/itu_vr_relevant.jsonl")])
    checked = load_checkset(catalogs, folder)
    dev = [(c.record, c.gold) for c in load_checkset(catalogs, labels_dir(tmp_path / "dev", [
        label("IEEE C63.16-1993", False)]))]
    predicted = leave_one_publisher_out(dev, checked)
    assert len(predicted) == 3 and all(isinstance(p, Labels) for p in predicted)
    ieee, itu_ids = {"IEEE 2048.1-2023", "IEEE C63.16-1993"}, {"ITU-T H.430.1"}
    assert trained_on == [{"IEEE C63.16-1993"} | itu_ids, ieee]  # ieee held out, then itu


def test_report_shows_the_dev_cv_without_and_with_the_labels() -> None:
    spread = {k: {"mean": 0.9, "min": 0.85, "max": 0.95} for k in ("relevance_f1", "techs_macro_f1",
                                                                    "forms_macro_f1")}
    figures_all: dict[str, Any] = {"n": 1, "relevant": 1, "relevance_f1": 1.0, "techs_macro_f1": None,
                                   "techs_micro_f1": None, "techs_f1": {}, "techs_support": {}}
    models = {"m": {"all": figures_all, "ieee": figures_all}}
    text = report({"n": 1, "publishers": {"ieee": 1}, "models": models,
                   "dev_cv": {"series, with the check-set labels": spread}})
    assert "| series, with the check-set labels | 0.900 (0.850–0.950) |" in text
