"""openstd.samr.gov.cn: search each keyword, page through the results, fetch every standard's detail page."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode

import scrapy
from pydantic import BaseModel, ConfigDict, Field, field_validator
from scrapy.http import Response

from crawlers.items import CrawlState
from crawlers.parsers import openstd as parser
from crawlers.parsers.errors import ParseError
from crawlers.parsers.htmltext import header_charset
from crawlers.spiders.base import VrscopeSpider
from crawlers.spiders.standards import SourceLimits
from vrscope.ids import normalize_standard_id

PAGE_SIZE = 10


class OpenstdParams(BaseModel):
    """Spider arguments (``-a keywords=虚拟现实,增强现实 -a max_pages=2``); settings fill the rest."""

    model_config = ConfigDict(extra="forbid")

    keywords: list[str] | None = Field(None, description="Keywords to search instead of openstd_keywords.")
    max_pages: int | None = Field(None, ge=1, description="List pages per keyword, else openstd_max_pages.")
    identifiers: list[str] = Field(default_factory=list, description="Standards to fetch directly by number.")

    @field_validator("keywords", "identifiers", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return [] if value is None else value

    @field_validator("identifiers")
    @classmethod
    def _normalize(cls, value: list[str]) -> list[str]:
        return [normalize_standard_id(v) for v in value]


def list_url(base: str, keyword: str, page: int = 1, page_size: int = PAGE_SIZE) -> str:
    """The search-result URL the site's own pager builds (``jumpPage``), without its random ``r``."""
    query = {
        "page": str(page),
        "pageSize": str(page_size),
        "p.p1": "0",
        "p.p2": keyword,
        "p.p90": "circulation_date",
        "p.p91": "desc",
    }
    return f"{base.rstrip('/')}/bzgk/std/std_list?{urlencode(query)}"


def _charset(response: Response) -> str | None:
    """The charset the server declared in Content-Type, if any."""
    return header_charset(response.headers.get("Content-Type"))


def detail_url(base: str, identifier: str) -> str:
    """The detail page of one standard, keyed by the site's hcno."""
    return f"{base.rstrip('/')}/bzgk/std/newGbInfo?hcno={parser.hcno_for(identifier)}"


class OpenstdSpider(SourceLimits, VrscopeSpider):
    """National standards (GB, GB/T, GB/Z) from the public full-text system, newest first."""

    name = "openstd"
    source = "openstd"

    def __init__(self, *args: Any, keywords: str | list[str] | None = None,
                 max_pages: int | str | None = None, identifiers: str | list[str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params = OpenstdParams.model_validate(
            {"keywords": keywords, "max_pages": max_pages, "identifiers": identifiers})

    @property
    def keywords(self) -> list[str]:
        """Keywords this run searches."""
        return self.params.keywords or list(self.vr_settings.openstd_keywords)

    @property
    def max_pages(self) -> int:
        """Most list pages read per keyword."""
        return self.params.max_pages or self.vr_settings.openstd_max_pages

    async def start(self) -> AsyncIterator[Any]:
        """Scrapy ≥ 2.13 entry point."""
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        """Detail pages of the standards asked for by number, then one search per keyword."""
        base = self.vr_settings.openstd_base_url
        for identifier in self.params.identifiers:
            yield scrapy.Request(detail_url(base, identifier), callback=self.parse_detail_page,
                                 errback=self.errback)
        for keyword in self.keywords:
            yield scrapy.Request(list_url(base, keyword), callback=self.parse_list_page, errback=self.errback,
                                 cb_kwargs={"keyword": keyword, "page": 1})

    def parse_list_page(self, response: Response, keyword: str, page: int) -> Iterator[Any]:
        """Follow each result to its detail page, record progress, then go to the next page."""
        dead = self.check_status(response)
        if dead is not None:
            yield dead
            return
        try:
            listing = parser.parse_list(response.body, response.url, _charset(response))
        except ParseError as error:
            yield self.dead_letter(response, f"ParseError: {error}")
            return
        links = parser.edition_links(listing.entries)
        for entry in listing.entries:
            yield scrapy.Request(entry.url, callback=self.parse_detail_page, errback=self.errback,
                                 cb_kwargs={"entry": entry, "links": links.get(entry.identifier)})
        yield CrawlState(self.source, f"keyword:{keyword}", json.dumps(
            {"page": listing.page, "pages": listing.pages, "total": listing.total,
             "entries": len(listing.entries), "url": response.url}, ensure_ascii=False))
        if listing.next_url and page < self.max_pages:
            yield scrapy.Request(listing.next_url, callback=self.parse_list_page, errback=self.errback,
                                 cb_kwargs={"keyword": keyword, "page": page + 1})

    def parse_detail_page(self, response: Response, entry: parser.ListEntry | None = None,
                          links: tuple[list[str], list[str]] | None = None) -> Iterator[Any]:
        """One standard; the list row fills dates (and the list's editions the links) the page leaves out."""
        dead = self.check_status(response)
        if dead is not None:
            yield dead
            return
        try:
            fetched_at = dt.datetime.now(dt.UTC)
            url = self.public_url(response.url, "openstd_base_url")
            standard = parser.parse_detail(response.body, url, fetched_at, _charset(response))
        except ParseError as error:
            yield self.dead_letter(response, f"ParseError: {error}")
            return
        if entry is not None:
            gaps = {field: getattr(entry, field) for field in ("published_date", "implemented_date")
                    if getattr(standard, field) is None and getattr(entry, field) is not None}
            if gaps:
                standard = standard.model_copy(update=gaps)
        if links is not None:
            replaces, replaced_by = links
            standard = standard.model_copy(update={
                "replaces": list(dict.fromkeys(standard.replaces + replaces)),
                "replaced_by": list(dict.fromkeys(standard.replaced_by + replaced_by))})
        yield self.record(standard, response)
