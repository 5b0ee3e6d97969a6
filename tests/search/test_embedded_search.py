"""Searching the embedded index: text, filters, facets, histogram, snippets, sort and paging."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from search.backend import IndexDoc, QueryError, SearchBackend, SearchQuery, SearchResult
from search.embedded import EmbeddedBackend
from search.embedded_schema import analyze

DATE_ORDER = ["GB/T 38259-2019", "US777A1", "ISO/IEC 18039:2019", "CN111A", "US222A1", "EP333B1", "CN444A"]


def ids(engine: EmbeddedBackend, **fields: Any) -> set[str]:
    """The ids of every match."""
    result = engine.search(SearchQuery(size=100, facets=[], histogram=False, **fields))
    assert result.total == len(result.hits)
    return {hit.id for hit in result.hits}


def test_is_a_search_backend(backend: EmbeddedBackend) -> None:
    assert isinstance(backend, SearchBackend)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # 头戴式 显示 vs the title's 头戴式 显示器: found through the search-mode sub-words.
        ("头戴式显示", {"CN111A", "GB/T 38259-2019"}),
        ("虚拟现实", {"GB/T 38259-2019"}),
        ("眼动追踪", {"CN444A"}),
        ("标准", {"GB/T 38259-2019"}),  # segmented as 本 标准规定 了: a sub-word only
        ("display", {"CN111A", "US222A1", "GB/T 38259-2019"}),  # US222A1 says only "displays"
        ("DISPLAYING", {"CN111A", "US222A1", "GB/T 38259-2019"}),
        ("foveated rendering", {"CN444A"}),  # the English title of a Chinese patent
        ("virtual reality", {"US222A1", "EP333B1", "GB/T 38259-2019"}),
        ('"virtual reality"', {"US222A1", "GB/T 38259-2019"}),
        ('"reality virtual"', set()),
        ("“虚拟现实 头戴式”", {"GB/T 38259-2019"}),
        ("display -headset", {"CN111A", "GB/T 38259-2019"}),
        ('reality -"virtual reality"', {"EP333B1", "ISO/IEC 18039:2019"}),
        ("-reality", {"CN111A", "CN444A", "US777A1"}),
        ("head-mounted", {"CN111A", "GB/T 38259-2019"}),
        ("glove nonexistentword", set()),
        ("", set(DATE_ORDER)),
    ],
)
def test_text_queries(backend: EmbeddedBackend, q: str, expected: set[str]) -> None:
    assert ids(backend, q=q) == expected


def test_field_boosts(index_dir: Path) -> None:
    engine = EmbeddedBackend(index_dir, heap_size=32_000_000, num_threads=1)
    filler = "alpha beta gamma delta"
    engine.index(
        IndexDoc(id=f"D{i}", doc_type="patent", source="t", title=title, abstract=abstract, claims=claims)
        for i, (title, abstract, claims) in enumerate(
            [
                (filler, filler, f"hologram {filler}"),
                (filler, f"hologram {filler}", filler),
                (f"hologram {filler}", filler, filler),
            ]
        )
    )
    hits = engine.search(SearchQuery(q="hologram")).hits
    assert [h.id for h in hits] == ["D2", "D1", "D0"]
    assert hits[0].score > hits[1].score > hits[2].score
    engine.close()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"jurisdiction": ["CN", "US"]}, {"CN111A", "US222A1", "CN444A", "US777A1"}),
        ({"jurisdiction": ["CN", "US"], "techs": ["display"]}, {"CN111A", "US222A1"}),
        ({"techs": ["display", "haptics"]}, {"CN111A", "US222A1", "EP333B1", "GB/T 38259-2019"}),
        ({"doc_type": "standard"}, {"GB/T 38259-2019", "ISO/IEC 18039:2019"}),
        ({"year_from": 2021}, {"US222A1", "EP333B1", "CN444A"}),
        ({"year_to": 2019}, {"GB/T 38259-2019"}),
        ({"year_from": 2020, "year_to": 2020}, {"CN111A", "ISO/IEC 18039:2019", "US777A1"}),
        ({"relevant_only": True}, {"CN111A", "US222A1", "EP333B1", "CN444A", "GB/T 38259-2019"}),
        ({"status": ["published"]}, {"GB/T 38259-2019"}),
        ({"source": ["cnipa"]}, {"CN111A", "CN444A"}),
        ({"applicants": ["Huawei"]}, {"CN111A", "CN444A"}),
        ({"forms": ["software", "standard"]}, {"CN444A", "GB/T 38259-2019"}),
        ({"subtopics": ["anything"]}, set()),
        ({"jurisdiction": ["cn"]}, set()),  # keywords are exact
        ({"q": "display", "jurisdiction": ["CN"]}, {"CN111A"}),
        ({"q": "头戴式显示", "doc_type": "patent"}, {"CN111A"}),
    ],
)
def test_filters(backend: EmbeddedBackend, fields: dict[str, Any], expected: set[str]) -> None:
    assert ids(backend, **fields) == expected


def test_filters_do_not_change_scores(backend: EmbeddedBackend) -> None:
    plain = {h.id: h.score for h in backend.search(SearchQuery(q="display")).hits}
    filtered = {h.id: h.score for h in backend.search(SearchQuery(q="display", relevant_only=True)).hits}
    assert filtered == pytest.approx(plain)


def facet_counts(result: SearchResult) -> dict[str, dict[str, int]]:
    """Facets as value → count, checking buckets come most frequent first."""
    out = {}
    for name, values in result.facets.items():
        counts = [v.count for v in values]
        assert counts == sorted(counts, reverse=True)
        out[name] = {v.value: v.count for v in values}
    return out


def test_facets_over_all_matches(backend: EmbeddedBackend) -> None:
    names = ["doc_type", "techs", "jurisdiction", "applicants", "forms", "status", "source", "subtopics"]
    result = backend.search(SearchQuery(size=1, facets=names))
    assert list(result.facets) == names
    assert facet_counts(result) == {
        "doc_type": {"patent": 5, "standard": 2},
        "techs": {"display": 3, "tracking": 2, "haptics": 1, "optics": 1, "rendering": 1},
        "jurisdiction": {"CN": 2, "US": 2, "EP": 1, "ISO": 1, "SAC": 1},
        "applicants": {"Huawei": 2, "Acme": 1, "Meta Platforms": 1, "Sony": 1},
        "forms": {"hardware": 3, "software": 1, "standard": 1},
        "status": {"published": 1, "under_development": 1},
        "source": {"epo": 3, "cnipa": 2, "openstd": 1, "iso": 1},
        "subtopics": {},
    }


def test_facets_follow_query_and_size(backend: EmbeddedBackend) -> None:
    result = backend.search(SearchQuery(q="display", facets=["techs", "doc_type"], facet_size=1))
    assert facet_counts(result) == {"techs": {"display": 3}, "doc_type": {"patent": 2}}
    result = backend.search(SearchQuery(q="display", jurisdiction=["CN", "SAC"], facets=["techs"]))
    assert facet_counts(result) == {"techs": {"display": 2, "optics": 1}}


def test_histogram(backend: EmbeddedBackend) -> None:
    assert backend.search(SearchQuery()).histogram == {
        2019: {"_all": 1, "display": 1},
        2020: {"_all": 3, "display": 1, "optics": 1},
        2021: {"_all": 2, "display": 1, "tracking": 1, "haptics": 1},
        2022: {"_all": 1, "rendering": 1, "tracking": 1},
    }
    assert backend.search(SearchQuery(q="display")).histogram == {
        2019: {"_all": 1, "display": 1},
        2020: {"_all": 1, "display": 1, "optics": 1},
        2021: {"_all": 1, "display": 1, "tracking": 1},
    }
    assert backend.search(SearchQuery(histogram=False)).histogram == {}


def test_snippets(backend: EmbeddedBackend) -> None:
    hits = {h.id: h for h in backend.search(SearchQuery(q="display")).hits}
    assert "<b>displays</b>" in hits["US222A1"].snippet.lower()
    chinese = {h.id: h for h in backend.search(SearchQuery(q="头戴式")).hits}["GB/T 38259-2019"]
    assert chinese.snippet.startswith("本标准规定了虚拟现实<b>头戴式</b>显示设备的技术要求")
    assert " " not in chinese.snippet
    # No match in the abstract: the title is highlighted instead.
    glove = backend.search(SearchQuery(q="haptic")).hits[0]
    assert glove.snippet == "<b>Haptic</b> glove"
    # Match-all: the start of the abstract, escaped; highlight off: nothing.
    plain = {h.id: h.snippet for h in backend.search(SearchQuery(size=10)).hits}
    assert plain["US777A1"] == "A coffee machine heats milk."
    assert all(h.snippet == "" for h in backend.search(SearchQuery(q="display", highlight=False)).hits)


def test_hit_fields(backend: EmbeddedBackend, corpus: list[IndexDoc]) -> None:
    hit = backend.search(SearchQuery(q="foveated")).hits[0]
    source = corpus[3]
    assert (hit.id, hit.doc_type, hit.title, hit.year) == (source.id, "patent", source.title, 2022)
    assert (hit.jurisdiction, hit.applicants, hit.forms) == ("CN", ["Huawei"], ["software"])
    assert hit.techs == source.techs
    assert hit.score > 0


def test_sort_by_date(backend: EmbeddedBackend) -> None:
    desc = backend.search(SearchQuery(sort="date_desc", size=100)).hits
    assert [h.id for h in desc] == DATE_ORDER[::-1]
    asc = backend.search(SearchQuery(sort="date_asc", size=100)).hits
    assert [h.id for h in asc] == DATE_ORDER
    filtered = backend.search(SearchQuery(q="display", sort="date_desc")).hits
    assert [h.id for h in filtered] == ["US222A1", "CN111A", "GB/T 38259-2019"]


def test_paging(backend: EmbeddedBackend) -> None:
    pages = [backend.search(SearchQuery(sort="date_asc", offset=o, size=3)) for o in (0, 3, 6, 9)]
    assert [r.total for r in pages] == [7, 7, 7, 7]
    assert [[h.id for h in r.hits] for r in pages] == [DATE_ORDER[:3], DATE_ORDER[3:6], DATE_ORDER[6:], []]
    by_score = [backend.search(SearchQuery(q="display", offset=o, size=1)).hits[0].id for o in range(3)]
    assert set(by_score) == {"CN111A", "US222A1", "GB/T 38259-2019"}


def test_size_zero_still_counts(backend: EmbeddedBackend) -> None:
    result = backend.search(SearchQuery(q="display", size=0, facets=["doc_type"]))
    assert (result.total, result.hits) == (3, [])
    assert facet_counts(result) == {"doc_type": {"patent": 2, "standard": 1}}


def test_analyzer_matches_the_index(backend: EmbeddedBackend, corpus: list[IndexDoc]) -> None:
    searcher = backend._idx().searcher()
    for doc in corpus:
        for term in analyze(doc.abstract):
            assert searcher.doc_freq("abstract", term) > 0, term


def test_bad_parameters(backend: EmbeddedBackend) -> None:
    with pytest.raises(QueryError, match="unknown facet"):
        backend.search(SearchQuery(facets=["techs", "colour"]))
    with pytest.raises(QueryError, match="year_from"):
        backend.search(SearchQuery(year_from=2022, year_to=2020))


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


@pytest.mark.parametrize("q", ODD_QUERIES)
def test_odd_queries_never_crash(backend: EmbeddedBackend, q: str) -> None:
    try:
        result = backend.search(SearchQuery(q=q[:500], facets=["techs"]))
    except QueryError as exc:
        assert str(exc)
    else:
        assert result.total == len(result.hits) or len(result.hits) == 20


def test_cursor_refuses_a_changed_index(backend: EmbeddedBackend, corpus: list[IndexDoc]) -> None:
    first = backend.search(SearchQuery(cursor="*", size=2, sort="date_asc"))
    assert first.next_cursor is not None
    backend.index([corpus[0]])
    with pytest.raises(QueryError, match="index changed"):
        backend.search(SearchQuery(cursor=first.next_cursor, size=2, sort="date_asc"))


def test_more_like_this_leaves_out_terms_only_the_source_has(backend: EmbeddedBackend) -> None:
    # "milk", "coffee" and "frother" are in US777A1 alone: nothing else shares a distinctive term.
    assert backend.more_like_this("US777A1").hits == []
