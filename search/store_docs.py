"""Documents from the store of record with their effective labels, filtered as the search index filters them.

Views that need what the index does not hold (applicant addresses, drafting organisations, whole
texts) read the store. The filters mean what they mean in the index: technology, sub-topic and form
from the effective labels, jurisdiction = patent office or standards body, applicants = normalized
applicant names or drafting organisations, years from the same dates. A full-text ``q`` cannot be
answered by the store: its matches are read from the engine (``matching_ids``), at most MAX_Q_IDS.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from search.analytics import Filters
from search.backend import SearchBackend
from vrscope.records import Labels, Patent, Standard
from vrscope.store import Store

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


def passes(doc: Patent | Standard, labels: Labels | None, filters: Filters) -> bool:
    """Whether a stored document passes the filters (except q) exactly as the index applies them."""
    if filters.doc_type is not None and doc.doc_type != filters.doc_type:
        return False
    year = doc.year
    if filters.year_from is not None and (year is None or year < filters.year_from):
        return False
    if filters.year_to is not None and (year is None or year > filters.year_to):
        return False
    place = doc.jurisdiction if isinstance(doc, Patent) else doc.body
    if filters.jurisdiction and place not in filters.jurisdiction:
        return False
    if filters.applicants and not set(filters.applicants) & set(index_applicants(doc)):
        return False
    if filters.techs or filters.subtopics or filters.forms or filters.relevant_only:
        if labels is None or (filters.relevant_only and not labels.relevant):
            return False
        for wanted, have in ((filters.techs, labels.techs), (filters.subtopics, labels.subtopics),
                             (filters.forms, labels.forms)):
            if wanted and not set(wanted) & set(have):
                return False
    return True


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


def stored_docs(
    store: Store, filters: Filters, backend: SearchBackend | None = None, doc_type: str | None = None
) -> Iterator[StoredDoc]:
    """Stored documents (of one type, if given) passing the filters; q through the engine when set."""
    allowed: set[str] | None = None
    if filters.q.strip():
        if backend is None:
            raise ValueError("a full-text query needs the search engine to find its matches")
        allowed = matching_ids(backend, filters)
    for doc in store.iter_documents(doc_type):
        if allowed is not None and doc.id not in allowed:
            continue
        labels = store.labels(doc.id)
        if passes(doc, labels, filters):
            yield StoredDoc(doc, labels)
