"""Helpers for the standards spiders' tests: crawl sources from the loopback mirror into a store.

``crawl_mirror`` runs whole crawls; ``copy_fixtures``/``edit_routes`` make a private mirror a test may
change (a 429 first, a broken page, a stage that moved); ``crawl_killed_then_resumed`` SIGKILLs a crawl
while one answer is held back, crawls again and checks the store came through whole.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crawlers.mirror import FIXTURES, Mirror
from vrscope.records import Standard
from vrscope.store import Store

ROOT = Path(__file__).resolve().parents[2]
# sources whose spider reads more than one mirror folder
FOLDERS: dict[str, tuple[str, ...]] = {"hbba": ("hbba", "dbba")}
Route = dict[str, Any]


def mirror_env(mirror: Mirror, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a crawl against the mirror into ``data_dir`` (no VRSCOPE_* leaks in)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VRSCOPE_")}
    env.update(mirror.settings_overrides(), VRSCOPE_DATA_DIR=str(data_dir), VRSCOPE_CRAWL_DELAY="0",
               VRSCOPE_CRAWL_LOG_LEVEL="WARNING", **extra)
    return env


def run_crawl(env: dict[str, str], source: str, timeout: float = 180) -> dict[str, Any]:
    """``python -m crawlers.run SOURCE`` to the end; the Scrapy stats it printed."""
    done = subprocess.run([sys.executable, "-m", "crawlers.run", source], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-4000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1])[source])


def start_crawl(env: dict[str, str], source: str) -> subprocess.Popen[bytes]:
    """``python -m crawlers.run SOURCE`` started in the background, its output dropped."""
    return subprocess.Popen([sys.executable, "-m", "crawlers.run", source], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_when(process: subprocess.Popen[bytes], ready: Callable[[], bool], timeout: float = 120) -> None:
    """SIGKILL the crawl as soon as ``ready()``; it must still be running then."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, "the crawl ended before it could be killed"
        assert time.monotonic() < deadline, "the crawl never got there"
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def stored(data_dir: Path, dead_letters: int | None = 0) -> dict[str, Standard]:
    """The standards in a data directory's store, by id (checking how many dead letters it holds)."""
    with Store(data_dir / "vrscope.sqlite3") as store:
        if dead_letters is not None:
            assert len(store.dead_letters()) == dead_letters, store.dead_letters()
        return {d.id: d for d in store.iter_documents("standard") if isinstance(d, Standard)}


def crawl_mirror(data_dir: Path, source: str, runs: int = 1, fixtures: Path = FIXTURES,
                 dead_letters: int | None = 0, **env: str) -> dict[str, Standard]:
    """Run ``crawlers.run SOURCE`` against the mirror ``runs`` times; the standards stored, by id."""
    with Mirror(fixtures) as mirror:
        for _ in range(runs):
            run_crawl(mirror_env(mirror, data_dir, **env), source)
    return stored(data_dir, dead_letters)


def copy_fixtures(tmp_path: Path, source: str) -> Path:
    """A private copy of one source's mirror fixtures (and the mirror's robots.txt) a test may change."""
    root = tmp_path / "fixtures"
    for folder in FOLDERS.get(source, (source,)):
        shutil.copytree(FIXTURES / folder, root / folder)
    shutil.copy(FIXTURES / "robots.txt", root / "robots.txt")
    return root


def edit_routes(fixtures: Path, folder: str, edit: Callable[[list[Route]], list[Route]]) -> None:
    """Rewrite one folder's routes.json through ``edit``."""
    path = fixtures / folder / "routes.json"
    path.write_text(json.dumps(edit(json.loads(path.read_text("utf-8"))), ensure_ascii=False), "utf-8")


def route_for(routes: list[Route], body: str) -> Route:
    """The route that answers with one fixture file."""
    return next(r for r in routes if r["body"] == body)


def count_documents(db: Path) -> int:
    """Documents stored so far, read without writing (0 before the store exists)."""
    if not db.is_file():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def intact(db: Path) -> None:
    """The store passes SQLite's integrity check and no document has two provenance rows."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        twice = "SELECT doc_id FROM provenance GROUP BY doc_id HAVING count(*) > 1"
        assert conn.execute(twice).fetchall() == []


def crawl_killed_then_resumed(tmp_path: Path, source: str, folder: str, body: str,
                              stored_first: int = 1) -> tuple[set[str], dict[str, Standard]]:
    """Hold back the answer with fixture ``body``, SIGKILL the crawl once it waits there and at least
    ``stored_first`` documents are stored, then crawl again to the end.

    Returns the ids stored before the kill and the standards stored at the end (store checked intact,
    no dead letters).
    """
    fixtures = copy_fixtures(tmp_path, source)
    edit_routes(fixtures, folder, lambda routes: [
        {**route_for(routes, body), "delay": 30, "times": 1}, *routes])
    data = tmp_path / "data"
    db = data / "vrscope.sqlite3"
    with Mirror(fixtures) as mirror:
        env = mirror_env(mirror, data)
        kill_when(start_crawl(env, source),
                  lambda: mirror.route_hits(folder, 0) >= 1 and count_documents(db) >= stored_first)
        intact(db)
        before = set(stored(data, dead_letters=None))
        run_crawl(env, source)
    intact(db)
    return before, stored(data)
