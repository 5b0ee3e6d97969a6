"""SearchQuery → an Elasticsearch request, built from query objects (user text never reaches a parser)."""

from __future__ import annotations

import re
from typing import Any

from elasticsearch.dsl import query as dsl
from elasticsearch.dsl.query import Query

from search import mlt
from search.backend import FACETS, FacetValue, QueryError, SearchQuery
from search.elastic_mapping import DOC_FIELD, FINE_FIELD
from search.segment import has_han, segment
from search.userquery import FIELDS, And, Node, Not, Term, parse_query

FIELD_BOOSTS = {"title": 3.0, "abstract": 1.5, "claims": 1.0}  # as the embedded engine
FINE_BOOST = 0.5
ADJACENCY_BOOST = 1.0  # extra score when a word's several tokens (e.g. Chinese words) are adjacent
KEYWORD_FILTERS = (
    "techs", "subtopics", "forms", "jurisdiction", "status", "source", "applicants", "committee"
)
HISTOGRAM_AGG = "_histogram"
MONTHS_AGG = "_months"
HISTOGRAM_SIZE = 1000  # years and technologies per year: more than there will ever be
SNIPPET_CHARS = 240
SNIPPET_FIELDS = ("abstract", "title")  # in order of preference
# The index analyzer's tokenizer: runs of letters and digits; tokens of 40 bytes or more are dropped.
_TOKEN = re.compile(r"[^\W_]+")
_MAX_TOKEN_BYTES = 40


def tokens(text: str) -> list[str]:
    """The words of a piece of query text, segmented and split as the index analyzer splits them."""
    return [t for t in _TOKEN.findall(segment(text)) if len(t.encode()) < _MAX_TOKEN_BYTES]


def _token_anywhere(token: str, boosts: dict[str, float], fine: bool = True) -> Query:
    """One token in the given text fields, weighted by field (Chinese also in the sub-word field if fine)."""
    subs: list[Query] = [
        dsl.Match(field, {"query": token, "boost": boost}) for field, boost in boosts.items()
    ]
    if fine and has_han(token):
        subs.append(dsl.Match(FINE_FIELD, {"query": token, "boost": FINE_BOOST}))
    return dsl.Bool(should=subs, minimum_should_match=1)


def _phrase_anywhere(words: list[str], boosts: dict[str, float], boost: float = 1.0) -> Query:
    """Adjacent tokens (two or more) in the given positional text fields, weighted by field."""
    text = " ".join(words)
    subs: list[Query] = [
        dsl.MatchPhrase(field, {"query": text, "boost": weight}) for field, weight in boosts.items()
    ]
    return dsl.Bool(should=subs, minimum_should_match=1, boost=boost)


def _code_query(term: Term) -> Query:
    """A whole keyword value, or every value starting with it; scores 1 like a filter that matched."""
    field = FIELDS[term.field or ""][0]
    match = dsl.Prefix(field, {"value": term.text}) if term.prefix else dsl.Term(field, {"value": term.text})
    return dsl.ConstantScore(filter=match, boost=1.0)


def term_query(term: Term) -> Query | None:
    """A word (all its tokens, adjacency scores more), a phrase or a code; None when nothing is searchable."""
    if term.field is not None and FIELDS[term.field][1] == "code":
        return _code_query(term)
    # A field prefix searches that field only: no sub-word field, which mixes every text field.
    fine = term.field is None
    boosts = FIELD_BOOSTS if fine else {FIELDS[term.field or ""][0]: 1.0}
    words = tokens(term.text)
    if not words:
        return None
    if len(words) == 1:
        return _token_anywhere(words[0], boosts, fine)
    if term.phrase:
        return _phrase_anywhere(words, boosts)
    required = [_token_anywhere(word, boosts, fine) for word in dict.fromkeys(words)]
    return dsl.Bool(must=required, should=[_phrase_anywhere(words, boosts, ADJACENCY_BOOST)])


def _and(children: tuple[Node, ...]) -> Query | None:
    """Every positive child required, every negated one excluded."""
    required: list[Query] = []
    excluded: list[Query] = []
    for child in children:
        negated = isinstance(child, Not)
        sub = node_query(child.child if isinstance(child, Not) else child)
        if sub is not None:
            (excluded if negated else required).append(sub)
    if not required and not excluded:
        return None
    return dsl.Bool(must=required or [dsl.MatchAll()], must_not=excluded)


def node_query(node: Node) -> Query | None:
    """A query AST node as an Elasticsearch query; None when it holds nothing searchable."""
    if isinstance(node, Term):
        return term_query(node)
    if isinstance(node, Not):
        return _and((node,))
    if isinstance(node, And):
        return _and(node.children)
    subs = [sub for child in node.children if (sub := node_query(child)) is not None]
    if len(subs) <= 1:
        return subs[0] if subs else None
    return dsl.Bool(should=subs, minimum_should_match=1)


def text_query(q: str) -> Query | None:
    """The full-text part of a search; None means match everything."""
    node = parse_query(q)
    if node is None:
        return None
    query = node_query(node)
    if query is None:
        raise QueryError("the query has no searchable words")
    return query


def _values(values: list[str]) -> list[str]:
    """Filter values without blanks or repeats."""
    return list(dict.fromkeys(v for v in values if v))


def filter_queries(query: SearchQuery) -> list[Query]:
    """One query per restricted field: OR within a field; the caller ANDs them."""
    out: list[Query] = []
    if query.doc_type:
        out.append(dsl.Term("doc_type", {"value": query.doc_type}))
    for name in KEYWORD_FILTERS:
        values = _values(getattr(query, name))
        if len(values) == 1:
            out.append(dsl.Term(name, {"value": values[0]}))
        elif values:
            out.append(dsl.Q({"terms": {name: values}}))
    if query.year_from is not None or query.year_to is not None:
        if query.year_from is not None and query.year_to is not None and query.year_from > query.year_to:
            raise QueryError("year_from is after year_to")
        bounds = {"gte": query.year_from, "lte": query.year_to}
        out.append(dsl.Range("year", {k: v for k, v in bounds.items() if v is not None}))
    if query.date_from is not None or query.date_to is not None:
        if query.date_from is not None and query.date_to is not None and query.date_from > query.date_to:
            raise QueryError("date_from is after date_to")
        days = {"gte": query.date_from, "lte": query.date_to}
        out.append(dsl.Range("date", {k: v.isoformat() for k, v in days.items() if v is not None}))
    if query.relevant_only:
        out.append(dsl.Term("relevant", {"value": True}))
    return out


def full_query(query: SearchQuery) -> Query:
    """Text AND every filter; filters run in filter context, so they do not change scores."""
    text = text_query(query.q)
    filters = filter_queries(query)
    if not filters:
        return text if text is not None else dsl.MatchAll()
    return dsl.Bool(must=[text if text is not None else dsl.MatchAll()], filter=filters)


def aggregations(query: SearchQuery) -> dict[str, Any]:
    """Terms aggregations for the requested facets, plus the year × technology histogram."""
    unknown = sorted(set(query.facets) - set(FACETS))
    if unknown:
        raise QueryError(f"unknown facet(s) {', '.join(unknown)}; choose from {', '.join(FACETS)}")
    aggs: dict[str, Any] = {
        name: {"terms": {"field": name, "size": query.facet_size}} for name in dict.fromkeys(query.facets)
    }
    if query.histogram:
        aggs[HISTOGRAM_AGG] = {
            "terms": {"field": "year", "size": HISTOGRAM_SIZE},
            "aggs": {"techs": {"terms": {"field": "techs", "size": HISTOGRAM_SIZE}}},
        }
        if query.histogram_interval == "month":
            aggs[MONTHS_AGG] = {
                "date_histogram": {
                    "field": "date",
                    "calendar_interval": "month",
                    "format": "yyyy-MM",
                    "min_doc_count": 1,
                },
                "aggs": {"techs": {"terms": {"field": "techs", "size": HISTOGRAM_SIZE}}},
            }
    return aggs


def highlight() -> dict[str, Any]:
    """One <b>-tagged fragment from the abstract or the title; the text is HTML-escaped."""
    field = {"fragment_size": SNIPPET_CHARS, "number_of_fragments": 1}
    return {
        "pre_tags": ["<b>"],
        "post_tags": ["</b>"],
        "encoder": "html",
        "fields": {name: dict(field) for name in SNIPPET_FIELDS},
    }


def sort(query: SearchQuery) -> list[Any]:
    """Relevance or date order; the id breaks ties so that pages never overlap."""
    if query.sort == "relevance":
        return ["_score", {"id": "asc"}]
    order = "desc" if query.sort == "date_desc" else "asc"
    return [{"date": {"order": order, "missing": "_last"}}, {"id": "asc"}]


def search_body(query: SearchQuery, after: list[Any] | None = None, paging: bool = False) -> dict[str, Any]:
    """The whole search request body; raise QueryError for malformed user input.

    With paging (a cursor), there is no "from": the page starts after the sort key ``after``.
    """
    body: dict[str, Any] = {
        "query": full_query(query).to_dict(),
        "size": query.size,
        "track_total_hits": True,
        "sort": sort(query),
        "_source": [DOC_FIELD],
    }
    if not paging:
        body["from"] = query.offset
    elif after:
        body["search_after"] = list(after)
    aggs = aggregations(query)
    if aggs:
        body["aggs"] = aggs
    if query.highlight and query.size and query.q.strip():
        body["highlight"] = highlight()
    return body


def read_facets(result: dict[str, Any], names: list[str]) -> dict[str, list[FacetValue]]:
    """Facet buckets from an aggregation result, in the order requested."""
    out: dict[str, list[FacetValue]] = {}
    for name in dict.fromkeys(names):
        buckets = result.get(name, {}).get("buckets", [])
        out[name] = [FacetValue(value=str(b["key"]), count=int(b["doc_count"])) for b in buckets]
    return out


def read_histogram(result: dict[str, Any]) -> dict[int, dict[str, int]]:
    """year → {technology: count, "_all": count} from an aggregation result, years ascending."""
    out: dict[int, dict[str, int]] = {}
    buckets = result.get(HISTOGRAM_AGG, {}).get("buckets", [])
    for bucket in sorted(buckets, key=lambda b: int(b["key"])):
        row = {"_all": int(bucket["doc_count"])}
        for tech in bucket.get("techs", {}).get("buckets", []):
            row[str(tech["key"])] = int(tech["doc_count"])
        out[int(bucket["key"])] = row
    return out


def read_month_histogram(result: dict[str, Any]) -> dict[str, dict[str, int]]:
    """'YYYY-MM' → {technology: count, "_all": count} from an aggregation result, months ascending."""
    out: dict[str, dict[str, int]] = {}
    buckets = result.get(MONTHS_AGG, {}).get("buckets", [])
    for bucket in sorted(buckets, key=lambda b: str(b["key_as_string"])):
        if not int(bucket["doc_count"]):
            continue
        row = {"_all": int(bucket["doc_count"])}
        for tech in bucket.get("techs", {}).get("buckets", []):
            row[str(tech["key"])] = int(tech["doc_count"])
        out[str(bucket["key_as_string"])] = row
    return out


def more_like_this_query(
    like: dict[str, list[str]], min_doc_freq: int, exclude_id: str | None, filters: list[Query]
) -> Query:
    """An Elasticsearch more_like_this on an artificial document (the same text the embedded engine uses)."""
    # An artificial document rather than {"_id": …}: the texts are segmented exactly as the embedded
    # engine's, and it works on servers that cannot fetch term vectors (osmem).
    similar = dsl.Q({
        "more_like_this": {
            "fields": list(mlt.FIELDS),
            "like": [{"doc": dict(like)}],
            "min_term_freq": mlt.MIN_TERM_FREQ,
            "min_doc_freq": min_doc_freq,
            "max_query_terms": mlt.MAX_QUERY_TERMS,
            "min_word_length": mlt.MIN_WORD_LENGTH,
            "stop_words": list(mlt.STOP_WORDS),
            # Any one selected term matches, as in the embedded engine (Elasticsearch's default is 30%).
            "minimum_should_match": 1,
        }
    })
    must_not = [dsl.Term("id", {"value": exclude_id})] if exclude_id is not None else []
    return dsl.Bool(must=[similar], filter=filters, must_not=must_not)
