"""Connecting to Elasticsearch: the settings the client needs and the client built from them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import SecretStr

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch


class ElasticSettings(Protocol):
    """The settings ElasticBackend reads (vrscope.settings.Settings has them)."""

    @property
    def es_url(self) -> str | None:
        """Cluster URL, e.g. https://localhost:9200."""
        ...

    @property
    def es_index(self) -> str:
        """The alias the versioned indices hide behind."""
        ...

    @property
    def es_api_key(self) -> SecretStr | None:
        """API key (encoded form), or None."""
        ...

    @property
    def es_username(self) -> str | None:
        """Basic-auth user, or None."""
        ...

    @property
    def es_password(self) -> SecretStr | None:
        """Basic-auth password, or None."""
        ...

    @property
    def es_ca_certs(self) -> Path | None:
        """PEM CA bundle for TLS, or None for the system store."""
        ...

    @property
    def es_verify_certs(self) -> bool:
        """Whether to verify the server's TLS certificate."""
        ...

    @property
    def es_request_timeout(self) -> float:
        """Request timeout in seconds."""
        ...


def client_options(settings: ElasticSettings) -> dict[str, Any]:
    """Keyword arguments for elasticsearch.Elasticsearch; raise ValueError when the URL is missing."""
    if not settings.es_url:
        raise ValueError("backend=elastic needs VRSCOPE_ES_URL (or vrscope … --es-url)")
    if settings.es_api_key and settings.es_username:
        raise ValueError("set either VRSCOPE_ES_API_KEY or VRSCOPE_ES_USERNAME/_PASSWORD, not both")
    options: dict[str, Any] = {
        "hosts": [settings.es_url],
        "request_timeout": settings.es_request_timeout,
        "retry_on_timeout": True,
        "max_retries": 3,
    }
    if settings.es_api_key:
        options["api_key"] = settings.es_api_key.get_secret_value()
    if settings.es_username:
        password = settings.es_password.get_secret_value() if settings.es_password else ""
        options["basic_auth"] = (settings.es_username, password)
    if settings.es_ca_certs:
        options["ca_certs"] = str(settings.es_ca_certs)
    if not settings.es_verify_certs:
        options["verify_certs"] = False
        options["ssl_show_warn"] = False
    return options


def make_client(settings: ElasticSettings, **overrides: Any) -> Elasticsearch:
    """A client for the configured cluster (no request is made until it is used)."""
    from elasticsearch import Elasticsearch

    return Elasticsearch(**(client_options(settings) | overrides))
