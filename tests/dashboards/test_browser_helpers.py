"""Browser helpers without a browser: finding chromium, waiting for the server, the screenshots command."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dashboards import browser, screenshots


def _fake_executable(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_find_browser_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(browser.BrowserMissing, match="chromium and chromedriver not found.*chromium-driver"):
        browser.find_browser()
    _fake_executable(tmp_path, "chromium")
    with pytest.raises(browser.BrowserMissing, match="^chromedriver not found"):
        browser.find_browser()


def test_find_browser_returns_both_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chromium = _fake_executable(tmp_path, "chromium")
    driver = _fake_executable(tmp_path, "chromedriver")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert browser.find_browser() == (str(chromium), str(driver))


def test_free_port_is_a_bindable_port() -> None:
    port = browser.free_port()
    assert 0 < port < 65536


def test_waiting_stops_when_the_server_dies() -> None:
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    process.wait()
    with pytest.raises(RuntimeError, match="exited with code 3"):
        browser._wait_until_up(f"http://127.0.0.1:{browser.free_port()}/health", process, timeout=5)


def test_waiting_gives_up_with_the_last_answer() -> None:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        with pytest.raises(RuntimeError, match=r"did not answer .* with 200 within 1 s \(.*refused"):
            browser._wait_until_up(f"http://127.0.0.1:{browser.free_port()}/health", process, timeout=1)
    finally:
        process.kill()
        process.wait()


def test_screenshots_without_chromium_fail_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert screenshots.main(["--out", str(tmp_path / "shots")]) == 2
    assert "apt-get install chromium chromium-driver" in capsys.readouterr().err
    assert not (tmp_path / "shots").exists()  # nothing built or written


def test_build_demo_reports_a_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    failing = tmp_path / "python"
    failing.write_text("#!/bin/sh\necho 'crawl went wrong' >&2\nexit 4\n", encoding="utf-8")
    failing.chmod(failing.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(sys, "executable", str(failing))
    with pytest.raises(RuntimeError, match=r"(?s)demo --no-serve failed \(exit 4\).*crawl went wrong"):
        browser.build_demo(tmp_path / "data")
