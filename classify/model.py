"""The classifier: trained on weak labels, taxonomy examples and any gold labels; saved with skops."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import platform
import time
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from classify.codemap import COMMITTEE_HINTS, CPC_HINTS, ICS_HINTS, weak_labels_from_codes
from classify.features import (
    Doc,
    as_matrix,
    build_pipeline,
    compact_vocabularies,
    doc_from_record,
    hint_tokens,
)
from classify.taxonomy import TAXONOMY, Concept, Taxonomy
from classify.weak import WeakLabels, weak_labels_from_text
from vrscope import __version__
from vrscope.records import Correction, Labels, Patent, Standard

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

Item = Patent | Standard | str
Gold = Labels | Correction
MODEL_FILE = "model.skops"
METADATA_FILE = "metadata.json"
FORMAT_VERSION = 1
# Types skops does not trust by default but our pipeline legitimately contains; anything else is refused.
ALLOWED_TYPES = frozenset({"classify.features.segment"})


class UntrustedModelError(RuntimeError):
    """A saved model contains types outside the allow-list."""


@dataclass(frozen=True)
class Example:
    """One training document with its target label names."""

    doc: Doc
    targets: frozenset[str]
    origin: str


def document(item: Item, taxonomy: Taxonomy = TAXONOMY) -> tuple[Doc, WeakLabels]:
    """The model's view of a record or text (rule evidence included as hint tokens) and that evidence."""
    doc = Doc(item) if isinstance(item, str) else doc_from_record(item)
    weak = weak_labels_from_text(doc.text, taxonomy)
    if isinstance(item, Patent):
        weak = weak_labels_from_codes(item.cpc, item.ipc, taxonomy=taxonomy) | weak
    elif isinstance(item, Standard):
        weak = weak_labels_from_codes(ics=item.ics, committee=item.committee, taxonomy=taxonomy) | weak
    return Doc(doc.text, doc.codes, tuple(hint_tokens(weak))), weak


def weak_labels_for(item: Item, taxonomy: Taxonomy = TAXONOMY) -> WeakLabels:
    """Rule evidence for a record (codes and text) or a bare text."""
    return document(item, taxonomy)[1]


def _given(gold: Gold, key: str, known: Iterable[str]) -> set[str] | None:
    """The known ids a gold label gives for one field, or None when it says nothing about it."""
    value = getattr(gold, key)
    if value is None:
        return None
    return {str(v).lower() for v in value} & set(known)


def targets_with_gold(weak: WeakLabels, gold: Gold, taxonomy: Taxonomy = TAXONOMY) -> frozenset[str]:
    """Weak targets overridden by gold: relevance always; techs/forms/sub-topics when gold is relevant."""
    targets = set(weak.targets()) - {"relevant"}
    relevant = weak.relevant if gold.relevant is None else gold.relevant
    if not relevant:  # gold says nothing about topics of irrelevant documents: keep the hints
        return frozenset(targets)
    targets.add("relevant")
    subs = _given(gold, "subtopics", taxonomy.subtopic_ids())
    techs = _given(gold, "techs", taxonomy.tech_ids())
    if subs is not None:
        targets = {t for t in targets if not t.startswith("sub:")} | {f"sub:{s}" for s in subs}
    if techs is not None:
        techs |= {taxonomy.parent_of(t[4:]) for t in targets if t.startswith("sub:") and subs is not None}
        targets = {t for t in targets if not t.startswith(("tech:", "sub:"))
                   or (t.startswith("sub:") and taxonomy.parent_of(t[4:]) in techs)}
        targets |= {f"tech:{t}" for t in techs}
    forms = _given(gold, "forms", taxonomy.form_ids())
    if forms is not None:
        targets = {t for t in targets if not t.startswith("form:")} | {f"form:{f}" for f in forms}
    return frozenset(targets & set(taxonomy.label_names()))


def taxonomy_examples(taxonomy: Taxonomy = TAXONOMY) -> list[Example]:
    """Tiny documents made of each concept's terms; negatives come from the off-topic vocabularies."""
    out: list[Example] = []
    for concept in (*taxonomy.relevance, *taxonomy.forms, *taxonomy.techs, *taxonomy.subtopics):
        own = {"tech": f"tech:{concept.id}", "form": f"form:{concept.id}", "subtopic": f"sub:{concept.id}"}
        for lang, sep in (("zh", "，"), ("en", "; ")):
            terms = concept.all_terms(lang)
            if not terms:
                continue
            doc, weak = document(sep.join((concept.name(lang), *terms)), taxonomy)
            targets = set(weak.targets())
            if concept.kind in own:
                targets.add(own[concept.kind])
            if concept.parent:
                targets.add(f"tech:{concept.parent}")
            out.append(Example(doc, frozenset(targets), "taxonomy"))
    for concept in taxonomy.negatives:
        for lang, sep in (("zh", "，"), ("en", "; ")):
            terms = concept.all_terms(lang)
            for start in range(0, len(terms), 5):
                doc = document(sep.join(terms[start:start + 5]), taxonomy)[0]
                out.append(Example(doc, frozenset(), "taxonomy"))
    return out


def _digest(data: Any) -> str:
    """SHA-256 of canonical JSON."""
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
                          .encode("utf-8")).hexdigest()


def _taxonomy_from_dict(data: Mapping[str, Any]) -> Taxonomy:
    """Rebuild a Taxonomy saved with dataclasses.asdict (lists back to tuples)."""
    def concept(c: Mapping[str, Any]) -> Concept:
        """One concept from its dict."""
        fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in c.items()}
        return Concept(**fields)

    groups = ("relevance", "forms", "techs", "subtopics", "negatives")
    kwargs: dict[str, Any] = {g: tuple(concept(c) for c in data[g]) for g in groups}
    return Taxonomy(**kwargs, masked=tuple(data["masked"]))


def _library_versions() -> dict[str, str]:
    """Versions of Python and the libraries a saved model depends on."""
    versions = {"python": platform.python_version()}
    for name in ("scikit-learn", "skops", "numpy", "scipy", "rjieba"):
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            versions[name] = "unknown"
    return versions


def _file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Classifier:
    """Multi-label VR classifier: relevance, technologies, forms and sub-topics."""

    def __init__(self, *, taxonomy: Taxonomy = TAXONOMY, thresholds: Mapping[str, float] | None = None,
                 default_threshold: float = 0.5, c: float = 4.0, hint_weight: float = 1.0,
                 use_taxonomy_examples: bool = True) -> None:
        """Configure; then fit(), or use Classifier.train() / Classifier.load()."""
        self.taxonomy = taxonomy
        self.labels: list[str] = taxonomy.label_names()
        self.parents: dict[str, str] = {s: taxonomy.parent_of(s) for s in taxonomy.subtopic_ids()}
        self.thresholds: dict[str, float] = dict(thresholds or {})
        self.default_threshold = default_threshold
        self.c = c
        self.hint_weight = hint_weight
        self.use_taxonomy_examples = use_taxonomy_examples
        self.pipeline: Pipeline | None = None
        self.trained_labels: list[str] = []
        self.constant_scores: dict[str, float] = {}
        self.metadata: dict[str, Any] = {}

    @property
    def model_version(self) -> str:
        """'tfidf-ovr-<short training-data hash>' once trained."""
        return str(self.metadata.get("model_version", "untrained"))

    @property
    def version(self) -> str:
        """Alias of model_version."""
        return self.model_version

    def examples(self, records: Iterable[Patent | Standard],
                 extra_labelled: Iterable[tuple[Item, Gold]] | None = None, *,
                 corrections: Mapping[str, Correction] | None = None) -> list[Example]:
        """The training examples fit() would use (gold wins over weak labels for the same document)."""
        records = list(records)
        pairs: list[tuple[Item, Gold]] = list(extra_labelled or [])
        if corrections:
            pairs += [(r, corrections[r.id]) for r in records if r.id in corrections]
        gold = []
        for item, labels in pairs:
            doc, weak_labels = document(item, self.taxonomy)
            gold.append(Example(doc, targets_with_gold(weak_labels, labels, self.taxonomy), "extra"))
        seen = {g.doc for g in gold}
        weak = [Example(doc, w.targets(), "record") for doc, w in
                (document(r, self.taxonomy) for r in records) if doc not in seen]
        extra = taxonomy_examples(self.taxonomy) if self.use_taxonomy_examples else []
        return weak + gold + extra

    @classmethod
    def train(cls, records: Iterable[Patent | Standard],
              extra_labelled: Iterable[tuple[Item, Gold]] | None = None, *,
              corrections: Mapping[str, Correction] | None = None, **options: Any) -> Classifier:
        """A new classifier built with **options (see __init__) and fitted: ``cls(**options).fit(...)``."""
        return cls(**options).fit(records, extra_labelled, corrections=corrections)

    def fit(self, records: Iterable[Patent | Standard],
            extra_labelled: Iterable[tuple[Item, Gold]] | None = None, *,
            corrections: Mapping[str, Correction] | None = None) -> Classifier:
        """Fit on weak labels, taxonomy examples, extra (record or text, labels) and corrections by id."""
        started = time.perf_counter()
        examples = self.examples(records, extra_labelled, corrections=corrections)
        y = np.array([[label in ex.targets for label in self.labels] for ex in examples], dtype=np.int8)
        positives = y.sum(axis=0)
        trainable = (positives > 0) & (positives < len(examples))
        if trainable.sum() < 2:
            raise ValueError("need at least two labels with both positive and negative examples")
        self.trained_labels = [lab for lab, ok in zip(self.labels, trainable, strict=True) if ok]
        self.constant_scores = {lab: float(positives[i] > 0) for i, lab in enumerate(self.labels)
                                if not trainable[i]}
        pipeline = build_pipeline(c=self.c, hint_weight=self.hint_weight)
        pipeline.fit(as_matrix([ex.doc for ex in examples]), y[:, trainable])
        compact_vocabularies(pipeline)
        self.pipeline = pipeline
        digest = _digest({"c": self.c, "labels": self.labels, "hint_weight": self.hint_weight,
                          "examples": [[ex.doc.text, ex.doc.code_string, ex.doc.hint_string,
                                        sorted(ex.targets)] for ex in examples]})
        taxonomy = dataclasses.asdict(self.taxonomy)
        origins = [ex.origin for ex in examples]
        self.metadata = {
            "format_version": FORMAT_VERSION, "model_version": f"tfidf-ovr-{digest[:10]}",
            "data_hash": digest, "code_version": __version__, "libraries": _library_versions(),
            "trained_at": dt.datetime.now(dt.UTC).isoformat(), "training_seconds": 0.0,
            "params": {"c": self.c, "hint_weight": self.hint_weight,
                       "use_taxonomy_examples": self.use_taxonomy_examples},
            "n_examples": {o: origins.count(o) for o in ("record", "extra", "taxonomy")},
            "label_counts": {lab: int(n) for lab, n in zip(self.labels, positives, strict=True)},
            "labels": self.labels, "trained_labels": self.trained_labels, "parents": self.parents,
            "constant_scores": self.constant_scores, "thresholds": self.thresholds,
            "default_threshold": self.default_threshold, "scores": {},
            "taxonomy_hash": _digest(taxonomy),
            "codemap_hash": _digest([CPC_HINTS, ICS_HINTS, COMMITTEE_HINTS]),
            "taxonomy": taxonomy if self.taxonomy != TAXONOMY else None,
        }
        self.metadata["training_seconds"] = round(time.perf_counter() - started, 3)
        return self

    def predict_proba(self, items: Sequence[Item]) -> np.ndarray:
        """Scores in [0, 1], shape (n, len(self.labels)), columns in self.labels order."""
        if self.pipeline is None:
            raise RuntimeError("classifier is not trained; call fit(), Classifier.train() or .load()")
        out = np.zeros((len(items), len(self.labels)), dtype=np.float64)
        if not items:
            return out
        docs = [document(i, self.taxonomy)[0] for i in items]
        trained = np.asarray(self.pipeline.predict_proba(as_matrix(docs)))
        index = {lab: i for i, lab in enumerate(self.labels)}
        for j, lab in enumerate(self.trained_labels):
            out[:, index[lab]] = trained[:, j]
        for lab, value in self.constant_scores.items():
            out[:, index[lab]] = value
        return out

    def threshold(self, label: str) -> float:
        """The decision threshold of one label."""
        return self.thresholds.get(label, self.default_threshold)

    def predict(self, items: Sequence[Item]) -> list[Labels]:
        """Labels per document; an irrelevant document gets no techs, forms or sub-topics."""
        scores = self.predict_proba(items)
        out = []
        for row in scores:
            by_label = {lab: round(float(s), 4) for lab, s in zip(self.labels, row, strict=True)}
            relevant = by_label["relevant"] >= self.threshold("relevant")
            kept = {lab: s for lab, s in by_label.items() if relevant and lab != "relevant"
                    and s >= self.threshold(lab)}
            techs = {lab[5:]: s for lab, s in kept.items() if lab.startswith("tech:")}
            subs = {lab[4:]: s for lab, s in kept.items() if lab.startswith("sub:")}
            for sub, s in subs.items():  # a kept sub-topic implies its technology
                parent = self.parents[sub]
                techs[parent] = max(techs.get(parent, 0.0), s, by_label.get(f"tech:{parent}", 0.0))
            forms = {lab[5:]: s for lab, s in kept.items() if lab.startswith("form:")}
            out.append(Labels(relevant=relevant, relevance_score=by_label["relevant"], techs=techs,
                              subtopics=subs, forms=forms, model_version=self.model_version))
        return out

    def score(self, pairs: Sequence[tuple[Item, Gold]], name: str = "eval") -> dict[str, Any]:
        """Evaluate on labelled pairs and record the result in the metadata under scores[name]."""
        from classify.evaluate import evaluate

        result = evaluate([gold for _, gold in pairs], self.predict([item for item, _ in pairs]))
        self.metadata.setdefault("scores", {})[name] = result
        return result

    def save(self, directory: str | Path) -> Path:
        """Write model.skops and metadata.json into directory (created if needed)."""
        import skops.io as sio

        if self.pipeline is None:
            raise RuntimeError("nothing to save: the classifier is not trained")
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        sio.dump(self.pipeline, path / MODEL_FILE, compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        meta = dict(self.metadata, thresholds=self.thresholds, default_threshold=self.default_threshold,
                    model_sha256=_file_sha256(path / MODEL_FILE))
        (path / METADATA_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        return path

    @classmethod
    def load(cls, directory: str | Path, *, extra_trusted: Iterable[str] = ()) -> Classifier:
        """Read a saved classifier, refusing any type outside ALLOWED_TYPES (plus extra_trusted)."""
        import skops.io as sio

        path = Path(directory)
        meta = json.loads((path / METADATA_FILE).read_text(encoding="utf-8"))
        model_file = path / MODEL_FILE
        if meta.get("model_sha256") and meta["model_sha256"] != _file_sha256(model_file):
            raise UntrustedModelError(f"{model_file} does not match the hash in {METADATA_FILE}")
        untrusted = sio.get_untrusted_types(file=model_file)
        refused = sorted(set(untrusted) - ALLOWED_TYPES - set(extra_trusted))
        if refused:
            raise UntrustedModelError(f"{model_file} contains types outside the allow-list: {refused}")
        taxonomy = _taxonomy_from_dict(meta["taxonomy"]) if meta.get("taxonomy") else TAXONOMY
        params = meta.get("params", {})
        clf = cls(taxonomy=taxonomy, thresholds=meta.get("thresholds"),
                  default_threshold=meta.get("default_threshold", 0.5), c=params.get("c", 4.0),
                  hint_weight=params.get("hint_weight", 1.0))
        clf.pipeline = sio.load(model_file, trusted=untrusted)
        clf.labels = list(meta["labels"])
        clf.trained_labels = list(meta["trained_labels"])
        clf.parents = dict(meta["parents"])
        clf.constant_scores = {k: float(v) for k, v in meta["constant_scores"].items()}
        clf.metadata = meta
        return clf
