"""PatentsView PatentSearch: the parser on our fixtures, rate, 410 handling and crawls on the mirror."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import CloseSpider
from scrapy.settings import Settings as ScrapySettings

from crawlers.mirror import FIXTURES, Mirror
from crawlers.parsers.patentsview import ParseError, parse_patents
from crawlers.spiders.base import MissingCredentials
from crawlers.spiders.patentsview import PatentsViewSpider, compact, delay_for
from vrscope.records import Patent
from vrscope.settings import Settings, get_settings
from vrscope.store import Store

ROOT = Path(__file__).resolve().parents[2]
HERE = FIXTURES / "patentsview"
QUERY = compact(json.loads(str(Settings.model_fields["patentsview_query"].default)))
EXPECTED = {"US11900001B2", "US11900002B1", "US11900003B2"}
FAST = {"VRSCOPE_PATENTSVIEW_PAGE_SIZE": "2", "VRSCOPE_PATENTSVIEW_RATE_PER_MINUTE": "6000"}
LOGGED_RUN = ("import logging; logging.basicConfig(level=logging.DEBUG); "
              "from crawlers.run import main; main(['patentsview'])")


# --- parser --------------------------------------------------------------------------------------
def test_fixture_page_maps_every_field() -> None:
    page = parse_patents((HERE / "page_1.json").read_bytes())
    assert (page.total, page.count, page.errors, page.last_id) == (3, 2, [], "11900002")
    first = page.patents[0]
    assert (first.id, first.kind, first.source) == ("US11900001B2", "B2", "patentsview")
    assert first.jurisdiction == "US"
    assert first.titles["en"].startswith("Waveguide combiner")
    assert first.abstracts["en"].startswith("An optical")
    assert first.publication_date == first.grant_date == dt.date(2024, 2, 20)
    assert first.application_number == "17/500001" and first.application_date == dt.date(2021, 10, 13)
    assert first.priority_date == dt.date(2020, 10, 14)
    assert first.cpc == ["G02B27/0172", "G02B6/0016", "G02B2027/0178"] and first.ipc == ["G02B27/01"]
    magic_leap = first.applicants[0]
    assert magic_leap.name == "Magic Leap, Inc." and magic_leap.name_normalized == "MAGIC LEAP"
    assert first.applicants[0].address == "Plantation, FL" and first.applicants[0].country == "US"
    assert [p.name for p in first.inventors] == ["Elena Varga", "Tomas Berg"]
    assert first.url and first.url.endswith("11900001")
    assert page.patents[1].applicants[0].country == "TW"


@pytest.mark.parametrize("body", [b"", b"{oops", b"[]", b'{"count": 0}',
                                  b'{"error": true, "reason": "Invalid query"}'])
def test_malformed_answers_raise_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError):
        parse_patents(body)


def test_empty_answer_and_bad_patents() -> None:
    empty = parse_patents(b'{"error": false, "count": 0, "total_hits": 0, "patents": null}')
    assert (empty.count, empty.patents, empty.last_id) == (0, [], None)
    data = json.loads((HERE / "page_1.json").read_text("utf-8"))
    data["patents"][0]["patent_date"] = "yesterday"
    data["patents"].append({"patent_title": "no id"})
    page = parse_patents(json.dumps(data))
    assert [p.id for p in page.patents] == ["US11900002B1"] and len(page.errors) == 2


def test_design_without_kind_gets_one_from_its_type() -> None:
    body = json.dumps({"count": 1, "total_hits": 1, "patents": [
        {"patent_id": "D1000001", "patent_type": "design", "patent_title": "Headset",
         "patent_date": "2024-01-02"}]})
    assert parse_patents(body).patents[0].id == "USD1000001S"


# --- spider unit ---------------------------------------------------------------------------------
def test_rate_limit_sets_the_download_delay(settings: Settings) -> None:
    assert delay_for(45) == 1.34 and delay_for(60) == 1.0
    scrapy_settings = ScrapySettings({"DOWNLOAD_DELAY": 0.0, "VRSCOPE_SETTINGS": settings})
    PatentsViewSpider.update_settings(scrapy_settings)
    assert scrapy_settings.getfloat("DOWNLOAD_DELAY") == 1.34
    assert scrapy_settings.getfloat("DOWNLOAD_DELAY_JITTER") == 0


def test_key_is_required_off_loopback(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VRSCOPE_PATENTSVIEW_API_KEY", raising=False)
    get_settings.cache_clear()
    with pytest.raises(MissingCredentials, match="VRSCOPE_PATENTSVIEW_API_KEY"):
        PatentsViewSpider().api_key()
    with pytest.raises(CloseSpider):
        asyncio.run(PatentsViewSpider().start().__anext__())
    monkeypatch.setenv("VRSCOPE_PATENTSVIEW_BASE_URL", "http://localhost:9/patentsview/api/v1")
    get_settings.cache_clear()
    assert PatentsViewSpider().api_key() == "mirror"
    with pytest.raises(ValueError):
        PatentsViewSpider(query="[1]")


# --- full crawls ---------------------------------------------------------------------------------
def crawl(mirror: Mirror, data_dir: Path, env: dict[str, str] | None = None,
          command: list[str] | None = None) -> tuple[dict[str, Any], str]:
    """Run the patentsview spider against the mirror; its stats and its output."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VRSCOPE_")}
    clean.update(mirror.settings_overrides(), PYTHONPATH=str(ROOT), VRSCOPE_DATA_DIR=str(data_dir),
                 VRSCOPE_CRAWL_DELAY="0", **(env if env is not None else FAST))
    result = subprocess.run(command or [sys.executable, "-m", "crawlers.run", "patentsview"], env=clean,
                            cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])["patentsview"], result.stdout + result.stderr


def stored(data_dir: Path) -> tuple[dict[str, Patent], str | None, list[dict[str, object]]]:
    with Store(data_dir / "vrscope.sqlite3") as store:
        docs = {d.id: d for d in store.iter_documents("patent") if isinstance(d, Patent)}
        return docs, store.get_state("patentsview", QUERY), store.dead_letters("patentsview")


def pages(requests: list[str]) -> list[str]:
    return [r.rsplit("&o=", 1)[1] for r in requests if r.startswith("GET /patentsview/api/v1/patent/?")]


@pytest.mark.slow
def test_cursor_paging_and_a_rerun_adds_nothing(tmp_path: Path) -> None:
    with Mirror() as mirror:
        first, _ = crawl(mirror, tmp_path)
        found, state, letters = stored(tmp_path)
        second, _ = crawl(mirror, tmp_path)
        requests = mirror.requests
    assert set(found) == EXPECTED and state == "" and letters == []
    assert first["vrscope/records/inserted"] == 3
    assert second["vrscope/records/unchanged"] == 3 and "vrscope/records/inserted" not in second
    assert stored(tmp_path)[0] == found
    second_page = "%7B%22size%22%3A2%2C%22after%22%3A%2211900002%22%7D"  # {"size":2,"after":"11900002"}
    assert pages(requests) == ["%7B%22size%22%3A2%7D", second_page] * 2


@pytest.mark.slow
def test_a_failed_page_is_a_dead_letter_and_the_next_run_resumes(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    folder = shutil.copytree(HERE, fixtures / "patentsview")
    routes = json.loads((folder / "routes.json").read_text("utf-8"))
    routes.append(routes[2] | {"status": 500, "times": 4})  # the first request and Scrapy's 3 retries
    (folder / "routes.json").write_text(json.dumps(routes), "utf-8")
    with Mirror(fixtures) as mirror:
        stats, _ = crawl(mirror, tmp_path / "data")
        found, state, letters = stored(tmp_path / "data")
        assert set(found) == {"US11900001B2", "US11900002B1"} and state == "11900002"
        assert stats["vrscope/dead_letters"] == 1 and letters[0]["status"] == 500
        assert "after" in str(letters[0]["url"])
        crawl(mirror, tmp_path / "data")  # resumes after 11900002 and finishes the list
    found, state, _ = stored(tmp_path / "data")
    assert set(found) == EXPECTED and state == ""


@pytest.mark.slow
def test_the_legacy_api_answers_410_and_the_spider_closes_cleanly(tmp_path: Path) -> None:
    with Mirror() as mirror:
        legacy = {"VRSCOPE_PATENTSVIEW_BASE_URL": mirror.url + "/patentsview/legacy", **FAST}
        stats, output = crawl(mirror, tmp_path, legacy)
    letters = stored(tmp_path)[2]
    assert stats["vrscope/dead_letters"] == 1 and letters[0]["status"] == 410
    assert "legacy PatentsView API retired" in str(letters[0]["error"])
    assert "410 Gone" in output and "https://search.patentsview.org/api/v1" in output
    assert "Traceback" not in output and "patentsview_gone" in output


@pytest.mark.slow
def test_the_key_never_reaches_the_logs(tmp_path: Path) -> None:
    secret = {"VRSCOPE_PATENTSVIEW_API_KEY": "pv-key-93ce1b", **FAST}
    with Mirror() as mirror:
        stats, output = crawl(mirror, tmp_path, secret, [sys.executable, "-c", LOGGED_RUN])
    assert stats["vrscope/records/inserted"] == 3 and "Crawled (200)" in output
    assert "pv-key-93ce1b" not in output
