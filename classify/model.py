"""The classifier: trained on weak labels, taxonomy examples and gold labels; calibrated; saved with skops."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from classify.artifacts import (
    ALLOWED_TYPES,
    METADATA_FILE,
    MODEL_FILE,
    UntrustedModelError,
    load_artifacts,
    save_artifacts,
)
from classify.decisions import NO_FLOOR, choose_tech_floor, labels_from_scores
from classify.features import as_matrix, build_features, compact_vocabularies, document, transform
from classify.linear import LinearHeads, calibrate, fit_weights, out_of_fold, sigmoid, validation_loss
from classify.taxonomy import TAXONOMY, Taxonomy
from classify.training import (
    Example,
    Gold,
    Item,
    gold_examples,
    group_of,
    targets_with_gold,
    taxonomy_examples,
)
from classify.weak import WeakLabels
from vrscope.records import Correction, Labels, Patent, Standard

if TYPE_CHECKING:
    from sklearn.compose import ColumnTransformer

__all__ = ["ALLOWED_TYPES", "Classifier", "Example", "METADATA_FILE", "MODEL_FILE", "UntrustedModelError",
           "document", "targets_with_gold", "weak_labels_for"]
FORMAT_VERSION = 2
GROUP_OF_LABEL = {"relevant": "relevance", "tech": "techs", "form": "forms", "sub": "subtopics"}


def weak_labels_for(item: Item, taxonomy: Taxonomy = TAXONOMY) -> WeakLabels:
    """Rule evidence for a record (codes and text) or a bare text."""
    return document(item, taxonomy)[1]


def _digest(data: Any) -> str:
    """SHA-256 of canonical JSON."""
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
                          .encode("utf-8")).hexdigest()


def label_group(label: str) -> str:
    """'relevance', 'techs', 'forms' or 'subtopics' for a model label name."""
    return GROUP_OF_LABEL[label.partition(":")[0]]


@dataclass
class Params:
    """Training parameters (saved in the metadata)."""

    c: float = 1.0
    hint_weight: float = 2.0
    code_weight: float = 0.5
    word_weight: float = 1.0
    gold_weight: float = 3.0
    weak_weight: float = 1.0  # store documents (crawled patents and standards)
    unlabelled_weight: float = 0.5  # catalogue rows: many, noisier weak labels
    irrelevant_topic_weight: float = 1.0  # gold-irrelevant documents in the topic heads (see _weights)
    folds: int = 5  # inner out-of-fold split for calibration and thresholds (5 beat 3 on the dev CV)
    char_weight: float = 0.0  # character n-gram TF-IDF beside the words (0 = none)
    cjk_weight: float = 1.0  # TF-IDF of character bigrams of the Chinese runs only (0 = none)
    c_grid: tuple[float, ...] = ()  # per-label C chosen from these by inner out-of-fold log-loss (() = c)


class Classifier:
    """Multi-label VR classifier: relevance, technologies, forms and sub-topics."""

    def __init__(self, *, taxonomy: Taxonomy = TAXONOMY, thresholds: Mapping[str, float] | None = None,
                 default_threshold: float = 0.5, use_taxonomy_examples: bool = True,
                 choose_thresholds: bool = True, jobs: int = 1, **params: Any) -> None:
        """Configure (``params``: see Params); then fit(), or use Classifier.train() / Classifier.load().

        ``jobs`` > 1 fits labels in threads: faster, but liblinear draws from one C random state shared
        by all threads, so the weights (and the CV figures, by about ±0.002) can differ between runs;
        the default 1 makes training reproducible.
        """
        self.taxonomy = taxonomy
        self.labels: list[str] = taxonomy.label_names()
        self.parents: dict[str, str] = {s: taxonomy.parent_of(s) for s in taxonomy.subtopic_ids()}
        self.thresholds: dict[str, float] = dict(thresholds or {})
        self.chosen_thresholds: dict[str, float] = {}
        self.chosen_c: dict[str, float] = {}
        self.tech_floor = NO_FLOOR  # a relevant document with no kept technology gets its best one above this
        self.default_threshold = default_threshold
        self.use_taxonomy_examples = use_taxonomy_examples
        self.choose_thresholds = choose_thresholds
        self.jobs = jobs
        self.params = Params(**params)
        self.features: ColumnTransformer | None = None
        self.heads: LinearHeads | None = None
        self.trained_labels: list[str] = []
        self.constant_scores: dict[str, float] = {}
        self.metadata: dict[str, Any] = {}
        self._names: list[str] | None = None

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
                 corrections: Mapping[str, Correction] | None = None,
                 unlabelled: Iterable[Patent | Standard] = ()) -> list[Example]:
        """The training examples fit() would use (gold wins over weak labels for the same document)."""
        records, unlabelled = list(records), list(unlabelled)
        pairs: list[tuple[Item, Gold]] = list(extra_labelled or [])
        if corrections:
            pairs += [(r, corrections[r.id]) for r in (*records, *unlabelled) if r.id in corrections]
        gold = gold_examples(pairs, self.taxonomy, self.params.gold_weight)
        seen = {g.doc.text for g in gold} | {g.group for g in gold if g.origin == "extra"}
        weak: list[Example] = []
        for origin, items in (("record", records), ("unlabelled", unlabelled)):
            for item in items:
                doc, w = document(item, self.taxonomy)
                group = group_of(item)
                if doc.text not in seen and not (origin == "unlabelled" and group in seen):
                    weight = self.params.weak_weight if origin == "record" else self.params.unlabelled_weight
                    weak.append(Example(doc, w.targets(), origin, frozenset(), group, weight))
        extra = taxonomy_examples(self.taxonomy) if self.use_taxonomy_examples else []
        return weak + gold + extra

    @classmethod
    def train(cls, records: Iterable[Patent | Standard],
              extra_labelled: Iterable[tuple[Item, Gold]] | None = None, *,
              corrections: Mapping[str, Correction] | None = None,
              unlabelled: Iterable[Patent | Standard] = (), **options: Any) -> Classifier:
        """A new classifier built with **options (see __init__) and fitted: ``cls(**options).fit(...)``."""
        return cls(**options).fit(records, extra_labelled, corrections=corrections, unlabelled=unlabelled)

    def fit(self, records: Iterable[Patent | Standard],
            extra_labelled: Iterable[tuple[Item, Gold]] | None = None, *,
            corrections: Mapping[str, Correction] | None = None,
            unlabelled: Iterable[Patent | Standard] = ()) -> Classifier:
        """Fit on weak labels, taxonomy examples, extra (record or text, labels) and corrections by id."""
        started = time.perf_counter()
        examples = self.examples(records, extra_labelled, corrections=corrections, unlabelled=unlabelled)
        y = np.array([[label in ex.targets for label in self.labels] for ex in examples], dtype=np.int8)
        positives = y.sum(axis=0)
        trainable = (positives > 0) & (positives < len(examples))
        if trainable.sum() < 2:
            raise ValueError("need at least two labels with both positive and negative examples")
        self.trained_labels = [lab for lab, ok in zip(self.labels, trainable, strict=True) if ok]
        self.constant_scores = {lab: float(positives[i] > 0) for i, lab in enumerate(self.labels)
                                if not trainable[i]}
        p = self.params
        features = build_features(p.hint_weight, p.code_weight, p.word_weight, char_weight=p.char_weight,
                                  cjk_weight=p.cjk_weight)
        from scipy.sparse import csr_matrix

        x = csr_matrix(features.fit_transform(as_matrix([ex.doc for ex in examples])))  # tiny sets: dense
        compact_vocabularies(features)
        yt, weight = y[:, trainable], self._weights(examples)
        groups = [ex.group for ex in examples]
        platt = np.tile([1.0, 0.0], (len(self.trained_labels), 1))
        self.chosen_thresholds = {}
        sources: dict[str, str] = {}
        validation: dict[str, Any] = {}
        cs: list[float] = [p.c] * len(self.trained_labels)
        if self.choose_thresholds and len(set(groups)) >= 2:
            gold, weak = self._validation_masks(examples)
            oof, cs = self._choose_c(x, yt, weight, groups, gold, weak)
            platt, self.chosen_thresholds, sources = calibrate(oof, yt, gold, weak, self.trained_labels)
            self.tech_floor = self._choose_tech_floor(examples, oof, platt)
            validation = self._oof_scores(examples, oof, platt)
        self.chosen_c = dict(zip(self.trained_labels, cs, strict=True))
        coef, intercept = fit_weights(x, yt, weight, cs, self.jobs)
        self.features, self.heads, self._names = features, LinearHeads(coef, intercept, platt), None
        self._set_metadata(examples, positives, sources, validation)
        self.metadata["training_seconds"] = round(time.perf_counter() - started, 3)
        return self

    def _choose_c(self, x: Any, y: np.ndarray, weight: np.ndarray, groups: Sequence[str], gold: np.ndarray,
                  weak: np.ndarray) -> tuple[np.ndarray, list[float]]:
        """Inner out-of-fold decisions and, per label, the C of ``Params.c_grid`` (or ``Params.c``) whose
        calibrated out-of-fold scores have the lowest log-loss on the label's validation examples."""
        grid = tuple(self.params.c_grid) or (self.params.c,)
        runs = [out_of_fold(x, y, weight, groups, c, self.params.folds, self.jobs) for c in grid]
        if len(grid) == 1:
            return runs[0], [grid[0]] * y.shape[1]
        losses = np.vstack([validation_loss(run, y, gold, weak) for run in runs])  # (grid, labels)
        best = losses.argmin(axis=0)
        oof = np.column_stack([runs[k][:, j] for j, k in enumerate(best)])
        return oof, [float(grid[k]) for k in best]

    def _weights(self, examples: Sequence[Example]) -> np.ndarray:
        """Sample weights per example and trained label.

        Topic labels are only ever shown for relevant documents, so their heads learn what a relevant
        document is about: a document a person judged irrelevant says nothing about its topics and
        can be left out of the topic heads (``Params.irrelevant_topic_weight`` = 0; measured worse, so 1).
        """
        weight = np.array([ex.weight for ex in examples], dtype=np.float64)
        out = np.repeat(weight[:, None], len(self.trained_labels), axis=1)
        topic = np.array([lab != "relevant" for lab in self.trained_labels])
        judged_irrelevant = np.array([ex.gold is not None and ex.gold.relevant is False for ex in examples])
        out[np.ix_(judged_irrelevant, topic)] *= self.params.irrelevant_topic_weight
        return out

    def _validation_masks(self, examples: Sequence[Example]) -> tuple[np.ndarray, np.ndarray]:
        """Which (example, label) targets are gold and which are weak, for calibration and thresholds."""
        groups = [label_group(lab) for lab in self.trained_labels]
        gold = np.array([[g in ex.known for g in groups] for ex in examples], dtype=bool)
        weak = np.array([[ex.origin in ("record", "unlabelled")] * len(groups) for ex in examples],
                        dtype=bool)
        return gold.reshape(len(examples), len(groups)), weak.reshape(len(examples), len(groups))

    def _choose_tech_floor(self, examples: Sequence[Example], oof: np.ndarray, platt: np.ndarray) -> float:
        """The fallback floor with the best technology F1 on gold out-of-fold scores (1.01 = no fallback)."""
        rows = [i for i, ex in enumerate(examples) if "techs" in ex.known]
        cols = [j for j, lab in enumerate(self.trained_labels) if lab.startswith("tech:")]
        if len(rows) < 20 or not cols:
            return NO_FLOOR
        proba = sigmoid(oof[np.ix_(rows, cols)] * platt[cols, 0] + platt[cols, 1])
        truth = np.array([[self.trained_labels[j] in examples[i].targets for j in cols] for i in rows])
        return choose_tech_floor(proba, truth, [self.threshold(self.trained_labels[j]) for j in cols])

    def _oof_scores(self, examples: Sequence[Example], oof: np.ndarray, platt: np.ndarray) -> dict[str, Any]:
        """Out-of-fold scores on the gold examples (what the thresholds were chosen on)."""
        from classify.evaluate import evaluate

        gold = [i for i, ex in enumerate(examples) if ex.gold is not None]
        if not gold:
            return {}
        proba = sigmoid(oof[gold] * platt[:, 0] + platt[:, 1])
        truth = [g for g in (examples[i].gold for i in gold) if g is not None]
        return evaluate(truth, self.labels_from_scores(self._full(proba)))

    def _set_metadata(self, examples: Sequence[Example], positives: np.ndarray, sources: dict[str, str],
                      validation: dict[str, Any]) -> None:
        """Everything a saved model needs beside its weights, and what it was trained on."""
        params = dataclasses.asdict(self.params)
        digest = _digest({"params": params, "labels": self.labels, "examples": [
            [ex.doc.text, ex.doc.title, ex.doc.code_string, ex.doc.hint_string, sorted(ex.targets), ex.weight]
            for ex in examples]})
        taxonomy = dataclasses.asdict(self.taxonomy)
        origins = [ex.origin for ex in examples]
        from classify.artifacts import codemap_hash, library_versions
        from vrscope import __version__

        self.metadata = {
            "format_version": FORMAT_VERSION, "model_version": f"tfidf-ovr-{digest[:10]}",
            "data_hash": digest, "code_version": __version__, "libraries": library_versions(),
            "trained_at": dt.datetime.now(dt.UTC).isoformat(), "training_seconds": 0.0,
            "params": params | {"use_taxonomy_examples": self.use_taxonomy_examples},
            "n_examples": {o: origins.count(o) for o in ("record", "unlabelled", "extra", "taxonomy")},
            "label_counts": {lab: int(n) for lab, n in zip(self.labels, positives, strict=True)},
            "labels": self.labels, "trained_labels": self.trained_labels, "parents": self.parents,
            "constant_scores": self.constant_scores, "thresholds": self.thresholds,
            "chosen_thresholds": self.chosen_thresholds, "threshold_source": sources,
            "chosen_c": self.chosen_c, "tech_floor": self.tech_floor,
            "default_threshold": self.default_threshold, "scores": {"validation_oof": validation}
            if validation else {}, "taxonomy_hash": _digest(taxonomy), "codemap_hash": codemap_hash(),
            "taxonomy": taxonomy if self.taxonomy != TAXONOMY else None,
        }

    def _matrix(self, items: Sequence[Item]) -> Any:
        """The feature matrix of some items."""
        if self.features is None or self.heads is None:
            raise RuntimeError("classifier is not trained; call fit(), Classifier.train() or .load()")
        return transform(self.features, [document(i, self.taxonomy)[0] for i in items])

    def _full(self, trained: np.ndarray) -> np.ndarray:
        """Scores of the trained labels spread into all labels (constant labels filled in)."""
        out = np.zeros((trained.shape[0], len(self.labels)), dtype=np.float64)
        index = {lab: i for i, lab in enumerate(self.labels)}
        out[:, [index[lab] for lab in self.trained_labels]] = trained
        for lab, value in self.constant_scores.items():
            out[:, index[lab]] = value
        return out

    def predict_proba(self, items: Sequence[Item]) -> np.ndarray:
        """Calibrated scores in [0, 1], shape (n, len(self.labels)), columns in self.labels order."""
        if self.heads is None:
            raise RuntimeError("classifier is not trained; call fit(), Classifier.train() or .load()")
        if not items:
            return np.zeros((0, len(self.labels)))
        return self._full(self.heads.proba(self._matrix(items)))

    def threshold(self, label: str) -> float:
        """The decision threshold of one label: given > chosen on validation data > default."""
        if label in self.thresholds:
            return self.thresholds[label]
        return self.chosen_thresholds.get(label, self.default_threshold)

    def predict(self, items: Sequence[Item]) -> list[Labels]:
        """Labels per document; an irrelevant document gets no techs, forms or sub-topics."""
        return self.labels_from_scores(self.predict_proba(items))

    def labels_from_scores(self, scores: np.ndarray) -> list[Labels]:
        """Labels from a score matrix (kept sub-topics bring their technology)."""
        return labels_from_scores(scores, self.labels, [self.threshold(lab) for lab in self.labels],
                                  self.parents, self.tech_floor, self.model_version)

    def explain(self, item: Item, top: int = 5) -> dict[str, list[tuple[str, float]]]:
        """For each kept label, the terms, codes and words that pushed it most (weight × feature value)."""
        from classify.explain import explain

        return explain(self, item, top)

    def score(self, pairs: Sequence[tuple[Item, Gold]], name: str = "eval") -> dict[str, Any]:
        """Evaluate on labelled pairs and record the result in the metadata under scores[name]."""
        from classify.evaluate import evaluate

        result = evaluate([gold for _, gold in pairs], self.predict([item for item, _ in pairs]))
        self.metadata.setdefault("scores", {})[name] = result
        return result

    def save(self, directory: str | Path, *, card: bool = True) -> Path:
        """Write model.skops, metadata.json and (unless card=False) the model card README.md."""
        if self.features is None or self.heads is None:
            raise RuntimeError("nothing to save: the classifier is not trained")
        meta = dict(self.metadata, thresholds=self.thresholds, chosen_thresholds=self.chosen_thresholds,
                    default_threshold=self.default_threshold)
        path = save_artifacts(directory, {"features": self.features, **self.heads.to_dict()}, meta)
        if card:
            from classify.card import write_card

            write_card(path, json.loads((path / METADATA_FILE).read_text(encoding="utf-8")))
        return path

    @classmethod
    def load(cls, directory: str | Path, *, extra_trusted: Iterable[str] = ()) -> Classifier:
        """Read a saved classifier, refusing any type outside ALLOWED_TYPES (plus extra_trusted)."""
        from classify.artifacts import taxonomy_from_dict

        artifacts, meta = load_artifacts(directory, extra_trusted)
        taxonomy = taxonomy_from_dict(meta["taxonomy"]) if meta.get("taxonomy") else TAXONOMY
        params = {k: v for k, v in meta.get("params", {}).items() if k in Params.__dataclass_fields__}
        clf = cls(taxonomy=taxonomy, thresholds=meta.get("thresholds"),
                  default_threshold=meta.get("default_threshold", 0.5),
                  use_taxonomy_examples=meta.get("params", {}).get("use_taxonomy_examples", True), **params)
        clf.features = artifacts["features"]
        clf.heads = LinearHeads(artifacts["coef"], artifacts["intercept"], artifacts["platt"])
        clf.chosen_thresholds = {k: float(v) for k, v in meta.get("chosen_thresholds", {}).items()}
        clf.tech_floor = float(meta.get("tech_floor", NO_FLOOR))
        clf.labels = list(meta["labels"])
        clf.trained_labels = list(meta["trained_labels"])
        clf.parents = dict(meta["parents"])
        clf.constant_scores = {k: float(v) for k, v in meta["constant_scores"].items()}
        clf.metadata = meta
        return clf
