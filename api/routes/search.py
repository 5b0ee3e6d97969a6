"""Full-text search with filters, facets, the per-year histogram and paging."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from api.deps import SearchDep, SettingsDep, reject_unknown_params
from api.schemas import DEFAULT_FACETS, SearchParams, SearchPublic
from search.backend import SearchQuery

router = APIRouter(prefix="/api/v1", tags=["search"])

MAX_OFFSET = 10_000  # SearchQuery's deepest offset; engines page no further


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
            "year_from": params.year_from,
            "year_to": params.year_to,
            "relevant_only": params.relevant_only,
            "facets": params.facet or list(DEFAULT_FACETS),
            "sort": params.sort,
            "offset": offset,
            "size": params.size,
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
    dependencies=[Depends(reject_unknown_params(SearchParams))],
)
def search(
    params: Annotated[SearchParams, Query()], backend: SearchDep, settings: SettingsDep
) -> SearchPublic:
    """Search patents and standards; filters combine with AND, repeated values of one filter with OR."""
    query = build_query(params, settings.max_page_size)
    result = backend.search(query)
    return SearchPublic(**result.model_dump(), page=params.page, size=params.size)
