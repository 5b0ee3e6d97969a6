"""Counts for the dashboard header."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import SearchDep, StoreDep
from api.schemas import StatsPublic
from search.backend import SearchQuery

router = APIRouter(prefix="/api/v1/stats", tags=["stats"])


@router.get("", response_model=StatsPublic)
def stats(store: StoreDep, backend: SearchDep) -> StatsPublic:
    """Count documents per source and type (store) and per technology and form (index)."""
    query = SearchQuery.model_validate(
        {"facets": ["techs", "forms"], "facet_size": 50, "histogram": False, "highlight": False, "size": 0}
    )
    facets = backend.search(query).facets
    return StatsPublic(
        documents=store.count(),
        indexed=backend.count(),
        by_source=store.counts_by_source(),
        by_doc_type={doc_type: store.count(doc_type) for doc_type in ("patent", "standard")},
        by_tech=facets.get("techs", []),
        by_form=facets.get("forms", []),
    )
