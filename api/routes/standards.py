"""The standards tracker: summary counts, drafts open for comment, changes since a date, local drafters."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, Self

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from pydantic import BaseModel, BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from api import paging
from api.deps import SearchDep, StoreDep, reject_unknown_params
from api.export import ExportFormat, download
from api.schemas import Repeated, YearFromParam, YearToParam, blank_is_none, years_in_order
from search.tracker import (
    ChangeRow,
    DraftersResult,
    OpenDraft,
    StandardsSummary,
    TrackerFilters,
    changes,
    drafts_open,
    local_drafters,
    newest_changes,
    summary,
)
from vrscope.changes import ChangeKind

router = APIRouter(prefix="/api/v1/standards", tags=["standards"])

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DEFAULT_SINCE_DAYS = 7  # "what changed since last week"


def parse_date(name: str, value: str | None) -> dt.date | None:
    """A YYYY-MM-DD query value as a date; 400 naming the parameter otherwise."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        if not _DATE.match(text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise HTTPException(status.HTTP_400_BAD_REQUEST,
                            f"{name} must be a date written YYYY-MM-DD, not {value!r}") from None


def _known(values: list[str], known: list[str], what: str) -> list[str]:
    """The values if each is a taxonomy id (any case); else an error naming the first unknown one."""
    if unknown := [v for v in values if v.lower() not in known]:
        raise ValueError(f"unknown {what} {unknown[0]!r}; choose from {', '.join(known)}")
    return values


class ListFilterParams(BaseModel):
    """The view filters the standards lists take (the dashboard's filter bar): list values of one filter
    combine with OR, filters with AND; full-text words and applicants do not apply to these lists."""

    doc_type: Annotated[Literal["standard"] | None, BeforeValidator(blank_is_none)] = Field(
        default=None, description="only standard (these lists hold standards only)")
    body: Repeated = Field(default_factory=list, description="issuing body, e.g. ISO/IEC, SAC, IEEE")
    jurisdiction: Repeated = Field(default_factory=list,
                                   description="the other views' name for the body; values add to body")
    status: Repeated = Field(default_factory=list, description="normalized status, e.g. draft_for_comment")
    tech: Repeated = Field(default_factory=list, description="technology, e.g. near_eye_display")
    subtopic: Repeated = Field(default_factory=list, description="sub-topic")
    form: Repeated = Field(default_factory=list, description="product form: vr, ar or mr")
    year_from: YearFromParam = None
    year_to: YearToParam = None
    relevant_only: bool = Field(default=False, description="only standards labelled VR-relevant")

    @field_validator("tech", "subtopic", "form")
    @classmethod
    def _in_taxonomy(cls, values: list[str], info: ValidationInfo) -> list[str]:
        """Technologies, sub-topics and forms are taxonomy ids."""
        from classify.taxonomy import TAXONOMY  # loaded on first use, not at import

        known = {"tech": (TAXONOMY.tech_ids, "technology"), "subtopic": (TAXONOMY.subtopic_ids, "sub-topic"),
                 "form": (TAXONOMY.form_ids, "form")}
        ids, what = known[info.field_name or ""]
        return _known(values, list(ids()), what)

    @model_validator(mode="after")
    def _years_in_order(self) -> Self:
        years_in_order(self.year_from, self.year_to)
        return self

    def filters(self) -> TrackerFilters:
        """The tracker's filters."""
        bodies = list(dict.fromkeys([*self.body, *self.jurisdiction]))
        return TrackerFilters(body=bodies, status=self.status, techs=self.tech, subtopics=self.subtopic,
                              forms=self.form, year_from=self.year_from, year_to=self.year_to,
                              relevant_only=self.relevant_only)

    def cursor_binding(self) -> dict[str, Any]:
        """The filters as a cursor binds them (a cursor of other filters is refused)."""
        return self.filters().model_dump(mode="json")


class SummaryParams(ListFilterParams):
    """Query parameters of GET /api/v1/standards/summary: the list filters, and how to count."""

    size: int = Field(default=20, ge=1, le=200, description="values per count")
    ics_depth: int = Field(default=2, ge=1, le=3, description="ICS levels to group by: 1 = 35, 2 = 35.240")
    format: ExportFormat = Field(default="json", description="json, or a download: csv, jsonl, xlsx")


class DraftsParams(ListFilterParams):
    """Query parameters of GET /api/v1/standards/drafts-open."""

    as_of: str | None = Field(default=None, description="the day deadlines are compared with (YYYY-MM-DD; "
                                                        "default today, UTC)")
    format: ExportFormat = Field(default="json", description="json, or a download: csv, jsonl, xlsx")


class ChangesParams(ListFilterParams):
    """Query parameters of GET /api/v1/standards/changes."""

    since: str | None = Field(default=None, description="YYYY-MM-DD (UTC); default 7 days ago")
    kind: list[str] = Field(default_factory=list,
                            description=f"change kind, repeatable: {', '.join(k.value for k in ChangeKind)}")
    limit: int = Field(default=1000, ge=1, le=100_000,
                       description=f"at most this many (the latest); with a cursor, the page size "
                                   f"(at most {paging.MAX_LIMIT})")
    cursor: str | None = Field(default=None, max_length=1000,
                               description="page through every change, oldest first: '*' starts, then the "
                                           "previous next_cursor")
    format: ExportFormat = Field(default="json", description="json, or a download: csv, jsonl, xlsx")


class DraftersParams(ListFilterParams):
    """Query parameters of GET /api/v1/standards/local-drafters."""

    format: ExportFormat = Field(default="json", description="json, or a download: csv, jsonl, xlsx")


class OpenDraftsPublic(BaseModel):
    """Drafts open for comment, the soonest deadline first."""

    as_of: dt.date
    count: int
    data: list[OpenDraft]


class ChangesPublic(BaseModel):
    """Changes observed since a date, oldest first."""

    since: dt.date
    kinds: list[str]
    count: int = Field(description="changes found (data may hold only the latest `limit`)")
    data: list[ChangeRow]
    next_cursor: str | None = Field(None, description="with cursor paging: the next page's cursor, None on "
                                                      "the last")


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@router.get("/summary", response_model=StandardsSummary,
            dependencies=[Depends(reject_unknown_params(SummaryParams))])
def read_summary(params: Annotated[SummaryParams, Query()], backend: SearchDep,
                 store: StoreDep) -> StandardsSummary | Response:
    """Standards and drafts counted by phase, status, body, level, stage, committee and ICS."""
    result = summary(backend, store, params.filters(), size=params.size, ics_depth=params.ics_depth)
    if params.format != "json":
        rows = [{"dimension": name.removeprefix("by_"), "value": b.value, "count": b.count}
                for name in ("by_phase", "by_status", "by_body", "by_level", "by_stage", "by_committee",
                             "by_ics")
                for b in getattr(result, name)]
        return download(rows, ["dimension", "value", "count"], params.format, "standards-summary")
    return result


@router.get("/drafts-open", response_model=OpenDraftsPublic,
            dependencies=[Depends(reject_unknown_params(DraftsParams))])
def read_drafts_open(
    params: Annotated[DraftsParams, Query()], store: StoreDep
) -> OpenDraftsPublic | Response:
    """Drafts open for comment (deadline today or later), the soonest deadline first."""
    as_of = parse_date("as_of", params.as_of) or _today()
    found = drafts_open(store, as_of, filters=params.filters())
    if params.format != "json":
        columns = list(OpenDraft.model_fields)
        return download([d.model_dump(mode="json") for d in found], columns, params.format, "drafts-open")
    return OpenDraftsPublic(as_of=as_of, count=len(found), data=found)


@router.get("/changes", response_model=ChangesPublic,
            dependencies=[Depends(reject_unknown_params(ChangesParams))])
def read_changes(params: Annotated[ChangesParams, Query()], store: StoreDep) -> ChangesPublic | Response:
    """New drafts, stage and status moves, withdrawals seen since a date (default: the last 7 days)."""
    since = parse_date("since", params.since) or _today() - dt.timedelta(days=DEFAULT_SINCE_DAYS)
    kinds = [k.strip() for k in params.kind if k.strip()]
    allowed = {k.value for k in ChangeKind}
    unknown = [k for k in kinds if k not in allowed]
    if unknown:
        names = ", ".join(map(repr, unknown))
        raise HTTPException(status.HTTP_400_BAD_REQUEST,
                            f"unknown kind {names}; allowed: {', '.join(sorted(allowed))}")
    filters = params.filters()
    if params.format == "json" and params.cursor is None:
        # Only the newest `limit` are returned: read just those (a bulk import can leave 250k changes).
        newest, total = newest_changes(store, since, kinds or None, params.limit, filters)
        return ChangesPublic(since=since, kinds=kinds, count=total, data=newest)
    found = changes(store, since, kinds or None, filters=filters)
    if params.format != "json":
        columns = list(ChangeRow.model_fields)
        return download([c.model_dump(mode="json") for c in found], columns, params.format, "changes")
    chunk, following = paging.page(found, params.cursor, params.limit,
                                    {"since": since.isoformat(), "kinds": sorted(kinds),
                                     **({} if filters.is_empty else {"filters": params.cursor_binding()})})
    return ChangesPublic(since=since, kinds=kinds, count=len(found), data=chunk, next_cursor=following)


@router.get("/local-drafters", response_model=DraftersResult,
            dependencies=[Depends(reject_unknown_params(DraftersParams))])
def read_local_drafters(
    params: Annotated[DraftersParams, Query()], store: StoreDep
) -> DraftersResult | Response:
    """Qingdao drafting organizations and the standards each drafted."""
    result = local_drafters(store, params.filters())
    if params.format != "json":
        rows = [{"organization": d.name, "district": d.district, "standards": d.count, "id": s.id,
                 "title": s.title, "status": s.status, "published_date": s.published_date}
                for d in result.drafters for s in d.standards]
        columns = ["organization", "district", "standards", "id", "title", "status", "published_date"]
        return download(rows, columns, params.format, "local-drafters")
    return result
