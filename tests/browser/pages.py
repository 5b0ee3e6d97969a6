"""What the browser tests read from the page and the browser logs (opening, waiting: dashboards.browser)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def console_errors(driver: WebDriver) -> list[str]:
    """SEVERE browser-console entries since the last call (reading the log empties it)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def requested_urls(driver: WebDriver) -> list[str]:
    """Every URL the browser asked for since the last call (from the DevTools performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def off_loopback(urls: list[str]) -> list[str]:
    """The URLs that would leave the machine (data: and blob: URLs stay in the page)."""
    outside = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "about"}:
            continue
        if parts.hostname not in LOOPBACK:
            outside.append(url)
    return outside


def total_results(driver: WebDriver) -> int:
    """The number of matches the summary line states (0 when nothing matches)."""
    text = driver.find_element("id", "summary").text
    found = re.search(r"\d[\d,]*", text)
    return int(found.group().replace(",", "")) if found else 0

