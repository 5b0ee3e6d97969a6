"""openstd.samr.gov.cn: parser cases, every real recording, the spider's callbacks and full crawls."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from crawlers.items import CrawledRecord, CrawlState, DeadLetter
from crawlers.mirror import FIXTURES, Mirror
from crawlers.parsers import openstd
from crawlers.parsers.cn_std import committee_of, parse_adoption
from crawlers.parsers.errors import ParseError
from crawlers.parsers.htmltext import decode_html
from crawlers.spiders.openstd import OpenstdParams, OpenstdSpider, list_url
from vrscope.records import Adoption, Standard, StandardStatus
from vrscope.settings import Settings
from vrscope.store import Store

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).parent / "fixtures" / "openstd"
GB = Path("samples/standards/gb/fixtures")


# --- parser cases ----------------------------------------------------------------------------
def _cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if (p / "meta.json").is_file())


def _input(case: Path) -> bytes:
    """A case's own input.html, or the mirror page its meta.json names (the demo serves the same page)."""
    meta = json.loads((case / "meta.json").read_text("utf-8"))
    source = FIXTURES / meta["mirror_input"] if "mirror_input" in meta else case / "input.html"
    return source.read_bytes()


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_parser_case(case: Path) -> None:
    meta = json.loads((case / "meta.json").read_text("utf-8"))
    body = _input(case)
    expected = json.loads((case / "output.json").read_text("utf-8"))
    if meta["kind"] == "detail":
        got = openstd.parse_detail(body, meta["url"]).model_dump(mode="json", exclude={"fetched_at"})
    else:
        got = openstd.parse_list(body, meta["url"]).model_dump(mode="json")
    assert got == expected


def test_gbk_case_really_is_gbk() -> None:
    body = _input(CASES / "detail_gbk_adoption_gbt_44020_2024")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "混合和增强现实" in body.decode("gbk")


def test_decoding_trusts_bytes_over_labels() -> None:
    text = "<html><head><meta charset='gbk'></head><body>虚拟现实 头戴式显示</body></html>"
    assert "虚拟现实" in decode_html(text.encode("utf-8"))  # UTF-8 page that claims GBK
    assert "虚拟现实" in decode_html(text.replace("gbk", "utf-8").encode("gb18030"))  # GBK that claims UTF-8
    assert "头戴式显示" in decode_html(text.encode("gbk"), declared="GB2312")


@pytest.mark.parametrize("body", [
    b"",
    b"<html><body><p>\xe7\xb3\xbb\xe7\xbb\x9f\xe7\xbb\xb4\xe6\x8a\xa4\xe4\xb8\xad</p></body></html>",
    b'{"rows": []}',
])
def test_a_page_without_a_standard_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError):
        openstd.parse_detail(body, "https://openstd.samr.gov.cn/bzgk/std/newGbInfo?hcno=X")
    with pytest.raises(ParseError):
        openstd.parse_list(body, "https://openstd.samr.gov.cn/bzgk/std/std_list?p.p2=x")


def test_a_list_page_is_not_a_detail_page() -> None:
    body = _input(CASES / "list_first_of_two_pages")
    with pytest.raises(ParseError, match="no standard number"):
        openstd.parse_detail(body, "https://openstd.samr.gov.cn/bzgk/std/newGbInfo?hcno=X")


def test_hcno_is_md5_of_the_identifier() -> None:
    assert openstd.hcno_for("GB/T 1.1-2020") == "C4BFD981E993C417EF475F2A19B681F1"
    assert openstd.hcno_for("GB/T 20223-2006") == "083B48FA72DBD3B9BDE74507BC31736A"


def test_adoption_and_committee_readers() -> None:
    assert parse_adoption("IDT ISO 9241-1:1997") == Adoption(identifier="ISO 9241-1:1997", degree="IDT")
    assert parse_adoption("ISO/IEC 18040:2019, IDT") == Adoption(identifier="ISO/IEC 18040:2019",
                                                                degree="IDT")
    assert parse_adoption("修改采用 IEC 63145-20-10:2019") == Adoption(identifier="IEC 63145-20-10:2019",
                                                                     degree="MOD")
    assert parse_adoption("无") is None
    assert committee_of("全国信息技术标准化技术委员会(SAC/TC 28)") == "TC28 全国信息技术标准化技术委员会"
    assert committee_of("国家标准委") == "国家标准委"


# --- every real recording ----------------------------------------------------------------------
def _status_then(hcno: str, day: str) -> str:
    """What the site said on that day, read off the recordings by eye."""
    year = int(day[:4])
    if hcno == "C4BFD981E993C417EF475F2A19B681F1":
        return "现行"
    if hcno == "570A95F33D8D3C7934933A900A78F133" and year == 2019:
        return "现行"
    return "被代替" if year in (2021, 2022) else "废止"


TITLES = {
    "GB/T 1.1-2000": "标准化工作导则 第1部分:标准的结构和编写规则",
    "GB/T 1.1-2009": "标准化工作导则 第1部分：标准的结构和编写",
    "GB/T 1.1-2020": "标准化工作导则 第1部分：标准化文件的结构和起草规则",
    "GB/T 20223-2006": "棉短绒",
}


def _recordings(shared: Path) -> Iterator[tuple[dict[str, Any], bytes, str]]:
    folder = shared / GB
    for entry in json.loads((folder / "manifest.json").read_text("utf-8")):
        if "openstd.samr.gov.cn" in entry["url"]:
            day = re.search(r"__(\d{8})\.", entry["file"])
            assert day, entry["file"]
            yield entry, (folder / entry["file"]).read_bytes(), day.group(1)


@pytest.mark.shared_data
def test_every_recorded_openstd_page(shared_data: Path) -> None:
    seen = {"list": 0, "detail": 0}
    for entry, body, day in _recordings(shared_data):
        assert entry["status"] == 200 and entry["method"].lower() == "get"
        if "std_list" in entry["url"]:
            seen["list"] += 1
            page = openstd.parse_list(body, entry["url"])
            keyword = entry["url"].split("p.p2=")[1].replace("%20", " ")
            expected = [i for i in TITLES if i.startswith(keyword + "-") or i == keyword]
            if keyword == "GB/T 1.1" and day.startswith("2019"):
                expected = ["GB/T 1.1-2000", "GB/T 1.1-2009"]
            assert [e.identifier for e in page.entries] == expected, entry["file"]
            assert page.total == len(expected) and page.next_url is None
            layout = "/bzgk/std/" if "/bzgk/std/" in entry["url"] else "/bzgk/gb/"
            for row in page.entries:
                assert row.title_zh == TITLES[row.identifier]
                assert row.hcno == openstd.hcno_for(row.identifier)
                assert row.status_raw == _status_then(row.hcno, day), (entry["file"], row.identifier)
                assert row.url.endswith(f"{layout}newGbInfo?hcno={row.hcno}")
                assert row.adopted == (row.identifier == "GB/T 1.1-2000")
                assert row.published_date is not None and row.implemented_date is not None
        else:
            seen["detail"] += 1
            hcno = entry["url"].rsplit("=", 1)[1]
            standard = openstd.parse_detail(body, entry["url"])
            assert openstd.hcno_for(standard.id) == hcno, entry["file"]
            assert standard.title_zh == TITLES[standard.id]
            assert standard.status_raw == _status_then(hcno, day), entry["file"]
            assert standard.status == {"现行": StandardStatus.PUBLISHED, "废止": StandardStatus.WITHDRAWN,
                                       "被代替": StandardStatus.REPLACED}[standard.status_raw]
            assert standard.title_en and standard.ccs and standard.ics == [
                "59.060.10" if standard.id == "GB/T 20223-2006" else "01.120"]
            assert standard.published_date and standard.implemented_date and standard.committee
    assert seen == {"list": 24, "detail": 24}


# --- spider callbacks, no network ----------------------------------------------------------------
def _response(url: str, body: bytes, status: int = 200) -> HtmlResponse:
    return HtmlResponse(url, status=status, body=body, request=Request(url))


def test_params_are_validated() -> None:
    params = OpenstdParams.model_validate({"keywords": "虚拟现实, 增强现实", "identifiers": "GB/T38259—2019"})
    assert params.keywords == ["虚拟现实", "增强现实"] and params.identifiers == ["GB/T 38259-2019"]
    with pytest.raises(ValueError):
        OpenstdParams.model_validate({"max_pages": 0})


def test_identifiers_are_fetched_directly(settings: Settings) -> None:
    spider = OpenstdSpider(identifiers="GB/T 1.1-2020", keywords="虚拟现实")
    urls = [r.url for r in spider.start_requests()]
    assert urls[0].endswith("/bzgk/std/newGbInfo?hcno=C4BFD981E993C417EF475F2A19B681F1")
    assert "std_list" in urls[1] and len(urls) == 2


def test_list_page_yields_details_state_and_next_page(settings: Settings) -> None:
    spider = OpenstdSpider(max_pages=2)
    url = list_url("https://openstd.samr.gov.cn", "虚拟现实")
    body = _input(CASES / "list_first_of_two_pages")
    out = list(spider.parse_list_page(_response(url, body), keyword="虚拟现实", page=1))
    details = [o for o in out if isinstance(o, Request) and "newGbInfo" in o.url]
    assert [d.cb_kwargs["entry"].identifier for d in details] == ["GB/T 44220-2024", "GB/T 38259-2019"]
    state = next(o for o in out if isinstance(o, CrawlState))
    assert state.key == "keyword:虚拟现实" and json.loads(state.value)["total"] == 3
    following = [o for o in out if isinstance(o, Request) and "std_list" in o.url]
    assert len(following) == 1 and "page=2" in following[0].url
    last = list(spider.parse_list_page(_response(url, body), keyword="虚拟现实", page=2))
    assert not [o for o in last if isinstance(o, Request) and "std_list" in o.url]  # max_pages reached


def test_detail_failures_become_dead_letters(settings: Settings) -> None:
    spider = OpenstdSpider()
    url = "https://openstd.samr.gov.cn/bzgk/std/newGbInfo?hcno=X"
    failed = list(spider.parse_detail_page(_response(url, b"busy", status=500)))
    garbage = list(spider.parse_detail_page(_response(url, b"<html><body>oops</body></html>")))
    assert isinstance(failed[0], DeadLetter) and failed[0].status == 500 and failed[0].url == url
    assert isinstance(garbage[0], DeadLetter) and garbage[0].error.startswith("ParseError")
    body = _input(CASES / "detail_published_gbt_38258_2019")
    record = list(spider.parse_detail_page(_response(url, body)))[0]
    assert isinstance(record, CrawledRecord) and isinstance(record.record, Standard)
    assert record.record.id == "GB/T 38258-2019" and record.payload_sha256


# --- full crawls against the loopback mirror -------------------------------------------------------
EXPECTED = {
    "GB/T 38258-2019": ("信息技术 虚拟现实应用软件基本要求和测试方法", StandardStatus.PUBLISHED),
    "GB/T 38259-2019": ("信息技术 虚拟现实头戴式显示设备通用规范", StandardStatus.PUBLISHED),
    "GB/T 44220-2024": ("虚拟现实设备接口 定位设备", StandardStatus.TO_BE_IMPLEMENTED),
    "GB/T 44020-2024": (
        "信息技术 计算机图形、图像处理和环境数据表示 混合和增强现实（MAR）中的实时角色和实体表示",
        StandardStatus.PUBLISHED,
    ),
    "GB/T 20528.1-2006": (
        "使用基于平板视觉显示器工作的人类工效学要求 第1部分:概述", StandardStatus.WITHDRAWN,
    ),
}


def _crawl(mirror: Mirror, data_dir: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VRSCOPE_")}
    env.update(mirror.settings_overrides(), VRSCOPE_DATA_DIR=str(data_dir), VRSCOPE_CRAWL_DELAY="0", **extra)
    done = subprocess.run([sys.executable, "-m", "crawlers.run", "openstd"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


@pytest.mark.slow
def test_crawl_the_mirror_twice(tmp_path: Path) -> None:
    with Mirror() as mirror:
        _crawl(mirror, tmp_path)
        assert any("page=2" in r for r in mirror.requests)
        with Store(tmp_path / "vrscope.sqlite3") as store:
            standards = {d.id: d for d in store.iter_documents("standard")}
            assert {i: (s.title_zh, s.status) for i, s in standards.items()
                    if isinstance(s, Standard)} == EXPECTED
            assert store.dead_letters() == []
            assert json.loads(store.get_state("openstd", "keyword:虚拟现实") or "{}")["pages"] == 2
            gbk = standards["GB/T 44020-2024"]
            assert isinstance(gbk, Standard) and gbk.adoption == Adoption(identifier="ISO/IEC 18040:2019",
                                                                          degree="IDT")
        _crawl(mirror, tmp_path)
    with Store(tmp_path / "vrscope.sqlite3") as store:
        assert store.count() == len(EXPECTED)
        assert all(len(store.provenance(i)) == 1 for i in EXPECTED)
        # Records keep the public address, not the mirror's, so a re-crawl changes nothing.
        urls = [d.url or "" for d in store.iter_documents("standard")]
        assert all(u.startswith("https://openstd.samr.gov.cn/bzgk/std/newGbInfo?hcno=") for u in urls), urls
        changed = "SELECT count(*) FROM documents WHERE updated_at != first_seen"
        assert store.conn.execute(changed).fetchone()[0] == 0


@pytest.mark.slow
def test_broken_detail_pages_are_dead_lettered(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    shutil.copytree(FIXTURES / "openstd", fixtures / "openstd")
    garbage = "<html><body>系统繁忙，请稍后再试</body></html>"
    (fixtures / "openstd" / "garbage.html").write_text(garbage, "utf-8")
    routes = json.loads((fixtures / "openstd" / "routes.json").read_text("utf-8"))
    broken = {openstd.hcno_for("GB/T 38259-2019"): 500, openstd.hcno_for("GB/T 44220-2024"): 200}
    for route in routes:
        hcno = route.get("query", {}).get("hcno")
        if hcno in broken:
            route["status"], route["body"] = broken[hcno], "garbage.html"
    (fixtures / "openstd" / "routes.json").write_text(json.dumps(routes, ensure_ascii=False), "utf-8")
    with Mirror(fixtures) as mirror:
        _crawl(mirror, tmp_path / "data", VRSCOPE_OPENSTD_MAX_PAGES="1")
    with Store(tmp_path / "data" / "vrscope.sqlite3") as store:
        # page 2 of 虚拟现实 (GB/T 38258-2019) is beyond max_pages; the two broken pages are dead letters
        assert {d.id for d in store.iter_documents()} == {"GB/T 44020-2024", "GB/T 20528.1-2006"}
        letters = {str(d["url"]).rsplit("=", 1)[1]: d for d in store.dead_letters("openstd")}
        assert set(letters) == set(broken)
        assert letters[openstd.hcno_for("GB/T 38259-2019")]["status"] == 500
        assert str(letters[openstd.hcno_for("GB/T 44220-2024")]["error"]).startswith("ParseError")


@pytest.mark.shared_data
def test_replaced_editions_are_linked_to_the_next_edition_on_the_list(shared_data: Path) -> None:
    page = shared_data / GB / "openstd.samr.gov.cn_bzgk_gb_std_list__p.p2=GB_T_201.1__20211214.html"
    listing = openstd.parse_list(page.read_bytes(), "https://openstd.samr.gov.cn/bzgk/gb/std_list")
    assert [(e.identifier, e.status_raw) for e in listing.entries] == [
        ("GB/T 1.1-2000", "被代替"), ("GB/T 1.1-2009", "被代替"), ("GB/T 1.1-2020", "现行")]
    assert openstd.edition_links(listing.entries) == {
        "GB/T 1.1-2000": ([], ["GB/T 1.1-2009"]),
        "GB/T 1.1-2009": (["GB/T 1.1-2000"], ["GB/T 1.1-2020"]),
        "GB/T 1.1-2020": (["GB/T 1.1-2009"], []),
    }
    # The same editions a year later, marked 废止 (withdrawn) rather than replaced: nothing is inferred.
    later = shared_data / GB / "openstd.samr.gov.cn_bzgk_gb_std_list__p.p2=GB_T_201.1__20241211.html"
    assert openstd.edition_links(openstd.parse_list(later.read_bytes(), "u").entries) == {}


def test_a_replaced_standards_detail_page_gets_the_links_from_its_list(settings: Settings) -> None:
    spider = OpenstdSpider()
    url = "https://openstd.samr.gov.cn/bzgk/std/newGbInfo?hcno=C12B417E132458B037089D80C311CAFF"
    body = (FIXTURES / "openstd" / "detail_gbt_20528_1_2006.html").read_bytes()
    response = HtmlResponse(url, body=body, request=Request(url))
    [record] = spider.parse_detail_page(response, links=([], ["GB/T 20528.1-2024"]))
    assert isinstance(record, CrawledRecord) and record.record.replaced_by == ["GB/T 20528.1-2024"]
