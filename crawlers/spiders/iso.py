"""iso.org: the catalogue search by document number (stage codes, committees, revisions), then each page."""

from __future__ import annotations

from urllib.parse import urlencode

from scrapy.http import Response

from crawlers.parsers import iso as parser
from crawlers.parsers.listing import Listing
from crawlers.spiders.standards import StandardsSpider
from vrscope.records import Standard

# Every publication status, so drafts, withdrawn and deleted projects come back too.
STATUSES = "ENT_ACTIVE,ENT_PROGRESS,ENT_INACTIVE,ENT_DELETED"


def search_url(base: str, doc_number: str) -> str:
    """The catalogue's own search for every edition, part, amendment and draft of one document number."""
    number, _, part = doc_number.partition("-")
    query = {"docNumber": number}
    if part:
        query["docPartNo"] = part
    query["status"] = STATUSES
    return f"{base.rstrip('/')}/cms/render/live/en/sites/isoorg.advancedSearch.do?{urlencode(query)}"


class IsoSpider(StandardsSpider):
    """ISO and ISO/IEC standards and drafts (WD, CD, DIS, FDIS …) for VR-relevant document numbers."""

    name = "iso"
    source = "iso"
    base_setting = "iso_base_url"
    list_wins = True  # the catalogue's stage code is authoritative; the page adds the abstract
    # MPEG-I immersive media, MAR reference model, MAR live actors, MAR sensors, MPEG-V
    default_keywords = ("23090", "18039", "18040", "18038", "23005")

    def search_url(self, keyword: str, page: int, kind: str) -> str:
        return search_url(self.base, keyword)

    def read_search(self, response: Response, kind: str, page: int) -> Listing:
        return parser.parse_search(response.body, response.url, self.base, self.now())

    def read_detail(self, response: Response) -> Standard:
        return parser.parse_page(response.body, self.public(response.url), self.now())
