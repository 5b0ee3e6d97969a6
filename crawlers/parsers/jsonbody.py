"""Readers shared by the JSON parsers: a body that must be one JSON object, an ISO date field."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from crawlers.parsers.errors import ParseError


def load_json(body: str | bytes) -> Any:
    """The JSON value of a body; ParseError when it is not JSON (or not text)."""
    try:
        return json.loads(body)
    except ValueError as error:  # UnicodeDecodeError is a ValueError too
        raise ParseError(f"not JSON: {error}") from error


def json_object(body: str | bytes, what: str | None = None) -> dict[str, Any]:
    """A body that must be one JSON object; ``what`` names it in the error ('a line' …)."""
    data = load_json(body)
    if not isinstance(data, dict):
        raise ParseError(not_an_object(data, what))
    return data


def not_an_object(data: object, what: str | None = None) -> str:
    """The error text for a JSON value that should have been an object."""
    name = type(data).__name__
    return f"{what} must be a JSON object, not {name}" if what else f"expected a JSON object, got {name}"


def iso_date(value: Any) -> dt.date | None:
    """A 'YYYY-MM-DD…' field as a date; None when blank or not text, ParseError when unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError as error:
        raise ParseError(f"unreadable date {value!r}") from error
