"""Grouped cross-validation: fold assignments (default and shuffled) and repeated runs with their spread."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from classify.crossval import cross_validate, fold_splits, headline, repeated_cross_validation, spread
from classify.model import Classifier
from classify.training import Gold, Item
from vrscope.labelling import LineError, labelled_pairs
from vrscope.records import Correction, Standard

# Two parts of each of six series: relevant (one technology each) and off-topic.
SERIES = [
    ("ISO/IEC 23090", "Coded representation of immersive media - Part {n}: Omnidirectional media format",
     "360 degree video in VR headsets, OMAF packaging.", True, ["content_production"]),
    ("IEC 63145", "Eyewear display - Part {n}: Optical measurement", "Field of view and eye box of "
     "head mounted displays for AR.", True, ["near_eye_display"]),
    ("ISO/IEC 19775", "Extensible 3D (X3D) - Part {n}: Architecture", "Real-time rendering of X3D "
     "scene graphs in virtual worlds.", True, ["rendering_computation"]),
    ("ISO/IEC 18038", "Sensor representation in mixed and augmented reality - Part {n}: Tracking",
     "Eye tracking and hand tracking sensors for MAR.", True, ["perception_interaction"]),
    ("ISO 4000", "Steel pipes - Part {n}: Dimensions", "Welded steel pipes for water supply.", False, []),
    ("ISO 5000", "Road vehicles - Part {n}: Brakes", "Brake linings and drums of trucks.", False, []),
]


def labelled() -> list[tuple[Item, Gold]]:
    """Twelve labelled standards in six series."""
    lines: list[tuple[int, str]] = []
    for series, title, abstract, relevant, techs in SERIES:
        for part in (1, 2):
            row = {"id": f"{series}-{part}:2020", "source": "iso", "title_en": title.format(n=part),
                   "abstract_en": abstract, "label": {"relevant": relevant, "techs": techs, "forms": []}}
            lines.append((len(lines) + 1, json.dumps(row)))
    errors: list[LineError] = []
    pairs: list[tuple[Item, Gold]] = [(row.record, gold) for row, gold in labelled_pairs(lines, errors)]
    assert not errors
    return pairs


def test_fold_splits_keep_groups_whole_and_a_seed_reshuffles_them() -> None:
    groups = [f"g{i}" for i in range(20) for _ in range(i % 4 + 1)]
    assignments = {}
    for seed in (None, 1, 2):
        splits = fold_splits(groups, 5, seed)
        assert len(splits) == 5
        tested = sorted(i for _, test in splits for i in test)
        assert tested == list(range(len(groups)))  # every row tested exactly once
        for train, test in splits:
            assert not {groups[i] for i in train} & {groups[i] for i in test}
        assignments[seed] = sorted(tuple(sorted({groups[i] for i in test})) for _, test in splits)
    assert assignments[None] == sorted(tuple(sorted({groups[i] for i in test}))
                                       for _, test in fold_splits(groups, 5))  # the default is fixed
    assert len({tuple(a) for a in assignments.values()}) == 3  # seeds give other assignments
    assert assignments[1] == sorted(tuple(sorted({groups[i] for i in test}))
                                    for _, test in fold_splits(groups, 5, 1))  # and are reproducible


@pytest.fixture(scope="module")
def repeated() -> tuple[dict[str, Any], list[tuple[int, int]]]:
    """A repeated CV of the labelled set (two fold assignments) and its progress calls."""
    calls: list[tuple[int, int]] = []
    result = repeated_cross_validation(labelled(), repeats=2, folds=3,
                                       progress=lambda k, n: calls.append((k, n)))
    return result, calls


def test_repeated_cross_validation_reports_each_assignment_and_the_spread(
        repeated: tuple[dict[str, Any], list[tuple[int, int]]]) -> None:
    pairs = labelled()
    result, calls = repeated
    assert calls == [(1, 2), (2, 2)]
    runs = result["repeats"]
    assert [r["seed"] for r in runs] == [None, 1]
    assert result["cv"]["seed"] is None and result["n"] == len(pairs)
    assert {k: runs[0][k] for k in headline(result)} == headline(result)  # the table shown is run 1's
    once = cross_validate(pairs, folds=3)
    assert headline(once) == headline(result)
    for run in runs:
        assert set(run["techs_f1"]) == {"near_eye_display", "perception_interaction", "rendering_computation",
                                        "content_production"}
    for key, stats in result["spread"].items():
        values = [r[key] for r in runs]
        assert stats == {"mean": round(sum(values) / 2, 3), "min": round(min(values), 3),
                         "max": round(max(values), 3)}


def test_model_card_shows_the_spread_and_how_to_reproduce_it(
        repeated: tuple[dict[str, Any], list[tuple[int, int]]], tmp_path: Path) -> None:
    model = Classifier.train([], labelled())
    model.metadata["training_data"] = {"dev": {"name": "gold.jsonl", "path": "gold.jsonl"}}
    model.metadata.setdefault("scores", {})["cv_series"] = repeated[0]
    model.save(tmp_path)
    card = (tmp_path / "README.md").read_text(encoding="utf-8")
    spread = repeated[0]["spread"]["relevance_f1"]
    for word, stat in (("mean", "mean"), ("lowest", "min"), ("highest", "max")):
        line = next(li for li in card.splitlines() if f"{word} of 2 fold assignments" in li)
        assert f"{spread[stat]:.3f}" in line
    assert "vrscope train --dev gold.jsonl --split series --repeats 2" in card
    assert "vrscope evaluate --input gold.jsonl --cv 5 --group-by series --repeats 2" in card


def test_repeats_must_be_positive() -> None:
    with pytest.raises(ValueError, match="repeats must be 1 or more"):
        repeated_cross_validation(labelled(), repeats=0)


def test_spread_leaves_out_missing_figures() -> None:
    runs = [{"relevance_f1": 0.9, "techs_macro_f1": None}, {"relevance_f1": 0.8, "techs_macro_f1": None}]
    assert spread(runs) == {"relevance_f1": {"mean": 0.85, "min": 0.8, "max": 0.9}}


def test_also_pairs_are_trained_on_in_every_fold_and_never_scored(trained_on: list[set[str]]) -> None:
    pairs = labelled()
    other = Standard(id="ITU-T H.430.1", source="itu", title_en="Immersive live experience")
    gold = Correction(relevant=True, techs=["content_production"], forms=[])
    also: list[tuple[Item, Gold]] = [(other, gold)]
    result = cross_validate(pairs, folds=3, also=also)
    assert result["n"] == len(pairs)  # the extra pair is not scored
    assert len(trained_on) == 3 and all("ITU-T H.430.1" in ids for ids in trained_on)
