"""The EPO OPS spider: arguments, credentials, and full crawls against the loopback mirror."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import ValidationError
from scrapy.exceptions import CloseSpider

from crawlers.mirror import FIXTURES, Mirror
from crawlers.parsers.epo_ops import parse_search
from crawlers.parsers.epo_ops_cql import build_queries, with_dates
from crawlers.parsers.epo_ops_state import Progress, load_progress, split_current, start_pass
from crawlers.spiders.base import MissingCredentials, is_loopback
from crawlers.spiders.epo_ops import EpoOpsSpider
from vrscope.records import Patent
from vrscope.settings import Settings, get_settings
from vrscope.store import Store

ROOT = Path(__file__).resolve().parents[2]
QUERY = 'cpc=G02B27/01 or cpc=G06T19/00 or ta="virtual reality"'  # the mirror's recorded query
REST = "/epo_ops/3.2/rest-services/"
ABSTRACT = REST + "published-data/publication/docdb/{}/abstract"
EXPECTED = {"CN116699999A", "US2023314823A1", "EP4254141A1", "WO2023183145A1", "CN115268071B", "US11822128B1"}
MEMBERS = {"CN116699999B", "US2024402212A1"}  # CN116699999A's family, beyond the hits
LOGGED_RUN = ("import logging; logging.basicConfig(level=logging.DEBUG); "
              "from crawlers.run import main; main(['epo_ops'])")


# --- spider unit -------------------------------------------------------------------------------
def test_queries_are_explicit_or_built_from_the_taxonomy(settings: Settings,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VRSCOPE_EPO_OPS_QUERY", raising=False)
    get_settings.cache_clear()
    assert EpoOpsSpider().queries == build_queries()
    assert EpoOpsSpider(query="ta=headset").queries == ["ta=headset"]
    monkeypatch.setenv("VRSCOPE_EPO_OPS_QUERY", " ta=glasses ")
    get_settings.cache_clear()
    assert EpoOpsSpider().queries == ["ta=glasses"]


def test_spider_arguments_are_checked() -> None:
    spider = EpoOpsSpider(query="ta=headset", max_results="40", page_size="10")
    assert (spider.args.query, spider.args.max_results, spider.args.page_size) == ("ta=headset", 40, 10)
    for bad in ({"page_size": "0"}, {"page_size": "101"}, {"max_results": "5000"}, {"query": ""}):
        with pytest.raises(ValidationError):
            EpoOpsSpider(**bad)


def test_loopback_detection() -> None:
    assert is_loopback("http://127.0.0.1:8765/epo_ops/3.2") and is_loopback("http://localhost/x")
    assert is_loopback("http://[::1]:80/") and not is_loopback("https://ops.epo.org/3.2")


def test_real_server_without_credentials_stops_with_a_clear_message(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VRSCOPE_EPO_OPS_BASE_URL", "https://ops.epo.org/3.2")
    monkeypatch.delenv("VRSCOPE_EPO_OPS_KEY", raising=False)
    monkeypatch.delenv("VRSCOPE_EPO_OPS_SECRET", raising=False)
    get_settings.cache_clear()
    spider = EpoOpsSpider()
    with pytest.raises(MissingCredentials, match="VRSCOPE_EPO_OPS_KEY and VRSCOPE_EPO_OPS_SECRET"):
        spider.credentials()
    with pytest.raises(CloseSpider):
        asyncio.run(spider.start().__anext__())
    monkeypatch.setenv("VRSCOPE_EPO_OPS_KEY", "k")
    monkeypatch.setenv("VRSCOPE_EPO_OPS_SECRET", "s")
    get_settings.cache_clear()
    assert EpoOpsSpider().credentials() == ("k", "s")


def test_mirror_needs_no_credentials(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VRSCOPE_EPO_OPS_BASE_URL", "http://127.0.0.1:9/epo_ops/3.2")
    get_settings.cache_clear()
    assert EpoOpsSpider().credentials() == ("mirror", "mirror")


# --- full crawls -------------------------------------------------------------------------------
def crawl(mirror: Mirror, data_dir: Path, env: dict[str, str] | None = None,
          command: list[str] | None = None) -> tuple[dict[str, Any], str]:
    """Run ``python -m crawlers.run epo_ops`` against the mirror; its stats and its output."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VRSCOPE_")}
    clean.update(mirror.settings_overrides(), PYTHONPATH=str(ROOT), VRSCOPE_DATA_DIR=str(data_dir),
                 VRSCOPE_CRAWL_DELAY="0", VRSCOPE_OBEY_ROBOTS="true", VRSCOPE_EPO_OPS_QUERY=QUERY)
    clean.update(env or {})
    result = subprocess.run(command or [sys.executable, "-m", "crawlers.run", "epo_ops"], env=clean, cwd=ROOT,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-4000:]
    stats = json.loads(result.stdout.strip().splitlines()[-1])["epo_ops"]
    return stats, result.stdout + result.stderr


def patents(data_dir: Path) -> dict[str, Patent]:
    with Store(data_dir / "vrscope.sqlite3") as store:
        return {d.id: d for d in store.iter_documents("patent") if isinstance(d, Patent)}


def state_and_dead_letters(data_dir: Path, query: str = QUERY) -> tuple[Progress, list[dict[str, object]]]:
    with Store(data_dir / "vrscope.sqlite3") as store:
        return load_progress(store.get_state("epo_ops", query)), store.dead_letters("epo_ops")


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def qingdao_hits() -> set[str]:
    """The publications the mirror's two pages for the taxonomy's second query list (search references)."""
    refs = [ref for name in ("search_qingdao_1-25.xml", "search_qingdao_26-50.xml")
            for ref in parse_search((FIXTURES / "epo_ops" / name).read_bytes()).references]
    return {f"{r.country}{r.number}{r.kind}" for r in refs}


def searches(requests: list[str]) -> list[tuple[str, str]]:
    """(q, Range) of every search request the mirror saw, in order."""
    out = []
    for request in requests:
        if "/search/biblio?" in request:
            params = parse_qs(urlsplit(request.split(" ", 1)[1]).query)
            out.append((params["q"][0], params["Range"][0]))
    return out


def _fixtures(tmp_path: Path, routes: list[dict[str, Any]]) -> Path:
    """The mirror's fixtures with extra search routes first."""
    fixtures = tmp_path / "fixtures"
    folder = shutil.copytree(FIXTURES / "epo_ops", fixtures / "epo_ops")
    recorded = json.loads((folder / "routes.json").read_text("utf-8"))
    search = REST.removeprefix("/epo_ops") + "published-data/search/biblio"
    extra = [{"path": search, **route} for route in routes]
    (folder / "routes.json").write_text(json.dumps(extra + recorded), "utf-8")
    return fixtures


@pytest.mark.slow
def test_crawl_stores_hits_with_claims_family_and_legal_then_only_what_is_new(tmp_path: Path) -> None:
    newer = with_dates(QUERY, today() - dt.timedelta(days=6), None)  # 7 days' overlap (default)
    fixtures = _fixtures(tmp_path, [{"query": {"q": newer}, "body": "search_new.xml"}])
    with Mirror(fixtures) as mirror:
        first, _ = crawl(mirror, tmp_path / "data")
        found = patents(tmp_path / "data")
        asked = list(mirror.requests)
        second, _ = crawl(mirror, tmp_path / "data")
        again = mirror.requests[len(asked):]
    assert set(found) == EXPECTED | MEMBERS
    assert first["vrscope/records/inserted"] == 8 and first["vrscope/epo_ops/slowdowns"] == 1
    assert state_and_dead_letters(tmp_path / "data") == (Progress(until=today()), [])
    for patent in (found[i] for i in EXPECTED):
        assert patent.titles and patent.abstracts and patent.cpc and patent.applicants, patent.id
        assert patent.publication_date and patent.url and patent.url.endswith(patent.id)
    cn = found["CN116699999A"]
    assert cn.titles["zh"] == "一种近眼显示光学模组及头戴显示设备" and set(cn.abstracts) == {"en", "zh"}
    assert cn.cpc == ["G02B27/0172", "G02B27/0176", "G02B2027/0178"] and cn.ipc == ["G02B27/01"]
    assert (cn.applicants[0].name, cn.applicants[0].name_normalized) == ("歌尔光学科技有限公司",
                                                                         "GOERTEK OPTICAL TECHNOLOGY")
    assert found["US2023314823A1"].applicants[0].name_normalized == "META PLATFORMS TECHNOLOGIES"
    # The WO abstract answered 429 with Retry-After: 1 once; the retry got it.
    assert found["WO2023183145A1"].abstracts["en"].startswith("Methods and systems for foveated")
    assert sum(r.startswith("GET " + ABSTRACT.format("WO.2023183145.A1")) for r in asked) == 2
    # claims, legal events and the simple family merged into the hit, members stored on their own
    ep = found["EP4254141A1"]
    assert set(ep.claims) == {"en", "de"} and ep.claims["en"].startswith("1. An eye tracking system")
    assert [(e.code, e.date) for e in ep.legal_events] == [
        ("AK", dt.date(2023, 10, 4)), ("17P", dt.date(2024, 5, 8)), ("RBV", dt.date(2024, 6, 12))]
    assert ep.legal_status == "DESIGNATED CONTRACTING STATES (CORRECTION)" and ep.cpc[0] == "G06F3/013"
    assert cn.priority_date == dt.date(2023, 5, 29) and cn.family_id == "87654321"
    for member in MEMBERS:
        assert found[member].family_id == "87654321" and found[member].publication_date, member
        assert found[member].url and found[member].url.endswith(member)
    assert found["CN116699999B"].grant_date == dt.date(2024, 4, 12)
    for kind in ("claims", "family", "legal"):
        made = [r for r in asked if r.endswith(f"/{kind}") or f"{REST}{kind}/" in r]
        assert len(made) == 6, (kind, made)  # one per hit, each family once
    # The second run asks only for publications after the first one's end (less the overlap), and
    # stores only the new one.
    assert searches(again) == [(newer, "1-25")]
    assert second["vrscope/records/inserted"] == 1 and "vrscope/records/unchanged" not in second
    now = patents(tmp_path / "data")
    assert set(now) == set(found) | {"US11999001B1"}
    assert all(now[i].model_dump(exclude={"fetched_at"}) == p.model_dump(exclude={"fetched_at"})
               for i, p in found.items())
    assert state_and_dead_letters(tmp_path / "data")[0] == Progress(until=today())
    with Store(tmp_path / "data" / "vrscope.sqlite3") as store:
        duplicates = "SELECT doc_id FROM provenance GROUP BY doc_id HAVING count(*) > 1"
        assert store.conn.execute(duplicates).fetchall() == []


@pytest.mark.slow
def test_an_unfinished_pass_resumes_where_it_stopped(tmp_path: Path) -> None:
    budget = {"VRSCOPE_EPO_OPS_MAX_RESULTS": "4"}
    with Mirror() as mirror:
        first, _ = crawl(mirror, tmp_path, budget)
        progress = state_and_dead_letters(tmp_path)[0]
        assert len(set(patents(tmp_path)) & EXPECTED) == 4
        assert progress == Progress(None, today(), ((None, None),), 4)
        second, _ = crawl(mirror, tmp_path, budget)
        assert set(patents(tmp_path)) == EXPECTED | MEMBERS
        assert state_and_dead_letters(tmp_path)[0] == Progress(until=today())
        third, _ = crawl(mirror, tmp_path, budget)
        asked = searches(mirror.requests)
    assert first["vrscope/records/inserted"] == 6 and second["vrscope/records/inserted"] == 2
    assert not {"vrscope/records/inserted", "vrscope/records/unchanged"} & set(third)
    newer = with_dates(QUERY, today() - dt.timedelta(days=6), None)  # 7 days' overlap (default)
    assert asked == [(QUERY, "1-4"), (QUERY, "5-8"), (newer, "1-4")]


@pytest.mark.slow
def test_more_than_2000_hits_are_split_by_publication_date(tmp_path: Path) -> None:
    wide = tmp_path / "wide.xml"
    fresh = start_pass(Progress(), today())
    halves = split_current(fresh)
    assert halves is not None
    quarters = split_current(halves)
    assert quarters is not None
    (a, b), (c, d), (e, f) = quarters.slices
    routes = [{"query": {"q": QUERY}, "body": "wide.xml"},
              {"query": {"q": with_dates(QUERY, a, d)}, "body": "wide.xml"},
              {"query": {"q": with_dates(QUERY, a, b)}, "body": "search_all.xml"}]
    fixtures = _fixtures(tmp_path, routes)
    body = (FIXTURES / "epo_ops" / "search_all.xml").read_bytes()
    wide.write_bytes(body.replace(b'total-result-count="6"', b'total-result-count="2600"'))
    shutil.copy(wide, fixtures / "epo_ops" / "wide.xml")
    env = {"VRSCOPE_EPO_OPS_FETCH_CLAIMS": "false", "VRSCOPE_EPO_OPS_FETCH_FAMILY": "false",
           "VRSCOPE_EPO_OPS_FETCH_LEGAL": "false"}
    with Mirror(fixtures) as mirror:
        stats, _ = crawl(mirror, tmp_path / "data", env)
        asked = searches(mirror.requests)
    assert asked == [(QUERY, "1-25"), (with_dates(QUERY, a, d), "1-25"), (with_dates(QUERY, a, b), "1-25"),
                     (with_dates(QUERY, c, d), "1-25"), (with_dates(QUERY, e, f), "1-25")]
    assert (a, f) == (dt.date(1900, 1, 1), today())
    assert stats["vrscope/records/inserted"] == 6 and set(patents(tmp_path / "data")) == EXPECTED
    assert state_and_dead_letters(tmp_path / "data") == (Progress(until=today()), [])


@pytest.mark.slow
def test_taxonomy_queries_and_extra_requests_switched_off(tmp_path: Path) -> None:
    env = {"VRSCOPE_EPO_OPS_QUERY": "", "VRSCOPE_EPO_OPS_FETCH_CLAIMS": "false",
           "VRSCOPE_EPO_OPS_FETCH_FAMILY": "false", "VRSCOPE_EPO_OPS_FETCH_LEGAL": "false"}
    with Mirror() as mirror:
        stats, _ = crawl(mirror, tmp_path, env)
        requests = mirror.requests
    first, second = build_queries()
    # the second query's 43 hits (the Qingdao demo records) take two pages of 25
    assert searches(requests) == [(first, "1-25"), (second, "1-25"), (second, "26-50")]
    assert not [r for r in requests if r.endswith("/claims") or "/family/" in r or "/legal/" in r]
    second_hits = qingdao_hits()
    assert len(second_hits) == 43 and not second_hits & EXPECTED
    assert stats["vrscope/records/inserted"] == 6 + 43
    assert set(patents(tmp_path)) == EXPECTED | second_hits
    for query in build_queries():  # both queries fully fetched: done
        assert state_and_dead_letters(tmp_path, query)[0] == Progress(until=today())


def _broken_fixtures(tmp_path: Path) -> Path:
    """The mirror's fixtures with an expired token, a 500 and a truncated answer."""
    fixtures = tmp_path / "fixtures"
    folder = shutil.copytree(FIXTURES / "epo_ops", fixtures / "epo_ops")
    (folder / "broken.xml").write_bytes((folder / "abstract_CN115268071B.xml").read_bytes()[:900])
    (folder / "expired.xml").write_text('<fault xmlns="http://ops.epo.org"><code>CLIENT.InvalidAccessToken</code>'
                                        "<message>invalid_access_token</message></fault>")
    routes = json.loads((folder / "routes.json").read_text("utf-8"))
    base = "/3.2/rest-services/published-data"
    for route in routes:
        if route["path"].endswith("CN.116699999.A/abstract"):
            route.update(status=500, body="busy.xml")
        if route["path"].endswith("CN.115268071.B/abstract"):
            route["body"] = "broken.xml"
        if route["path"].endswith("legal/publication/docdb/EP.4254141.A1"):
            route["body"] = "broken.xml"
    routes.append({"path": base + "/search/biblio", "query": {"q": QUERY}, "status": 400, "times": 1,
                   "body": "expired.xml"})
    (folder / "routes.json").write_text(json.dumps(routes), "utf-8")
    return fixtures


@pytest.mark.slow
def test_failures_become_dead_letters_and_the_crawl_goes_on(tmp_path: Path) -> None:
    with Mirror(_broken_fixtures(tmp_path)) as mirror:
        stats, _ = crawl(mirror, tmp_path / "data")
        requests = mirror.requests
    found = patents(tmp_path / "data")
    progress, letters = state_and_dead_letters(tmp_path / "data")
    assert set(found) == EXPECTED | MEMBERS and progress == Progress(until=today())
    assert stats["vrscope/dead_letters"] == 3
    assert found["CN116699999A"].abstracts == {} and found["CN116699999A"].titles  # biblio kept
    assert found["CN115268071B"].abstracts == {} and found["WO2023183145A1"].abstracts
    assert found["EP4254141A1"].legal_events == [] and found["EP4254141A1"].claims  # claims kept
    by_url = {str(letter["url"]): letter for letter in letters}
    failed = next(u for u in by_url if u.endswith(ABSTRACT.format("CN.116699999.A")))
    broken = next(u for u in by_url if u.endswith(ABSTRACT.format("CN.115268071.B")))
    legal = next(u for u in by_url if u.endswith("legal/publication/docdb/EP.4254141.A1"))
    assert by_url[failed]["status"] == 500 and by_url[failed]["error"] == "HTTP 500"
    assert by_url[broken]["status"] == 200 and str(by_url[broken]["error"]).startswith("ParseError")
    assert str(by_url[legal]["error"]).startswith("ParseError")
    # The expired token was renewed once, and the search replayed with the new one.
    assert sum(r == "POST /epo_ops/3.2/auth/accesstoken" for r in requests) == 2


@pytest.mark.slow
def test_credentials_never_reach_the_logs(tmp_path: Path) -> None:
    secrets = {"VRSCOPE_EPO_OPS_KEY": "key-4f1c9e", "VRSCOPE_EPO_OPS_SECRET": "secret-77ab20"}
    with Mirror() as mirror:
        stats, output = crawl(mirror, tmp_path, secrets, [sys.executable, "-c", LOGGED_RUN])
    assert stats["vrscope/records/inserted"] == 8 and "Crawled (200)" in output
    basic = base64.b64encode(b"key-4f1c9e:secret-77ab20").decode()
    for secret in ("key-4f1c9e", "secret-77ab20", basic, "mirror-access-token"):
        assert secret not in output


@pytest.mark.slow
def test_a_used_up_quota_stops_the_crawl_and_the_next_run_resumes(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    folder = shutil.copytree(FIXTURES / "epo_ops", fixtures / "epo_ops")
    (folder / "quota.xml").write_text('<fault xmlns="http://ops.epo.org"><code>CLIENT.RobotDetected</code>'
                                      "<message>Fair use policy: quota exceeded</message></fault>")
    routes = json.loads((folder / "routes.json").read_text("utf-8"))
    legal = REST.removeprefix("/epo_ops") + "legal/publication/docdb/EP.4254141.A1"
    routes.insert(0, {"path": legal, "status": 403, "times": 1, "body": "quota.xml",
                      "headers": {"X-Rejection-Reason": "IndividualQuotaPerHour"}})
    (folder / "routes.json").write_text(json.dumps(routes), "utf-8")
    with Mirror(fixtures) as mirror:
        first, output = crawl(mirror, tmp_path / "data")
        progress, letters = state_and_dead_letters(tmp_path / "data")
        before = patents(tmp_path / "data")
        stopped = len(mirror.requests)
        second, _ = crawl(mirror, tmp_path / "data")
        asked = searches(mirror.requests[stopped:])
    assert "epo_ops_quota" in output and progress == Progress()  # the page was not finished
    assert [str(letter["error"]) for letter in letters] == [
        "HTTP 403: quota used up (IndividualQuotaPerHour)"]
    assert "EP4254141A1" not in before and first.get("vrscope/records/inserted", 0) == len(before) < 8
    assert asked == [(QUERY, "1-25")]  # the unfinished page again
    assert second["vrscope/records/inserted"] == 8 - len(before)
    assert set(patents(tmp_path / "data")) == EXPECTED | MEMBERS
    assert patents(tmp_path / "data")["EP4254141A1"].legal_events
    assert state_and_dead_letters(tmp_path / "data")[0] == Progress(until=today())
