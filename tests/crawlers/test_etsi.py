"""ETSI standards-search CSV export (unverified against the live site): parser, callbacks, a mirror crawl."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from scrapy.http import TextResponse

from crawlers.items import CrawledRecord, DeadLetter
from crawlers.mirror import FIXTURES
from crawlers.parsers import etsi
from crawlers.parsers.errors import ParseError
from crawlers.spiders.etsi import EtsiSpider, export_url
from tests.crawlers.mirror_crawl import crawl_mirror
from vrscope.records import StandardStatus
from vrscope.settings import Settings

ET = FIXTURES / "etsi"
BASE = "https://www.etsi.org"


def test_export() -> None:
    body = (ET / "export_augmented_reality.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")  # Windows-1252, as the export comes
    page = etsi.parse_export(body, "u")
    got = {h.record.id: h.record for h in page.hits}
    assert sorted(got) == ["ETSI GR ARF 002 V1.1.1 (2019-07)", "ETSI GR ARF 002 V1.2.1 (2022-03)",
                           "ETSI GS ARF 003 V1.1.1 (2020-03)", "ETSI GS ARF 004-1 V1.1.1 (2025-12)"]
    arch = got["ETSI GS ARF 003 V1.1.1 (2020-03)"]
    assert (arch.status, arch.doctype, arch.committee) == (StandardStatus.PUBLISHED, "GS", "ETSI ISG ARF")
    assert arch.abstract and arch.abstract.startswith("The present document specifies")
    assert arch.published_date == dt.date(2020, 3, 1) and arch.url and "WKI_ID=58001" in arch.url
    old = got["ETSI GR ARF 002 V1.1.1 (2019-07)"]
    assert old.status is StandardStatus.REPLACED and old.status_raw == "Historical"
    assert old.abstract and "reality \u2013 an overview of 360\u00b0" in old.abstract
    # the historical version points at the newer one the export lists, and back
    assert old.replaced_by == ["ETSI GR ARF 002 V1.2.1 (2022-03)"]
    assert got["ETSI GR ARF 002 V1.2.1 (2022-03)"].replaces == [old.id]
    assert arch.replaces == arch.replaced_by == []
    pending = got["ETSI GS ARF 004-1 V1.1.1 (2025-12)"]
    assert (pending.status, pending.stage_name, pending.published_date) == (StandardStatus.APPROVAL,
                                                                            "GS approval", None)
    assert all(h.url is None for h in page.hits)  # complete as exported: nothing to follow


@pytest.mark.parametrize("body", [b"", b"<html><body>busy</body></html>", b"a;b;c\n1;2;3\n"])
def test_garbage_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError):
        etsi.parse_export(body, "u")


def test_callbacks(settings: Settings) -> None:
    spider = EtsiSpider(keywords="augmented reality")
    start = next(iter(spider.start_requests()))
    assert start.url == export_url(BASE, "augmented reality") and "format=csv" in start.url
    response = TextResponse(start.url, body=(ET / "export_augmented_reality.csv").read_bytes(), request=start)
    out = list(spider.parse_search_page(response, keyword="augmented reality", page=1))
    assert len([o for o in out if isinstance(o, CrawledRecord)]) == 4
    busy = TextResponse(start.url, status=429, body=b"slow down", request=start)
    dead = list(spider.parse_search_page(busy, keyword="augmented reality", page=1))
    assert isinstance(dead[0], DeadLetter) and dead[0].status == 429 and dead[0].url == start.url


@pytest.mark.slow
def test_crawl_the_mirror(tmp_path: Path) -> None:
    got = crawl_mirror(tmp_path, "etsi")
    assert len(got) == 4 and all(s.source == "etsi" and s.committee == "ETSI ISG ARF" for s in got.values())
