"""USPTO ODP: full crawls on the loopback mirror (incremental sweeps, 429s, dead letters, full texts)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crawlers.mirror import Mirror
from crawlers.parsers.uspto_odp_state import (
    OdpProgress,
    load_progress,
    state_key,
)
from tests.crawlers.test_uspto_odp import GRANT, HERE, PUB, QUERY
from vrscope.records import Patent
from vrscope.store import Store

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {"US11990001B2", "US2024040002A1", "US2024120003A1", "USD1020005S"}
SEARCH = "/uspto_odp/api/v1/patent/applications/search"
LOGGED_RUN = ("import logging; logging.basicConfig(level=logging.DEBUG); "
              "from crawlers.run import main; main(['uspto_odp'])")



def crawl(mirror: Mirror, data_dir: Path, env: dict[str, str] | None = None,
          command: list[str] | None = None) -> tuple[dict[str, Any], str]:
    """Run the uspto_odp spider against the mirror (2 hits a page); its stats and its output."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VRSCOPE_")}
    clean.update(mirror.settings_overrides(), PYTHONPATH=str(ROOT), VRSCOPE_DATA_DIR=str(data_dir),
                 VRSCOPE_CRAWL_DELAY="0", VRSCOPE_USPTO_ODP_PAGE_SIZE="2", **(env or {}))
    result = subprocess.run(command or [sys.executable, "-m", "crawlers.run", "uspto_odp"], env=clean,
                            cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])["uspto_odp"], result.stdout + result.stderr


def stored(data_dir: Path) -> tuple[dict[str, Patent], dict[str, OdpProgress], list[dict[str, object]]]:
    """Records, progress by date field, and dead letters in the store."""
    with Store(data_dir / "vrscope.sqlite3") as store:
        docs = {d.id: d for d in store.iter_documents("patent") if isinstance(d, Patent)}
        progress = {f: load_progress(store.get_state("uspto_odp", state_key(QUERY, f))) for f in (PUB, GRANT)}
        return docs, progress, store.dead_letters("uspto_odp")


def searches(mirror: Mirror) -> list[dict[str, Any]]:
    """The JSON bodies of the search requests the mirror got, in order."""
    prefix = f"POST {SEARCH} "
    return [json.loads(b.removeprefix(prefix)) for b in mirror.bodies if b.startswith(prefix)]


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def done() -> dict[str, OdpProgress]:
    return {PUB: OdpProgress(until=today()), GRANT: OdpProgress(until=today())}


@pytest.mark.slow
def test_crawl_pages_through_and_a_rerun_asks_only_for_later_dates(tmp_path: Path) -> None:
    with Mirror() as mirror:
        first, _ = crawl(mirror, tmp_path)
        found, state, letters = stored(tmp_path)
        asked_first = searches(mirror)
        second, _ = crawl(mirror, tmp_path)
        mirror_requests = mirror.requests
        asked = searches(mirror)[len(asked_first):]
    assert set(found) == EXPECTED and state == done() and letters == []
    assert first["vrscope/records/inserted"] == 4
    # abstract and claims from the full-text files the first page's two wrappers name
    assert found["US11990001B2"].abstracts["en"].startswith("A pancake lens assembly")
    assert found["US11990001B2"].claims["en"].startswith("1. A pancake lens assembly")
    assert found["US2024040002A1"].claims["en"].startswith("1. A virtual reality headset")
    assert not found["USD1020005S"].claims
    texts = [r for r in mirror_requests if "/datasets/products/files/" in r]
    assert len(texts) == 4 and len(set(texts)) == 2  # each run: one per record that has a file
    assert second["vrscope/records/unchanged"] == 4 and "vrscope/records/inserted" not in second
    assert stored(tmp_path)[0] == found and stored(tmp_path)[1] == done()
    # One sweep per date field, paged by offset; the first run has no lower date bound ...
    pages = sorted((b["rangeFilters"][0]["field"], b["pagination"]["offset"]) for b in asked_first)
    assert pages == [(PUB, 0), (PUB, 2), (PUB, 4), (GRANT, 0)]
    assert all(b["q"] == QUERY and b["pagination"]["limit"] == 2 for b in asked_first)
    windows = [b["rangeFilters"][0] for b in asked_first]
    assert all(w == {"field": w["field"], "valueTo": today().isoformat()} for w in windows)
    assert all(b["sort"] == [{"field": b["rangeFilters"][0]["field"], "order": "Asc"}] for b in asked_first)
    # ... the rerun asks only from 7 days (the overlap) before the last date fully fetched.
    since = (today() - dt.timedelta(days=7)).isoformat()
    assert len(asked) == 4 and all(b["rangeFilters"][0]["valueFrom"] == since for b in asked)
    assert not [r for r in mirror_requests if r.startswith("GET " + SEARCH)]


@pytest.mark.slow
def test_a_run_cut_short_resumes_its_sweep_and_the_overlap_is_a_setting(tmp_path: Path) -> None:
    with Mirror() as mirror:
        crawl(mirror, tmp_path, {"VRSCOPE_USPTO_ODP_MAX_RESULTS": "3", "VRSCOPE_USPTO_ODP_FETCH_TEXT": "0"})
        _, state, _ = stored(tmp_path)
        # Both sweeps started; the budget of 3 hits left the publication sweep after its first page.
        assert state[PUB] == OdpProgress(None, None, today(), 2) and state[GRANT].until == today()
        before = len(searches(mirror))
        crawl(mirror, tmp_path, {"VRSCOPE_USPTO_ODP_OVERLAP_DAYS": "30", "VRSCOPE_USPTO_ODP_FETCH_TEXT": "0"})
        asked = searches(mirror)[before:]
    found, state, _ = stored(tmp_path)
    assert set(found) == EXPECTED and state == done()
    resumed = [b for b in asked if b["rangeFilters"][0]["field"] == PUB]
    assert [b["pagination"]["offset"] for b in resumed] == [2, 4]  # where it stopped, same window
    assert all("valueFrom" not in b["rangeFilters"][0] for b in resumed)
    (grant,) = [b for b in asked if b["rangeFilters"][0]["field"] == GRANT]
    assert grant["rangeFilters"][0]["valueFrom"] == (today() - dt.timedelta(days=30)).isoformat()


@pytest.mark.slow
def test_a_429_with_retry_after_is_waited_for(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    folder = shutil.copytree(HERE, fixtures / "uspto_odp")
    routes = json.loads((folder / "routes.json").read_text("utf-8"))
    routes.insert(0, routes[0] | {"status": 429, "headers": {"Retry-After": "1"}, "body": "error_500.json",
                                  "times": 1})
    (folder / "routes.json").write_text(json.dumps(routes), "utf-8")
    with Mirror(fixtures) as mirror:
        stats, output = crawl(mirror, tmp_path / "data")
        first_pages = [b for b in searches(mirror) if b["pagination"]["offset"] == 0
                       and b["rangeFilters"][0]["field"] == PUB]
    found, state, letters = stored(tmp_path / "data")
    assert set(found) == EXPECTED and state == done() and letters == []
    assert len(first_pages) == 2 and "Retry-After" in output


@pytest.mark.slow
def test_a_failed_page_is_a_dead_letter_and_the_crawl_goes_on(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    folder = shutil.copytree(HERE, fixtures / "uspto_odp")
    routes = json.loads((folder / "routes.json").read_text("utf-8"))
    routes[1].update(status=500, body="error_500.json")
    routes[2]["body"] = "page_1.json"  # same documents again, so page 3 is recognisably fetched
    (folder / "broken.json").write_text('{"count": 5, "patentFileWrapperDataBag": [', "utf-8")
    (folder / "routes.json").write_text(json.dumps(routes), "utf-8")
    with Mirror(fixtures) as mirror:
        stats, _ = crawl(mirror, tmp_path / "data", {"VRSCOPE_CRAWL_LOG_LEVEL": "WARNING"})
    found, state, letters = stored(tmp_path / "data")
    assert set(found) == {"US11990001B2", "US2024040002A1", "USD1020005S"}  # the design: grant sweep
    assert state[GRANT] == OdpProgress(until=today())
    assert state[PUB] == OdpProgress()  # a page was skipped: the next run sweeps the window again
    assert stats["vrscope/dead_letters"] == 1 and letters[0]["status"] == 500
    assert str(letters[0]["url"]).endswith(SEARCH.removeprefix("/uspto_odp"))
    assert letters[0]["error"] == f"HTTP 500 ({PUB} …..{today().isoformat()} offset 2 limit 2)"
    # Malformed JSON is a dead letter too.
    routes[0]["body"] = "broken.json"
    (folder / "routes.json").write_text(json.dumps(routes), "utf-8")
    with Mirror(fixtures) as mirror:
        stats, _ = crawl(mirror, tmp_path / "again")
    found, state, letters = stored(tmp_path / "again")
    assert stats["vrscope/dead_letters"] == 1 and str(letters[0]["error"]).startswith("ParseError: not JSON")
    assert set(found) == {"US11990001B2", "USD1020005S"} and state[PUB] == OdpProgress()  # tried next run


@pytest.mark.slow
def test_the_key_never_reaches_the_logs(tmp_path: Path) -> None:
    secret = {"VRSCOPE_USPTO_ODP_API_KEY": "odp-key-5d02aa"}
    with Mirror() as mirror:
        stats, output = crawl(mirror, tmp_path, secret, [sys.executable, "-c", LOGGED_RUN])
    assert stats["vrscope/records/inserted"] == 4 and "Crawled (200)" in output
    assert "odp-key-5d02aa" not in output


@pytest.mark.slow
def test_full_texts_can_be_switched_off_and_a_failed_one_keeps_the_record(tmp_path: Path) -> None:
    with Mirror() as mirror:
        stats, _ = crawl(mirror, tmp_path / "off", {"VRSCOPE_USPTO_ODP_FETCH_TEXT": "false"})
        assert not [r for r in mirror.requests if "/datasets/" in r]
    found, _, _ = stored(tmp_path / "off")
    assert stats["vrscope/records/inserted"] == 4 and not any(p.claims for p in found.values())
    fixtures = tmp_path / "fixtures"
    folder = shutil.copytree(HERE, fixtures / "uspto_odp")
    routes = json.loads((folder / "routes.json").read_text("utf-8"))
    routes[-1].update(status=500, body="error_500.json")
    (folder / "routes.json").write_text(json.dumps(routes), "utf-8")
    with Mirror(fixtures) as mirror:
        stats, _ = crawl(mirror, tmp_path / "data")
    found, state, letters = stored(tmp_path / "data")
    assert set(found) == EXPECTED and state == done() and stats["vrscope/dead_letters"] == 1
    assert found["US11990001B2"].claims and not found["US2024040002A1"].claims  # kept without its text
    assert letters[0]["status"] == 500 and "18120002_20240040002.xml" in str(letters[0]["url"])
