"""Why a label was given: the largest weight × feature-value terms, with rule hints mapped back to the
taxonomy terms and classification codes that produced them."""

from __future__ import annotations

import functools
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from classify.artifacts import METADATA_FILE
from classify.codemap import code_hints
from classify.features import document, feature_names
from classify.weak import weak_labels_from_text
from vrscope.records import Patent, Standard

if TYPE_CHECKING:
    from classify.model import Classifier, Item


def _evidence(item: Item, clf: Classifier) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Concept → matched terms (text and title), and label id → codes whose map entry gives it."""
    doc, weak = document(item, clf.taxonomy)
    terms: dict[str, list[str]] = defaultdict(list)
    title = weak_labels_from_text(doc.title, clf.taxonomy).evidence if doc.title else ()
    for entry in (*weak.evidence, *title):
        kind, _, rest = entry.partition(":")
        if kind in ("anchor", "term", "negative"):
            concept, _, term = rest.partition(":")
            if f"term:{term}" not in terms[concept]:
                terms[concept].append(f"term:{term}")
    hints = {}
    if isinstance(item, Patent):
        hints = code_hints(item.cpc, item.ipc)
    elif isinstance(item, Standard):
        hints = code_hints(ics=item.ics, committee=item.committee)
    codes: dict[str, list[str]] = defaultdict(list)
    for key, hint in hints.items():
        codes["*"].append(key) if hint.relevance > 0 else None
        for label in hint.labels:
            codes[label].append(key)
            parent = clf.parents.get(label)
            if parent:
                codes[parent].append(key)
    return terms, codes


def _readable(feature: str, clf: Classifier, terms: dict[str, list[str]],
              codes: dict[str, list[str]]) -> list[str]:
    """What a feature stands for: words and codes as they are, hints as their terms and codes."""
    kind, _, name = feature.partition(":")
    if kind in ("word", "cjk"):
        return [feature]
    if kind == "code":
        return [f"code:{name}"]
    token = name  # a hint token: a:<id>, Tt:<id>, tech:<id>, n:<id>>=2, rel>=0.4, code:…
    head, _, concept = token.partition(":")
    if head in ("a", "t", "neg", "Ta", "Tt", "Tneg"):
        return terms.get(concept, [f"rule:{token}"])
    if head == "code":
        sub, _, target = concept.partition(":")
        keys = codes.get(target, []) if target else codes.get("*", [])
        return [f"code:{k}" for k in keys] or [f"rule:{token}"]
    if head in ("tech", "sub", "form", "n"):
        target = concept.split(">=")[0]
        related = [c for c in terms if c == target or clf.parents.get(c) == target
                   or target in getattr(_concept(clf, c), "forms", ())]
        found = [t for c in related for t in terms[c]] + [f"code:{k}" for k in codes.get(target, [])]
        return found or [f"rule:{token}"]
    if token.startswith(("rel>=", "Trel>=")):
        anchors = [t for c, ts in terms.items() if c not in _negatives(clf) for t in ts]
        return anchors + [f"code:{k}" for k in codes.get("*", [])] or [f"rule:{token}"]
    return [f"rule:{token}"]


def _concept(clf: Classifier, concept_id: str) -> object:
    """The taxonomy concept of an id, or None."""
    try:
        return clf.taxonomy.get(concept_id)
    except KeyError:
        return None


def _negatives(clf: Classifier) -> set[str]:
    """Ids of the off-topic concepts."""
    return {c.id for c in clf.taxonomy.negatives}


def explain(clf: Classifier, item: Item, top: int = 5) -> dict[str, list[tuple[str, float]]]:
    """Label → up to ``top`` (feature, contribution) pairs that pushed it, for 'relevant' and kept labels."""
    if clf.heads is None or clf.features is None:
        raise RuntimeError("classifier is not trained; call fit(), Classifier.train() or .load()")
    if clf._names is None:
        clf._names = feature_names(clf.features)
    names = clf._names
    x = clf._matrix([item])
    [labels] = clf.predict([item])
    wanted = ["relevant"] if labels.relevant else []
    wanted += [f"tech:{t}" for t in labels.techs] + [f"form:{f}" for f in labels.forms]
    wanted += [f"sub:{s}" for s in labels.subtopics]
    terms, codes = _evidence(item, clf)
    out: dict[str, list[tuple[str, float]]] = {}
    for label in wanted:
        if label not in clf.trained_labels:
            continue
        row = clf.heads.coef[clf.trained_labels.index(label)]
        contributions = x.data * row[x.indices]
        merged: dict[str, float] = defaultdict(float)
        for j in np.argsort(-contributions)[: top * 3]:
            if contributions[j] <= 0:
                break
            readable = _readable(names[x.indices[j]], clf, terms, codes)
            for name in readable:
                merged[name] += float(contributions[j]) / len(readable)
        ranked = sorted(merged.items(), key=lambda kv: -kv[1])[:top]
        out[label] = [(name, round(weight, 4)) for name, weight in ranked]
    return out


@functools.lru_cache(maxsize=2)
def _saved(directory: str, stamp: float) -> Classifier:
    """A saved classifier, loaded once per directory and metadata modification time."""
    from classify.model import Classifier

    return Classifier.load(directory)


def saved_explanations(directory: str | Path, item: Item, top: int = 5) -> dict[str, list[str]] | None:
    """Label → readable features from the model saved in directory; None when there is no usable model."""
    meta = Path(directory) / METADATA_FILE
    if not meta.is_file():
        return None
    try:
        clf = _saved(str(directory), meta.stat().st_mtime)
    except Exception:  # a missing, partial or untrusted model: the page still shows the document
        return None
    return {label: [name for name, _ in features] for label, features in explain(clf, item, top).items()}
