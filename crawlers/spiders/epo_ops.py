"""EPO OPS 3.2: token, then per query the search/biblio pages, then per hit its abstract, claims,
simple family and legal events.

Why search/biblio and not search + one biblio request per hit: the biblio constituent of a search
answer already carries everything the biblio endpoint gives, 25 documents per request. The extra
requests of a hit (abstract when the biblio lacks one; claims, family and legal when the settings ask
for them) all merge into its one record, stored once when the last of them is in. Family members
other than the hit are stored as records of their own (family id kept), at most one family request per
family and run.

Queries: the explicit one, or those built from the taxonomy (``epo_ops_cql``). Each pass covers the
publications after the last date fully fetched; a date slice with more than 2,000 hits (OPS's cap) is
bisected. Progress (``epo_ops_state``) is saved per query after every page, so a killed run resumes at
the next page and a finished pass makes the next run ask only for newer publications.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

from pydantic import BaseModel, ConfigDict, Field
from scrapy.exceptions import CloseSpider
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawlers.items import CrawledRecord, CrawlState
from crawlers.parsers.epo_ops import (
    ParseError,
    attach_claims,
    merge_patents,
    parse_claims,
    parse_exchange_documents,
    parse_exchange_documents_partial,
    parse_search,
)
from crawlers.parsers.epo_ops_cql import build_queries, with_dates
from crawlers.parsers.epo_ops_family import events_for, legal_status, parse_family
from crawlers.parsers.epo_ops_state import (
    OPS_MAX_RANGE,
    Progress,
    advance,
    dump_progress,
    load_progress,
    split_current,
    start_pass,
)
from crawlers.spiders.base import MissingCredentials
from crawlers.spiders.epo_ops_session import OpsSession
from crawlers.spiders.standards import SourceLimits
from vrscope.ids import split_patent_number
from vrscope.records import Patent
from vrscope.store import Store, sha256_bytes

log = logging.getLogger(__name__)

OPS_MAX_PAGE = 100
ESPACENET = "https://worldwide.espacenet.com/patent/search?q=pn%3D{}"
# Which OPS throttling service each kind of request counts against.
SERVICES = {"abstract": "retrieval", "claims": "retrieval", "family": "inpadoc", "legal": "inpadoc"}


class EpoOpsArgs(BaseModel):
    """Spider arguments (``-a query=… -a max_results=… -a page_size=…``), checked before crawling."""

    model_config = ConfigDict(extra="forbid")

    query: str | None = Field(None, min_length=1, description="CQL query; default settings.epo_ops_query.")
    max_results: int | None = Field(None, ge=1, le=OPS_MAX_RANGE, description="Most hits this run.")
    page_size: int = Field(25, ge=1, le=OPS_MAX_PAGE, description="Hits per search request.")


@dataclass
class _Page:
    """One search page in flight: its progress is saved once every hit on it is stored."""

    index: int
    progress: Progress
    pending: int = 0


@dataclass
class _Doc:
    """One hit waiting for its extra requests (abstract, claims, family, legal)."""

    patent: Patent
    payload: str
    page: _Page
    pending: int = 0


class EpoOpsSpider(SourceLimits, OpsSession):
    """Crawl EPO OPS published data for the configured (or taxonomy-built) CQL queries."""

    name = "epo_ops"
    source: ClassVar[str] = "epo_ops"

    def __init__(self, *args: Any, query: str | None = None, max_results: int | str | None = None,
                 page_size: int | str = 25, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        given = {"query": query, "max_results": max_results, "page_size": page_size}
        self.args = EpoOpsArgs.model_validate(given)
        self._token: str | None = None
        self._queries: list[str] = []
        self._fetched = 0
        self._families: set[str] = set()
        self._today = dt.datetime.now(dt.UTC).date()
        self._store: Store | None = None

    # configuration ---------------------------------------------------------------------------

    @property
    def queries(self) -> list[str]:
        """The CQL queries this run searches (each also a crawl-state key): explicit, or from the taxonomy."""
        explicit = self.args.query or self.vr_settings.epo_ops_query.strip()
        return [explicit] if explicit else build_queries()

    @property
    def max_results(self) -> int:
        """Most hits to fetch in this run, over all queries."""
        return self.args.max_results or self.vr_settings.epo_ops_max_results

    @property
    def store(self) -> Store:
        """A read connection to the store of record (crawl state, family members already stored)."""
        if self._store is None:
            self._store = Store(self.vr_settings.db_path)
        return self._store

    def closed(self, reason: str) -> None:
        """Close the read connection."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def progress(self, query: str) -> Progress:
        """Where this query's last run stopped."""
        return load_progress(self.store.get_state(self.source, query))

    # requests --------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        """Ask for a token, then for the first search page still to fetch."""
        try:
            key, secret = self.credentials()
        except MissingCredentials as error:
            log.error("%s", error)
            raise CloseSpider("epo_ops_missing_credentials") from error
        self._queries = self.queries
        first = self._next_query(0)
        if first is not None:
            yield self._token_request(key, secret, then=[first])

    def _next_query(self, index: int) -> Request | None:
        """The next search request from query ``index`` on, or None when the run is over."""
        if index >= len(self._queries):
            return None
        progress = start_pass(self.progress(self._queries[index]), self._today,
                              self.vr_settings.epo_ops_overlap_days)
        if progress.done or len(progress.slices) > 1 or progress.end != self._today:
            log.info("resuming %r at %s after hit %d", self._queries[index], progress.current, progress.done)
        return self._search_request(index, progress)

    def _search_request(self, index: int, progress: Progress) -> Request | None:
        left = self.max_results - self._fetched
        current = progress.current
        if left <= 0 or current is None:
            return None
        begin = progress.done + 1
        end = min(begin + self.args.page_size - 1, begin + left - 1, OPS_MAX_RANGE)
        query = with_dates(self._queries[index], *current)
        # Range goes in the URL, where OPS accepts it too, so each page has its own cacheable address.
        params = urlencode({"q": query, "Range": f"{begin}-{end}"}, quote_via=quote)
        return Request(f"{self.base_url}/rest-services/published-data/search/biblio?{params}",
                       headers={"Accept": "application/xml"}, callback=self.parse_search_page,
                       errback=self.errback, dont_filter=True, meta={"index": index, "progress": progress})

    def _part_request(self, doc: _Doc, part: str) -> Request:
        country, number, kind = split_patent_number(doc.patent.id)
        docdb = ".".join(p for p in (country, number, kind) if p)
        paths = {"abstract": f"published-data/publication/docdb/{docdb}/abstract",
                 "claims": f"published-data/publication/docdb/{docdb}/claims",
                 "family": f"family/publication/docdb/{docdb}",
                 "legal": f"legal/publication/docdb/{docdb}"}
        return self._authorized(Request(
            f"{self.base_url}/rest-services/{paths[part]}", headers={"Accept": "application/xml"},
            callback=self.parse_part, errback=self.part_failed, dont_filter=True,
            meta={"doc": doc, "part": part}))

    def _parts(self, patent: Patent) -> list[str]:
        """The extra requests a hit needs, as the settings ask; one family request per family and run."""
        settings = self.vr_settings
        parts = [] if patent.abstracts else ["abstract"]
        if settings.epo_ops_fetch_claims:
            parts.append("claims")
        family = patent.family_id
        if settings.epo_ops_fetch_family and (family is None or family not in self._families):
            if family:
                self._families.add(family)
            parts.append("family")
        if settings.epo_ops_fetch_legal:
            parts.append("legal")
        return parts

    # callbacks -------------------------------------------------------------------------------

    def parse_search_page(self, response: Response) -> Iterator[Any]:
        """Split an over-full date slice; else store the hits that need nothing more, ask for the rest."""
        if self._token_expired(response):
            yield from self._renew_token(response)
            return
        yield from self._stop_on_quota(response)
        self._apply_throttling(response, "search")
        index: int = response.meta["index"]
        progress: Progress = response.meta["progress"]
        if response.status == 404:  # OPS answers 404 when no (more) hits exist for the query
            log.info("no hits for %r at %s", self._queries[index], response.url)
            yield from self._page_done(_Page(index, advance(progress, 0, 0)))
            return
        failed = self.check_status(response)
        if failed:  # this query stays where it was; the next run tries again
            yield failed
            yield from self._follow(self._next_query(index + 1))
            return
        try:
            page = parse_search(response.body)
            result = parse_exchange_documents_partial(response.body, fetched_at=dt.datetime.now(dt.UTC))
        except ParseError as error:
            yield self.dead_letter(response, f"ParseError: {error}")
            yield from self._follow(self._next_query(index + 1))
            return
        if page.total > OPS_MAX_RANGE and progress.done == 0:
            split = split_current(progress)
            if split is not None:
                log.info("%d hits for %r in %s: splitting the dates", page.total, self._queries[index],
                         progress.current)
                yield CrawlState(self.source, self._queries[index], dump_progress(split))
                yield from self._follow(self._search_request(index, split))
                return
            log.warning("%d hits for %r on one day %s: only the first %d can be fetched", page.total,
                        self._queries[index], progress.current, OPS_MAX_RANGE)
        for problem in result.errors:
            yield self.dead_letter(response, f"ParseError: {problem}")
        self._fetched += len(page.references)
        tracker = _Page(index, advance(progress, page.end if page.references else page.total, page.total))
        payload = sha256_bytes(response.body)
        ready: list[CrawledRecord] = []
        waiting: list[tuple[_Doc, list[str]]] = []
        for patent in result.patents:
            patent.url = ESPACENET.format(patent.id)
            parts = self._parts(patent)
            if parts:
                waiting.append((_Doc(patent, payload, tracker, pending=len(parts)), parts))
            else:
                ready.append(CrawledRecord(patent, payload))
        # Count before yielding: an answer may come back before this generator is drained.
        tracker.pending = len(waiting)
        yield from ready
        for doc, parts in waiting:
            for part in parts:
                yield self._part_request(doc, part)
        if not waiting:
            yield from self._page_done(tracker)

    def parse_part(self, response: Response) -> Iterator[Any]:
        """Merge an abstract, claims, family or legal answer into the hit; failures keep what it has."""
        if self._token_expired(response):
            yield from self._renew_token(response)
            return
        yield from self._stop_on_quota(response)
        doc: _Doc = response.meta["doc"]
        part: str = response.meta["part"]
        self._apply_throttling(response, SERVICES[part])
        if response.status == 404:  # OPS has no such data for this publication
            log.debug("no %s for %s", part, doc.patent.id)
        elif failed := self.check_status(response):
            yield failed
        else:
            try:
                yield from self._merge(doc, part, response)
            except ParseError as error:
                yield self.dead_letter(response, f"ParseError: {error}")
        yield from self._doc_step(doc)

    def _merge(self, doc: _Doc, part: str, response: Response) -> Iterator[Any]:
        patent = doc.patent
        if part == "abstract":
            views = [p for p in parse_exchange_documents(response.body) if p.id == patent.id]
            if not views:
                raise ParseError(f"answer does not contain {patent.id}")
            doc.patent = merge_patents(patent, views[0])
        elif part == "claims":
            doc.patent = attach_claims(patent, parse_claims(response.body))
        elif part == "legal":
            events = events_for(patent.id, response.body)
            if events:
                status = legal_status(events)
                doc.patent = patent.model_copy(update={"legal_events": events, "legal_status": status})
        else:
            for member in parse_family(response.body):
                member.url = ESPACENET.format(member.id)
                if member.id == patent.id:
                    doc.patent = merge_patents(patent, member)
                elif (record := self._member_record(member, response)) is not None:
                    yield record

    def _member_record(self, member: Patent, response: Response) -> CrawledRecord | None:
        """A family member to store: new, or a stored record it adds something to (None: nothing new)."""
        stored = self.store.get(member.id)
        if isinstance(stored, Patent):
            merged = merge_patents(stored, member)
            if merged.model_dump(exclude={"fetched_at"}) == stored.model_dump(exclude={"fetched_at"}):
                return None
            member = merged
        return self.record(member, response)

    def part_failed(self, failure: Failure) -> Iterator[Any]:
        """A network failure on an extra request: dead letter, keep what the hit has, go on."""
        yield from self.errback(failure)
        request = getattr(failure, "request", None)
        if request is None or "doc" not in request.meta:
            return
        yield from self._doc_step(request.meta["doc"])

    # paging and politeness ----------------------------------------------------------------------
    def _doc_step(self, doc: _Doc) -> Iterator[Any]:
        doc.pending -= 1
        if doc.pending == 0:
            yield CrawledRecord(doc.patent, doc.payload)
            doc.page.pending -= 1
            if doc.page.pending == 0:
                yield from self._page_done(doc.page)

    def _page_done(self, page: _Page) -> Iterator[Any]:
        """Save progress, then ask for the next page of this query, or the next query."""
        query = self._queries[page.index]
        yield CrawlState(self.source, query, dump_progress(page.progress))
        if page.progress.current is not None:
            yield from self._follow(self._search_request(page.index, page.progress))
        else:
            log.info("%r fetched up to %s", query, page.progress.until)
            yield from self._follow(self._next_query(page.index + 1))

    def _follow(self, request: Request | None) -> Iterator[Any]:
        if request is not None:
            yield self._authorized(request)

