"""A small in-memory SearchBackend for API tests: substring matching, filters, facets, histogram."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable

from search.backend import FacetValue, Hit, IndexDoc, QueryError, SearchQuery, SearchResult

_FILTERS = {
    "techs": "techs",
    "subtopics": "subtopics",
    "forms": "forms",
    "jurisdiction": "jurisdiction",
    "status": "status",
    "source": "source",
    "applicants": "applicants",
}


def _values(doc: IndexDoc, field: str) -> list[str]:
    """A field of a document as a list of strings."""
    value = getattr(doc, field)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


class FakeBackend:
    """Implements the SearchBackend protocol in plain Python and records every query it gets."""

    def __init__(self, docs: Iterable[IndexDoc] = ()) -> None:
        self.docs: dict[str, IndexDoc] = {}
        self.queries: list[SearchQuery] = []
        self.closed = False
        self.index(docs)

    def index(self, docs: Iterable[IndexDoc]) -> int:
        """Add or replace documents by id."""
        n = 0
        for doc in docs:
            self.docs[doc.id] = doc
            n += 1
        return n

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id."""
        return sum(self.docs.pop(i, None) is not None for i in ids)

    def _matches(self, doc: IndexDoc, query: SearchQuery) -> bool:
        """Whether a document passes the text query and every filter."""
        text = " ".join([doc.title, doc.abstract, doc.claims]).lower()
        if any(term not in text for term in query.q.lower().split()):
            return False
        if query.doc_type and doc.doc_type != query.doc_type:
            return False
        if query.relevant_only and not doc.relevant:
            return False
        if query.year_from and (doc.year is None or doc.year < query.year_from):
            return False
        if query.year_to and (doc.year is None or doc.year > query.year_to):
            return False
        for attr, field in _FILTERS.items():
            wanted = getattr(query, attr)
            if wanted and not set(wanted) & set(_values(doc, field)):
                return False
        return True

    def search(self, query: SearchQuery) -> SearchResult:
        """Filter, count facets and years, sort, page."""
        self.queries.append(query)
        if query.q.count('"') % 2:
            raise QueryError("unbalanced quote")
        found = [d for d in self.docs.values() if self._matches(d, query)]
        if query.sort != "relevance":
            found.sort(key=lambda d: d.date or "", reverse=query.sort == "date_desc")
        facets: dict[str, list[FacetValue]] = {}
        for name in query.facets:
            counts = Counter(v for d in found for v in _values(d, name))
            facets[name] = [FacetValue(value=v, count=c) for v, c in counts.most_common(query.facet_size)]
        histogram: dict[int, dict[str, int]] = {}
        if query.histogram:
            for d in found:
                if d.year is not None:
                    year = histogram.setdefault(d.year, {})
                    for key in ["_all", *d.techs]:
                        year[key] = year.get(key, 0) + 1
        hits = [self._hit(d, query) for d in found[query.offset:query.offset + query.size]]
        return SearchResult(total=len(found), hits=hits, facets=facets, histogram=histogram)

    def _hit(self, doc: IndexDoc, query: SearchQuery) -> Hit:
        """A hit with the query terms wrapped in <b> in an escaped snippet."""
        snippet = html.escape(doc.abstract[:200])
        if query.highlight:
            for term in query.q.split():
                snippet = snippet.replace(term, f"<b>{term}</b>")
        return Hit(id=doc.id, score=1.0, doc_type=doc.doc_type, title=doc.title, snippet=snippet,
                   year=doc.year, jurisdiction=doc.jurisdiction, status=doc.status,
                   applicants=doc.applicants, techs=doc.techs, forms=doc.forms, url=doc.url)

    def get(self, doc_id: str) -> IndexDoc | None:
        """One indexed document."""
        return self.docs.get(doc_id)

    def count(self) -> int:
        """How many documents are indexed."""
        return len(self.docs)

    def clear(self) -> None:
        """Remove every document."""
        self.docs.clear()

    def close(self) -> None:
        """Mark closed."""
        self.closed = True
