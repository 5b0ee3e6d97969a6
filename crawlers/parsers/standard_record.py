"""The last step of every standards parser: its fields into a Standard record, or a ParseError."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crawlers.parsers.errors import ParseError
from vrscope.records import Standard


def standard_record(fields: dict[str, Any], fetched_at: dt.datetime | None, where: str) -> Standard:
    """The Standard the fields make (stamped with ``fetched_at`` when given); else ParseError("where: …")."""
    if fetched_at is not None:
        fields["fetched_at"] = fetched_at
    try:
        return Standard.model_validate(fields)
    except ValueError as error:  # pydantic's ValidationError is one
        raise ParseError(f"{where}: {error}") from error
