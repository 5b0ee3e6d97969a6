"""The standards tracker: counts by status, body, stage, committee, ICS; open drafts; changes; local drafters.

Status and body are counted by the search engine (the ``status`` and ``jurisdiction`` facets, so both
engines agree); committee, ICS, stage and level are not facets of the index, so they are counted from
the store of record with pandas, under the same filters. Open drafts, changes and drafting
organizations come from the store: the index keeps none of deadlines, change history or drafters.
What the filters read of every standard (``Brief``) and of its labels is read once per store
generation (search.store_cache); the few standards a view lists are then read by identifier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import pandas as pd
from pydantic import BaseModel, Field

from search import store_cache
from search.backend import FacetValue, SearchBackend, SearchQuery
from search.players_local import district_of, in_qingdao
from search.standard_rows import Brief, brief_of, briefs, stage_of, standard_rows_by_id, title_of
from vrscope import changes as change_log
from vrscope.changes import ChangeKind
from vrscope.records import Labels, Party, StandardStatus, effective_labels
from vrscope.store import Store

IN_DEVELOPMENT = (StandardStatus.PLAN, StandardStatus.PREPARATORY, StandardStatus.COMMITTEE_DRAFT,
                  StandardStatus.DRAFT_FOR_COMMENT, StandardStatus.UNDER_DEVELOPMENT, StandardStatus.APPROVAL)
IN_FORCE = (StandardStatus.PUBLISHED, StandardStatus.TO_BE_IMPLEMENTED, StandardStatus.UNDER_REVIEW)
ENDED = (StandardStatus.WITHDRAWN, StandardStatus.REPLACED)
PHASES = {**dict.fromkeys(IN_DEVELOPMENT, "in_development"), **dict.fromkeys(IN_FORCE, "in_force"),
          **dict.fromkeys(ENDED, "ended")}
SUMMARY_METHOD = (
    "status and body: facets of the search index (doc_type=standard); level, stage, committee and ICS: "
    "the store of record under the same filters; phase: in development = plan … approval, "
    "in force = published, to be implemented, under review, ended = withdrawn or replaced"
)
DRAFTER_METHOD = (
    "drafting organizations (起草单位) of stored standards whose name contains 青岛/Qingdao or a Qingdao "
    "district (the rule of the city players view); district = the first district the name gives"
)


class TrackerFilters(BaseModel):
    """Filters of the tracker's summary: list values of one filter combine with OR, filters with AND."""

    body: list[str] = Field(default_factory=list, description="issuing body (the index's jurisdiction)")
    status: list[str] = Field(default_factory=list, description="normalized status")
    techs: list[str] = Field(default_factory=list)
    subtopics: list[str] = Field(default_factory=list)
    forms: list[str] = Field(default_factory=list)
    year_from: int | None = Field(None, ge=1800, le=2200)
    year_to: int | None = Field(None, ge=1800, le=2200)
    relevant_only: bool = False

    def query(self, facets: list[str], size: int) -> SearchQuery:
        """A count-only query over standards with these filters and the given facets."""
        return SearchQuery(doc_type="standard", jurisdiction=self.body, status=self.status, techs=self.techs,
                           subtopics=self.subtopics, forms=self.forms, year_from=self.year_from,
                           year_to=self.year_to, relevant_only=self.relevant_only, facets=facets,
                           facet_size=size, histogram=False, highlight=False, size=0)

    @property
    def by_labels(self) -> bool:
        """Whether a label filter is set (the store must then read labels)."""
        return bool(self.techs or self.subtopics or self.forms or self.relevant_only)

    @property
    def is_empty(self) -> bool:
        """Whether no filter is set (every standard passes)."""
        return not (self.body or self.status or self.by_labels or self.year_from is not None
                    or self.year_to is not None)


class StandardsSummary(BaseModel):
    """Standards and drafts counted several ways."""

    total: int = Field(description="matching standards in the store of record")
    indexed: int = Field(description="matching standards in the search index")
    in_development: int = Field(description="plans and drafts: plan, preparatory … approval")
    by_phase: list[FacetValue]
    by_status: list[FacetValue]
    by_body: list[FacetValue]
    by_level: list[FacetValue]
    by_stage: list[FacetValue]
    by_committee: list[FacetValue]
    by_ics: list[FacetValue]
    method: str = SUMMARY_METHOD


class OpenDraft(BaseModel):
    """A draft open for comment."""

    id: str
    title: str
    body: str | None = None
    level: str | None = None
    status: str | None = None
    stage: str | None = None
    committee: str | None = None
    comment_deadline: dt.date
    days_left: int
    url: str | None = None


class ChangeRow(BaseModel):
    """A recorded change with the standard it happened to."""

    doc_id: str
    title: str
    body: str | None = None
    status: str | None = Field(None, description="the standard's status now")
    kind: ChangeKind
    old_value: str | None = None
    new_value: str | None = None
    effective_date: dt.date | None = None
    observed_at: dt.datetime
    source: str
    url: str | None = None


class DraftedStandard(BaseModel):
    """A standard a local organization drafted."""

    id: str
    title: str
    status: str | None = None
    published_date: dt.date | None = None


class Drafter(BaseModel):
    """A local drafting organization and what it drafted."""

    name: str
    district: str | None = None
    count: int
    standards: list[DraftedStandard]


class DraftersResult(BaseModel):
    """Local (Qingdao) drafting organizations, most standards first."""

    method: str = DRAFTER_METHOD
    drafters: list[Drafter]


def phase_of(status: str | None) -> str:
    """in_development, in_force, ended, or unknown."""
    try:
        return PHASES[StandardStatus(status)] if status else "unknown"
    except ValueError:
        return "unknown"




class LabelSets(NamedTuple):
    """The parts of a standard's effective labels the summary's filters read."""

    relevant: bool
    techs: frozenset[str]
    subtopics: frozenset[str]
    forms: frozenset[str]


_NONE: frozenset[str] = frozenset()  # one empty set for every standard without such labels


def _label_sets(labels: Labels) -> LabelSets:
    return LabelSets(labels.relevant, frozenset(labels.techs) or _NONE, frozenset(labels.subtopics) or _NONE,
                     frozenset(labels.forms) or _NONE)


def label_sets(store: Store) -> dict[str, LabelSets]:
    """Effective labels of every standard (model labels with corrections on top), per store generation."""
    def build() -> dict[str, LabelSets]:
        corrections = store.corrections()
        out = {}
        for doc_id, data in store.conn.execute(
                "SELECT l.doc_id, l.data FROM labels l JOIN documents d ON d.id = l.doc_id"
                " WHERE d.doc_type='standard'"):
            merged = effective_labels(Labels.model_validate_json(data), corrections.get(doc_id))
            if merged is not None:
                out[doc_id] = _label_sets(merged)
        for doc_id, correction in corrections.items():  # corrected, never labelled by the model
            if doc_id not in out:
                merged = effective_labels(None, correction)
                if merged is not None:
                    out[doc_id] = _label_sets(merged)
        return out

    return store_cache.cached(store, "tracker:labels", build)


def _passes(row: Brief, filters: TrackerFilters, labels: dict[str, LabelSets]) -> bool:
    """Whether a stored standard passes the filters, as the index would apply them."""
    if filters.body and row.body not in filters.body:
        return False
    if filters.status and row.status not in filters.status:
        return False
    year = row.year
    if filters.year_from is not None and (year is None or year < filters.year_from):
        return False
    if filters.year_to is not None and (year is None or year > filters.year_to):
        return False
    if filters.by_labels:
        found = labels.get(row.id)
        if found is None or (filters.relevant_only and not found.relevant):
            return False
        for wanted, have in ((filters.techs, found.techs), (filters.subtopics, found.subtopics),
                             (filters.forms, found.forms)):
            if wanted and not set(wanted) & set(have):
                return False
    return True


def _counts(series: pd.Series, size: int) -> list[FacetValue]:
    """Value counts, most frequent first, ties by value; blanks left out."""
    values = series.dropna()
    values = values[values.astype(str).str.strip() != ""]
    if values.empty:
        return []
    counted = values.astype(str).value_counts().reset_index()
    counted.columns = pd.Index(["value", "count"])
    counted = counted.sort_values(["count", "value"], ascending=[False, True]).head(size)
    return [FacetValue(value=str(v), count=int(n)) for v, n in counted.itertuples(index=False, name=None)]


def ics_prefix(code: str, depth: int) -> str:
    """An ICS code cut to its first ``depth`` levels: 35.240.99 → 35.240 at depth 2."""
    return ".".join(code.strip().split(".")[:depth])


def summary(backend: SearchBackend, store: Store, filters: TrackerFilters, size: int = 20,
            ics_depth: int = 2) -> StandardsSummary:
    """Standards and drafts by phase, status, body, level, stage, committee and ICS."""
    result = backend.search(filters.query(["status", "jurisdiction"], size))
    rows = list(passing(store, filters))
    frame = pd.DataFrame({"id": [r.id for r in rows], "level": [r.level for r in rows],
                          "stage": [r.stage for r in rows], "committee": [r.committee for r in rows],
                          "ics": [list(r.ics) for r in rows], "phase": [phase_of(r.status) for r in rows]},
                         columns=["id", "level", "stage", "committee", "ics", "phase"], dtype=object)
    ics = frame[["id", "ics"]].explode("ics").dropna(subset=["ics"])
    ics_values = ics["ics"].astype(str).map(lambda c: ics_prefix(c, ics_depth))
    ics_counts = pd.DataFrame({"id": ics["id"], "ics": ics_values}).drop_duplicates()["ics"]
    return StandardsSummary(
        total=len(frame), indexed=result.total,
        in_development=int((frame["phase"] == "in_development").sum()),
        by_phase=_counts(frame["phase"], size),
        by_status=result.facets.get("status", []), by_body=result.facets.get("jurisdiction", []),
        by_level=_counts(frame["level"], size), by_stage=_counts(frame["stage"], size),
        by_committee=_counts(frame["committee"], size), by_ics=_counts(ics_counts, size))


def passing(store: Store, filters: TrackerFilters | None) -> Iterator[Brief]:
    """The stored standards' briefs passing the filters (all when None or empty), in identifier order."""
    if filters is None or filters.is_empty:
        yield from briefs(store)
        return
    labels = label_sets(store) if filters.by_labels else {}
    yield from (b for b in briefs(store) if _passes(b, filters, labels))


def matching_ids(store: Store, filters: TrackerFilters | None) -> set[str] | None:
    """Identifiers of the stored standards passing the filters; None when no filter is set (any document)."""
    if filters is None or filters.is_empty:
        return None
    return {b.id for b in passing(store, filters)}


def drafts_open(store: Store, as_of: dt.date, body: Iterable[str] = (),
                filters: TrackerFilters | None = None) -> list[OpenDraft]:
    """Standards with a comment deadline on or after ``as_of``, not published or ended, passing the filters
    (and issued by one of ``body``, if given); soonest first."""
    closed = {s.value for s in (*IN_FORCE, *ENDED)}
    day = as_of.isoformat()
    open_ids = [b.id for b in passing(store, filters) if b.comment_deadline is not None
                and b.comment_deadline >= day and (b.status or "") not in closed]
    found = standard_rows_by_id(store, open_ids)
    rows = [found[i] for i in open_ids if i in found]
    bodies = set(body)
    out = []
    for row in rows:
        if bodies and row.get("body") not in bodies:
            continue
        deadline = dt.date.fromisoformat(str(row["comment_deadline"]))
        out.append(OpenDraft(id=row["id"], title=title_of(row), body=row.get("body"), level=row.get("level"),
                             status=row.get("status"), stage=stage_of(row), committee=row.get("committee"),
                             comment_deadline=deadline, days_left=(deadline - as_of).days,
                             url=row.get("url")))
    out.sort(key=lambda d: (d.comment_deadline, d.id))
    return out


def changes(
    store: Store, since: dt.date | dt.datetime, kinds: Iterable[str] | None = None, last: int | None = None,
    filters: TrackerFilters | None = None,
) -> list[ChangeRow]:
    """Changes observed since a date (oldest first; only the newest ``last`` when given) to standards passing
    the filters, with each standard's title, body and status.

    The filters pick the standards' identifiers from the cached briefs and labels; the changes to them are
    then selected in SQL, so a page still reads only its own changes.
    """
    return _change_rows(store, since, kinds, last, matching_ids(store, filters))


def _change_rows(store: Store, since: dt.date | dt.datetime, kinds: Iterable[str] | None, last: int | None,
                 ids: set[str] | None) -> list[ChangeRow]:
    """The changes to the standards ``ids`` (any when None) as ChangeRows (see changes)."""
    found = change_log.changes_since(store.conn, since, kinds, last, ids)
    if last is not None:
        # a page: look its few standards up by id rather than building every standard's brief
        by_id = {i: brief_of(r) for i, r in standard_rows_by_id(store, (c.doc_id for c in found)).items()}
    else:
        by_id = {b.id: b for b in briefs(store)} if found else {}
    out = []
    for change in found:
        brief = by_id.get(change.doc_id)
        # The change and the standard's fields are validated already: construct, do not validate again.
        out.append(ChangeRow.model_construct(
            **dict(change), title=brief.title if brief else change.doc_id, body=brief.body if brief else None,
            status=brief.status if brief else None, url=brief.url if brief else None))
    return out


def count_changes(store: Store, since: dt.date | dt.datetime, kinds: Iterable[str] | None = None,
                  filters: TrackerFilters | None = None) -> int:
    """How many changes ``changes`` finds (without a ``last``), counted in SQL."""
    return change_log.count_since(store.conn, since, kinds, matching_ids(store, filters))


def newest_changes(store: Store, since: dt.date | dt.datetime, kinds: Iterable[str] | None, last: int,
                   filters: TrackerFilters | None = None) -> tuple[list[ChangeRow], int]:
    """``changes(..., last=last)`` and ``count_changes``, with the filters' standards picked once."""
    ids = matching_ids(store, filters)
    return (_change_rows(store, since, kinds, last, ids),
            change_log.count_since(store.conn, since, kinds, ids))


def local_drafters(store: Store, filters: TrackerFilters | None = None) -> DraftersResult:
    """Qingdao drafting organizations and the standards passing the filters they drafted (most standards
    first)."""
    drafted = standard_rows_by_id(store, (b.id for b in passing(store, filters) if b.drafting_orgs))
    rows = [drafted[i] for i in sorted(drafted)]
    by_org: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        for org in dict.fromkeys(o.strip() for o in row["drafting_orgs"] if o and o.strip()):
            if in_qingdao(Party(name=org)):
                by_org.setdefault(org, []).append(row)
    drafters = [
        Drafter(name=org, district=district_of(org), count=len(drafted),
                standards=[DraftedStandard(id=r["id"], title=title_of(r), status=r.get("status"),
                                           published_date=r.get("published_date")) for r in drafted])
        for org, drafted in by_org.items()
    ]
    drafters.sort(key=lambda d: (-d.count, d.name))
    return DraftersResult(drafters=drafters)
