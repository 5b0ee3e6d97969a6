"""Screenshots of every main dashboard page for the README: ``python -m dashboards.screenshots --out DIR``.

Builds the demo data offline (or reuses --data-dir), serves it on loopback, and writes, at 1280×900 in
headless Debian chromium: the search page in English and in Chinese, every view the navigation offers
(read from the page, so new views are included), the document view, and one chart saved with its own
"Save as PNG" link.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from dashboards.browser import (
    BrowserMissing,
    build_demo,
    chromium,
    find_browser,
    open_dashboard,
    screenshot,
    serve,
    view_names,
    wait_for,
    wait_idle,
)

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

SEARCH_EN = "q=head+mounted+display"
# The enterprise story of the README's tour: an HMD maker against two competitors (demo applicants).
GAPS_OWN = "Goertek"
GAPS_RIVALS = "Meta Platforms Technologies\nSony Interactive Entertainment"
SEARCH_ZH = "q=%E8%99%9A%E6%8B%9F%E7%8E%B0%E5%AE%9E"  # 虚拟现实


def _fill_gaps(session: WebDriver) -> None:
    """Give the gaps page an enterprise and its competitors, as a user would, when it asks for them."""
    boxes = session.find_elements("css selector", "#view-panel form textarea")
    if len(boxes) < 2:
        return
    for box, text in zip(boxes, (GAPS_OWN, GAPS_RIVALS), strict=False):
        box.clear()
        box.send_keys(text)
    session.find_element("css selector", "#view-panel form [type=submit]").click()
    wait_idle(session)


def _document(session: WebDriver, base_url: str, out: Path) -> Path:
    """Open the first hit of an English search in the document view and capture it."""
    open_dashboard(session, base_url, SEARCH_EN)
    session.find_element("css selector", "#results li.hit h3 a").click()
    wait_for(session, "return document.getElementById('doc-view').open && "
             "!document.getElementById('doc-body').textContent.includes('Loading…')")
    time.sleep(0.3)  # the dialog's opening transition
    return screenshot(session, out / "document-en.png")


def _saved_chart(session: WebDriver, base_url: str, downloads: Path, out: Path) -> Path | None:
    """Click the search chart's "Save as PNG" and keep what the browser downloaded."""
    open_dashboard(session, base_url)
    session.find_element("id", "save-png").click()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        done = list(downloads.glob("*.png"))
        if done and not list(downloads.glob("*.crdownload")):
            return Path(shutil.copyfile(done[0], out / "chart-export-en.png"))
        time.sleep(0.1)
    return None


def capture(base_url: str, out: Path, width: int = 1280, height: int = 900) -> list[Path]:
    """Write the screenshots of the dashboard at base_url into out; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="vrscope-downloads-") as downloads:
        session = chromium(download_dir=Path(downloads), width=width, height=height)
        try:
            open_dashboard(session, base_url, SEARCH_EN)
            written.append(screenshot(session, out / "search-en.png"))
            open_dashboard(session, base_url, SEARCH_ZH, lang="zh")
            written.append(screenshot(session, out / "search-zh.png"))
            open_dashboard(session, base_url)
            for view in view_names(session):
                if view == "search":
                    continue
                open_dashboard(session, base_url, f"view={view}")
                if view == "gaps":
                    _fill_gaps(session)
                written.append(screenshot(session, out / f"{view}-en.png"))
            written.append(_document(session, base_url, out))
            chart = _saved_chart(session, base_url, Path(downloads), out)
            if chart:
                written.append(chart)
            open_dashboard(session, base_url)  # leave the page idle before closing
            wait_idle(session)
        finally:
            session.quit()
    return written


def main(argv: list[str] | None = None) -> int:
    """Build (or reuse) the demo data, serve it, and write the screenshots."""
    parser = argparse.ArgumentParser(prog="python -m dashboards.screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"), help="Folder for the PNGs.")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="Serve this already built data directory instead of building the demo anew.")
    parser.add_argument("--width", type=int, default=1280, help="Viewport width in CSS pixels.")
    parser.add_argument("--height", type=int, default=900, help="Viewport height in CSS pixels.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vrscope-demo-") as scratch:
        data_dir = args.data_dir or Path(scratch) / "data"
        try:
            find_browser()  # before the demo build: say what to install straight away
            if args.data_dir is None:
                print(f"building the demo data in {data_dir} …", flush=True)
                build_demo(data_dir)
            with serve(data_dir) as base_url:
                written = capture(base_url, args.out, args.width, args.height)
        except BrowserMissing as missing:
            print(f"error: {missing}", file=sys.stderr)
            return 2
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
