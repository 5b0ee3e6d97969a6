"""How far a USPTO ODP crawl of one query and date field got, and the search body that goes on from there.

A *sweep* asks ODP's applications search (``POST /api/v1/patent/applications/search``) for the
applications whose date field (e.g. ``applicationMetaData.grantDate``) lies in a window, sorted by
that date, page by page (``pagination.offset``/``limit``). ``until`` is the last date fully fetched:
a new sweep starts ``overlap`` days before it (ODP loads some records late; the store's idempotent
upsert makes the overlap free of duplicates) and ends today. ``start``/``end``/``offset`` describe the
sweep under way, so a run cut short (``max_results``, a kill) resumes at its page. ``gap`` marks a
sweep that skipped a page which failed (after retries, dead-lettered): when it ends, ``until`` stays
where it was, so the next run sweeps the same window again. The crawl_state value is this progress
as JSON (pure, JSON in and out).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from typing import Any

__all__ = ["OdpProgress", "advance", "describe", "dump_progress", "load_progress", "search_body",
           "start_sweep", "state_key"]


@dataclass(frozen=True)
class OdpProgress:
    """One query and date field: last date fully fetched, and the sweep under way (if any)."""

    until: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    offset: int = 0
    gap: bool = False

    @property
    def sweeping(self) -> bool:
        """Whether a sweep is under way (``end`` set)."""
        return self.end is not None


def state_key(query: str, date_field: str) -> str:
    """The crawl_state key of one query swept along one date field."""
    return f"{date_field} {query}"


def _day(value: object) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def load_progress(value: str | None) -> OdpProgress:
    """Progress from a crawl_state value; None, or an older version's bare offset, starts afresh."""
    if not value:
        return OdpProgress()
    try:
        data = json.loads(value)
        if not isinstance(data, dict):
            return OdpProgress()
        return OdpProgress(_day(data.get("until")), _day(data.get("start")), _day(data.get("end")),
                           max(int(data.get("offset") or 0), 0), bool(data.get("gap", False)))
    except (ValueError, TypeError):
        return OdpProgress()


def dump_progress(progress: OdpProgress) -> str:
    """The crawl_state value of a progress."""
    def iso(day: dt.date | None) -> str | None:
        return day.isoformat() if day else None

    return json.dumps({"until": iso(progress.until), "start": iso(progress.start), "end": iso(progress.end),
                       "offset": progress.offset, "gap": progress.gap}, sort_keys=True)


def start_sweep(progress: OdpProgress, today: dt.date, overlap_days: int) -> OdpProgress:
    """The sweep to run now: the unfinished one, else dates from ``until - overlap_days`` to today."""
    if progress.sweeping:
        return progress
    start = progress.until - dt.timedelta(days=max(overlap_days, 0)) if progress.until else None
    return OdpProgress(progress.until, start, today, 0)


def advance(progress: OdpProgress, next_offset: int, total: int, skipped: bool = False) -> OdpProgress:
    """The progress after the hits before ``next_offset`` of ``total`` were stored (or ``skipped``).

    When the sweep is through, ``until`` becomes its end date (unchanged if a page was skipped) and no
    sweep is under way.
    """
    gap = progress.gap or skipped
    if 0 < next_offset < total:
        return replace(progress, offset=next_offset, gap=gap)
    if gap:
        return OdpProgress(until=progress.until)
    ends = [d for d in (progress.until, progress.end) if d]
    return OdpProgress(until=max(ends) if ends else None)


def search_body(query: str, date_field: str, progress: OdpProgress, limit: int) -> dict[str, Any]:
    """The JSON body of the search request for the sweep's page at ``progress.offset``."""
    window: dict[str, str] = {"field": date_field}
    if progress.start:
        window["valueFrom"] = progress.start.isoformat()
    if progress.end:
        window["valueTo"] = progress.end.isoformat()
    return {
        "q": query,
        "rangeFilters": [window],
        "sort": [{"field": date_field, "order": "Asc"}],
        "pagination": {"offset": progress.offset, "limit": limit},
    }


def describe(body: dict[str, Any]) -> str:
    """A short description of a search body for logs and dead letters (the URL alone is the same for all)."""
    window = (body.get("rangeFilters") or [{}])[0]
    page = body.get("pagination") or {}
    return (f"{window.get('field')} {window.get('valueFrom', '…')}..{window.get('valueTo', '…')}"
            f" offset {page.get('offset')} limit {page.get('limit')}")
