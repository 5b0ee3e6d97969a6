"""std.samr.gov.cn (2018–2019 layout): detail pages, search pages and search JSON from the recordings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawlers.parsers import std_samr
from crawlers.parsers.errors import ParseError
from vrscope.records import Level, StandardStatus

EXAMPLES = Path("samples/standards/gb/examples_2018_2019")

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
