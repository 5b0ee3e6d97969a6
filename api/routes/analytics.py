"""The views: trends with growth rates, the forms × technologies matrix and top players, each exportable."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from pydantic import Field, model_validator

from api import paging
from api.deps import SearchDep, SettingsDep, StoreDep, reject_unknown_params
from api.export import ExportFormat, download, matrix_table, players_table, trends_table
from api.schemas import FilterParams
from search.analytics import (
    Dimension,
    Filters,
    MatrixResult,
    PlayersResult,
    Scope,
    TrendsResult,
    matrix,
    top_players,
    trends,
)
from search.applicant import ApplicantDetail, applicant_detail

router = APIRouter(prefix="/api/v1", tags=["analytics"])
PLAYERS_MAX = 200  # the most values an engine's facet returns (SearchQuery.facet_size)


class ViewParams(FilterParams):
    """Filters every view accepts; list parameters may be repeated (?tech=a&tech=b)."""

    format: ExportFormat = Field(default="json", description="json, or a download: csv, jsonl, xlsx")

    def filters(self) -> Filters:
        """The engine-neutral filters of search.analytics."""
        return Filters(q=self.q, doc_type=self.doc_type, techs=self.tech, subtopics=self.subtopic,
                       forms=self.form, jurisdiction=self.jurisdiction, applicants=self.applicant,
                       year_from=self.year_from, year_to=self.year_to, relevant_only=self.relevant_only)


class TrendsParams(ViewParams):
    """Query parameters of GET /api/v1/trends."""

    dimension: Dimension = Field(default="tech", description="tech, subtopic, form or jurisdiction")
    limit: int = Field(default=10, ge=1, le=50, description="how many values (the most frequent)")
    cagr_from: int | None = Field(default=None, ge=1800, le=2200, description="CAGR window start year")
    cagr_to: int | None = Field(default=None, ge=1800, le=2200, description="CAGR window end (last year)")
    date_basis: Literal["priority", "filing", "publication"] = Field(
        default="priority", description="count by priority (else filing, else publication), filing or "
                                        "publication date; filing and publication are read from the store")
    families: bool = Field(default=False, description="count each patent family (family_id) once")

    @model_validator(mode="after")
    def _window_in_order(self) -> TrendsParams:
        """cagr_from must come before cagr_to."""
        if self.cagr_from is not None and self.cagr_to is not None and self.cagr_from >= self.cagr_to:
            raise ValueError(f"cagr_from ({self.cagr_from}) must be before cagr_to ({self.cagr_to})")
        return self


class MatrixParams(ViewParams):
    """Query parameters of GET /api/v1/matrix."""


class PlayersParams(ViewParams):
    """Query parameters of GET /api/v1/players."""

    scope: Scope = Field(default="world", description="world; cn = filed in China; city = located in Qingdao")
    size: int = Field(default=20, ge=1, le=200,
                      description="how many applicants; with a cursor, the page size (at most the server's "
                                  "max_page_size)")
    cursor: str | None = Field(default=None, max_length=1000,
                               description="page through the ranking: '*' (or omitted) starts, then the "
                                           "previous next_cursor; JSON only")


class PlayersPage(PlayersResult):
    """One page of the ranking of applicants, with the cursor of the next."""

    offset: int = Field(0, description="rank of the first player on this page, minus one")
    next_cursor: str | None = Field(None, description="pass as cursor for the next page; None on the last")


class ApplicantParams(ViewParams):
    """Query parameters of GET /api/v1/applicant: one applicant's page (the view's filters apply)."""

    name: str = Field(min_length=1, max_length=300,
                      description="normalized applicant name, as players lists it")
    size: int = Field(default=20, ge=1, le=200, description="values per list (technologies, co-applicants …)")


@router.get("/trends", response_model=TrendsResult,
            dependencies=[Depends(reject_unknown_params(TrendsParams))])
def read_trends(
    params: Annotated[TrendsParams, Query()], backend: SearchDep, store: StoreDep
) -> TrendsResult | Response:
    """Documents per year per technology, sub-topic, form or jurisdiction, with CAGR, slope and share.

    The default (priority date, every document) is answered by the search index; the filing or
    publication date, or families counted once, by the store of record (search.trends_store).
    """
    if params.date_basis == "priority" and not params.families:
        result = trends(backend, params.dimension, params.filters(), limit=params.limit,
                        cagr_from=params.cagr_from, cagr_to=params.cagr_to)
    else:
        from search.trends_store import store_trends  # pandas is loaded only for these variants

        result = store_trends(store, backend, params.dimension, params.filters(), basis=params.date_basis,
                              families=params.families, limit=params.limit, cagr_from=params.cagr_from,
                              cagr_to=params.cagr_to)
    if params.format != "json":
        return download(*trends_table(result), params.format, f"trends-{params.dimension}")
    return result


@router.get("/matrix", response_model=MatrixResult,
            dependencies=[Depends(reject_unknown_params(MatrixParams))])
def read_matrix(params: Annotated[MatrixParams, Query()], backend: SearchDep) -> MatrixResult | Response:
    """Product forms × technologies: counts, and growth of the last 3 years against the 3 before."""
    result = matrix(backend, params.filters())
    if params.format != "json":
        return download(*matrix_table(result), params.format, "matrix")
    return result


@router.get("/players", response_model=PlayersPage,
            dependencies=[Depends(reject_unknown_params(PlayersParams))])
def read_players(
    params: Annotated[PlayersParams, Query()], backend: SearchDep, store: StoreDep, settings: SettingsDep
) -> PlayersPage | Response:
    """Top applicants worldwide, filed in China, or located in Qingdao (with districts), a page at a time.

    World and China rank the index's applicants facet (at most its PLAYERS_MAX values); the city ranks
    every Qingdao applicant in the store. next_cursor pages on through the same ranking.
    """
    if params.cursor is not None and params.format != "json":
        raise HTTPException(status.HTTP_400_BAD_REQUEST,
                            "cursor: downloads hold the top `size` applicants; page only the JSON answer")
    if params.cursor is not None and params.size > settings.max_page_size:
        raise HTTPException(status.HTTP_400_BAD_REQUEST,
                            f"size must be at most {settings.max_page_size} with a cursor")
    filters = params.filters()
    if params.scope == "city":
        from search.players_local import city_players  # pandas is loaded only for this view

        ranking = city_players(store, filters, None)
    else:
        ranking = top_players(backend, filters, params.scope, PLAYERS_MAX)
    bound_to = _players_filters(params)
    start = 0 if params.cursor is None else paging.decode(params.cursor, paging.fingerprint(bound_to))
    chunk, following = paging.page(ranking.players, params.cursor, params.size, bound_to)
    result = PlayersPage(**ranking.model_dump(exclude={"players"}), players=chunk, offset=start,
                         next_cursor=following)
    if params.format != "json":
        return download(*players_table(result), params.format, f"players-{params.scope}")
    return result


def _players_filters(params: PlayersParams) -> dict[str, object]:
    """What decides the players ranking: the scope and the filters (not the page size or format)."""
    return {"scope": params.scope, **params.filters().model_dump()}


def applicant_table(result: ApplicantDetail) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per year, then per technology, sub-topic, form, office and co-applicant."""
    rows: list[dict[str, Any]] = [{"kind": "year", "value": str(y), "count": n}
                                  for y, n in zip(result.years, result.counts, strict=True)]
    for kind, buckets in (("tech", result.techs), ("subtopic", result.subtopics), ("form", result.forms),
                          ("jurisdiction", result.jurisdictions), ("co_applicant", result.co_applicants)):
        rows += [{"kind": kind, "value": b.value, "count": b.count} for b in buckets]
    return rows, ["kind", "value", "count"]


@router.get("/applicant", response_model=ApplicantDetail,
            dependencies=[Depends(reject_unknown_params(ApplicantParams))])
def read_applicant(
    params: Annotated[ApplicantParams, Query()], backend: SearchDep
) -> ApplicantDetail | Response:
    """One applicant: filings per year, technologies, sub-topics, forms, offices, co-applicants, newest."""
    if params.applicant:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "applicant: give the applicant as 'name' here")
    if not params.name.strip():
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "name: give an applicant name")
    result = applicant_detail(backend, params.name, params.filters(), params.size)
    if params.format != "json":
        return download(*applicant_table(result), params.format, "applicant")
    return result
