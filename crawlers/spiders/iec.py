"""webstore.iec.ch: search each reference number, then read every publication page listed."""

from __future__ import annotations

from urllib.parse import quote

from scrapy.http import Response

from crawlers.parsers import iec as parser
from crawlers.parsers.listing import Listing
from crawlers.spiders.standards import StandardsSpider
from vrscope.records import Standard


def search_url(base: str, reference: str, page: int = 1) -> str:
    """The webstore's reference search, every year (its odd ``/searchkey&…`` path has no '?')."""
    start = (page - 1) * parser.PAGE_SIZE + 1
    return f"{base.rstrip('/')}/searchkey&RefNbr={quote(reference)}&From=&To=&start={start}"


class IecSpider(StandardsSpider):
    """IEC publications (standards, TRs, amendments, consolidated versions) for VR-relevant series."""

    name = "iec"
    source = "iec"
    base_setting = "iec_base_url"
    # eyewear (AR/VR) displays, 3D display devices
    default_keywords = ("IEC 63145", "IEC 62629")

    def search_url(self, keyword: str, page: int, kind: str) -> str:
        return search_url(self.base, keyword, page)

    def read_search(self, response: Response, kind: str, page: int) -> Listing:
        return parser.parse_search(response.body, self.base, self.charset(response), page, self.now())

    def read_detail(self, response: Response) -> Standard:
        return parser.parse_page(response.body, self.public(response.url), self.now())
