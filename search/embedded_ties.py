"""Date order with the id breaking ties, as Elasticsearch sorts (elastic_query.sort), for the embedded engine.

tantivy orders by one fast field only; documents of the same date come in index order, which
depends on how indexing split them into segments. A page of a date-sorted search is put right here:
a date whose documents all lie in the page is sorted by id in place, and a date whose documents run
over the page's start or end is read whole, sorted by id, and the page given its share of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import tantivy

from search.backend import IndexDoc
from search.embedded_schema import sort_date

Page = list[tuple[float, tantivy.DocAddress]]
Load = Callable[[tantivy.DocAddress], IndexDoc]


def _same_date(schema: tantivy.Schema, full: tantivy.Query, when: dt.datetime | None) -> tantivy.Query:
    """The matches of full dated `when` (None: the undated)."""
    if when is None:
        only = (tantivy.Occur.MustNot, tantivy.Query.exists_query("date"))
    else:
        only = (tantivy.Occur.Must, tantivy.Query.range_query(schema, "date", tantivy.FieldType.Date,
                                                              lower_bound=when, upper_bound=when))
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, full), only])


def _count(searcher: tantivy.Searcher, query: tantivy.Query) -> int:
    """How many documents match."""
    return int(getattr(searcher.search(query, limit=1, count=True), "count", 0) or 0)


def _before(
    searcher: tantivy.Searcher, schema: tantivy.Schema, full: tantivy.Query, when: dt.datetime | None,
    descending: bool, total: int, block: int,
) -> int:
    """How many matches come before the date `when` in the order (the undated come last)."""
    if when is None:
        return total - block
    date = tantivy.FieldType.Date
    if descending:
        earlier = tantivy.Query.range_query(schema, "date", date, lower_bound=when, include_lower=False)
    else:
        earlier = tantivy.Query.range_query(schema, "date", date, upper_bound=when, include_upper=False)
    both = [(tantivy.Occur.Must, full), (tantivy.Occur.Must, earlier)]
    return _count(searcher, tantivy.Query.boolean_query(both))


def by_id_within_dates(
    searcher: tantivy.Searcher, schema: tantivy.Schema, full: tantivy.Query, descending: bool,
    page: Page, start: int, total: int, load: Load,
) -> Page:
    """The page [start, start + len(page)) of the matches in date order, ties broken by id (ascending)."""
    if not page:
        return page
    docs = [load(address) for _, address in page]
    runs: list[tuple[dt.datetime | None, Page, list[str]]] = []  # one per date, in page order
    for (score, address), doc in zip(page, docs, strict=True):
        when = sort_date(doc)
        if not runs or runs[-1][0] != when:
            runs.append((when, [], []))
        runs[-1][1].append((score, address))
        runs[-1][2].append(doc.id)
    out: Page = []
    offset = start
    for index, (when, hits, ids) in enumerate(runs):
        at_edge = (index == 0 and start > 0) or (index == len(runs) - 1 and start + len(page) < total)
        same = _same_date(schema, full, when) if at_edge else None
        size = _count(searcher, same) if same is not None else len(hits)
        if same is not None and size > len(hits):  # the date runs over the page's edge: read it whole
            found = searcher.search(same, limit=size)
            block = sorted(((load(address).id, (score, address)) for score, address in found.hits),
                           key=lambda pair: pair[0])
            first = _before(searcher, schema, full, when, descending, total, len(block))
            out += [hit for _, hit in block[offset - first: offset - first + len(hits)]]
        else:
            out += [hit for _, hit in sorted(zip(ids, hits, strict=True), key=lambda pair: pair[0])]
        offset += len(hits)
    return out
