"""Liveness and index health."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import SearchDep, StoreDep
from api.schemas import HealthPublic
from search import warmup
from vrscope import __version__

router = APIRouter(prefix="/health", tags=["health"])


@router.get("", response_model=HealthPublic)
def health(store: StoreDep, backend: SearchDep) -> HealthPublic:
    """Say the service is up, with document counts in the store and in the index and whether the views are
    warm."""
    return HealthPublic(documents=store.count(), indexed=backend.count(), views_warm=warmup.is_warm(store),
                        version=__version__)
