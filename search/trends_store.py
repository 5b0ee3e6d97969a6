"""Trends by filing or publication date, or with patent families counted once, from the store with pandas.

The search index keeps one date per document (priority, else filing, else publication: the trends
view's default basis). The other bases and family counting need fields the index does not hold, so
this module reads the store of record through search.store_docs, whose filters are the index's (each
document parsed once per store generation, see search.store_cache).

Method:
- basis ``priority``: priority date, else filing date, else publication date (the index's date);
  ``filing``: the application date only; ``publication``: the publication date only. A patent
  without that date is left out of the per-year counts and counted in ``undated``. Standards have
  no filing or priority date: they keep their one date (published, else planned, else implemented)
  on every basis.
- years (year_from/year_to) apply to the chosen basis's year.
- families: patents sharing a ``family_id`` count once, in the earliest year any member has, for
  every value any member carries; a patent without a family id is its own family.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from search.analytics import (
    DIMENSION_FIELD,
    SLOPE_YEARS,
    Dimension,
    Filters,
    Series,
    TrendsResult,
    cagr,
    slope,
)
from search.backend import SearchBackend
from search.store_docs import Facts, StoredDoc, stored_rows
from vrscope.records import Patent, Standard
from vrscope.store import Store

DateBasis = Literal["priority", "filing", "publication"]
DATE_BASES: tuple[DateBasis, ...] = ("priority", "filing", "publication")


@dataclass(frozen=True)
class Unit:
    """One counted document (or family): its unit key, year on the basis, values of the dimension."""

    key: str
    year: int | None
    values: tuple[str, ...]


def basis_year(doc: Patent | Standard, basis: DateBasis) -> int | None:
    """The year of a document on a date basis (standards: their one date on every basis)."""
    if isinstance(doc, Standard):
        return doc.year
    if basis == "filing":
        when = doc.application_date
    elif basis == "publication":
        when = doc.publication_date
    else:
        when = doc.priority_date or doc.application_date or doc.publication_date
    return when.year if when else None


def unit_key(doc: Patent | Standard, families: bool) -> str:
    """What counts once: the patent family when asked (and known), else the document."""
    if families and isinstance(doc, Patent) and doc.family_id:
        return f"family:{doc.family_id}"
    return f"doc:{doc.id}"


@dataclass(frozen=True, slots=True)
class TrendDoc:
    """What trends keep of a stored document besides its Facts: its family unit and year per basis."""

    family: str | None
    years: tuple[int | None, ...]  # in the order of DATE_BASES


def trend_doc(item: StoredDoc) -> TrendDoc:
    """A stored document's family unit key (None: counted alone) and its year on every basis."""
    family = unit_key(item.doc, True)
    return TrendDoc(family=None if family == unit_key(item.doc, False) else family,
                    years=tuple(basis_year(item.doc, b) for b in DATE_BASES))


def facts_values(facts: Facts, dimension: Dimension) -> tuple[str, ...]:
    """The values of one dimension a stored document carries, as the index would hold them."""
    if dimension == "jurisdiction":
        return (facts.place,) if facts.place else ()
    if not facts.labelled:
        return ()
    return tuple({"tech": facts.techs, "subtopic": facts.subtopics, "form": facts.forms}[dimension])


def units(rows: Iterable[tuple[Facts, TrendDoc]], dimension: Dimension, basis: DateBasis,
          families: bool) -> list[Unit]:
    """One Unit per stored document, before any year filter."""
    at = DATE_BASES.index(basis)
    return [Unit(trend.family if families and trend.family else f"doc:{facts.id}", trend.years[at],
                 facts_values(facts, dimension))
            for facts, trend in rows]


def _frames(rows: list[Unit], filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """(unit → year, unit → value, undated units) after the year filter on the basis year."""
    frame = pd.DataFrame([(u.key, u.year) for u in rows], columns=["unit", "year"])
    values = pd.DataFrame([(u.key, v) for u in rows for v in u.values], columns=["unit", "value"])
    dated = frame.dropna(subset=["year"]).astype({"year": int})
    # Units none of whose documents has a date on this basis (before the year filter).
    undated = len(set(frame["unit"]) - set(dated["unit"]))
    if filters.year_from is not None:
        dated = dated[dated["year"] >= filters.year_from]
    if filters.year_to is not None:
        dated = dated[dated["year"] <= filters.year_to]
    # A family counts in the earliest year of its members (documents: their own year).
    years = dated.groupby("unit")["year"].min()
    values = values[values["unit"].isin(years.index)].drop_duplicates()
    return years.rename("year").reset_index(), values, undated


def store_trends(
    store: Store,
    backend: SearchBackend | None,
    dimension: Dimension,
    filters: Filters,
    *,
    basis: DateBasis = "priority",
    families: bool = False,
    limit: int = 10,
    cagr_from: int | None = None,
    cagr_to: int | None = None,
) -> TrendsResult:
    """Documents (or families) per year for the top ``limit`` values of a dimension, on a date basis."""
    unbounded = filters.model_copy(update={"year_from": None, "year_to": None})
    found = stored_rows(store, unbounded, backend, "trends", trend_doc)
    rows = units(found, dimension, basis, families)
    years_of, values, undated = _frames(rows, filters)
    seen = sorted(int(y) for y in years_of["year"].unique())
    first = filters.year_from if filters.year_from is not None else (seen[0] if seen else None)
    last = filters.year_to if filters.year_to is not None else (seen[-1] if seen else None)
    years = list(range(first, last + 1)) if first is not None and last is not None and first <= last else []
    all_counts = years_of.groupby("year")["unit"].nunique().to_dict()
    totals = [int(all_counts.get(y, 0)) for y in years]
    merged = values.merge(years_of, on="unit")
    chosen: list[str] = getattr(filters, DIMENSION_FIELD[dimension])
    if chosen:
        merged = merged[merged["value"].isin(chosen)]
    per_value = merged.groupby(["value", "year"])["unit"].nunique()
    ranking = (merged.groupby("value")["unit"].nunique().reset_index(name="n")
               .sort_values(["n", "value"], ascending=[False, True]).head(limit))
    window = None
    if years:
        window = (cagr_from if cagr_from is not None else years[0],
                  cagr_to if cagr_to is not None else years[-1])
    grand = sum(totals)
    series = []
    for value in ranking["value"]:
        by_year = {int(y): int(n) for y, n in per_value.loc[value].items()}
        counts = [by_year.get(y, 0) for y in years]
        total = sum(counts)
        rate = None
        if window is not None:
            rate = cagr(by_year.get(window[0], 0), by_year.get(window[1], 0), window[1] - window[0])
        series.append(Series(value=str(value), counts=counts, total=total,
                             share=total / grand if grand else None, cagr=rate,
                             slope=slope(counts[-SLOPE_YEARS:])))
    series.sort(key=lambda s: (-s.total, s.value))
    return TrendsResult(dimension=dimension, years=years, all=totals, cagr_window=window, series=series,
                        date_basis=basis, families=families, undated=undated, method=METHOD)


METHOD = ("store of record with pandas: the chosen date basis's year; families (family_id) counted once "
          "in their earliest year when asked; standards keep their one date")
