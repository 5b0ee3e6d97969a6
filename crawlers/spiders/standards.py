"""What the standards-site spiders share: search → list pages → detail pages, each answer parsed safely.

A subclass names its base-URL setting and says where a page of results is (``search_url``, or
``search_request`` for a site searched with POST) and how to read a result page and a detail page
(``read_search``, ``read_detail``, both calling pure parsers). Everything else — arguments, paging,
progress, dead letters, list-to-detail merging — is here.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, ClassVar, TypeVar

import scrapy
from pydantic import BaseModel, ConfigDict, Field, field_validator
from scrapy.http import Response
from scrapy.settings import BaseSettings

from crawlers.items import CrawledRecord, CrawlState, DeadLetter
from crawlers.parsers.errors import ParseError
from crawlers.parsers.htmltext import header_charset
from crawlers.parsers.listing import Hit, Listing, fill_gaps
from crawlers.spiders.base import VrscopeSpider
from vrscope.records import Standard
from vrscope.settings import Settings, get_settings

log = logging.getLogger(__name__)
T = TypeVar("T")


class SearchParams(BaseModel):
    """Spider arguments (``-a keywords=虚拟现实,增强现实 -a max_pages=2``); defaults fill the rest."""

    model_config = ConfigDict(extra="forbid")

    keywords: list[str] | None = Field(None, description="Search terms instead of the spider's defaults.")
    max_pages: int | None = Field(None, ge=1, description="Result pages read per search term.")

    @field_validator("keywords", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",")]
        if isinstance(value, list):
            value = [v for v in value if str(v).strip()]
            if not value:
                raise ValueError("keywords must name at least one search term")
        return value


class SourceLimits:
    """Mixin: the source's own concurrency limit (``source_concurrency``) over the crawl-wide one."""

    source: ClassVar[str]

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Scrapy hook, called with the crawler's settings before they are frozen."""
        super().update_settings(settings)  # type: ignore[misc]
        given = settings.get("VRSCOPE_SETTINGS")
        vr = given if isinstance(given, Settings) else get_settings()
        limit = source_limit(vr, cls.source)
        if limit is not None:
            settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", limit, priority="spider")


def source_limit(settings: Settings, source: str) -> int | None:
    """The concurrency limit set for one source, if any (at least 1)."""
    limit = settings.source_concurrency.get(source)
    return None if limit is None else max(1, int(limit))


class StandardsSpider(SourceLimits, VrscopeSpider):
    """Base for the standards sites: one search per keyword, paged, each hit's detail page read."""

    base_setting: ClassVar[str] = ""
    # kinds of search run per keyword (e.g. standards and plans); "" when the site has one
    kinds: ClassVar[tuple[str, ...]] = ("",)
    default_keywords: ClassVar[tuple[str, ...]] = ()
    default_max_pages: ClassVar[int] = 3
    # whether what the list gives (e.g. a catalogue's stage code) wins over the detail page
    list_wins: ClassVar[bool] = False

    def __init__(self, *args: Any, keywords: str | list[str] | None = None,
                 max_pages: int | str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params = SearchParams.model_validate({"keywords": keywords, "max_pages": max_pages})

    @property
    def keywords(self) -> list[str]:
        """Search terms this run uses."""
        return self.params.keywords or list(self.default_keywords)

    @property
    def max_pages(self) -> int:
        """Most result pages read per search term."""
        return self.params.max_pages or self.default_max_pages

    @property
    def base(self) -> str:
        """The base URL the source is fetched from (the real site, or the mirror)."""
        return str(getattr(self.vr_settings, self.base_setting)).rstrip("/")

    def public(self, url: str) -> str:
        """The address a person can open, whichever base URL fetched the page."""
        return self.public_url(url, self.base_setting)

    def local(self, url: str) -> str:
        """A link the site gave with its public address, fetched through the configured base (a mirror)."""
        public = str(Settings.model_fields[self.base_setting].default).rstrip("/")
        if self.base != public and url.startswith(public + "/"):
            return self.base + url[len(public):]
        return url

    # --- what a subclass writes --------------------------------------------------------------------
    def search_url(self, keyword: str, page: int, kind: str) -> str:
        """The address of one page of results (for a site searched with GET)."""
        raise NotImplementedError

    def search_request(self, keyword: str, page: int, kind: str = "") -> scrapy.Request:
        """The request for one page of results; a site searched with POST overrides this."""
        return self.request(self.search_url(keyword, page, kind), self.parse_search_page,
                            keyword=keyword, page=page, kind=kind)

    def read_search(self, response: Response, kind: str, page: int) -> Listing:
        """Result page ``page`` of one kind of search, through the source's parser."""
        raise NotImplementedError

    def read_detail(self, response: Response) -> Standard:
        """One detail page, through the source's parser."""
        raise NotImplementedError

    # --- the shared crawl --------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        """Scrapy ≥ 2.13 entry point."""
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        """The first result page of every search term, for every kind of search."""
        for keyword in self.keywords:
            for kind in self.kinds:
                yield self.search_request(keyword, 1, kind)

    def request(self, url: str, callback: Callable[..., Any], **cb_kwargs: Any) -> scrapy.Request:
        """A GET with the shared errback (network failures become dead letters)."""
        return scrapy.Request(url, callback=callback, errback=self.errback, cb_kwargs=cb_kwargs)

    def post_search(self, url: str, form: dict[str, str], keyword: str, page: int,
                    kind: str) -> scrapy.Request:
        """A search posted as a form (the same URL for every page, so never filtered as a duplicate)."""
        return scrapy.FormRequest(url, formdata=form, callback=self.parse_search_page,
                                  errback=self.errback, dont_filter=True,
                                  cb_kwargs={"keyword": keyword, "page": page, "kind": kind})

    @staticmethod
    def charset(response: Response) -> str | None:
        """The charset the server declared in Content-Type, if any."""
        return header_charset(response.headers.get("Content-Type"))

    @staticmethod
    def now() -> dt.datetime:
        """When a record was fetched."""
        return dt.datetime.now(dt.UTC)

    def guarded(self, response: Response, read: Callable[[Response], T]) -> T | DeadLetter:
        """``read(response)``, or a dead letter (with the URL) for an error status or an unreadable body."""
        dead = self.check_status(response)
        if dead is not None:
            return dead
        try:
            return read(response)
        except ParseError as error:
            return self.dead_letter(response, f"ParseError: {error}")
        except (ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
            # A page shaped in a way no parser test foresaw: keep it with its URL, go on crawling.
            log.exception("unexpected page shape at %s", response.url)
            return self.dead_letter(response, f"{type(error).__name__}: {error}")

    def parse_search_page(self, response: Response, keyword: str, page: int, kind: str = "") -> Iterator[Any]:
        """Records complete in the list go straight out; the rest are followed to their detail pages."""
        listing = self.guarded(response, lambda r: self.read_search(r, kind, page))
        if isinstance(listing, DeadLetter):
            yield listing
            return
        for hit in self.select(listing.hits, keyword):
            if hit.url is None:
                yield self.emit(hit.record, response)
            else:
                yield self.request(self.local(hit.url), self.parse_detail_page, hit=hit)
        key = f"{kind}:keyword:{keyword}" if kind else f"keyword:{keyword}"
        yield CrawlState(self.source, key, json.dumps(
            {"page": listing.page, "pages": listing.pages, "total": listing.total, "hits": len(listing.hits),
             "url": response.url}, ensure_ascii=False))
        if listing.more and page < self.max_pages:
            yield self.search_request(keyword, page + 1, kind)

    def select(self, hits: list[Hit], keyword: str) -> list[Hit]:
        """The hits worth keeping (all, for a site that searched for us; exports filter here)."""
        return hits

    def parse_detail_page(self, response: Response, hit: Hit | None = None) -> Iterator[Any]:
        """One standard; what the list showed fills what the detail page leaves out."""
        standard = self.guarded(response, self.read_detail)
        if isinstance(standard, DeadLetter):
            yield standard
            return
        if hit is not None:
            standard = fill_gaps(hit.record, standard) if self.list_wins else fill_gaps(standard, hit.record)
        yield self.emit(standard, response)

    def emit(self, standard: Standard, response: Response) -> CrawledRecord:
        """The record to store, with the public address of its page (not the mirror's)."""
        if standard.url and standard.url != self.public(standard.url):
            standard = standard.model_copy(update={"url": self.public(standard.url)})
        return self.record(standard, response)


def mentions(standard: Standard, terms: list[str]) -> bool:
    """Whether a title or abstract names any of the terms (whole words, any case)."""
    text = " ".join(t for t in (standard.title_en, standard.title_zh, standard.abstract) if t)
    return any(re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text, re.IGNORECASE) for term in terms)


class ExportSpider(StandardsSpider):
    """Base for a source that publishes one export instead of a search: read once, kept by keyword."""

    def export_request(self) -> scrapy.Request:
        """The request that leads to the export."""
        raise NotImplementedError

    def start_requests(self) -> Iterator[scrapy.Request]:
        """One export, whatever the keywords."""
        yield self.export_request()

    def select(self, hits: list[Hit], keyword: str) -> list[Hit]:
        """The export's records that mention one of the keywords."""
        return [hit for hit in hits if mentions(hit.record, self.keywords)]
