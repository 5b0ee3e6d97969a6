"""From calibrated scores to labels: thresholds, the technology fallback, sub-topics under a technology."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from vrscope.records import Labels

NO_FLOOR = 1.01  # a technology fallback floor above every score: no fallback


def labels_from_scores(scores: np.ndarray, labels: Sequence[str], thresholds: Sequence[float],
                       parents: Mapping[str, str], tech_floor: float, model_version: str) -> list[Labels]:
    """Labels per row of a score matrix whose columns are ``labels`` ('relevant', 'tech:x', 'form:x',
    'sub:x'): a label is kept at or above its threshold; an irrelevant document keeps nothing; a
    relevant one with no technology gets its best technology if that scores at least ``tech_floor``;
    a sub-topic is kept only under a kept technology."""
    scores = np.round(scores, 4)
    kept = scores >= np.asarray(thresholds, dtype=np.float64)
    rel = list(labels).index("relevant")
    relevant = kept[:, rel]
    kept &= relevant[:, None]  # an irrelevant document keeps nothing
    names = [lab.partition(":") for lab in labels]
    by_row: list[list[int]] = [[] for _ in range(len(scores))]
    rows, columns = np.nonzero(kept)
    for i, j in zip(rows.tolist(), columns.tolist(), strict=True):
        by_row[i].append(j)
    values, is_relevant = scores.tolist(), relevant.tolist()
    tech_columns = [j for j, lab in enumerate(labels) if lab.startswith("tech:")]
    out = []
    for i, kept_columns in enumerate(by_row):
        row = values[i]
        techs: dict[str, float] = {}
        subs: dict[str, float] = {}
        forms: dict[str, float] = {}
        groups = {"tech": techs, "sub": subs, "form": forms}
        for j in kept_columns:
            kind, _, name = names[j]
            if name:
                groups[kind][name] = row[j]
        if is_relevant[i] and not techs and tech_floor <= 1.0:
            best = max(tech_columns, key=lambda c: row[c])
            if row[best] >= tech_floor:
                techs[labels[best][5:]] = row[best]
        if subs:  # a sub-topic is shown under its technology
            subs = {sub: s for sub, s in subs.items() if parents[sub] in techs}
        out.append(Labels(relevant=is_relevant[i], relevance_score=row[rel], techs=techs,
                          subtopics=subs, forms=forms, model_version=model_version))
    return out


def choose_tech_floor(proba: np.ndarray, truth: np.ndarray, thresholds: Sequence[float]) -> float:
    """The technology fallback floor with the best micro-F1 on (documents × technologies) scores and
    truth: a document with no technology at or above its threshold gets its best one if that scores at
    least the floor. NO_FLOOR when no floor does better than none."""
    kept = proba >= np.asarray(thresholds, dtype=np.float64)
    best, best_f1 = NO_FLOOR, -1.0
    for floor in (NO_FLOOR, *np.round(np.arange(0.5, 0.04, -0.05), 2)):
        pred = kept.copy()
        empty = ~pred.any(axis=1) & (proba.max(axis=1) >= floor)
        pred[np.flatnonzero(empty), proba[empty].argmax(axis=1)] = True
        tp = float((pred & truth).sum())
        f1 = 2 * tp / float(pred.sum() + truth.sum()) if pred.sum() + truth.sum() else 0.0
        if f1 > best_f1 + 1e-9:
            best, best_f1 = float(floor), f1
    return best
