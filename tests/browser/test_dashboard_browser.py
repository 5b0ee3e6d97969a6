"""The dashboard in a real headless chromium: pages, search, filters, languages, documents, chart export."""

from __future__ import annotations

import struct
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboards.browser import IDLE, open_dashboard, view_names, wait_for, wait_idle
from tests.browser.pages import console_errors, off_loopback, requested_urls, total_results

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

pytestmark = pytest.mark.browser

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FILTERS = {"tech", "form", "jurisdiction", "doc_type"}  # the facets' query parameters


def _click(driver: WebDriver, css: str) -> None:
    driver.find_element("css selector", css).click()


def _query(driver: WebDriver) -> dict[str, list[str]]:
    return parse_qs(urlsplit(driver.current_url).query)


def _submit_search(driver: WebDriver, text: str) -> None:
    from selenium.webdriver.common.keys import Keys

    box = driver.find_element("id", "q")
    box.clear()
    box.send_keys(text, Keys.ENTER)
    wait_idle(driver)


def _wait_for_total(driver: WebDriver, total: int) -> None:
    """Wait until the page shows `total` matches (history navigation redraws asynchronously)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 20).until(lambda d: total_results(d) == total and d.execute_script(IDLE))


def _visit_every_view(driver: WebDriver) -> list[str]:
    """Click every view button in turn; return the views visited."""
    views = view_names(driver)
    for view in views:
        _click(driver, f'nav#views button[data-view="{view}"]')
        wait_for(driver, "return document.querySelector(`nav#views button[data-view='${arguments[0]}']`)"
                 ".getAttribute('aria-current') === 'page'", view)
        wait_idle(driver)
    return views


def test_every_view_loads_without_console_errors(driver: WebDriver, base_url: str) -> None:
    open_dashboard(driver, base_url)
    assert console_errors(driver) == []
    views = view_names(driver)
    assert "search" in views and len(views) >= 4, views
    for view in views:
        _click(driver, f'nav#views button[data-view="{view}"]')
        wait_for(driver, "return document.querySelector(`nav#views button[data-view='${arguments[0]}']`)"
                 ".getAttribute('aria-current') === 'page'", view)
        wait_idle(driver)
        assert console_errors(driver) == [], view
        assert driver.find_element("id", "error").get_attribute("hidden") is not None, view
        shown_errors = driver.execute_script(
            "return [...document.querySelectorAll('#main .error')].filter((n) => n.offsetParent)"
            ".map((n) => n.textContent)"
        )
        assert shown_errors == [], (view, shown_errors)
        assert _query(driver).get("view", ["search"]) == [view]
        # A bookmarked view opens straight away too.
        driver.refresh()
        wait_idle(driver)
        assert console_errors(driver) == [], f"{view} (reloaded)"


def test_search_in_chinese_and_english(driver: WebDriver, base_url: str) -> None:
    open_dashboard(driver, base_url)
    everything = total_results(driver)
    for text in ("虚拟现实", "head mounted display"):
        _submit_search(driver, text)
        found = total_results(driver)
        hits = driver.find_elements("css selector", "#results li.hit h3 a")
        assert 0 < found < everything, text
        assert len(hits) == min(found, 20)
        assert _query(driver)["q"] == [text]
    assert console_errors(driver) == []


def test_a_facet_filter_narrows_the_results_and_shows_in_the_url(driver: WebDriver, base_url: str) -> None:
    open_dashboard(driver, base_url)
    before = total_results(driver)
    buttons = driver.find_elements("css selector", "#facets button.facet-value")
    counts = [int(b.find_element("css selector", ".count").text.replace(",", "")) for b in buttons]
    choice = next(i for i, count in enumerate(counts) if 0 < count < before)
    expected = counts[choice]
    buttons[choice].click()
    wait_idle(driver)
    assert total_results(driver) == expected != before
    query = _query(driver)
    assert set(query) & FILTERS, driver.current_url
    assert driver.find_elements("css selector", "#chips .chip")
    active = driver.find_elements("css selector", "#facets button.facet-value[aria-pressed='true']")
    assert len(active) == 1
    # Back restores the unfiltered list; the URL alone carries the state.
    driver.back()
    _wait_for_total(driver, before)
    assert not set(_query(driver)) & FILTERS and not driver.find_elements("css selector", "#chips .chip")
    driver.forward()
    _wait_for_total(driver, expected)
    assert console_errors(driver) == []


def test_switching_language_changes_the_interface(driver: WebDriver, base_url: str) -> None:
    open_dashboard(driver, base_url, lang="en")
    read = """return {
      lang: document.documentElement.lang,
      search: document.querySelector('#search-form button[type=submit]').textContent.trim(),
      views: [...document.querySelectorAll('nav#views button')].map((b) => b.textContent.trim()),
      facets: [...document.querySelectorAll('#facets h2')].map((h) => h.textContent.trim()),
      summary: document.getElementById('summary').textContent,
      placeholder: document.getElementById('q').placeholder,
    }"""
    english = driver.execute_script(read)
    assert english["lang"] == "en" and english["search"] == "Search"
    _click(driver, "#lang")
    wait_idle(driver)
    chinese = driver.execute_script(read)
    assert chinese["lang"] == "zh-CN" and chinese["search"] == "搜索"
    assert chinese["placeholder"] != english["placeholder"]
    for key in ("views", "facets"):
        assert all(zh != en for zh, en in zip(chinese[key], english[key], strict=True)), key
    assert "结果" in chinese["summary"]
    assert "近眼显示" in driver.find_element("id", "facets").text
    # The choice is remembered across a reload, and switching back restores English.
    driver.refresh()
    wait_idle(driver)
    assert driver.execute_script(read)["search"] == "搜索"
    _click(driver, "#lang")
    wait_idle(driver)
    assert driver.execute_script(read) == english
    assert console_errors(driver) == []


def test_the_document_view_opens(driver: WebDriver, base_url: str) -> None:
    open_dashboard(driver, base_url, query="q=" + "虚拟现实")
    link = driver.find_element("css selector", "#results li.hit h3 a")
    title = link.text
    link.click()
    wait_for(driver, "return document.getElementById('doc-view').open && "
             "!document.getElementById('doc-body').textContent.includes('Loading…')")
    body = driver.find_element("id", "doc-body").text
    assert title in body
    assert "Identifier" in body
    _click(driver, "#doc-view .close")
    wait_for(driver, "return !document.getElementById('doc-view').open")
    assert console_errors(driver) == []


def test_nothing_is_requested_outside_the_machine(driver: WebDriver, base_url: str) -> None:
    requested_urls(driver)  # forget earlier tests' requests
    open_dashboard(driver, base_url, lang="zh")
    _visit_every_view(driver)
    _click(driver, 'nav#views button[data-view="search"]')
    wait_idle(driver)
    urls = requested_urls(driver)
    assert any(url.startswith(f"{base_url}/api/v1/search") for url in urls)
    assert off_loopback(urls) == []
    foreign = driver.execute_script("""
      const nodes = [...document.querySelectorAll('script[src], link[href], img[src], iframe[src]')];
      return nodes.map((n) => n.src || n.href)
        .filter((u) => !u.startsWith('data:') && new URL(u).origin !== location.origin);
    """)
    assert foreign == []


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    return width, height


def _wait_for_download(folder: Path, suffix: str, before: set[Path], timeout: float = 20) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.glob(f"*{suffix}") if p not in before]
        if done and not list(folder.glob("*.crdownload")):
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} file was downloaded to {folder}")


def test_the_search_chart_saves_as_png(driver: WebDriver, base_url: str, download_dir: Path) -> None:
    open_dashboard(driver, base_url)
    chart_width = int(driver.find_element("css selector", "#chart svg").get_attribute("width") or 0)
    assert chart_width > 0
    before = set(download_dir.iterdir())
    _click(driver, "#save-png")
    saved = _wait_for_download(download_dir, ".png", before)
    assert saved.name.startswith("vrscope-filings")
    width, height = _png_size(saved.read_bytes())
    assert width == 2 * chart_width and height > 0  # drawn at twice the chart's size
    assert (driver.find_element("id", "save-png").get_attribute("href") or "").startswith("blob:")
    assert console_errors(driver) == []


def test_the_svg_export_stands_alone(driver: WebDriver, base_url: str) -> None:
    open_dashboard(driver, base_url, query="q=head+mounted+display&tech=near_eye_display")
    text = driver.execute_async_script(
        "const done = arguments[0];"
        "fetch(document.getElementById('save-svg').href).then((r) => r.text()).then(done);"
    )
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert 'xmlns="http://www.w3.org/2000/svg"' in text
    assert "Filings per year by technology</text>" in text  # the title is drawn, not only in <title>
    assert "Documents per year (count)" in text and "Year (" in text
    assert "Source: vrscope" in text
    # What was searched, under the title.
    assert "“head mounted display” · Technology: Near-eye display</text>" in text


def test_every_chart_has_title_axes_legend_and_both_exports(driver: WebDriver, base_url: str) -> None:
    open_dashboard(driver, base_url)
    charts_seen = 0
    for view in view_names(driver):
        _click(driver, f'nav#views button[data-view="{view}"]')
        wait_idle(driver)
        charts = driver.execute_script("""
          return [...document.querySelectorAll('#main svg[role=img]')]
            .filter((s) => s.getBoundingClientRect().width)
            .map((s) => {
              const panel = s.closest('.chart-panel, .view-panel, section') || document.body;
              return {
                title: s.getAttribute('aria-label') || '',
                legend: s.querySelectorAll('.legend text').length,
                yLabel: [...s.querySelectorAll('.y-axis > text')].pop()?.textContent || '',
                xLabel: [...s.querySelectorAll('.x-axis > text')].pop()?.textContent || '',
                svg: panel.querySelectorAll('a[download$=".svg"]').length,
                png: panel.querySelectorAll('a[download$=".png"]').length,
              };
            });
        """)
        for chart in charts:
            assert chart["title"], (view, chart)
            assert chart["legend"] >= 1, (view, chart)
            # Axis titles with units: the value axis says what it counts, e.g. "Documents per year (count)"
            # (bar charts have only a value axis; their categories are labelled on the bars).
            assert chart["xLabel"] and "(" in chart["yLabel"] + chart["xLabel"], (view, chart)
            assert chart["svg"] >= 1 and chart["png"] >= 1, (view, chart)
        charts_seen += len(charts)
    assert charts_seen >= 2  # at least the search chart and the trends chart
    assert console_errors(driver) == []


def test_a_view_chart_saves_as_png(driver: WebDriver, base_url: str, download_dir: Path) -> None:
    open_dashboard(driver, base_url, query="view=trends")
    before = set(download_dir.iterdir())
    _click(driver, "#view-panel a.save-png")
    saved = _wait_for_download(download_dir, ".png", before)
    assert saved.name.startswith("vrscope-trends")
    assert _png_size(saved.read_bytes())[0] > 0
    assert console_errors(driver) == []
