"""Choose the search engine from the settings."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from search.backend import SearchBackend
from search.embedded import EmbeddedBackend


class BackendSettings(Protocol):
    """The settings get_backend reads (vrscope.settings.Settings has them)."""

    @property
    def backend(self) -> str:
        """Which engine: "embedded" or "elastic"."""
        ...

    @property
    def index_dir(self) -> Path:
        """The embedded index directory."""
        ...


def get_backend(settings: BackendSettings) -> SearchBackend:
    """The configured SearchBackend: embedded tantivy, or Elasticsearch (not available yet)."""
    if settings.backend == "embedded":
        return EmbeddedBackend(settings.index_dir)
    if settings.backend == "elastic":
        raise NotImplementedError(
            "the Elasticsearch backend lands with issue 6; set VRSCOPE_BACKEND=embedded meanwhile"
        )
    raise ValueError(f"unknown search backend {settings.backend!r}")
