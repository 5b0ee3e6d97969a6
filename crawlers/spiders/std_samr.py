"""std.samr.gov.cn: national standards (gbQueryPage JSON → gbDetailed pages) and national standard plans."""

from __future__ import annotations

from urllib.parse import urlencode

from scrapy.http import Response

from crawlers.parsers import std_samr as parser
from crawlers.parsers.listing import Listing
from crawlers.spiders.standards import StandardsSpider
from vrscope.records import Standard

PAGE_SIZE = 15
GB, SEARCH = "gb", "search"


def query_url(base: str, keyword: str, page: int = 1, page_size: int = PAGE_SIZE) -> str:
    """The national-standard query the site's own list page makes (JSON rows)."""
    query = {"searchText": keyword, "ics": "", "state": "", "ISSUE_DATE": "", "sortOrder": "asc",
             "pageSize": str(page_size), "pageNumber": str(page)}
    return f"{base.rstrip('/')}/gb/search/gbQueryPage?{urlencode(query)}"


def search_url(base: str, keyword: str, page: int = 1) -> str:
    """The full-text search page, which also lists national standard plans (国标计划) with their stage."""
    return f"{base.rstrip('/')}/search/std?{urlencode({'q': keyword, 'pageNo': str(page)})}"


class StdSamrSpider(StandardsSpider):
    """National standards with committee, dates and adoption; plans with plan number, stage and committee."""

    name = "std_samr"
    source = "std_samr"
    base_setting = "std_samr_base_url"
    kinds = (GB, SEARCH)
    default_keywords = ("虚拟现实", "增强现实", "头戴式显示")

    def search_url(self, keyword: str, page: int, kind: str) -> str:
        return query_url(self.base, keyword, page) if kind == GB else search_url(self.base, keyword, page)

    def read_search(self, response: Response, kind: str, page: int) -> Listing:
        if kind == GB:
            return parser.parse_query_page(response.body, response.url, self.base, PAGE_SIZE, self.now())
        return parser.parse_search_listing(response.body, self.base + "/", self.charset(response), self.now())

    def read_detail(self, response: Response) -> Standard:
        url = self.public(response.url)
        return parser.parse_detail(response.body, url, self.now(), self.charset(response))
