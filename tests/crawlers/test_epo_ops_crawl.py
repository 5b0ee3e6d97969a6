"""The EPO OPS spider: arguments, credentials, and full crawls against the loopback mirror."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from scrapy.exceptions import CloseSpider

from crawlers.mirror import FIXTURES, Mirror
from crawlers.spiders.base import MissingCredentials, is_loopback
from crawlers.spiders.epo_ops import EpoOpsSpider
from vrscope.records import Patent
from vrscope.settings import Settings, get_settings
from vrscope.store import Store

ROOT = Path(__file__).resolve().parents[2]
QUERY = str(Settings.model_fields["epo_ops_query"].default)
ABSTRACT = "/epo_ops/3.2/rest-services/published-data/publication/docdb/{}/abstract"
EXPECTED = {"CN116699999A", "US2023314823A1", "EP4254141A1", "WO2023183145A1", "CN115268071B", "US11822128B1"}
LOGGED_RUN = ("import logging; logging.basicConfig(level=logging.DEBUG); "
              "from crawlers.run import main; main(['epo_ops'])")


# --- spider unit -------------------------------------------------------------------------------
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
                 VRSCOPE_CRAWL_DELAY="0", VRSCOPE_OBEY_ROBOTS="true", **(env or {}))
    result = subprocess.run(command or [sys.executable, "-m", "crawlers.run", "epo_ops"], env=clean, cwd=ROOT,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-4000:]
    stats = json.loads(result.stdout.strip().splitlines()[-1])["epo_ops"]
    return stats, result.stdout + result.stderr


def patents(data_dir: Path) -> dict[str, Patent]:
    with Store(data_dir / "vrscope.sqlite3") as store:
        return {d.id: d for d in store.iter_documents("patent") if isinstance(d, Patent)}


def state_and_dead_letters(data_dir: Path) -> tuple[str | None, list[dict[str, object]]]:
    with Store(data_dir / "vrscope.sqlite3") as store:
        return store.get_state("epo_ops", QUERY), store.dead_letters("epo_ops")


@pytest.mark.slow
def test_crawl_stores_every_patent_once(tmp_path: Path) -> None:
    with Mirror() as mirror:
        first, _ = crawl(mirror, tmp_path)
        found = patents(tmp_path)
        second, _ = crawl(mirror, tmp_path)
        requests = mirror.requests
    assert set(found) == EXPECTED
    assert first["vrscope/records/inserted"] == 6 and first["vrscope/epo_ops/slowdowns"] == 1
    assert second["vrscope/records/unchanged"] == 6
    assert not {"vrscope/records/inserted", "vrscope/records/updated", "vrscope/dead_letters"} & set(second)
    assert patents(tmp_path) == found
    assert state_and_dead_letters(tmp_path) == ("0", [])
    for patent in found.values():
        assert patent.titles and patent.abstracts and patent.cpc and patent.applicants, patent.id
        assert patent.publication_date and patent.url and patent.url.endswith(patent.id)
    cn = found["CN116699999A"]
    assert cn.titles["zh"] == "一种近眼显示光学模组及头戴显示设备" and set(cn.abstracts) == {"en", "zh"}
    assert cn.cpc == ["G02B27/0172", "G02B27/0176", "G02B2027/0178"] and cn.ipc == ["G02B27/01"]
    assert (cn.applicants[0].name, cn.applicants[0].name_normalized) == ("歌尔光学科技有限公司",
                                                                         "GOERTEK OPTICAL TECHNOLOGY")
    assert found["EP4254141A1"].cpc[0] == "G06F3/013" and found["CN115268071B"].grant_date is not None
    assert found["US2023314823A1"].applicants[0].name_normalized == "META PLATFORMS TECHNOLOGIES"
    # The WO abstract answered 429 with Retry-After: 1 once; the retry got it.
    assert found["WO2023183145A1"].abstracts["en"].startswith("Methods and systems for foveated")
    assert sum(r.startswith("GET " + ABSTRACT.format("WO.2023183145.A1")) for r in requests) == 3


@pytest.mark.slow
def test_an_unfinished_pass_resumes_where_it_stopped(tmp_path: Path) -> None:
    budget = {"VRSCOPE_EPO_OPS_MAX_RESULTS": "4"}
    with Mirror() as mirror:
        first, _ = crawl(mirror, tmp_path, budget)
        assert len(patents(tmp_path)) == 4 and state_and_dead_letters(tmp_path)[0] == "4"
        second, _ = crawl(mirror, tmp_path, budget)
        assert set(patents(tmp_path)) == EXPECTED and state_and_dead_letters(tmp_path)[0] == "0"
        third, _ = crawl(mirror, tmp_path, budget)
        searches = [r for r in mirror.requests if "/search/biblio?" in r]
    assert first["vrscope/records/inserted"] == 4 and second["vrscope/records/inserted"] == 2
    assert third["vrscope/records/unchanged"] == 4 and "vrscope/records/inserted" not in third
    assert [s.rsplit("Range=", 1)[1] for s in searches] == ["1-4", "5-8", "1-4"]


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
    state, letters = state_and_dead_letters(tmp_path / "data")
    assert set(found) == EXPECTED and state == "0" and stats["vrscope/dead_letters"] == 2
    assert found["CN116699999A"].abstracts == {} and found["CN116699999A"].titles  # biblio kept
    assert found["CN115268071B"].abstracts == {} and found["WO2023183145A1"].abstracts
    by_url = {str(letter["url"]): letter for letter in letters}
    failed = next(u for u in by_url if u.endswith(ABSTRACT.format("CN.116699999.A")))
    broken = next(u for u in by_url if u.endswith(ABSTRACT.format("CN.115268071.B")))
    assert by_url[failed]["status"] == 500 and by_url[failed]["error"] == "HTTP 500"
    assert by_url[broken]["status"] == 200 and str(by_url[broken]["error"]).startswith("ParseError")
    # The expired token was renewed once, and the search replayed with the new one.
    assert sum(r == "POST /epo_ops/3.2/auth/accesstoken" for r in requests) == 2


@pytest.mark.slow
def test_credentials_never_reach_the_logs(tmp_path: Path) -> None:
    secrets = {"VRSCOPE_EPO_OPS_KEY": "key-4f1c9e", "VRSCOPE_EPO_OPS_SECRET": "secret-77ab20"}
    with Mirror() as mirror:
        stats, output = crawl(mirror, tmp_path, secrets, [sys.executable, "-c", LOGGED_RUN])
    assert stats["vrscope/records/inserted"] == 6 and "Crawled (200)" in output
    basic = base64.b64encode(b"key-4f1c9e:secret-77ab20").decode()
    for secret in ("key-4f1c9e", "secret-77ab20", basic, "mirror-access-token"):
        assert secret not in output
