"""The web dashboard: static pages and charts served by the API app."""

from __future__ import annotations

from pathlib import Path


def static_dir() -> Path:
    """The directory holding index.html, app.js and app.css."""
    return Path(__file__).resolve().parent / "static"
