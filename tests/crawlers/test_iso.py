"""iso.org: catalogue and site search JSON and pages: the project's fixtures, every recording, a crawl."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse

from crawlers.items import CrawledRecord, DeadLetter
from crawlers.mirror import FIXTURES
from crawlers.parsers import iso
from crawlers.parsers.errors import ParseError
from crawlers.spiders.iso import IsoSpider, search_url
from tests.crawlers.mirror_crawl import crawl_mirror
from vrscope.records import Level, Standard, StandardStatus
from vrscope.settings import Settings

RECORDED = Path("samples/standards/iso/fixtures")
IS = FIXTURES / "iso"
BASE = "https://www.iso.org"


@pytest.mark.parametrize(("reference", "status"), [
    ("ISO/IEC FDIS 23008-1/WD Amd 1", StandardStatus.PREPARATORY),  # the amendment's marker counts
    ("ISO/IEC DIS 23090-5", StandardStatus.DRAFT_FOR_COMMENT),
    ("ISO/IEC CD 23090-3", StandardStatus.COMMITTEE_DRAFT),
    ("ISO/FDIS 9241-820", StandardStatus.APPROVAL),
    ("ISO/AWI TR 19115-4", StandardStatus.PREPARATORY),
    ("ISO 19115-1:2014", None),
])
def test_draft_markers(reference: str, status: StandardStatus | None) -> None:
    assert iso.draft_status(reference) is status


# --- the project's fixtures ---------------------------------------------------------------------
def test_catalogue_search() -> None:
    page = iso.parse_search((IS / "search_23090.json").read_bytes(), "u", BASE)
    got = {h.record.id: h.record for h in page.hits}
    assert sorted(got) == ["ISO/IEC 23090-5:2021", "ISO/IEC 23090-5:2023", "ISO/IEC DIS 23090-5"]
    old = got["ISO/IEC 23090-5:2021"]
    assert (old.status, old.stage_code, old.replaced_by) == (StandardStatus.REPLACED, "95.99",
                                                             ["ISO/IEC 23090-5:2023"])
    new = got["ISO/IEC 23090-5:2023"]
    assert new.status is StandardStatus.PUBLISHED and new.replaces == ["ISO/IEC 23090-5:2021"]
    assert new.body == "ISO/IEC" and new.committee == "ISO/IEC JTC 1/SC 29" and new.ics == ["35.040.40"]
    assert new.published_date == dt.date(2023, 8, 1) and new.level is Level.INTERNATIONAL
    draft = got["ISO/IEC DIS 23090-5"]
    assert (draft.status, draft.stage_code) == (StandardStatus.DRAFT_FOR_COMMENT, "40.20")
    assert draft.stage_name == "DIS ballot initiated: 12 weeks"
    assert page.hits[0].url == f"{BASE}/standard/990001.html"


def test_page() -> None:
    got = iso.parse_page((IS / "page_990004.html").read_bytes(), f"{BASE}/standard/990004.html")
    assert (got.id, got.stage_code, got.status) == ("ISO/IEC 18040:2019", "60.60", StandardStatus.PUBLISHED)
    assert got.abstract and got.abstract.startswith("This document defines a reference model")
    assert got.committee == "ISO/IEC JTC 1/SC 24" and got.ics == ["35.140"]


@pytest.mark.parametrize("body", [b"", b"<html><body>busy</body></html>", b'{"rows": []}', b"[]"])
def test_garbage_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError):
        iso.parse_search(body, "u")
    with pytest.raises(ParseError):
        iso.parse_site_search(body, "u")
    with pytest.raises(ParseError):
        iso.parse_page(body, "u")


# --- every real recording -----------------------------------------------------------------------
@pytest.mark.shared_data
def test_every_recorded_iso_response(shared_data: Path) -> None:
    folder = shared_data / RECORDED
    seen = {"catalogue": 0, "site": 0, "page": 0}
    for entry in json.loads((folder / "manifest.json").read_text("utf-8")):
        body, url = (folder / entry["file"]).read_bytes(), entry["url"]
        if "advancedSearch" in url:
            seen["catalogue"] += 1
            page = iso.parse_search(body, url)
            rows = json.loads(body)["standards"]
            assert len(page.hits) == len(rows) > 0, entry["file"]
            assert all(h.record.stage_code and h.record.status for h in page.hits)
            assert all(h.url and h.url.startswith(f"{BASE}/standard/") for h in page.hits)
        elif "algolia" in url:
            seen["site"] += 1
            found = iso.parse_site_search(body, url)
            assert len(found) == len(json.loads(body)["hits"]) > 0, entry["file"]
            assert all(s.status for s in found) and all(s.id.startswith("ISO") for s in found)
        else:
            seen["page"] += 1
            got = iso.parse_page(body, url)
            assert got.id.startswith("ISO") and got.committee and got.ics, entry["file"]
            if "/fr/" not in url and "/ru/" not in url:  # English pages always show the stage
                assert got.stage_code and got.status and got.title_en, entry["file"]
    assert seen == {"catalogue": 6, "site": 4, "page": 26}


@pytest.mark.shared_data
def test_recorded_details(shared_data: Path) -> None:
    folder = shared_data / RECORDED
    name = next(folder.glob("*advancedSearch.do__docNumber=123_*"))
    got = {h.record.id: h.record for h in iso.parse_search(name.read_bytes(), "u").hits}
    assert got["ISO 123:1985"].status is StandardStatus.REPLACED
    assert got["ISO 123:1985"].replaced_by == ["ISO 123:2001"]
    assert got["ISO 123:1985"].replaces == ["ISO 123:1974"]
    assert got["ISO 123:2001"].stage_code == "90.93"
    assert got["ISO 123:2001"].status is StandardStatus.PUBLISHED
    page = iso.parse_page((folder / "www.iso.org_standard_82727.html__20230202.html").read_bytes(), "u")
    assert (page.id, page.stage_code, page.status) == ("ISO/IEC 23008-1:2023/WD Amd 1", "20.99",
                                                       StandardStatus.PREPARATORY)
    algolia = folder / "jcl49wv5ar_dsn.algolia.net_1_indexes_all_en_query__eafbade6__20221021.json"
    site = iso.parse_site_search(algolia.read_bytes(), "u")
    assert site[0].id == "ISO/IEC FDIS 23008-1/WD Amd 1" and site[0].title_en
    assert site[0].url == f"{BASE}/standard/82727.html"


# --- spider callbacks, no network ---------------------------------------------------------------
def test_callbacks(settings: Settings) -> None:
    spider = IsoSpider(keywords="23090-5")
    start = next(iter(spider.start_requests()))
    assert start.url == search_url(BASE, "23090-5") and "docNumber=23090&docPartNo=5" in start.url
    response = TextResponse(start.url, body=(IS / "search_23090.json").read_bytes(), request=start)
    out = spider.parse_search_page(response, keyword="23090-5", page=1)
    pages = [o for o in out if isinstance(o, Request)]
    assert [p.url for p in pages] == [f"{BASE}/standard/99000{i}.html" for i in (1, 2, 3)]
    url = pages[2].url
    # the catalogue's stage wins over the page's; the page adds the abstract
    body = (IS / "page_990003.html").read_bytes().replace(b"40.20", b"30.60")
    answer = HtmlResponse(url, body=body, request=Request(url))
    done = list(spider.parse_detail_page(answer, **pages[2].cb_kwargs))
    assert isinstance(done[0], CrawledRecord) and isinstance(done[0].record, Standard)
    assert done[0].record.stage_code == "40.20" and done[0].record.abstract
    broken = list(spider.parse_detail_page(HtmlResponse(url, body=b"<html/>", request=Request(url))))
    assert isinstance(broken[0], DeadLetter) and broken[0].url == url


# --- a full crawl against the loopback mirror ----------------------------------------------------
@pytest.mark.slow
def test_crawl_the_mirror(tmp_path: Path) -> None:
    got = crawl_mirror(tmp_path, "iso")
    assert sorted(got) == ["ISO/IEC 18040:2019", "ISO/IEC 23090-5:2021", "ISO/IEC 23090-5:2023",
                           "ISO/IEC DIS 23090-5"]
    assert got["ISO/IEC DIS 23090-5"].status is StandardStatus.DRAFT_FOR_COMMENT
    assert got["ISO/IEC 18040:2019"].url == f"{BASE}/standard/990004.html"
    assert got["ISO/IEC 18040:2019"].abstract
