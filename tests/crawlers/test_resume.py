"""Kill a crawl at any point (SIGKILL) and start it again: nothing lost, nothing duplicated, store intact."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from crawlers.mirror import FIXTURES, Mirror
from crawlers.parsers.epo_ops_cql import build_queries
from crawlers.parsers.epo_ops_state import Progress, load_progress
from crawlers.parsers.uspto_odp_state import OdpProgress, state_key
from crawlers.parsers.uspto_odp_state import load_progress as load_odp_progress
from crawlers.parsers.uspto_xml import iter_weekly, parse_document
from crawlers.spiders.epo_ops import ESPACENET
from crawlers.spiders.uspto_bulk import STATE_EVERY
from tests.crawlers.mirror_crawl import (
    ROOT,
    count_documents,
    intact,
    kill_when,
    mirror_env,
    run_crawl,
    start_crawl,
)
from vrscope.records import Patent
from vrscope.settings import Settings
from vrscope.store import Store

CASE = Path(__file__).parent / "fixtures" / "uspto_xml" / "grant_v47_assignee_pct" / "input.xml"
WEEK = "/PTGRXML/2099/ipg991231.zip"
WEEK_KEY = "https://api.uspto.gov/api/v1/datasets/products/files" + WEEK
EPO_QUERY = build_queries()[0]  # by default the EPO spider searches the taxonomy's queries
N = 2000


def _week(folder: Path) -> dict[str, Patent]:
    """A weekly zip of N VR grants, served after one answer held back 30 s; the patents it holds."""
    template = CASE.read_bytes()
    xml = folder / "ipg991231.xml"
    with xml.open("wb") as out:
        for i in range(N):
            out.write(template.replace(b"11777001", str(12_000_000 + i).encode()))
    with zipfile.ZipFile(folder / "ipg991231.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(xml, xml.name)
    routes = [{"path": WEEK, "body": "ipg991231.zip", "delay": 30, "times": 1},
              {"path": WEEK, "body": "ipg991231.zip"}]
    (folder / "routes.json").write_text(json.dumps(routes), "utf-8")
    with xml.open("rb") as stream:
        expected = [parse_document(document) for document in iter_weekly(stream)]
    for patent in expected:
        patent.url = ESPACENET.format(patent.id)
    return {p.id: p for p in expected}


@pytest.mark.slow
def test_bulk_crawl_killed_anywhere_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    fixtures, data = tmp_path / "fixtures", tmp_path / "data"
    (fixtures / "uspto_bulk").mkdir(parents=True)
    expected = _week(fixtures / "uspto_bulk")
    db = data / "vrscope.sqlite3"
    with Mirror(fixtures) as mirror:
        env = mirror_env(mirror, data, PYTHONPATH=str(ROOT),
                         VRSCOPE_USPTO_BULK_URLS=json.dumps([WEEK.lstrip("/")]))
        # 1. Killed while the weekly file is still downloading.
        kill_when(start_crawl(env, "uspto_bulk"), lambda: mirror.hits("uspto_bulk", WEEK) == 1)
        assert count_documents(db) == 0
        # 2. and 3. Killed twice while documents stream into the store.
        kill_when(start_crawl(env, "uspto_bulk"), lambda: count_documents(db) >= 300)
        intact(db)
        first = count_documents(db)
        kill_when(start_crawl(env, "uspto_bulk"), lambda: count_documents(db) >= first + 700)
        intact(db)
        before = count_documents(db)
        with Store(db) as store:
            progress = int(store.get_state("uspto_bulk", WEEK_KEY) or "0")
        assert 0 < progress <= before < N and progress % STATE_EVERY == 0
        # 4. Run to the end.
        stats = run_crawl(env, "uspto_bulk", timeout=300)
        downloads = mirror.hits("uspto_bulk", WEEK)
    intact(db)
    assert downloads == 2  # the held-back answer, then one download kept in the spool across kills
    assert stats["vrscope/records/inserted"] == N - before
    assert stats.get("vrscope/records/unchanged", 0) == before - progress < STATE_EVERY
    assert stats["vrscope/uspto_bulk/documents"] == N - progress
    with Store(db) as store:
        assert store.count() == N and store.dead_letters() == []
        assert store.get_state("uspto_bulk", WEEK_KEY) == "done"
        for doc in store.iter_documents():
            want = expected[doc.id].model_dump(exclude={"fetched_at"})
            assert doc.model_dump(exclude={"fetched_at"}) == want
    assert list((data / "uspto_bulk").iterdir()) == []


def _slow_epo_fixtures(tmp_path: Path) -> Path:
    """The EPO OPS mirror fixtures with one abstract held back 30 s the first time it is asked for."""
    fixtures = tmp_path / "fixtures"
    folder = shutil.copytree(FIXTURES / "epo_ops", fixtures / "epo_ops")
    routes = json.loads((folder / "routes.json").read_text("utf-8"))
    slow = next(r for r in routes if r["path"].endswith("CN.116699999.A/abstract"))
    routes.insert(0, {**slow, "delay": 30, "times": 1})
    (folder / "routes.json").write_text(json.dumps(routes), "utf-8")
    return fixtures


@pytest.mark.slow
def test_epo_crawl_killed_mid_page_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = data / "vrscope.sqlite3"
    with Mirror(_slow_epo_fixtures(tmp_path)) as mirror:
        env = mirror_env(mirror, data, PYTHONPATH=str(ROOT))
        slow = "/3.2/rest-services/published-data/publication/docdb/CN.116699999.A/abstract"
        kill_when(start_crawl(env, "epo_ops"),
                  lambda: mirror.hits("epo_ops", slow) == 1 and count_documents(db) >= 3)
        intact(db)
        with Store(db) as store:
            early = {d.id: d for d in store.iter_documents()}
            assert store.get_state("epo_ops", EPO_QUERY) is None  # the page was not finished
        stats = run_crawl(env, "epo_ops", timeout=300)
    intact(db)
    with Store(db) as store:
        found = {d.id: d for d in store.iter_documents() if isinstance(d, Patent)}
        hits = {i: p for i, p in found.items() if p.titles}  # the rest: family members of a hit
        progress = load_progress(store.get_state("epo_ops", EPO_QUERY))
        # the first query's 6 hits and 2 family members, the second query's 43 hits (no family recorded)
        assert len(hits) == 6 + 43 and len(found) == 8 + 43 and store.dead_letters() == []
        assert progress == Progress(until=dt.datetime.now(dt.UTC).date())
        assert all(p.titles and p.abstracts and p.applicants and p.cpc for p in hits.values())
        for doc_id, doc in early.items():  # stored before the kill, stored again unchanged (or not at all)
            assert found[doc_id].model_dump(exclude={"fetched_at"}) == doc.model_dump(exclude={"fetched_at"})
    assert stats["vrscope/records/unchanged"] == len(early.keys() & hits.keys())
    assert stats["vrscope/records/inserted"] == 8 + 43 - len(early)


ODP_TEXT = "/api/v1/datasets/products/files/APPXML-SPLT/2024/ipa240201/18120002_20240040002.xml"
ODP_FIELDS = ("applicationMetaData.earliestPublicationDate", "applicationMetaData.grantDate")


@pytest.mark.slow
def test_odp_crawl_killed_mid_page_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    folder = shutil.copytree(FIXTURES / "uspto_odp", fixtures / "uspto_odp")
    routes = json.loads((folder / "routes.json").read_text("utf-8"))
    slow = next(r for r in routes if r["path"] == ODP_TEXT)
    routes.insert(0, {**slow, "delay": 30, "times": 1})  # the pre-grant publication's text, held back
    (folder / "routes.json").write_text(json.dumps(routes), "utf-8")
    query = str(Settings.model_fields["uspto_odp_query"].default)
    data = tmp_path / "data"
    db = data / "vrscope.sqlite3"
    with Mirror(fixtures) as mirror:
        env = mirror_env(mirror, data, PYTHONPATH=str(ROOT))
        kill_when(start_crawl(env, "uspto_odp"),
                  lambda: mirror.hits("uspto_odp", ODP_TEXT) == 1 and count_documents(db) >= 2)
        intact(db)
        with Store(db) as store:
            early = {d.id: d for d in store.iter_documents()}
            pub = load_odp_progress(store.get_state("uspto_odp", state_key(query, ODP_FIELDS[0])))
            assert "US2024040002A1" not in early and pub == OdpProgress()  # its page was not finished
        stats = run_crawl(env, "uspto_odp", timeout=300)
    intact(db)
    today = dt.datetime.now(dt.UTC).date()
    with Store(db) as store:
        found = {d.id: d for d in store.iter_documents() if isinstance(d, Patent)}
        assert set(found) == {"US11990001B2", "US2024040002A1", "US2024120003A1", "USD1020005S"}
        assert store.dead_letters() == []
        for date_field in ODP_FIELDS:
            progress = load_odp_progress(store.get_state("uspto_odp", state_key(query, date_field)))
            assert progress == OdpProgress(until=today), date_field
        for doc_id, doc in early.items():  # stored before the kill, stored again unchanged (or not at all)
            assert found[doc_id].model_dump(exclude={"fetched_at"}) == doc.model_dump(exclude={"fetched_at"})
    assert found["US2024040002A1"].claims  # its full text arrived after the restart
    assert stats["vrscope/records/inserted"] == 4 - len(early)
