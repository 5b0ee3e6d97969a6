"""Test-wide fixtures: where ../shared/data is, and a fresh data directory per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from vrscope.settings import Settings, get_settings

if TYPE_CHECKING:
    from classify.model import Classifier

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("VRSCOPE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip shared_data tests cleanly when ../shared/data is absent (never in CI)."""
    if SHARED_DATA.is_dir():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI must run the shared_data tests, but {SHARED_DATA} is missing")
    skip = pytest.mark.skip(reason=f"{SHARED_DATA} is absent")
    for item in items:
        if "shared_data" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def shared_data() -> Path:
    """The real recorded data beside the project."""
    return SHARED_DATA


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Settings pointing at a fresh data directory; get_settings() returns them too."""
    monkeypatch.setenv("VRSCOPE_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def trained_on(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """Per Classifier.train call (the real one still runs), the ids of its labelled training items."""
    from classify.model import Classifier

    calls: list[set[str]] = []
    real_train = Classifier.train

    def spy(records: Any, extra: Any = None, **options: Any) -> Classifier:
        calls.append({item.id for item, _ in extra or []})
        return real_train(records, extra, **options)

    monkeypatch.setattr(Classifier, "train", spy)
    return calls
