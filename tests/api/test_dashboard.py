"""The dashboard page and its assets, served by the API app without anything from the internet."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

import dashboards

ASSETS = ["app.js", "app.css", "i18n.js", "chart.js", "docview.js", "dom.js", "views.js", "tracker.js",
          "watch.js", "emerging.js", "scoreboard.js", "gaps.js", "bars.js", "apikey.js"]


def test_root_serves_the_page(client: TestClient) -> None:
    resp = client.get("/")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/html")
    page = resp.text
    assert '<form id="search-form"' in page and 'id="q"' in page and 'type="search"' in page
    assert 'src="app.js"' in page and 'href="app.css"' in page
    assert 'id="chart"' in page and 'id="save-svg"' in page and 'id="lang"' in page


def test_page_loads_nothing_from_the_internet(client: TestClient) -> None:
    page = client.get("/").text
    assert not re.search(r"<script[^>]*\ssrc=[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"<link[^>]*\shref=[\"']?(https?:)?//", page, re.I)
    assert "http://" not in page and "https://" not in page
    css = client.get("/app.css").text
    assert "@import" not in css and "url(" not in css and "@font-face" not in css


@pytest.mark.parametrize("name", ASSETS)
def test_static_assets_served(client: TestClient, name: str) -> None:
    resp = client.get(f"/{name}")
    assert resp.status_code == 200
    kind = "text/css" if name.endswith(".css") else "javascript"
    assert kind in resp.headers["content-type"]
    # ES modules import only each other, by relative path.
    for target in re.findall(r"^import .* from \"([^\"]+)\";", resp.text, re.M):
        assert target.startswith("./") and target[2:] in ASSETS


def test_js_renders_only_b_tags_and_both_languages(client: TestClient) -> None:
    dom = client.get("/dom.js").text
    assert "innerHTML" not in dom and "insertAdjacentHTML" not in dom
    i18n = client.get("/i18n.js").text
    for zh in ("近眼显示", "感知交互", "渲染计算", "内容制作"):
        assert zh in i18n
    assert "localStorage" in i18n and "navigator.language" in i18n


def test_no_inner_html_anywhere() -> None:
    for path in dashboards.static_dir().glob("*.js"):
        assert "innerHTML" not in path.read_text(encoding="utf-8"), path.name


def test_api_routes_win_over_the_static_mount(client: TestClient) -> None:
    assert client.get("/health").headers["content-type"] == "application/json"
    assert client.get("/api/v1/nothing-here").status_code == 404
