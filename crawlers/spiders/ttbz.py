"""ttbz.org.cn: search each keyword for group standards and drafts for comment, then read each detail page."""

from __future__ import annotations

from urllib.parse import urlencode

from scrapy.http import Response

from crawlers.parsers import ttbz as parser
from crawlers.parsers.listing import Listing
from crawlers.spiders.standards import StandardsSpider
from vrscope.records import Standard


def search_url(base: str, keyword: str, page: int = 1) -> str:
    """The site's own keyword search (``searchType=2``: number or title), one page of results."""
    query = {"searchType": "2", "key": keyword}
    if page > 1:
        query["page"] = str(page)
    return f"{base.rstrip('/')}/Home/Standard?{urlencode(query)}"


class TtbzSpider(StandardsSpider):
    """Group standards (团体标准) and their 征求意见稿 drafts from the national group-standards platform."""

    name = "ttbz"
    source = "ttbz"
    base_setting = "ttbz_base_url"
    default_keywords = ("虚拟现实", "增强现实", "头戴式显示")

    def search_url(self, keyword: str, page: int, kind: str) -> str:
        return search_url(self.base, keyword, page)

    def read_search(self, response: Response, kind: str, page: int) -> Listing:
        return parser.parse_search(response.body, self.base, self.charset(response), self.now())

    def read_detail(self, response: Response) -> Standard:
        url = self.public(response.url)
        return parser.parse_detail(response.body, url, self.now(), self.charset(response))
