"""3GPP specification database CSV export (unverified against the live file): parser, callbacks, a crawl."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse

from crawlers.items import CrawledRecord, DeadLetter
from crawlers.mirror import FIXTURES
from crawlers.parsers import threegpp
from crawlers.parsers.errors import ParseError
from crawlers.spiders.standards import mentions
from crawlers.spiders.threegpp import ThreeGppSpider
from tests.crawlers.mirror_crawl import crawl_mirror
from vrscope.records import Standard, StandardStatus
from vrscope.settings import Settings

TG = FIXTURES / "threegpp"
BASE = "https://www.3gpp.org"
CSV = "3GPP_specs_2025-11-20.csv"


def test_export() -> None:
    page = threegpp.parse_export((TG / CSV).read_bytes(), "u")
    got = {h.record.id: h.record for h in page.hits}
    assert len(got) == 6  # the broken row is skipped
    vr = got["3GPP TS 26.118:REL-15/15.1.0"]
    assert (vr.doctype, vr.stage_name, vr.committee, vr.status) == ("TS", "REL-15", "3GPP S4",
                                                                    StandardStatus.PUBLISHED)
    assert vr.published_date == dt.date(2019, 3, 22) and vr.url and vr.url.endswith("26118-f10.zip")
    draft = got["3GPP TR 26.998:REL-18/1.2.0"]
    assert draft.status is StandardStatus.UNDER_DEVELOPMENT  # major version below 3: not yet approved
    assert threegpp.export_link((TG / "databases_listing.html").read_bytes(), f"{BASE}/ftp/Information/"
                                "Databases/") == f"{BASE}/ftp/Information/Databases/{CSV}"


def test_release_codes() -> None:
    assert threegpp.release_of({"WPM Code 2G": "Release_17"}) == "REL-17"
    assert threegpp.release_of({"WPM Code 2G": "PH2"}) == "Ph2"
    assert threegpp.release_of({"Release": "Rel-8"}) == "Rel-8"


def test_keyword_filter() -> None:
    def titled(title: str) -> Standard:
        return Standard(id="3GPP TR 26.928", source="threegpp", title_en=title)
    assert mentions(titled("Extended Reality (XR) in 5G"), ["XR"])
    assert not mentions(titled("NR; Radio Resource Control (RRC)"), ["XR", "VR", "virtual reality"])
    assert not mentions(titled("Proxy XRES handling"), ["XR"])  # whole words only


@pytest.mark.parametrize("body", [b"", b"<html><body>busy</body></html>", b"a,b\n1,2\n"])
def test_garbage_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError):
        threegpp.parse_export(body, "u")
    with pytest.raises(ParseError):
        threegpp.export_link(body, "u")


def test_callbacks(settings: Settings) -> None:
    spider = ThreeGppSpider()
    starts = list(spider.start_requests())
    # one export, not one per keyword
    assert [r.url for r in starts] == [f"{BASE}/ftp/Information/Databases/"]
    body = (TG / "databases_listing.html").read_bytes()
    listing = HtmlResponse(starts[0].url, body=body, request=starts[0])
    follow = list(spider.parse_directory(listing))
    assert isinstance(follow[0], Request) and follow[0].url == f"{BASE}/ftp/Information/Databases/{CSV}"
    export = TextResponse(follow[0].url, body=(TG / CSV).read_bytes(), request=follow[0])
    kept = [o.record.id for o in spider.parse_search_page(export, **follow[0].cb_kwargs)
            if isinstance(o, CrawledRecord)]
    assert "3GPP TS 38.331:REL-18/18.3.0" not in kept and len(kept) == 5  # RRC is not VR
    empty = HtmlResponse(starts[0].url, body=b"<html><body>no files</body></html>", request=starts[0])
    dead = list(spider.parse_directory(empty))
    assert isinstance(dead[0], DeadLetter) and "ParseError" in dead[0].error


@pytest.mark.slow
def test_crawl_the_mirror(tmp_path: Path) -> None:
    got = crawl_mirror(tmp_path, "threegpp")
    assert sorted(got) == ["3GPP TR 26.918:REL-15/15.2.0", "3GPP TR 26.928:REL-16/16.1.0",
                           "3GPP TR 26.998:REL-18/1.2.0", "3GPP TS 26.118:REL-15/15.1.0",
                           "3GPP TS 26.118:REL-16/16.0.0"]
