"""EPO OPS query building (CQL within OPS's limits, from the taxonomy) and per-query crawl progress."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from classify.codemap import lookup
from classify.taxonomy import TAXONOMY
from crawlers.parsers.epo_ops_cql import (
    EARLIEST,
    MAX_QUERY_CHARS,
    MAX_SCOPE_TERMS,
    MAX_TERMS,
    VR_CPC,
    VR_KEYWORDS,
    QueryError,
    bisect,
    build_queries,
    cpc_clause,
    keyword_clause,
    with_dates,
)
from crawlers.parsers.epo_ops_state import (
    Progress,
    advance,
    dump_progress,
    load_progress,
    split_current,
    start_pass,
)

D = dt.date
TERM = re.compile(r'(\w+)(?:=/low |=)("[^"]+"|\S+)')


def _terms(query: str) -> dict[str, int]:
    """Search terms per index scope, counting every word of a phrase (dates count as in OPS: two)."""
    scopes: dict[str, int] = {}
    for scope, value in TERM.findall(query):
        scopes[scope] = scopes.get(scope, 0) + len(value.strip('"').split())
    return scopes


# --- queries -----------------------------------------------------------------------------------
def test_default_queries_cover_every_code_and_keyword_within_ops_limits() -> None:
    queries = build_queries()
    assert len(queries) == 2
    text = " or ".join(queries)
    for code in VR_CPC:
        assert text.count(f"cpc=/low {code} ") + text.endswith(f"cpc=/low {code}") == 1, code
    for phrase in VR_KEYWORDS:
        assert (f'ta="{phrase}"' if " " in phrase else f"ta={phrase}") in text
    for query in queries:
        dated = with_dates(query, D(2020, 1, 1), D(2020, 6, 30))
        scopes = _terms(dated)
        assert sum(scopes.values()) <= MAX_TERMS and max(scopes.values()) <= MAX_SCOPE_TERMS, scopes
        assert len(dated) <= MAX_QUERY_CHARS


def test_default_codes_and_keywords_come_from_the_taxonomy() -> None:
    for code in VR_CPC:
        hint = lookup(code)
        assert hint is not None and (hint.relevance > 0 or hint.labels), code
    english = {t.lower().replace("-", " ") for c in TAXONOMY.concepts() for t in c.all_terms("en")}
    assert set(VR_KEYWORDS) <= english, set(VR_KEYWORDS) - english


def test_queries_split_when_terms_or_length_run_out() -> None:
    codes = [f"G06T{n}/00" for n in range(1, 26)]
    queries = build_queries(codes, ())
    assert [len(q.split(" or ")) for q in queries] == [10, 10, 5]  # at most 10 in one scope
    mixed = build_queries(["G02B27/01"], ["virtual reality", "head mounted display"], max_terms=6)
    assert mixed == ['cpc=/low G02B27/01 or ta="virtual reality"', 'ta="head mounted display"']
    short = build_queries(codes[:4], (), max_chars=len(' and pd within "20000101 20001231"') + 40)
    assert all(len(q) <= 40 for q in short) and len(short) == 2


def test_clauses() -> None:
    assert cpc_clause(" g02b 27/01 ").text == "cpc=/low G02B27/01"
    assert cpc_clause("H04N").text == "cpc=/low H04N"
    assert keyword_clause("head-mounted display").text == 'ta="head mounted display"'
    assert keyword_clause("metaverse").terms == 1 and keyword_clause("near eye display").terms == 3


@pytest.mark.parametrize("bad", ["虚拟现实", "Kopfhörer", "a/b", "   ", "the and"])
def test_keywords_ops_cannot_search_are_refused(bad: str) -> None:
    with pytest.raises(QueryError):
        keyword_clause(bad)


@pytest.mark.parametrize("bad", ["G02", "27/01", "G02B27/", "cpc=G02B27/01", "Z99Z1/00"])
def test_bad_codes_are_refused(bad: str) -> None:
    with pytest.raises(QueryError, match="CPC"):
        cpc_clause(bad)


def test_impossible_queries_are_refused() -> None:
    with pytest.raises(QueryError, match="nothing to search"):
        build_queries((), ())
    with pytest.raises(QueryError, match="alone"):
        build_queries((), ["very long phrase " * 4], max_terms=10)


def test_date_clauses() -> None:
    assert with_dates("ta=x", None, None) == "ta=x"
    assert with_dates("ta=x", D(2024, 1, 2), None) == "(ta=x) and pd>=20240102"
    assert with_dates("ta=x", None, D(2024, 1, 2)) == "(ta=x) and pd<=20240102"
    assert with_dates("a or b", D(2024, 1, 1), D(2024, 6, 30)) == '(a or b) and pd within "20240101 20240630"'
    with pytest.raises(QueryError, match="empty date range"):
        with_dates("ta=x", D(2024, 2, 1), D(2024, 1, 1))


def test_bisect() -> None:
    jan = [D(2024, 1, day) for day in range(1, 5)]
    assert bisect(jan[0], jan[3]) == ((jan[0], jan[1]), (jan[2], jan[3]))
    assert bisect(jan[0], jan[1]) == ((jan[0], jan[0]), (jan[1], jan[1]))
    assert bisect(D(2024, 1, 1), D(2024, 1, 1)) is None


# --- progress ----------------------------------------------------------------------------------
TODAY = D(2026, 11, 25)


def test_a_first_pass_is_open_and_ends_today() -> None:
    fresh = start_pass(load_progress(None), TODAY)
    assert fresh == Progress(None, TODAY, ((None, None),), 0) and fresh.current == (None, None)
    page = advance(fresh, 25, 60)
    assert page.done == 25 and page.current == (None, None)
    done = advance(advance(page, 50, 60), 60, 60)
    assert done == Progress(until=TODAY) and done.current is None


def test_the_next_pass_starts_after_the_last_date_fully_fetched() -> None:
    again = start_pass(Progress(until=D(2026, 11, 1)), TODAY)
    assert again.current == (D(2026, 11, 2), None) and again.end == TODAY
    assert advance(again, 0, 0) == Progress(until=TODAY)  # no hits (OPS answers 404): still done
    overlapping = start_pass(Progress(until=D(2026, 11, 1)), TODAY, overlap_days=7)
    assert overlapping.current == (D(2026, 10, 26), None) and overlapping.until == D(2026, 11, 1)
    assert start_pass(Progress(), TODAY, overlap_days=7).current == (None, None)  # first pass: open


def test_an_unfinished_pass_is_resumed_not_restarted() -> None:
    unfinished = Progress(D(2026, 1, 1), D(2026, 11, 20), ((D(2026, 1, 2), None),), 50)
    assert start_pass(unfinished, TODAY) is unfinished


def test_over_full_slices_are_bisected_until_they_fit() -> None:
    fresh = start_pass(Progress(), TODAY)
    split = split_current(fresh)
    assert split is not None and split.done == 0
    (a, b), (c, d) = split.slices
    assert (a, d) == (EARLIEST, TODAY) and b + dt.timedelta(days=1) == c
    again = split_current(split)
    assert again is not None and len(again.slices) == 3 and again.slices[2] == (c, d)
    # the first slice done, the second one is next; the hits past 2,000 of one day are given up
    assert advance(again, 900, 900).slices == again.slices[1:]
    assert advance(again, 2000, 2600).slices == again.slices[1:]
    one_day = Progress(None, TODAY, ((TODAY, TODAY),), 0)
    assert split_current(one_day) is None
    assert advance(Progress(D(2026, 12, 31), TODAY, ((TODAY, TODAY),)), 3, 3).until == D(2026, 12, 31)


def test_progress_round_trips_and_old_values_start_afresh() -> None:
    progress = Progress(D(2026, 1, 1), TODAY, ((D(2026, 1, 2), D(2026, 6, 1)), (D(2026, 6, 2), None)), 75)
    assert load_progress(dump_progress(progress)) == progress
    for old in ("0", "25", "[]", '{"slices": [["x", null]]}', "not json"):
        assert load_progress(old) == Progress()
