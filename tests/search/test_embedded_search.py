"""What only the embedded index does: its analyzer, its cursor check, its more-like-this cut-off.

Text, filters, facets, histogram, snippets, sort, paging and bad parameters are the search contract's
(tests/search/contract/), which runs on the embedded engine as on every other.
"""

from __future__ import annotations

import pytest

from search.backend import IndexDoc, QueryError, SearchQuery
from search.embedded import EmbeddedBackend
from search.embedded_schema import analyze


def test_analyzer_matches_the_index(backend: EmbeddedBackend, corpus: list[IndexDoc]) -> None:
    searcher = backend._idx().searcher()
    for doc in corpus:
        for term in analyze(doc.abstract):
            assert searcher.doc_freq("abstract", term) > 0, term


# Queries every engine must answer without crashing (the contract and the query builder use them).
ODD_QUERIES = [
    '"unbalanced',
    'a "b',
    "title:(",
    "title:display",
    "((((",
    ")",
    "AND OR NOT",
    "* ? ~ ^2",
    "display^10",
    "[1 TO 5]",
    "{}",
    "\\",
    '"',
    '""',
    '-""',
    "-",
    "--",
    "- -",
    'a"b',
    '中文"',
    ":",
    "\x00\x01\x1f",
    "💥🚀",
    "<script>alert(1)</script>",
    "%s%n%x",
    "' OR 1=1 --",
    "dis*",
    "/regex.*/",
    "\u202e\u200b",
    "x" * 500,
    "虚拟" * 250,
    "a " * 250,
    "ｄｉｓｐｌａｙ",
]


def test_cursor_refuses_a_changed_index(backend: EmbeddedBackend, corpus: list[IndexDoc]) -> None:
    first = backend.search(SearchQuery(cursor="*", size=2, sort="date_asc"))
    assert first.next_cursor is not None
    backend.index([corpus[0]])
    with pytest.raises(QueryError, match="index changed"):
        backend.search(SearchQuery(cursor=first.next_cursor, size=2, sort="date_asc"))


def test_more_like_this_leaves_out_terms_only_the_source_has(backend: EmbeddedBackend) -> None:
    # "milk", "coffee" and "frother" are in US777A1 alone: nothing else shares a distinctive term.
    assert backend.more_like_this("US777A1").hits == []
