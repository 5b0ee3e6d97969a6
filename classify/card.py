"""The model card (skops ``card.Card``) written beside a saved model as README.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from classify.artifacts import CARD_FILE, METADATA_FILE, MODEL_FILE

TARGETS = {"standards_dev grouped 5-fold CV": {"relevance_f1": 0.93, "techs_macro_f1": 0.88},
           "held-out publishers and patents": {"relevance_f1": 0.90, "techs_macro_f1": 0.80}}

INTENDED_USE = (
    "Files VR/AR/MR patents and standards (Chinese and English) under the city's 3+4 taxonomy: "
    "relevance, four key technologies, three product forms and their sub-topics, for vrscope's "
    "trend, gap and standards views. Scores are calibrated probabilities; a person reviews "
    "anything that matters, and a human correction (`vrscope label-fix`) always wins.")
LIMITATIONS = (
    "Gold labels exist only for ISO and IEC standards (standards_dev.jsonl); other publishers and "
    "patents rely on the taxonomy terms, the CPC/IPC/ICS code maps and weak labels from unlabelled "
    "catalogues, so their figures are estimates (see the leave-one-publisher-out and unseen-committee "
    "splits). Sub-topics have no gold labels: their thresholds come from weak labels. Title-only "
    "records (3GPP, many drafts) carry little evidence. Not a judgement of standard-essentiality.")


def _headline(result: dict[str, Any]) -> dict[str, Any]:
    """Relevance F1, technology macro/micro F1 and form macro F1 of one evaluation result."""
    from classify.crossval import headline

    return {k: v for k, v in headline(result).items() if v is not None}


def _scores_table(metadata: dict[str, Any]) -> dict[str, list[Any]]:
    """One row per recorded evaluation: how it was split and its headline figures."""
    rows: dict[str, list[Any]] = {"evaluation": [], "n": [], "relevance F1": [], "techs macro F1": [],
                                  "techs micro F1": [], "forms macro F1": []}
    for name, result in sorted(metadata.get("scores", {}).items()):
        if not result:
            continue
        figures = _headline(result)
        cv = result.get("cv")
        if cv:
            name = f"{name} ({cv['folds']} folds by {cv['group_by']})"
        elif name == "validation_oof":
            name += " (thresholds tuned on it: optimistic)"
        _add_row(rows, name, result.get("n", ""), figures)
        runs = len(result.get("repeats") or [])
        for stat, word in (("mean", "mean"), ("min", "lowest"), ("max", "highest")) if runs > 1 else ():
            spread = {key: v[stat] for key, v in result.get("spread", {}).items()}
            _add_row(rows, f"{name}: {word} of {runs} fold assignments", result.get("n", ""), spread)
    return rows


def _add_row(rows: dict[str, list[Any]], name: str, n: Any, figures: dict[str, Any]) -> None:
    """One row of the scores table."""
    rows["evaluation"].append(name)
    rows["n"].append(n)
    for column, key in (("relevance F1", "relevance_f1"), ("techs macro F1", "techs_macro_f1"),
                        ("techs micro F1", "techs_micro_f1"), ("forms macro F1", "forms_macro_f1")):
        value = figures.get(key)
        rows[column].append("" if value is None else f"{value:.3f}")


def _per_label_table(metadata: dict[str, Any]) -> dict[str, list[Any]]:
    """Precision, recall, F1 and support per label of each grouped cross-validation."""
    rows: dict[str, list[Any]] = {"evaluation": [], "label": [], "precision": [], "recall": [], "F1": [],
                                  "support": []}
    for name, result in sorted(metadata.get("scores", {}).items()):
        if not result or not result.get("cv"):
            continue
        for label, v in result.get("per_label", {}).items():
            rows["evaluation"].append(name)
            rows["label"].append(label)
            for column, key in (("precision", "precision"), ("recall", "recall"), ("F1", "f1")):
                rows[column].append(f"{v[key]:.3f}")
            rows["support"].append(v.get("support", ""))
    return rows


def _reproduce(metadata: dict[str, Any]) -> str:
    """The commands that give this model and its figures (from what the metadata says it was fed)."""
    data = metadata.get("training_data") or {}
    dev = (data.get("dev") or {}).get("path") or (data.get("dev") or {}).get("name")
    splits = [name.removeprefix("cv_") for name, r in sorted(metadata.get("scores", {}).items())
              if r and r.get("cv")]
    repeats = max((len(r.get("repeats") or []) for r in metadata.get("scores", {}).values() if r), default=0)
    again = f" --repeats {repeats}" if repeats > 1 else ""
    lines = ["```sh"]
    train = "vrscope train" + (f" --dev {dev}" if dev else "")
    train += "".join(f" --split {s}" for s in splits) + again
    train += "".join(f" --unlabelled {u.get('path') or u.get('name')}" for u in data.get("unlabelled", []))
    lines.append(train)
    for split in splits if dev else []:
        lines.append(f"vrscope evaluate --input {dev} --cv 5 --group-by {split}{again}")
    lines.append("```")
    return "\n".join(lines) + ("\n\nThe CV figures are out-of-fold: every fold trains the whole model "
                                "(thresholds included) without the held-out groups' gold labels.")


def write_card(directory: str | Path, metadata: dict[str, Any]) -> Path:
    """Write README.md (the model card) into a saved model's directory and return its path."""
    from skops import card

    path = Path(directory)
    model_card = card.Card(path / MODEL_FILE, model_format="skops", model_diagram=False, template=None,
                           trusted=sorted(_trusted(path)))
    data = metadata.get("training_data") or {}
    model_card.add(**{
        "Model description": (
            f"`{metadata['model_version']}`: one calibrated logistic regression per label over word "
            "uni/bigrams (rjieba for Chinese), CPC/IPC/ICS/committee tokens and rule-evidence features "
            "(taxonomy terms, sub-topic → technology evidence, code maps). Platt scaling and per-label "
            "thresholds were chosen on out-of-fold predictions (gold labels where there are enough, else "
            "weak labels); a label with few positives has its threshold shrunk towards its group's."),
        "Model description/Intended uses & limitations": f"{INTENDED_USE}\n\n{LIMITATIONS}",
        "Model description/Training Procedure": (
            f"Examples: {json.dumps(metadata.get('n_examples', {}))}. Store documents: "
            f"{data.get('store_documents', 'n/a')}, corrections: {data.get('corrections', 'n/a')}, "
            f"labelled file: {json.dumps(data.get('dev'))}, unlabelled files: "
            f"{json.dumps([u['name'] for u in data.get('unlabelled', [])])} "
            f"({data.get('unlabelled_sampled', 0)} records sampled). Training took "
            f"{metadata.get('training_seconds')} s. Reproduce with `vrscope train` and the same inputs."),
        "Model description/Training Procedure/Provenance": (
            f"- training-data hash: `{metadata['data_hash']}`\n- code version: `{metadata['code_version']}`\n"
            f"- taxonomy hash: `{metadata['taxonomy_hash']}`\n- code-map hash: `{metadata['codemap_hash']}`\n"
            f"- model file SHA-256: `{metadata.get('model_sha256', '')}`\n"
            f"- libraries: {', '.join(f'{k} {v}' for k, v in metadata.get('libraries', {}).items())}"),
    })
    model_card.add_table(folded=False, **{"Evaluation Results": _scores_table(metadata)})
    per_label = _per_label_table(metadata)
    if per_label["label"]:
        model_card.add_table(folded=False, **{"Evaluation Results/Per label (grouped CV)": per_label})
    model_card.add(**{"Evaluation Results/Targets": "\n".join(
        f"- {name}: relevance F1 ≥ {t['relevance_f1']}, technology macro-F1 ≥ {t['techs_macro_f1']}"
        for name, t in TARGETS.items())})
    model_card.add(**{"Evaluation Results/How to reproduce": _reproduce(metadata)})
    thresholds = metadata.get("chosen_thresholds", {})
    sources = metadata.get("threshold_source", {})
    model_card.add_table(folded=True, **{"Decision thresholds": {
        "label": list(thresholds), "threshold": [f"{v:.2f}" for v in thresholds.values()],
        "chosen on": [sources.get(k, "") for k in thresholds]}})
    out = path / CARD_FILE
    model_card.save(out)
    return out


def _trusted(path: Path) -> set[str]:
    """The skops types this model legitimately contains (the card reads the model file)."""
    import skops.io as sio

    return set(sio.get_untrusted_types(file=path / MODEL_FILE))


def read_metadata(directory: str | Path) -> dict[str, Any]:
    """metadata.json of a saved model."""
    return dict(json.loads((Path(directory) / METADATA_FILE).read_text(encoding="utf-8")))
