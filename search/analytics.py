"""Views on top of any SearchBackend: trends with growth rates, the forms × technologies matrix, top players.

Everything here goes through ``SearchBackend.search`` (filters, facets, the per-year histogram), so
the numbers are the same on the embedded engine and on Elasticsearch. Documents carrying several
values (two technologies, say) count once for each value, so shares may add up to more than 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

from search.backend import FacetValue, SearchBackend, SearchQuery

Dimension = Literal["tech", "subtopic", "form", "jurisdiction"]
Scope = Literal["world", "cn", "city"]

# dimension → the SearchQuery filter field and facet it counts
DIMENSION_FIELD: dict[str, str] = {
    "tech": "techs",
    "subtopic": "subtopics",
    "form": "forms",
    "jurisdiction": "jurisdiction",
}
SLOPE_YEARS = 3  # "last-3-years slope"
GROWTH_YEARS = 3  # matrix growth: last 3 years against the 3 before


class Filters(BaseModel):
    """The filters every view accepts; list values of one filter combine with OR, filters with AND."""

    q: str = Field("", max_length=500)
    doc_type: Literal["patent", "standard"] | None = None
    techs: list[str] = Field(default_factory=list)
    subtopics: list[str] = Field(default_factory=list)
    forms: list[str] = Field(default_factory=list)
    jurisdiction: list[str] = Field(default_factory=list)
    applicants: list[str] = Field(default_factory=list)
    year_from: int | None = Field(None, ge=1800, le=2200)
    year_to: int | None = Field(None, ge=1800, le=2200)
    relevant_only: bool = False

    def query(self, **overrides: object) -> SearchQuery:
        """A count-only SearchQuery (no hits, no highlight, no facets) with these filters and overrides."""
        fields: dict[str, object] = {**self.model_dump(), "size": 0, "highlight": False, "facets": [],
                                     "histogram": False}
        fields.update(overrides)
        return SearchQuery.model_validate(fields)


class Series(BaseModel):
    """Counts per year of one value, with its growth and share."""

    value: str
    counts: list[int] = Field(description="one count per year of TrendsResult.years")
    total: int = Field(description="documents with this value in the years shown")
    share: float | None = Field(description="total / all matching documents in the years shown")
    cagr: float | None = Field(description="compound annual growth over the CAGR window; None from 0")
    slope: float | None = Field(description="least-squares documents/year over the last 3 years shown")


class TrendsResult(BaseModel):
    """Documents per year per value of one dimension."""

    dimension: str
    years: list[int]
    all: list[int] = Field(description="all matching documents per year")
    cagr_window: tuple[int, int] | None = None
    series: list[Series]
    date_basis: Literal["priority", "filing", "publication"] = Field(
        "priority",
        description="the date counted: priority (else filing, else publication), filing or publication")
    families: bool = Field(False, description="patent families (family_id) counted once")
    undated: int = Field(0, description="documents (or families) without a date on this basis, not counted")
    method: str = Field(
        "search index: the document's date (priority, else filing, else publication); every document counted",
        description="how the counts were made")


class MatrixCell(BaseModel):
    """One product form × technology cell."""

    form: str
    tech: str
    count: int
    recent: int = Field(description="documents in the last 3 years up to end_year")
    previous: int = Field(description="documents in the 3 years before those")
    growth: float | None = Field(description="recent / previous - 1; None when previous is 0")


class MatrixResult(BaseModel):
    """The 3 × 4 matrix of product forms × technologies."""

    forms: list[str]
    techs: list[str]
    end_year: int | None
    cells: list[MatrixCell]


class Player(BaseModel):
    """An applicant and how many matching documents it has."""

    name: str
    count: int
    district: str | None = Field(None, description="city scope only: the district named in the address")


class PlayersResult(BaseModel):
    """Top applicants in one scope."""

    scope: str
    method: str = Field(description="how the applicants were counted")
    players: list[Player]
    districts: list[FacetValue] = Field(default_factory=list, description="city: documents per district")


def cagr(first: float, last: float, periods: int) -> float | None:
    """Compound annual growth rate from first to last over periods years; None when undefined."""
    if periods <= 0 or first <= 0 or last < 0:
        return None
    return float((last / first) ** (1.0 / periods) - 1.0)


def slope(values: Sequence[float]) -> float | None:
    """Least-squares slope of values against 0, 1, 2 …; None for fewer than two values."""
    n = len(values)
    if n < 2:
        return None
    mean_x = (n - 1) / 2
    mean_y = sum(values) / n
    num = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    den = sum((i - mean_x) ** 2 for i in range(n))
    return float(num / den)


def growth(recent: int, previous: int) -> float | None:
    """recent / previous - 1; None when previous is 0."""
    return recent / previous - 1.0 if previous else None


def _span(histograms: Sequence[dict[int, dict[str, int]]], filters: Filters) -> list[int]:
    """Every year from year_from (or the first dated match) to year_to (or the last)."""
    seen = [year for h in histograms for year in h]
    first = filters.year_from if filters.year_from is not None else min(seen, default=None)
    last = filters.year_to if filters.year_to is not None else max(seen, default=None)
    if first is None or last is None or first > last:
        return []
    return list(range(first, last + 1))


def _wanted(filters: Filters, field: str, values: Sequence[str]) -> list[str]:
    """The values to split by, kept within any filter the user already set on that field."""
    chosen: list[str] = getattr(filters, field)
    return [v for v in values if not chosen or v in chosen]


def trends(
    backend: SearchBackend,
    dimension: Dimension,
    filters: Filters,
    *,
    limit: int = 10,
    cagr_from: int | None = None,
    cagr_to: int | None = None,
) -> TrendsResult:
    """Documents per year for the top ``limit`` values of a dimension, with CAGR, slope and share.

    One query gives the per-year totals and the top values; technologies come out of its histogram
    directly, any other dimension costs one count-only query per value (exact, unlike per-year facets).
    """
    field = DIMENSION_FIELD[dimension]
    base = backend.search(filters.query(facets=[field], facet_size=min(max(limit, 1), 200), histogram=True))
    values = _wanted(filters, field, [b.value for b in base.facets.get(field, [])][:limit])
    per_value: dict[str, dict[int, int]] = {}
    for value in values:
        if field == "techs":
            per_value[value] = {y: row.get(value, 0) for y, row in base.histogram.items()}
        else:
            hist = backend.search(filters.query(**{field: [value]}, histogram=True)).histogram
            per_value[value] = {y: row.get("_all", 0) for y, row in hist.items()}
    years = _span([base.histogram], filters)
    totals = [base.histogram.get(y, {}).get("_all", 0) for y in years]
    window: tuple[int, int] | None = None
    if years:
        start = cagr_from if cagr_from is not None else years[0]
        end = cagr_to if cagr_to is not None else years[-1]
        window = (start, end)
    grand = sum(totals)
    series = []
    for value in values:
        counts = [per_value[value].get(y, 0) for y in years]
        total = sum(counts)
        rate = None
        if window is not None:
            rate = cagr(per_value[value].get(window[0], 0), per_value[value].get(window[1], 0),
                        window[1] - window[0])
        series.append(Series(value=value, counts=counts, total=total, share=total / grand if grand else None,
                             cagr=rate, slope=slope(counts[-SLOPE_YEARS:])))
    series.sort(key=lambda s: (-s.total, s.value))
    return TrendsResult(dimension=dimension, years=years, all=totals, cagr_window=window, series=series)


def matrix(
    backend: SearchBackend,
    filters: Filters,
    forms: Sequence[str] | None = None,
    techs: Sequence[str] | None = None,
) -> MatrixResult:
    """Counts of product forms × technologies, and growth of the last 3 years against the 3 before.

    One query per form: its techs facet gives the counts, its histogram the per-year split. The end
    year is year_to when given, else the last year any cell has a document in.
    """
    if forms is None or techs is None:
        from classify.taxonomy import TAXONOMY

        forms = forms if forms is not None else TAXONOMY.form_ids()
        techs = techs if techs is not None else TAXONOMY.tech_ids()
    form_list = _wanted(filters, "forms", list(forms))
    tech_list = _wanted(filters, "techs", list(techs))
    results = {
        form: backend.search(filters.query(forms=[form], facets=["techs"], facet_size=200, histogram=True))
        for form in form_list
    }
    years = [y for r in results.values() for y, row in r.histogram.items()
             if any(row.get(t) for t in tech_list)]
    end = filters.year_to if filters.year_to is not None else max(years, default=None)
    cells = []
    for form, result in results.items():
        counts = {b.value: b.count for b in result.facets.get("techs", [])}
        for tech in tech_list:
            recent = previous = 0
            if end is not None:
                per_year = {y: row.get(tech, 0) for y, row in result.histogram.items()}
                recent = sum(per_year.get(y, 0) for y in range(end - GROWTH_YEARS + 1, end + 1))
                before = range(end - 2 * GROWTH_YEARS + 1, end - GROWTH_YEARS + 1)
                previous = sum(per_year.get(y, 0) for y in before)
            cells.append(MatrixCell(form=form, tech=tech, count=counts.get(tech, 0), recent=recent,
                                    previous=previous, growth=growth(recent, previous)))
    return MatrixResult(forms=form_list, techs=tech_list, end_year=end, cells=cells)


def top_players(
    backend: SearchBackend, filters: Filters, scope: Literal["world", "cn"], size: int = 20
) -> PlayersResult:
    """Top applicants by matching documents: worldwide, or among documents filed in China (jurisdiction CN).

    The city scope needs applicant addresses, which the index does not hold: see search.players_local.
    """
    if scope == "cn":
        if filters.jurisdiction and "CN" not in filters.jurisdiction:
            return PlayersResult(scope=scope, method=_METHODS[scope], players=[])
        filters = filters.model_copy(update={"jurisdiction": ["CN"]})
    result = backend.search(filters.query(facets=["applicants"], facet_size=min(max(size, 1), 200)))
    players = [Player(name=b.value, count=b.count) for b in result.facets.get("applicants", [])[:size]]
    return PlayersResult(scope=scope, method=_METHODS[scope], players=players)


_METHODS = {
    "world": "applicants facet of the search index over all matching documents",
    "cn": "applicants facet over matching documents filed in China (jurisdiction CN)",
}
