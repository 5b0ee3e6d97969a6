"""ttbz.org.cn: parser on the project's fixtures and every real recording, callbacks, a mirror crawl."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from crawlers.items import CrawledRecord, CrawlState, DeadLetter
from crawlers.mirror import FIXTURES
from crawlers.parsers import ttbz
from crawlers.parsers.errors import ParseError
from crawlers.spiders.standards import SearchParams
from crawlers.spiders.ttbz import TtbzSpider, search_url
from tests.crawlers.mirror_crawl import copy_fixtures, crawl_mirror
from vrscope.records import Level, Standard, StandardStatus
from vrscope.settings import Settings
from vrscope.store import Store

ROOT = Path(__file__).resolve().parents[2]
GB = Path("samples/standards/gb")
TT = FIXTURES / "ttbz"


# --- parser on the project's fixtures ---------------------------------------------------------
def test_search_page() -> None:
    page = ttbz.parse_search((TT / "list_xuni_xianshi_p1.html").read_bytes(), "https://www.ttbz.org.cn")
    assert (page.page, page.pages, page.total, page.more) == (1, 2, 3, True)
    assert [h.record.id for h in page.hits] == ["T/QDVR 003-2023", "T/QDVR 007-2025"]
    assert [h.url for h in page.hits] == ["https://www.ttbz.org.cn/StandardManage/Detail/90001",
                                          "https://www.ttbz.org.cn/StandardManage/Detail/90002"]
    draft = page.hits[1].record
    assert (draft.status, draft.status_raw) == (StandardStatus.DRAFT_FOR_COMMENT, "征求意见稿")
    assert draft.level is Level.GROUP and draft.body == "青岛市虚拟现实产业联盟"


def test_gbk_search_page() -> None:
    body = (TT / "list_xuni_xianshi_p2.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    page = ttbz.parse_search(body, "https://www.ttbz.org.cn", "GBK")
    assert (page.page, page.more) == (2, False)
    assert page.hits[0].record.title_zh == "虚拟现实一体机 眩晕度主观评价方法"


def test_standard_detail() -> None:
    got = ttbz.parse_detail((TT / "detail_tqdvr_003_2023.html").read_bytes(), "u")
    assert (got.id, got.status, got.status_raw) == ("T/QDVR 003-2023", StandardStatus.PUBLISHED, "现行")
    assert got.drafting_orgs == ["青岛市虚拟现实研究院", "歌尔股份有限公司",
                                 "青岛海信激光显示股份有限公司", "山东大学"]
    assert (got.published_date, got.implemented_date) == (dt.date(2023, 11, 15), dt.date(2023, 12, 1))
    assert got.ics == ["31.120"] and got.ccs == ["L51"] and got.comment_deadline is None
    assert got.abstract and got.abstract.startswith("本文件规定了") and got.title_en


def test_draft_for_comment_keeps_its_deadline() -> None:
    got = ttbz.parse_detail((TT / "detail_tqdvr_007_2025.html").read_bytes(), "u")
    assert (got.status, got.status_raw) == (StandardStatus.DRAFT_FOR_COMMENT, "征求意见稿")
    assert got.comment_deadline == dt.date(2025, 12, 10) and got.published_date is None
    # the trailing 等 ("and others") is dropped
    assert got.drafting_orgs == ["青岛市虚拟现实研究院", "歌尔光学科技有限公司", "青岛理工大学"]


def test_gbk_detail_without_declared_charset() -> None:
    body = (TT / "detail_tcvia_112_2024.html").read_bytes()
    got = ttbz.parse_detail(body, "u")  # no header charset: the meta tag and the GB18030 fallback decode it
    assert got.title_zh == "虚拟现实一体机 眩晕度主观评价方法" and got.body == "中国电子视像行业协会"
    assert got.drafting_orgs[1] == "青岛虚拟现实研究院有限公司" and got.ics == ["33.160.60"]


def test_deadline_alone_marks_a_draft() -> None:
    body = (TT / "detail_tqdvr_007_2025.html").read_bytes().replace("征求意见稿".encode(), b"")
    assert ttbz.parse_detail(body, "u").status is StandardStatus.DRAFT_FOR_COMMENT


@pytest.mark.parametrize("body", [b"", b"<html><body>busy</body></html>", b'{"rows": []}'])
def test_garbage_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError):
        ttbz.parse_search(body, "u")
    with pytest.raises(ParseError):
        ttbz.parse_detail(body, "u")


# --- every real recording -----------------------------------------------------------------------
@pytest.mark.shared_data
def test_every_recorded_ttbz_response(shared_data: Path) -> None:
    folder = shared_data / GB / "fixtures"
    seen = {"search": 0, "detail": 0}
    for entry in json.loads((folder / "manifest.json").read_text("utf-8")):
        if "ttbz.org.cn" not in entry["url"]:
            continue
        body = (folder / entry["file"]).read_bytes()
        if "/Home/Standard" in entry["url"]:
            seen["search"] += 1
            page = ttbz.parse_search(body, "http://www.ttbz.org.cn", entry.get("charset"))
            assert page.total == len(page.hits) == page.pages, entry["file"]  # 1 hit, or 0 in the 2022 answer
            for hit in page.hits:
                assert (hit.record.id, hit.record.title_zh) == ("T/GZAEPI 001-2018", "环保型家用吸油烟机")
                assert hit.record.body == "广州环境保护产业协会"
                assert hit.record.status is StandardStatus.PUBLISHED
                assert hit.url == "http://www.ttbz.org.cn/StandardManage/Detail/22746"
                assert hit.record.published_date == dt.date(2018, 5, 17)
        else:
            seen["detail"] += 1
            _check_22746(ttbz.parse_detail(body, entry["url"], encoding=entry.get("charset")))
    assert seen == {"search": 4, "detail": 4}


@pytest.mark.shared_data
def test_recorded_examples(shared_data: Path) -> None:
    folder = shared_data / GB / "examples_2018_2019"
    _check_22746(ttbz.parse_detail((folder / "22746.html").read_bytes(), "u"))
    page = ttbz.parse_search((folder / "tgzaepi_001_2018.html").read_bytes(), "http://www.ttbz.org.cn")
    assert [h.record.id for h in page.hits] == ["T/GZAEPI 001-2018"]


def _check_22746(got: Standard) -> None:
    assert (got.id, got.title_zh) == ("T/GZAEPI 001-2018", "环保型家用吸油烟机")
    assert got.status is StandardStatus.PUBLISHED
    assert got.title_en == "Environmental protection type household range hood"
    assert got.level is Level.GROUP and got.body == "广州环境保护产业协会"
    assert (got.published_date, got.implemented_date) == (dt.date(2018, 5, 8), dt.date(2018, 7, 1))
    assert got.ics == ["13.020.01"] and got.ccs == ["Y68"]
    assert len(got.drafting_orgs) == 14 and got.drafting_orgs[0] == "广州市环境技术中心"
    assert got.abstract and "吸油烟机" in got.abstract and got.comment_deadline is None


# --- spider callbacks, no network ---------------------------------------------------------------
def test_params() -> None:
    given = SearchParams.model_validate({"keywords": "虚拟现实, 增强现实"})
    assert given.keywords == ["虚拟现实", "增强现实"]
    with pytest.raises(ValueError):
        SearchParams.model_validate({"max_pages": 0})
    with pytest.raises(ValueError):
        SearchParams.model_validate({"keywords": " , "})


def test_callbacks(settings: Settings) -> None:
    spider = TtbzSpider(keywords="虚拟现实", max_pages=2)
    starts = list(spider.start_requests())
    assert [r.url for r in starts] == [search_url("https://www.ttbz.org.cn", "虚拟现实")]
    body = (TT / "list_xuni_xianshi_p1.html").read_bytes()
    page1 = HtmlResponse(starts[0].url, body=body, request=starts[0])
    out = list(spider.parse_search_page(page1, keyword="虚拟现实", page=1))
    details = [o for o in out if isinstance(o, Request) and "Detail" in o.url]
    assert [d.cb_kwargs["hit"].record.id for d in details] == ["T/QDVR 003-2023", "T/QDVR 007-2025"]
    assert [o.url for o in out if isinstance(o, Request) and "page=2" in o.url]
    assert next(o for o in out if isinstance(o, CrawlState)).key == "keyword:虚拟现实"
    last = list(spider.parse_search_page(page1, keyword="虚拟现实", page=2))
    assert not [o for o in last if isinstance(o, Request) and "page=" in o.url]  # max_pages reached
    url = details[0].url
    done = list(spider.parse_detail_page(
        HtmlResponse(url, body=(TT / "detail_tqdvr_003_2023.html").read_bytes(), request=Request(url)),
        hit=details[0].cb_kwargs["hit"]))
    assert isinstance(done[0], CrawledRecord) and isinstance(done[0].record, Standard)


def test_malformed_and_failed_pages_are_dead_letters(settings: Settings) -> None:
    spider = TtbzSpider()
    url = "https://www.ttbz.org.cn/StandardManage/Detail/1"
    oops = HtmlResponse(url, body=b"<html>oops</html>", request=Request(url))
    broken = list(spider.parse_detail_page(oops))
    assert isinstance(broken[0], DeadLetter) and broken[0].url == url and "ParseError" in broken[0].error
    busy = list(spider.parse_search_page(HtmlResponse(url, status=503, body=b"x", request=Request(url)),
                                         keyword="x", page=1))
    assert isinstance(busy[0], DeadLetter) and busy[0].status == 503 and len(busy) == 1


def test_a_page_of_unforeseen_shape_is_a_dead_letter_too(settings: Settings,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def surprised(*args: object, **kwargs: object) -> Standard:
        raise KeyError("stdStatus")

    monkeypatch.setattr(ttbz, "parse_detail", surprised)
    url = "https://www.ttbz.org.cn/StandardManage/Detail/1"
    page = HtmlResponse(url, body=(TT / "detail_tqdvr_003_2023.html").read_bytes(), request=Request(url))
    out = list(TtbzSpider().parse_detail_page(page))
    assert isinstance(out[0], DeadLetter) and out[0].url == url and out[0].error.startswith("KeyError")


# --- a full crawl against the loopback mirror ----------------------------------------------------
@pytest.mark.slow
def test_crawl_the_mirror(tmp_path: Path) -> None:
    got = crawl_mirror(tmp_path, "ttbz", runs=2)
    # 虚拟现实 lists three (over two pages), 头戴式显示 two more, 增强现实 none
    assert sorted(got) == ["T/CESA 1388-2024", "T/CVIA 112-2024", "T/QDVR 003-2023", "T/QDVR 005-2024",
                           "T/QDVR 007-2025"]
    led = got["T/QDVR 005-2024"]
    assert led.title_zh == "虚拟现实头戴式显示设备 眼动追踪性能测试方法"
    assert led.drafting_orgs[0] == "青岛小鸟看看科技有限公司" and led.published_date == dt.date(2024, 9, 20)
    assert got["T/CESA 1388-2024"].drafting_orgs[0] == "京东方科技集团股份有限公司"
    draft = got["T/QDVR 007-2025"]
    assert draft.status is StandardStatus.DRAFT_FOR_COMMENT
    assert draft.comment_deadline == dt.date(2025, 12, 10)
    assert draft.url == "https://www.ttbz.org.cn/StandardManage/Detail/90002"
    gbk = got["T/CVIA 112-2024"]
    assert gbk.title_zh == "虚拟现实一体机 眩晕度主观评价方法"
    assert gbk.published_date == dt.date(2024, 6, 20)
    assert "青岛虚拟现实研究院有限公司" in gbk.drafting_orgs and gbk.source == "ttbz"


# --- robustness and change tracking (kill-and-resume: test_standards_crawls.py) ------------------
@pytest.mark.slow
def test_a_malformed_page_is_dead_lettered_and_the_crawl_goes_on(tmp_path: Path) -> None:
    fixtures = copy_fixtures(tmp_path, "ttbz")
    (fixtures / "ttbz" / "detail_tqdvr_003_2023.html").write_bytes(b"<html><body>maintenance</body></html>")
    got = crawl_mirror(tmp_path / "data", "ttbz", fixtures=fixtures, dead_letters=1)
    assert sorted(got) == ["T/CESA 1388-2024", "T/CVIA 112-2024", "T/QDVR 005-2024", "T/QDVR 007-2025"]
    with Store(tmp_path / "data" / "vrscope.sqlite3") as store:
        dead = store.dead_letters("ttbz")[0]
        assert str(dead["url"]).endswith("/ttbz/StandardManage/Detail/90001")
        assert "ParseError" in str(dead["error"])


@pytest.mark.slow
def test_a_draft_that_gets_published_is_recorded_as_a_change(tmp_path: Path) -> None:
    data = tmp_path / "data"
    crawl_mirror(data, "ttbz")
    later = dt.datetime.now(dt.UTC)
    fixtures = copy_fixtures(tmp_path, "ttbz")
    page = fixtures / "ttbz" / "detail_tqdvr_007_2025.html"
    page.write_text(page.read_text("utf-8").replace("征求意见稿", "现行"), "utf-8")
    got = crawl_mirror(data, "ttbz", fixtures=fixtures)
    assert got["T/QDVR 007-2025"].status is StandardStatus.PUBLISHED
    with Store(data / "vrscope.sqlite3") as store:
        moved = {(c.doc_id, c.old_value, c.new_value) for c in store.changes_since(later)}
        assert moved == {("T/QDVR 007-2025", "draft_for_comment", "published")}
