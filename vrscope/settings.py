"""Settings, read once from the environment (prefix ``VRSCOPE_``) and an optional ``.env`` file."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# VR-relevant CPC/IPC prefixes: HMD optics, VR/AR interaction, 3D graphics, stereo/360 video, depth sensing.
USPTO_VR_PREFIXES = (
    "G02B27/01", "G02B27/0093", "G02B2027/01", "G02B30", "G03H1/22", "G09G3/001", "G09G3/002",
    "G09G3/003", "G06F3/01", "G06F3/0346", "G06F3/04815", "G06F2203/01", "G06T19", "G06T15", "G06T17",
    "G06T7/70", "G06T7/73", "G06V20/20", "G06V40/18", "G06V40/19", "G06V40/20", "G06V40/28",
    "G01S17/894", "H04N13", "H04N19/597", "H04N23/698", "A61B2090/365",
)


class Settings(BaseSettings):
    """Every setting vrscope reads; each one is documented in the README's settings table."""

    model_config = SettingsConfigDict(env_prefix="VRSCOPE_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("var"), description="Where the store, the index and the models live.")
    backend: Literal["embedded", "elastic"] = Field("embedded", description="Search engine to use.")
    es_url: str | None = Field(None, description="Elasticsearch URL when backend=elastic.")
    es_index: str = Field("vrscope", description="Elasticsearch alias name for the documents index.")
    es_api_key: SecretStr | None = Field(None, description="Elasticsearch API key (encoded form).")
    es_username: str | None = Field(None, description="Elasticsearch user for basic auth (with es_password).")
    es_password: SecretStr | None = Field(None, description="Elasticsearch password for basic auth.")
    es_ca_certs: Path | None = Field(None, description="PEM CA bundle for the Elasticsearch TLS.")
    es_verify_certs: bool = Field(True, description="Verify the Elasticsearch TLS certificate.")
    es_request_timeout: float = Field(30.0, description="Elasticsearch request timeout, in seconds.")

    epo_ops_base_url: str = Field("https://ops.epo.org/3.2", description="EPO OPS REST base URL.")
    epo_ops_key: SecretStr | None = Field(None, description="EPO OPS consumer key (OAuth2 client id).")
    epo_ops_secret: SecretStr | None = Field(None, description="EPO OPS consumer secret.")
    epo_ops_query: str = Field(
        "",
        description="CQL query the EPO OPS spider searches (without a pd clause: the spider adds the dates);"
        " empty: the queries built from the taxonomy's CPC groups and English keywords.",
    )
    epo_ops_max_results: int = Field(
        100, description="Most search results the EPO OPS spider fetches per run."
    )
    epo_ops_overlap_days: int = Field(
        7, ge=0, description="Days before the last publication date fully fetched that an incremental EPO OPS"
        " run asks for again, to catch publications OPS loaded late.",
    )
    epo_ops_fetch_claims: bool = Field(
        True, description="Fetch the claims of every EPO OPS hit (one more request per publication)."
    )
    epo_ops_fetch_family: bool = Field(
        True, description="Fetch the simple family of every EPO OPS hit (one request per family) and store"
        " each member."
    )
    epo_ops_fetch_legal: bool = Field(
        True, description="Fetch the INPADOC legal events of every EPO OPS hit (one more request per"
        " publication)."
    )
    openstd_base_url: str = Field("https://openstd.samr.gov.cn", description="openstd.samr.gov.cn base URL.")
    openstd_keywords: list[str] = Field(
        default_factory=lambda: ["虚拟现实", "增强现实", "头戴式显示"],
        description="Keywords the openstd spider searches (JSON list in the environment).",
    )
    openstd_max_pages: int = Field(5, description="Most list pages per keyword the openstd spider reads.")
    hbba_base_url: str = Field(
        "https://hbba.sacinfo.org.cn", description="hbba.sacinfo.org.cn (industry standards filing) base URL."
    )
    dbba_base_url: str = Field(
        "https://dbba.sacinfo.org.cn", description="dbba.sacinfo.org.cn (local standards filing) base URL."
    )
    hbba_keywords: list[str] = Field(
        default_factory=lambda: ["虚拟现实", "增强现实", "头戴式显示"],
        description="Keywords the hbba spider searches on hbba and dbba (JSON list in the environment).",
    )
    hbba_max_pages: int = Field(5, description="Most result pages per keyword and site the hbba spider reads")
    ttbz_base_url: str = Field(
        "https://www.ttbz.org.cn",
        description="ttbz.org.cn (group standards and drafts for comment) base URL.",
    )
    std_samr_base_url: str = Field(
        "https://std.samr.gov.cn", description="std.samr.gov.cn (national standards and plans) base URL."
    )
    iso_base_url: str = Field(
        "https://www.iso.org", description="iso.org (catalogue search and pages) base URL."
    )
    iec_base_url: str = Field(
        "https://webstore.iec.ch", description="webstore.iec.ch (IEC search and publication pages) base URL."
    )
    ieee_base_url: str = Field(
        "https://standards.ieee.org", description="standards.ieee.org (IEEE SA search and pages) base URL."
    )
    itu_base_url: str = Field(
        "https://www.itu.int", description="itu.int (ITU-T search and Recommendations) base URL."
    )
    threegpp_base_url: str = Field(
        "https://www.3gpp.org", description="3gpp.org (specification database CSV export) base URL."
    )
    etsi_base_url: str = Field(
        "https://www.etsi.org", description="etsi.org (work programme CSV export) base URL."
    )
    relaton_base_urls: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: [
            f"https://raw.githubusercontent.com/relaton/relaton-data-{body}/main"
            for body in ("iso", "iec", "ieee", "itu-r", "etsi", "3gpp")
        ],
        description="Relaton data repositories the relaton spider reads (comma-separated or JSON list):"
        " a base URL with index-v1.yaml and the YAML files under it, an index URL, or a file:// directory.",
    )
    uspto_bulk_base_url: str = Field(
        "https://api.uspto.gov/api/v1/datasets/products/files",
        description="Base URL that relative uspto_bulk_urls entries are resolved against (USPTO ODP bulk"
        " files).",
    )
    uspto_bulk_urls: list[str] = Field(
        default_factory=lambda: ["PTGRXML/2024/ipg240102.zip", "APPXML/2024/ipa240104.zip"],
        description="Weekly USPTO full-text XML zips to ingest (JSON list): URLs, file:// URLs, local paths"
        " (absolute or starting with ./), or paths relative to uspto_bulk_base_url.",
    )
    uspto_bulk_cpc_prefixes: list[str] = Field(
        default_factory=lambda: list(USPTO_VR_PREFIXES),
        description="Keep only bulk documents with a CPC or IPC code under one of these (JSON list; a code"
        " without '/' is a whole main group); an empty list keeps every document.",
    )
    uspto_bulk_max_bytes: int = Field(
        4 * 1024**3, description="Largest weekly file the uspto_bulk spider downloads, in bytes."
    )
    uspto_odp_api_key: SecretStr | None = Field(
        None, description="USPTO Open Data Portal API key (X-API-KEY), needed for files on api.uspto.gov."
    )
    uspto_odp_base_url: str = Field(
        "https://api.uspto.gov/api/v1/patent",
        description="USPTO Open Data Portal patent API base URL (the uspto_odp spider searches"
        " <base>/applications/search).",
    )
    uspto_odp_query: str = Field(
        'applicationMetaData.inventionTitle:"virtual reality" OR'
        ' applicationMetaData.inventionTitle:"augmented reality" OR'
        ' applicationMetaData.inventionTitle:"head-mounted display"',
        description="Search query (q, Lucene-like) the uspto_odp spider sends to the ODP applications"
        " search.",
    )
    uspto_odp_max_results: int = Field(
        100, description="Most search results the uspto_odp spider fetches per run."
    )
    uspto_odp_date_fields: list[str] = Field(
        default_factory=lambda: [
            "applicationMetaData.earliestPublicationDate", "applicationMetaData.grantDate",
        ],
        description="ODP date fields the uspto_odp spider sweeps (JSON list), one incremental pass each: a"
        " rerun asks only for dates after the last one fully fetched.",
    )
    uspto_odp_overlap_days: int = Field(
        7, ge=0, description="Days before the last date fully fetched that an incremental uspto_odp run asks"
        " for again, to catch records ODP loaded late.",
    )
    uspto_odp_page_size: int = Field(
        25, ge=1, le=100, description="Applications per USPTO ODP search request (limit, at most 100)."
    )
    uspto_odp_fetch_text: bool = Field(
        True, description="Fetch each USPTO ODP record's full-text XML (its grant's, else its pre-grant"
        " publication's) for the abstract and claims (one more request per record)."
    )
    patentsview_base_url: str = Field(
        "https://search.patentsview.org/api/v1",
        description="PatentsView PatentSearch API base URL (the patentsview spider reads <base>/patent/).",
    )
    patentsview_api_key: SecretStr | None = Field(
        None, description="PatentsView PatentSearch API key (X-Api-Key header)."
    )
    patentsview_query: str = Field(
        '{"_or":[{"cpc_current.cpc_group_id":"G02B27/0172"},{"cpc_current.cpc_group_id":"G06T19/006"},'
        '{"_text_phrase":{"patent_abstract":"virtual reality"}}]}',
        description="PatentSearch query (the q parameter, JSON) the patentsview spider searches.",
    )
    patentsview_rate_per_minute: int = Field(
        45, ge=1, description="Most PatentSearch requests per minute (the API allows 45 per key)."
    )
    patentsview_fetch_citations: bool = Field(
        True, description="Fetch the US patents each PatentsView hit cites (us_patent_citation endpoint, one"
        " more request per page of hits).",
    )
    patentsview_overlap_days: int = Field(
        7, ge=0, description="Days before the latest grant date of the last finished pass that an incremental"
        " patentsview run asks for again.",
    )
    patentsview_max_results: int = Field(
        100, description="Most search results the patentsview spider fetches per run."
    )
    patentsview_page_size: int = Field(
        100, ge=1, le=1000, description="Patents per PatentSearch request (o.size, at most 1000)."
    )
    applicant_aliases_file: Path | None = Field(
        None,
        description="Extra JSON file of applicant aliases (variant → canonical name), merged over"
        " vrscope/data/applicant_aliases.json.",
    )

    crawl_concurrency: int = Field(4, description="Concurrent requests per source.")
    source_concurrency: dict[str, int] = Field(
        default_factory=lambda: {"openstd": 1, "std_samr": 1, "hbba": 1, "ttbz": 1, "iso": 2, "iec": 2,
                                 "ieee": 2, "itu": 2},
        description="Concurrent requests for named sources (JSON object, source → limit), overriding"
        " crawl_concurrency; the Chinese government sites get one at a time.",
    )
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

    scoreboard_min_local_filings: int = Field(
        10, ge=0, description="Scoreboard: local (Qingdao) patent filings a sub-topic needs."
    )
    scoreboard_min_local_share: float = Field(
        0.05, ge=0.0, le=1.0,
        description="Scoreboard: local share of patents filed in China a sub-topic needs.",
    )
    scoreboard_min_growth: float = Field(
        0.1,
        description="Scoreboard: growth of local filings (recent 3 years / 3 before - 1) a sub-topic needs.",
    )
    scoreboard_min_standards: int = Field(
        1, ge=0,
        description="Scoreboard: standards led or co-drafted by a local organisation a sub-topic needs.",
    )
    scoreboard_on_track_min_met: int = Field(
        2, ge=1, le=4, description="Scoreboard: thresholds met (of 4) for a sub-topic to be 'on track'."
    )
    scoreboard_target_min: int = Field(
        3, ge=0, description="Scoreboard: the city's target, fewest breakthroughs."
    )
    scoreboard_target_max: int = Field(
        5, ge=0, description="Scoreboard: the city's target, most breakthroughs."
    )
    gaps_min_world: int = Field(
        3, ge=1,
        description="Gap analysis: documents worldwide that make a sub-topic busy (white space test).",
    )
    api_read_requires_key: bool = Field(
        False, description="Require an API key (read or write scope) for reads too; writes always need one."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins allowed to call the API from a browser (comma-separated or JSON list);"
        " empty sends no CORS headers.",
    )
    max_request_bytes: int = Field(
        1024 * 1024, ge=1, description="Largest request body the API accepts, in bytes (413 beyond)."
    )
    warm_views: bool = Field(
        True, description="Build the views' caches in a background thread at API start and after each store"
        " change, so the first request after a crawl, import, classify run or correction is not slow."
    )
    warm_views_interval: float = Field(
        10.0, gt=0, description="How often the view warm-up checks whether the store changed, in seconds."
    )

    @field_validator("relaton_base_urls", "cors_origins", mode="before")
    @classmethod
    def _split_urls(cls, value: object) -> object:
        """One URL, a comma-separated list or a JSON list, as the environment gives it."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

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
