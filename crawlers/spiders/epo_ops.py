"""EPO OPS 3.2: token, then search/biblio pages, then the abstract of each hit whose biblio lacks one.

Why search/biblio and not search + one biblio request per hit: the biblio constituent of a search
answer already carries everything the biblio endpoint gives (titles, parties, classifications,
citations and, when OPS has one, the abstract), 25 documents per request. The abstract endpoint is
asked only for hits that came without an abstract, and its answer is merged into the record, so
each document is stored once per run with everything we could get.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

import scrapy
from pydantic import BaseModel, ConfigDict, Field
from scrapy.exceptions import CloseSpider
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawlers.items import CrawledRecord, CrawlState
from crawlers.parsers.epo_ops import (
    ParseError,
    merge_patents,
    parse_access_token,
    parse_exchange_documents,
    parse_exchange_documents_partial,
    parse_search,
    parse_throttling,
)
from crawlers.spiders.base import MissingCredentials, VrscopeSpider, is_loopback
from vrscope.ids import split_patent_number
from vrscope.records import Patent
from vrscope.store import Store, sha256_bytes

log = logging.getLogger(__name__)

# OPS serves search hits 1..2000 at most, at most 100 per request.
OPS_MAX_RANGE = 2000
OPS_MAX_PAGE = 100
ESPACENET = "https://worldwide.espacenet.com/patent/search?q=pn%3D{}"


class EpoOpsArgs(BaseModel):
    """Spider arguments (``-a query=… -a max_results=… -a page_size=…``), checked before crawling."""

    model_config = ConfigDict(extra="forbid")

    query: str | None = Field(None, min_length=1, description="CQL query; default settings.epo_ops_query.")
    max_results: int | None = Field(None, ge=1, le=OPS_MAX_RANGE, description="Most hits this run.")
    page_size: int = Field(25, ge=1, le=OPS_MAX_PAGE, description="Hits per search request.")


@dataclass
class _Page:
    """One search page in flight: the next page is asked for once all its abstracts are in."""

    end: int
    total: int
    hits: int
    pending: int = 0


class EpoOpsSpider(VrscopeSpider):
    """Crawl EPO OPS published data for the configured CQL query."""

    name = "epo_ops"
    source: ClassVar[str] = "epo_ops"

    def __init__(self, *args: Any, query: str | None = None, max_results: int | str | None = None,
                 page_size: int | str = 25, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        given = {"query": query, "max_results": max_results, "page_size": page_size}
        self.args = EpoOpsArgs.model_validate(given)
        self._token: str | None = None
        self._run_limit = 0

    # configuration ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """OPS base URL, e.g. https://ops.epo.org/3.2 (the mirror in tests and the demo)."""
        return self.vr_settings.epo_ops_base_url.rstrip("/")

    @property
    def query(self) -> str:
        """The CQL query this run searches; also the crawl-state key."""
        return self.args.query or self.vr_settings.epo_ops_query

    @property
    def max_results(self) -> int:
        """Most hits to fetch in this run."""
        return min(self.args.max_results or self.vr_settings.epo_ops_max_results, OPS_MAX_RANGE)

    def credentials(self) -> tuple[str, str]:
        """Consumer key and secret; dummies against a loopback mirror, else MissingCredentials."""
        settings = self.vr_settings
        key = settings.epo_ops_key.get_secret_value() if settings.epo_ops_key else ""
        secret = settings.epo_ops_secret.get_secret_value() if settings.epo_ops_secret else ""
        if key and secret:
            return key, secret
        if is_loopback(self.base_url):
            return key or "mirror", secret or "mirror"
        raise MissingCredentials(
            f"EPO OPS at {self.base_url} needs credentials: set VRSCOPE_EPO_OPS_KEY and"
            " VRSCOPE_EPO_OPS_SECRET (a free OPS account at developers.epo.org), or point"
            " VRSCOPE_EPO_OPS_BASE_URL at the loopback mirror"
        )

    def resume_point(self) -> int:
        """The last range end a previous, unfinished pass stored for this query (0 = start over)."""
        with Store(self.vr_settings.db_path) as store:
            value = store.get_state(self.source, self.query)
        try:
            done = int(value or 0)
        except ValueError:
            return 0
        return done if 0 < done < OPS_MAX_RANGE else 0

    # requests --------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        """Ask for a token, then for the first search page after where the last run stopped."""
        try:
            key, secret = self.credentials()
        except MissingCredentials as error:
            log.error("%s", error)
            raise CloseSpider("epo_ops_missing_credentials") from error
        begin = self.resume_point() + 1
        self._run_limit = begin - 1 + self.max_results
        if begin > 1:
            log.info("resuming %r after hit %d", self.query, begin - 1)
        yield self._token_request(key, secret, then=[self._search_request(begin)])

    def _token_request(self, key: str, secret: str, then: list[Request]) -> Request:
        basic = base64.b64encode(f"{key}:{secret}".encode()).decode("ascii")
        return scrapy.FormRequest(
            f"{self.base_url}/auth/accesstoken", formdata={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}", "Accept": "application/json"},
            callback=self.parse_token, errback=self.errback, dont_filter=True, meta={"then": then},
        )

    def _authorized(self, request: Request) -> Request:
        headers = request.headers.copy()
        headers[b"Authorization"] = f"Bearer {self._token}"
        return request.replace(headers=headers)

    def _search_request(self, begin: int) -> Request:
        end = min(begin + self.args.page_size - 1, self._run_limit, OPS_MAX_RANGE)
        # Range goes in the URL, where OPS accepts it too, so each page has its own cacheable address.
        params = urlencode({"q": self.query, "Range": f"{begin}-{end}"}, quote_via=quote)
        return Request(f"{self.base_url}/rest-services/published-data/search/biblio?{params}",
                       headers={"Accept": "application/xml"}, callback=self.parse_search_page,
                       errback=self.errback, dont_filter=True)

    def _abstract_request(self, patent: Patent, payload: str, page: _Page) -> Request:
        country, number, kind = split_patent_number(patent.id)
        docdb = ".".join(p for p in (country, number, kind) if p)
        return Request(f"{self.base_url}/rest-services/published-data/publication/docdb/{docdb}/abstract",
                       headers={"Accept": "application/xml"}, callback=self.parse_abstract,
                       errback=self.abstract_failed, dont_filter=True,
                       meta={"patent": patent, "payload": payload, "page": page})

    # callbacks -------------------------------------------------------------------------------
    def parse_token(self, response: Response) -> Iterator[Any]:
        """Keep the access token and send the requests that waited for it."""
        failed = self.check_status(response)
        if failed:
            log.error("OPS refused the token request (HTTP %s): check the consumer key and secret",
                      response.status)
            yield failed
            return
        try:
            self._token = parse_access_token(response.body).token
        except ParseError as error:
            yield self.dead_letter(response, f"ParseError: {error}")
            return
        for request in response.meta["then"]:
            yield self._authorized(request)

    def _token_expired(self, response: Response) -> bool:
        """Whether OPS refused an expired token (tokens live 20 minutes); renewed once per request."""
        body = response.body[:2000].lower()
        return (response.status in (400, 401) and not response.meta.get("token_renewed")
                and response.request is not None
                and any(marker in body for marker in (b"access token", b"accesstoken", b"access_token")))

    def _renew_token(self, response: Response) -> Iterator[Any]:
        """Ask for a new token and replay the request with it."""
        assert response.request is not None
        again = response.request.replace()
        again.meta["token_renewed"] = True
        yield self._token_request(*self.credentials(), then=[again])

    def parse_search_page(self, response: Response) -> Iterator[Any]:
        """Store every hit that has an abstract; ask for the abstract of the others."""
        if self._token_expired(response):
            yield from self._renew_token(response)
            return
        self._apply_throttling(response, "search")
        if response.status == 404:  # OPS answers 404 when no (more) hits exist for the query
            log.info("no hits for %r at %s", self.query, response.url)
            yield CrawlState(self.source, self.query, "0")
            return
        failed = self.check_status(response)
        if failed:
            yield failed
            return
        try:
            page = parse_search(response.body)
            result = parse_exchange_documents_partial(response.body, fetched_at=dt.datetime.now(dt.UTC))
        except ParseError as error:
            yield self.dead_letter(response, f"ParseError: {error}")
            return
        for problem in result.errors:
            yield self.dead_letter(response, f"ParseError: {problem}")
        payload = sha256_bytes(response.body)
        tracker = _Page(end=page.end, total=page.total, hits=len(page.references))
        ready: list[CrawledRecord] = []
        waiting: list[Patent] = []
        for patent in result.patents:
            patent.url = ESPACENET.format(patent.id)
            if patent.abstracts:
                ready.append(CrawledRecord(patent, payload))
            else:
                waiting.append(patent)
        # Count before yielding: an abstract may come back before this generator is drained.
        tracker.pending = len(waiting)
        yield from ready
        for patent in waiting:
            yield self._authorized(self._abstract_request(patent, payload, tracker))
        if not waiting:
            yield from self._page_done(tracker)

    def parse_abstract(self, response: Response) -> Iterator[Any]:
        """Merge the abstract into the biblio record and store it; failures keep the biblio record."""
        if self._token_expired(response):
            yield from self._renew_token(response)
            return
        self._apply_throttling(response, "retrieval")
        patent: Patent = response.meta["patent"]
        record = CrawledRecord(patent, response.meta["payload"])
        if response.status == 404:  # OPS has no abstract for this publication
            log.debug("no abstract for %s", patent.id)
        elif failed := self.check_status(response):
            yield failed
        else:
            try:
                views = [p for p in parse_exchange_documents(response.body) if p.id == patent.id]
                if not views:
                    raise ParseError(f"answer does not contain {patent.id}")
                record = self.record(merge_patents(patent, views[0]), response)
            except ParseError as error:
                yield self.dead_letter(response, f"ParseError: {error}")
        yield record
        yield from self._page_step(response.meta["page"])

    def abstract_failed(self, failure: Failure) -> Iterator[Any]:
        """A network failure on an abstract: dead letter, keep the biblio record, go on."""
        yield from self.errback(failure)
        request = getattr(failure, "request", None)
        if request is None or "patent" not in request.meta:
            return
        yield CrawledRecord(request.meta["patent"], request.meta["payload"])
        yield from self._page_step(request.meta["page"])

    # paging and politeness ----------------------------------------------------------------------
    def _page_step(self, page: _Page) -> Iterator[Any]:
        page.pending -= 1
        if page.pending == 0:
            yield from self._page_done(page)

    def _page_done(self, page: _Page) -> Iterator[Any]:
        """Save progress, then ask for the next page while the run's budget lasts."""
        if not page.hits or page.end >= page.total or page.end >= OPS_MAX_RANGE:
            # The whole result list is done: the next run starts over and picks up new publications.
            yield CrawlState(self.source, self.query, "0")
            return
        yield CrawlState(self.source, self.query, str(page.end))
        if page.end < self._run_limit:
            yield self._authorized(self._search_request(page.end + 1))

    def _apply_throttling(self, response: Response, service: str) -> None:
        """Raise the download delay when OPS turns the service yellow, red or black."""
        try:
            throttling = parse_throttling(response.headers.get(b"X-Throttling-Control"))
        except ParseError as error:
            log.warning("%s", error)
            return
        engine = self.crawler.engine
        if throttling is None or engine is None or response.request is None:
            return
        wanted = throttling.delay(service)
        if wanted <= 0:
            return
        slot = engine.downloader.slots.get(engine.downloader.get_slot_key(response.request))
        if slot is not None and slot.delay < wanted:
            log.info("OPS %s is %s (%s): delay now %.1fs", service, throttling.colour(service),
                     throttling.state, wanted)
            slot.delay = wanted
            if self.crawler.stats:
                self.crawler.stats.inc_value("vrscope/epo_ops/slowdowns")
