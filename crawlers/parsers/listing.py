"""What a standards search page or export holds: records, each maybe with a detail page still to read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from crawlers.parsers.errors import ParseError
from vrscope.records import Standard


@dataclass(frozen=True)
class Hit:
    """One search result: what the list shows, and the detail page that has the rest (if any)."""

    record: Standard
    url: str | None = None


@dataclass(frozen=True)
class Listing:
    """One page of search results (or a whole export) and where it sits in the result set."""

    hits: list[Hit] = field(default_factory=list)
    page: int = 1
    pages: int | None = None
    total: int | None = None

    @property
    def more(self) -> bool:
        """Whether a later page exists."""
        return self.pages is not None and self.page < self.pages


def make_standard(data: dict[str, Any], where: str, fetched_at: dt.datetime | None = None) -> Standard:
    """Validate parsed fields into a Standard, or raise a ParseError naming the page they came from."""
    if fetched_at is not None:
        data = {**data, "fetched_at": fetched_at}
    try:
        return Standard.model_validate(data)
    except ValidationError as error:
        raise ParseError(f"{where}: fields do not make a Standard: {error}") from error


def fill_gaps(first: Standard, second: Standard) -> Standard:
    """``first`` with every field it leaves empty taken from ``second`` (identity fields stay first's)."""
    gaps = {name: getattr(second, name) for name in Standard.model_fields
            if name not in {"id", "fetched_at", "source"}
            and getattr(first, name) in (None, [], "") and getattr(second, name) not in (None, [], "")}
    return first.model_copy(update=gaps) if gaps else first
