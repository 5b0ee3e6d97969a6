"""Helper for the standards spiders' tests: crawl one source from the loopback mirror into a fresh store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from crawlers.mirror import FIXTURES, Mirror
from vrscope.records import Standard
from vrscope.store import Store

ROOT = Path(__file__).resolve().parents[2]


def crawl_mirror(data_dir: Path, source: str, runs: int = 1, fixtures: Path = FIXTURES,
                 dead_letters: int = 0) -> dict[str, Standard]:
    """Run ``crawlers.run SOURCE`` against the mirror ``runs`` times; the standards stored, by id."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VRSCOPE_")}
    with Mirror(fixtures) as mirror:
        env.update(mirror.settings_overrides(), VRSCOPE_DATA_DIR=str(data_dir), VRSCOPE_CRAWL_DELAY="0")
        for _ in range(runs):
            done = subprocess.run([sys.executable, "-m", "crawlers.run", source], env=env, cwd=ROOT,
                                  capture_output=True, text=True, timeout=180)
            assert done.returncode == 0, done.stderr[-3000:]
    with Store(data_dir / "vrscope.sqlite3") as store:
        assert len(store.dead_letters()) == dead_letters
        return {d.id: d for d in store.iter_documents("standard") if isinstance(d, Standard)}
