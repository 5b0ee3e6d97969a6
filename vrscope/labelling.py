"""Label and evaluate JSON-lines files, and build human corrections; the CLI's logic, without the CLI.

A bad input line (invalid JSON, no title and no abstract, a field of the wrong type) is reported
with its line number and skipped; every other line is still labelled. Callers decide what a run
with errors means (the CLI exits non-zero only when no line at all could be labelled).
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from vrscope.ids import InvalidIdentifier, normalize_patent_number, normalize_standard_id
from vrscope.records import Correction, Labels, Patent, Standard, effective_labels

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

    from classify.model import Classifier
    from classify.taxonomy import Taxonomy
    from vrscope.store import Store

BATCH = 500  # lines per batch: as fast per line as 2,000, and worker processes finish closer together
# json.dumps(item, ensure_ascii=False) without building an encoder per line (outputs hold no cycles)
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)
FORM_NAMES = {"vr": "VR", "ar": "AR", "mr": "MR"}


@dataclass(frozen=True)
class LineError:
    """A line that could not be used, and why."""

    line: int
    message: str

    def __str__(self) -> str:
        """'line 3: invalid JSON: …'."""
        return f"line {self.line}: {self.message}"


@dataclass
class Summary:
    """What a run read, labelled and skipped."""

    read: int = 0
    labelled: int = 0
    errors: list[LineError] = field(default_factory=list)
    worker_cpu: float = 0.0  # CPU seconds spent in worker processes (0 when labelling in-process)


@dataclass(frozen=True)
class Row:
    """One usable input line: its number, its id as given, the record, and the raw object."""

    line: int
    id: str
    record: Patent | Standard
    data: dict[str, Any]


def parse_lines(lines: Iterable[tuple[int, str]], errors: list[LineError]) -> Iterator[Row]:
    """Usable rows of (line number, text) pairs; every unusable line is appended to ``errors``."""
    from classify.corpus import record_from_row

    for number, text in lines:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            errors.append(LineError(number, f"invalid JSON: {exc.msg} (column {exc.colno})"))
            continue
        if not isinstance(data, dict):
            errors.append(LineError(number, f"expected a JSON object, got {type(data).__name__}"))
            continue
        try:
            record = record_from_row(data)
        except ValueError as exc:
            errors.append(LineError(number, str(exc)))
            continue
        yield Row(number, str(data["id"]), record, data)


def output_row(row_id: str, labels: Labels, scores: Mapping[str, float], corrected: bool) -> dict[str, Any]:
    """One output line: the decisions, the scores of every technology and form, kept sub-topic scores."""
    return _output_row(row_id, labels, {k[5:]: v for k, v in scores.items() if k.startswith("tech:")},
                       {FORM_NAMES.get(k[5:], k[5:]): v for k, v in scores.items() if k.startswith("form:")},
                       corrected)


def _output_row(row_id: str, labels: Labels, tech_scores: dict[str, float], form_scores: dict[str, float],
                corrected: bool) -> dict[str, Any]:
    """output_row with the technology and form scores already keyed by their output names."""
    return {
        "id": row_id, "relevant": labels.relevant, "relevance_score": labels.relevance_score,
        "techs": sorted(labels.techs), "forms": [FORM_NAMES.get(f, f.upper()) for f in sorted(labels.forms)],
        "subtopics": sorted(labels.subtopics),
        "scores": {"techs": tech_scores, "forms": form_scores, "subtopics": dict(labels.subtopics)},
        "model_version": labels.model_version, "corrected": corrected,
    }


def label_rows(classifier: Classifier, rows: Sequence[Row], corrections: Mapping[str, Correction],
               explain: bool = False) -> list[dict[str, Any]]:
    """Output objects for a batch of rows; a stored human correction of the same id wins."""
    import numpy as np

    proba = classifier.predict_proba([r.record for r in rows])
    out = []
    decided = classifier.labels_from_scores(proba)
    # output_row's score keys, worked out once per batch rather than once per row
    techs = [(lab[5:], i) for i, lab in enumerate(classifier.labels) if lab.startswith("tech:")]
    forms = [(FORM_NAMES.get(lab[5:], lab[5:]), i) for i, lab in enumerate(classifier.labels)
             if lab.startswith("form:")]
    for row, labels, scores in zip(rows, decided, np.round(proba, 4).tolist(), strict=True):
        correction = corrections.get(row.id) or corrections.get(row.record.id) if corrections else None
        final = effective_labels(labels, correction) or labels
        item = _output_row(row.id, final, {k: scores[i] for k, i in techs}, {k: scores[i] for k, i in forms},
                           correction is not None)
        if explain:
            item["explanations"] = {k: [f for f, _ in v] for k, v in classifier.explain(row.record).items()}
        out.append(item)
    return out


def label_lines(classifier: Classifier, lines: Sequence[tuple[int, str]],
                corrections: Mapping[str, Correction], explain: bool = False) -> Batch:
    """Parse and label one batch of (line number, text) pairs: its output text and its bad lines."""
    errors: list[LineError] = []
    rows = list(parse_lines(lines, errors))
    items = label_rows(classifier, rows, corrections, explain) if rows else []
    text = "".join(_ENCODER.encode(item) + "\n" for item in items)
    return Batch(len(lines), len(rows), text, errors)


@dataclass(frozen=True)
class Batch:
    """A labelled batch as sent back by a worker: lines read, lines labelled, output text, bad lines."""

    read: int
    labelled: int
    text: str
    errors: list[LineError]
    cpu: float = 0.0


_WORKER: tuple[Classifier, Mapping[str, Correction], bool] | None = None


def _init_worker(model_dir: str, corrections: Mapping[str, Correction], explain: bool) -> None:
    """Load the saved model once per worker process, and everything its first batch would build."""
    global _WORKER
    import gc

    from classify.model import Classifier

    classifier = Classifier.load(model_dir)
    classifier.predict(["虚拟现实头显 virtual reality headset"])  # term matchers, jieba, vocabulary tables
    # The model and those tables live as long as the worker: exempt them from garbage collection, so
    # each full collection walks only the current batch's objects (about a tenth of a worker's time).
    gc.freeze()
    _WORKER = (classifier, corrections, explain)


def _label_in_worker(lines: list[tuple[int, str]]) -> Batch:
    """One batch in a worker process, with the worker's CPU seconds spent on it."""
    import time

    if _WORKER is None:
        raise RuntimeError("labelling worker used without start_pool's initializer")
    started = time.process_time()
    classifier, corrections, explain = _WORKER
    batch = label_lines(classifier, lines, corrections, explain)
    return Batch(batch.read, batch.labelled, batch.text, batch.errors, time.process_time() - started)


@dataclass(frozen=True)
class LabelPool:
    """Worker processes holding the model, the corrections and the --explain choice."""

    executor: Executor
    jobs: int


@contextmanager
def start_pool(jobs: int, model_dir: str | Path, corrections: Mapping[str, Correction] | None = None,
               explain: bool = False) -> Iterator[LabelPool]:
    """``jobs`` worker processes (0 = one per CPU), each loading the saved model in ``model_dir`` once."""
    from concurrent.futures import ProcessPoolExecutor

    if jobs < 0:
        raise ValueError(f"--jobs must be 0 (one per CPU) or more, got {jobs}")
    jobs = jobs or os.cpu_count() or 1
    with ProcessPoolExecutor(jobs, initializer=_init_worker,
                             initargs=(str(model_dir), dict(corrections or {}), explain)) as executor:
        yield LabelPool(executor, jobs)


def _batches(lines: Iterable[tuple[int, str]], size: int) -> Iterator[list[tuple[int, str]]]:
    """Consecutive lists of at most ``size`` lines."""
    batch: list[tuple[int, str]] = []
    for pair in lines:
        batch.append(pair)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _pooled(pool: Executor, batches: Iterator[list[tuple[int, str]]], in_flight: int) -> Iterator[Batch]:
    """Results of the batches in input order, with at most ``in_flight`` batches submitted at once."""
    pending: deque[Future[Batch]] = deque()
    for batch in batches:
        pending.append(pool.submit(_label_in_worker, batch))
        if len(pending) >= in_flight:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def label_file(classifier: Classifier, lines: Iterable[tuple[int, str]], out: IO[str], *,
               corrections: Mapping[str, Correction] | None = None, explain: bool = False,
               pool: LabelPool | None = None, batch_size: int | None = None) -> Summary:
    """Label every usable line into ``out`` (one JSON object per line, input order kept).

    With a ``pool`` from start_pool, batches of lines are parsed and labelled in its workers (with
    the pool's model, corrections and explain choice) and written in input order as they finish,
    a few batches in flight at a time; the output is the same as without a pool.
    """
    summary = Summary()
    batches = _batches(lines, batch_size or BATCH)
    if pool is None:
        done: Iterator[Batch] = (label_lines(classifier, b, corrections or {}, explain) for b in batches)
    else:
        done = _pooled(pool.executor, batches, 2 * pool.jobs)
    for batch in done:
        out.write(batch.text)
        summary.read += batch.read
        summary.labelled += batch.labelled
        summary.errors.extend(batch.errors)
        summary.worker_cpu += batch.cpu
    return summary


def labelled_pairs(lines: Iterable[tuple[int, str]], errors: list[LineError]) -> list[tuple[Row, Correction]]:
    """Rows with their gold ``label`` key as a Correction (rows without a usable label are errors)."""
    from classify.evaluate import gold_from_row

    out = []
    for row in parse_lines(lines, errors):
        label = row.data.get("label")
        if not isinstance(label, dict) or not isinstance(label.get("relevant"), bool):
            errors.append(LineError(row.line, "no 'label' object with a boolean 'relevant'"))
            continue
        out.append((row, gold_from_row(row.data)))
    return out


def find_document(store: Store, doc_id: str) -> Patent | Standard | None:
    """A stored document by id as given, or by its normalized standard or patent identifier."""
    doc = store.get(doc_id)
    for normalize in (normalize_standard_id, normalize_patent_number):
        if doc is not None:
            break
        try:
            candidate = normalize(doc_id)
        except InvalidIdentifier:
            continue
        doc = store.get(candidate) if candidate != doc_id else None
    return doc


def _resolve(values: Sequence[str], known: Sequence[str], what: str) -> list[str]:
    """Known ids for the given names (case-insensitive; 'none' alone means an empty list)."""
    if [v.strip().lower() for v in values] == ["none"]:
        return []
    out = []
    for value in values:
        key = value.strip().lower()
        if key not in known:
            raise ValueError(f"unknown {what} {value!r}; choose from {', '.join(known)} (or 'none')")
        out.append(key)
    return list(dict.fromkeys(out))


def build_correction(taxonomy: Taxonomy, previous: Correction | None, *, relevant: bool | None,
                     techs: Sequence[str] | None, forms: Sequence[str] | None,
                     subtopics: Sequence[str] | None, author: str, note: str | None) -> Correction:
    """A correction from command-line values, validated against the taxonomy; unset fields keep the
    previous correction's value."""
    base = previous.model_dump(exclude={"created_at"}) if previous else {}
    given: dict[str, Any] = {"author": author}
    if note is not None:
        given["note"] = note
    if relevant is not None:
        given["relevant"] = relevant
    for key, values, known, what in (("techs", techs, taxonomy.tech_ids(), "technology"),
                                     ("forms", forms, taxonomy.form_ids(), "form"),
                                     ("subtopics", subtopics, taxonomy.subtopic_ids(), "sub-topic")):
        if values:
            given[key] = _resolve(values, known, what)
    if len(given) == 1 + ("note" in given):
        raise ValueError("nothing to correct: give --relevant/--not-relevant, --tech, --form or --subtopic")
    return Correction.model_validate(base | given)


def read_lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """(line number, line) of a JSON-lines file ('-' for standard input; .gz is decompressed)."""
    import sys

    from classify.corpus import read_rows

    if str(path) == "-":
        yield from ((n, line) for n, line in enumerate(sys.stdin, start=1) if line.strip())
        return
    yield from read_rows(path)
