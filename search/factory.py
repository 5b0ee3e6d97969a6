"""Choose the search engine from the settings."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from search.backend import SearchBackend
from search.elastic_client import ElasticSettings
from search.embedded import EmbeddedBackend


class BackendSettings(ElasticSettings, Protocol):
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
    """The configured SearchBackend: embedded tantivy, or Elasticsearch behind settings.es_index."""
    if settings.backend == "embedded":
        return EmbeddedBackend(settings.index_dir)
    if settings.backend == "elastic":
        # Imported here: the Elasticsearch client is only loaded by those who use it.
        from search.elastic import ElasticBackend

        return ElasticBackend(settings)
    raise ValueError(f"unknown search backend {settings.backend!r}")
