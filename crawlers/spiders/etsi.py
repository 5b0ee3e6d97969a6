"""etsi.org: the standards search's CSV export for each keyword (deliverables with scope and status)."""

from __future__ import annotations

from urllib.parse import urlencode

from scrapy.http import Response

from crawlers.parsers import etsi as parser
from crawlers.parsers.listing import Listing
from crawlers.spiders.standards import StandardsSpider


def export_url(base: str, keyword: str) -> str:
    """The standards search as a CSV export: every status (on approval, published, historical, withdrawn)."""
    query = {"format": "csv", "includeScope": "1", "page": "1", "search": keyword, "title": "1",
             "etsiNumber": "1", "content": "1", "version": "0", "onApproval": "1", "published": "1",
             "withdrawn": "1", "historical": "1", "isCurrent": "1", "superseded": "1", "sort": "1"}
    return f"{base.rstrip('/')}/custom/standardssearch/data.php?{urlencode(query)}"


class EtsiSpider(StandardsSpider):
    """ETSI deliverables (ISG ARF's augmented-reality framework among them) found by keyword."""

    name = "etsi"
    source = "etsi"
    base_setting = "etsi_base_url"
    default_keywords = ("augmented reality", "virtual reality")

    def search_url(self, keyword: str, page: int, kind: str) -> str:
        return export_url(self.base, keyword)

    def read_search(self, response: Response, kind: str, page: int) -> Listing:
        return parser.parse_export(response.body, response.url, self.now())
