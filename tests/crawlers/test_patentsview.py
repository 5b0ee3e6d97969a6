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
from urllib.parse import unquote

import pytest
from scrapy.exceptions import CloseSpider
from scrapy.settings import Settings as ScrapySettings

from crawlers.mirror import FIXTURES, Mirror
from crawlers.parsers.patentsview import FIELDS, ParseError, parse_citations, parse_patents
from crawlers.parsers.patentsview_state import (
    PvProgress,
    advance,
    dump_progress,
    load_progress,
    query_for,
    start_pass,
)
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
    assert page.patents[1].priority_date == dt.date(2021, 2, 5)  # its foreign (TW) priority
    assert page.latest == dt.date(2024, 2, 20)


def test_fields_asked_for_are_patentsearch_patent_fields() -> None:
    # The patent endpoint's fields as listed in the PatentSearch endpoint dictionary and in the
    # rOpenSci patentsview client's field table (data-raw/fieldsdf.csv): top-level names or groups.
    documented = {"patent_id", "patent_type", "wipo_kind", "patent_title", "patent_abstract", "patent_date",
                  "patent_earliest_application_date", "application", "assignees", "inventors",
                  "cpc_current", "ipcr", "foreign_priority"}
    assert set(FIELDS) == documented and FIELDS[0] == "patent_id"  # the cursor's sort field is asked for


@pytest.mark.parametrize("body", [b"", b"{oops", b"[]", b'{"count": 0}',
                                  b'{"error": true, "reason": "Invalid query"}',
                                  '{"patents": [{"patent_title": "Lentille \u00e0"}]}'.encode("latin-1"),
                                  b'{"count": 3, "total_hits": 3, "patents": [{"patent_id": "1190'])
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


CITED = {"11900001": ["US10345678B2", "US9874749B1"], "11900002": ["USD912345S"],
         "11900003": ["US10345678B2", "US11900001B2"]}


def test_citations_answer() -> None:
    answer = parse_citations((HERE / "citations.json").read_bytes())
    assert (answer.count, answer.by_patent, answer.last_id) == (5, CITED, "11900003")
    shuffled = json.loads((HERE / "citations.json").read_text("utf-8"))
    shuffled["us_patent_citations"].reverse()
    shuffled["us_patent_citations"].append({"patent_id": "11900003", "citation_patent_id": "not a number"})
    assert parse_citations(json.dumps(shuffled)).by_patent == CITED  # sorted by sequence, bad ones left out
    assert parse_citations(b'{"count": 0, "us_patent_citations": null}').by_patent == {}
    for bad in (b"", b"[]", b'{"patents": []}', b'{"error": true, "reason": "bad field"}'):
        with pytest.raises(ParseError):
            parse_citations(bad)


def test_design_without_kind_gets_one_from_its_type() -> None:
    body = json.dumps({"count": 1, "total_hits": 1, "patents": [
        {"patent_id": "D1000001", "patent_type": "design", "patent_title": "Headset",
         "patent_date": "2024-01-02"}]})
    assert parse_patents(body).patents[0].id == "USD1000001S"


# --- progress (pure) ----------------------------------------------------------------------------
def test_passes_are_incremental_by_grant_date() -> None:
    D = dt.date
    fresh = start_pass(load_progress(None), 7)
    assert fresh == PvProgress(running=True) and query_for({"a": 1}, fresh) == {"a": 1}
    page = advance(fresh, "11900002", D(2024, 2, 20), finished=False)
    assert (page.after, page.latest, page.running) == ("11900002", D(2024, 2, 20), True)
    done = advance(page, "11900003", D(2024, 2, 13), finished=True)
    assert done == PvProgress(until=D(2024, 2, 20)) and load_progress(dump_progress(done)) == done
    again = start_pass(done, 7)
    assert (again.since, again.after, again.running) == (D(2024, 2, 13), None, True)
    assert query_for({"a": 1}, again) == {"_and": [{"a": 1}, {"_gte": {"patent_date": "2024-02-13"}}]}
    assert start_pass(page, 7) is page  # an unfinished pass goes on
    assert advance(again, None, None, finished=True) == PvProgress(until=D(2024, 2, 20))  # nothing new
    old = load_progress("11900002")  # a bare cursor from an older version
    assert old == PvProgress(after="11900002", running=True)
    assert load_progress("") == PvProgress() and load_progress('{"until": "soon"}') == PvProgress()


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


def stored(data_dir: Path) -> tuple[dict[str, Patent], PvProgress, list[dict[str, object]]]:
    with Store(data_dir / "vrscope.sqlite3") as store:
        docs = {d.id: d for d in store.iter_documents("patent") if isinstance(d, Patent)}
        return docs, load_progress(store.get_state("patentsview", QUERY)), store.dead_letters("patentsview")


def queries(requests: list[str]) -> list[Any]:
    """The q parameter of each patent request, parsed."""
    return [json.loads(unquote(r.split("?q=", 1)[1].split("&", 1)[0]))
            for r in requests if r.startswith("GET /patentsview/api/v1/patent/?")]


def pages(requests: list[str]) -> list[str]:
    return [r.rsplit("&o=", 1)[1] for r in requests if r.startswith("GET /patentsview/api/v1/patent/?")]


@pytest.mark.slow
def test_cursor_paging_and_a_rerun_adds_nothing(tmp_path: Path) -> None:
    with Mirror() as mirror:
        first, _ = crawl(mirror, tmp_path)
        found, state, letters = stored(tmp_path)
        second, _ = crawl(mirror, tmp_path)
        requests = mirror.requests
    assert set(found) == EXPECTED and state == PvProgress(until=dt.date(2024, 2, 27)) and letters == []
    assert first["vrscope/records/inserted"] == 3
    kinds = {"11900001": "B2", "11900002": "B1", "11900003": "B2"}
    assert {p.id: p.citations for p in found.values()} == {f"US{k}{kinds[k]}": v for k, v in CITED.items()}
    cites = [r for r in requests if r.startswith("GET /patentsview/api/v1/patent/us_patent_citation/")]
    assert len(cites) == 4  # one per page of hits
    assert second["vrscope/records/unchanged"] == 3 and "vrscope/records/inserted" not in second
    assert stored(tmp_path)[0] == found
    second_page = "%7B%22size%22%3A2%2C%22after%22%3A%2211900002%22%7D"  # {"size":2,"after":"11900002"}
    assert pages(requests) == ["%7B%22size%22%3A2%7D", second_page] * 2
    # The first run reads the whole list; the rerun only grants from 7 days before the latest one.
    base = json.loads(QUERY)
    since = {"_and": [base, {"_gte": {"patent_date": "2024-02-20"}}]}
    assert queries(requests) == [base, base, since, since]


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
        assert set(found) == {"US11900001B2", "US11900002B1"} and state.after == "11900002"
        assert stats["vrscope/dead_letters"] == 1 and letters[0]["status"] == 500
        assert "after" in str(letters[0]["url"])
        crawl(mirror, tmp_path / "data")  # resumes after 11900002 and finishes the list
    found, state, _ = stored(tmp_path / "data")
    assert set(found) == EXPECTED and state == PvProgress(until=dt.date(2024, 2, 27))


@pytest.mark.slow
def test_a_full_citation_answer_is_followed_and_a_failed_one_keeps_the_records(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    folder = shutil.copytree(HERE, fixtures / "patentsview")
    rows = [{"patent_id": pid, "citation_sequence": n, "citation_patent_id": str(10_000_000 + n),
             "citation_wipo_kind": "B2"}
            for pid, many in (("11900001", 600), ("11900002", 400)) for n in range(many)]
    full = {"error": False, "count": 1000, "us_patent_citations": rows}
    (folder / "full.json").write_text(json.dumps(full))
    routes = json.loads((folder / "routes.json").read_text("utf-8"))
    citations = next(r for r in routes if r["path"].endswith("/us_patent_citation/"))
    routes.insert(0, citations | {"body": "full.json", "times": 1})
    (folder / "routes.json").write_text(json.dumps(routes), "utf-8")
    with Mirror(fixtures) as mirror:
        crawl(mirror, tmp_path / "data")
        asked = [r for r in mirror.requests if "/us_patent_citation/" in r]
    found = stored(tmp_path / "data")[0]
    queries_asked = [json.loads(unquote(r.split("?q=", 1)[1].split("&", 1)[0])) for r in asked]
    ids = ["11900001", "11900002"]
    assert queries_asked[:2] == [{"patent_id": ids},
                                 {"_and": [{"patent_id": ids}, {"_gte": {"patent_id": "11900002"}}]}]
    assert len(found["US11900001B2"].citations) == 600 + 2  # the full answer's, then citations.json's
    assert found["US11900002B1"].citations == CITED["11900002"]  # asked for again, whole
    # A citation request that fails: a dead letter, and the records are stored without citations.
    routes[0] = citations | {"status": 500, "times": 4, "body": "gone.json"}
    (folder / "routes.json").write_text(json.dumps(routes), "utf-8")
    with Mirror(fixtures) as mirror:
        stats, _ = crawl(mirror, tmp_path / "again")
    found, state, letters = stored(tmp_path / "again")
    assert set(found) == EXPECTED and state == PvProgress(until=dt.date(2024, 2, 27))
    assert stats["vrscope/dead_letters"] == 1 and "/us_patent_citation/" in str(letters[0]["url"])
    assert not found["US11900001B2"].citations and found["US11900003B2"].citations == CITED["11900003"]


@pytest.mark.slow
def test_a_malformed_page_is_a_dead_letter_and_the_next_run_resumes(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    folder = shutil.copytree(HERE, fixtures / "patentsview")
    (folder / "truncated.json").write_bytes((HERE / "page_2.json").read_bytes()[:200])
    routes = json.loads((folder / "routes.json").read_text("utf-8"))
    routes.append(routes[2] | {"body": "truncated.json", "times": 1})
    (folder / "routes.json").write_text(json.dumps(routes), "utf-8")
    with Mirror(fixtures) as mirror:
        stats, _ = crawl(mirror, tmp_path / "data")
        found, state, letters = stored(tmp_path / "data")
        assert set(found) == {"US11900001B2", "US11900002B1"} and state.after == "11900002"
        assert stats["vrscope/dead_letters"] == 1 and letters[0]["status"] == 200
        assert str(letters[0]["error"]).startswith("ParseError: not JSON")
        assert "after" in str(letters[0]["url"])
        crawl(mirror, tmp_path / "data")
    found, state, _ = stored(tmp_path / "data")
    assert set(found) == EXPECTED and state == PvProgress(until=dt.date(2024, 2, 27))


@pytest.mark.slow
def test_a_429_with_retry_after_is_waited_for(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    folder = shutil.copytree(HERE, fixtures / "patentsview")
    routes = json.loads((folder / "routes.json").read_text("utf-8"))
    busy = {"status": 429, "times": 1, "body": "gone.json", "headers": {"Retry-After": "1"}}
    routes.append(routes[1] | busy)
    (folder / "routes.json").write_text(json.dumps(routes), "utf-8")
    with Mirror(fixtures) as mirror:
        stats, output = crawl(mirror, tmp_path / "data", {**FAST, "VRSCOPE_CRAWL_LOG_LEVEL": "INFO"})
        first_pages = [p for p in pages(mirror.requests) if p == "%7B%22size%22%3A2%7D"]
    found, state, letters = stored(tmp_path / "data")
    assert set(found) == EXPECTED and letters == [] and stats["vrscope/records/inserted"] == 3
    assert len(first_pages) == 2 and "Retry-After" in output  # answered 429 once, then waited and asked again


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
