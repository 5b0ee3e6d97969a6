"""The query language, new filters, month histograms, cursors and more-like-this on every engine."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from search.backend import IndexDoc, QueryError, SearchBackend, SearchQuery, UnknownDocument
from search.elastic import ElasticBackend
from tests.search.contract.conftest import Factory
from tests.search.contract.test_search_contract import DATE_ORDER, ids


def osmem_skip(engine: SearchBackend, engine_kind: str, reason: str) -> None:
    """Skip on osmem where it departs from Elasticsearch (the reason says how)."""
    if engine_kind == "osmem" and isinstance(engine, ElasticBackend):
        pytest.skip(f"osmem differs from Elasticsearch here: {reason}")


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("coffee OR glove", {"EP333B1", "US777A1"}),
        ("coffee | glove", {"EP333B1", "US777A1"}),
        ("display AND NOT headset", {"CN111A", "GB/T 38259-2019"}),
        ("(virtual OR 虚拟现实) -headset", {"EP333B1", "GB/T 38259-2019"}),
        ("-(display OR reality)", {"CN444A", "US777A1"}),
        ("glove OR -reality", {"EP333B1", "CN111A", "CN444A", "US777A1"}),
        ("(coffee OR glove) (milk OR touch)", {"EP333B1", "US777A1"}),
        ("title:display", {"CN111A", "US222A1", "GB/T 38259-2019"}),
        ("abstract:display", {"CN111A", "US222A1"}),  # GB/T says 显示 in its abstract, display in its title
        ("claims:headset", {"US222A1"}),
        ("claims:菲涅尔透镜", {"CN111A"}),
        ("title:头戴式", {"CN111A", "GB/T 38259-2019"}),
        ("title:(haptic OR coffee)", {"EP333B1", "US777A1"}),
        ('title:"virtual reality"', {"US222A1", "GB/T 38259-2019"}),
        ("applicant:Huawei", {"CN111A", "CN444A"}),
        ("applicant:huawei", set()),  # applicant names are exact
        ("applicant:Hua*", {"CN111A", "CN444A"}),
        ('applicant:"Meta Platforms"', {"US222A1"}),
        ("cpc:G02B27/01", {"CN111A"}),
        ("cpc:G02B27/01*", {"CN111A"}),
        ("cpc:G02B27/0*", {"CN111A", "US222A1"}),
        ("cpc:g06f3/013", {"US222A1", "CN444A"}),
        ("cpc:G06*", {"US222A1", "CN444A"}),
        ("ipc:G02B27/01", {"CN111A"}),
        ("ics:35.240*", {"GB/T 38259-2019", "ISO/IEC 18039:2019"}),
        ("ics:35.240.99", {"GB/T 38259-2019"}),
        ("committee:SAC/TC28", {"GB/T 38259-2019"}),
        ('committee:"ISO/IEC JTC 1/SC 24"', {"ISO/IEC 18039:2019"}),
        ('id:"GB/T 38259-2019"', {"GB/T 38259-2019"}),
        ("id:CN111A | id:US777A1", {"CN111A", "US777A1"}),
        ("display cpc:G02B*", {"CN111A", "US222A1"}),
        ("display -cpc:G02B*", {"GB/T 38259-2019"}),
        ("rock and roll", set()),  # lower-case "and" is a word
    ],
)
def test_query_language(engine: SearchBackend, q: str, expected: set[str]) -> None:
    assert ids(engine, q=q) == expected


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("colour:red", "unknown field 'colour'; the allowed fields are title:"),
        ("(display", "unbalanced parentheses"),
        ("display)", "unbalanced parentheses"),
        ("()", "empty group"),
        ("display OR", "OR needs"),
        ("cpc:*", "needs a value"),
        ("(" * 11 + "a" + ")" * 11, "nested too deeply"),
    ],
)
def test_query_errors(engine: SearchBackend, q: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        engine.search(SearchQuery(q=q))


def test_code_matches_score_like_filters(engine: SearchBackend) -> None:
    hits = engine.search(SearchQuery(q="cpc:G02B*")).hits
    assert [h.score for h in hits] == pytest.approx([1.0, 1.0])


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"committee": ["SAC/TC28"]}, {"GB/T 38259-2019"}),
        ({"committee": ["SAC/TC28", "ISO/IEC JTC 1/SC 24"]}, {"GB/T 38259-2019", "ISO/IEC 18039:2019"}),
        ({"date_from": "2021-05-01"}, {"US222A1", "EP333B1", "CN444A"}),
        ({"date_to": "2020-02-01"}, {"GB/T 38259-2019", "US777A1", "ISO/IEC 18039:2019"}),
        ({"date_from": "2020-03-01", "date_to": "2021-05-01"}, {"CN111A", "US222A1"}),
        # No date: the year stands in as 1 January, as for the date sort.
        ({"date_from": "2020-01-01", "date_to": "2020-01-01"}, {"US777A1"}),
        ({"date_from": "2021-01-01", "doc_type": "patent", "applicants": ["Huawei"]}, {"CN444A"}),
    ],
)
def test_new_filters(engine: SearchBackend, fields: dict[str, Any], expected: set[str]) -> None:
    assert ids(engine, **fields) == expected


def test_date_range_in_order(engine: SearchBackend) -> None:
    with pytest.raises(QueryError, match="date_from is after date_to"):
        engine.search(SearchQuery(date_from="2022-01-01", date_to="2021-01-01"))


def test_month_histogram(engine: SearchBackend) -> None:
    result = engine.search(SearchQuery(histogram_interval="month"))
    assert result.histogram_months == {
        "2019-10": {"_all": 1, "display": 1},
        "2020-01": {"_all": 1},
        "2020-02": {"_all": 1},
        "2020-03": {"_all": 1, "display": 1, "optics": 1},
        "2021-05": {"_all": 1, "display": 1, "tracking": 1},
        "2021-08": {"_all": 1, "haptics": 1},
        "2022-01": {"_all": 1, "rendering": 1, "tracking": 1},
    }
    assert list(result.histogram_months) == sorted(result.histogram_months)
    assert result.histogram[2020] == {"_all": 3, "display": 1, "optics": 1}  # the years are still there
    filtered = engine.search(SearchQuery(q="display", histogram_interval="month")).histogram_months
    assert set(filtered) == {"2019-10", "2020-03", "2021-05"}
    assert engine.search(SearchQuery()).histogram_months == {}
    assert engine.search(SearchQuery(histogram=False, histogram_interval="month")).histogram_months == {}


def _pages(engine: SearchBackend, **fields: Any) -> Iterator[list[str]]:
    """The ids of each page, following next_cursor from cursor=*."""
    cursor: str | None = "*"
    while cursor is not None:
        result = engine.search(SearchQuery(cursor=cursor, facets=[], histogram=False, **fields))
        assert result.total == 7 or "q" in fields
        yield [h.id for h in result.hits]
        cursor = result.next_cursor


def test_cursor_pages_by_date(engine: SearchBackend) -> None:
    assert list(_pages(engine, sort="date_asc", size=3)) == [DATE_ORDER[:3], DATE_ORDER[3:6], DATE_ORDER[6:]]
    assert [i for p in _pages(engine, sort="date_desc", size=2) for i in p] == DATE_ORDER[::-1]
    assert list(_pages(engine, sort="date_asc", size=7)) == [DATE_ORDER]


def test_cursor_pages_by_relevance(engine: SearchBackend, engine_kind: str) -> None:
    osmem_skip(engine, engine_kind, "it compares search_after scores at double precision with the float "
               "scores it printed, so a page can repeat the previous page's last hit")
    expected = [h.id for h in engine.search(SearchQuery(q="display OR reality", size=100)).hits]
    paged = [i for p in _pages(engine, q="display OR reality", size=2) for i in p]
    assert sorted(paged) == sorted(expected)
    assert len(paged) == len(set(paged)) == 5


def test_no_cursor_without_asking(engine: SearchBackend) -> None:
    assert engine.search(SearchQuery(size=2)).next_cursor is None


def test_bad_cursors(engine: SearchBackend) -> None:
    first = engine.search(SearchQuery(cursor="*", size=2, sort="date_asc"))
    assert first.next_cursor
    with pytest.raises(QueryError, match="invalid cursor"):
        engine.search(SearchQuery(cursor="not a cursor!", size=2, sort="date_asc"))
    raw = json.loads(base64.urlsafe_b64decode(first.next_cursor + "=" * (-len(first.next_cursor) % 4)))
    raw["offset"] = -5
    tampered = base64.urlsafe_b64encode(json.dumps(raw).encode()).decode()
    with pytest.raises(QueryError, match="invalid cursor"):
        engine.search(SearchQuery(cursor=tampered, size=2, sort="date_asc"))
    with pytest.raises(QueryError, match="another query"):
        engine.search(SearchQuery(cursor=first.next_cursor, size=2, sort="date_desc"))
    with pytest.raises(QueryError, match="either offset"):
        engine.search(SearchQuery(cursor=first.next_cursor, offset=2, size=2, sort="date_asc"))
    # A page size or facets of its own is fine: they do not change which documents come next.
    second = engine.search(SearchQuery(cursor=first.next_cursor, size=5, sort="date_asc", facets=["techs"]))
    assert [h.id for h in second.hits] == DATE_ORDER[2:]


DEEP = 10_050


@pytest.fixture(scope="module")
def deep(make_engine: Factory) -> SearchBackend:
    """An engine holding more documents than offset paging reaches."""
    engine = make_engine()
    engine.index(
        IndexDoc(id=f"D{i:05d}", doc_type="patent", source="t", title="deep", year=2000 + i % 20)
        for i in range(DEEP)
    )
    return engine


def test_cursor_pages_beyond_the_offset_limit(deep: SearchBackend) -> None:
    with pytest.raises(ValueError, match="less than or equal to 10000"):
        SearchQuery(offset=10_001)
    seen: list[str] = []
    cursor: str | None = "*"
    while cursor is not None:
        result = deep.search(SearchQuery(q="deep", cursor=cursor, size=100, sort="date_asc", facets=[],
                                         histogram=False, highlight=False))
        assert result.total == DEEP
        seen.extend(h.id for h in result.hits)
        cursor = result.next_cursor
    assert len(seen) == len(set(seen)) == DEEP
    years = [2000 + int(i[1:]) % 20 for i in seen]
    assert years == sorted(years)


def test_more_like_a_document(engine: SearchBackend) -> None:
    result = engine.more_like_this("CN111A")
    found = [h.id for h in result.hits]
    assert found[0] == "GB/T 38259-2019"  # head-mounted display, 头戴式, in both
    assert "CN111A" not in found and "US777A1" not in found
    assert result.total == len(found)
    assert all(h.score > 0 and h.snippet for h in result.hits)


def test_more_like_a_document_of_one_type(engine: SearchBackend) -> None:
    standards = engine.more_like_this("CN111A", doc_type="standard").hits
    assert [h.id for h in standards] == ["GB/T 38259-2019"]
    patents = engine.more_like_this("GB/T 38259-2019", doc_type="patent").hits
    assert patents[0].id == "CN111A"
    assert {h.doc_type for h in patents} == {"patent"}
    filtered = engine.more_like_this("GB/T 38259-2019", filters=SearchQuery(jurisdiction=["US"])).hits
    assert {h.jurisdiction for h in filtered} <= {"US"}


def test_more_like_a_text(engine: SearchBackend) -> None:
    found = [h.id for h in engine.more_like_this(text="head-mounted display with a lens", size=3).hits]
    assert found[0] == "CN111A"
    assert "US777A1" not in found
    assert len(found) <= 3
    chinese = [h.id for h in engine.more_like_this(text="眼动追踪 渲染").hits]
    assert chinese[0] == "CN444A"


def test_more_like_this_errors(engine: SearchBackend) -> None:
    with pytest.raises(UnknownDocument):
        engine.more_like_this("NOPE123")
    with pytest.raises(QueryError, match="either a document id or a text"):
        engine.more_like_this()
    with pytest.raises(QueryError, match="either a document id or a text"):
        engine.more_like_this("CN111A", text="display")
    with pytest.raises(QueryError, match="empty"):
        engine.more_like_this(text="  ")
    with pytest.raises(QueryError, match="size"):
        engine.more_like_this("CN111A", size=0)
