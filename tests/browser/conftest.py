"""Fixtures for the real-browser tests: the demo data built once, served on loopback, one headless chromium.

Without Debian's chromium and chromedriver (or selenium) the tests skip, except in CI (CI set), where that
is a failure: CI must run them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from dashboards.browser import BrowserMissing, build_demo, chromium, find_browser, serve

if TYPE_CHECKING:  # selenium is imported lazily, so that collection works without it
    from selenium.webdriver.chrome.webdriver import WebDriver


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser tests, but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_paths() -> tuple[str, str]:
    """Chromium and chromedriver, or a skip (a failure in CI)."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        _unavailable("selenium is not installed (pip install -e '.[dev]')")
    try:
        return find_browser()
    except BrowserMissing as missing:
        _unavailable(str(missing))
        raise  # unreachable: skip and fail raise


@pytest.fixture(scope="session")
def base_url(browser_paths: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo data (offline crawl → classify → index) served by uvicorn on a free loopback port."""
    data_dir = tmp_path_factory.mktemp("demo-data")
    build_demo(data_dir)
    with serve(data_dir, log_path=data_dir / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def download_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser saves downloads."""
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="session")
def driver(base_url: str, download_dir: Path) -> Iterator[WebDriver]:
    """One headless chromium for the whole session (each test opens its own page)."""
    session = chromium(download_dir=download_dir)
    try:
        yield session
    finally:
        session.quit()
