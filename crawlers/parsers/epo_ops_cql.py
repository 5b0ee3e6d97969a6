"""OPS CQL queries built from VR CPC groups and keywords, within OPS's limits, plus publication-date slices.

OPS limits (EPO's answer on its forum, "Maximum number of terms in a query", and the OPS manual's CQL
appendix): at most 20 search terms in a query and at most 10 within one index scope (``ta``, ``cpc`` …;
more answers ``CLIENT.ScopeTermsMaximumNumber``); terms in English, without diacritics. A phrase counts
here as one term per word and a date range as two, so a query we send never comes near the limit.
``cpc=/low X`` matches X and every group below it. Queries also stay under ``MAX_QUERY_CHARS`` (our own
cap: a GET URL with the query must stay short). Whatever does not fit goes into the next query.

The default codes and keywords follow the taxonomy (``classify.taxonomy`` and ``classify.codemap``; a test
checks they are known there): crawlers sit left of classify in the data flow, so the lists live here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_TERMS = 20
MAX_SCOPE_TERMS = 10
MAX_QUERY_CHARS = 1000
DATE_TERMS = 2
# The earliest publication date a date split starts from when a pass has no lower bound.
EARLIEST = dt.date(1900, 1, 1)

# CPC groups of the taxonomy's technologies: HMD optics, VR/AR interaction, VR scenes, 3D rendering,
# stereoscopic and multi-view video, and their coding.
VR_CPC: tuple[str, ...] = (
    "G02B27/01", "G06F3/01", "G06T19/00", "G06T15/00", "H04N13/00", "H04N19/597",
)
# The taxonomy's English anchor terms (OPS searches English titles and abstracts only; Chinese
# publications are found through their CPC codes and DOCDB's English titles and abstracts).
VR_KEYWORDS: tuple[str, ...] = (
    "virtual reality", "augmented reality", "mixed reality", "extended reality", "metaverse",
    "head mounted display", "near eye display", "smart glasses", "stereoscopic", "volumetric video",
)

_CPC = re.compile(r"^[A-HY]\d{2}[A-Z](\d{1,4}/\d{2,6})?$")
_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9+.-]*$")
_STOP = {"and", "or", "not", "the", "for", "with", "but", "of", "any", "prox", "within", "all"}


class QueryError(ValueError):
    """A code or keyword OPS cannot search, or a clause that alone breaks OPS's limits."""


@dataclass(frozen=True)
class Clause:
    """One searchable clause: its CQL text, its index scope and how many terms it counts for."""

    text: str
    scope: str
    terms: int


def cpc_clause(code: str) -> Clause:
    """``cpc=/low G02B27/01``: the group and everything below it."""
    symbol = "".join(code.split()).upper()
    if not _CPC.match(symbol):
        raise QueryError(f"not a CPC subclass or group: {code!r}")
    return Clause(f"cpc=/low {symbol}", "cpc", 1)


def keyword_clause(phrase: str, scope: str = "ta") -> Clause:
    """``ta="head mounted display"``: a phrase in titles or abstracts (English, plain ASCII words)."""
    words = phrase.replace("-", " ").split()
    if not words:
        raise QueryError("empty keyword")
    for word in words:
        if not _WORD.match(word):
            raise QueryError(f"OPS searches plain English words only, not {phrase!r}")
    if all(word.lower() in _STOP for word in words):
        raise QueryError(f"stop words only: {phrase!r}")
    text = " ".join(words)
    return Clause(f'{scope}="{text}"' if len(words) > 1 else f"{scope}={text}", scope, len(words))


def _fits(group: Sequence[Clause], budget: int, max_chars: int) -> bool:
    scopes: dict[str, int] = {}
    for clause in group:
        scopes[clause.scope] = scopes.get(clause.scope, 0) + clause.terms
    total = sum(scopes.values())
    chars = len(_or(group)) + len(' and pd within "20000101 20001231"')
    return total <= budget and max(scopes.values()) <= MAX_SCOPE_TERMS and chars <= max_chars


def _or(group: Sequence[Clause]) -> str:
    return " or ".join(clause.text for clause in group)


def pack(clauses: Iterable[Clause], max_terms: int = MAX_TERMS,
         max_chars: int = MAX_QUERY_CHARS) -> list[str]:
    """OR the clauses into few queries (first fit) within OPS's limits, leaving room for a date range."""
    budget = max_terms - DATE_TERMS
    queries: list[list[Clause]] = []
    for clause in clauses:
        if not _fits([clause], budget, max_chars):
            raise QueryError(f"{clause.text!r} alone is longer than one OPS query allows")
        room = next((group for group in queries if _fits([*group, clause], budget, max_chars)), None)
        if room is None:
            queries.append([clause])
        else:
            room.append(clause)
    return [_or(group) for group in queries]


def build_queries(cpc: Iterable[str] = VR_CPC, keywords: Iterable[str] = VR_KEYWORDS,
                  max_terms: int = MAX_TERMS, max_chars: int = MAX_QUERY_CHARS) -> list[str]:
    """The CQL queries (without a date clause) that together search every code and keyword."""
    clauses = [cpc_clause(code) for code in dict.fromkeys(cpc)]
    clauses += [keyword_clause(phrase) for phrase in dict.fromkeys(keywords)]
    if not clauses:
        raise QueryError("nothing to search: no CPC code and no keyword")
    return pack(clauses, max_terms, max_chars)


def ops_date(day: dt.date) -> str:
    """A date as OPS writes it: YYYYMMDD."""
    return day.strftime("%Y%m%d")


def with_dates(query: str, start: dt.date | None, end: dt.date | None) -> str:
    """The query restricted to publications from ``start`` to ``end`` (either may be open)."""
    if start and end and start > end:
        raise QueryError(f"empty date range {start} – {end}")
    if start and end:
        clause = f'pd within "{ops_date(start)} {ops_date(end)}"'
    elif start:
        clause = f"pd>={ops_date(start)}"
    elif end:
        clause = f"pd<={ops_date(end)}"
    else:
        return query
    return f"({query}) and {clause}"


def bisect(start: dt.date, end: dt.date) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]] | None:
    """Two halves of a date range, or None when it is a single day and cannot be split."""
    if start >= end:
        return None
    middle = start + (end - start) // 2
    return (start, middle), (middle + dt.timedelta(days=1), end)
