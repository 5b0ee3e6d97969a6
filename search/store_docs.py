"""Documents from the store of record with their effective labels, filtered as the search index filters them.

Views that need what the index does not hold (applicant addresses, drafting organisations, whole
texts) read the store. The filters mean what they mean in the index: technology, sub-topic and form
from the effective labels, jurisdiction = patent office or standards body, applicants = normalized
applicant names or drafting organisations, years from the same dates. A full-text ``q`` cannot be
answered by the store: its matches are read from the engine (``matching_ids``), at most MAX_Q_IDS.

``stored_docs`` streams the documents (one query, labels and corrections joined). Views that read
every document per request use ``stored_rows`` instead: each document is parsed once per store
generation (search.store_cache) into its filterable ``Facts`` and a small view-specific projection,
which later requests filter in memory, with the same rules.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from pydantic import TypeAdapter

from search import store_cache
from search.analytics import Filters
from search.backend import SearchBackend
from vrscope.records import Correction, Document, Labels, Patent, Standard, effective_labels
from vrscope.store import Store

R = TypeVar("R")
_DOCUMENT: TypeAdapter[Patent | Standard] = TypeAdapter(Document)

PAGE = 100
MAX_Q_IDS = 10_000  # the engines page no deeper than 10,000 hits


@dataclass(frozen=True)
class StoredDoc:
    """One stored document and its effective labels (None when unlabelled)."""

    doc: Patent | Standard
    labels: Labels | None


def index_applicants(doc: Patent | Standard) -> list[str]:
    """The names the index's applicants field holds for a document."""
    if isinstance(doc, Patent):
        return [p.name_normalized or p.name for p in doc.applicants]
    return list(doc.drafting_orgs)


@dataclass(frozen=True, slots=True)
class Facts:
    """What the filters (except q) look at in one stored document and its effective labels."""

    id: str
    doc_type: str
    year: int | None
    place: str | None
    applicants: frozenset[str]
    labelled: bool
    relevant: bool
    techs: frozenset[str]
    subtopics: frozenset[str]
    forms: frozenset[str]


_NONE: frozenset[str] = frozenset()


def _names(values: Iterable[str]) -> frozenset[str]:
    """A set of short repeated names, interned (documents share them), one empty set for all."""
    return frozenset(sys.intern(v) for v in values) or _NONE


def facts_of(doc: Patent | Standard, labels: Labels | None) -> Facts:
    """The filterable facts of a stored document, as the index holds them."""
    place = doc.jurisdiction if isinstance(doc, Patent) else doc.body
    return Facts(
        id=doc.id, doc_type=doc.doc_type, year=doc.year, place=sys.intern(place) if place else place,
        applicants=_names(index_applicants(doc)), labelled=labels is not None,
        relevant=bool(labels and labels.relevant),
        techs=_names(labels.techs) if labels else _NONE,
        subtopics=_names(labels.subtopics) if labels else _NONE,
        forms=_names(labels.forms) if labels else _NONE,
    )


def facts_pass(facts: Facts, filters: Filters) -> bool:
    """Whether a document's facts pass the filters (except q) exactly as the index applies them."""
    if filters.doc_type is not None and facts.doc_type != filters.doc_type:
        return False
    year = facts.year
    if filters.year_from is not None and (year is None or year < filters.year_from):
        return False
    if filters.year_to is not None and (year is None or year > filters.year_to):
        return False
    if filters.jurisdiction and facts.place not in filters.jurisdiction:
        return False
    if filters.applicants and facts.applicants.isdisjoint(filters.applicants):
        return False
    if filters.techs or filters.subtopics or filters.forms or filters.relevant_only:
        if not facts.labelled or (filters.relevant_only and not facts.relevant):
            return False
        for wanted, have in ((filters.techs, facts.techs), (filters.subtopics, facts.subtopics),
                             (filters.forms, facts.forms)):
            if wanted and have.isdisjoint(wanted):
                return False
    return True


def passes(doc: Patent | Standard, labels: Labels | None, filters: Filters) -> bool:
    """Whether a stored document passes the filters (except q) exactly as the index applies them."""
    return facts_pass(facts_of(doc, labels), filters)


def matching_ids(backend: SearchBackend, filters: Filters, cap: int = MAX_Q_IDS) -> set[str]:
    """Ids of the engine's matches for the filters (q included), paged, at most cap of them."""
    found: set[str] = set()
    offset = 0
    while offset < cap:
        size = min(PAGE, cap - offset)
        hits = backend.search(filters.query(size=size, offset=offset)).hits
        found.update(hit.id for hit in hits)
        if len(hits) < size:
            break
        offset += size
    return found


def all_stored(store: Store, doc_type: str | None = None) -> Iterator[StoredDoc]:
    """Every stored document (of one type) with its effective labels, in identifier order, in one query."""
    sql = ("SELECT d.data, l.data, c.data FROM documents d LEFT JOIN labels l ON l.doc_id = d.id"
           " LEFT JOIN corrections c ON c.doc_id = d.id")
    args: tuple[str, ...] = ()
    if doc_type:
        sql += " WHERE d.doc_type=?"
        args = (doc_type,)
    for data, model, correction in store.conn.execute(sql + " ORDER BY d.id", args):
        labels = effective_labels(Labels.model_validate_json(model) if model else None,
                                  Correction.model_validate_json(correction) if correction else None)
        yield StoredDoc(_DOCUMENT.validate_json(data), labels)


def _allowed(filters: Filters, backend: SearchBackend | None) -> set[str] | None:
    """The engine's matches when q is set (None: no text query)."""
    if not filters.q.strip():
        return None
    if backend is None:
        raise ValueError("a full-text query needs the search engine to find its matches")
    return matching_ids(backend, filters)


def stored_docs(
    store: Store, filters: Filters, backend: SearchBackend | None = None, doc_type: str | None = None
) -> Iterator[StoredDoc]:
    """Stored documents (of one type, if given) passing the filters; q through the engine when set."""
    allowed = _allowed(filters, backend)
    for item in all_stored(store, doc_type):
        if allowed is not None and item.doc.id not in allowed:
            continue
        if passes(item.doc, item.labels, filters):
            yield item


def projected(store: Store, name: str, project: Callable[[StoredDoc], R]) -> list[tuple[Facts, R]]:
    """(facts, project(document)) for every stored document, kept while the store is unchanged.

    ``name`` identifies the projection in the cache: one name, one project function. Projections of
    one generation share their Facts objects (a document's facts are made once, not once per view).
    """
    def build() -> list[tuple[Facts, R]]:
        facts: list[Facts] | None = store_cache.peek(store, "store_docs:facts")
        rows: list[tuple[Facts, R]] = []
        for at, item in enumerate(all_stored(store)):
            shared = facts[at] if facts is not None and at < len(facts) else None
            if shared is None or shared.id != item.doc.id:
                shared = facts_of(item.doc, item.labels)
            rows.append((shared, project(item)))
        if facts is None:
            store_cache.put(store, "store_docs:facts", [fact for fact, _ in rows])
        return rows

    return store_cache.cached(store, f"store_docs:{name}", build)


def stored_rows(
    store: Store, filters: Filters, backend: SearchBackend | None, name: str,
    project: Callable[[StoredDoc], R], doc_type: str | None = None,
) -> Iterator[tuple[Facts, R]]:
    """(facts, project(document)) of the documents stored_docs would yield, from the cached projection."""
    allowed = _allowed(filters, backend)
    for facts, row in projected(store, name, project):
        if doc_type and facts.doc_type != doc_type:
            continue
        if allowed is not None and facts.id not in allowed:
            continue
        if facts_pass(facts, filters):
            yield facts, row
