"""standards.ieee.org: site search JSON and standard / P-project pages: fixtures, recordings, a crawl."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from scrapy import FormRequest, Request
from scrapy.http import HtmlResponse, TextResponse

from crawlers.items import CrawledRecord
from crawlers.mirror import FIXTURES
from crawlers.parsers import ieee
from crawlers.parsers.errors import ParseError
from crawlers.spiders.ieee import IeeeSpider
from tests.crawlers.mirror_crawl import crawl_mirror
from vrscope.records import StandardStatus
from vrscope.settings import Settings

RECORDED = Path("samples/standards/ieee/fixtures")
IE = FIXTURES / "ieee"
BASE = "https://standards.ieee.org"


@pytest.mark.parametrize(("word", "identifier", "status"), [
    ("Active Standard", "IEEE 528-2019", StandardStatus.PUBLISHED),
    ("Active", "IEEE 528-2019", StandardStatus.PUBLISHED),
    ("Superseded Standard", "IEEE 528-2001", StandardStatus.REPLACED),
    ("Inactive-Withdrawn Standard", "IEEE 671-1985", StandardStatus.WITHDRAWN),
    ("Inactive-Reserved", "IEEE 671-1985", StandardStatus.WITHDRAWN),
    ("Active PAR", "IEEE P2048.101", StandardStatus.UNDER_DEVELOPMENT),
    ("Inactive PAR", "IEEE P2048.5", StandardStatus.WITHDRAWN),
    ("", "IEEE 1-2000", None),
])
def test_status_words(word: str, identifier: str, status: StandardStatus | None) -> None:
    assert ieee.status_of(word, identifier) is status


def test_designations() -> None:
    assert ieee.split_designation("IEEE SA - IEEE 528-2019") == ("IEEE Std 528-2019", None)
    assert ieee.split_designation("1293-2018 - IEEE Standard Specification") == ("IEEE Std 1293-2018",
                                                                                "IEEE Standard Specification")
    assert ieee.split_designation("528-1994")[0] == "IEEE Std 528-1994"
    assert ieee.split_designation("Tag: Aerospace-electronics") == (None, None)


# --- the project's fixtures ---------------------------------------------------------------------
def test_search_and_pages() -> None:
    page = ieee.parse_cloudsearch((IE / "search_virtual_reality.json").read_bytes(), "u")
    # the tag page among the hits is no standard
    assert [h.record.id for h in page.hits] == ["IEEE Std 3079-2020", "IEEE P2048.101", "IEEE P2048.5"]
    assert page.hits[1].url == f"{BASE}/ieee/2048.101/10901/" and page.hits[1].record.abstract
    draft = ieee.parse_page((IE / "page_10901.html").read_bytes(), "u")
    assert (draft.id, draft.status, draft.status_raw) == ("IEEE P2048.101", StandardStatus.UNDER_DEVELOPMENT,
                                                          "Active PAR")
    assert ieee.parse_page((IE / "page_10902.html").read_bytes(), "u").status is StandardStatus.WITHDRAWN
    done = ieee.parse_page((IE / "page_7901.html").read_bytes(), "u")
    assert (done.status, done.published_date) == (StandardStatus.PUBLISHED, dt.date(2020, 9, 24))
    assert done.committee == "CES/SC - Standards Committee (illustrative)" and done.abstract


@pytest.mark.parametrize("body", [b"", b"<html><body>busy</body></html>", b'{"rows": []}'])
def test_garbage_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError):
        ieee.parse_cloudsearch(body, "u")
    with pytest.raises(ParseError):
        ieee.parse_search(body, "u")
    with pytest.raises(ParseError):
        ieee.parse_page(body, "u")


# --- every real recording -----------------------------------------------------------------------
@pytest.mark.shared_data
def test_every_recorded_ieee_response(shared_data: Path) -> None:
    folder = shared_data / RECORDED
    seen = {"site search": 0, "search": 0, "page": 0}
    for entry in json.loads((folder / "manifest.json").read_text("utf-8")):
        body, url = (folder / entry["file"]).read_bytes(), entry["url"]
        if "admin-ajax" in url:
            seen["site search"] += 1
            page = ieee.parse_cloudsearch(body, url)
            # one of the ten hits is a tag page
            assert (page.pages, page.total, len(page.hits)) == (3, 24, 9)
            assert all(h.url and "/ieee/" in h.url and h.record.abstract for h in page.hits)
        elif "bin/standards/search" in url:
            seen["search"] += 1
            page = ieee.parse_search(body, url)
            rows = json.loads(json.loads(body)["message"])["response"]["searchResults"]["resultsMapList"]
            sitemap = [r for r in rows if "sitemap" in r["record"]["recordURL"]]  # a hit that is no standard
            assert len(page.hits) == len(rows) - len(sitemap) > 0, entry["file"]
            assert all(h.record.title_en and h.url and "/standard/" in h.url for h in page.hits)
        else:
            seen["page"] += 1
            got = ieee.parse_page(body, url)
            assert got.id.startswith("IEEE ") and got.title_en and got.published_date, entry["file"]
            assert got.status in (StandardStatus.PUBLISHED, StandardStatus.REPLACED) and got.abstract
    assert seen == {"site search": 1, "search": 4, "page": 14}


@pytest.mark.shared_data
def test_recorded_details(shared_data: Path) -> None:
    folder = shared_data / RECORDED
    old = ieee.parse_page((folder / "standards.ieee.org_ieee_528_780___20220408.html").read_bytes(), "u")
    assert (old.id, old.status, old.replaces) == (
        "IEEE Std 528-2001", StandardStatus.REPLACED, ["IEEE Std 528-1994"]
    )
    assert old.committee == "AES/GA - Gyro Accelerometer Panel" and old.published_date == dt.date(2001, 8, 7)
    older_page = folder / "standards.ieee.org_standard_528_2001.html__20210514.html"
    older = ieee.parse_page(older_page.read_bytes(), "u")
    assert (older.status, older.status_raw) == (StandardStatus.REPLACED, "Superseded")


# --- spider callbacks, no network ---------------------------------------------------------------
def test_callbacks(settings: Settings) -> None:
    spider = IeeeSpider(keywords="virtual reality")
    start = next(iter(spider.start_requests()))
    assert isinstance(start, FormRequest) and start.url == f"{BASE}/wp-admin/admin-ajax.php"
    assert start.body == b"action=ieee_cloudsearch&q=virtual+reality"
    response = TextResponse(start.url, body=(IE / "search_virtual_reality.json").read_bytes(), request=start)
    pages = [o for o in spider.parse_search_page(response, keyword="virtual reality", page=1)
             if isinstance(o, Request)]
    assert [p.url for p in pages] == [f"{BASE}/ieee/3079/7901/", f"{BASE}/ieee/2048.101/10901/",
                                      f"{BASE}/ieee/2048.5/10902/"]  # one page of results: no next request
    url = pages[0].url
    answer = HtmlResponse(url, body=(IE / "page_7901.html").read_bytes(), request=Request(url))
    done = list(spider.parse_detail_page(answer, **pages[0].cb_kwargs))
    assert isinstance(done[0], CrawledRecord) and done[0].record.id == "IEEE Std 3079-2020"


# --- a full crawl against the loopback mirror ----------------------------------------------------
@pytest.mark.slow
def test_crawl_the_mirror(tmp_path: Path) -> None:
    got = crawl_mirror(tmp_path, "ieee")
    assert sorted(got) == ["IEEE P2048.101", "IEEE P2048.5", "IEEE Std 3079-2020"]
    assert got["IEEE P2048.101"].status is StandardStatus.UNDER_DEVELOPMENT
    assert got["IEEE P2048.5"].status is StandardStatus.WITHDRAWN
    assert got["IEEE Std 3079-2020"].url == f"{BASE}/ieee/3079/7901/"
