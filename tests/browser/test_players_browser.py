"""The players page in a real headless chromium: "Load more" appends the next cursor page of the ranking."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.request import urlopen

import pytest

from dashboards.browser import open_dashboard, wait_for, wait_idle
from tests.browser.pages import console_errors

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

pytestmark = pytest.mark.browser

ROWS = "return [...document.querySelectorAll('#main table.view-table tbody tr')]" \
       ".map((tr) => [...tr.cells].slice(0, 3).map((td) => td.textContent.trim()))"


def _button_hidden(driver: WebDriver) -> bool:
    return bool(driver.execute_script("const b = document.querySelector('#main button.load-more');"
                                      "return !b || b.hidden;"))


def test_load_more_pages_through_every_player_once(driver: WebDriver, base_url: str) -> None:
    """World players: 20 rows, then each click adds the next page, ranks continuing, until no next page."""
    with urlopen(f"{base_url}/api/v1/players?size=200") as answer:  # noqa: S310 - loopback test server
        everyone = json.load(answer)["players"]
    assert len(everyone) > 20, "the demo data needs more than one page of players"
    open_dashboard(driver, base_url, "view=players")
    wait_for(driver, "return document.querySelectorAll('#main table.view-table tbody tr').length > 0")
    rows = driver.execute_script(ROWS)
    assert len(rows) == 20 and not _button_hidden(driver)
    clicks = 0
    while not _button_hidden(driver):
        before = len(rows)
        driver.find_element("css selector", "#main button.load-more").click()
        wait_for(driver, "return document.querySelectorAll('#main table.view-table tbody tr').length > "
                 "arguments[0]", before)
        wait_idle(driver)
        rows = driver.execute_script(ROWS)
        clicks += 1
    assert clicks == (len(everyone) - 1) // 20
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(everyone) + 1)]
    assert [r[1] for r in rows] == [p["name"] for p in everyone]
    assert console_errors(driver) == []
