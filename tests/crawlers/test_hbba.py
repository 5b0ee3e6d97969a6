"""hbba/dbba.sacinfo.org.cn: parser on the project's fixtures and every real recording, callbacks, a crawl."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy import FormRequest, Request
from scrapy.http import HtmlResponse, TextResponse

from crawlers.items import CrawledRecord, CrawlState, DeadLetter
from crawlers.mirror import FIXTURES, Mirror
from crawlers.parsers import hbba
from crawlers.parsers.errors import ParseError
from crawlers.spiders.hbba import HbbaParams, HbbaSpider
from vrscope.changes import ChangeKind
from vrscope.records import Level, Standard, StandardStatus
from vrscope.settings import Settings
from vrscope.store import Store

ROOT = Path(__file__).resolve().parents[2]
GB = Path("samples/standards/gb/fixtures")
HB = FIXTURES / "hbba"
DB = FIXTURES / "dbba"


# --- parser on the project's fixtures ---------------------------------------------------------
def test_list_json() -> None:
    page = hbba.parse_list((HB / "list_xuni_xianshi_p1.json").read_bytes(), "https://hbba.sacinfo.org.cn/")
    assert (page.page, page.pages, page.total) == (1, 2, 3)
    first = page.entries[0]
    assert (first.identifier, first.status) == ("SJ/T 11823-2022", StandardStatus.PUBLISHED)
    assert first.record_number == "82105-2022"
    assert first.published_date == dt.date(2022, 4, 8)  # epoch ms at Beijing midnight, not the UTC day before
    assert first.url == "https://hbba.sacinfo.org.cn/stdDetail/5a1c0e7f3b2d4c6e8f90a1b2c3d4e5f6"


def test_industry_detail() -> None:
    got = hbba.parse_detail((HB / "detail_sjt_11824_2022.html").read_bytes(), "u")
    assert got.level is Level.INDUSTRY and got.body == "工业和信息化部" and got.record_number == "82106-2022"
    assert got.committee == "TC28 全国信息技术标准化技术委员会"
    assert got.drafting_orgs == ["中国电子技术标准化研究院", "华为技术有限公司", "北京爱奇艺科技有限公司"]
    assert (got.published_date, got.implemented_date) == (dt.date(2022, 4, 8), dt.date(2022, 7, 1))
    assert got.ccs == ["L70"] and got.ics == ["35.240.99"] and got.title_en
    soon = hbba.parse_detail((HB / "detail_ydt_4500_2024.html").read_bytes(), "u")
    assert soon.status is StandardStatus.TO_BE_IMPLEMENTED and soon.status_raw == "即将实施"


def test_local_detail_in_gbk() -> None:
    body = (DB / "detail_db37t_4567_2023.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    got = hbba.parse_detail(body, "u", encoding="GBK", source="dbba")
    assert (got.id, got.level, got.source) == ("DB37/T 4567-2023", Level.LOCAL, "dbba")
    assert got.title_zh == "虚拟现实教学实训室建设规范" and got.body == "山东省市场监督管理局"
    assert "青岛市虚拟现实研究院" in got.drafting_orgs and got.title_en is None


@pytest.mark.parametrize("body", [b"", b"<html><body>busy</body></html>", b'{"rows": []}'])
def test_garbage_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError):
        hbba.parse_list(body, "u")
    with pytest.raises(ParseError):
        hbba.parse_detail(body, "u")


# --- every real recording -----------------------------------------------------------------------
@pytest.mark.shared_data
def test_every_recorded_hbba_response(shared_data: Path) -> None:
    folder = shared_data / GB
    seen = {"list": 0, "detail": 0}
    for entry in json.loads((folder / "manifest.json").read_text("utf-8")):
        if "hbba.sacinfo.org.cn" not in entry["url"]:
            continue
        body = (folder / entry["file"]).read_bytes()
        if "stdQueryList" in entry["url"]:
            seen["list"] += 1
            assert entry["method"] == "post" and "key=" in entry["request_body"]
            page = hbba.parse_list(body, "http://hbba.sacinfo.org.cn")
            assert page.total == len(page.entries) == 1
            row = page.entries[0]
            assert (row.identifier, row.title_zh, row.status) == ("JB/T 13368-2018", "叉车属具 软包夹",
                                                                  StandardStatus.PUBLISHED)
            assert (row.published_date, row.implemented_date) == (dt.date(2018, 2, 9), dt.date(2018, 10, 1))
            assert (row.ministry, row.industry, row.record_number) == ("工业和信息化部", "机械", "61715-2018")
            assert row.url == f"http://hbba.sacinfo.org.cn/stdDetail/{row.pk}"
        else:
            seen["detail"] += 1
            got = hbba.parse_detail(body, entry["url"], encoding=entry.get("charset"))
            expected = ("JB/T 13368-2018", "叉车属具 软包夹", "现行")
            assert (got.id, got.title_zh, got.status_raw) == expected, entry["file"]
            assert got.level is Level.INDUSTRY and got.body == "工业和信息化部"
            assert got.record_number == "61715-2018" and got.ccs == ["J83"] and got.ics == ["53.06"]
            assert (got.published_date, got.implemented_date) == (dt.date(2018, 2, 9), dt.date(2018, 10, 1))
            assert got.drafting_orgs == [] and got.withdrawn_date is None
    assert seen == {"list": 3, "detail": 4}


# --- spider callbacks, no network ---------------------------------------------------------------
def test_params() -> None:
    assert HbbaParams.model_validate({"keywords": "虚拟现实, 增强现实"}).keywords == ["虚拟现实", "增强现实"]
    with pytest.raises(ValueError):
        HbbaParams.model_validate({"sites": "cbba"})


def test_callbacks(settings: Settings) -> None:
    spider = HbbaSpider(keywords="虚拟现实", max_pages=2)
    starts = list(spider.start_requests())
    assert [r.url for r in starts] == ["https://hbba.sacinfo.org.cn/stdQueryList",
                                       "https://dbba.sacinfo.org.cn/stdQueryList"]
    assert isinstance(starts[0], FormRequest) and starts[0].method == "POST"
    assert b"key=%E8%99%9A" in starts[0].body and b"current=1" in starts[0].body
    url = "https://hbba.sacinfo.org.cn/stdQueryList"
    response = TextResponse(url, body=(HB / "list_xuni_xianshi_p1.json").read_bytes(), request=starts[0])
    out = list(spider.parse_list_page(response, site="hbba", keyword="虚拟现实", page=1))
    details = [o for o in out if isinstance(o, Request) and "stdDetail" in o.url]
    assert [d.cb_kwargs["entry"].identifier for d in details] == ["SJ/T 11823-2022", "SJ/T 11824-2022"]
    assert [o.url for o in out if isinstance(o, FormRequest)] == [url]
    assert next(o for o in out if isinstance(o, CrawlState)).key == "hbba:keyword:虚拟现实"
    last = list(spider.parse_list_page(response, site="hbba", keyword="虚拟现实", page=2))
    assert not [o for o in last if isinstance(o, FormRequest)]  # max_pages reached
    detail = details[0].url
    done = list(spider.parse_detail_page(
        HtmlResponse(detail, body=(HB / "detail_sjt_11823_2022.html").read_bytes(), request=Request(detail)),
        site="hbba", entry=details[0].cb_kwargs["entry"]))
    assert isinstance(done[0], CrawledRecord) and isinstance(done[0].record, Standard)
    busy = list(spider.parse_detail_page(HtmlResponse(detail, status=503, body=b"x", request=Request(detail)),
                                         site="hbba"))
    assert isinstance(busy[0], DeadLetter) and busy[0].status == 503


# --- a full crawl against the loopback mirror ----------------------------------------------------
@pytest.mark.slow
def test_crawl_the_mirror(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VRSCOPE_")}
    with Mirror() as mirror:
        env.update(mirror.settings_overrides(), VRSCOPE_DATA_DIR=str(tmp_path), VRSCOPE_CRAWL_DELAY="0")
        for _ in range(2):
            done = subprocess.run([sys.executable, "-m", "crawlers.run", "hbba"], env=env, cwd=ROOT,
                                  capture_output=True, text=True, timeout=180)
            assert done.returncode == 0, done.stderr[-3000:]
    with Store(tmp_path / "vrscope.sqlite3") as store:
        got = {d.id: d for d in store.iter_documents("standard") if isinstance(d, Standard)}
        assert sorted(got) == ["DB37/T 4567-2023", "SJ/T 11823-2022", "SJ/T 11824-2022", "YD/T 4500-2024"]
        assert got["DB37/T 4567-2023"].level is Level.LOCAL and got["DB37/T 4567-2023"].source == "dbba"
        public = "https://dbba.sacinfo.org.cn/stdDetail/8d4f31a2c6e57f91bc23d4e5f6071829"
        assert got["DB37/T 4567-2023"].url == public
        assert got["YD/T 4500-2024"].status is StandardStatus.TO_BE_IMPLEMENTED
        assert "歌尔股份有限公司" in got["SJ/T 11823-2022"].drafting_orgs
        assert store.dead_letters() == []
        changes = store.changes_since(dt.date(2000, 1, 1))
        assert len(changes) == 4 and {c.kind for c in changes} == {ChangeKind.NEW}  # the re-crawl added none
