"""std.samr.gov.cn (2018–2019 layout): detail pages, search pages and search JSON from the recordings."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse

from crawlers.items import CrawledRecord, CrawlState, DeadLetter
from crawlers.mirror import FIXTURES
from crawlers.parsers import std_samr
from crawlers.parsers.errors import ParseError
from crawlers.spiders.std_samr import GB, SEARCH, StdSamrSpider, query_url, search_url
from tests.crawlers.mirror_crawl import crawl_mirror
from vrscope.records import Level, StandardStatus
from vrscope.settings import Settings

EXAMPLES = Path("samples/standards/gb/examples_2018_2019")
SR = FIXTURES / "std_samr"
BASE = "https://std.samr.gov.cn"

# file → (identifier, title, status word) as the page shows them
DETAILS = {
    "5dda8ba00fc618dee05397be0a0a95a7.html": ("GB/T 20223-2006", "棉短绒", "废止"),
    "5dda8ba037ff18dee05397be0a0a95a7.html": ("GB/T 5606.1-1996", "卷烟 抽样", "废止"),
    "5dda8ba054f418dee05397be0a0a95a7.html": ("GB/T 5606.1-2004", "卷烟 第1部分:抽样", "现行"),
    "6747e1059f9dc35ae05397be0a0a017f.html": ("GB/T 20223-2018", "棉短绒", "现行"),
    "6bc3ad94a1728abce05397be0a0a5667.html": ("JB/T 13368-2018", "叉车属具 软包夹", "现行"),
    "71f772d7cb63d3a7e05397be0a0ab82a.html": ("GB/T 5606.1-2004", "卷烟 第1部分:抽样", "现行"),
}


@pytest.mark.shared_data
@pytest.mark.parametrize("name", sorted(DETAILS))
def test_detail_pages(shared_data: Path, name: str) -> None:
    body = (shared_data / EXAMPLES / name).read_bytes()
    standard = std_samr.parse_detail(body, f"http://std.samr.gov.cn/gb/search/gbDetailed?id={name[:-5]}")
    assert (standard.id, standard.title_zh, standard.status_raw) == DETAILS[name]
    assert standard.published_date and standard.implemented_date and standard.ccs and standard.ics
    assert standard.level is (Level.INDUSTRY if standard.id.startswith("JB") else Level.NATIONAL)


@pytest.mark.shared_data
def test_detail_page_details(shared_data: Path) -> None:
    folder = shared_data / EXAMPLES
    old = std_samr.parse_detail((folder / "5dda8ba00fc618dee05397be0a0a95a7.html").read_bytes(), "u")
    assert old.status is StandardStatus.WITHDRAWN and str(old.withdrawn_date) == "2018-05-01"
    assert old.drafting_orgs[0] == "山东省纤维检验局" and len(old.drafting_orgs) == 4
    new = std_samr.parse_detail((folder / "6747e1059f9dc35ae05397be0a0a017f.html").read_bytes(), "u")
    assert new.replaces == ["GB/T 20223-2006"] and new.committee == "TC513 全国纤维标准化技术委员会"
    assert new.ics == ["59.060.10"] and new.title_en == "Cotton linter"


@pytest.mark.shared_data
def test_search_pages(shared_data: Path) -> None:
    folder = shared_data / EXAMPLES
    hits = {f.name: std_samr.parse_search(f.read_bytes()) for f in sorted(folder.glob("gbt_*.html"))}
    assert {name: len(found) for name, found in hits.items()} == {
        "gbt_20223.html": 10, "gbt_20223_2006.html": 10, "gbt_20223_2014.html": 5, "gbt_2023_2006.html": 10,
        "gbt_5606.1.html": 10, "gbt_5606.1_2004.html": 10, "gbt_5606.html": 10}
    first = hits["gbt_20223_2006.html"][0]
    assert (first.id, first.title_zh, first.status_raw) == ("GB/T 20223-2006", "棉短绒", "废止")
    assert first.ccs == ["B32"]
    assert first.url and first.url.endswith("gbDetailed?id=5DDA8BA00FC618DEE05397BE0A0A95A7")
    by_id = {s.id: s for found in hits.values() for s in found}
    plan = by_id["20130458-T-424"]
    assert plan.plan_number == "20130458-T-424" and plan.status is StandardStatus.PUBLISHED
    assert str(plan.plan_date) == "2013-08-01" and str(plan.published_date) == "2018-03-15"
    drafting = by_id["20173763-T-610"]
    assert drafting.status is StandardStatus.UNDER_DEVELOPMENT and drafting.stage_name == "正在起草"
    adopted = by_id["20170450-T-469"]
    assert adopted.adoption and adopted.adoption.degree == "IDT"
    assert adopted.adoption.identifier == "ISO/TS 9002"
    assert by_id["DB13/T 2023-2014"].level is Level.LOCAL and by_id["DB13/T 2023-2014"].ccs == ["Q34"]
    assert by_id["GB 12995-2006"].ccs == ["C45"] and by_id["GB 12995-2006"].ics == []
    assert all(s.status is not None for s in by_id.values())


@pytest.mark.shared_data
def test_search_json(shared_data: Path) -> None:
    path = shared_data / EXAMPLES / "jbt_13368_2018.json"
    rows = json.loads(path.read_text("utf-8"))["rows"]
    found = std_samr.parse_search_json(path.read_bytes(), "http://hbba.sacinfo.org.cn/stdQueryList")
    assert len(found) == len(rows) == 5
    assert (found[0].id, found[0].title_zh, found[0].status) == ("JB/T 13368-2018", "叉车属具 软包夹",
                                                                 StandardStatus.PUBLISHED)
    assert found[0].level is Level.INDUSTRY and found[0].ccs == ["J83"]


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["22746.html", "tgzaepi_001_2018.html"])
def test_other_sites_pages_are_parse_errors(shared_data: Path, name: str) -> None:
    with pytest.raises(ParseError):
        std_samr.parse_detail((shared_data / EXAMPLES / name).read_bytes(), "u")


def test_garbage_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        std_samr.parse_search_json(b"<html>busy</html>", "u")
    with pytest.raises(ParseError):
        std_samr.parse_search(b"<html><body>busy</body></html>")


@pytest.mark.shared_data
def test_search_json_as_a_listing(shared_data: Path) -> None:
    body = (shared_data / EXAMPLES / "jbt_13368_2018.json").read_bytes()
    page = std_samr.parse_query_page(body, "u", "http://std.samr.gov.cn", 5)
    assert (page.page, page.total, page.pages, len(page.hits)) == (1, 54871, 10975, 5)
    first = page.hits[0]
    assert first.record.id == "JB/T 13368-2018" and first.record.level is Level.INDUSTRY
    assert first.url == "http://std.samr.gov.cn/hb/search/stdHBDetailed?id=6BC3AD94A1728ABCE05397BE0A0A5667"


@pytest.mark.shared_data
def test_search_pages_as_listings(shared_data: Path) -> None:
    body = (shared_data / EXAMPLES / "gbt_20223.html").read_bytes()
    page = std_samr.parse_search_listing(body, "http://std.samr.gov.cn/")
    assert (page.page, page.pages, page.total, page.more) == (1, 16049, 160482, True)
    plans = [h for h in page.hits if h.record.plan_number]
    assert plans and all(h.url is None for h in plans)  # a plan is complete as listed
    assert all(h.url and "Detailed?id=" in h.url for h in page.hits if not h.record.plan_number)


# --- the project's fixtures ---------------------------------------------------------------------
def test_query_page_fixture() -> None:
    page = std_samr.parse_query_page((SR / "gbquery_xuni_xianshi_p1.json").read_bytes(), "u", BASE, 15)
    assert [h.record.id for h in page.hits] == ["GB/T 38665.1-2020", "GB/T 38665.2-2020"]
    # the <sacinfo> highlight tags are gone
    assert page.hits[0].record.title_zh == "信息技术 手势交互系统 第1部分：通用技术要求"
    assert page.hits[0].url == f"{BASE}/gb/search/gbDetailed?id=A7C0E1D2B3F4051627384950A1B2C3D4"
    assert all(h.record.level is Level.NATIONAL for h in page.hits) and not page.more


def test_plans_from_the_search_page() -> None:
    page = std_samr.parse_search_listing((SR / "search_xuni_xianshi_p1.html").read_bytes(), BASE)
    plans = {h.record.id: h.record for h in page.hits if h.url is None}
    plan = plans["20240040-T-339"]
    assert (plan.plan_number, plan.stage_name, plan.status) == ("20240040-T-339", "正在起草",
                                                               StandardStatus.UNDER_DEVELOPMENT)
    assert plan.committee == "TC547 全国电子显示器件标准化技术委员会"
    assert plan.plan_date == dt.date(2024, 3, 25)
    assert plan.adoption and plan.adoption.degree == "IDT"
    assert plan.adoption.identifier == "IEC 63145-20-10:2019"
    assert plans["20250517-T-469"].status is StandardStatus.DRAFT_FOR_COMMENT


def test_detail_fixture() -> None:
    got = std_samr.parse_detail((SR / "detail_gbt_38665_2_2020.html").read_bytes(), "u")
    assert got.committee == "TC28 全国信息技术标准化技术委员会"
    assert "青岛虚拟现实研究院有限公司" in got.drafting_orgs


# --- spider callbacks, no network ---------------------------------------------------------------
def test_callbacks(settings: Settings) -> None:
    spider = StdSamrSpider(keywords="虚拟现实")
    starts = list(spider.start_requests())
    assert [r.url for r in starts] == [query_url(BASE, "虚拟现实"), search_url(BASE, "虚拟现实")]
    assert [r.cb_kwargs["kind"] for r in starts] == [GB, SEARCH]
    body = (SR / "gbquery_xuni_xianshi_p1.json").read_bytes()
    gb = TextResponse(starts[0].url, body=body, request=starts[0])
    out = list(spider.parse_search_page(gb, keyword="虚拟现实", page=1, kind=GB))
    assert len([o for o in out if isinstance(o, Request)]) == 2
    assert next(o for o in out if isinstance(o, CrawlState)).key == "gb:keyword:虚拟现实"
    body = (SR / "search_xuni_xianshi_p1.html").read_bytes()
    html = HtmlResponse(starts[1].url, body=body, request=starts[1])
    out = list(spider.parse_search_page(html, keyword="虚拟现实", page=1, kind=SEARCH))
    plans = [o.record for o in out if isinstance(o, CrawledRecord)]
    assert sorted(p.id for p in plans) == ["20240040-T-339", "20250517-T-469"]
    assert [o.url for o in out if isinstance(o, Request)] == [
        f"{BASE}/gb/search/gbDetailed?id=A7C0E1D2B3F4051627384950A1B2C3D4"]
    broken = list(spider.parse_search_page(TextResponse(starts[0].url, body=b"<html>busy</html>",
                                                        request=starts[0]), keyword="x", page=1, kind=GB))
    assert isinstance(broken[0], DeadLetter) and broken[0].url == starts[0].url and len(broken) == 1


# --- a full crawl against the loopback mirror ----------------------------------------------------
@pytest.mark.slow
def test_crawl_the_mirror(tmp_path: Path) -> None:
    got = crawl_mirror(tmp_path, "std_samr", runs=2)
    assert sorted(got) == ["20240040-T-339", "20250517-T-469", "GB/T 38665.1-2020", "GB/T 38665.2-2020"]
    assert got["GB/T 38665.1-2020"].committee == "TC28 全国信息技术标准化技术委员会"
    detail = f"{BASE}/gb/search/gbDetailed?id=A7C0E1D2B3F4051627384950A1B2C3D4"
    assert got["GB/T 38665.1-2020"].url == detail
    plan = f"{BASE}/gb/search/gbPlanDetailed?id=FC2110746836D790E05397BE0A0A21CA"
    assert got["20240040-T-339"].url == plan
