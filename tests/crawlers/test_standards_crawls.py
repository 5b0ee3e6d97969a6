"""Every standards spider on the loopback mirror: robust, polite, resumable, incremental, change-tracking.

One parametrized test per property, through the shared helper ``tests/crawlers/mirror_crawl.py``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from scrapy.crawler import Crawler
from scrapy.utils.misc import load_object

from crawlers.mirror import FIXTURES, Mirror
from crawlers.run import scrapy_settings
from crawlers.sources import SPIDERS
from tests.crawlers.mirror_crawl import (
    copy_fixtures,
    crawl_killed_then_resumed,
    crawl_mirror,
    edit_routes,
    mirror_env,
    route_for,
    run_crawl,
    stored,
)
from vrscope.changes import ChangeKind
from vrscope.records import StandardStatus
from vrscope.settings import Settings
from vrscope.store import Store

STANDARDS = ("openstd", "hbba", "relaton", "ttbz", "std_samr", "iso", "iec", "ieee", "itu", "threegpp",
             "etsi")
BROKEN = b"<html><body>Service temporarily under maintenance</body></html>"


def _routes(folder: str) -> list[dict[str, object]]:
    return list(json.loads((FIXTURES / folder / "routes.json").read_text("utf-8")))


# --- robustness: a 429 with Retry-After is waited out; a malformed page is dead-lettered ----------------
@pytest.mark.slow
@pytest.mark.parametrize("source", STANDARDS)
def test_429_is_retried_and_a_malformed_page_dead_lettered(tmp_path: Path, source: str) -> None:
    baseline = crawl_mirror(tmp_path / "baseline", source)
    assert baseline
    routes = _routes(source)
    first, last = str(routes[0]["body"]), str(routes[-1]["body"])
    fixtures = copy_fixtures(tmp_path, source)
    # The first answer of the crawl is a 429 once; the last recorded page comes back as a maintenance page.
    edit_routes(fixtures, source, lambda rs: [
        {**route_for(rs, first), "status": 429, "headers": {"Retry-After": "0"}, "times": 1}, *rs])
    (fixtures / source / last).write_bytes(BROKEN)
    data = tmp_path / "data"
    with Mirror(fixtures) as mirror:
        run_crawl(mirror_env(mirror, data), source)
        assert mirror.route_hits(source, 0) == 1  # the 429 was answered, then the same request again
        broken_path = str(routes[-1]["path"])
    got = stored(data, dead_letters=1)
    with Store(data / "vrscope.sqlite3") as store:
        [dead] = store.dead_letters()
        assert broken_path in str(dead["url"]) and "Error" in str(dead["error"])
    assert set(got) <= set(baseline)
    lost = set(baseline) - set(got)
    if source == "threegpp":  # its one export is what broke
        assert got == {}
    elif source == "etsi":  # the broken export is the one that matched nothing
        assert lost == set()
    else:  # one detail page (or file) broke: that standard alone is missing
        assert len(lost) == 1


# --- incremental: a second crawl of an unchanged site stores nothing new and records no change ------------
@pytest.mark.slow
@pytest.mark.parametrize("source", STANDARDS)
def test_a_second_crawl_of_an_unchanged_site_changes_nothing(tmp_path: Path, source: str) -> None:
    data = tmp_path / "data"
    with Mirror() as mirror:
        env = mirror_env(mirror, data)
        first = run_crawl(env, source)
        between = dt.datetime.now(dt.UTC)
        second = run_crawl(env, source)
    assert first["vrscope/records/inserted"] == len(stored(data))
    assert "vrscope/records/inserted" not in second and "vrscope/records/updated" not in second
    if source == "relaton":  # not even parsed again: every file is the version already stored
        assert second["vrscope/relaton/unchanged_files"] == len(stored(data))
    else:
        assert second["vrscope/records/unchanged"] >= len(stored(data))
    with Store(data / "vrscope.sqlite3") as store:
        assert store.changes_since(between) == []


# --- kill-and-resume, for the spiders that walk list and detail pages -----------------------------------
RESUME = {  # source → (mirror folder, the answer held back while the crawl is killed)
    "openstd": ("openstd", "detail_gbt_20528_1_2006.html"),
    "hbba": ("hbba", "detail_ydt_4500_2024.html"),
    "relaton": ("relaton", "data/tr-26.918-rel-18-18.0.0.yaml"),
    "std_samr": ("std_samr", "detail_gbt_38665_2_2020.html"),
    "ttbz": ("ttbz", "detail_tcvia_112_2024.html"),
}


@pytest.mark.slow
@pytest.mark.parametrize("source", sorted(RESUME))
def test_a_crawl_killed_mid_way_resumes_without_loss_or_duplicates(tmp_path: Path, source: str) -> None:
    folder, held = RESUME[source]
    expected = crawl_mirror(tmp_path / "baseline", source)
    before, after = crawl_killed_then_resumed(tmp_path, source, folder, held)
    assert before and before < set(expected)  # killed part-way: something stored, the held page not
    assert set(after) == set(expected)
    for doc_id, standard in after.items():
        want = expected[doc_id].model_dump(exclude={"fetched_at", "editions"})
        assert standard.model_dump(exclude={"fetched_at", "editions"}) == want


# --- politeness: robots.txt, AutoThrottle, per-source concurrency ----------------------------------------
@pytest.mark.slow
def test_robots_txt_is_asked_for_and_obeyed(tmp_path: Path) -> None:
    fixtures = copy_fixtures(tmp_path, "ttbz")
    (fixtures / "robots.txt").write_text("User-agent: *\nDisallow: /ttbz/StandardManage/Detail/90001\n")
    data = tmp_path / "data"
    with Mirror(fixtures) as mirror:
        run_crawl(mirror_env(mirror, data, VRSCOPE_OBEY_ROBOTS="true"), "ttbz")
        asked = mirror.requests
    assert "GET /robots.txt" in asked
    assert not any("/StandardManage/Detail/90001" in r for r in asked)
    got = stored(data, dead_letters=1)
    assert "T/QDVR 003-2023" not in got and "T/QDVR 007-2025" in got
    with Store(data / "vrscope.sqlite3") as store:
        assert "robots.txt" in str(store.dead_letters()[0]["error"])


def test_the_mirror_serves_a_robots_txt_that_allows_every_recorded_route() -> None:
    from protego import Protego

    robots = Protego.parse((FIXTURES / "robots.txt").read_text("utf-8"))
    for folder in (p.parent.name for p in FIXTURES.glob("*/routes.json")):
        for route in _routes(folder):
            assert robots.can_fetch(f"http://127.0.0.1/{folder}{route['path']}", "vrscope"), route


@pytest.mark.parametrize("source", STANDARDS)
def test_each_source_crawls_politely(settings: Settings, source: str) -> None:
    vr = settings.model_copy(update={"source_concurrency": {source: 1}, "crawl_concurrency": 6})
    crawler = Crawler(load_object(SPIDERS[source]), scrapy_settings(vr))
    assert crawler.settings.getbool("ROBOTSTXT_OBEY") and crawler.settings.getbool("AUTOTHROTTLE_ENABLED")
    assert crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert crawler.settings["DOWNLOADER_MIDDLEWARES"]["crawlers.middlewares.RetryAfterMiddleware"]
    unset = settings.model_copy(update={"source_concurrency": {}, "crawl_concurrency": 6})
    assert Crawler(load_object(SPIDERS[source]), scrapy_settings(unset)).settings.getint(
        "CONCURRENT_REQUESTS_PER_DOMAIN") == 6


def test_chinese_government_sites_get_one_request_at_a_time_by_default() -> None:
    limits = Settings.model_fields["source_concurrency"].get_default(call_default_factory=True)
    assert all(limits[s] == 1 for s in ("openstd", "std_samr", "hbba", "ttbz"))


def test_source_concurrency_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VRSCOPE_SOURCE_CONCURRENCY", '{"iso": 3}')
    assert Settings().source_concurrency == {"iso": 3}
    monkeypatch.setenv("VRSCOPE_SOURCE_CONCURRENCY", "three")
    with pytest.raises(ValueError, match="source_concurrency"):
        Settings()


# --- incremental: the Relaton spider skips files it already has ------------------------------------------
@pytest.mark.slow
def test_relaton_rerun_skips_unchanged_files_and_reads_a_changed_one(tmp_path: Path) -> None:
    fixtures = copy_fixtures(tmp_path, "relaton")
    data = tmp_path / "data"
    changed = "data/itu-t-f-740-2-06-2021.yaml"
    with Mirror(fixtures) as mirror:
        env = mirror_env(mirror, data)
        first = run_crawl(env, "relaton")
        second = run_crawl(env, "relaton")
        # The repository moves on: one file gets a new title and a new ETag.
        page = fixtures / "relaton" / changed
        page.write_text(page.read_text("utf-8").replace("Requirements", "Revised requirements", 1), "utf-8")
        edit_routes(fixtures, "relaton", lambda rs: [
            {**r, "headers": {**dict(r["headers"]), "ETag": '"changed"'}} if r["body"] == changed else r
            for r in rs])
    with Mirror(fixtures) as mirror:
        third = run_crawl(mirror_env(mirror, data), "relaton")
    assert first["vrscope/records/inserted"] == 8 and "vrscope/relaton/unchanged_files" not in first
    assert second["vrscope/relaton/unchanged_files"] == 8 and not any(k.startswith("vrscope/records/")
                                                                      for k in second)
    assert third["vrscope/relaton/unchanged_files"] == 7 and third["vrscope/records/updated"] == 1
    got = stored(data)
    assert "Revised requirements" in (got["ITU-T F.740.2 (06/2021)"].title_en or "")


@pytest.mark.slow
def test_relaton_local_directory_rerun_skips_files_by_content_hash(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "repo" / "data"
    shutil.copytree(FIXTURES / "relaton" / "data", folder)
    data = tmp_path / "data"
    with Mirror(FIXTURES) as mirror:
        env = mirror_env(mirror, data, VRSCOPE_RELATON_BASE_URLS=folder.as_uri())
        run_crawl(env, "relaton")
        again = run_crawl(env, "relaton")
    assert again["vrscope/relaton/unchanged_files"] == 8
    assert len(stored(data)) == 8


# --- change tracking on an international source, through the real crawl pipeline ------------------------
@pytest.mark.slow
def test_iso_stage_move_is_recorded_with_its_date(tmp_path: Path) -> None:
    fixtures = copy_fixtures(tmp_path, "iso")
    search = fixtures / "iso" / "search_23090.json"
    later = json.loads(search.read_text("utf-8"))
    [dis] = [s for s in later["standards"] if s["docRef"] == "ISO/IEC DIS 23090-5"]
    assert dis["stageId"] == "40.20"
    dis["stageId"] = "40.60"  # the DIS ballot closed
    (fixtures / "iso" / "search_23090_later.json").write_text(json.dumps(later), "utf-8")
    # The first crawl gets the recorded answer once; the second crawl the later one.
    edit_routes(fixtures, "iso", lambda rs: [
        {**route_for(rs, "search_23090.json"), "times": 1},
        *[{**r, "body": "search_23090_later.json"} if r["body"] == "search_23090.json" else r for r in rs]])
    data = tmp_path / "data"
    with Mirror(fixtures) as mirror:
        env = mirror_env(mirror, data)
        run_crawl(env, "iso")
        between = dt.datetime.now(dt.UTC)
        run_crawl(env, "iso")
    got = stored(data)
    assert got["ISO/IEC DIS 23090-5"].stage_code == "40.60"
    assert got["ISO/IEC DIS 23090-5"].status is StandardStatus.DRAFT_FOR_COMMENT
    with Store(data / "vrscope.sqlite3") as store:
        [change] = store.changes_since(between)
    assert (change.doc_id, change.kind, change.old_value, change.new_value) == (
        "ISO/IEC DIS 23090-5", ChangeKind.STAGE_CHANGE, "40.20", "40.60")
    assert change.source == "iso" and change.observed_at >= between


# --- the mirror's robots.txt and conditional answers -------------------------------------------------------
def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, str | None]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as answer:
            return answer.status, answer.read(), answer.headers.get("ETag")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("ETag")


def test_mirror_answers_robots_txt_and_if_none_match(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.yaml").write_text("docid: {id: ISO 1}\n")
    (tmp_path / "src" / "routes.json").write_text(json.dumps([
        {"path": "/a.yaml", "body": "a.yaml", "headers": {"ETag": '"v1"'}}]))
    with Mirror(tmp_path) as mirror:
        assert _get(mirror.url + "/robots.txt")[0] == 404  # none in these fixtures
        assert _get(mirror.url + "/src/a.yaml") == (200, b"docid: {id: ISO 1}\n", '"v1"')
        assert _get(mirror.url + "/src/a.yaml", {"If-None-Match": '"v1"'}) == (304, b"", '"v1"')
        assert _get(mirror.url + "/src/a.yaml", {"If-None-Match": '"v0"'})[0] == 200
    (tmp_path / "robots.txt").write_text("User-agent: *\nDisallow: /src/\n")
    with Mirror(tmp_path) as mirror:
        assert _get(mirror.url + "/robots.txt") == (200, b"User-agent: *\nDisallow: /src/\n", None)
