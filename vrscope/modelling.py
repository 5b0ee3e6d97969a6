"""Train, cross-validate and evaluate the classifier from the store, a labelled file and catalogues."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vrscope.labelling import LineError, labelled_pairs, read_lines
from vrscope.records import Correction, Patent, Standard
from vrscope.settings import Settings
from vrscope.store import Store

if TYPE_CHECKING:
    from classify.crossval import GroupBy
    from classify.model import Classifier

Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


def file_info(path: str | Path) -> dict[str, Any]:
    """Name, size and SHA-256 of an input file (recorded in the model's metadata)."""
    data = Path(path).read_bytes()
    return {"name": Path(path).name, "path": str(path), "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}


def load_labelled(path: str | Path) -> list[tuple[Standard | Patent, Correction]]:
    """Labelled records of a standards_dev.jsonl-shaped file; any bad line is an error here."""
    errors: list[LineError] = []
    pairs = [(row.record, gold) for row, gold in labelled_pairs(read_lines(path), errors)]
    if errors:
        shown = "; ".join(str(e) for e in errors[:5])
        raise ValueError(f"{path}: {len(errors)} unusable line(s): {shown}")
    return pairs


def train_model(store: Store, settings: Settings, *, dev: str | Path | None = None,
                unlabelled: Sequence[str | Path] = (), cv: int = 5,
                splits: Sequence[GroupBy] = ("series",), repeats: int = 1,
                progress: Progress = _noop) -> Classifier:
    """Train on the store (weak labels), corrections, the taxonomy, and optionally a labelled file and
    unlabelled catalogues; with a labelled file, grouped cross-validation figures go into the card
    (with ``repeats`` > 1, over that many fold assignments per split, with their spread)."""
    from classify.corpus import load_unlabelled
    from classify.crossval import headline
    from classify.model import Classifier
    from classify.training import group_of

    documents = list(store.iter_documents())
    corrections = store.corrections()
    pairs = load_labelled(dev) if dev else []
    progress(f"{len(documents)} stored documents, {len(corrections)} corrections, {len(pairs)} labelled")
    catalogue = load_unlabelled(unlabelled, exclude_series=[group_of(r).removeprefix("series:")
                                                            for r, _ in pairs])
    if unlabelled:
        progress(f"{len(catalogue)} unlabelled catalogue records sampled from {len(unlabelled)} file(s)")
    classifier = Classifier.train(documents, pairs, corrections=corrections, unlabelled=catalogue)
    progress(f"trained {classifier.model_version} in {classifier.metadata['training_seconds']} s")
    classifier.metadata["training_data"] = {
        "store_documents": len(documents), "corrections": len(corrections),
        "dev": file_info(dev) if dev else None, "unlabelled": [file_info(p) for p in unlabelled],
        "unlabelled_sampled": len(catalogue)}
    if pairs and cv > 1:
        for split in splits:
            progress(f"cross-validating by {split} (up to {cv} folds"
                     + (f", {repeats} fold assignments)" if repeats > 1 else ")"))
            result = grouped_cv(pairs, repeats, folds=cv, by=split, records=documents, unlabelled=catalogue,
                                corrections=corrections)
            classifier.metadata.setdefault("scores", {})[f"cv_{split}"] = result
            progress(f"  {headline(result)}")
    classifier.save(settings.model_dir)
    return classifier


def grouped_cv(pairs: Sequence[tuple[Standard | Patent, Correction]], repeats: int,
               progress: Progress | None = None, **options: Any) -> dict[str, Any]:
    """cross_validate, or with ``repeats`` > 1 repeated_cross_validation; progress per fold, or per fold
    assignment when repeated (none without ``progress``)."""
    from classify.crossval import cross_validate, repeated_cross_validation

    if repeats > 1:
        return repeated_cross_validation(
            pairs, repeats=repeats, **options,
            progress=progress and (lambda k, n: progress(f"fold assignment {k}/{n}")))
    return cross_validate(pairs, **options, progress=progress and (lambda k, n: progress(f"fold {k}/{n}")))


def evaluate_file(store: Store, settings: Settings, path: str | Path, *, cv: int = 0,
                  by: GroupBy = "series", unlabelled: Sequence[str | Path] = (), repeats: int = 1,
                  progress: Progress = _noop) -> tuple[dict[str, Any], list[LineError]]:
    """Scores against the file's ``label`` key: of the saved model, or of grouped cross-validation
    (with ``repeats`` > 1, also over that many fold assignments: see repeated_cross_validation)."""
    from classify.corpus import load_unlabelled
    from classify.evaluate import evaluate
    from vrscope.pipeline import load_or_train

    errors: list[LineError] = []
    rows = labelled_pairs(read_lines(path), errors)
    if not rows:
        return {}, errors
    pairs = [(row.record, gold) for row, gold in rows]
    if cv > 1:
        catalogue = load_unlabelled(unlabelled)
        result = grouped_cv(pairs, repeats, progress, folds=cv, by=by, records=list(store.iter_documents()),
                            unlabelled=catalogue, corrections=store.corrections())
    else:
        classifier = load_or_train(store, settings)
        result = evaluate([g for _, g in pairs], classifier.predict([r for r, _ in pairs]))
        result["model_version"] = classifier.model_version
    return result, errors


def format_repeats(result: dict[str, Any]) -> list[tuple[str, ...]]:
    """Table rows of a repeated CV: one per fold assignment, then mean, lowest and highest."""
    runs = result.get("repeats") or []
    techs = list(runs[0]["techs_f1"]) if runs else []

    def cell(value: float | None) -> str:
        """A figure to three decimals, or a dash."""
        return "–" if value is None else f"{value:.3f}"

    rows: list[tuple[str, ...]] = []
    for run in runs:
        name = "default" if run["seed"] is None else f"shuffled, seed {run['seed']}"
        figures = (run["relevance_f1"], run["techs_macro_f1"], run["forms_macro_f1"])
        rows.append((name, *map(cell, figures), *(cell(run["techs_f1"].get(t)) for t in techs)))
    for stat in ("mean", "min", "max"):
        figures = result.get("spread", {})
        rows.append((stat, *(cell(figures.get(k, {}).get(stat)) for k in
                             ("relevance_f1", "techs_macro_f1", "forms_macro_f1")), *("" for _ in techs)))
    return rows


def format_scores(result: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """Table rows: label, precision, recall, F1, support; then micro and macro per group and overall."""
    rows = [(label, f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}", str(v["support"]))
            for label, v in result.get("per_label", {}).items()]
    for group, scores in result.get("by_group", {}).items():
        for avg in ("micro", "macro"):
            v = scores[avg]
            rows.append((f"{group} {avg}", f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}",
                         str(v.get("support", ""))))
    for avg in ("micro", "macro"):
        v = result.get(avg)
        if v:
            rows.append((f"all {avg}", f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}",
                         str(v.get("support", ""))))
    return rows
