"""How the classifier does beyond ISO/IEC: a developer check set of IEEE, ITU, ETSI, 3GPP and Chinese records.

The labels in ``benchmarks/checkset/*.jsonl`` were written by developers with the rubric of
``../shared/data/eval/RUBRIC.md``, from each record's own fields, without looking at any model
output. They are not the issue's held-out set (which nobody here has); they give an estimate of how
the model generalizes to publishers it was not tuned on. Each line names a catalogue row by id
(``{"id", "catalog", "label"}``, plus ``"line"`` for a catalogue row without an id); the record's
text is read from the shared catalogue at run time, so the repository holds only the labels.

Run: ``.venv/bin/python -m benchmarks.checkset [--shared ../shared/data] [--out docs/]``. It trains
the models compared (on ``standards_dev.jsonl``, as ``vrscope train --dev`` on an empty store does;
and the same plus the catalogues' VR subsets as unlabelled records), labels the check set with each,
and writes ``docs/checkset.md`` and ``docs/checkset.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from vrscope.records import Correction, Labels, Patent, Standard  # noqa: E402

LABELS_DIR = ROOT / "benchmarks" / "checkset"
TECHS = ("near_eye_display", "perception_interaction", "rendering_computation", "content_production")
FORMS = ("VR", "AR", "MR")
# The catalogues' keyword-selected VR subsets: the check set's rows come from these files.
VR_SUBSETS = ("ieee/ieee_vr_relevant.jsonl", "itu/itu_vr_relevant.jsonl", "etsi/etsi_vr_relevant.jsonl",
              "3gpp/3gpp_vr_relevant_latest.jsonl", "cn-seed/cn_vr_standards_seed.jsonl")


class CheckSetError(ValueError):
    """The check set's labels do not fit the catalogues (unknown id or catalogue, malformed label)."""


@dataclass(frozen=True)
class Checked:
    """One labelled record: where its label is written, its catalogue, the record and the gold label."""

    where: str  # "ieee.jsonl:3"
    catalog: str
    record: Patent | Standard
    gold: Correction
    row: dict[str, Any]  # the catalogue row, with its publisher as "source" and the "label"

    @property
    def publisher(self) -> str:
        """'ieee', 'itu', 'etsi', '3gpp' or 'cn-seed'."""
        return self.catalog.split("/")[0]


def _label_problem(label: Any) -> str | None:
    """What is wrong with a label object, or None."""
    if not isinstance(label, dict) or not isinstance(label.get("relevant"), bool):
        return "no 'label' object with a boolean 'relevant'"
    techs, forms = label.get("techs", []), label.get("forms", [])
    if not isinstance(techs, list) or any(t not in TECHS for t in techs):
        return f"techs must be a list of {', '.join(TECHS)}; got {techs!r}"
    if not isinstance(forms, list) or any(f not in FORMS for f in forms):
        return f"forms must be a list of {', '.join(FORMS)}; got {forms!r}"
    if (techs or forms) and not label["relevant"]:
        return "an irrelevant record has no technologies or forms"
    return None


def _catalog_rows(catalogs: Path, name: str, cache: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The rows of one catalogue file, read once."""
    if name not in cache:
        if name not in VR_SUBSETS:
            raise CheckSetError(f"unknown catalogue {name!r}; expected one of {', '.join(VR_SUBSETS)}")
        text = (catalogs / name).read_text(encoding="utf-8")
        cache[name] = [json.loads(line) for line in text.splitlines() if line.strip()]
    return cache[name]


def _find(rows: list[dict[str, Any]], item: dict[str, Any], catalog: str) -> dict[str, Any]:
    """The catalogue row a label names: by ``line`` (1-based; for rows without an id), else by ``id``.

    A row without an id gets one for the record: its plan number, else '<catalogue>:<line>'.
    """
    line = item.get("line")
    if line is not None:
        if not isinstance(line, int) or not 1 <= line <= len(rows):
            raise CheckSetError(f"line {line!r} is not a row of {catalog} (1–{len(rows)})")
        row = rows[line - 1]
        if row.get("id") != item.get("id"):
            raise CheckSetError(f"row {line} of {catalog} has id {row.get('id')!r}, not {item.get('id')!r}")
        return row if row.get("id") else {**row, "id": row.get("plan_no") or f"{catalog}:{line}"}
    for row in rows:
        if item.get("id") is not None and str(row.get("id")) == str(item["id"]):
            return row
    raise CheckSetError(f"no row with id {item.get('id')!r} in {catalog}")


def load_checkset(catalogs: Path, labels_dir: Path = LABELS_DIR) -> list[Checked]:
    """Every labelled record of the check set; any line that does not fit raises CheckSetError naming
    its file and line (the set is small and hand-made, so a wrong line is a bug to fix, not to skip)."""
    from classify.corpus import record_from_row
    from classify.evaluate import gold_from_row

    cache: dict[str, list[dict[str, Any]]] = {}
    out: list[Checked] = []
    files = sorted(labels_dir.glob("*.jsonl"))
    if not files:
        raise CheckSetError(f"no label files (*.jsonl) in {labels_dir}")
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CheckSetError(f"{where}: invalid JSON: {exc.msg}") from None
            problem = _label_problem(item.get("label")) if isinstance(item, dict) else "not a JSON object"
            if problem:
                raise CheckSetError(f"{where}: {problem}")
            try:
                row = _find(_catalog_rows(catalogs, str(item.get("catalog")), cache), item, item["catalog"])
            except CheckSetError as exc:
                raise CheckSetError(f"{where}: {exc}") from None
            publisher = item["catalog"].split("/")[0]
            row = {**row, "source": row.get("source") or publisher, "label": item["label"]}
            try:
                record = record_from_row(row)
            except (ValueError, TypeError) as exc:
                raise CheckSetError(f"{where}: the catalogue row of {item['id']!r} is not usable: {exc}") \
                    from None
            out.append(Checked(where, item["catalog"], record, gold_from_row(row), row))
    return out


def rule_labels(records: Sequence[Patent | Standard]) -> list[Labels]:
    """The taxonomy and code-map rules alone (weak labels): a keyword-list baseline."""
    from classify.features import document

    out = []
    for record in records:
        weak = document(record)[1]
        relevant = weak.relevant
        out.append(Labels(relevant=relevant, relevance_score=round(weak.score, 4),
                          techs=dict.fromkeys(weak.techs, 1.0) if relevant else {},
                          forms=dict.fromkeys(weak.forms, 1.0) if relevant else {}, model_version="rules"))
    return out


def figures(gold: Sequence[Correction], predicted: Sequence[Labels]) -> dict[str, Any]:
    """Relevance F1, technology macro-F1 and F1 per technology, with the counts behind them."""
    from classify.crossval import headline
    from classify.evaluate import evaluate

    result = evaluate(gold, predicted)
    per = result.get("per_label", {})
    return {"n": len(gold), "relevant": sum(bool(g.relevant) for g in gold), **headline(result),
            "techs_f1": {t: per[f"tech:{t}"]["f1"] for t in TECHS if f"tech:{t}" in per},
            "techs_support": {t: per[f"tech:{t}"]["support"] for t in TECHS if f"tech:{t}" in per}}


def leave_one_publisher_out(dev: Sequence[tuple[Patent | Standard, Correction]], checked: Sequence[Checked],
                            unlabelled: Sequence[Patent | Standard] = ()) -> list[Labels]:
    """Each publisher's records labelled by a model trained on the dev set plus the *other* publishers'
    check-set labels: how a model that learns from labelled records of some publishers does on a
    publisher it has no label of."""
    from classify.model import Classifier

    out: list[Labels | None] = [None] * len(checked)
    for publisher in sorted({c.publisher for c in checked}):
        train = [*dev, *((c.record, c.gold) for c in checked if c.publisher != publisher)]
        test = [i for i, c in enumerate(checked) if c.publisher == publisher]
        model = Classifier.train([], train, unlabelled=unlabelled)
        predicted = model.predict([checked[i].record for i in test])
        for i, labels in zip(test, predicted, strict=True):
            out[i] = labels
    return [labels for labels in out if labels is not None]


def predictions(shared: Path, checked: Sequence[Checked]) -> dict[str, list[Labels]]:
    """Every compared model's labels for the check set, and the rules' (see the module docstring)."""
    from classify.corpus import load_unlabelled
    from classify.model import Classifier
    from classify.training import group_of
    from vrscope.modelling import load_labelled

    dev = load_labelled(shared / "eval" / "standards_dev.jsonl")
    catalogue = load_unlabelled([shared / "catalogs" / "standards" / name for name in VR_SUBSETS],
                                exclude_series=[group_of(r).removeprefix("series:") for r, _ in dev])
    records = [c.record for c in checked]
    return {
        "dev": Classifier.train([], dev).predict(records),
        "dev + unlabelled VR subsets": Classifier.train([], dev, unlabelled=catalogue).predict(records),
        "dev + other publishers' labels (leave one publisher out)": leave_one_publisher_out(dev, checked),
        "dev + other publishers' labels + unlabelled VR subsets (leave one publisher out)":
            leave_one_publisher_out(dev, checked, catalogue),
        "taxonomy and code-map rules alone": rule_labels(records),
    }


def dev_cv_with_checkset(shared: Path, checked: Sequence[Checked], repeats: int = 3) -> dict[str, Any]:
    """The ISO/IEC grouped CV (series and committee, ``repeats`` fold assignments each), without and
    with the check-set labels in every fold's training: do labels of other publishers help or clash?"""
    from classify.crossval import repeated_cross_validation
    from vrscope.modelling import load_labelled

    dev = load_labelled(shared / "eval" / "standards_dev.jsonl")
    also = [(c.record, c.gold) for c in checked]
    out: dict[str, Any] = {}
    for by in ("series", "committee"):
        for name, extra in (("without", []), ("with", also)):
            result = repeated_cross_validation(dev, repeats=repeats, by=by, also=extra)
            out[f"{by}, {name} the check-set labels"] = result["spread"]
    return out


def run(shared: Path, labels_dir: Path = LABELS_DIR) -> dict[str, Any]:
    """Figures of every model and of the rules, over the whole check set and per publisher, and the
    ISO/IEC CV without and with the check-set labels in training."""
    checked = load_checkset(shared / "catalogs" / "standards", labels_dir)
    publishers = sorted({c.publisher for c in checked})
    out: dict[str, Any] = {"n": len(checked), "publishers": {}, "models": {},
                           "dev_cv": dev_cv_with_checkset(shared, checked)}
    for name, predicted in predictions(shared, checked).items():
        out["models"][name] = {"all": figures([c.gold for c in checked], predicted)}
        for publisher in publishers:
            picked = [i for i, c in enumerate(checked) if c.publisher == publisher]
            out["publishers"][publisher] = len(picked)
            out["models"][name][publisher] = figures([checked[i].gold for i in picked],
                                                     [predicted[i] for i in picked])
    return out


def write_joined(checked: Sequence[Checked], path: Path) -> None:
    """The labelled records as standards_dev.jsonl-shaped JSON lines (catalogue row + "source" + "label")."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for c in checked:
            out.write(json.dumps({**c.row, "id": c.record.id}, ensure_ascii=False) + "\n")


def _cell(value: float | None) -> str:
    """A figure to three decimals, or a dash."""
    return "–" if value is None else f"{value:.3f}"


def report(result: dict[str, Any]) -> str:
    """docs/checkset.md."""
    lines = ["# Classifier check set beyond ISO/IEC", "",
             f"{result['n']} records of the catalogues' VR subsets (IEEE, ITU, ETSI, 3GPP, Chinese seed; "
             "many are false hits of the keyword selection), labelled by developers with the rubric "
             "(`../shared/data/eval/RUBRIC.md`) from each record's own fields, without looking at any model "
             "output. Not the issue's held-out set: an estimate of how the classifier generalizes to "
             "publishers it was not tuned on. Written by `python -m benchmarks.checkset`; the labels are in "
             "`benchmarks/checkset/`.", "",
             "Targets on the held-out set: relevance F1 ≥ 0.90, technology macro-F1 ≥ 0.80.", "",
             "| model | relevance F1 | techs macro-F1 | techs micro-F1 | " + " | ".join(TECHS) + " |",
             "|---|---:|---:|---:|" + "---:|" * len(TECHS)]
    for name, by in result["models"].items():
        f = by["all"]
        lines.append(f"| {name} | {_cell(f['relevance_f1'])} | {_cell(f['techs_macro_f1'])} | "
                     f"{_cell(f['techs_micro_f1'])} | "
                     + " | ".join(_cell(f["techs_f1"].get(t)) for t in TECHS) + " |")
    first = next(iter(result["models"].values()))["all"]
    lines += ["", f"Gold counts: {first['relevant']} relevant of {first['n']}; per technology "
              + ", ".join(f"{t} {n}" for t, n in first["techs_support"].items()) + ".", "",
              "Per publisher (relevance F1 / techs macro-F1):", "",
              "| model | " + " | ".join(f"{p} ({n})" for p, n in result["publishers"].items()) + " |",
              "|---|" + "---|" * len(result["publishers"])]
    for name, by in result["models"].items():
        cells = [f"{_cell(by[p]['relevance_f1'])} / {_cell(by[p]['techs_macro_f1'])}"
                 for p in result["publishers"]]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if result.get("dev_cv"):
        lines += ["", "The check-set labels as training data: `standards_dev.jsonl`'s grouped CV (mean "
                  "over 3 fold assignments; lowest–highest) when every fold also trains on every check-set "
                  "record:",
                  "",
                  "| CV | relevance F1 | techs macro-F1 | forms macro-F1 |", "|---|---|---|---|"]
        for name, spread in result["dev_cv"].items():
            lines.append(f"| {name} | " + " | ".join(
                f"{spread[k]['mean']:.3f} ({spread[k]['min']:.3f}–{spread[k]['max']:.3f})"
                for k in ("relevance_f1", "techs_macro_f1", "forms_macro_f1")) + " |")
    return "\n".join(lines) + "\n"


def main(argv: Iterable[str] | None = None) -> None:
    """Train, label the check set, write docs/checkset.md and .json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data",
                        help="the shared data folder (default ../shared/data)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where to write checkset.md/.json")
    parser.add_argument("--joined", type=Path, help="only write the labelled records, shaped like "
                        "standards_dev.jsonl (for `vrscope train --dev`, `vrscope evaluate`), to this file")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if not (args.shared / "eval" / "standards_dev.jsonl").is_file():
        parser.error(f"no standards_dev.jsonl under {args.shared}: pass --shared")
    if args.joined:
        checked = load_checkset(args.shared / "catalogs" / "standards")
        write_joined(checked, args.joined)
        print(f"{len(checked)} labelled records written to {args.joined}")
        return
    result = run(args.shared)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "checkset.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                                            encoding="utf-8")
    text = report(result)
    (args.out / "checkset.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
