"""How far a PatentsView PatentSearch crawl of one query got, as kept in crawl_state (pure, JSON in and out).

A *pass* reads the query's patents sorted by ``patent_id`` with the ``o.after`` cursor. A finished pass
leaves ``until``: the latest grant date (``patent_date``) it saw. The next pass asks only for patents
granted from ``overlap_days`` before that date on (the query becomes
``{"_and": [q, {"_gte": {"patent_date": …}}]}``; the store's idempotent upsert absorbs the overlap),
so a rerun reads what is new, not the whole list again. A pass under way keeps its cursor (``after``)
and the latest date seen so far, so a run cut short (``max_results``, a failed page, a kill) resumes
where it stopped. A bare cursor written by an older version resumes as a pass without a date bound.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from typing import Any

__all__ = ["PvProgress", "advance", "dump_progress", "load_progress", "query_for", "start_pass"]


@dataclass(frozen=True)
class PvProgress:
    """One query's progress: last grant date fully fetched, and the pass under way (if ``running``)."""

    until: dt.date | None = None
    since: dt.date | None = None
    after: str | None = None
    latest: dt.date | None = None
    running: bool = False


def _day(value: object) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def _later(*days: dt.date | None) -> dt.date | None:
    found = [d for d in days if d]
    return max(found) if found else None


def load_progress(value: str | None) -> PvProgress:
    """Progress from a crawl_state value (None or '' starts afresh; an older bare cursor resumes)."""
    if not value:
        return PvProgress()
    try:
        data = json.loads(value)
    except ValueError:
        return PvProgress(after=value, running=True)
    if not isinstance(data, dict):
        return PvProgress(after=value, running=True)
    try:
        return PvProgress(_day(data.get("until")), _day(data.get("since")), data.get("after") or None,
                          _day(data.get("latest")), bool(data.get("running")))
    except (ValueError, TypeError):
        return PvProgress()


def dump_progress(progress: PvProgress) -> str:
    """The crawl_state value of a progress."""
    def iso(day: dt.date | None) -> str | None:
        return day.isoformat() if day else None

    return json.dumps({"until": iso(progress.until), "since": iso(progress.since), "after": progress.after,
                       "latest": iso(progress.latest), "running": progress.running}, sort_keys=True)


def start_pass(progress: PvProgress, overlap_days: int) -> PvProgress:
    """The pass to run now: the unfinished one, or a new one from ``until - overlap_days`` on."""
    if progress.running:
        return progress
    since = progress.until - dt.timedelta(days=max(overlap_days, 0)) if progress.until else None
    return PvProgress(progress.until, since, None, progress.until, True)


def query_for(query: dict[str, Any], progress: PvProgress) -> dict[str, Any]:
    """The q parameter of the pass: the query, limited to grants from ``since`` on when there is one."""
    if progress.since is None:
        return query
    return {"_and": [query, {"_gte": {"patent_date": progress.since.isoformat()}}]}


def advance(progress: PvProgress, last_id: str | None, latest: dt.date | None, finished: bool) -> PvProgress:
    """The progress after a page ending at ``last_id``; a finished pass leaves only ``until``."""
    seen = _later(progress.latest, latest)
    if finished:
        return PvProgress(until=_later(progress.until, seen))
    return replace(progress, after=last_id or progress.after, latest=seen)
