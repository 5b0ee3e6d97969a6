"""Every view of the API on the demo data, on every engine, gives the embedded engine's answer.

The demo is built once per session (``vrscope demo --no-serve``: crawl the loopback mirror of
crawlers/fixtures, classify, index into the embedded engine), then the same store is indexed with
``vrscope index --backend elastic`` into osmem (and a real cluster when ES_URL is set). Each view is
called through the app (create_app with settings pointing at the engine) and must answer 200 with
real content, and the same JSON as on the embedded engine once only what legitimately differs between
engines is removed: relevance scores (and, for relevance-sorted lists, the order among equal matches).
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import search.elastic
from api.main import create_app
from search import store_cache
from search.elastic import ElasticBackend
from search.elastic_client import make_client
from tests.search.contract.conftest import PlainJsonNode
from vrscope.cli import app as cli
from vrscope.settings import Settings, get_settings
from vrscope.store import Store

pytestmark = pytest.mark.slow

runner = CliRunner()
Params = dict[str, Any]
Check = Callable[[Any], None]
PICO = "QINGDAO PICO TECHNOLOGY"  # the demo's most frequent applicant, located in Qingdao
STANDARD = "GB/T 38259-2019"  # a demo standard: VR head-mounted display general specification
BOLD = re.compile(r"<b>[^<]+</b>")


def build_demo(data_dir: Path) -> Path:
    """Run ``vrscope demo --no-serve`` into data_dir (what tests/vrscope/test_cli.py runs end to end)."""
    result = runner.invoke(cli, ["demo", "--no-serve", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    return data_dir


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's data directory: store of record and embedded index, built once per session."""
    get_settings.cache_clear()
    try:
        return build_demo(tmp_path_factory.mktemp("demo") / "data")
    finally:
        get_settings.cache_clear()


def _osmem_client(settings: Any) -> Any:
    """The product's client with the test-only plain-JSON node osmem needs (see conftest)."""
    return make_client(settings, node_class=PlainJsonNode)


@pytest.fixture(scope="module")
def demo_settings(engine_kind: str, demo_dir: Path, request: pytest.FixtureRequest) -> Iterator[Settings]:
    """Settings on the demo store and an engine of this kind holding it (osmem, ES: `vrscope index`)."""
    base = Settings(data_dir=demo_dir, warm_views=False, backend="embedded")
    if engine_kind == "embedded":
        yield base  # `vrscope demo` indexed the embedded engine
        return
    url = request.getfixturevalue("osmem_server").url if engine_kind == "osmem" else os.environ["ES_URL"]
    alias = f"vrscope-demo-{uuid.uuid4().hex[:8]}"
    # A real cluster's credentials, as the other contract cases take them (conftest._elastic).
    wanted = {"es_api_key": "ES_API_KEY", "es_ca_certs": "ES_CA_CERTS"} if engine_kind == "es" else {}
    secrets = {name: os.environ[env] for name, env in wanted.items() if os.environ.get(env)}
    settings = Settings.model_validate({"data_dir": demo_dir, "warm_views": False, "backend": "elastic",
                                        "es_url": url, "es_index": alias, **secrets})
    with pytest.MonkeyPatch.context() as patch:
        if engine_kind == "osmem":
            patch.setattr(search.elastic, "make_client", _osmem_client)
        for name, value in {"es_index": alias, **secrets}.items():
            patch.setenv(f"VRSCOPE_{name.upper()}", value)
        get_settings.cache_clear()
        args = ["index", "--rebuild", "--backend", "elastic", "--es-url", url, "--data-dir", str(demo_dir)]
        result = runner.invoke(cli, args)
        get_settings.cache_clear()
        assert result.exit_code == 0, result.output
        with Store(settings.db_path) as store:
            stored = store.count()
        assert f"indexed {stored} documents ({stored} in the index)" in result.output
        yield settings
        engine = ElasticBackend(settings)
        for name in engine.indices():
            engine.client.indices.delete(index=name, ignore_unavailable=True)
        engine.close()


def _client(settings: Settings) -> Iterator[TestClient]:
    """A TestClient of the app on these settings; the store-side caches start empty."""
    store_cache.clear()
    with TestClient(create_app(settings)) as client:
        yield client
    store_cache.clear()


@pytest.fixture(scope="module")
def client(demo_settings: Settings) -> Iterator[TestClient]:
    """The app on the demo data and the engine under test."""
    yield from _client(demo_settings)


@pytest.fixture(scope="session")
def reference(demo_dir: Path) -> Iterator[TestClient]:
    """The app on the demo data and the embedded engine: the answers every engine must give."""
    yield from _client(Settings(data_dir=demo_dir, warm_views=False, backend="embedded"))


def get(client: TestClient, path: str, params: Params) -> Any:
    """GET a view, which must answer 200; JSON decoded, a download as text."""
    response = client.get(path, params=params)
    assert response.status_code == 200, (path, params, response.text[:500])
    if response.headers["content-type"].startswith("application/json"):
        return response.json()
    return response.text


def highlights(snippet: str) -> bool:
    """Whether a snippet highlights a matched term."""
    return BOLD.search(snippet) is not None


def neutral(value: Any) -> Any:
    """The answer without what legitimately differs between engines.

    Relevance scores: their absolute values differ (BM25 flavours). Snippets: each engine's highlighter
    cuts its own fragment from its own field (tantivy ends at the last token and joins the title's
    languages; the Elasticsearch highlighter keeps sentence punctuation and may pick another fragment,
    holding other query terms), so snippets are compared by whether they highlight a match.
    """
    if isinstance(value, dict):
        return {k: highlights(v) if k == "snippet" else neutral(v) for k, v in value.items() if k != "score"}
    if isinstance(value, list):
        return [neutral(v) for v in value]
    return value


def by_relevance(answer: dict[str, Any]) -> dict[str, Any]:
    """A relevance-sorted search page compared as a set: equal matches may tie-break differently."""
    return {**answer, "hits": sorted(answer["hits"], key=lambda hit: hit["id"])}


def pages(client: TestClient, path: str, params: Params, items: str) -> list[Any]:
    """Every item of a cursor-paged view, following next_cursor from '*' to the end."""
    found: list[Any] = []
    cursor: str | None = "*"
    for _ in range(100):
        answer = get(client, path, {**params, "cursor": cursor})
        assert answer[items], (path, params, cursor)
        found += answer[items]
        cursor = answer["next_cursor"]
        if cursor is None:
            return found
    raise AssertionError(f"{path} {params}: more than 100 pages")


# ---- what "non-trivial" means per view -------------------------------------------------------------


def _hits(minimum: int) -> Check:
    def check(answer: Any) -> None:
        assert answer["total"] >= minimum and len(answer["hits"]) >= min(minimum, answer["size"]), answer
    return check


def _facets(*names: str) -> Check:
    def check(answer: Any) -> None:
        _hits(1)(answer)
        for name in names:
            assert answer["facets"][name], name
        assert answer["histogram"]
    return check


def _trend(answer: Any) -> None:
    assert answer["series"] and answer["years"], answer
    assert any(sum(s["counts"]) > 0 for s in answer["series"])


def _matrix(answer: Any) -> None:
    assert answer["forms"] and answer["techs"] and any(cell["count"] for cell in answer["cells"]), answer


def _applicant(answer: Any) -> None:
    assert answer["total"] >= 10 and answer["techs"] and answer["newest"], answer


def _emerging(answer: Any) -> None:
    assert answer["subtopics"] and answer["background_total"] == 112, answer


def _scoreboard(answer: Any) -> None:
    statuses = [row["status"] for row in answer["rows"]]
    assert answer["headline"]["breakthroughs"] == statuses.count("breakthrough") >= 1, answer["headline"]


def _gaps(answer: Any) -> None:
    assert answer["rows"] and any(row["own"] for row in answer["rows"]), answer
    assert any(any(row["competitors"]) for row in answer["rows"]), answer


def _summary(answer: Any) -> None:
    assert answer["by_status"] and answer["by_body"], answer


def _list(key: str) -> Check:
    def check(answer: Any) -> None:
        assert answer[key], answer
    return check


def _similar(answer: Any) -> None:
    assert answer["hits"] and STANDARD not in [hit["id"] for hit in answer["hits"]], answer


def _taxonomy(answer: Any) -> None:
    assert answer["forms"] and answer["techs"] and answer["subtopics"]


def _rows(minimum: int) -> Check:
    def check(answer: Any) -> None:
        assert isinstance(answer, str) and len(answer.strip().splitlines()) >= minimum, answer
    return check


SEARCH = "/api/v1/search"
FACETS = {"facet": ["doc_type", "techs", "jurisdiction", "applicants", "status"]}
CASES: dict[str, tuple[str, Params, Check]] = {
    "search-zh": (SEARCH, {"q": "虚拟现实", "size": 100, **FACETS}, _facets("techs", "jurisdiction")),
    "search-en": (SEARCH, {"q": "head-mounted display", "size": 100, **FACETS}, _facets("techs")),
    "search-zh-date": (SEARCH, {"q": "显示", "sort": "date_desc", "size": 20}, _hits(2)),
    "search-en-date-asc": (SEARCH, {"q": "virtual reality", "sort": "date_asc", "size": 20}, _hits(2)),
    "search-filter": (SEARCH, {"tech": "near_eye_display", "jurisdiction": "CN", "doc_type": "patent",
                               "sort": "date_desc", "size": 100, **FACETS}, _facets("applicants")),
    "search-field-prefix": (SEARCH, {"q": "applicant:QINGDAO*", "sort": "date_desc", "size": 100, **FACETS},
                            _facets("applicants")),
    "search-title-field": (SEARCH, {"q": "title:display", "size": 100}, _hits(1)),
    "search-standards": (SEARCH, {"doc_type": "standard", "sort": "date_desc", "size": 100,
                                  "facet": ["status", "jurisdiction", "source"]}, _facets("status")),
    "search-months": (SEARCH, {"q": "VR", "histogram_interval": "month", "sort": "date_desc", "size": 100},
                      _hits(1)),
    **{f"trends-{dim}": ("/api/v1/trends", {"dimension": dim}, _trend)
       for dim in ("tech", "subtopic", "form", "jurisdiction")},
    **{f"trends-{basis}": ("/api/v1/trends", {"dimension": "tech", "date_basis": basis}, _trend)
       for basis in ("priority", "filing", "publication")},
    "trends-families": ("/api/v1/trends", {"dimension": "subtopic", "families": "true"}, _trend),
    "trends-filtered": ("/api/v1/trends", {"dimension": "jurisdiction", "q": "display", "doc_type": "patent",
                                           "cagr_from": 2020, "cagr_to": 2024}, _trend),
    "matrix": ("/api/v1/matrix", {}, _matrix),
    "matrix-patents": ("/api/v1/matrix", {"doc_type": "patent", "q": "显示 OR display"}, _matrix),
    "applicant": ("/api/v1/applicant", {"name": PICO}, _applicant),
    "emerging": ("/api/v1/emerging", {}, _emerging),
    "emerging-patents": ("/api/v1/emerging", {"doc_type": "patent", "window": 2, "min_count": 1},
                         _list("subtopics")),
    "scoreboard": ("/api/v1/scoreboard", {}, _scoreboard),
    "gaps": ("/api/v1/gaps", {"applicant": PICO, "competitor": ["META PLATFORMS TECHNOLOGIES|Meta",
                                                                "歌尔股份有限公司|GOERTEK"], "min_world": 2},
             _gaps),
    "standards-summary": ("/api/v1/standards/summary", {}, _summary),
    "standards-summary-tech": ("/api/v1/standards/summary", {"tech": "near_eye_display"}, _summary),
    "drafts-open": ("/api/v1/standards/drafts-open", {"as_of": "2020-01-01"}, _list("data")),
    "changes": ("/api/v1/standards/changes", {"since": "2000-01-01", "tech": "near_eye_display"},
                _list("data")),
    "local-drafters": ("/api/v1/standards/local-drafters", {"tech": "near_eye_display"}, _list("drafters")),
    "similar-standard": (f"/api/v1/documents/{STANDARD}/similar", {"size": 100}, _similar),
    "similar-text": ("/api/v1/similar", {"text": "虚拟现实头戴式显示设备 head mounted display", "size": 100},
                     _list("hits")),
    "taxonomy": ("/api/v1/taxonomy", {}, _taxonomy),
    "export-search-csv": (SEARCH, {"q": "display", "sort": "date_desc", "format": "csv"}, _rows(3)),
    "export-players-jsonl": ("/api/v1/players", {"scope": "city", "format": "jsonl"}, _rows(3)),
    "export-scoreboard-csv": ("/api/v1/scoreboard", {"format": "csv"}, _rows(3)),
}
# Relevance-sorted search pages: the same matches, compared as sets (see by_relevance).
RELEVANCE = {"search-zh", "search-en", "search-title-field", "similar-standard", "similar-text"}


@pytest.mark.parametrize("case", list(CASES))
def test_view_on_the_demo(case: str, client: TestClient, reference: TestClient) -> None:
    path, params, check = CASES[case]
    answer = get(client, path, params)
    check(answer)
    expected = get(reference, path, params)
    if case in RELEVANCE:
        answer, expected = by_relevance(answer), by_relevance(expected)
    assert neutral(answer) == neutral(expected)


@pytest.mark.parametrize(
    ("path", "params", "items"),
    [
        (SEARCH, {"q": "display OR 显示", "sort": "date_desc", "size": 7}, "hits"),
        (SEARCH, {"doc_type": "patent", "jurisdiction": "CN", "sort": "date_asc", "size": 9}, "hits"),
        ("/api/v1/players", {"scope": "world", "size": 5}, "players"),
        ("/api/v1/players", {"scope": "cn", "size": 5}, "players"),
        ("/api/v1/players", {"scope": "city", "size": 3}, "players"),
        ("/api/v1/standards/changes", {"since": "2000-01-01", "limit": 10}, "data"),
    ],
    ids=["search-date-desc", "search-cn-date-asc", "players-world", "players-cn", "players-city", "changes"],
)
def test_cursor_paging_on_the_demo(
    path: str, params: Params, items: str, client: TestClient, reference: TestClient
) -> None:
    """Following next_cursor walks the whole list, in the embedded engine's order."""
    walked = pages(client, path, params, items)
    assert len(walked) > int(params.get("size") or params["limit"]), "the list must span several pages"
    assert len({str(item) for item in walked}) == len(walked), "no item twice"
    assert neutral(walked) == neutral(pages(reference, path, params, items))
    if path == SEARCH:
        whole = get(client, path, {**params, "size": 100})
        assert [hit["id"] for hit in walked] == [hit["id"] for hit in whole["hits"]]
