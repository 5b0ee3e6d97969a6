"""IEC webstore search and publication pages, edition history and API JSON: fixtures, recordings, a crawl."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from crawlers.items import CrawledRecord, DeadLetter
from crawlers.mirror import FIXTURES
from crawlers.parsers import iec
from crawlers.parsers.errors import ParseError
from crawlers.spiders.iec import IecSpider, search_url
from tests.crawlers.mirror_crawl import crawl_mirror
from vrscope.records import Level, StandardStatus
from vrscope.settings import Settings

RECORDED = Path("samples/standards/iec/fixtures")
IE = FIXTURES / "iec"
BASE = "https://webstore.iec.ch"


# --- the project's fixtures ---------------------------------------------------------------------
def test_search_and_page() -> None:
    page = iec.parse_search((IE / "search_63145.html").read_bytes(), BASE)
    assert [h.record.id for h in page.hits] == ["IEC 63145-1-1:2018", "IEC 63145-20-10:2019",
                                                "IEC 63145-20-20:2019"]
    assert page.hits[1].url == f"{BASE}/publication/990102" and not page.more
    title = "Eyewear display - Part 20-10: Fundamental measurement methods - Optical properties"
    assert page.hits[1].record.title_en == title
    got = iec.parse_page((IE / "publication_990102.html").read_bytes(), "u")
    assert (got.id, got.status, got.committee, got.ics) == ("IEC 63145-20-10:2019", StandardStatus.PUBLISHED,
                                                            "IEC TC 110", ["31.120"])
    assert got.published_date == dt.date(2019, 7, 11) and got.abstract and got.level is Level.INTERNATIONAL


@pytest.mark.parametrize("body", [b"", b"<html><body>busy</body></html>", b'{"rows": []}'])
def test_garbage_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError):
        iec.parse_search(body, "u")
    with pytest.raises(ParseError):
        iec.parse_page(body, "u")
    with pytest.raises(ParseError):
        iec.parse_history(body, "u")
    with pytest.raises(ParseError):
        iec.parse_api(body, "u")


# --- every real recording -----------------------------------------------------------------------
@pytest.mark.shared_data
def test_every_recorded_iec_response(shared_data: Path) -> None:
    folder = shared_data / RECORDED
    seen = {"api": 0, "search": 0, "page": 0, "history": 0, "error page": 0}
    for entry in json.loads((folder / "manifest.json").read_text("utf-8")):
        body, url = (folder / entry["file"]).read_bytes(), entry["url"]
        if "api.iec.ch" in url:
            seen["api"] += 1
            found = iec.parse_api(body, url)
            assert len(found) == len(json.loads(body)["publication"]) == 100
            assert all(s.status and s.title_en and s.url for s in found)
        elif "searchkey" in url:
            seen["search"] += 1
            page = iec.parse_search(body, BASE, entry["content_type"].split("charset=")[-1])
            assert all(h.url and h.url.startswith(f"{BASE}/publication/") for h in page.hits)
            assert len(page.hits) >= min(page.total or 0, iec.PAGE_SIZE), entry["file"]
        elif "/publication/" in url:
            seen["page"] += 1
            got = iec.parse_page(body, url)
            assert got.id.startswith("IEC") and got.title_en and got.committee and got.ics, entry["file"]
            assert got.published_date and got.status in (StandardStatus.PUBLISHED, StandardStatus.WITHDRAWN)
        elif body.startswith(b"<?xml"):
            seen["history"] += 1
            assert all(s.id.startswith("IEC") and s.status for s in iec.parse_history(body, url))
        else:  # two recorded answers of that URL are the site's HTML error page
            seen["error page"] += 1
            with pytest.raises(ParseError):
                iec.parse_history(body, url)
    assert seen == {"api": 1, "search": 12, "page": 15, "history": 8, "error page": 2}


@pytest.mark.shared_data
def test_recorded_details(shared_data: Path) -> None:
    folder = shared_data / RECORDED
    withdrawn = iec.parse_page((folder / "webstore.iec.ch_publication_7480__20201204.html").read_bytes(), "u")
    assert (withdrawn.id, withdrawn.status, withdrawn.withdrawn_date) == (
        "IEC 80000-14:2008", StandardStatus.WITHDRAWN, dt.date(2017, 3, 31))
    history = iec.parse_history(next(folder.glob("*AjaxRequestXML__Openagent_url=66852*")).read_bytes(), "u")
    project = next(s for s in history if s.stage_code)
    assert (project.id, project.stage_code, project.status) == ("IEC 60050-395", "ACDV",
                                                                StandardStatus.COMMITTEE_DRAFT)
    paged = next(folder.glob("*searchkey_RefNbr_60050_From_2020*"))
    page = iec.parse_search(paged.read_bytes(), BASE, "ISO-8859-1")
    assert (page.total, page.pages, page.more) == (25, 3, True)
    api = {s.id: s for s in iec.parse_api(next(folder.glob("api.iec.ch_*")).read_bytes(), "u")}
    cispr = api["CISPR 11:2009/AMD1:2010"]
    assert cispr.status is StandardStatus.REPLACED and cispr.committee == "CISPR/CIS/B"
    assert cispr.ics == ["33.100.10"] and cispr.url == f"{BASE}/publication/1"


# --- spider callbacks, no network ---------------------------------------------------------------
def test_callbacks(settings: Settings) -> None:
    spider = IecSpider(keywords="IEC 63145")
    start = next(iter(spider.start_requests()))
    assert start.url == f"{BASE}/searchkey&RefNbr=IEC%2063145&From=&To=&start=1"
    assert search_url(BASE, "IEC 63145", 3).endswith("&start=21")
    response = HtmlResponse(start.url, body=(IE / "search_63145.html").read_bytes(), request=start)
    out = spider.parse_search_page(response, keyword="IEC 63145", page=1)
    pages = [o for o in out if isinstance(o, Request)]
    assert len(pages) == 3
    url = pages[0].url
    answer = HtmlResponse(url, body=(IE / "publication_990101.html").read_bytes(), request=Request(url))
    done = list(spider.parse_detail_page(answer, **pages[0].cb_kwargs))
    assert isinstance(done[0], CrawledRecord) and done[0].record.id == "IEC 63145-1-1:2018"
    gone = list(spider.parse_detail_page(HtmlResponse(url, status=404, body=b"", request=Request(url))))
    assert isinstance(gone[0], DeadLetter) and gone[0].status == 404 and gone[0].url == url


# --- a full crawl against the loopback mirror ----------------------------------------------------
@pytest.mark.slow
def test_crawl_the_mirror(tmp_path: Path) -> None:
    got = crawl_mirror(tmp_path, "iec")
    assert sorted(got) == ["IEC 63145-1-1:2018", "IEC 63145-20-10:2019", "IEC 63145-20-20:2019"]
    assert got["IEC 63145-1-1:2018"].url == f"{BASE}/publication/990101"
    assert all(s.committee == "IEC TC 110" and s.abstract for s in got.values())
