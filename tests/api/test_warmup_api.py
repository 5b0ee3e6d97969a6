"""The app warms the views' caches after startup and after each store change; /health says when they are."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient

from tests.api.conftest import wired_app
from tests.api.fakes import FakeBackend
from tests.waiting import wait_until
from vrscope.records import Standard
from vrscope.settings import Settings
from vrscope.store import Store


def _settings(tmp_path: Path, warm: bool) -> Settings:
    return Settings(data_dir=tmp_path / "data", warm_views=warm, warm_views_interval=0.02)


def test_views_warm_after_start_and_again_after_a_change(tmp_path: Path, backend: FakeBackend) -> None:
    """The caches are built without any view request; a change is warmed again and the views show it."""
    settings = _settings(tmp_path, warm=True)
    with Store(settings.db_path) as store:
        store.upsert(Standard(id="GB/T 1-2020", source="t", body="SAC", title_zh="虚拟现实",
                              published_date=dt.date(2020, 1, 1)))
        with TestClient(wired_app(settings, store, backend)) as client:
            wait_until(lambda: client.get("/health").json()["views_warm"], "the views warm after start")
            assert client.app.state.warmer.alive  # type: ignore[attr-defined]
            store.upsert(Standard(id="GB/T 2-2021", source="t", body="SAC", title_zh="增强现实",
                                  published_date=dt.date(2021, 1, 1)))
            wait_until(lambda: client.get("/health").json()["views_warm"], "the views warm after the change")
            assert client.get("/api/v1/standards/summary").json()["total"] == 2
        assert not client.app.state.warmer.alive  # type: ignore[attr-defined]  # stopped at shutdown


def test_warm_up_can_be_turned_off(tmp_path: Path, backend: FakeBackend) -> None:
    """VRSCOPE_WARM_VIEWS=false: no thread, and /health says the views are not warm."""
    settings = _settings(tmp_path, warm=False)
    with Store(settings.db_path) as store:
        store.upsert(Standard(id="GB/T 1-2020", source="t", body="SAC", title_zh="虚拟现实"))
        with TestClient(wired_app(settings, store, backend)) as client:
            assert client.app.state.warmer is None  # type: ignore[attr-defined]
            body = client.get("/health").json()
            assert body["views_warm"] is False and body["documents"] == 1
