"""Scouts' and enterprises' views: emerging topics, breakthrough scoreboard, gap analysis; each exportable."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from pydantic import Field, field_validator

from api.deps import SearchDep, SettingsDep, StoreDep, reject_unknown_params
from api.export import download
from api.routes.analytics import ViewParams
from search.emerging import EmergingResult, emerging
from search.gaps import GapsResult, competitor, entity, gaps
from search.scoreboard import ScoreboardResult, scoreboard, thresholds_from

router = APIRouter(prefix="/api/v1", tags=["views"])


class EmergingParams(ViewParams):
    """Query parameters of GET /api/v1/emerging."""

    window: int = Field(default=3, ge=1, le=10, description="years in each window (recent and previous)")
    end: int | None = Field(default=None, ge=1800, le=2200,
                            description="last year of the recent window; default year_to, else the last year")
    min_count: int = Field(default=2, ge=1, le=1000, description="fewest recent documents to be emerging")
    size: int = Field(default=20, ge=1, le=100, description="how many terms")

    @field_validator("end", mode="before")
    @classmethod
    def _blank_end(cls, value: Any) -> Any:
        """An empty form field means 'not given'."""
        return None if isinstance(value, str) and not value.strip() else value


class ScoreboardParams(ViewParams):
    """Query parameters of GET /api/v1/scoreboard (doc_type is ignored: it counts patents and standards)."""


class GapsParams(ViewParams):
    """Query parameters of GET /api/v1/gaps: the enterprise's names replace the applicant filter."""

    doc_type: Literal["patent", "standard"] | None = Field(
        default="patent", description="patent (default) or standard")
    applicant: list[str] = Field(default_factory=list,
                                 description="the enterprise's applicant names; repeat for variants")
    competitor: list[str] = Field(default_factory=list,
                                  description="a competitor, variants separated by '|'; repeat for more")
    min_world: int | None = Field(default=None, ge=1, le=1_000_000,
                                  description="documents worldwide that make a sub-topic busy")
    newest: int = Field(default=3, ge=0, le=10, description="newest competitor documents per sub-topic")

    @field_validator("competitor")
    @classmethod
    def _drop_blank_competitors(cls, values: list[str]) -> list[str]:
        """Ignore empty competitors."""
        return [v.strip() for v in values if v.strip(" |")]

    @field_validator("min_world", mode="before")
    @classmethod
    def _blank_min_world(cls, value: Any) -> Any:
        """An empty form field means 'not given'."""
        return None if isinstance(value, str) and not value.strip() else value


def _bad_request(message: str) -> HTTPException:
    """A 400 carrying the message."""
    return HTTPException(status.HTTP_400_BAD_REQUEST, message)


def _examples(items: list[Any]) -> str:
    """Example documents as 'id title' joined with ' | '."""
    return " | ".join(f"{e.id} {e.title}" for e in items)


def emerging_table(result: EmergingResult) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per sub-topic, then one per term."""
    columns = ["kind", "value", "name_en", "name_zh", "recent", "previous", "background", "recent_share",
               "previous_share", "share_change", "g2", "emerging", "examples"]
    rows: list[dict[str, Any]] = [
        {"kind": "subtopic", "value": s.subtopic, "name_en": s.name_en, "name_zh": s.name_zh,
         "recent": s.recent, "previous": s.previous, "recent_share": s.recent_share,
         "previous_share": s.previous_share,
         "share_change": s.share_change, "g2": round(s.g2, 4), "emerging": s.emerging,
         "examples": _examples(s.examples)}
        for s in result.subtopics
    ]
    rows += [{"kind": "term", "value": t.term, "recent": t.recent, "background": t.background,
              "recent_share": t.recent_share, "previous_share": None, "g2": round(t.g2, 4), "emerging": True,
              "examples": _examples(t.examples)} for t in result.terms]
    return rows, columns


def scoreboard_table(result: ScoreboardResult) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per sub-topic with every indicator and its status."""
    columns = ["subtopic", "tech", "name_en", "name_zh", "status", "met_count", "local_filings",
               "local_grants", "local_cn_filings", "cn_filings", "world_filings", "local_share", "recent",
               "previous", "growth", "local_led_standards", "local_codrafted_standards", "standards",
               "local_applicants"]
    return [row.model_dump(exclude={"met"}) for row in result.rows], columns


def gaps_table(result: GapsResult) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per sub-topic: world, own, share, each competitor, white space, newest competitor documents."""
    labels = [f"competitor {i}: {c.label}" for i, c in enumerate(result.competitors, start=1)]
    columns = ["subtopic", "tech", "name_en", "name_zh", "world", "own", "share", *labels, "white_space",
               "newest"]
    rows = []
    for row in result.rows:
        data = row.model_dump(exclude={"competitors", "newest"})
        data.update(zip(labels, row.competitors, strict=True))
        data["newest"] = " | ".join(f"{d.id} {d.date or ''} {d.title}" for d in row.newest)
        rows.append(data)
    return rows, columns


@router.get("/emerging", response_model=EmergingResult,
            dependencies=[Depends(reject_unknown_params(EmergingParams))])
def read_emerging(
    params: Annotated[EmergingParams, Query()], backend: SearchDep, store: StoreDep
) -> EmergingResult | Response:
    """Sub-topics and terms whose recent share grew most, with G² significance and example documents."""
    result = emerging(backend, store, params.filters(), window=params.window, end=params.end,
                      min_count=params.min_count, size=params.size)
    if params.format != "json":
        return download(*emerging_table(result), params.format, "emerging")
    return result


@router.get("/scoreboard", response_model=ScoreboardResult,
            dependencies=[Depends(reject_unknown_params(ScoreboardParams))])
def read_scoreboard(
    params: Annotated[ScoreboardParams, Query()], backend: SearchDep, store: StoreDep, settings: SettingsDep
) -> ScoreboardResult | Response:
    """Per sub-topic indicators for Qingdao against the thresholds, and 'N of the 3–5 target'."""
    try:
        thresholds = thresholds_from(settings)
    except ValueError as error:
        raise HTTPException(status.HTTP_500_INTERNAL_SERVER_ERROR, f"scoreboard settings: {error}") from error
    result = scoreboard(backend, store, params.filters(), thresholds)
    if params.format != "json":
        return download(*scoreboard_table(result), params.format, "scoreboard")
    return result


@router.get("/gaps", response_model=GapsResult, dependencies=[Depends(reject_unknown_params(GapsParams))])
def read_gaps(
    params: Annotated[GapsParams, Query()], backend: SearchDep, settings: SettingsDep
) -> GapsResult | Response:
    """An applicant's documents per sub-topic against competitors and the world, with white spaces."""
    if not params.applicant:
        raise _bad_request("applicant: give at least one of the enterprise's applicant names")
    try:
        own = entity(params.applicant)
        rivals = [competitor(text) for text in params.competitor]
    except ValueError as error:
        raise _bad_request(f"applicant/competitor: {error}") from error
    min_world = params.min_world if params.min_world is not None else settings.gaps_min_world
    result = gaps(backend, params.filters(), own, rivals, min_world=min_world, newest=params.newest)
    if params.format != "json":
        return download(*gaps_table(result), params.format, "gaps")
    return result
