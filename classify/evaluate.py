"""Evaluation: per-label and averaged precision/recall/F1, and the standards_dev.jsonl loader."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from classify.taxonomy import TAXONOMY, Taxonomy
from vrscope.records import Correction, Labels, Level, Standard, StandardStatus

GROUPS = {"relevance": "relevant", "techs": "tech:", "forms": "form:", "subtopics": "sub:"}


def label_sets(labels: Labels | Correction) -> dict[str, set[str] | None]:
    """Label names per group ('relevant', 'tech:x', …); None where the labels say nothing."""
    out: dict[str, set[str] | None] = {}
    out["relevance"] = None if labels.relevant is None else ({"relevant"} if labels.relevant else set())
    for group, prefix in (("techs", "tech:"), ("forms", "form:"), ("subtopics", "sub:")):
        value = getattr(labels, group)
        out[group] = None if value is None else {f"{prefix}{str(v).lower()}" for v in value}
    return out


def _scores(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """Micro precision/recall/F1 and support over boolean indicator matrices."""
    tp, n_pred, n_true = float((y_true & y_pred).sum()), float(y_pred.sum()), float(y_true.sum())
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_true if n_true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "support": int(y_true.sum())}


def _macro(per_label: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """Unweighted mean over labels that occur in the truth."""
    rows = [v for v in per_label.values() if v["support"] > 0]
    if not rows:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    return {k: round(float(np.mean([r[k] for r in rows])), 4) for k in ("precision", "recall", "f1")}


def evaluate(y_true: Sequence[Labels | Correction], y_pred: Sequence[Labels | Correction],
             taxonomy: Taxonomy = TAXONOMY) -> dict[str, Any]:
    """Per-label P/R/F1 plus micro/macro, overall and per group (scored where every truth gives it)."""
    from sklearn.metrics import precision_recall_fscore_support

    if len(y_true) != len(y_pred):
        raise ValueError("y_true and y_pred differ in length")
    truths = [label_sets(t) for t in y_true]
    preds = [label_sets(p) for p in y_pred]
    groups = [g for g in GROUPS if truths and all(t[g] is not None for t in truths)]
    names = [lab for lab in taxonomy.label_names() if any(lab.startswith(GROUPS[g]) for g in groups)]
    truth = np.array([[lab in set().union(*(t[g] or set() for g in groups)) for lab in names]
                      for t in truths], dtype=bool).reshape(len(truths), len(names))
    pred = np.array([[lab in set().union(*(p[g] or set() for g in groups)) for lab in names]
                     for p in preds], dtype=bool).reshape(len(preds), len(names))
    per_label: dict[str, dict[str, float]] = {}
    if names:
        p, r, f, s = precision_recall_fscore_support(truth, pred, average=None, zero_division=0)
        for i, lab in enumerate(names):
            per_label[lab] = {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                              "f1": round(float(f[i]), 4), "support": int(s[i])}
    by_group = {}
    for g in groups:
        cols = [i for i, lab in enumerate(names) if lab.startswith(GROUPS[g])]
        by_group[g] = {"micro": _scores(truth[:, cols], pred[:, cols]),
                       "macro": _macro({names[i]: per_label[names[i]] for i in cols})}
    return {"n": len(truths), "groups": groups, "per_label": per_label, "micro": _scores(truth, pred),
            "macro": _macro(per_label), "by_group": by_group}


def _date(value: str | None) -> dt.date | None:
    """'2023-07' → 2023-07-01; '2015' → 2015-01-01; anything else → None."""
    if not value:
        return None
    parts = [int(p) for p in str(value).split("-")[:3] if p.isdigit()]
    try:
        return dt.date(*(parts + [1, 1])[:3]) if parts else None
    except ValueError:
        return None


def _status(stage: str | None) -> StandardStatus | None:
    """ISO harmonized stage (or the IEC words in the dev set) → the common status vocabulary."""
    words = {"PUBLISHED": StandardStatus.PUBLISHED, "REVISED": StandardStatus.REPLACED,
             "REPLACED": StandardStatus.REPLACED, "WITHDRAWN": StandardStatus.WITHDRAWN}
    if not stage:
        return None
    if stage.upper() in words:
        return words[stage.upper()]
    if not stage[:2].isdigit():
        return None
    code = int(stage[:2])
    for upper, status in ((30, StandardStatus.PREPARATORY), (40, StandardStatus.COMMITTEE_DRAFT),
                          (50, StandardStatus.DRAFT_FOR_COMMENT), (60, StandardStatus.APPROVAL),
                          (90, StandardStatus.PUBLISHED), (95, StandardStatus.UNDER_REVIEW)):
        if code < upper:
            return status
    return StandardStatus.WITHDRAWN


def standard_from_row(row: Mapping[str, Any]) -> Standard:
    """A Standard record from one standards_dev.jsonl-shaped object."""
    committees = [str(c).removeprefix("technicalCommittee:") for c in row.get("committee") or []]
    dates = row.get("dates") or {}
    return Standard(
        id=row["id"], source=row.get("source", "eval"), url=row.get("url"), level=Level.INTERNATIONAL,
        body=str(row.get("source", "")).upper() or None, title_en=row.get("title_en"),
        title_zh=row.get("title_zh"), abstract=row.get("abstract_en"), stage_code=row.get("stage"),
        status=_status(row.get("stage")), committee="; ".join(committees) or None,
        ics=list(row.get("ics") or []), published_date=_date(dates.get("published")),
    )


def gold_from_row(row: Mapping[str, Any]) -> Correction:
    """The gold label of one row as a Correction (sub-topics unknown: None)."""
    label = row["label"]
    return Correction(relevant=bool(label["relevant"]), techs=list(label.get("techs") or []),
                      forms=[str(f).lower() for f in label.get("forms") or []], subtopics=None,
                      author="standards_dev", note=label.get("note"))


def load_standards_dev(source: str | Path | Iterable[str]) -> list[tuple[Standard, Correction]]:
    """(Standard, gold Correction) pairs from a standards_dev.jsonl path or an iterable of JSON lines."""
    lines: Iterable[str]
    if isinstance(source, (str, Path)):
        lines = Path(source).read_text(encoding="utf-8").splitlines()
    else:
        lines = source
    return [(standard_from_row(row), gold_from_row(row))
            for row in (json.loads(line) for line in lines if line.strip())]
