"""The Standards and Watch pages in headless chromium, on the demo data."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from dashboards.browser import open_dashboard, wait_for, wait_idle
from tests.browser.pages import console_errors

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

pytestmark = pytest.mark.browser


def test_tracker_counts_changes_and_a_standards_similar_patents(driver: WebDriver, base_url: str) -> None:
    open_dashboard(driver, base_url, "view=tracker", lang="en")
    panel = driver.find_element("id", "view-panel")
    text = panel.text
    assert "Standards tracker" in text and "Published" in text and "Committee" in text
    assert "Drafts open for comment" in text and "Qingdao drafting organizations" in text
    # The demo was crawled just now, so the last 7 days' changes list its standards.
    links = driver.execute_script(
        "return [...document.querySelectorAll('.view-panel section table a')].map((a) => a.textContent)")
    assert links, text
    driver.execute_script("document.querySelector('.view-panel section table a').click()")
    detail = wait_for(driver, """
      const d = document.querySelector('.tracker-detail');
      return d && !d.hidden && d.querySelector('.similar-note') ? d.innerText : null;""")
    assert "not essentiality findings" in str(detail)
    assert console_errors(driver) == []
    driver.find_element("id", "lang").click()
    wait_idle(driver)
    assert "标准追踪" in driver.find_element("id", "view-panel").text


def test_watch_page_lists_and_asks_for_a_key(driver: WebDriver, base_url: str) -> None:
    open_dashboard(driver, base_url, "view=watch&q=display", lang="en")
    panel = driver.find_element("id", "view-panel")
    assert "Watch lists" in panel.text and "q=display" in panel.text
    form = panel.find_element("css selector", "form.watch-form")
    inputs = form.find_elements("css selector", "input[type=text]")
    inputs[0].send_keys("li")
    inputs[1].send_keys("display watch")
    form.find_element("css selector", "button[type=submit]").click()
    message = wait_for(driver, "const m = document.querySelector('.view-panel [role=status]');"
                               "return m && m.textContent ? m.textContent : null;")
    assert "API key" in str(message)  # 401 without a key, said in words


def test_tracker_lists_take_the_page_filters(driver: WebDriver, base_url: str) -> None:
    """The drafts, changes and drafters lists are asked with the page's filters (their exports too)."""
    open_dashboard(driver, base_url, "view=tracker&tech=near_eye_display&year_from=2015&jurisdiction=SAC",
                   lang="en")
    hrefs = driver.execute_script(
        "return [...document.querySelectorAll('.view-panel .exports a')].map((a) => a.getAttribute('href'))")
    lists = {path: [h for h in hrefs if h.startswith(f"/api/v1/standards/{path}?")]
             for path in ("drafts-open", "changes", "local-drafters")}
    for path, found in lists.items():
        assert found, (path, hrefs)
        assert all("tech=near_eye_display" in h and "year_from=2015" in h and "body=SAC" in h
                   for h in found), found
    assert all("since=" in h for h in lists["changes"])
    assert "Drafts open for comment" in driver.find_element("id", "view-panel").text
