"""Honest quality figures: grouped cross-validation (by standard series, publisher or committee)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from classify.training import Gold, Item, group_of
from vrscope.records import Correction, Labels, Patent, Standard

GroupBy = Literal["series", "publisher", "committee"]


def group_key(item: Item, by: GroupBy) -> str:
    """The group a labelled document belongs to for one kind of split."""
    if by == "publisher" and isinstance(item, Standard):
        return (item.body or item.source or "?").lower()
    if by == "committee" and isinstance(item, Standard):
        first = (item.committee or "").split(";")[0].strip()
        return first or group_of(item)
    return group_of(item)


def cross_validate(pairs: Sequence[tuple[Item, Gold]], *, folds: int = 5, by: GroupBy = "series",
                   records: Sequence[Patent | Standard] = (), unlabelled: Sequence[Patent | Standard] = (),
                   corrections: Mapping[str, Correction] | None = None,
                   progress: Callable[[int, int], None] | None = None, seed: int | None = None,
                   also: Sequence[tuple[Item, Gold]] = (), **options: Any) -> dict[str, Any]:
    """Out-of-fold predictions for every labelled pair, scored together; no group spans two folds.

    ``seed`` None gives scikit-learn's GroupKFold assignment (groups spread by size); a seed shuffles
    which groups share a fold, so repeated runs show how much the figures owe to one assignment.
    ``also``: more labelled pairs (e.g. of other publishers) in every fold's training, never scored
    (those of a held-out group are left out of that fold).
    Each fold trains the full model (weak-labelled records and unlabelled catalogue rows, taxonomy
    examples, the other folds' gold labels) and predicts its own test fold. Unlabelled rows of a
    test fold's series are dropped from that fold's training data.
    """
    from classify.evaluate import evaluate
    from classify.model import Classifier

    groups = [group_key(item, by) for item, _ in pairs]
    n_folds = min(folds, len(set(groups)))
    if n_folds < 2:
        raise ValueError(f"need at least two {by} groups to cross-validate, found {len(set(groups))}")
    predictions: list[Labels | None] = [None] * len(pairs)
    per_fold = []
    started = time.perf_counter()
    splits = fold_splits(groups, n_folds, seed)
    for k, (train, test) in enumerate(splits):
        held = {group_of(pairs[i][0]) for i in test}
        extra = [pairs[i] for i in train] + [p for p in also if group_of(p[0]) not in held]
        fold_unlabelled = [r for r in unlabelled if group_of(r) not in held]
        fold_records = [r for r in records if group_of(r) not in held]
        clf = Classifier.train(fold_records, extra, corrections=corrections, unlabelled=fold_unlabelled,
                               **options)
        predicted = clf.predict([pairs[i][0] for i in test])
        for i, labels in zip(test, predicted, strict=True):
            predictions[i] = labels
        fold_score = evaluate([pairs[i][1] for i in test], predicted)
        per_fold.append({"n": len(test), "relevance_f1": fold_score["by_group"]["relevance"]["micro"]["f1"],
                         "techs_macro_f1": headline(fold_score)["techs_macro_f1"]})
        if progress is not None:
            progress(k + 1, n_folds)
    result = evaluate([gold for _, gold in pairs], [p for p in predictions if p is not None])
    result["cv"] = {"folds": n_folds, "group_by": by, "groups": len(set(groups)), "per_fold": per_fold,
                    "seed": seed, "seconds": round(time.perf_counter() - started, 1)}
    return result


def fold_splits(groups: Sequence[str], folds: int, seed: int | None = None) -> list[tuple[Any, Any]]:
    """(train, test) index arrays of a grouped k-fold split: scikit-learn's GroupKFold, whose default
    spreads groups by size; a ``seed`` shuffles which groups share a fold."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    splitter = GroupKFold(n_splits=folds, shuffle=seed is not None, random_state=seed)
    return list(splitter.split(np.zeros(len(groups)), groups=groups))


def repeated_cross_validation(pairs: Sequence[tuple[Item, Gold]], *, repeats: int, by: GroupBy = "series",
                              progress: Callable[[int, int], None] | None = None,
                              **options: Any) -> dict[str, Any]:
    """cross_validate with the default fold assignment, then ``repeats`` - 1 shuffled ones (seeds 1, 2, …).

    The result is the first run's, plus ``repeats``: each run's headline figures and per-technology
    F1, and ``spread``: the mean, lowest and highest of each headline figure over the runs.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be 1 or more, got {repeats}")
    first: dict[str, Any] = {}
    runs = []
    for k in range(repeats):
        result = cross_validate(pairs, by=by, seed=None if k == 0 else k, **options)
        first = first or result
        techs = {label[5:]: v["f1"] for label, v in result["per_label"].items() if label.startswith("tech:")}
        runs.append({"seed": result["cv"]["seed"], **headline(result), "techs_f1": techs})
        if progress is not None:
            progress(k + 1, repeats)
    first["repeats"] = runs
    first["spread"] = spread(runs)
    return first


def spread(runs: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    """Mean, lowest and highest of each headline figure over runs (figures a run lacks are left out)."""
    out = {}
    for key in ("relevance_f1", "techs_macro_f1", "techs_micro_f1", "forms_macro_f1"):
        values = [float(r[key]) for r in runs if r.get(key) is not None]
        if values:
            out[key] = {"mean": round(sum(values) / len(values), 3), "min": round(min(values), 3),
                        "max": round(max(values), 3)}
    return out


def headline(result: Mapping[str, Any]) -> dict[str, float | None]:
    """The figures the issue's targets are stated in."""
    groups = result.get("by_group", {})

    def pick(group: str, avg: str) -> float | None:
        """One averaged F1, or None when the group was not scored."""
        return groups.get(group, {}).get(avg, {}).get("f1")

    return {"relevance_f1": pick("relevance", "micro"), "techs_macro_f1": pick("techs", "macro"),
            "techs_micro_f1": pick("techs", "micro"), "forms_macro_f1": pick("forms", "macro")}


def pairs_of(items: Iterable[tuple[Item, Gold]]) -> list[tuple[Item, Gold]]:
    """A list of pairs (helper for callers with generators)."""
    return list(items)
