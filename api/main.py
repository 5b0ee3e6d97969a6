"""Build the FastAPI application: routers, error handlers, the dashboard, and resources closed at shutdown."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

import dashboards
from api import errors
from api.deps import Resources
from api.limits import BodySizeLimit
from api.routes import (
    analytics,
    corrections,
    documents,
    health,
    search,
    similar,
    standards,
    stats,
    taxonomy,
    views,
    watch,
)
from api.security import require_read_access
from search import warmup
from vrscope import __version__
from vrscope.settings import Settings, get_settings


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The store and engine open on first use; the views' caches warm in the background; close at shutdown."""
    settings: Settings = app.state.settings
    warmer = warmup.start(settings.db_path, settings.warm_views_interval) if settings.warm_views else None
    app.state.warmer = warmer
    try:
        yield
    finally:
        if warmer is not None:
            warmer.stop()
        app.state.resources.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The vrscope API and dashboard; ``uvicorn api.main:create_app --factory`` serves it."""
    settings = settings or get_settings()
    app = FastAPI(
        title="vrscope",
        version=__version__,
        summary="Search and trends of virtual-reality patents and standards.",
        docs_url="/docs",
        redoc_url=None,
        lifespan=lifespan,
        dependencies=[Depends(require_read_access)],
    )
    app.state.settings = settings
    app.state.resources = Resources(settings)
    errors.install(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    if settings.cors_origins:  # added last, so outermost: even a 413 carries the CORS headers
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "PUT", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
        )
    # similar before documents: /documents/{id:path} would otherwise swallow /documents/{id}/similar.
    for module in (
        health, search, analytics, stats, similar, documents, corrections, standards, watch, views, taxonomy
    ):
        app.include_router(module.router)
    # Mounted last: the API routes above win, everything else is the dashboard.
    app.mount("/", StaticFiles(directory=dashboards.static_dir(), html=True), name="dashboard")
    return app


def __getattr__(name: str) -> FastAPI:
    """``api.main:app`` builds the app on first access, so importing this module opens nothing."""
    if name == "app":
        return create_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
