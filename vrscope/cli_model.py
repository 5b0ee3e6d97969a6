"""The classifier's commands (label, evaluate, label-fix); registered on the app in vrscope.cli."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from vrscope.settings import Settings, get_settings

console = Console()
err = Console(stderr=True)
DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (store, index, models); default VRSCOPE_DATA_DIR."),
]
Unlabelled = Annotated[
    list[Path] | None,
    typer.Option("--unlabelled", help="Unlabelled catalogue (.jsonl/.jsonl.gz) for weak labels; repeatable."),
]
InputFile = Annotated[Path, typer.Option("--input", "-i", help="JSON-lines records ('-' = standard input).")]
OutputFile = Annotated[Path, typer.Option("--output", "-o", help="One result per line ('-' = stdout).")]
Explain = Annotated[bool, typer.Option("--explain", help="Add the terms and codes behind each label.")]
Jobs = Annotated[int, typer.Option("--jobs", "-j", min=0,
                                   help="Worker processes (0 = one per CPU); same output as 1.")]
Folds = Annotated[int, typer.Option("--cv", help="Grouped CV folds instead of the saved model (0 = off).")]
GroupBy = Annotated[str, typer.Option("--group-by", help="CV groups: series, publisher or committee.")]
Repeats = Annotated[int, typer.Option("--repeats", help="With --cv: also this many fold assignments "
                                      "(the default one, then shuffled), with mean, lowest and highest.")]
DocId = Annotated[str, typer.Argument(help="Document id (as stored, or any spelling that normalizes to it).")]
Relevant = Annotated[bool | None, typer.Option("--relevant/--not-relevant", help="VR-relevant or not.")]
Techs = Annotated[list[str] | None, typer.Option("--tech", help="Technology id (repeatable; 'none' = none).")]
Forms = Annotated[list[str] | None, typer.Option("--form", help="VR, AR or MR (repeatable; 'none').")]
Subtopics = Annotated[list[str] | None, typer.Option("--subtopic", help="Sub-topic id (repeatable; 'none').")]
Author = Annotated[str, typer.Option("--author", help="Who made the correction.")]
Note = Annotated[str | None, typer.Option("--note", help="Why (kept with the correction).")]


def _settings(data_dir: Path | None) -> Settings:
    """The settings, with --data-dir applied."""
    settings = get_settings()
    return settings.model_copy(update={"data_dir": data_dir}) if data_dir is not None else settings


def label(input_path: InputFile, output: OutputFile, explain: Explain = False, jobs: Jobs = 1,
          data_dir: DataDir = None) -> None:
    """Label a JSON-lines file (standards_dev.jsonl- or patent-shaped); bad lines are reported and skipped.

    Exit code 0 when at least one line was labelled (errors are listed on stderr and in the
    summary), 1 when nothing could be labelled. --jobs N labels batches of lines in N worker
    processes; the output is written in input order and is the same as with one process.
    """
    from vrscope.labelling import label_file, read_lines, start_pool
    from vrscope.pipeline import load_or_train
    from vrscope.store import Store

    settings = _settings(data_dir)
    with Store(settings.db_path) as store:
        classifier = load_or_train(store, settings)
        corrections = store.corrections()
    out = sys.stdout if str(output) == "-" else output.open("w", encoding="utf-8")
    try:
        if jobs == 1:
            summary = label_file(classifier, read_lines(input_path), out, corrections=corrections,
                                 explain=explain)
        else:
            with start_pool(jobs, settings.model_dir, corrections, explain) as pool:
                summary = label_file(classifier, read_lines(input_path), out, pool=pool)
    finally:
        if out is not sys.stdout:
            out.close()
    for error in summary.errors:
        typer.echo(f"{input_path}: {error}", err=True)
    lines = ", ".join(str(e.line) for e in summary.errors[:20])
    typer.echo(f"labelled {summary.labelled} of {summary.read} lines with {classifier.model_version}; "
               f"{len(summary.errors)} error(s)" + (f" (lines {lines})" if lines else ""), err=True)
    if summary.labelled == 0:
        raise typer.Exit(code=1)


def check_repeats(repeats: int, cv: int) -> None:
    """--repeats is 1 or more, and more than 1 only with a cross-validation."""
    if repeats < 1 or (repeats > 1 and cv < 2):
        raise typer.BadParameter("give 1 or more, and more than 1 only with --cv 2 or more",
                                 param_hint="--repeats")


def evaluate(input_path: InputFile, cv: Folds = 0, group_by: GroupBy = "series",
             unlabelled: Unlabelled = None, repeats: Repeats = 1, data_dir: DataDir = None) -> None:
    """Precision/recall/F1 per label, micro and macro, against the file's 'label' key."""
    from vrscope.modelling import evaluate_file, format_scores
    from vrscope.store import Store

    if group_by not in ("series", "publisher", "committee"):
        raise typer.BadParameter("choose series, publisher or committee", param_hint="--group-by")
    check_repeats(repeats, cv)
    settings = _settings(data_dir)
    with Store(settings.db_path) as store:
        result, errors = evaluate_file(store, settings, input_path, cv=cv,
                                       by=group_by,  # type: ignore[arg-type]
                                       unlabelled=unlabelled or [], repeats=repeats, progress=err.print)
    for error in errors:
        typer.echo(f"{input_path}: {error}", err=True)
    if not result:
        typer.echo("no labelled line to evaluate", err=True)
        raise typer.Exit(code=1)
    how = (f"{result['cv']['folds']}-fold cross-validation grouped by {group_by}" if cv > 1
           else f"model {result.get('model_version')}")
    table = Table(title=f"{input_path.name}: {result['n']} documents, {how}")
    for column in ("label", "precision", "recall", "F1", "support"):
        table.add_column(column, justify="left" if column == "label" else "right")
    for row in format_scores(result):
        table.add_row(*row)
    console.print(table)
    if result.get("repeats"):
        _print_repeats(result, group_by)


def _print_repeats(result: dict[str, Any], group_by: str) -> None:
    """The figures of each fold assignment of a repeated CV, and their spread."""
    from vrscope.modelling import format_repeats

    runs = result["repeats"]
    table = Table(title=f"{len(runs)} assignments of the {group_by} groups to folds (the table above: the "
                        "default one)")
    for column in ("fold assignment", "relevance F1", "techs macro-F1", "forms macro-F1",
                   *runs[0]["techs_f1"]):
        table.add_column(column, justify="left" if column == "fold assignment" else "right")
    for row in format_repeats(result):
        table.add_row(*row)
    console.print(table)


def label_fix(doc_id: DocId, relevant: Relevant = None, tech: Techs = None, form: Forms = None,
              subtopic: Subtopics = None, author: Author = "cli", note: Note = None,
              data_dir: DataDir = None) -> None:
    """Store a human correction; it wins over every model run, and `vrscope train` learns from it."""
    from classify.taxonomy import TAXONOMY
    from vrscope.labelling import build_correction, find_document
    from vrscope.store import Store

    settings = _settings(data_dir)
    with Store(settings.db_path) as store:
        doc = find_document(store, doc_id)
        if doc is None:
            typer.echo(f"no document with id {doc_id!r} in {settings.db_path}", err=True)
            raise typer.Exit(code=2)
        try:
            correction = build_correction(TAXONOMY, store.correction(doc.id), relevant=relevant,
                                          techs=tech, forms=form, subtopics=subtopic, author=author,
                                          note=note)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
        store.correct(doc.id, correction)
        labels = store.labels(doc.id)
    console.print(f"corrected {doc.id}: " + correction.model_dump_json(exclude={"created_at"}), markup=False)
    if labels is not None:
        console.print(f"effective labels: relevant={labels.relevant} techs={sorted(labels.techs)} "
                      f"forms={sorted(labels.forms)} (run `vrscope index` to update search)", markup=False)
