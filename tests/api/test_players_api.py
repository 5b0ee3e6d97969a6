"""GET /api/v1/players pages by cursor through the ranking one big page gives (embedded engine)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.api.conftest import index_into_engine
from vrscope.records import Party, Patent
from vrscope.settings import Settings
from vrscope.store import Store

MAX_PAGE = 4
# (applicant, address, office, how many patents): ties in count make the order depend on the name too
APPLICANTS = [
    ("歌尔科技有限公司", "山东省青岛市崂山区", "CN", 5),
    ("海信视像科技股份有限公司", "山东省青岛市市南区", "CN", 3),
    ("青岛小鸟看看科技有限公司", "山东省青岛市崂山区", "CN", 3),
    ("青岛虚拟现实研究院有限公司", "山东省青岛市崂山区", "CN", 2),
    ("青岛海尔科技有限公司", "山东省青岛市崂山区", "CN", 1),
    ("北京字节跳动网络技术有限公司", "北京市海淀区", "CN", 4),
    ("京东方科技集团股份有限公司", "北京市朝阳区", "CN", 2),
    ("Meta Platforms Technologies, LLC", "Menlo Park, CA", "US", 4),
    ("Apple Inc.", "Cupertino, CA", "US", 2),
    ("Magic Leap, Inc.", "Plantation, FL", "US", 2),
    ("Sony Interactive Entertainment Inc.", "Tokyo", "US", 1),
    ("Microsoft Technology Licensing, LLC", "Redmond, WA", "US", 1),
]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """The app on a real store and embedded index holding 30 patents of 12 applicants."""
    settings = Settings(data_dir=tmp_path / "data", max_page_size=MAX_PAGE)
    with Store(settings.db_path) as store:
        number = 0
        for name, address, office, count in APPLICANTS:
            for _ in range(count):
                number += 1
                store.upsert(Patent(id=f"{office}11800{number:04d}A", source="epo_ops", jurisdiction=office,
                                    titles={"en": f"Head mounted display {number}"},
                                    applicants=[Party(name=name, address=address)],
                                    priority_date=dt.date(2018 + number % 6, 3, 1)))
        index_into_engine(store, settings)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _get(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/players", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _walk(client: TestClient, scope: str, size: int, first: str | None = "*") -> list[tuple[str, int]]:
    """Every player, following next_cursor from the first page; checks the offsets on the way."""
    seen: list[tuple[str, int]] = []
    params: dict[str, Any] = {"scope": scope, "size": size}
    if first is not None:
        params["cursor"] = first
    while True:
        body = _get(client, **params)
        assert body["offset"] == len(seen)
        assert 1 <= len(body["players"]) <= size
        seen += [(p["name"], p["count"]) for p in body["players"]]
        if body["next_cursor"] is None:
            return seen
        params["cursor"] = body["next_cursor"]


@pytest.mark.parametrize(("scope", "expected"), [("world", 12), ("cn", 7), ("city", 5)])
@pytest.mark.parametrize("size", [1, 3, MAX_PAGE])
def test_cursor_pages_yield_the_big_page_once_each(
    client: TestClient, scope: str, expected: int, size: int
) -> None:
    """Paging through every player gives each exactly once, in the order of one page holding them all."""
    big = _get(client, scope=scope, size=200)
    assert big["next_cursor"] is None
    everyone = [(p["name"], p["count"]) for p in big["players"]]
    assert len(everyone) == expected
    assert [n for _, n in everyone] == sorted((n for _, n in everyone), reverse=True)
    paged = _walk(client, scope, size)
    assert paged == everyone
    assert len({name for name, _ in paged}) == expected
    assert _walk(client, scope, size, first=None) == everyone  # the first page without a cursor pages on too


def test_city_pages_keep_districts(client: TestClient) -> None:
    """The city ranking's pages carry each applicant's district and the per-district counts."""
    first = _get(client, scope="city", size=2, cursor="*")
    assert [(p["count"], p["district"]) for p in first["players"]] == [(5, "崂山区"), (3, "市南区")]
    assert {d["value"] for d in first["districts"]} == {"崂山区", "市南区"}
    second = _get(client, scope="city", size=2, cursor=first["next_cursor"])
    assert [p["name"] for p in second["players"]] == sorted(p["name"] for p in second["players"])
    assert {p["count"] for p in second["players"]} == {3, 2}


def _forge(offset: object, made_for: str) -> str:
    raw = json.dumps({"o": offset, "f": made_for}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _detail(client: TestClient, **params: Any) -> str:
    response = client.get("/api/v1/players", params=params)
    assert response.status_code == 400, response.text
    return str(response.json()["detail"])


@pytest.mark.parametrize("cursor", ["not-a-cursor", "%%%", base64.urlsafe_b64encode(b"[1, 2]").decode(),
                                    "e30"])
def test_bad_cursor_is_400(client: TestClient, cursor: str) -> None:
    """Anything that is not a cursor this endpoint made is a 400 saying what to do."""
    assert "invalid cursor" in _detail(client, size=2, cursor=cursor)


def test_forged_or_foreign_cursor_is_400(client: TestClient) -> None:
    """A cursor of another scope or other filters, or a hand-made one, is refused."""
    world = _get(client, scope="world", size=2, cursor="*")["next_cursor"]
    assert world is not None
    assert "other filters" in _detail(client, scope="city", size=2, cursor=world)
    assert "other filters" in _detail(client, scope="world", size=2, cursor=world, jurisdiction="US")
    assert "other filters" in _detail(client, scope="world", size=2, cursor=_forge(2, "0123456789abcdef"))
    made_for = json.loads(base64.urlsafe_b64decode(world + "=" * (-len(world) % 4)))["f"]
    assert "invalid cursor" in _detail(client, scope="world", size=2, cursor=_forge(-1, made_for))
    assert "invalid cursor" in _detail(client, scope="world", size=2, cursor=_forge("2", made_for))
    # the same cursor pages on with another page size: only the filters are bound to it
    assert _get(client, scope="world", size=3, cursor=world)["offset"] == 2


def test_page_size_and_downloads_with_a_cursor(client: TestClient) -> None:
    """A cursor page is at most max_page_size; a download is the top `size`, never a cursor page."""
    assert f"at most {MAX_PAGE}" in _detail(client, size=MAX_PAGE + 1, cursor="*")
    assert "cursor" in _detail(client, cursor="*", format="csv")
    response = client.get("/api/v1/players", params={"size": 10, "format": "jsonl"})
    assert response.status_code == 200
    assert len(response.text.splitlines()) == 10
