"""Enterprise gap analysis: an applicant's documents per sub-topic against competitors and the world.

Everything is counted by the engine (the ``subtopics`` facet with and without an applicants filter),
so the numbers are the same on every engine. Names are normalized with vrscope.applicants (aliases,
legal forms, case), as the index's ``applicants`` field is; the variants of one company are OR-ed.
A white space is a sub-topic busy worldwide (at least ``min_world`` documents) with none of one's own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, Field

from search.analytics import Filters, _wanted
from search.backend import FacetValue, SearchBackend
from vrscope.applicants import name_key, normalize_applicant

METHOD = (
    "engine facets: documents per sub-topic (effective labels) worldwide, for the applicant's normalized "
    "names (variants OR-ed) and for each competitor's; share = own / world; white space = at least "
    "min_world documents worldwide and none of the applicant's"
)
VARIANT_SEPARATOR = "|"


class Entity(BaseModel):
    """A company: the label shown and the normalized names it files under."""

    label: str
    names: list[str]


class NewDoc(BaseModel):
    """A recent competitor document."""

    id: str
    title: str
    date: str | None = None
    year: int | None = None
    applicants: list[str] = Field(default_factory=list)


class GapRow(BaseModel):
    """One sub-topic: own, competitors' and world counts, and whether it is a white space."""

    subtopic: str
    tech: str | None
    name_en: str
    name_zh: str
    world: int
    own: int
    share: float | None = Field(description="own / world")
    competitors: list[int] = Field(description="one count per GapsResult.competitors, in order")
    white_space: bool
    newest: list[NewDoc] = Field(default_factory=list, description="newest competitor documents")


class GapsResult(BaseModel):
    """The gap table, the white spaces and name suggestions."""

    own: Entity
    competitors: list[Entity]
    min_world: int
    method: str = METHOD
    own_total: int
    white_spaces: list[str] = Field(description="sub-topics, busiest first")
    rows: list[GapRow]
    suggestions: dict[str, list[FacetValue]] = Field(
        default_factory=dict,
        description="per company label: other indexed applicant names containing one of its names")


def entity(names: Sequence[str], aliases: Mapping[str, str] | None = None) -> Entity:
    """The normalized, de-duplicated names of one company; ValueError when none is left."""
    normalized = [normalize_applicant(n, aliases) for n in names if n.strip()]
    unique = list(dict.fromkeys(n for n in normalized if n))
    if not unique:
        raise ValueError(f"no applicant name left after normalization: {list(names)!r}")
    return Entity(label=unique[0], names=unique)


def competitor(text: str, aliases: Mapping[str, str] | None = None) -> Entity:
    """A competitor given as 'name|variant|…'."""
    return entity(text.split(VARIANT_SEPARATOR), aliases)


def _per_subtopic(backend: SearchBackend, filters: Filters, names: Sequence[str] | None) -> dict[str, int]:
    """Documents per sub-topic, for some applicant names or (None) for everybody."""
    overrides: dict[str, object] = {"facets": ["subtopics"], "facet_size": 200}
    if names is not None:
        overrides["applicants"] = list(names)
    result = backend.search(filters.query(**overrides))
    return {b.value: b.count for b in result.facets.get("subtopics", [])}


def _newest(backend: SearchBackend, filters: Filters, names: Sequence[str], subtopic: str, size: int
            ) -> list[NewDoc]:
    """The newest documents of any of names in one sub-topic, with their dates."""
    query = filters.query(applicants=list(names), subtopics=[subtopic], size=size, sort="date_desc")
    out = []
    for hit in backend.search(query).hits:
        doc = backend.get(hit.id)
        out.append(NewDoc(id=hit.id, title=hit.title, date=doc.date if doc else None, year=hit.year,
                          applicants=[a for a in hit.applicants if a in names] or hit.applicants))
    return out


def suggestions(
    backend: SearchBackend, filters: Filters, companies: Sequence[Entity], size: int = 10
) -> dict[str, list[FacetValue]]:
    """Per company: indexed applicant names (of the top 200) containing one of its own, not given yet."""
    result = backend.search(filters.query(facets=["applicants"], facet_size=200))
    buckets = result.facets.get("applicants", [])
    out: dict[str, list[FacetValue]] = {}
    for company in companies:
        keys = [k for k in (name_key(n) for n in company.names) if k]
        found = [b for b in buckets
                 if b.value not in company.names and any(k in name_key(b.value) for k in keys)]
        if found:
            out[company.label] = found[:size]
    return out


def gaps(
    backend: SearchBackend, filters: Filters, own: Entity, competitors: Sequence[Entity], *,
    min_world: int, newest: int = 3,
) -> GapsResult:
    """Per sub-topic: own, competitors' and world documents, share, white spaces, newest competitor filings.

    Any applicants filter in ``filters`` is dropped: the companies are given by ``own`` and ``competitors``.
    """
    from classify.taxonomy import TAXONOMY

    if min_world < 1:
        raise ValueError(f"min_world must be at least 1, not {min_world}")
    filters = filters.model_copy(update={"applicants": []})
    world = _per_subtopic(backend, filters, None)
    mine = _per_subtopic(backend, filters, own.names)
    theirs = [_per_subtopic(backend, filters, c.names) for c in competitors]
    rival_names = list(dict.fromkeys(n for c in competitors for n in c.names))
    names_en, names_zh = TAXONOMY.names("en"), TAXONOMY.names("zh")
    rows = []
    for sub in _wanted(filters, "subtopics", TAXONOMY.subtopic_ids()):
        counts = [t.get(sub, 0) for t in theirs]
        total, own_count = world.get(sub, 0), mine.get(sub, 0)
        recent = _newest(backend, filters, rival_names, sub, newest) if any(counts) else []
        rows.append(GapRow(subtopic=sub, tech=TAXONOMY.parent_of(sub), name_en=names_en[sub],
                           name_zh=names_zh[sub], world=total, own=own_count,
                           share=own_count / total if total else None, competitors=counts,
                           white_space=total >= min_world and own_count == 0, newest=recent))
    spaces = sorted((r for r in rows if r.white_space), key=lambda r: (-r.world, r.subtopic))
    own_total = backend.search(filters.query(applicants=own.names)).total
    return GapsResult(own=own, competitors=list(competitors), min_world=min_world, own_total=own_total,
                      white_spaces=[r.subtopic for r in spaces], rows=rows,
                      suggestions=suggestions(backend, filters, [own, *competitors]))
