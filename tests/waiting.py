"""Waiting in tests for work on another thread: a synchronisation step, never a timing assertion."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(condition: Callable[[], bool], what: str, *, poll: float = 0.01) -> None:
    """Return once condition() holds; fail naming ``what`` if it still does not after a minute."""
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(poll)
