"""The loopback mirror replays recorded routes by method, path, query and form."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from crawlers.mirror import FIXTURES, Mirror, load_routes


@pytest.fixture
def fixtures(tmp_path: Path) -> Path:
    src = tmp_path / "demo"
    src.mkdir()
    (src / "a.json").write_text('{"page": 1}')
    (src / "b.json").write_text('{"page": 2}')
    (src / "busy.txt").write_text("slow down")
    routes = [
        {"path": "/list", "query": {"page": "1"}, "body": "a.json",
         "headers": {"Content-Type": "application/json"}},
        {"path": "/list", "query": {"page": "2"}, "body": "b.json"},
        {"path": "/busy", "status": 429, "times": 1, "body": "busy.txt", "headers": {"Retry-After": "1"}},
        {"path": "/busy", "body": "a.json"},
        {"method": "POST", "path": "/form", "form": {"key": "VR"}, "body": "b.json"},
    ]
    (src / "routes.json").write_text(json.dumps(routes))
    return tmp_path


def _get(url: str, data: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data)
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_routes_match_on_query_and_form(fixtures: Path) -> None:
    with Mirror(fixtures) as mirror:
        assert _get(mirror.url + "/demo/list?page=2&extra=x") == (200, b'{"page": 2}')
        assert _get(mirror.url + "/demo/list?page=1")[1] == b'{"page": 1}'
        assert _get(mirror.url + "/demo/form", b"key=VR&size=10") == (200, b'{"page": 2}')
        assert _get(mirror.url + "/demo/list?page=9")[0] == 404
        assert _get(mirror.url + "/other/list")[0] == 404
        assert "GET /demo/list?page=1" in mirror.requests


def test_times_replays_a_429_once_then_the_200(fixtures: Path) -> None:
    with Mirror(fixtures) as mirror:
        assert _get(mirror.url + "/demo/busy") == (429, b"slow down")
        assert _get(mirror.url + "/demo/busy") == (200, b'{"page": 1}')


def test_every_shipped_route_points_at_a_file() -> None:
    routes = load_routes(FIXTURES)
    for source, items in routes.items():
        for route in items:
            assert route.body.is_file(), f"{source}: {route.body} is missing"


def test_overrides_point_each_source_at_the_mirror(fixtures: Path) -> None:
    with Mirror(fixtures) as mirror:
        overrides = mirror.settings_overrides()
        assert overrides["VRSCOPE_EPO_OPS_BASE_URL"].startswith(mirror.url)


def test_delay_holds_the_answer_back(tmp_path: Path) -> None:
    (tmp_path / "slow").mkdir()
    (tmp_path / "slow" / "a.txt").write_text("late")
    routes = [{"path": "/late", "body": "a.txt", "delay": 0.5, "times": 1},
              {"path": "/late", "body": "a.txt"}]
    (tmp_path / "slow" / "routes.json").write_text(json.dumps(routes))
    assert load_routes(tmp_path)["slow"][0].delay == 0.5 and load_routes(tmp_path)["slow"][1].delay == 0.0
    with Mirror(tmp_path) as mirror:
        started = time.monotonic()
        assert _get(mirror.url + "/slow/late") == (200, b"late")
        assert time.monotonic() - started >= 0.5
        started = time.monotonic()
        assert _get(mirror.url + "/slow/late") == (200, b"late")
        assert time.monotonic() - started < 0.5
        assert mirror.hits("slow", "/late") == 2 and mirror.hits("slow", "/other") == 0


def test_json_bodies_match_by_dotted_path(tmp_path: Path) -> None:
    src = tmp_path / "api"
    src.mkdir()
    (src / "first.json").write_text('{"page": 1}')
    (src / "second.json").write_text('{"page": 2}')
    routes = [
        {"method": "POST", "path": "/search", "json": {"pagination.offset": 0, "filters.0.name": "cpc"},
         "body": "first.json"},
        {"method": "POST", "path": "/search", "json": {"pagination.offset": 2}, "body": "second.json"},
    ]
    (src / "routes.json").write_text(json.dumps(routes))

    with Mirror(tmp_path) as mirror:
        def send(body: object) -> tuple[int, bytes]:
            request = urllib.request.Request(mirror.url + "/api/search", data=json.dumps(body).encode(),
                                             headers={"Content-Type": "application/json"}, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    return response.status, response.read()
            except urllib.error.HTTPError as error:
                return error.code, error.read()

        assert send({"pagination": {"offset": 0}, "filters": [{"name": "cpc"}]}) == (200, b'{"page": 1}')
        assert send({"pagination": {"offset": 2, "limit": 2}}) == (200, b'{"page": 2}')
        assert send({"pagination": {"offset": 0}})[0] == 404  # filters.0.name missing
        assert send({"pagination": {"offset": "2"}})[0] == 404  # JSON values compare with their types
        assert len(mirror.bodies) == 4 and mirror.bodies[1].startswith('POST /api/search {"pagination"')
