"""itu.int: GlobalSearch JSON and Recommendation pages: the project's fixtures, every recording, a crawl."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from scrapy import FormRequest, Request
from scrapy.http import HtmlResponse, TextResponse

from crawlers.items import CrawledRecord, CrawlState
from crawlers.mirror import FIXTURES
from crawlers.parsers import itu
from crawlers.parsers.errors import ParseError
from crawlers.spiders.itu import ItuSpider, search_form
from tests.crawlers.mirror_crawl import crawl_mirror
from vrscope.records import StandardStatus
from vrscope.settings import Settings

RECORDED = Path("samples/standards/itu/fixtures")
IT = FIXTURES / "itu"
BASE = "https://www.itu.int"


# --- the project's fixtures ---------------------------------------------------------------------
def test_search_and_page() -> None:
    page = itu.parse_search((IT / "search_virtual_reality.json").read_bytes(), "u", BASE)
    # the ITU Journal hit is no Recommendation
    assert [h.record.id for h in page.hits] == ["ITU-T J.301 (10/2014)", "ITU-T P.1320 (07/2022)",
                                                "ITU-T G.1035 (11/2021)"]
    assert page.hits[0].url == f"{BASE}/ITU-T/recommendations/rec.aspx?rec=990201&lang=en"
    assert page.hits[0].record.published_date == dt.date(2014, 12, 1) and not page.more
    got = itu.parse_page((IT / "rec_990202.html").read_bytes(), "u")
    assert (got.id, got.status) == ("ITU-T P.1320 (07/2022)", StandardStatus.PUBLISHED)
    assert got.status_raw == "In force"
    assert got.committee == "ITU-T Study Group 12" and got.published_date == dt.date(2022, 7, 29)
    assert got.title_en == "QoE assessment of extended reality (XR) meetings" and got.abstract


@pytest.mark.parametrize("body", [b"", b"<html><body>busy</body></html>", b'{"rows": []}'])
def test_garbage_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError):
        itu.parse_search(body, "u")
    with pytest.raises(ParseError):
        itu.parse_page(body, "u")


# --- every real recording -----------------------------------------------------------------------
@pytest.mark.shared_data
def test_every_recorded_itu_response(shared_data: Path) -> None:
    folder = shared_data / RECORDED
    seen = {"search": 0, "recommendation": 0, "other publication": 0}
    for entry in json.loads((folder / "manifest.json").read_text("utf-8")):
        body, url = (folder / entry["file"]).read_bytes(), entry["url"]
        if "GlobalSearch" in url:
            seen["search"] += 1
            payload = json.loads(body)
            page = itu.parse_search(body, url)
            assert len(page.hits) == len(payload["results"]) and page.total == payload["totalAmount"]
            assert all(h.record.id.startswith("ITU-T ") and h.record.title_en and h.url for h in page.hits)
        elif "/pub/" in url:  # operational bulletins and the Radio Regulations are no Recommendations
            seen["other publication"] += 1
            with pytest.raises(ParseError):
                itu.parse_page(body, url)
        else:
            seen["recommendation"] += 1
            got = itu.parse_page(body, url)
            assert got.id.startswith("ITU-T ") and got.title_en and got.published_date, entry["file"]
            assert got.status in (StandardStatus.PUBLISHED, StandardStatus.REPLACED)
    assert seen == {"search": 14, "recommendation": 17, "other publication": 14}


@pytest.mark.shared_data
def test_recorded_details(shared_data: Path) -> None:
    folder = shared_data / RECORDED
    old = itu.parse_page(next(folder.glob("*rec=615__*")).read_bytes(), "u")
    assert (old.id, old.status) == ("ITU-T F.163 (08/1992)", StandardStatus.REPLACED)
    assert old.status_raw == "Superseded"
    legacy = itu.parse_page(next(folder.glob("*G.Imp712*20250408*")).read_bytes(), "u")
    assert (legacy.id, legacy.status) == ("ITU-T G.Imp712 (04/2000)", StandardStatus.PUBLISHED)
    assert legacy.published_date == dt.date(2000, 4, 14)


# --- spider callbacks, no network ---------------------------------------------------------------
def test_callbacks(settings: Settings) -> None:
    spider = ItuSpider(keywords="virtual reality")
    start = next(iter(spider.start_requests()))
    assert isinstance(start, FormRequest) and start.url.endswith("/net4/ITU-T/search/GlobalSearch/RunSearch")
    assert json.loads(search_form("x", 3)["json"])["Start"] == 20
    response = TextResponse(start.url, body=(IT / "search_virtual_reality.json").read_bytes(), request=start)
    out = list(spider.parse_search_page(response, keyword="virtual reality", page=1))
    pages = [o for o in out if isinstance(o, Request)]
    assert len(pages) == 3
    assert next(o for o in out if isinstance(o, CrawlState)).key == "keyword:virtual reality"
    url = pages[2].url
    answer = HtmlResponse(url, body=(IT / "rec_990203.html").read_bytes(), request=Request(url))
    done = list(spider.parse_detail_page(answer, **pages[2].cb_kwargs))
    assert isinstance(done[0], CrawledRecord) and done[0].record.id == "ITU-T G.1035 (11/2021)"


# --- a full crawl against the loopback mirror ----------------------------------------------------
@pytest.mark.slow
def test_crawl_the_mirror(tmp_path: Path) -> None:
    got = crawl_mirror(tmp_path, "itu")
    assert sorted(got) == ["ITU-T G.1035 (11/2021)", "ITU-T J.301 (10/2014)", "ITU-T P.1320 (07/2022)"]
    assert got["ITU-T J.301 (10/2014)"].url == f"{BASE}/ITU-T/recommendations/rec.aspx?rec=990201&lang=en"
    assert all(s.status is StandardStatus.PUBLISHED and s.abstract for s in got.values())
