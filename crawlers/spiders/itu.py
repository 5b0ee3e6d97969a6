"""itu.int: ITU-T Recommendations the GlobalSearch finds for each keyword, then each Recommendation page."""

from __future__ import annotations

import json

import scrapy
from scrapy.http import Response

from crawlers.parsers import itu as parser
from crawlers.parsers.listing import Listing
from crawlers.spiders.standards import StandardsSpider
from vrscope.records import Standard

ROWS = 10


def search_form(keyword: str, page: int = 1, rows: int = ROWS) -> dict[str, str]:
    """The form the site's search page posts to ``GlobalSearch/RunSearch`` (one JSON field)."""
    query = {"Input": keyword, "Start": (page - 1) * rows, "Rows": rows, "SortBy": "RELEVANCE",
             "ExactPhrase": False, "CollectionName": "General", "CollectionGroup": "Recommendations",
             "Sector": "t", "Criterias": [], "Topics": "", "ClientData": {}, "Language": "en",
             "SearchType": "All"}
    return {"json": json.dumps(query, separators=(",", ":"))}


class ItuSpider(StandardsSpider):
    """ITU-T Recommendations (in force, superseded, withdrawn) matching VR keywords."""

    name = "itu"
    source = "itu"
    base_setting = "itu_base_url"
    default_keywords = ("virtual reality", "augmented reality")

    def search_request(self, keyword: str, page: int, kind: str = "") -> scrapy.Request:
        return self.post_search(f"{self.base}/net4/ITU-T/search/GlobalSearch/RunSearch",
                                search_form(keyword, page), keyword, page, kind)

    def read_search(self, response: Response, kind: str, page: int) -> Listing:
        return parser.parse_search(response.body, response.url, self.base, page, ROWS, self.now())

    def read_detail(self, response: Response) -> Standard:
        return parser.parse_page(response.body, self.public(response.url), self.now())
