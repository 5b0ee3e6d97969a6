"""hbba/dbba.sacinfo.org.cn: POST each keyword to stdQueryList, page through, fetch every detail page."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from pydantic import BaseModel, ConfigDict, Field, field_validator
from scrapy.http import Response

from crawlers.items import CrawlState
from crawlers.parsers import hbba as parser
from crawlers.parsers.errors import ParseError
from crawlers.parsers.htmltext import header_charset
from crawlers.spiders.base import VrscopeSpider
from crawlers.spiders.standards import SourceLimits

PAGE_SIZE = 15
# site name → the setting holding its base URL; industry standards on hbba, local ones on dbba
SITES = {"hbba": "hbba_base_url", "dbba": "dbba_base_url"}


class HbbaParams(BaseModel):
    """Spider arguments (``-a keywords=虚拟现实 -a max_pages=2 -a sites=hbba``); settings fill the rest."""

    model_config = ConfigDict(extra="forbid")

    keywords: list[str] | None = Field(None, description="Keywords to search instead of hbba_keywords.")
    max_pages: int | None = Field(None, ge=1, description="Result pages per keyword, else hbba_max_pages.")
    sites: list[str] = Field(default_factory=lambda: list(SITES), description="hbba, dbba or both.")

    @field_validator("keywords", "sites", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("sites")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in SITES]
        if unknown:
            raise ValueError(f"unknown site(s) {unknown}; choose from {sorted(SITES)}")
        return value


def query_form(keyword: str, page: int, size: int = PAGE_SIZE) -> dict[str, str]:
    """The form the site's own search page posts to stdQueryList."""
    return {"current": str(page), "size": str(size), "key": keyword, "ministry": "", "industry": "",
            "status": ""}


class HbbaSpider(SourceLimits, VrscopeSpider):
    """Industry (hbba) and local (dbba) standards filed with SAC: keyword search, then detail pages."""

    name = "hbba"
    source = "hbba"

    def __init__(self, *args: Any, keywords: str | list[str] | None = None,
                 max_pages: int | str | None = None, sites: str | list[str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        given: dict[str, Any] = {"keywords": keywords, "max_pages": max_pages}
        if sites is not None:
            given["sites"] = sites
        self.params = HbbaParams.model_validate(given)

    @property
    def keywords(self) -> list[str]:
        """Keywords this run searches."""
        return self.params.keywords or list(self.vr_settings.hbba_keywords)

    @property
    def max_pages(self) -> int:
        """Most result pages read per keyword and site."""
        return self.params.max_pages or self.vr_settings.hbba_max_pages

    def base(self, site: str) -> str:
        """The base URL one site is fetched from."""
        return str(getattr(self.vr_settings, SITES[site])).rstrip("/")

    async def start(self) -> AsyncIterator[Any]:
        """Scrapy ≥ 2.13 entry point."""
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        """One search per site and keyword."""
        for site in self.params.sites:
            for keyword in self.keywords:
                yield self._query(site, keyword, 1)

    def _query(self, site: str, keyword: str, page: int) -> scrapy.FormRequest:
        return scrapy.FormRequest(f"{self.base(site)}/stdQueryList", formdata=query_form(keyword, page),
                                  callback=self.parse_list_page, errback=self.errback, dont_filter=True,
                                  cb_kwargs={"site": site, "keyword": keyword, "page": page})

    def parse_list_page(self, response: Response, site: str, keyword: str, page: int) -> Iterator[Any]:
        """Follow each record to its detail page, record progress, then ask for the next page."""
        dead = self.check_status(response)
        if dead is not None:
            yield dead
            return
        try:
            listing = parser.parse_list(response.body, self.base(site))
        except ParseError as error:
            yield self.dead_letter(response, f"ParseError: {error}")
            return
        for entry in listing.entries:
            yield scrapy.Request(entry.url, callback=self.parse_detail_page, errback=self.errback,
                                 cb_kwargs={"site": site, "entry": entry})
        yield CrawlState(self.source, f"{site}:keyword:{keyword}", json.dumps(
            {"page": listing.page, "pages": listing.pages, "total": listing.total,
             "entries": len(listing.entries)}, ensure_ascii=False))
        if listing.page < listing.pages and page < self.max_pages:
            yield self._query(site, keyword, page + 1)

    def parse_detail_page(self, response: Response, site: str,
                          entry: parser.ListEntry | None = None) -> Iterator[Any]:
        """One filed standard; the list record fills what the page leaves out."""
        dead = self.check_status(response)
        if dead is not None:
            yield dead
            return
        try:
            url = self.public_url(response.url, SITES[site])
            standard = parser.parse_detail(response.body, url, dt.datetime.now(dt.UTC),
                                           header_charset(response.headers.get("Content-Type")), source=site)
        except ParseError as error:
            yield self.dead_letter(response, f"ParseError: {error}")
            return
        if entry is not None:
            gaps = {name: getattr(entry, value) for name, value in (
                ("published_date", "published_date"), ("implemented_date", "implemented_date"),
                ("record_number", "record_number"), ("body", "ministry"), ("title_zh", "title_zh"))
                if getattr(standard, name) is None and getattr(entry, value) is not None}
            if gaps:
                standard = standard.model_copy(update=gaps)
        yield self.record(standard, response)
