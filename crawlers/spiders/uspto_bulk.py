"""USPTO bulk full-text XML: weekly grant and application zips, streamed one document at a time.

Progress is kept per weekly file (crawl-state key: the file's public URL): the number of documents
handled, written every ``STATE_EVERY`` documents after the records before it, then ``done``. A rerun
skips done files; a killed run resumes after the last number stored, and the few documents handled
since are stored again unchanged (upserts are idempotent), so nothing is lost or duplicated. A
downloaded zip is kept in ``<data_dir>/uspto_bulk/`` until its file is done, so resuming does not
download it again.

Why each file is handed to ``process_file`` through a ``data:`` request: items a callback yields
are consumed with back-pressure, so a 1 GB week streams through the pipeline document by document,
and a local file is never read into a response body.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import zipfile
import zlib
from collections import deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

from pydantic import BaseModel, ConfigDict, field_validator
from scrapy.exceptions import CloseSpider
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawlers.items import CrawledRecord, CrawlState, DeadLetter
from crawlers.parsers.uspto_xml import ParseError, iter_weekly, looks_weekly, parse_document
from crawlers.spiders.base import VrscopeSpider
from crawlers.spiders.epo_ops import ESPACENET
from crawlers.spiders.standards import SourceLimits
from vrscope.applicants import default_aliases
from vrscope.records import Patent
from vrscope.store import Store, sha256_bytes

log = logging.getLogger(__name__)

STATE_EVERY = 100
DONE = "done"
ODP_HOST = "api.uspto.gov"
_MAX_REDIRECTS = 5


class UsptoBulkArgs(BaseModel):
    """Spider arguments (``-a urls='[…]' -a cpc_prefixes='[…]'``), JSON lists, checked before crawling."""

    model_config = ConfigDict(extra="forbid")

    urls: list[str] | None = None
    cpc_prefixes: list[str] | None = None

    @field_validator("urls", "cpc_prefixes", mode="before")
    @classmethod
    def _json_list(cls, value: Any) -> Any:
        """Accept a JSON list given as a string (spider arguments are strings)."""
        return json.loads(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class WeeklyFile:
    """One weekly file: its public URL (the crawl-state key), where to fetch it, or its local path."""

    key: str
    fetch: str | None = None
    path: Path | None = None

    @property
    def name(self) -> str:
        """The file name, e.g. ipg240102.zip."""
        return Path(urlsplit(self.key).path).name or "weekly.zip"


def code_matches(codes: list[str], prefixes: list[str]) -> bool:
    """Whether any code falls under a prefix ('G06F3/01' is a string prefix; 'G06T19' a main group)."""
    if not prefixes:
        return True
    wanted = ["".join(p.split()).upper() for p in prefixes]
    for code in codes:
        group = code.split("/", 1)[0]
        for prefix in wanted:
            if code.startswith(prefix) if "/" in prefix else (group == prefix or (
                    len(prefix) == 4 and code.startswith(prefix))):
                return True
    return False


class UsptoBulkSpider(SourceLimits, VrscopeSpider):
    """Ingest USPTO weekly full-text XML files (grants ipg…, applications ipa…)."""

    name = "uspto_bulk"
    source: ClassVar[str] = "uspto_bulk"

    def __init__(self, *args: Any, urls: str | list[str] | None = None,
                 cpc_prefixes: str | list[str] | None = None, **kwargs: Any) -> None:
        """Check the arguments; files are queued in start()."""
        super().__init__(*args, **kwargs)
        self.args = UsptoBulkArgs.model_validate({"urls": urls, "cpc_prefixes": cpc_prefixes})
        self._queue: deque[WeeklyFile] = deque()

    # configuration ---------------------------------------------------------------------------
    @property
    def prefixes(self) -> list[str]:
        """CPC/IPC prefixes a document must match to be kept (empty: keep all)."""
        given = self.args.cpc_prefixes
        return list(given if given is not None else self.vr_settings.uspto_bulk_cpc_prefixes)

    @property
    def spool_dir(self) -> Path:
        """Where downloaded zips wait until their file is done."""
        return self.vr_settings.data_dir / "uspto_bulk"

    def resolve(self, entry: str) -> WeeklyFile:
        """A WeeklyFile from a URL, a file:// URL, a local path or a path relative to the base URL."""
        entry = entry.strip()
        scheme = urlsplit(entry).scheme.lower()
        if scheme == "file":
            path = Path(url2pathname(urlsplit(entry).path)).resolve()
            return WeeklyFile(key=path.as_uri(), path=path)
        if scheme in ("http", "https"):
            return WeeklyFile(key=self.public_url(entry, "uspto_bulk_base_url"), fetch=entry)
        if os.path.isabs(entry) or entry.startswith(("./", "../", "~")):
            path = Path(entry).expanduser().resolve()
            return WeeklyFile(key=path.as_uri(), path=path)
        url = urljoin(self.vr_settings.uspto_bulk_base_url.rstrip("/") + "/", entry.lstrip("/"))
        return WeeklyFile(key=self.public_url(url, "uspto_bulk_base_url"), fetch=url)

    def spool(self, weekly: WeeklyFile) -> Path:
        """The local copy of a downloaded file."""
        return self.spool_dir / f"{hashlib.sha256(weekly.key.encode()).hexdigest()[:12]}-{weekly.name}"

    def _api_key(self, url: str) -> str | None:
        """The ODP API key for api.uspto.gov (never sent to another host)."""
        key = self.vr_settings.uspto_odp_api_key
        return key.get_secret_value() if key and urlsplit(url).hostname == ODP_HOST else None

    # requests --------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        """Queue every configured file not done yet, and send the first."""
        try:
            default_aliases()  # a broken applicant_aliases_file stops the crawl before any download
        except ValueError as error:
            log.error("%s", error)
            raise CloseSpider("uspto_bulk_bad_aliases") from error
        entries = self.args.urls if self.args.urls is not None else self.vr_settings.uspto_bulk_urls
        with Store(self.vr_settings.db_path) as store:
            for weekly in (self.resolve(e) for e in entries if e.strip()):
                if store.get_state(self.source, weekly.key) == DONE:
                    log.info("skipping %s: done in an earlier run", weekly.key)
                    self.spool(weekly).unlink(missing_ok=True)
                    self._count("files_skipped")
                    continue
                if weekly.fetch and urlsplit(weekly.fetch).hostname == ODP_HOST \
                        and not self._api_key(weekly.fetch) and not self.spool(weekly).is_file():
                    log.error("%s needs a USPTO Open Data Portal API key: set VRSCOPE_USPTO_ODP_API_KEY"
                              " (free at data.uspto.gov), or download the file and list its local path",
                              weekly.fetch)
                    self._count("files_without_key")
                    continue
                self._queue.append(weekly)
        first = self._next()
        if first is not None:
            yield first

    def _next(self) -> Request | None:
        """The request for the next queued file: process it if it is local or spooled, else download."""
        if not self._queue:
            return None
        weekly = self._queue.popleft()
        local = weekly.path or (self.spool(weekly) if self.spool(weekly).is_file() else None)
        if local is not None:
            return Request("data:,uspto_bulk", callback=self.process_file, errback=self.errback,
                           dont_filter=True, meta={"weekly": weekly, "path": local})
        assert weekly.fetch is not None
        return self._download(weekly, weekly.fetch, hops=0)

    def _download(self, weekly: WeeklyFile, url: str, hops: int) -> Request:
        """A download request: size limits raised, redirects handled here so the key never leaves the ODP."""
        size = self.vr_settings.uspto_bulk_max_bytes
        key = self._api_key(url)
        return Request(url, callback=self.save_download, errback=self.download_failed, dont_filter=True,
                       headers={"X-API-KEY": key} if key else None,
                       meta={"weekly": weekly, "hops": hops, "download_maxsize": size,
                             "download_warnsize": size, "dont_redirect": True, "handle_httpstatus_all": True})

    # callbacks -------------------------------------------------------------------------------
    def save_download(self, response: Response) -> Iterator[Any]:
        """Keep the downloaded file in the spool, then process it; redirects are followed without the key."""
        weekly: WeeklyFile = response.meta["weekly"]
        location = response.headers.get(b"Location")
        if 300 <= response.status < 400 and location and response.meta["hops"] < _MAX_REDIRECTS:
            target = urljoin(response.url, location.decode("latin-1"))
            yield self._download(weekly, target, response.meta["hops"] + 1)
            return
        problem = None if 200 <= response.status < 300 else f"HTTP {response.status}"
        if problem is None and not looks_weekly(response.body[:64]):
            problem = "not a weekly file (expected a zip of XML documents)"
        if problem:
            yield DeadLetter(self.source, weekly.key, problem, response.status, response.body)
            yield from self._then_next()
            return
        spool = self.spool(weekly)
        spool.parent.mkdir(parents=True, exist_ok=True)
        part = spool.with_name(spool.name + ".part")
        part.write_bytes(response.body)
        os.replace(part, spool)  # a kill mid-write leaves only the .part, never a torn spool file
        yield Request("data:,uspto_bulk", callback=self.process_file, errback=self.errback, dont_filter=True,
                      meta={"weekly": weekly, "path": spool})

    def download_failed(self, failure: Failure) -> Iterator[Any]:
        """A network failure: dead letter with the URL, then the next file."""
        yield from self.errback(failure)
        yield from self._then_next()

    def process_file(self, response: Response) -> Iterator[Any]:
        """Stream one weekly file: a record per kept document, a dead letter per unreadable one."""
        weekly: WeeklyFile = response.meta["weekly"]
        path: Path = response.meta["path"]
        with Store(self.vr_settings.db_path) as store:
            state = store.get_state(self.source, weekly.key) or "0"
            logged = {str(d["url"]) for d in store.dead_letters(self.source)
                      if str(d["url"]).startswith(weekly.key + "#")}
        done = int(state) if state.isdigit() else 0
        if done:
            log.info("resuming %s after document %d", weekly.key, done)
        index = 0
        try:
            with path.open("rb") as stream:
                if not looks_weekly(stream.read(64)):
                    raise zipfile.BadZipFile("not a zip, gzip or XML file")
                stream.seek(0)
                for index, document in enumerate(iter_weekly(stream), start=1):
                    if index <= done:
                        continue
                    yield from self._document(weekly, index, document, logged)
                    if index % STATE_EVERY == 0:
                        yield CrawlState(self.source, weekly.key, str(index))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            # Truncated or corrupt: keep the progress so far; a later run fetches the file again.
            problem = f"unreadable weekly file after document {index}: {error}"
            yield DeadLetter(self.source, weekly.key, problem)
            if weekly.path is None:
                path.unlink(missing_ok=True)
            yield from self._then_next()
            return
        yield CrawlState(self.source, weekly.key, DONE)
        if weekly.path is None:
            path.unlink(missing_ok=True)
        self._count("files_done")
        log.info("%s done: %d documents", weekly.key, index)
        yield from self._then_next()

    def _document(self, weekly: WeeklyFile, index: int, document: bytes, logged: set[str]) -> Iterator[Any]:
        """One document: a record when it parses and matches the prefixes, a dead letter when unreadable."""
        self._count("documents")
        try:
            patent = parse_document(document, fetched_at=dt.datetime.now(dt.UTC))
        except ParseError as error:
            where = f"{weekly.key}#{index}"
            if where not in logged:  # already logged by the run that was killed
                yield DeadLetter(self.source, where, f"ParseError: {error}", None, document)
            return
        if not self.keep(patent):
            self._count("filtered_out")
            return
        patent.url = ESPACENET.format(patent.id)
        yield CrawledRecord(patent, sha256_bytes(document))

    def keep(self, patent: Patent) -> bool:
        """Whether a document is VR-relevant by its CPC or IPC codes (always, with no prefixes)."""
        return code_matches([*patent.cpc, *patent.ipc], self.prefixes)

    def _then_next(self) -> Iterator[Request]:
        """The request for the next queued file, if any."""
        request = self._next()
        if request is not None:
            yield request

    def _count(self, what: str) -> None:
        """Count an event in the crawl stats (vrscope/uspto_bulk/…)."""
        if getattr(self, "crawler", None) is not None and self.crawler.stats:
            self.crawler.stats.inc_value(f"vrscope/uspto_bulk/{what}")

    def errback(self, failure: Failure) -> Iterator[Any]:
        """Network failures become dead letters keyed by the weekly file's public URL."""
        request = getattr(failure, "request", None)
        weekly = request.meta.get("weekly") if request is not None else None
        for item in super().errback(failure):
            yield DeadLetter(item.source, weekly.key, item.error) if weekly is not None else item
