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
                   progress: Callable[[int, int], None] | None = None, **options: Any) -> dict[str, Any]:
    """Out-of-fold predictions for every labelled pair, scored together; no group spans two folds.

    Each fold trains the full model (weak-labelled records and unlabelled catalogue rows, taxonomy
    examples, the other folds' gold labels) and predicts its own test fold. Unlabelled rows of a
    test fold's series are dropped from that fold's training data.
    """
    import numpy as np
    from sklearn.model_selection import GroupKFold

    from classify.evaluate import evaluate
    from classify.model import Classifier

    groups = [group_key(item, by) for item, _ in pairs]
    n_folds = min(folds, len(set(groups)))
    if n_folds < 2:
        raise ValueError(f"need at least two {by} groups to cross-validate, found {len(set(groups))}")
    predictions: list[Labels | None] = [None] * len(pairs)
    per_fold = []
    started = time.perf_counter()
    splits = list(GroupKFold(n_splits=n_folds).split(np.zeros(len(pairs)), groups=groups))
    for k, (train, test) in enumerate(splits):
        held = {group_of(pairs[i][0]) for i in test}
        extra = [pairs[i] for i in train]
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
                    "seconds": round(time.perf_counter() - started, 1)}
    return result


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
