"""USPTO Open Data Portal: search patent applications and grants incrementally, page by page.

Each run sweeps the configured query once per date field (``VRSCOPE_USPTO_ODP_DATE_FIELDS``, by
default the earliest pre-grant publication date and the grant date) with
``POST <base>/applications/search`` and a JSON body: ``q``, ``rangeFilters`` (the field between the
day ``VRSCOPE_USPTO_ODP_OVERLAP_DAYS`` before the last date fully fetched and today), ``sort`` by that
field and ``pagination`` (offset/limit). Progress is kept per query and date field
(``crawlers.parsers.uspto_odp_state``), written after the records before it, so a rerun asks only for
later dates and a run cut short by ``max_results`` or killed resumes at its page. A record found by
both sweeps in one run is stored once.

Each record whose file wrapper names a full-text XML file (its grant's, else its pre-grant
publication's) gets that file's abstract and claims (``VRSCOPE_USPTO_ODP_FETCH_TEXT``); a record is
stored once, with its text, and a page counts as done when all its records are stored. A page that
fails (after Scrapy's retries) is dead-lettered with its window and offset, and the sweep goes on
with the next one; a sweep with such a gap keeps its last date, so the next run tries it again.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field
from scrapy.exceptions import CloseSpider
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawlers.items import CrawledRecord, CrawlState
from crawlers.parsers.uspto_odp import ParseError, parse_search
from crawlers.parsers.uspto_odp_state import (
    OdpProgress,
    advance,
    describe,
    dump_progress,
    load_progress,
    search_body,
    start_sweep,
    state_key,
)
from crawlers.parsers.uspto_odp_text import DocumentFiles, merge_text, parse_document_files
from crawlers.parsers.uspto_xml import parse_document
from crawlers.spiders.base import MissingCredentials, VrscopeSpider, is_loopback
from crawlers.spiders.standards import SourceLimits
from vrscope.records import Patent
from vrscope.settings import Settings
from vrscope.store import Store, sha256_bytes

log = logging.getLogger(__name__)

ODP_MAX_PAGE = 100
ODP_ORIGIN = "https://api.uspto.gov"


@dataclass
class _Page:
    """A page whose records wait for their full texts; progress is saved once all are stored."""

    date_field: str
    after: OdpProgress
    total: int
    pending: int = 0


class UsptoOdpArgs(BaseModel):
    """Spider arguments (``-a query=… -a max_results=… -a page_size=…``), checked before crawling."""

    model_config = ConfigDict(extra="forbid")

    query: str | None = Field(None, min_length=1, description="ODP search query; default from settings.")
    max_results: int | None = Field(None, ge=1, description="Most hits this run (all date fields together).")
    page_size: int | None = Field(None, ge=1, le=ODP_MAX_PAGE, description="Hits per search request (limit).")


class UsptoOdpSpider(SourceLimits, VrscopeSpider):
    """Crawl the USPTO ODP patent applications search for the configured query."""

    name = "uspto_odp"
    source: ClassVar[str] = "uspto_odp"

    def __init__(self, *args: Any, query: str | None = None, max_results: int | str | None = None,
                 page_size: int | str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        given = {"query": query, "max_results": max_results, "page_size": page_size}
        self.args = UsptoOdpArgs.model_validate(given)
        self._key = ""
        self._asked = 0  # hits asked for so far this run (the limits of the search requests sent)
        self._seen: set[str] = set()  # records stored (or on their way) this run

    # configuration ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """ODP patent API base URL, e.g. https://api.uspto.gov/api/v1/patent (the mirror in tests)."""
        return self.vr_settings.uspto_odp_base_url.rstrip("/")

    @property
    def query(self) -> str:
        """The query this run searches."""
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

    def progress(self, date_field: str) -> OdpProgress:
        """Where the last run of this query along ``date_field`` stopped."""
        with Store(self.vr_settings.db_path) as store:
            return load_progress(store.get_state(self.source, state_key(self.query, date_field)))

    # requests --------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        """Ask for the first page still to fetch of each date field's sweep."""
        try:
            self._key = self.api_key()
        except MissingCredentials as error:
            log.error("%s", error)
            raise CloseSpider("uspto_odp_missing_credentials") from error
        today = dt.datetime.now(dt.UTC).date()
        for date_field in dict.fromkeys(self.vr_settings.uspto_odp_date_fields):
            progress = start_sweep(self.progress(date_field), today, self.vr_settings.uspto_odp_overlap_days)
            log.info("%s: %r from %s to %s, offset %d", date_field, self.query, progress.start or "the start",
                     progress.end, progress.offset)
            request = self._search_request(date_field, progress)
            if request is not None:
                yield request

    def _search_request(self, date_field: str, progress: OdpProgress) -> Request | None:
        """The search request for the sweep's next page; None once this run's budget is spent."""
        page_size = self.args.page_size or self.vr_settings.uspto_odp_page_size
        limit = min(page_size, self.max_results - self._asked)
        if limit <= 0:
            return None
        self._asked += limit
        body = search_body(self.query, date_field, progress, limit)
        return Request(f"{self.base_url}/applications/search", method="POST", body=json.dumps(body),
                       headers={"X-API-KEY": self._key, "Accept": "application/json",
                                "Content-Type": "application/json"},
                       callback=self.parse_page, errback=self.errback, dont_filter=True,
                       meta={"date_field": date_field, "progress": progress, "limit": limit, "body": body})

    # callbacks -------------------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterator[Any]:
        """Store the page's records and save progress, then ask for the next page."""
        date_field: str = response.meta["date_field"]
        progress: OdpProgress = response.meta["progress"]
        where = describe(response.meta["body"])
        if response.status == 404:  # ODP answers 404 when nothing (more) matches the query
            log.info("no (more) hits for %r: %s", self.query, where)
            yield from self._next(_Page(date_field, advance(progress, 0, 0), 0))
            return
        failed = self.check_status(response)
        if failed:
            yield self.dead_letter(response, f"{failed.error} ({where})")
            yield from self._skip(response)
            return
        try:
            page = parse_search(response.body, fetched_at=dt.datetime.now(dt.UTC))
        except ParseError as error:
            yield self.dead_letter(response, f"ParseError: {error} ({where})")
            yield from self._skip(response)
            return
        for problem in page.errors:
            yield self.dead_letter(response, f"ParseError: {problem} ({where})")
        if page.unpublished:
            log.debug("%d applications without a publication yet", len(page.unpublished))
        payload = sha256_bytes(response.body)
        files = self._files(response) if self.vr_settings.uspto_odp_fetch_text else {}
        after = advance(progress, progress.offset + page.hits, page.total) if page.hits else advance(
            progress, 0, 0)
        tracker = _Page(date_field, after, page.total)
        waiting: list[tuple[Patent, str]] = []
        for patent in page.patents:
            if patent.id in self._seen:  # found by the other date field's sweep in this run
                continue
            self._seen.add(patent.id)
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
            yield from self._next(tracker)

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
            yield from self._next(page)

    def _skip(self, response: Response) -> Iterator[Any]:
        """After a failed page, go on with the next one when the total is known from an earlier page.

        The first page failing ends this sweep for the run; its progress stays, so the next run retries.
        """
        total = response.meta.get("total")
        if total is not None:
            progress: OdpProgress = response.meta["progress"]
            after = advance(progress, progress.offset + response.meta["limit"], total, skipped=True)
            yield from self._next(_Page(response.meta["date_field"], after, total))

    def _next(self, page: _Page) -> Iterator[Any]:
        """Save progress; ask for the sweep's next page while it lasts and the run's budget allows."""
        yield CrawlState(self.source, state_key(self.query, page.date_field), dump_progress(page.after))
        if not page.after.sweeping:
            log.info("%s: %r fetched up to %s", page.date_field, self.query, page.after.until)
            return
        request = self._search_request(page.date_field, page.after)
        if request is not None:
            request.meta["total"] = page.total
            yield request
