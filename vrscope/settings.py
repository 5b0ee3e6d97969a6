"""Settings, read once from the environment (prefix ``VRSCOPE_``) and an optional ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting vrscope reads; each one is documented in the README's settings table."""

    model_config = SettingsConfigDict(env_prefix="VRSCOPE_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("var"), description="Where the store, the index and the models live.")
    backend: Literal["embedded", "elastic"] = Field("embedded", description="Search engine to use.")
    es_url: str | None = Field(None, description="Elasticsearch URL when backend=elastic.")
    es_index: str = Field("vrscope", description="Elasticsearch alias name for the documents index.")

    epo_ops_base_url: str = Field("https://ops.epo.org/3.2", description="EPO OPS REST base URL.")
    epo_ops_key: SecretStr | None = Field(None, description="EPO OPS consumer key (OAuth2 client id).")
    epo_ops_secret: SecretStr | None = Field(None, description="EPO OPS consumer secret.")
    epo_ops_query: str = Field(
        'cpc=G02B27/01 or cpc=G06T19/00 or ta="virtual reality"',
        description="CQL query the EPO OPS spider searches.",
    )
    epo_ops_max_results: int = Field(
        100, description="Most search results the EPO OPS spider fetches per run."
    )
    openstd_base_url: str = Field("https://openstd.samr.gov.cn", description="openstd.samr.gov.cn base URL.")
    openstd_keywords: list[str] = Field(
        default_factory=lambda: ["虚拟现实", "增强现实", "头戴式显示"],
        description="Keywords the openstd spider searches (JSON list in the environment).",
    )
    openstd_max_pages: int = Field(5, description="Most list pages per keyword the openstd spider reads.")

    crawl_concurrency: int = Field(4, description="Concurrent requests per source.")
    crawl_delay: float = Field(1.0, description="Base delay between requests to one source, in seconds.")
    obey_robots: bool = Field(True, description="Obey robots.txt where a site has one.")
    crawl_log_level: str = Field("INFO", description="Scrapy log level for crawls (DEBUG, INFO, WARNING …).")
    user_agent: str = Field(
        "vrscope/0.1 (VR patent and standards tracker; polite crawler)",
        description="User-Agent sent by the crawlers.",
    )

    api_host: str = Field("127.0.0.1", description="Address the API and dashboard listen on.")
    api_port: int = Field(8000, description="Port the API and dashboard listen on.")
    max_page_size: int = Field(100, description="Largest page of search results the API returns.")

    @property
    def db_path(self) -> Path:
        """The SQLite store of record."""
        return self.data_dir / "vrscope.sqlite3"

    @property
    def index_dir(self) -> Path:
        """The embedded (tantivy) index directory."""
        return self.data_dir / "index"

    @property
    def model_dir(self) -> Path:
        """Where trained classifier artifacts are written."""
        return self.data_dir / "models"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
