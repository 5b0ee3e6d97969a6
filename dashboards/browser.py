"""Drive the dashboard in headless Debian chromium: build the demo data, serve it on loopback, open a browser.

Used by ``make screenshots`` (dashboards/screenshots.py) and the browser tests (tests/browser/). Nothing
here reaches the internet: the demo crawls a loopback mirror, the app serves every asset itself, and the
browser is Debian's chromium driven through Debian's chromedriver given by path (Selenium Manager, which
would download drivers, is never asked).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

ROOT = Path(__file__).resolve().parent.parent
BROWSERS = ("chromium", "chromium-browser")
DRIVERS = ("chromedriver",)
INSTALL_HINT = "install the Debian packages: apt-get install chromium chromium-driver"


class BrowserMissing(RuntimeError):
    """Chromium or chromedriver is not installed."""


def find_browser() -> tuple[str, str]:
    """Paths of the chromium binary and of chromedriver, or BrowserMissing saying what to install."""
    browser = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    driver = next((path for name in DRIVERS if (path := shutil.which(name))), None)
    missing = [name for name, path in (("chromium", browser), ("chromedriver", driver)) if not path]
    if browser is None or driver is None:
        raise BrowserMissing(f"{' and '.join(missing)} not found on PATH: {INSTALL_HINT}")
    return browser, driver


def build_demo(data_dir: Path) -> None:
    """Run ``vrscope demo --no-serve`` into data_dir (offline: loopback mirror → store → model → index)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, VRSCOPE_DATA_DIR=str(data_dir), VRSCOPE_BACKEND="embedded")
    done = subprocess.run(
        [sys.executable, "-m", "vrscope", "demo", "--no-serve", "--data-dir", str(data_dir)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )
    if done.returncode:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
        raise RuntimeError(f"vrscope demo --no-serve failed (exit {done.returncode}):\n{tail}")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Poll url until it answers 200; fail early when the server process has died."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the dashboard server exited with code {process.returncode} before answering")
        try:
            with opener.open(url, timeout=2) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:
            last = f"{error.code}: {error.read().decode('utf-8', 'replace')[:300]}"
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            last = str(error)
        time.sleep(0.2)
    raise RuntimeError(f"the dashboard server did not answer {url} with 200 within {timeout:.0f} s ({last})")


@contextmanager
def serve(data_dir: Path, log_path: Path | None = None, timeout: float = 60.0) -> Iterator[str]:
    """Serve the API and dashboard on data_dir (uvicorn api.main:create_app --factory) and yield its URL."""
    host = "127.0.0.1"
    port = free_port(host)
    env = dict(os.environ, VRSCOPE_DATA_DIR=str(data_dir), VRSCOPE_BACKEND="embedded")
    command = [sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory",
               "--host", host, "--port", str(port), "--log-level", "warning"]
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://{host}:{port}"
        _wait_until_up(f"{url}/health", process, timeout)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log_path:
            log.close()  # type: ignore[union-attr]


def chromium(
    download_dir: Path | None = None, lang: str = "en-US", width: int = 1280, height: int = 900
) -> WebDriver:
    """Headless Debian chromium at width×height, its console and network logged, downloads to download_dir."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver = find_browser()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--no-proxy-server", "--no-first-run", "--disable-extensions",
                     "--disable-background-networking", "--disable-component-update", "--hide-scrollbars",
                     f"--window-size={width},{height}", f"--lang={lang}"):
        options.add_argument(argument)
    prefs: dict[str, object] = {"intl.accept_languages": lang}
    if download_dir is not None:
        prefs |= {"download.default_directory": str(download_dir), "download.prompt_for_download": False}
    options.add_experimental_option("prefs", prefs)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    os.environ.setdefault("SE_OFFLINE", "true")  # and should Selenium Manager ever run, it may not download
    session = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    if download_dir is not None:
        session.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(download_dir)}
        )
    # Headless chromium still keeps room for a window frame: grow the window until the page is width×height.
    outer_w, outer_h, inner_w, inner_h = session.execute_script(
        "return [window.outerWidth, window.outerHeight, window.innerWidth, window.innerHeight]"
    )
    if (inner_w, inner_h) != (width, height):
        session.set_window_size(width + outer_w - inner_w, height + outer_h - inner_h)
    return session



def screenshot(session: WebDriver, path: Path) -> Path:
    """Write what the browser shows (the viewport) as a PNG file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(session.get_screenshot_as_png())
    return path


# True once the page has loaded, no search is running (#main aria-busy) and no panel says it is loading.
IDLE = """
const main = document.getElementById("main");
if (document.readyState !== "complete" || !main || main.hasAttribute("aria-busy")) return false;
const text = main.innerText;
return !text.includes("Loading…") && !text.includes("加载中");
"""


def wait_for(session: WebDriver, script: str, *args: object, timeout: float = 20) -> object:
    """Wait until a script (a function body, given args) returns something truthy; return it."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(session, timeout).until(lambda d: d.execute_script(script, *args))


def wait_idle(session: WebDriver, timeout: float = 20) -> None:
    """Wait until the dashboard has drawn the answer to its last request."""
    wait_for(session, IDLE, timeout=timeout)


def open_dashboard(session: WebDriver, base_url: str, query: str = "", lang: str = "en") -> None:
    """Open the dashboard at ?query in lang (remembered the way the language button remembers it)."""
    session.get(f"{base_url}/")
    session.execute_script("localStorage.setItem('vrscope.lang', arguments[0])", lang)
    session.get(f"{base_url}/?{query}" if query else f"{base_url}/")
    wait_idle(session)


def view_names(session: WebDriver) -> list[str]:
    """The views the page's navigation offers, in order (read from the page, so new views are included)."""
    return list(session.execute_script(
        "return [...document.querySelectorAll('nav#views button[data-view]')].map((b) => b.dataset.view)"
    ))
