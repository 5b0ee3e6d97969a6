"""The Elasticsearch request, mapping and client options as pure data: no cluster needed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from search.backend import IndexDoc, QueryError, SearchQuery
from search.elastic_client import client_options, make_client
from search.elastic_mapping import (
    FINE_FIELD,
    KEYWORD_FIELDS,
    MAPPING_VERSION,
    index_name,
    index_settings,
    mappings,
    to_source,
)
from search.elastic_query import (
    full_query,
    more_like_this_query,
    search_body,
    term_query,
    text_query,
    tokens,
)
from search.embedded_schema import KEYWORD_FIELDS as EMBEDDED_KEYWORDS
from search.embedded_schema import analyze
from search.userquery import Term
from tests.search.conftest import CORPUS
from tests.search.test_embedded_search import ODD_QUERIES
from vrscope.settings import Settings


def keys(tree: Any) -> set[str]:
    """Every dictionary key anywhere in a JSON-like tree."""
    if isinstance(tree, dict):
        return set(tree) | {k for v in tree.values() for k in keys(v)}
    if isinstance(tree, list):
        return {k for v in tree for k in keys(v)}
    return set()


@pytest.mark.parametrize("text", [d.abstract for d in CORPUS] + [d.title for d in CORPUS] + ODD_QUERIES)
def test_tokens_split_like_the_index_analyzer(text: str) -> None:
    # Each query token is exactly one index term, the same terms the embedded analyzer makes.
    assert [term for token in tokens(text) for term in analyze(token)] == analyze(text)


def test_a_word_needs_every_token_somewhere_and_scores_adjacency() -> None:
    query = term_query(Term("head-mounted"))
    assert query is not None
    body = query.to_dict()["bool"]
    assert len(body["must"]) == 2
    first = body["must"][0]["bool"]["should"]
    assert [next(iter(m["match"].items())) for m in first] == [
        ("title", {"query": "head", "boost": 3.0}),
        ("abstract", {"query": "head", "boost": 1.5}),
        ("claims", {"query": "head", "boost": 1.0}),
    ]
    phrase = body["should"][0]["bool"]["should"][0]["match_phrase"]["title"]
    assert phrase == {"query": "head mounted", "boost": 3.0}


def test_chinese_words_also_search_the_sub_words() -> None:
    query = term_query(Term("显示"))
    assert query is not None
    fields = [next(iter(m["match"])) for m in query.to_dict()["bool"]["should"]]
    assert fields == ["title", "abstract", "claims", FINE_FIELD]
    assert term_query(Term("头戴式显示", phrase=True)).to_dict()["bool"]["should"][0] == {  # type: ignore[union-attr]
        "match_phrase": {"title": {"query": "头戴式 显示", "boost": 3.0}}
    }


def test_text_query_shapes() -> None:
    assert text_query("") is None and text_query("  - ") is None
    negated = text_query("-coffee").to_dict()["bool"]  # type: ignore[union-attr]
    assert negated["must"] == [{"match_all": {}}] and len(negated["must_not"]) == 1
    with pytest.raises(QueryError, match="no searchable words"):
        text_query("^^^ ***")
    with pytest.raises(QueryError, match="unbalanced"):
        text_query('"open')


@pytest.mark.parametrize("q", ODD_QUERIES)
def test_user_text_never_reaches_a_query_parser(q: str) -> None:
    try:
        body = search_body(SearchQuery(q=q[:500]))
    except QueryError:
        return
    parsers = {"query_string", "simple_query_string", "regexp", "wildcard", "prefix", "fuzzy", "script"}
    assert not keys(body["query"]) & parsers
    json.dumps(body)  # plain JSON: what is sent is exactly what was built


def test_filters_are_in_filter_context() -> None:
    query = SearchQuery(q="display", techs=["a", "b", "a", ""], jurisdiction=["CN"], year_from=2020,
                        relevant_only=True, doc_type="patent")
    body = full_query(query).to_dict()["bool"]
    assert len(body["must"]) == 1
    assert body["filter"] == [
        {"term": {"doc_type": {"value": "patent"}}},
        {"terms": {"techs": ["a", "b"]}},
        {"term": {"jurisdiction": {"value": "CN"}}},
        {"range": {"year": {"gte": 2020}}},
        {"term": {"relevant": {"value": True}}},
    ]
    assert full_query(SearchQuery()).to_dict() == {"match_all": {}}
    with pytest.raises(QueryError, match="year_from"):
        full_query(SearchQuery(year_from=2022, year_to=2020))


def test_search_body() -> None:
    body = search_body(SearchQuery(q="display", offset=20, size=10, facets=["techs"], facet_size=5))
    assert (body["from"], body["size"], body["track_total_hits"]) == (20, 10, True)
    assert body["sort"] == ["_score", {"id": "asc"}]
    assert body["aggs"]["techs"] == {"terms": {"field": "techs", "size": 5}}
    assert body["aggs"]["_histogram"]["aggs"]["techs"]["terms"]["field"] == "techs"
    assert body["highlight"]["pre_tags"] == ["<b>"] and body["highlight"]["encoder"] == "html"
    dated = search_body(SearchQuery(sort="date_asc", histogram=False, facets=[], highlight=False))
    assert dated["sort"][0] == {"date": {"order": "asc", "missing": "_last"}}
    assert "aggs" not in dated and "highlight" not in dated
    with pytest.raises(QueryError, match="unknown facet"):
        search_body(SearchQuery(facets=["colour"]))


def test_mapping_covers_the_index_doc() -> None:
    props = mappings()["properties"]
    assert set(KEYWORD_FIELDS) == set(EMBEDDED_KEYWORDS)
    assert all(props[name] == {"type": "keyword"} for name in KEYWORD_FIELDS)
    assert props["title"]["analyzer"] == props["abstract"]["analyzer"] == "vrscope_text"
    assert props["year"] == {"type": "integer"} and props["date"]["type"] == "date"
    assert mappings()["dynamic"] == "strict"
    assert index_settings()["number_of_shards"] == 1
    assert set(index_settings(3)["analysis"]["analyzer"]) == {"vrscope_text"}


def test_to_source() -> None:
    source = to_source(CORPUS[0])
    assert source["title"] == [
        "一种 头戴式 显示器 及其 光学 模组",
        "Head-mounted display and optical module thereof",
    ]
    assert "显示" in source[FINE_FIELD].split()
    assert (source["year"], source["date"], source["jurisdiction"]) == (2020, "2020-03-01", "CN")
    assert IndexDoc.model_validate(source["doc"]) == CORPUS[0]
    assert set(source) <= set(mappings()["properties"])
    bare = to_source(IndexDoc(id="X", doc_type="patent", title="t", source="s", year=2020, date="bad"))
    assert bare["date"] == "2020-01-01" and "status" not in bare and "techs" not in bare


def test_index_names_are_versioned_and_sortable() -> None:
    name = index_name("vrscope", dt.datetime(2025, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC))
    assert name == f"vrscope-v{MAPPING_VERSION}-20250102t030405000006"
    assert name == name.lower()


def test_client_options(tmp_path: Path) -> None:
    base = Settings(data_dir=tmp_path, es_url="https://es.example:9200")
    assert client_options(base) == {
        "hosts": ["https://es.example:9200"],
        "request_timeout": 30.0,
        "retry_on_timeout": True,
        "max_retries": 3,
    }
    keyed = base.model_copy(update={"es_api_key": SecretStr("abc"), "es_ca_certs": tmp_path / "ca.pem"})
    assert client_options(keyed)["api_key"] == "abc"
    assert client_options(keyed)["ca_certs"] == str(tmp_path / "ca.pem")
    basic = base.model_copy(
        update={"es_username": "u", "es_password": SecretStr("p"), "es_verify_certs": False}
    )
    assert client_options(basic)["basic_auth"] == ("u", "p")
    assert client_options(basic)["verify_certs"] is False
    with pytest.raises(ValueError, match="not both"):
        client_options(keyed.model_copy(update={"es_username": "u"}))
    with pytest.raises(ValueError, match="VRSCOPE_ES_URL"):
        client_options(Settings(data_dir=tmp_path))
    client = make_client(base)  # no request is made
    client.close()


class _RefusingClient:
    """Just enough of a client for search(): the cluster answers 400."""

    def search(self, **_: Any) -> None:
        """Refuse like Elasticsearch does when a query has too many clauses."""
        from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
        from elasticsearch import BadRequestError

        meta = ApiResponseMeta(400, "1.1", HttpHeaders(), 0.0, NodeConfig("http", "localhost", 9200))
        reason = "Query contains too many nested clauses; maxClauseCount is set to 1024"
        body = {"error": {"root_cause": [{"type": "too_many_nested_clauses", "reason": reason}]}}
        raise BadRequestError("search_phase_execution_exception", meta, body)

    def close(self) -> None:
        """Nothing to release."""


def test_a_refused_query_is_a_query_error(tmp_path: Path) -> None:
    from search.elastic import ElasticBackend

    settings = Settings(data_dir=tmp_path, es_url="http://127.0.0.1:9")
    engine = ElasticBackend(settings, client=_RefusingClient())  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="too many nested clauses"):
        engine.search(SearchQuery(q="display"))
    engine.close()
    with pytest.raises(RuntimeError, match="closed"):
        engine.count()


def test_query_language_builds_bool_queries() -> None:
    either = text_query("coffee OR glove").to_dict()["bool"]  # type: ignore[union-attr]
    assert either["minimum_should_match"] == 1 and len(either["should"]) == 2
    code = text_query("cpc:g02b27/01*").to_dict()  # type: ignore[union-attr]
    assert code == {"constant_score": {"filter": {"prefix": {"cpc": {"value": "G02B27/01"}}}, "boost": 1.0}}
    exact = text_query('committee:"SAC/TC28"').to_dict()  # type: ignore[union-attr]
    assert exact["constant_score"]["filter"] == {"term": {"committee": {"value": "SAC/TC28"}}}
    titled = text_query("title:显示").to_dict()["bool"]["should"]  # type: ignore[union-attr]
    assert titled == [{"match": {"title": {"query": "显示", "boost": 1.0}}}]  # no sub-word field
    negated = text_query("display NOT (coffee OR milk)").to_dict()["bool"]  # type: ignore[union-attr]
    assert len(negated["must"]) == 1 and "should" in negated["must_not"][0]["bool"]


def test_date_committee_and_month_histogram() -> None:
    query = SearchQuery(committee=["SAC/TC28"], date_from="2020-01-01", date_to="2020-12-31",
                        histogram_interval="month")
    body = search_body(query)
    assert body["query"]["bool"]["filter"] == [
        {"term": {"committee": {"value": "SAC/TC28"}}},
        {"range": {"date": {"gte": "2020-01-01", "lte": "2020-12-31"}}},
    ]
    months = body["aggs"]["_months"]["date_histogram"]
    assert months == {"field": "date", "calendar_interval": "month", "format": "yyyy-MM", "min_doc_count": 1}
    with pytest.raises(QueryError, match="date_from is after date_to"):
        search_body(SearchQuery(date_from="2021-01-01", date_to="2020-01-01"))


def test_cursor_body_uses_search_after_not_from() -> None:
    body = search_body(SearchQuery(sort="date_asc"), after=[1577836800000, "US777A1"], paging=True)
    assert "from" not in body
    assert body["search_after"] == [1577836800000, "US777A1"]
    assert "search_after" not in search_body(SearchQuery(), paging=True)


def test_more_like_this_query() -> None:
    query = more_like_this_query({"title": ["头戴式 显示器"]}, 2, "CN111A", []).to_dict()["bool"]
    mlt_part = query["must"][0]["more_like_this"]
    assert mlt_part["like"] == [{"doc": {"title": ["头戴式 显示器"]}}]
    assert (mlt_part["min_doc_freq"], mlt_part["min_term_freq"]) == (2, 1)
    assert query["must_not"] == [{"term": {"id": {"value": "CN111A"}}}]
