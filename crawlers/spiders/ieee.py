"""standards.ieee.org: the site search for each keyword, then every standard or project (P-draft) page."""

from __future__ import annotations

import scrapy
from scrapy.http import Response

from crawlers.parsers import ieee as parser
from crawlers.parsers.listing import Listing
from crawlers.spiders.standards import StandardsSpider
from vrscope.records import Standard


def search_form(keyword: str, page: int = 1) -> dict[str, str]:
    """The form the site's search box posts to ``wp-admin/admin-ajax.php``."""
    form = {"action": "ieee_cloudsearch", "q": keyword}
    if page > 1:
        form["page"] = str(page)  # the recorded first page sends none; later pages' field is assumed
    return form


class IeeeSpider(StandardsSpider):
    """IEEE standards (active, superseded, withdrawn) and P-projects (drafts under an active/inactive PAR)."""

    name = "ieee"
    source = "ieee"
    base_setting = "ieee_base_url"
    default_keywords = ("virtual reality", "augmented reality")

    def search_request(self, keyword: str, page: int, kind: str = "") -> scrapy.Request:
        return self.post_search(f"{self.base}/wp-admin/admin-ajax.php", search_form(keyword, page),
                                keyword, page, kind)

    def read_search(self, response: Response, kind: str, page: int) -> Listing:
        return parser.parse_cloudsearch(response.body, response.url, page, self.now())

    def read_detail(self, response: Response) -> Standard:
        return parser.parse_page(response.body, self.public(response.url), self.now())
