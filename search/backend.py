"""The search contract every engine implements: query, result and the SearchBackend protocol."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, field_validator

FACETS = ("doc_type", "techs", "subtopics", "forms", "jurisdiction", "status", "source", "applicants")


class IndexDoc(BaseModel):
    """One document as the index sees it: record fields plus effective labels, flattened."""

    id: str
    doc_type: Literal["patent", "standard"]
    title: str
    title_zh: str | None = None
    title_en: str | None = None
    abstract: str = ""
    claims: str = ""
    year: int | None = None
    date: str | None = Field(None, description="ISO date used for the histogram and date sort")
    jurisdiction: str | None = Field(None, description="patent office, or body for standards")
    status: str | None = None
    committee: str | None = None
    applicants: list[str] = Field(default_factory=list, description="normalized applicant names")
    cpc: list[str] = Field(default_factory=list)
    ipc: list[str] = Field(default_factory=list)
    ics: list[str] = Field(default_factory=list)
    relevant: bool = False
    techs: list[str] = Field(default_factory=list)
    subtopics: list[str] = Field(default_factory=list)
    forms: list[str] = Field(default_factory=list)
    source: str
    url: str | None = None


class SearchQuery(BaseModel):
    """A search request; every field is optional and validated before it reaches an engine."""

    model_config = ConfigDict(extra="forbid")

    q: str = Field("", max_length=500, description="full-text query; Chinese and English")
    doc_type: Literal["patent", "standard"] | None = None
    techs: list[str] = Field(default_factory=list)
    subtopics: list[str] = Field(default_factory=list)
    forms: list[str] = Field(default_factory=list)
    jurisdiction: list[str] = Field(default_factory=list)
    status: list[str] = Field(default_factory=list)
    source: list[str] = Field(default_factory=list)
    applicants: list[str] = Field(default_factory=list)
    committee: list[str] = Field(default_factory=list, description="standards committee, exact")
    year_from: int | None = Field(None, ge=1800, le=2200)
    year_to: int | None = Field(None, ge=1800, le=2200)
    date_from: dt.date | None = Field(None, description="first date, inclusive (the document's sort date)")
    date_to: dt.date | None = Field(None, description="last date, inclusive")
    relevant_only: bool = False
    facets: list[str] = Field(default_factory=lambda: ["doc_type", "techs", "forms", "jurisdiction"])
    facet_size: int = Field(20, ge=1, le=200)
    histogram: bool = Field(True, description="per-year counts, split by technology")
    histogram_interval: Literal["year", "month"] = Field(
        "year", description="month also fills SearchResult.histogram_months ('2021-03' → counts)"
    )
    highlight: bool = True
    sort: Literal["relevance", "date_desc", "date_asc"] = "relevance"
    offset: int = Field(0, ge=0, le=10_000)
    size: int = Field(20, ge=0, le=100)
    cursor: str | None = Field(
        None,
        max_length=4096,
        description="deep paging: '*' starts, then pass the previous next_cursor (offset must be 0)",
    )

    @field_validator("date_from", "date_to")
    @classmethod
    def _date_in_range(cls, value: dt.date | None) -> dt.date | None:
        """The same span as the year filters (the embedded engine cannot store dates far outside it)."""
        if value is not None and not 1800 <= value.year <= 2200:
            raise ValueError("dates must be between 1800-01-01 and 2200-12-31")
        return value


class Hit(BaseModel):
    """One matching document."""

    id: str
    score: float
    doc_type: str
    title: str
    snippet: str = Field("", description="HTML: matched terms wrapped in <b>")
    year: int | None = None
    jurisdiction: str | None = None
    status: str | None = None
    applicants: list[str] = Field(default_factory=list)
    techs: list[str] = Field(default_factory=list)
    forms: list[str] = Field(default_factory=list)
    url: str | None = None


class FacetValue(BaseModel):
    """One facet bucket."""

    value: str
    count: int


class SearchResult(BaseModel):
    """Hits, total, facet counts and the per-year histogram of all matches."""

    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]] = Field(default_factory=dict)
    histogram: dict[int, dict[str, int]] = Field(
        default_factory=dict, description="year → technology (or '_all') → count"
    )
    histogram_months: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="'YYYY-MM' → technology (or '_all') → count (interval month)"
    )
    next_cursor: str | None = Field(None, description="the cursor of the next page; None on the last")


class QueryError(ValueError):
    """The user's query cannot be parsed; the API answers 400 with this message."""


class UnknownDocument(LookupError):
    """more_like_this was given an id the index does not hold."""


class IndexingError(RuntimeError):
    """The engine refused some documents; the message names them and says why."""


@runtime_checkable
class SearchBackend(Protocol):
    """What the API and the analytics need from a search engine."""

    def index(self, docs: Iterable[IndexDoc]) -> int:
        """Add or replace documents by id; return how many were written."""
        ...

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id."""
        ...

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a query; raise QueryError for malformed user input."""
        ...

    def get(self, doc_id: str) -> IndexDoc | None:
        """One indexed document, or None."""
        ...

    def more_like_this(
        self,
        doc_id: str | None = None,
        text: str | None = None,
        *,
        doc_type: Literal["patent", "standard"] | None = None,
        size: int = 10,
        filters: SearchQuery | None = None,
    ) -> SearchResult:
        """Documents most similar to an indexed document or to a text (never the document itself).

        Exactly one of doc_id and text; filters (a SearchQuery whose filter fields apply, its q,
        paging and facets ignored) and doc_type restrict the candidates. Raise UnknownDocument for
        an id not in the index, QueryError for bad input.
        """
        ...

    def count(self) -> int:
        """How many documents are indexed."""
        ...

    def clear(self) -> None:
        """Remove every document (used by rebuild)."""
        ...

    def close(self) -> None:
        """Release files and connections."""
        ...


@runtime_checkable
class RebuildableBackend(SearchBackend, Protocol):
    """An engine that builds a complete new index beside the live one, then switches to it."""

    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        """Replace the whole index with docs, readers never seeing it half built; return the count."""
        ...
