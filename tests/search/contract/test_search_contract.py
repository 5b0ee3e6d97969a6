"""The search contract on every engine: same corpus, same queries → same hits, facets, histograms."""

from __future__ import annotations

from typing import Any

import pytest

from search.backend import QueryError, SearchBackend, SearchQuery, SearchResult
from search.embedded import EmbeddedBackend
from tests.search.test_embedded_search import ODD_QUERIES

DATE_ORDER = ["GB/T 38259-2019", "US777A1", "ISO/IEC 18039:2019", "CN111A", "US222A1", "EP333B1", "CN444A"]


def ids(engine: SearchBackend, **fields: Any) -> set[str]:
    """The ids of every match."""
    result = engine.search(SearchQuery(size=100, facets=[], histogram=False, **fields))
    assert result.total == len(result.hits)
    return {hit.id for hit in result.hits}


def facet_counts(result: SearchResult) -> dict[str, dict[str, int]]:
    """Facets as value → count, checking buckets come most frequent first."""
    out = {}
    for name, values in result.facets.items():
        counts = [v.count for v in values]
        assert counts == sorted(counts, reverse=True)
        out[name] = {v.value: v.count for v in values}
    return out


def test_is_a_search_backend(engine: SearchBackend) -> None:
    assert isinstance(engine, SearchBackend)
    assert engine.count() == 7


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("头戴式显示", {"CN111A", "GB/T 38259-2019"}),  # 显示 vs 显示器: through the sub-words
        ("虚拟现实", {"GB/T 38259-2019"}),
        ("眼动追踪", {"CN444A"}),
        ("标准", {"GB/T 38259-2019"}),  # segmented as 本 标准规定 了: a sub-word only
        ("display", {"CN111A", "US222A1", "GB/T 38259-2019"}),  # stemming: "displays"
        ("DISPLAYING", {"CN111A", "US222A1", "GB/T 38259-2019"}),
        ("foveated rendering", {"CN444A"}),
        ("virtual reality", {"US222A1", "EP333B1", "GB/T 38259-2019"}),
        ('"virtual reality"', {"US222A1", "GB/T 38259-2019"}),
        ('"reality virtual"', set()),
        ("“虚拟现实 头戴式”", {"GB/T 38259-2019"}),
        ("display -headset", {"CN111A", "GB/T 38259-2019"}),
        ('reality -"virtual reality"', {"EP333B1", "ISO/IEC 18039:2019"}),
        ("-reality", {"CN111A", "CN444A", "US777A1"}),
        ("head-mounted", {"CN111A", "GB/T 38259-2019"}),
        ("glove nonexistentword", set()),
        ("菲涅尔透镜", {"CN111A"}),  # only in the claims
        ("", set(DATE_ORDER)),
    ],
)
def test_text_queries(engine: SearchBackend, q: str, expected: set[str]) -> None:
    assert ids(engine, q=q) == expected


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
def test_filters(engine: SearchBackend, fields: dict[str, Any], expected: set[str]) -> None:
    assert ids(engine, **fields) == expected


def test_filters_do_not_change_scores(engine: SearchBackend) -> None:
    plain = {h.id: h.score for h in engine.search(SearchQuery(q="display")).hits}
    filtered = {h.id: h.score for h in engine.search(SearchQuery(q="display", relevant_only=True)).hits}
    assert filtered == pytest.approx(plain)
    assert all(score > 0 for score in plain.values())


def test_facets_over_all_matches(engine: SearchBackend) -> None:
    names = ["doc_type", "techs", "jurisdiction", "applicants", "forms", "status", "source", "subtopics"]
    result = engine.search(SearchQuery(size=1, facets=names))
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


def test_facets_follow_query_and_size(engine: SearchBackend) -> None:
    result = engine.search(SearchQuery(q="display", facets=["techs", "doc_type"], facet_size=1))
    assert facet_counts(result) == {"techs": {"display": 3}, "doc_type": {"patent": 2}}
    result = engine.search(SearchQuery(q="display", jurisdiction=["CN", "SAC"], facets=["techs"]))
    assert facet_counts(result) == {"techs": {"display": 2, "optics": 1}}


def test_histogram(engine: SearchBackend) -> None:
    assert engine.search(SearchQuery()).histogram == {
        2019: {"_all": 1, "display": 1},
        2020: {"_all": 3, "display": 1, "optics": 1},
        2021: {"_all": 2, "display": 1, "tracking": 1, "haptics": 1},
        2022: {"_all": 1, "rendering": 1, "tracking": 1},
    }
    assert engine.search(SearchQuery(q="display")).histogram == {
        2019: {"_all": 1, "display": 1},
        2020: {"_all": 1, "display": 1, "optics": 1},
        2021: {"_all": 1, "display": 1, "tracking": 1},
    }
    assert engine.search(SearchQuery(histogram=False)).histogram == {}


def test_snippets(engine: SearchBackend) -> None:
    hits = {h.id: h for h in engine.search(SearchQuery(q="display")).hits}
    assert all("<b>" in hit.snippet for hit in hits.values())
    assert "<b>displays</b>" in hits["US222A1"].snippet.lower()
    chinese = {h.id: h for h in engine.search(SearchQuery(q="头戴式")).hits}["GB/T 38259-2019"]
    assert chinese.snippet.startswith("本标准规定了虚拟现实<b>头戴式</b>显示设备的技术要求")
    assert " " not in chinese.snippet
    # No match in the abstract: the title is highlighted instead.
    glove = engine.search(SearchQuery(q="haptic")).hits[0]
    assert glove.snippet == "<b>Haptic</b> glove"
    # Match-all: the start of the abstract, escaped; highlight off: nothing.
    plain = {h.id: h.snippet for h in engine.search(SearchQuery(size=10)).hits}
    assert plain["US777A1"] == "A coffee machine heats milk."
    assert all(h.snippet == "" for h in engine.search(SearchQuery(q="display", highlight=False)).hits)


def test_hit_fields(engine: SearchBackend) -> None:
    hit = engine.search(SearchQuery(q="foveated")).hits[0]
    assert (hit.id, hit.doc_type, hit.year, hit.jurisdiction) == ("CN444A", "patent", 2022, "CN")
    assert hit.title == "基于眼动追踪的注视点渲染方法"
    assert (hit.applicants, hit.techs, hit.forms) == (["Huawei"], ["rendering", "tracking"], ["software"])
    assert hit.score > 0


def test_sort_by_date(engine: SearchBackend) -> None:
    desc = engine.search(SearchQuery(sort="date_desc", size=100)).hits
    assert [h.id for h in desc] == DATE_ORDER[::-1]
    asc = engine.search(SearchQuery(sort="date_asc", size=100)).hits
    assert [h.id for h in asc] == DATE_ORDER
    filtered = engine.search(SearchQuery(q="display", sort="date_desc")).hits
    assert [h.id for h in filtered] == ["US222A1", "CN111A", "GB/T 38259-2019"]


def test_paging(engine: SearchBackend) -> None:
    pages = [engine.search(SearchQuery(sort="date_asc", offset=o, size=3)) for o in (0, 3, 6, 9)]
    assert [r.total for r in pages] == [7, 7, 7, 7]
    assert [[h.id for h in r.hits] for r in pages] == [DATE_ORDER[:3], DATE_ORDER[3:6], DATE_ORDER[6:], []]
    by_score = [engine.search(SearchQuery(q="display", offset=o, size=1)).hits[0].id for o in range(3)]
    assert set(by_score) == {"CN111A", "US222A1", "GB/T 38259-2019"}
    deep = engine.search(SearchQuery(offset=10_000, size=100, facets=[]))
    assert (deep.total, deep.hits) == (7, [])


def test_size_zero_still_counts(engine: SearchBackend) -> None:
    result = engine.search(SearchQuery(q="display", size=0, facets=["doc_type"]))
    assert (result.total, result.hits) == (3, [])
    assert facet_counts(result) == {"doc_type": {"patent": 2, "standard": 1}}


def test_bad_parameters(engine: SearchBackend) -> None:
    with pytest.raises(QueryError, match="unknown facet"):
        engine.search(SearchQuery(facets=["techs", "colour"]))
    with pytest.raises(QueryError, match="year_from"):
        engine.search(SearchQuery(year_from=2022, year_to=2020))
    with pytest.raises(QueryError, match="unbalanced quote"):
        engine.search(SearchQuery(q='"virtual reality'))
    with pytest.raises(QueryError, match="no searchable words"):
        engine.search(SearchQuery(q='"" ^^^'))


def _outcome(engine: SearchBackend, query: SearchQuery) -> tuple[Any, ...]:
    """What a query returns, in a form two engines can be compared by: no scores, no tie order."""
    try:
        result = engine.search(query)
    except QueryError:
        return ("QueryError",)
    order = [h.id for h in result.hits] if query.sort != "relevance" else sorted(h.id for h in result.hits)
    return (result.total, order, facet_counts(result), result.histogram)


AGREEMENT_QUERIES = [
    "display",
    "virtual reality",
    '"head-mounted display"',
    "头戴式显示器",
    "显示",
    "虚拟现实 -标准",
    "eye tracking",
    "眼动 追踪",
    "render",
    "coffee OR glove",
    "title:display OR cpc:G06*",
    "(coffee OR glove) -milk",
    "applicant:Hua* display",
    "NOT committee:SAC/TC28",
    'abstract:"head-mounted display" | claims:headset',
    *ODD_QUERIES,
]


@pytest.mark.parametrize("q", AGREEMENT_QUERIES)
def test_agrees_with_the_embedded_engine(engine: SearchBackend, reference: EmbeddedBackend, q: str) -> None:
    for sort in ("relevance", "date_desc"):
        query = SearchQuery(q=q[:500], size=100, sort=sort, facets=["techs", "jurisdiction", "doc_type"])
        assert _outcome(engine, query) == _outcome(reference, query)


@pytest.mark.parametrize("q", ODD_QUERIES)
def test_odd_queries_never_crash(engine: SearchBackend, q: str) -> None:
    try:
        result = engine.search(SearchQuery(q=q[:500], facets=["techs"]))
    except QueryError as exc:
        assert str(exc)
    else:
        assert result.total == len(result.hits) or len(result.hits) == 20
