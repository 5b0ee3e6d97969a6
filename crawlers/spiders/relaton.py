"""relaton-data repositories: read each repository's index, then fetch every Relaton YAML file it lists.

A base URL is a repository root laid out like GitHub raw files (``index-v1.yaml`` beside ``data/``),
the URL of an index file itself, or a ``file://`` directory: one with no index is listed from disk.

Incremental: each file's SHA-256 (and the server's ETag, if any) is kept in crawl state under
``file:<origin>``. A re-run asks with ``If-None-Match`` and skips a 304, and skips a file whose bytes
hash as before, so only new or changed files are parsed and stored again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import scrapy
from pydantic import BaseModel, ConfigDict, Field, field_validator
from scrapy.http import Response

from crawlers.items import CrawlState
from crawlers.parsers.errors import ParseError
from crawlers.parsers.relaton import parse_index, parse_relaton
from crawlers.spiders.base import VrscopeSpider
from crawlers.spiders.standards import SourceLimits
from vrscope.store import Store, sha256_bytes

INDEX_FILE = "index-v1.yaml"
_INDEX_SUFFIXES = (".yaml", ".yml", ".json")


class RelatonParams(BaseModel):
    """Spider arguments (``-a base_urls=file:///data/iso -a max_files=100``); settings fill the rest."""

    model_config = ConfigDict(extra="forbid")

    base_urls: list[str] | None = Field(None, description="Repositories to read, not relaton_base_urls.")
    max_files: int | None = Field(None, ge=1, description="Most YAML files read per repository (else all).")

    @field_validator("base_urls", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


def index_url(base: str) -> str:
    """The index of a repository: the base itself when it names a file, else its index-v1.yaml."""
    path = urlsplit(base).path
    return base if path.endswith(_INDEX_SUFFIXES) else base.rstrip("/") + "/" + INDEX_FILE


def repository_root(base: str) -> str:
    """The URL the index's relative file paths are resolved against, ending in '/'."""
    path = urlsplit(base).path
    return base.rsplit("/", 1)[0] + "/" if path.endswith(_INDEX_SUFFIXES) else base.rstrip("/") + "/"


def repository_label(base: str) -> str:
    """A stable name for a repository, whichever host serves it: 'relaton-data-iso', else its last folders."""
    segments = [s for s in unquote(urlsplit(base).path).split("/") if s]
    if segments and segments[-1].endswith(_INDEX_SUFFIXES):
        segments = segments[:-1]
    named = [s for s in segments if s.startswith("relaton-data-")]
    return named[0] if named else "/".join(segments[-2:]) or "relaton"


def file_key(origin: str) -> str:
    """The crawl-state key of one file's last seen version."""
    return f"file:{origin}"


def seen_version(value: str | None) -> dict[str, str]:
    """A file's stored version (``sha256``, maybe ``etag``); {} when never seen or unreadable."""
    if not value:
        return {}
    try:
        seen = json.loads(value)
    except ValueError:
        return {}
    if not isinstance(seen, dict):
        return {}
    return {k: v for k, v in seen.items() if k in ("sha256", "etag") and isinstance(v, str)}


def local_directory(base: str) -> Path | None:
    """The directory of a file:// base that has no index file, to be listed from disk; else None."""
    parts = urlsplit(base)
    if parts.scheme != "file":
        return None
    folder = Path(unquote(parts.path))
    if folder.is_dir() and not (folder / INDEX_FILE).is_file():
        return folder
    return None


class RelatonSpider(SourceLimits, VrscopeSpider):
    """Standards from Relaton YAML repositories (relaton-data-iso, -iec, -ieee, -itu-r, -etsi, -3gpp)."""

    name = "relaton"
    source = "relaton"

    def __init__(self, *args: Any, base_urls: str | list[str] | None = None,
                 max_files: int | str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params = RelatonParams.model_validate({"base_urls": base_urls, "max_files": max_files})
        self._store: Store | None = None

    def seen(self, origin: str) -> dict[str, str]:
        """What the last crawl stored for one file (read from the store of record)."""
        if self._store is None:
            self._store = Store(self.vr_settings.db_path)
        return seen_version(self._store.get_state(self.source, file_key(origin)))

    def closed(self, reason: str) -> None:
        """Close the store the file versions were read from."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def file_request(self, url: str, origin: str) -> scrapy.Request:
        """A request for one file, conditional on the ETag the last crawl saw."""
        etag = self.seen(origin).get("etag")
        headers = {"If-None-Match": etag} if etag else None
        return scrapy.Request(url, callback=self.parse_file, errback=self.errback, headers=headers,
                              cb_kwargs={"origin": origin})

    @property
    def base_urls(self) -> list[str]:
        """Repositories this run reads."""
        return self.params.base_urls or list(self.vr_settings.relaton_base_urls)

    async def start(self) -> AsyncIterator[Any]:
        """Scrapy ≥ 2.13 entry point."""
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        """Each repository's index, or the YAML files of a local directory without one."""
        for base in self.base_urls:
            folder = local_directory(base)
            if folder is None:
                yield scrapy.Request(index_url(base), callback=self.parse_index_page, errback=self.errback,
                                     cb_kwargs={"base": base})
                continue
            files = sorted(p for p in folder.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())
            label = repository_label(base)
            for path in files[: self.params.max_files]:
                yield self.file_request(path.as_uri(), f"{label}/{path.relative_to(folder).as_posix()}")

    def parse_index_page(self, response: Response, base: str) -> Iterator[Any]:
        """Request every file the index lists (up to max_files) and record how many there were."""
        dead = self.check_status(response)
        if dead is not None:
            yield dead
            return
        try:
            files = parse_index(response.body)
        except ParseError as error:
            yield self.dead_letter(response, f"ParseError: {error}")
            return
        root, label = repository_root(base), repository_label(base)
        chosen = files[: self.params.max_files]
        for path in chosen:
            yield self.file_request(urljoin(root, path), f"{label}/{path}")
        yield CrawlState(self.source, f"index:{label}", json.dumps(
            {"files": len(files), "requested": len(chosen)}, ensure_ascii=False))

    def parse_file(self, response: Response, origin: str) -> Iterator[Any]:
        """One Relaton YAML file → one standard, unless it is the version the last crawl stored."""
        stats = self.crawler.stats if hasattr(self, "crawler") else None
        if response.status == 304:  # the ETag we sent still names the file
            if stats:
                stats.inc_value("vrscope/relaton/unchanged_files")
            return
        dead = self.check_status(response)
        if dead is not None:
            yield dead
            return
        digest = sha256_bytes(response.body)
        if self.seen(origin).get("sha256") == digest:
            if stats:
                stats.inc_value("vrscope/relaton/unchanged_files")
            return
        try:
            standard = parse_relaton(response.body, self.source, origin, dt.datetime.now(dt.UTC))
        except ParseError as error:
            yield self.dead_letter(response, f"ParseError: {error}")
            return
        yield self.record(standard, response)
        version = {"sha256": digest}
        etag = response.headers.get("ETag")
        if etag:
            version["etag"] = etag.decode("latin-1")
        yield CrawlState(self.source, file_key(origin), json.dumps(version))
