"""SearchQuery → tantivy queries and aggregations, built programmatically (no query parser)."""

from __future__ import annotations

from typing import Any

from tantivy import FieldType, Occur, Query, Schema

from search.backend import FACETS, FacetValue, QueryError, SearchQuery
from search.embedded_schema import FINE_FIELD, analyze
from search.segment import has_han
from search.userquery import Clause, parse_user_query

FIELD_BOOSTS = {"title": 3.0, "abstract": 1.5, "claims": 1.0}
FINE_BOOST = 0.5
ADJACENCY_BOOST = 1.0  # extra score when a word's several terms (e.g. Chinese words) are adjacent
KEYWORD_FILTERS = ("techs", "subtopics", "forms", "jurisdiction", "status", "source", "applicants")
HISTOGRAM_AGG = "_histogram"
TECH_YEARS_AGG = "_tech_years"
HISTOGRAM_SIZE = 1000  # years and technologies per year: more than there will ever be


def _term_anywhere(schema: Schema, term: str) -> Query:
    """One term in any text field, weighted by field."""
    subs = [
        (Occur.Should, Query.boost_query(Query.term_query(schema, field, term), boost))
        for field, boost in FIELD_BOOSTS.items()
    ]
    if has_han(term):
        subs.append((Occur.Should, Query.boost_query(Query.term_query(schema, FINE_FIELD, term), FINE_BOOST)))
    return Query.boolean_query(subs)


def _phrase_anywhere(schema: Schema, terms: list[str]) -> Query:
    """Adjacent terms (two or more) in any positional text field, weighted by field."""
    return Query.boolean_query(
        [
            (Occur.Should, Query.boost_query(Query.phrase_query(schema, field, list(terms)), boost))
            for field, boost in FIELD_BOOSTS.items()
        ]
    )


def clause_query(schema: Schema, clause: Clause) -> Query | None:
    """A word (all its terms, adjacency scores more) or a phrase; None when nothing is searchable."""
    terms = analyze(clause.text)
    if not terms:
        return None
    if len(terms) == 1:
        return _term_anywhere(schema, terms[0])
    if clause.phrase:
        return _phrase_anywhere(schema, terms)
    subs = [(Occur.Must, _term_anywhere(schema, term)) for term in terms]
    bonus = Query.boost_query(_phrase_anywhere(schema, terms), ADJACENCY_BOOST)
    return Query.boolean_query([*subs, (Occur.Should, bonus)])


def text_query(schema: Schema, q: str) -> Query | None:
    """The full-text part of a search; None means match everything."""
    clauses = parse_user_query(q)
    if not clauses:
        return None
    required: list[Query] = []
    excluded: list[Query] = []
    for clause in clauses:
        sub = clause_query(schema, clause)
        if sub is not None:
            (excluded if clause.negated else required).append(sub)
    if not required and not excluded:
        raise QueryError("the query has no searchable words")
    subs = [(Occur.Must, sub) for sub in required] or [(Occur.Must, Query.all_query())]
    subs += [(Occur.MustNot, sub) for sub in excluded]
    return Query.boolean_query(subs)


def _values(values: list[str]) -> list[str]:
    """Filter values without blanks or repeats."""
    return list(dict.fromkeys(v for v in values if v))


def filter_queries(schema: Schema, query: SearchQuery) -> list[Query]:
    """One query per restricted field: OR within a field; the caller ANDs them."""
    out: list[Query] = []
    if query.doc_type:
        out.append(Query.term_query(schema, "doc_type", query.doc_type))
    for name in KEYWORD_FILTERS:
        values = _values(getattr(query, name))
        if len(values) == 1:
            out.append(Query.term_query(schema, name, values[0]))
        elif values:
            out.append(Query.term_set_query(schema, name, values))
    if query.year_from is not None or query.year_to is not None:
        if query.year_from is not None and query.year_to is not None and query.year_from > query.year_to:
            raise QueryError("year_from is after year_to")
        out.append(
            Query.range_query(schema, "year", FieldType.Integer, lower_bound=query.year_from,
                              upper_bound=query.year_to)
        )
    if query.relevant_only:
        out.append(Query.term_query(schema, "relevant", True))
    return out


def combine(text: Query | None, filters: list[Query]) -> Query:
    """Text AND every filter; filters do not change scores."""
    if not filters:
        return text if text is not None else Query.all_query()
    subs = [(Occur.Must, text if text is not None else Query.all_query())]
    subs += [(Occur.Must, Query.const_score_query(f, 0.0)) for f in filters]
    return Query.boolean_query(subs)


def aggregations(query: SearchQuery) -> dict[str, Any]:
    """Terms aggregations for the requested facets, plus the year × technology histogram."""
    unknown = sorted(set(query.facets) - set(FACETS))
    if unknown:
        raise QueryError(f"unknown facet(s) {', '.join(unknown)}; choose from {', '.join(FACETS)}")
    aggs: dict[str, Any] = {
        name: {"terms": {"field": name, "size": query.facet_size}} for name in dict.fromkeys(query.facets)
    }
    if query.histogram:
        # Per-year totals, and technology → year counts. Multi-valued terms are the slow part of an
        # aggregation, so technologies are read once: the techs facet comes from the same buckets.
        aggs.pop("techs", None)
        aggs[HISTOGRAM_AGG] = {"terms": {"field": "year", "size": HISTOGRAM_SIZE}}
        aggs[TECH_YEARS_AGG] = {
            "terms": {"field": "techs", "size": HISTOGRAM_SIZE},
            "aggs": {"years": {"terms": {"field": "year", "size": HISTOGRAM_SIZE}}},
        }
    return aggs


def _buckets(result: dict[str, Any], name: str, size: int) -> list[dict[str, Any]]:
    """A terms aggregation's buckets; the techs facet is cut from the technology → year buckets."""
    if name == "techs" and TECH_YEARS_AGG in result:
        buckets = result[TECH_YEARS_AGG].get("buckets", [])
        return sorted(buckets, key=lambda b: (-int(b["doc_count"]), str(b["key"])))[:size]
    return list(result.get(name, {}).get("buckets", []))


def read_facets(result: dict[str, Any], names: list[str], size: int = 200) -> dict[str, list[FacetValue]]:
    """Facet buckets from an aggregation result, in the order requested, at most size per facet."""
    out: dict[str, list[FacetValue]] = {}
    for name in dict.fromkeys(names):
        buckets = _buckets(result, name, size)
        out[name] = [FacetValue(value=str(b["key"]), count=int(b["doc_count"])) for b in buckets]
    return out


def read_histogram(result: dict[str, Any]) -> dict[int, dict[str, int]]:
    """year → {technology: count, "_all": count} from an aggregation result, years ascending."""
    per_year: dict[int, dict[str, int]] = {}
    for tech in result.get(TECH_YEARS_AGG, {}).get("buckets", []):
        for year in tech.get("years", {}).get("buckets", []):
            per_year.setdefault(int(year["key"]), {})[str(tech["key"])] = int(year["doc_count"])
    out: dict[int, dict[str, int]] = {}
    buckets = result.get(HISTOGRAM_AGG, {}).get("buckets", [])
    for bucket in sorted(buckets, key=lambda b: int(b["key"])):
        year = int(bucket["key"])
        techs = per_year.get(year, {})
        # Technologies most frequent first, as the year's own terms aggregation listed them.
        out[year] = {"_all": int(bucket["doc_count"]), **dict(sorted(techs.items(), key=lambda kv: -kv[1]))}
    return out
