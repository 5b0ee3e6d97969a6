"""PatentsView PatentSearch API: the patent endpoint with a JSON query, paged with a cursor.

Each request is ``GET <base>/patent/?q=…&f=…&s=[{"patent_id":"asc"}]&o={"size":n,"after":"…"}``
with the key in ``X-Api-Key``. Progress is kept per query (crawl-state key: the query; see
``crawlers.parsers.patentsview_state``): the cursor (last ``patent_id`` stored) of the pass under
way, written after the records before it, and the latest grant date of the last finished pass, so
the next run asks only for patents granted from ``VRSCOPE_PATENTSVIEW_OVERLAP_DAYS`` before it on.
The API allows 45 requests a minute per key: the download delay is set from
``patentsview_rate_per_minute`` and not randomized below it; a 429 is retried after its Retry-After.
Each page's records get the US patents they cite from ``<base>/patent/us_patent_citation/``
(``VRSCOPE_PATENTSVIEW_FETCH_CITATIONS``; up to 1,000 rows a request, asked again from the last
citing patent when an answer is full) before they are stored; a failed citation request is
dead-lettered and the records are stored without (the rest of) their citations.
The legacy API (api.patentsview.org) answers 410 Gone: that is logged as a clear error,
dead-lettered, and the spider closes.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

from pydantic import BaseModel, ConfigDict, Field, field_validator
from scrapy.exceptions import CloseSpider
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from crawlers.items import CrawledRecord, CrawlState
from crawlers.parsers.patentsview import CITATION_FIELDS, FIELDS, ParseError, parse_citations, parse_patents
from crawlers.parsers.patentsview_state import (
    PvProgress,
    advance,
    dump_progress,
    load_progress,
    query_for,
    start_pass,
)
from crawlers.spiders.base import MissingCredentials, VrscopeSpider, is_loopback
from crawlers.spiders.standards import SourceLimits
from vrscope.records import Patent
from vrscope.settings import Settings, get_settings
from vrscope.store import Store, sha256_bytes

log = logging.getLogger(__name__)

PV_MAX_PAGE = 1000
SORT = json.dumps([{"patent_id": "asc"}], separators=(",", ":"))
CITATION_SORT = json.dumps([{"patent_id": "asc"}, {"citation_sequence": "asc"}], separators=(",", ":"))
NEW_API = "https://search.patentsview.org/api/v1"


def compact(value: Any) -> str:
    """JSON without spaces: the form every q/f/s/o parameter is sent in (and the mirror matches)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def delay_for(rate_per_minute: int) -> float:
    """Seconds between requests for a rate, rounded up to 10 ms: 45/min → 1.34 s."""
    return math.ceil(6000 / max(rate_per_minute, 1)) / 100


@dataclass
class _Batch:
    """A page's records waiting for their citations; stored, then progress saved, once they are in."""

    patents: list[Patent]
    ids: list[str]
    payload: str
    progress: PvProgress
    finished: bool
    citations: dict[str, list[str]] = field(default_factory=dict)


class PatentsViewArgs(BaseModel):
    """Spider arguments (``-a query='{…}' -a max_results=… -a page_size=…``), checked before crawling."""

    model_config = ConfigDict(extra="forbid")

    query: str | None = Field(None, min_length=2, description="PatentSearch q (JSON); default from settings.")
    max_results: int | None = Field(None, ge=1, description="Most hits this run.")
    page_size: int | None = Field(None, ge=1, le=PV_MAX_PAGE, description="Hits per request (o.size).")

    @field_validator("query")
    @classmethod
    def _json_object(cls, value: str | None) -> str | None:
        """The query must be a JSON object."""
        if value is not None and not isinstance(json.loads(value), dict):
            raise ValueError("query must be a JSON object")
        return value


class PatentsViewSpider(SourceLimits, VrscopeSpider):
    """Crawl PatentsView PatentSearch granted patents for the configured query."""

    name = "patentsview"
    source: ClassVar[str] = "patentsview"
    def __init__(self, *args: Any, query: str | None = None, max_results: int | str | None = None,
                 page_size: int | str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        given = {"query": query, "max_results": max_results, "page_size": page_size}
        self.args = PatentsViewArgs.model_validate(given)
        self._key = ""
        self._fetched = 0

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Set the download delay from the API's rate limit (never below the crawl delay), no jitter."""
        super().update_settings(settings)
        given = settings.get("VRSCOPE_SETTINGS")
        rate = (given if isinstance(given, Settings) else get_settings()).patentsview_rate_per_minute
        delay = max(settings.getfloat("DOWNLOAD_DELAY"), delay_for(rate))
        settings.set("DOWNLOAD_DELAY", delay, priority="spider")
        # A jittered delay would go down to half of it, above the API's rate.
        settings.set("DOWNLOAD_DELAY_JITTER", 0, priority="spider")

    # configuration ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """PatentSearch base URL, e.g. https://search.patentsview.org/api/v1 (the mirror in tests)."""
        return self.vr_settings.patentsview_base_url.rstrip("/")

    @property
    def query(self) -> str:
        """The q parameter, compacted; also the crawl-state key."""
        return compact(json.loads(self.args.query or self.vr_settings.patentsview_query))

    @property
    def max_results(self) -> int:
        """Most hits to fetch in this run."""
        return self.args.max_results or self.vr_settings.patentsview_max_results

    def api_key(self) -> str:
        """The API key; a dummy against a loopback mirror, else MissingCredentials."""
        key = self.vr_settings.patentsview_api_key
        if key and key.get_secret_value():
            return key.get_secret_value()
        if is_loopback(self.base_url):
            return "mirror"
        raise MissingCredentials(
            f"PatentsView at {self.base_url} needs an API key: set VRSCOPE_PATENTSVIEW_API_KEY (request"
            " one from the PatentsView support portal), or point VRSCOPE_PATENTSVIEW_BASE_URL at the"
            " loopback mirror"
        )

    def progress(self) -> PvProgress:
        """Where the last run of this query stopped."""
        with Store(self.vr_settings.db_path) as store:
            return load_progress(store.get_state(self.source, self.query))

    # requests --------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        """Ask for the first page after where the last run stopped."""
        try:
            self._key = self.api_key()
            query = self.query
        except MissingCredentials as error:
            log.error("%s", error)
            raise CloseSpider("patentsview_missing_credentials") from error
        except ValueError as error:
            log.error("VRSCOPE_PATENTSVIEW_QUERY is not JSON: %s", error)
            raise CloseSpider("patentsview_bad_query") from error
        progress = start_pass(self.progress(), self.vr_settings.patentsview_overlap_days)
        log.info("%s: granted from %s on, after patent %s", query, progress.since or "the start",
                 progress.after or "none")
        yield self._request(progress)

    def _request(self, progress: PvProgress) -> Request:
        page_size = self.args.page_size or self.vr_settings.patentsview_page_size
        size = max(1, min(page_size, self.max_results - self._fetched))
        options: dict[str, Any] = {"size": size}
        if progress.after:
            options["after"] = progress.after
        q = compact(query_for(json.loads(self.query), progress))
        params = urlencode({"q": q, "f": compact(list(FIELDS)), "s": SORT, "o": compact(options)},
                           quote_via=quote)
        return Request(f"{self.base_url}/patent/?{params}",
                       headers={"X-Api-Key": self._key, "Accept": "application/json"},
                       callback=self.parse_page, errback=self.errback, dont_filter=True,
                       meta={"progress": progress, "size": size})

    # callbacks -------------------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterator[Any]:
        """Store the page's records, save the cursor, ask for the next page."""
        if response.status == 410:
            log.error("PatentsView answered 410 Gone at %s: the legacy PatentsView API is retired; set"
                      " VRSCOPE_PATENTSVIEW_BASE_URL to %s (the PatentSearch API, with an API key)",
                      response.url, NEW_API)
            yield self.dead_letter(response, "HTTP 410 Gone: legacy PatentsView API retired; use " + NEW_API)
            raise CloseSpider("patentsview_gone")
        failed = self.check_status(response)
        if failed:
            # The cursor is lost with this page: stop here; the stored cursor resumes the next run.
            yield failed
            return
        try:
            page = parse_patents(response.body, fetched_at=dt.datetime.now(dt.UTC))
        except ParseError as error:
            yield self.dead_letter(response, f"ParseError: {error}")
            return
        for problem in page.errors:
            yield self.dead_letter(response, f"ParseError: {problem}")
        self._fetched += page.count
        finished = not page.count or page.last_id is None or page.count < response.meta["size"]
        progress = advance(response.meta["progress"], page.last_id, page.latest, finished)
        batch = _Batch(page.patents, page.ids, sha256_bytes(response.body), progress, finished)
        if self.vr_settings.patentsview_fetch_citations and batch.ids:
            yield self._citation_request(batch, None)
        else:
            yield from self._store(batch)

    def _citation_request(self, batch: _Batch, start: tuple[str, str] | None) -> Request:
        """Citations of the batch's patents; ``start`` = (``_gte``/``_gt``, patent_id) after a full answer."""
        query: dict[str, Any] = {"patent_id": batch.ids}
        if start is not None:
            query = {"_and": [query, {start[0]: {"patent_id": start[1]}}]}
        params = urlencode({"q": compact(query), "f": compact(list(CITATION_FIELDS)), "s": CITATION_SORT,
                            "o": compact({"size": PV_MAX_PAGE})}, quote_via=quote)
        return Request(f"{self.base_url}/patent/us_patent_citation/?{params}",
                       headers={"X-Api-Key": self._key, "Accept": "application/json"},
                       callback=self.parse_citations, errback=self.citations_failed, dont_filter=True,
                       meta={"batch": batch})

    def parse_citations(self, response: Response) -> Iterator[Any]:
        """Add an answer's citations to the batch; ask for more while answers are full, then store it."""
        batch: _Batch = response.meta["batch"]
        if failed := self.check_status(response):
            yield failed
            yield from self._store(batch)
            return
        try:
            answer = parse_citations(response.body)
        except ParseError as error:
            yield self.dead_letter(response, f"ParseError: {error}")
            yield from self._store(batch)
            return
        more: tuple[str, str] | None = None
        if answer.count >= PV_MAX_PAGE and answer.last_id:
            if len(answer.by_patent) > 1:  # the last patent's list may go on: ask for it again, whole
                answer.by_patent.pop(answer.last_id)
                more = ("_gte", answer.last_id)
            else:  # one patent with more than a page of citations: keep the first page, go on after it
                more = ("_gt", answer.last_id)
        for citing, cited in answer.by_patent.items():
            known = batch.citations.setdefault(citing, [])
            known.extend(c for c in cited if c not in known)
        if more is not None:
            yield self._citation_request(batch, more)
        else:
            yield from self._store(batch)

    def citations_failed(self, failure: Failure) -> Iterator[Any]:
        """A network failure on a citation request: dead letter, store the records without them."""
        yield from self.errback(failure)
        request = getattr(failure, "request", None)
        if request is not None and "batch" in request.meta:
            yield from self._store(request.meta["batch"])

    def _store(self, batch: _Batch) -> Iterator[Any]:
        """Store the batch's records, save the cursor, ask for the next page."""
        for patent, patent_id in zip(batch.patents, batch.ids, strict=True):
            cited = batch.citations.get(patent_id)
            record = patent.model_copy(update={"citations": cited}) if cited else patent
            yield CrawledRecord(record, batch.payload)
        yield CrawlState(self.source, self.query, dump_progress(batch.progress))
        if batch.finished:
            log.info("%s: fetched up to grants of %s", self.query, batch.progress.until)
        elif self._fetched < self.max_results:
            yield self._request(batch.progress)
