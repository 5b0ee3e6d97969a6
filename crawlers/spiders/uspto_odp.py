"""USPTO Open Data Portal: search patent applications and grants, page by page (offset/limit).

Each record whose file wrapper names a full-text XML file (its grant's, else its pre-grant
publication's) gets that file's abstract and claims (``VRSCOPE_USPTO_ODP_FETCH_TEXT``); a record is
stored once, with its text, and a page counts as done when all its records are stored.

Progress is kept per query (crawl-state key: the query): the offset of the next page, written after
the records before it; ``0`` once the whole result list was read, so the next run starts over and
picks up new publications while a run cut short by ``max_results`` resumes where it stopped. The
offset advances by the hits a page gave, so a page that fails (after Scrapy's retries) is
dead-lettered and the crawl goes on with the next one.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

from pydantic import BaseModel, ConfigDict, Field
from scrapy.exceptions import CloseSpider
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawlers.items import CrawledRecord, CrawlState
from crawlers.parsers.uspto_odp import ParseError, parse_search
from crawlers.parsers.uspto_odp_text import DocumentFiles, merge_text, parse_document_files
from crawlers.parsers.uspto_xml import parse_document
from crawlers.spiders.base import MissingCredentials, VrscopeSpider, is_loopback
from vrscope.records import Patent
from vrscope.settings import Settings
from vrscope.store import Store, sha256_bytes

log = logging.getLogger(__name__)

ODP_MAX_PAGE = 100
ODP_ORIGIN = "https://api.uspto.gov"


@dataclass
class _Page:
    """A page whose records wait for their full texts; progress is saved once all are stored."""

    offset: int
    total: int
    hits: int
    pending: int = 0
    done: list[str] = field(default_factory=list)


class UsptoOdpArgs(BaseModel):
    """Spider arguments (``-a query=… -a max_results=… -a page_size=…``), checked before crawling."""

    model_config = ConfigDict(extra="forbid")

    query: str | None = Field(None, min_length=1, description="ODP search query; default from settings.")
    max_results: int | None = Field(None, ge=1, description="Most hits this run.")
    page_size: int | None = Field(None, ge=1, le=ODP_MAX_PAGE, description="Hits per search request (limit).")


class UsptoOdpSpider(VrscopeSpider):
    """Crawl the USPTO ODP patent applications search for the configured query."""

    name = "uspto_odp"
    source: ClassVar[str] = "uspto_odp"

    def __init__(self, *args: Any, query: str | None = None, max_results: int | str | None = None,
                 page_size: int | str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        given = {"query": query, "max_results": max_results, "page_size": page_size}
        self.args = UsptoOdpArgs.model_validate(given)
        self._key = ""
        self._run_limit = 0

    # configuration ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """ODP patent API base URL, e.g. https://api.uspto.gov/api/v1/patent (the mirror in tests)."""
        return self.vr_settings.uspto_odp_base_url.rstrip("/")

    @property
    def query(self) -> str:
        """The query this run searches; also the crawl-state key."""
        return self.args.query or self.vr_settings.uspto_odp_query

    @property
    def max_results(self) -> int:
        """Most hits to fetch in this run."""
        return self.args.max_results or self.vr_settings.uspto_odp_max_results

    def api_key(self) -> str:
        """The ODP API key; a dummy against a loopback mirror, else MissingCredentials."""
        key = self.vr_settings.uspto_odp_api_key
        if key and key.get_secret_value():
            return key.get_secret_value()
        if is_loopback(self.base_url):
            return "mirror"
        raise MissingCredentials(
            f"USPTO ODP at {self.base_url} needs an API key: set VRSCOPE_USPTO_ODP_API_KEY (free at"
            " data.uspto.gov, 'My API key'), or point VRSCOPE_USPTO_ODP_BASE_URL at the loopback mirror"
        )

    def resume_point(self) -> int:
        """The offset a previous, unfinished pass stored for this query (0 = start over)."""
        with Store(self.vr_settings.db_path) as store:
            value = store.get_state(self.source, self.query)
        try:
            return max(int(value or 0), 0)
        except ValueError:
            return 0

    # requests --------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        """Ask for the first page after where the last run stopped."""
        try:
            self._key = self.api_key()
        except MissingCredentials as error:
            log.error("%s", error)
            raise CloseSpider("uspto_odp_missing_credentials") from error
        offset = self.resume_point()
        self._run_limit = offset + self.max_results
        if offset:
            log.info("resuming %r at offset %d", self.query, offset)
        yield self._search_request(offset)

    def _search_request(self, offset: int) -> Request:
        page_size = self.args.page_size or self.vr_settings.uspto_odp_page_size
        limit = max(1, min(page_size, self._run_limit - offset))
        params = urlencode({"q": self.query, "offset": offset, "limit": limit}, quote_via=quote)
        return Request(f"{self.base_url}/applications/search?{params}",
                       headers={"X-API-KEY": self._key, "Accept": "application/json"},
                       callback=self.parse_page, errback=self.errback, dont_filter=True,
                       meta={"offset": offset, "limit": limit})

    # callbacks -------------------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterator[Any]:
        """Store the page's records and save progress, then ask for the next page."""
        offset: int = response.meta["offset"]
        if response.status == 404:  # ODP answers 404 when nothing (more) matches the query
            log.info("no hits for %r at offset %d", self.query, offset)
            yield CrawlState(self.source, self.query, "0")
            return
        failed = self.check_status(response)
        if failed:
            yield failed
            yield from self._skip(response)
            return
        try:
            page = parse_search(response.body, fetched_at=dt.datetime.now(dt.UTC))
        except ParseError as error:
            yield self.dead_letter(response, f"ParseError: {error}")
            yield from self._skip(response)
            return
        for problem in page.errors:
            yield self.dead_letter(response, f"ParseError: {problem}")
        if page.unpublished:
            log.debug("%d applications without a publication yet", len(page.unpublished))
        payload = sha256_bytes(response.body)
        files = self._files(response) if self.vr_settings.uspto_odp_fetch_text else {}
        tracker = _Page(offset + page.hits, page.total, page.hits)
        waiting: list[tuple[Patent, str]] = []
        for patent in page.patents:
            found = files.get(patent.application_number or "")
            uri = found.for_record(patent) if found else None
            if uri:
                waiting.append((patent, uri))
            else:
                yield CrawledRecord(patent, payload)
        tracker.pending = len(waiting)  # counted before yielding: an answer may come back first
        for patent, uri in waiting:
            yield Request(self._file_url(uri), headers={"X-API-KEY": self._key, "Accept": "application/xml"},
                          callback=self.parse_text, errback=self.text_failed, dont_filter=True,
                          meta={"patent": patent, "payload": payload, "page": tracker})
        if not waiting:
            yield from self._next(tracker.offset, tracker.total, tracker.hits)

    def _files(self, response: Response) -> dict[str, DocumentFiles]:
        try:
            return parse_document_files(response.body)
        except ParseError as error:
            log.warning("no full-text files for %s: %s", response.url, error)
            return {}

    def _file_url(self, uri: str) -> str:
        """A full-text file's address through the configured base URL (the mirror in tests and the demo)."""
        default = str(Settings.model_fields["uspto_odp_base_url"].default).rstrip("/")
        base = self.base_url
        if base == default or not uri.startswith(ODP_ORIGIN):
            return uri
        origin = base.removesuffix(default.removeprefix(ODP_ORIGIN))
        return origin + uri.removeprefix(ODP_ORIGIN)

    def parse_text(self, response: Response) -> Iterator[Any]:
        """Fill the record's abstract and claims from its full-text XML; failures keep the record as is."""
        patent: Patent = response.meta["patent"]
        if failed := self.check_status(response):
            yield failed
        else:
            try:
                patent = merge_text(patent, parse_document(response.body))
            except ParseError as error:
                yield self.dead_letter(response, f"ParseError: {error}")
        yield from self._text_done(patent, response.meta["payload"], response.meta["page"])

    def text_failed(self, failure: Failure) -> Iterator[Any]:
        """A network failure on a full-text file: dead letter, store the record without it."""
        yield from self.errback(failure)
        request = getattr(failure, "request", None)
        if request is not None and "patent" in request.meta:
            yield from self._text_done(request.meta["patent"], request.meta["payload"], request.meta["page"])

    def _text_done(self, patent: Patent, payload: str, page: _Page) -> Iterator[Any]:
        yield CrawledRecord(patent, payload)
        page.pending -= 1
        if page.pending == 0:
            yield from self._next(page.offset, page.total, page.hits)

    def _skip(self, response: Response) -> Iterator[Any]:
        """After a failed page, go on with the next one when the total is known from an earlier page."""
        total = response.meta.get("total")
        if total is not None:
            yield from self._next(response.meta["offset"] + response.meta["limit"], total, 1)

    def _next(self, offset: int, total: int, hits: int) -> Iterator[Any]:
        """Save progress; ask for the next page while hits remain and the run's budget lasts."""
        if not hits or offset >= total:
            yield CrawlState(self.source, self.query, "0")
            return
        yield CrawlState(self.source, self.query, str(offset))
        if offset < self._run_limit:
            request = self._search_request(offset)
            request.meta["total"] = total
            yield request
