"""Full-text search with filters, facets, the per-year (or per-month) histogram, paging and cursors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from api.deps import SearchDep, SettingsDep, reject_unknown_params
from api.export import ExportFormat, ExportParams, download, hits_table
from api.schemas import DEFAULT_FACETS, SearchParams, SearchPublic
from search.backend import Hit, SearchBackend, SearchQuery

router = APIRouter(prefix="/api/v1", tags=["search"])

MAX_OFFSET = 10_000  # SearchQuery's deepest offset; engines page no further
EXPORT_PAGE = 100  # SearchQuery's largest page


def _invalid(param: str, message: str, value: object) -> RequestValidationError:
    """A 422 naming one query parameter, shaped like FastAPI's own."""
    return RequestValidationError(
        [{"type": "value_error", "loc": ("query", param), "msg": message, "input": value}]
    )


def build_query(params: SearchParams, max_page_size: int) -> SearchQuery:
    """Turn validated query parameters into the engines' SearchQuery."""
    if params.size > max_page_size:
        raise _invalid("size", f"size must be at most {max_page_size}", params.size)
    offset = (params.page - 1) * params.size
    if offset > MAX_OFFSET:
        raise _invalid("page", f"results beyond the first {MAX_OFFSET} cannot be paged to; "
                       "narrow the query instead", params.page)
    try:
        return SearchQuery.model_validate({
            "q": params.q,
            "doc_type": params.doc_type,
            "techs": params.tech,
            "subtopics": params.subtopic,
            "forms": params.form,
            "jurisdiction": params.jurisdiction,
            "status": params.status,
            "source": params.source,
            "applicants": params.applicant,
            "committee": params.committee,
            "year_from": params.year_from,
            "year_to": params.year_to,
            "date_from": params.date_from,
            "date_to": params.date_to,
            "relevant_only": params.relevant_only,
            "facets": params.facet or list(DEFAULT_FACETS),
            "histogram_interval": params.histogram_interval,
            "sort": params.sort,
            "offset": offset,
            "size": params.size,
            "cursor": params.cursor,
        })
    except ValidationError as exc:
        # Map SearchQuery's field names back to the parameter names the user typed.
        names = {"techs": "tech", "subtopics": "subtopic", "forms": "form", "applicants": "applicant",
                 "facets": "facet", "offset": "page"}
        errors = [
            {**err, "loc": ("query", names.get(str(err["loc"][0]), str(err["loc"][0])), *err["loc"][1:])}
            for err in exc.errors(include_url=False)
        ]
        raise RequestValidationError(errors) from exc


@router.get(
    "/search",
    response_model=SearchPublic,
    dependencies=[Depends(reject_unknown_params(SearchParams, ExportParams))],
)
def search(
    params: Annotated[SearchParams, Query()],
    backend: SearchDep,
    settings: SettingsDep,
    format: Annotated[ExportFormat, Query(description="json, or a download of every match: csv, jsonl, xlsx")]
    = "json",
) -> SearchPublic | Response:
    """Search patents and standards; filters combine with AND, repeated values of one filter with OR."""
    query = build_query(params, settings.max_page_size)
    if format != "json":
        return download(*hits_table(all_hits(backend, query)), format, "search")
    result = backend.search(query)
    return SearchPublic(**result.model_dump(), page=params.page, size=params.size)


def all_hits(backend: SearchBackend, query: SearchQuery) -> list[Hit]:
    """Every match in the query's order (page and size ignored), up to the deepest pageable offset."""
    hits: list[Hit] = []
    offset = 0
    while offset <= MAX_OFFSET:
        page = backend.search(query.model_copy(update={
            "offset": offset, "size": EXPORT_PAGE, "facets": [], "histogram": False, "highlight": False,
            "cursor": None}))
        hits.extend(page.hits)
        if len(page.hits) < EXPORT_PAGE:
            break
        offset += EXPORT_PAGE
    return hits
