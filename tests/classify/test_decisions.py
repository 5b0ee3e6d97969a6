"""Scores → labels: thresholds, irrelevance, the technology fallback and sub-topics under a technology."""

from __future__ import annotations

import numpy as np

from classify.decisions import NO_FLOOR, choose_tech_floor, labels_from_scores

LABELS = ["relevant", "tech:display", "tech:render", "sub:optics", "form:vr"]
PARENTS = {"optics": "display"}
CUT = [0.5] * len(LABELS)


def test_kept_labels_and_irrelevant_rows() -> None:
    scores = np.array([[0.9, 0.8, 0.2, 0.7, 0.6], [0.4, 0.9, 0.9, 0.9, 0.9]])
    kept, dropped = labels_from_scores(scores, LABELS, CUT, PARENTS, NO_FLOOR, "m")
    assert kept.relevant and kept.techs == {"display": 0.8} and kept.subtopics == {"optics": 0.7}
    assert kept.forms == {"vr": 0.6} and kept.model_version == "m"
    assert not dropped.relevant and not dropped.techs and not dropped.subtopics and not dropped.forms


def test_a_subtopic_needs_its_technology() -> None:
    scores = np.array([[0.9, 0.1, 0.8, 0.9, 0.1]])
    (labels,) = labels_from_scores(scores, LABELS, CUT, PARENTS, NO_FLOOR, "m")
    assert labels.techs == {"render": 0.8} and labels.subtopics == {}


def test_the_floor_gives_a_relevant_document_its_best_technology() -> None:
    scores = np.array([[0.9, 0.3, 0.2, 0.1, 0.1]])
    (none,) = labels_from_scores(scores, LABELS, CUT, PARENTS, NO_FLOOR, "m")
    (floored,) = labels_from_scores(scores, LABELS, CUT, PARENTS, 0.25, "m")
    (too_low,) = labels_from_scores(scores, LABELS, CUT, PARENTS, 0.35, "m")
    assert none.techs == {} and too_low.techs == {} and floored.techs == {"display": 0.3}


def test_choose_tech_floor_picks_a_floor_only_when_it_helps() -> None:
    # Every document's true technology scores 0.3 under a 0.5 threshold: a floor ≤ 0.3 finds them all.
    proba = np.array([[0.3, 0.1], [0.1, 0.3], [0.3, 0.05]] * 10)
    truth = proba >= 0.3
    floor = choose_tech_floor(proba, truth, [0.5, 0.5])
    assert floor <= 0.3
    # Scores already above their thresholds: no floor does better than none.
    assert choose_tech_floor(proba, truth, [0.2, 0.2]) == NO_FLOOR
