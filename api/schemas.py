"""Request and response schemas of the HTTP API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from search.backend import FACETS, FacetValue, Hit, SearchResult
from vrscope.records import Correction, Document, Labels

DEFAULT_FACETS = ["doc_type", "techs", "forms", "jurisdiction"]


def drop_blanks(values: list[str]) -> list[str]:
    """Ignore empty values of repeatable parameters (the rest stripped)."""
    return [v.strip() for v in values if v.strip()]


def blank_is_none(value: Any) -> Any:
    """An empty form field means 'not given'."""
    return None if isinstance(value, str) and not value.strip() else value


def years_in_order(year_from: int | None, year_to: int | None) -> None:
    """year_from must not come after year_to."""
    if year_from is not None and year_to is not None and year_from > year_to:
        raise ValueError(f"year_from ({year_from}) is after year_to ({year_to})")


# Query parameter types the search, the views and the tracker share (see FilterParams); lists may repeat.
Repeated = Annotated[list[str], AfterValidator(drop_blanks)]
Year = Annotated[Annotated[int, Field(ge=1800, le=2200)] | None, BeforeValidator(blank_is_none)]
YearFromParam = Annotated[Year, Field(description="first year, inclusive")]
YearToParam = Annotated[Year, Field(description="last year, inclusive")]


class HealthPublic(BaseModel):
    """Liveness plus the two numbers that tell whether the index is in step with the store."""

    status: Literal["ok"] = "ok"
    documents: int = Field(description="documents in the store of record")
    indexed: int = Field(description="documents in the search index")
    views_warm: bool = Field(False, description=(
        "whether every view cache (trends by date basis or family, emerging terms, scoreboard, standards "
        "tracker) is built for the store as it is now; false while warming up after a change"))
    version: str


class FilterParams(BaseModel):
    """The filters the search and every view accept; list parameters may be repeated (?tech=a&tech=b)."""

    q: str = Field(default="", max_length=500, description="full-text query, Chinese or English")
    doc_type: Annotated[Literal["patent", "standard"] | None, BeforeValidator(blank_is_none)] = Field(
        default=None, description="patent or standard"
    )
    tech: Repeated = Field(default_factory=list, description="technology, e.g. near_eye_display")
    subtopic: Repeated = Field(default_factory=list, description="sub-topic")
    form: Repeated = Field(default_factory=list, description="product form: vr, ar or mr")
    jurisdiction: Repeated = Field(default_factory=list, description="patent office or standards body")
    applicant: Repeated = Field(default_factory=list, description="normalized applicant name")
    year_from: YearFromParam = None
    year_to: YearToParam = None
    relevant_only: bool = Field(default=False, description="only documents labelled VR-relevant")

    @model_validator(mode="after")
    def _years_in_order(self) -> Self:
        """year_from must not come after year_to."""
        years_in_order(self.year_from, self.year_to)
        return self


class SearchParams(FilterParams):
    """Query parameters of GET /api/v1/search; list parameters may be repeated (?tech=a&tech=b)."""

    status: Repeated = Field(default_factory=list, description="legal or standard status")
    source: Repeated = Field(default_factory=list, description="crawler source")
    committee: Repeated = Field(default_factory=list, description="standards committee, e.g. SAC/TC28")
    date_from: dt.date | None = Field(default=None, description="first date (YYYY-MM-DD), inclusive")
    date_to: dt.date | None = Field(default=None, description="last date (YYYY-MM-DD), inclusive")
    facet: Repeated = Field(
        default_factory=list,
        description=f"facets to count, one of {', '.join(FACETS)} (default {', '.join(DEFAULT_FACETS)})",
    )
    sort: Literal["relevance", "date_desc", "date_asc"] = Field(
        default="relevance", description="result order"
    )
    histogram_interval: Literal["year", "month"] = Field(
        default="year", description="month adds histogram_months ('YYYY-MM' → counts) to the answer"
    )
    page: int = Field(default=1, ge=1, le=10_000, description="1-based page number")
    size: int = Field(default=20, ge=0, description="results per page (at most the server's max_page_size)")
    cursor: str | None = Field(
        default=None,
        max_length=4096,
        description="deep paging past any page number: '*' for the first page, then the answer's next_cursor",
    )

    @field_validator(
        "date_from", "date_to", "sort", "histogram_interval", "cursor", mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: Any, info: ValidationInfo) -> Any:
        """An empty form field means 'not given'."""
        if isinstance(value, str) and not value.strip():
            defaults = {"sort": "relevance", "histogram_interval": "year"}
            return defaults.get(info.field_name or "")
        return value

    @field_validator("facet")
    @classmethod
    def _known_facets(cls, values: list[str]) -> list[str]:
        """Only the facets every engine can count."""
        unknown = [v for v in values if v not in FACETS]
        if unknown:
            raise ValueError(f"unknown facet {', '.join(unknown)}; allowed: {', '.join(FACETS)}")
        return list(dict.fromkeys(values))

    @model_validator(mode="after")
    def _dates_in_order(self) -> SearchParams:
        """date_from must not come after date_to; a cursor goes without a page number."""
        if self.date_from is not None and self.date_to is not None and self.date_from > self.date_to:
            raise ValueError(f"date_from ({self.date_from}) is after date_to ({self.date_to})")
        if self.cursor is not None and self.page != 1:
            raise ValueError("page and cursor cannot be combined: a cursor says where the next page starts")
        return self


class SearchPublic(SearchResult):
    """One page of search results, with facets and the per-year histogram of all matches."""

    page: int
    size: int


class SimilarParams(BaseModel):
    """Query parameters of GET /api/v1/documents/{id}/similar."""

    doc_type: Literal["patent", "standard"] | None = Field(
        default=None, description="only patents or only standards"
    )
    size: int = Field(default=10, ge=1, le=100, description="how many similar documents")

    @field_validator("doc_type", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        """An empty form field means 'not given'."""
        return blank_is_none(value)


class SimilarTextParams(SimilarParams):
    """Query parameters of GET /api/v1/similar."""

    text: str = Field(min_length=1, max_length=10_000, description="text to compare with, Chinese or English")

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        """Spaces alone are no text."""
        if not value.strip():
            raise ValueError("text is empty")
        return value


class SimilarPublic(BaseModel):
    """Documents most similar to a document or a text: candidates, not a judgement of essentiality."""

    source: str | None = Field(default=None, description="the id compared with (None for a text)")
    total: int = Field(description="how many documents share some of the distinctive terms")
    hits: list[Hit]


class ProvenancePublic(BaseModel):
    """Where and when a document was fetched."""

    source: str
    url: str | None = None
    fetched_at: str
    payload_sha256: str | None = None


class DocumentPublic(BaseModel):
    """A full record from the store with its effective labels and provenance."""

    id: str
    doc_type: str
    title: str
    year: int | None = None
    record: Document
    labels: Labels | None = Field(default=None, description="model labels, human correction on top")
    correction: Correction | None = Field(default=None, description="the human correction, if any")
    provenance: list[ProvenancePublic] = Field(default_factory=list)
    explanations: dict[str, list[str]] | None = Field(
        default=None, description="label → terms, codes and words that pushed it (from the saved model)"
    )


class StatsPublic(BaseModel):
    """Counts for the dashboard header."""

    documents: int
    indexed: int
    by_source: dict[str, int]
    by_doc_type: dict[str, int]
    by_tech: list[FacetValue]
    by_form: list[FacetValue]
