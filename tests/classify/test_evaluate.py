"""Scores and the standards_dev.jsonl loader."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from classify.evaluate import evaluate, label_sets, load_standards_dev
from vrscope.records import Correction, Labels, Level, StandardStatus

ROWS = [
    {"id": "ISO/IEC 23090-2:2023", "source": "iso",
     "title_en": "Information technology - Coded representation of immersive media - Part 2: "
                 "Omnidirectional media format", "abstract_en": "OMAF for 360 video.",
     "committee": ["ISO/IEC JTC 1/SC 29"], "ics": ["35.040.40"], "ics_text": ["Coding"],
     "doctype": "international-standard", "stage": "60", "dates": {"published": "2023-07"},
     "url": "https://www.iso.org/standard/83287.html",
     "label": {"relevant": True, "techs": ["content_production"], "forms": ["VR"], "note": "OMAF"}},
    {"id": "IEC 61966-2-1:1999", "source": "iec", "title_en": "Colour management - sRGB",
     "committee": ["technicalCommittee:TC 100"], "ics": ["33.160.40"], "ics_text": [],
     "doctype": "international-standard", "stage": "PUBLISHED", "url": "https://webstore.iec.ch/x",
     "label": {"relevant": False, "techs": [], "forms": [], "note": "generic colour space"}},
]


def test_loader_builds_standards_and_gold() -> None:
    pairs = load_standards_dev([json.dumps(r) for r in ROWS] + [""])
    assert len(pairs) == 2
    std, gold = pairs[0]
    assert std.id == "ISO/IEC 23090-2:2023" and std.level == Level.INTERNATIONAL and std.body == "ISO"
    assert std.committee == "ISO/IEC JTC 1/SC 29" and std.ics == ["35.040.40"]
    assert std.published_date == dt.date(2023, 7, 1) and std.status == StandardStatus.PUBLISHED
    assert "Omnidirectional" in std.texts()["en"]
    assert gold.relevant is True and gold.techs == ["content_production"] and gold.forms == ["vr"]
    assert gold.subtopics is None
    std2, gold2 = pairs[1]
    assert std2.committee == "TC 100" and std2.status == StandardStatus.PUBLISHED
    assert gold2.relevant is False


def test_loader_reads_a_path(tmp_path: Path) -> None:
    path = tmp_path / "dev.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in ROWS), encoding="utf-8")
    assert [s.id for s, _ in load_standards_dev(path)] == ["ISO/IEC 23090-2:2023", "IEC 61966-2-1:1999"]


def test_label_sets_know_what_is_unknown() -> None:
    sets = label_sets(Correction(relevant=True, techs=["near_eye_display"]))
    assert sets["relevance"] == {"relevant"} and sets["techs"] == {"tech:near_eye_display"}
    assert sets["forms"] is None and sets["subtopics"] is None
    model = label_sets(Labels(relevant=False, model_version="m"))
    assert model == {"relevance": set(), "techs": set(), "forms": set(), "subtopics": set()}


def test_evaluate_counts() -> None:
    truth = [Correction(relevant=True, techs=["near_eye_display"], forms=["ar"]),
             Correction(relevant=True, techs=["content_production"], forms=[]),
             Correction(relevant=False, techs=[], forms=[])]
    pred = [Labels(relevant=True, techs={"near_eye_display": 0.9}, forms={"ar": 0.8}, model_version="m"),
            Labels(relevant=False, model_version="m"),
            Labels(relevant=True, techs={"content_production": 0.7}, model_version="m")]
    result = evaluate(truth, pred)
    assert result["n"] == 3 and result["groups"] == ["relevance", "techs", "forms"]
    relevant = result["per_label"]["relevant"]
    assert relevant == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert result["per_label"]["tech:near_eye_display"]["f1"] == 1.0
    assert result["per_label"]["tech:content_production"]["f1"] == 0.0
    assert result["by_group"]["forms"]["micro"]["f1"] == 1.0
    assert result["by_group"]["techs"]["micro"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    # micro over all 9 scored labels: tp=3 (relevant, near_eye_display, ar), 5 predicted, 5 true
    assert result["micro"]["f1"] == 0.6
    # macro averages only labels present in the truth
    assert set(result["by_group"]["techs"]["macro"]) == {"precision", "recall", "f1"}
    assert result["macro"]["f1"] == pytest.approx((0.5 + 1.0 + 0.0 + 1.0) / 4, abs=1e-4)
    json.dumps(result)  # plain JSON types only


def test_evaluate_rejects_length_mismatch() -> None:
    with pytest.raises(ValueError):
        evaluate([Correction(relevant=True)], [])
