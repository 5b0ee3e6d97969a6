"""SearchQuery → tantivy queries and aggregations, built programmatically (no query parser)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tantivy import FieldType, Occur, Query, Schema

from search.backend import FACETS, FacetValue, QueryError, SearchQuery
from search.embedded_schema import FINE_FIELD, MONTH_FIELD, analyze
from search.segment import has_han
from search.userquery import FIELDS, And, Node, Not, Term, parse_query

FIELD_BOOSTS = {"title": 3.0, "abstract": 1.5, "claims": 1.0}
FINE_BOOST = 0.5
ADJACENCY_BOOST = 1.0  # extra score when a word's several terms (e.g. Chinese words) are adjacent
KEYWORD_FILTERS = (
    "techs", "subtopics", "forms", "jurisdiction", "status", "source", "applicants", "committee"
)
HISTOGRAM_AGG = "_histogram"
TECH_YEARS_AGG = "_tech_years"
MONTHS_AGG = "_months"
TECH_MONTHS_AGG = "_tech_months"
HISTOGRAM_SIZE = 1000  # years and technologies per year: more than there will ever be
MONTH_HISTOGRAM_SIZE = 12 * 300  # three centuries of months
# Rough relative cost of an aggregation per match, for splitting a search's aggregations in two
# (at 200,000 documents: applicants ~60 ns, technology × year ~32 ns, techs ~25 ns, a single-valued
# column such as jurisdiction or year ~2-5 ns; forms and subtopics are guessed like techs). Others 1.
AGG_COSTS = {"applicants": 8, TECH_YEARS_AGG: 6, TECH_MONTHS_AGG: 6, "techs": 5, "subtopics": 5, "forms": 3}


def _term_anywhere(schema: Schema, term: str, boosts: dict[str, float], fine: bool = True) -> Query:
    """One term in the given text fields, weighted by field (Chinese also in the sub-word field if fine)."""
    subs = [
        (Occur.Should, Query.boost_query(Query.term_query(schema, field, term), boost))
        for field, boost in boosts.items()
    ]
    if fine and has_han(term):
        subs.append((Occur.Should, Query.boost_query(Query.term_query(schema, FINE_FIELD, term), FINE_BOOST)))
    return Query.boolean_query(subs)


def _phrase_anywhere(schema: Schema, terms: list[str], boosts: dict[str, float]) -> Query:
    """Adjacent terms (two or more) in the given positional text fields, weighted by field."""
    return Query.boolean_query(
        [
            (Occur.Should, Query.boost_query(Query.phrase_query(schema, field, list(terms)), boost))
            for field, boost in boosts.items()
        ]
    )


def _code_query(schema: Schema, term: Term) -> Query:
    """A whole keyword value, or every value starting with it; scores 1 like a filter that matched."""
    field = FIELDS[term.field or ""][0]
    if term.prefix:
        # A one-word phrase prefix is tantivy's term-prefix query (a range over the term dictionary).
        query = Query.phrase_prefix_query(schema, field, [term.text])
    else:
        query = Query.term_query(schema, field, term.text)
    return Query.const_score_query(query, 1.0)


def term_query(schema: Schema, term: Term) -> Query | None:
    """A word (all its terms, adjacency scores more), a phrase or a code; None when nothing is searchable."""
    if term.field is not None and FIELDS[term.field][1] == "code":
        return _code_query(schema, term)
    # A field prefix searches that field only: no sub-word field, which mixes every text field.
    fine = term.field is None
    boosts = FIELD_BOOSTS if fine else {FIELDS[term.field or ""][0]: 1.0}
    terms = analyze(term.text)
    if not terms:
        return None
    if len(terms) == 1:
        return _term_anywhere(schema, terms[0], boosts, fine)
    if term.phrase:
        return _phrase_anywhere(schema, terms, boosts)
    subs = [(Occur.Must, _term_anywhere(schema, t, boosts, fine)) for t in terms]
    bonus = Query.boost_query(_phrase_anywhere(schema, terms, boosts), ADJACENCY_BOOST)
    return Query.boolean_query([*subs, (Occur.Should, bonus)])


def _and(schema: Schema, children: tuple[Node, ...]) -> Query | None:
    """Every positive child required, every negated one excluded."""
    required: list[Query] = []
    excluded: list[Query] = []
    for child in children:
        negated = isinstance(child, Not)
        sub = node_query(schema, child.child if isinstance(child, Not) else child)
        if sub is not None:
            (excluded if negated else required).append(sub)
    if not required and not excluded:
        return None
    subs = [(Occur.Must, sub) for sub in required] or [(Occur.Must, Query.all_query())]
    return Query.boolean_query([*subs, *((Occur.MustNot, sub) for sub in excluded)])


def node_query(schema: Schema, node: Node) -> Query | None:
    """A query AST node as a tantivy query; None when it holds nothing searchable."""
    if isinstance(node, Term):
        return term_query(schema, node)
    if isinstance(node, Not):
        return _and(schema, (node,))
    if isinstance(node, And):
        return _and(schema, node.children)
    subs = [sub for child in node.children if (sub := node_query(schema, child)) is not None]
    if len(subs) <= 1:
        return subs[0] if subs else None
    return Query.boolean_query([(Occur.Should, sub) for sub in subs])


def text_query(schema: Schema, q: str) -> Query | None:
    """The full-text part of a search; None means match everything."""
    node = parse_query(q)
    if node is None:
        return None
    query = node_query(schema, node)
    if query is None:
        raise QueryError("the query has no searchable words")
    return query


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
    if query.date_from is not None or query.date_to is not None:
        if query.date_from is not None and query.date_to is not None and query.date_from > query.date_to:
            raise QueryError("date_from is after date_to")
        out.append(
            Query.range_query(schema, "date", FieldType.Date, lower_bound=_midnight(query.date_from),
                              upper_bound=_midnight(query.date_to))
        )
    if query.relevant_only:
        out.append(Query.term_query(schema, "relevant", True))
    return out


def _midnight(day: dt.date | None) -> dt.datetime | None:
    """The indexed form of a date (midnight UTC), or None."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) if day is not None else None


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
        if query.histogram_interval == "month":
            aggs[MONTHS_AGG] = {"terms": {"field": MONTH_FIELD, "size": MONTH_HISTOGRAM_SIZE}}
            aggs[TECH_MONTHS_AGG] = {
                "terms": {"field": "techs", "size": HISTOGRAM_SIZE},
                "aggs": {"months": {"terms": {"field": MONTH_FIELD, "size": MONTH_HISTOGRAM_SIZE}}},
            }
    return aggs


def _positional(node: Node) -> bool:
    """Whether matching a query node reads term positions: a quoted phrase of two or more text terms."""
    if isinstance(node, Term):
        if not node.phrase or (node.field is not None and FIELDS[node.field][1] == "code"):
            return False
        return len(analyze(node.text)) > 1
    if isinstance(node, Not):
        return _positional(node.child)
    return any(_positional(child) for child in node.children)


def needs_positions(q: str) -> bool:
    """Whether finding the matches of a user query reads term positions (the scoring-only adjacency
    bonus of a several-term word does not count: tantivy skips optional clauses when not scoring)."""
    node = parse_query(q)
    return node is not None and _positional(node)


def aggregation_requests(aggs: dict[str, Any], positional: bool) -> list[dict[str, Any]]:
    """The aggregations as one request, or as two of about equal cost to run side by side.

    Each request evaluates the query again. Matching term queries is cheap next to counting
    multi-valued columns (0.3 ms against 9 ms for a word with 90,000 matches in 200,000 documents),
    so two requests on two threads cut the time by about a third; a phrase costs about as much to
    match as all the counting (4 ms against 7 ms for 50,000 matches), so it gets one request.
    """
    if not aggs:
        return []
    if positional or len(aggs) < 2:
        return [aggs]
    parts: list[dict[str, Any]] = [{}, {}]
    loads = [0, 0]
    for name in sorted(aggs, key=lambda n: -AGG_COSTS.get(n, 1)):
        lighter = loads.index(min(loads))
        parts[lighter][name] = aggs[name]
        loads[lighter] += AGG_COSTS.get(name, 1)
    return parts


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


def _month_key(value: Any) -> str:
    """'YYYY-MM' from the indexed year * 100 + month."""
    number = int(value)
    return f"{number // 100:04d}-{number % 100:02d}"


def read_month_histogram(result: dict[str, Any]) -> dict[str, dict[str, int]]:
    """'YYYY-MM' → {technology: count, "_all": count} from an aggregation result, months ascending."""
    per_month: dict[str, dict[str, int]] = {}
    for tech in result.get(TECH_MONTHS_AGG, {}).get("buckets", []):
        for month in tech.get("months", {}).get("buckets", []):
            per_month.setdefault(_month_key(month["key"]), {})[str(tech["key"])] = int(month["doc_count"])
    out: dict[str, dict[str, int]] = {}
    buckets = result.get(MONTHS_AGG, {}).get("buckets", [])
    for bucket in sorted(buckets, key=lambda b: int(b["key"])):
        key = _month_key(bucket["key"])
        techs = per_month.get(key, {})
        out[key] = {"_all": int(bucket["doc_count"]), **dict(sorted(techs.items(), key=lambda kv: -kv[1]))}
    return out
