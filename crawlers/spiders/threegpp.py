"""3gpp.org: the specification database CSV export, found in its FTP-over-HTTP directory, kept by keyword."""

from __future__ import annotations

from typing import Any

import scrapy
from scrapy.http import Response

from crawlers.items import DeadLetter
from crawlers.parsers import threegpp as parser
from crawlers.parsers.listing import Listing
from crawlers.spiders.standards import ExportSpider

EXPORT = "export"


class ThreeGppSpider(ExportSpider):
    """3GPP TS/TR versions (release, version, working group) whose titles mention VR/XR terms."""

    name = "threegpp"
    source = "threegpp"
    base_setting = "threegpp_base_url"
    default_keywords = ("virtual reality", "augmented reality", "extended reality", "XR", "VR", "immersive",
                        "360-degree", "omnidirectional")

    def export_request(self) -> scrapy.Request:
        return self.request(f"{self.base}/ftp/Information/Databases/", self.parse_directory)

    def parse_directory(self, response: Response) -> Any:
        """Follow the directory listing to its CSV export."""
        link = self.guarded(response, lambda r: parser.export_link(r.body, r.url))
        if isinstance(link, DeadLetter):
            yield link
            return
        yield self.request(self.local(link), self.parse_search_page, keyword="*", page=1, kind=EXPORT)

    def read_search(self, response: Response, kind: str, page: int) -> Listing:
        return parser.parse_export(response.body, response.url, self.now())
