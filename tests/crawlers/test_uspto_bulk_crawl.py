"""The USPTO bulk spider: arguments, sources, the CPC filter, and full crawls (mirror and local files)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from scrapy.exceptions import CloseSpider
from scrapy.http import Request, Response

from crawlers.mirror import FIXTURES, Mirror
from crawlers.spiders.uspto_bulk import UsptoBulkSpider, code_matches
from vrscope.applicants import default_aliases
from vrscope.records import Patent
from vrscope.settings import Settings, get_settings
from vrscope.store import Store

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).parent / "fixtures" / "uspto_xml"
ODP = "https://api.uspto.gov/api/v1/datasets/products/files"
GRANTS, APPLICATIONS = f"{ODP}/PTGRXML/2024/ipg240102.zip", f"{ODP}/APPXML/2024/ipa240104.zip"
VR = {"US11861001B2", "US11861002B1", "US11861003B2", "US2024001234A1", "US2024001235A1", "US2024001236A1",
      "US2024001237A1"}


# --- spider unit -------------------------------------------------------------------------------
def test_arguments_are_json_lists() -> None:
    spider = UsptoBulkSpider(urls='["a.zip"]', cpc_prefixes="[]")
    assert spider.args.urls == ["a.zip"] and spider.prefixes == []
    for bad in ({"urls": "not json"}, {"urls": '{"a": 1}'}, {"cpc_prefixes": "[1, 2]"}):
        with pytest.raises((ValidationError, ValueError)):
            UsptoBulkSpider(**bad)


def test_codes_match_prefixes() -> None:
    assert code_matches(["G06F3/013"], ["G06F3/01"]) and code_matches(["G06T19/006"], ["G06T19"])
    assert not code_matches(["G06T190/1"], ["G06T19"]) and not code_matches(["G06F3/0346"], ["G06F3/01"])
    assert code_matches(["H04N13/344"], ["H04N"]) and code_matches(["E03C1/04"], [])
    assert not code_matches([], ["G06T19"]) and code_matches(["H04N19/597"], [" h04n19/597 "])


def test_sources_resolve_to_public_keys(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                        tmp_path: Path) -> None:
    spider = UsptoBulkSpider()
    relative = spider.resolve("PTGRXML/2024/ipg240102.zip")
    assert (relative.key, relative.fetch, relative.name) == (GRANTS, GRANTS, "ipg240102.zip")
    local = spider.resolve(str(tmp_path / "ipa.zip"))
    assert local.path == tmp_path / "ipa.zip" and local.key == (tmp_path / "ipa.zip").as_uri()
    assert spider.resolve(local.key) == local
    other = spider.resolve("https://example.org/x/ipg.zip")
    assert other.key == other.fetch == "https://example.org/x/ipg.zip"
    # Through the mirror the key stays the public address, so state survives a change of base URL.
    monkeypatch.setenv("VRSCOPE_USPTO_BULK_BASE_URL", "http://127.0.0.1:9/uspto_bulk")
    get_settings.cache_clear()
    mirrored = UsptoBulkSpider().resolve("PTGRXML/2024/ipg240102.zip")
    assert mirrored.key == GRANTS and mirrored.fetch == "http://127.0.0.1:9/uspto_bulk/PTGRXML/2024/ipg240102.zip"


def test_the_api_key_goes_to_the_odp_only(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VRSCOPE_USPTO_ODP_API_KEY", "odp-key")
    get_settings.cache_clear()
    spider = UsptoBulkSpider()
    assert spider._api_key(GRANTS) == "odp-key" and spider._api_key("https://example.org/ipg.zip") is None
    request = spider._download(spider.resolve("PTGRXML/2024/ipg240102.zip"), GRANTS, hops=0)
    assert request.headers[b"X-API-KEY"] == b"odp-key" and request.meta["dont_redirect"]
    assert request.meta["download_maxsize"] == settings.uspto_bulk_max_bytes > 1024**3


def test_odp_files_without_a_key_are_skipped_with_a_clear_message(
        settings: Settings, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VRSCOPE_USPTO_ODP_API_KEY", raising=False)
    get_settings.cache_clear()
    spider = UsptoBulkSpider()  # the default weeks, on api.uspto.gov, and no VRSCOPE_USPTO_ODP_API_KEY
    with caplog.at_level("ERROR"), pytest.raises(StopAsyncIteration):
        asyncio.run(spider.start().__anext__())
    assert caplog.text.count("VRSCOPE_USPTO_ODP_API_KEY") == 2


def test_a_broken_aliases_file_stops_the_crawl(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    (tmp_path / "aliases.json").write_text("{oops", "utf-8")
    monkeypatch.setenv("VRSCOPE_APPLICANT_ALIASES_FILE", str(tmp_path / "aliases.json"))
    get_settings.cache_clear()
    default_aliases.cache_clear()
    try:
        with pytest.raises(CloseSpider):
            asyncio.run(UsptoBulkSpider().start().__anext__())
    finally:
        default_aliases.cache_clear()


def test_redirects_are_followed_without_the_key(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VRSCOPE_USPTO_ODP_API_KEY", "odp-key")
    get_settings.cache_clear()
    spider = UsptoBulkSpider()
    request = spider._download(spider.resolve("PTGRXML/2024/ipg240102.zip"), GRANTS, hops=0)
    moved = Response(GRANTS, status=302, headers={"Location": "https://files.example.org/ipg240102.zip?sig=1"},
                     request=request)
    (follow,) = spider.save_download(moved)
    assert isinstance(follow, Request) and follow.url == "https://files.example.org/ipg240102.zip?sig=1"
    assert b"X-API-KEY" not in follow.headers and follow.meta["hops"] == 1
    assert follow.meta["weekly"].key == GRANTS


# --- full crawls -------------------------------------------------------------------------------
def crawl(data_dir: Path, mirror: Mirror | None = None, **env: str) -> dict[str, Any]:
    """Run ``python -m crawlers.run uspto_bulk`` in a child process; its stats."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VRSCOPE_")}
    clean.update(mirror.settings_overrides() if mirror else {}, PYTHONPATH=str(ROOT),
                 VRSCOPE_DATA_DIR=str(data_dir), VRSCOPE_CRAWL_DELAY="0", **env)
    result = subprocess.run([sys.executable, "-m", "crawlers.run", "uspto_bulk"], env=clean, cwd=ROOT,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-4000:]
    return dict(json.loads(result.stdout.strip().splitlines()[-1])["uspto_bulk"])


def stored(data_dir: Path) -> dict[str, Patent]:
    with Store(data_dir / "vrscope.sqlite3") as store:
        return {d.id: d for d in store.iter_documents("patent") if isinstance(d, Patent)}


def states(data_dir: Path) -> dict[str, str]:
    with Store(data_dir / "vrscope.sqlite3") as store:
        rows = store.conn.execute("SELECT key, value FROM crawl_state WHERE source='uspto_bulk'")
        return {r["key"]: r["value"] for r in rows}


def letters(data_dir: Path) -> list[dict[str, object]]:
    with Store(data_dir / "vrscope.sqlite3") as store:
        return store.dead_letters("uspto_bulk")


@pytest.mark.slow
def test_crawl_the_mirror_then_skip_what_is_done(tmp_path: Path) -> None:
    with Mirror() as mirror:
        first = crawl(tmp_path, mirror)
        found = stored(tmp_path)
        second = crawl(tmp_path, mirror)
        zips = [r for r in mirror.requests if r.endswith(".zip")]
    assert set(found) == VR and first["vrscope/records/inserted"] == 7
    assert first["vrscope/uspto_bulk/filtered_out"] == 1 and first["vrscope/uspto_bulk/files_done"] == 2
    assert second == {"vrscope/uspto_bulk/files_skipped": 2} and len(zips) == 2  # nothing fetched again
    assert states(tmp_path) == {GRANTS: "done", APPLICATIONS: "done"} and letters(tmp_path) == []
    assert list((tmp_path / "uspto_bulk").iterdir()) == []  # the downloads were removed once done
    for patent in found.values():
        assert patent.url and patent.url.endswith(patent.id) and patent.source == "uspto_bulk"
        assert patent.titles and patent.abstracts and patent.claims and patent.cpc and patent.applicants
    assert found["US2024001237A1"].applicants[0].name_normalized == "META PLATFORMS TECHNOLOGIES"
    assert found["US11861003B2"].priority_date is not None and found["US11861003B2"].year == 2019


def _broken_sources(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Mirror fixtures with a 500 and an HTML page; a local week with bad documents; a truncated zip."""
    fixtures = tmp_path / "fixtures"
    folder = shutil.copytree(FIXTURES / "uspto_bulk", fixtures / "uspto_bulk")
    (folder / "error.html").write_text("<html><body>Service unavailable</body></html>")
    routes = json.loads((folder / "routes.json").read_text("utf-8"))
    routes += [{"path": "/PTGRXML/2024/ipg240109.zip", "status": 500, "body": "error.html"},
               {"path": "/PTGRXML/2024/ipg240116.zip", "body": "error.html"}]
    (folder / "routes.json").write_text(json.dumps(routes), "utf-8")
    good = (CASES / "grant_v47_assignee_pct" / "input.xml").read_bytes()
    week = [good, good.replace(b"11777001", b"11777002")[:3000] + b"\n",
            good.replace(b"11777001", b"11777003").replace(b"Zhou", "Zh\u00f6u".encode("latin-1")),
            good.replace(b"11777001", b"11777004")]
    local = tmp_path / "local" / "ipg231003.zip"
    local.parent.mkdir()
    with zipfile.ZipFile(local, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ipg231003.xml", b"".join(week))
    truncated = tmp_path / "local" / "ipg231010.zip"
    truncated.write_bytes((FIXTURES / "uspto_bulk" / "ipg240102.zip").read_bytes()[:1500])
    urls = [local.as_uri(), str(truncated), "PTGRXML/2024/ipg240109.zip", "PTGRXML/2024/ipg240116.zip",
            "PTGRXML/2024/ipg240102.zip"]
    return fixtures, {"VRSCOPE_USPTO_BULK_URLS": json.dumps(urls), "VRSCOPE_USPTO_BULK_CPC_PREFIXES": "[]"}


@pytest.mark.slow
def test_failures_become_dead_letters_and_the_crawl_goes_on(tmp_path: Path) -> None:
    fixtures, env = _broken_sources(tmp_path)
    data = tmp_path / "data"
    local, truncated = (tmp_path / "local" / "ipg231003.zip").as_uri(), (tmp_path / "local" / "ipg231010.zip")
    with Mirror(fixtures) as mirror:
        stats = crawl(data, mirror, **env)
        found = stored(data)
        again = crawl(data, mirror, **env)
    assert {"US11777001B2", "US11777004B2", "US11861004B1"} <= set(found) and len(found) == 6
    assert stats["vrscope/dead_letters"] == 5 and stats["vrscope/uspto_bulk/files_done"] == 2
    by_url = {str(letter["url"]): letter for letter in letters(data)[:5]}
    assert str(by_url[local + "#2"]["error"]).startswith("ParseError: not well-formed")
    assert str(by_url[local + "#3"]["error"]).startswith("ParseError") and by_url[local + "#3"]["body_sha256"]
    assert str(by_url[truncated.as_uri()]["error"]).startswith("unreadable weekly file")
    assert by_url[f"{ODP}/PTGRXML/2024/ipg240109.zip"]["status"] == 500
    assert str(by_url[f"{ODP}/PTGRXML/2024/ipg240116.zip"]["error"]).startswith("not a weekly file")
    assert states(data) == {local: "done", GRANTS: "done"}  # the failed files are tried again next run
    # The second run retries only the three failed files: three new dead letters, nothing else.
    assert again["vrscope/uspto_bulk/files_skipped"] == 2 and again["vrscope/dead_letters"] == 3
    assert "vrscope/records/inserted" not in again and truncated.is_file()


@pytest.mark.slow
def test_a_429_with_retry_after_is_waited_for(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    folder = shutil.copytree(FIXTURES / "uspto_bulk", fixtures / "uspto_bulk")
    (folder / "busy.txt").write_text("Too Many Requests")
    routes = json.loads((folder / "routes.json").read_text("utf-8"))
    routes.insert(0, {"path": "/PTGRXML/2024/ipg240102.zip", "status": 429, "times": 1, "body": "busy.txt",
                      "headers": {"Retry-After": "1"}})
    (folder / "routes.json").write_text(json.dumps(routes), "utf-8")
    with Mirror(fixtures) as mirror:
        stats = crawl(tmp_path / "data", mirror)
        zips = [r for r in mirror.requests if r.endswith("ipg240102.zip")]
    assert set(stored(tmp_path / "data")) == VR and stats["vrscope/records/inserted"] == 7
    assert len(zips) == 2 and letters(tmp_path / "data") == []  # waited, asked again, no dead letter
    assert states(tmp_path / "data") == {GRANTS: "done", APPLICATIONS: "done"}
