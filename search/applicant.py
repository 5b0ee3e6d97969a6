"""One applicant's page: filings per year, technologies, sub-topics, forms, offices, co-applicants, newest.

One count query and one page of hits on any SearchBackend, so it is the same on both engines. The
applicant is a normalized applicant name (for standards: a drafting organisation), as the players
view lists them; the view's other filters apply as everywhere.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from search.analytics import Filters
from search.backend import FacetValue, Hit, SearchBackend

NEWEST = 10


class ApplicantDetail(BaseModel):
    """What one applicant files: per year, per technology and with whom."""

    name: str
    total: int = Field(description="matching documents naming this applicant")
    years: list[int] = Field(description="every year from the first to the last dated document")
    counts: list[int] = Field(description="documents per year of years")
    techs: list[FacetValue]
    subtopics: list[FacetValue]
    forms: list[FacetValue]
    jurisdictions: list[FacetValue]
    co_applicants: list[FacetValue] = Field(description="other applicants on the same documents")
    newest: list[Hit] = Field(description="the newest documents, latest first")


def applicant_detail(backend: SearchBackend, name: str, filters: Filters, size: int = 20) -> ApplicantDetail:
    """The applicant's documents matching the filters, counted per year and per label, with co-applicants."""
    name = name.strip()
    if not name:
        raise ValueError("give an applicant name")
    scoped = filters.model_copy(update={"applicants": [name]})
    facets = ["techs", "subtopics", "forms", "jurisdiction", "applicants"]
    result = backend.search(scoped.query(facets=facets, facet_size=min(size + 1, 200), histogram=True))
    newest = backend.search(scoped.query(size=NEWEST, sort="date_desc")).hits
    dated = sorted(result.histogram)
    first = filters.year_from if filters.year_from is not None else (dated[0] if dated else None)
    last = filters.year_to if filters.year_to is not None else (dated[-1] if dated else None)
    years = list(range(first, last + 1)) if first is not None and last is not None and first <= last else []
    counts = [result.histogram.get(y, {}).get("_all", 0) for y in years]
    co = [b for b in result.facets.get("applicants", []) if b.value != name][:size]
    return ApplicantDetail(
        name=name, total=result.total, years=years, counts=counts,
        techs=result.facets.get("techs", [])[:size], subtopics=result.facets.get("subtopics", [])[:size],
        forms=result.facets.get("forms", [])[:size],
        jurisdictions=result.facets.get("jurisdiction", [])[:size],
        co_applicants=co, newest=newest,
    )
