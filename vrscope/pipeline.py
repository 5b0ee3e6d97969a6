"""The glue: crawl → classify → index, each step callable alone and reporting progress."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vrscope.settings import Settings
from vrscope.store import Store

if TYPE_CHECKING:
    from classify.model import Classifier
    from search.backend import IndexDoc, SearchBackend

Progress = Callable[[int], None]
BATCH = 500


def _noop(_: int) -> None:
    return None


def crawl_subprocess(settings: Settings, sources: list[str], env: dict[str, str] | None = None) -> None:
    """Crawl in a child process (Scrapy's reactor runs once per process), with extra env values."""
    child_env = dict(os.environ)
    child_env["VRSCOPE_DATA_DIR"] = str(settings.data_dir)
    child_env.update(env or {})
    subprocess.run([sys.executable, "-m", "crawlers.run", *sources], env=child_env, check=True)


def train_classifier(store: Store, settings: Settings) -> Classifier:
    """Train a classifier on everything in the store (weak labels + human corrections) and save it."""
    from vrscope.modelling import train_model

    return train_model(store, settings)


def load_or_train(store: Store, settings: Settings) -> Classifier:
    """The saved classifier, or a freshly trained one when none is saved yet."""
    from classify.model import Classifier

    if (settings.model_dir / "metadata.json").is_file():
        return Classifier.load(settings.model_dir)
    return train_classifier(store, settings)


def classify_documents(
    store: Store, classifier: Classifier, everything: bool = False, progress: Progress = _noop
) -> int:
    """Label documents that have no labels from this model version (or all); returns how many."""
    ids = (
        [d.id for d in store.iter_documents()]
        if everything
        else store.unlabelled_ids(classifier.model_version)
    )
    done = 0
    for start in range(0, len(ids), BATCH):
        batch = [doc for doc in (store.get(i) for i in ids[start : start + BATCH]) if doc is not None]
        labels = classifier.predict(batch)
        store.set_labels(zip((d.id for d in batch), labels, strict=True))
        done += len(batch)
        progress(len(batch))
    return done


def index_docs(store: Store) -> Iterator[IndexDoc]:
    """Every stored document as the index sees it, with effective labels."""
    from search.schema import to_index_doc

    for doc in store.iter_documents():
        yield to_index_doc(doc, store.labels(doc.id))


def _reporting(docs: Iterator[IndexDoc], progress: Progress) -> Iterator[IndexDoc]:
    """The documents unchanged, reporting progress every BATCH of them and at the end."""
    pending = 0
    for doc in docs:
        yield doc
        pending += 1
        if pending >= BATCH:
            progress(pending)
            pending = 0
    if pending:
        progress(pending)


def index_documents(
    store: Store, backend: SearchBackend, rebuild: bool = False, progress: Progress = _noop
) -> int:
    """Write every stored document to the search index; ``rebuild`` replaces the whole index."""
    if rebuild:
        from search.backend import RebuildableBackend

        # Engines that can build beside the live index (Elasticsearch) switch only when it is complete.
        if isinstance(backend, RebuildableBackend):
            return backend.rebuild(_reporting(index_docs(store), progress))
        backend.clear()
    batch: list[IndexDoc] = []
    written = 0
    for doc in index_docs(store):
        batch.append(doc)
        if len(batch) >= BATCH:
            written += backend.index(batch)
            progress(len(batch))
            batch = []
    if batch:
        written += backend.index(batch)
        progress(len(batch))
    return written


@dataclass
class Summary:
    """What the store and index hold after a run."""

    by_source: dict[str, int]
    by_type: dict[str, int]
    by_tech: dict[str, int] = field(default_factory=dict)
    relevant: int = 0
    indexed: int = 0


def summarize(store: Store, backend: SearchBackend | None = None) -> Summary:
    """Documents per source, per type and per technology (effective labels)."""
    by_type: Counter[str] = Counter()
    by_tech: Counter[str] = Counter()
    relevant = 0
    for doc in store.iter_documents():
        by_type[doc.doc_type] += 1
        labels = store.labels(doc.id)
        if labels and labels.relevant:
            relevant += 1
            by_tech.update(labels.techs.keys())
    return Summary(
        by_source=store.counts_by_source(),
        by_type=dict(by_type),
        by_tech=dict(sorted(by_tech.items())),
        relevant=relevant,
        indexed=backend.count() if backend else 0,
    )
