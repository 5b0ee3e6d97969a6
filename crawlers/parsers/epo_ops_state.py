"""How far an EPO OPS crawl of one query got, as kept in the store's crawl_state (pure, JSON in and out).

A pass fetches every publication of a query from the day after the last one fully fetched (``until``)
on, less an overlap of a few days (``overlap_days``) that catches publications OPS loaded late (the
store's idempotent upsert keeps them from being duplicated). OPS serves at most 2,000 hits per
query, so a pass is a list of publication-date slices; a slice with more hits is replaced by its two
halves. ``done`` is the last hit (Range end) fetched in the
first slice, so a killed run resumes at the next page. When the last slice is done, ``until`` becomes
the pass's end date and the next run asks only for later publications.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace

from crawlers.parsers.epo_ops_cql import EARLIEST, bisect

OPS_MAX_RANGE = 2000
Slice = tuple[dt.date | None, dt.date | None]


@dataclass(frozen=True)
class Progress:
    """One query's progress: last date fully fetched, and the pass under way (if any)."""

    until: dt.date | None = None
    end: dt.date | None = None
    slices: tuple[Slice, ...] = field(default_factory=tuple)
    done: int = 0

    @property
    def current(self) -> Slice | None:
        """The date slice being fetched, None when no pass is under way."""
        return self.slices[0] if self.slices else None


def _day(value: object) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def load_progress(value: str | None) -> Progress:
    """Progress from a crawl_state value; None, or a value written by an older version, starts afresh."""
    if not value:
        return Progress()
    try:
        data = json.loads(value)
        if not isinstance(data, dict):
            return Progress()
        slices = tuple((_day(a), _day(b)) for a, b in data.get("slices", []))
        return Progress(_day(data.get("until")), _day(data.get("end")), slices, int(data.get("done", 0)))
    except (ValueError, TypeError):
        return Progress()


def dump_progress(progress: Progress) -> str:
    """The crawl_state value of a progress."""
    def iso(day: dt.date | None) -> str | None:
        return day.isoformat() if day else None

    return json.dumps({"until": iso(progress.until), "end": iso(progress.end),
                       "slices": [[iso(a), iso(b)] for a, b in progress.slices], "done": progress.done},
                      sort_keys=True)


def start_pass(progress: Progress, today: dt.date, overlap_days: int = 0) -> Progress:
    """The pass to run now: the unfinished one, or a new one for publications after ``until``.

    A new pass starts ``overlap_days`` before the day after ``until``.
    """
    if progress.slices:
        return progress
    start = progress.until + dt.timedelta(days=1 - max(overlap_days, 0)) if progress.until else None
    return Progress(progress.until, today, ((start, None),), 0)


def split_current(progress: Progress) -> Progress | None:
    """The pass with its first slice replaced by its two halves; None when that slice is a single day."""
    if not progress.slices or progress.end is None:
        return None
    start, end = progress.slices[0]
    halves = bisect(start or EARLIEST, end or progress.end)
    if halves is None:
        return None
    return replace(progress, slices=(*halves, *progress.slices[1:]), done=0)


def advance(progress: Progress, page_end: int, total: int) -> Progress:
    """The progress after hits up to ``page_end`` of ``total`` were fetched in the first slice."""
    if page_end < min(total, OPS_MAX_RANGE):
        return replace(progress, done=page_end)
    rest = progress.slices[1:]
    if rest:
        return replace(progress, slices=rest, done=0)
    until = max(d for d in (progress.until, progress.end) if d) if progress.end else progress.until
    return Progress(until=until)
