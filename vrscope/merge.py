"""Merging two versions of one standard (a second source, a repeated line) without losing either."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from vrscope.records import Edition, Standard, StandardStatus

# How far along its life a standard is; when two sources disagree, the later state wins.
STATUS_RANK: dict[StandardStatus, int] = {
    StandardStatus.PLAN: 0,
    StandardStatus.PREPARATORY: 1,
    StandardStatus.UNDER_DEVELOPMENT: 2,
    StandardStatus.COMMITTEE_DRAFT: 3,
    StandardStatus.DRAFT_FOR_COMMENT: 4,
    StandardStatus.APPROVAL: 5,
    StandardStatus.TO_BE_IMPLEMENTED: 6,
    StandardStatus.PUBLISHED: 7,
    StandardStatus.UNDER_REVIEW: 8,
    StandardStatus.WITHDRAWN: 9,
    StandardStatus.REPLACED: 10,
}
STATUS_FIELDS = ("status", "status_raw", "stage_code", "stage_name")
LIST_FIELDS = ("ics", "ccs", "drafting_orgs", "replaces", "replaced_by")
DATE_FIELDS = ("plan_date", "comment_deadline", "published_date", "implemented_date", "withdrawn_date")
# Fields merge_standards sets itself rather than by "a non-empty incoming value wins".
_OWN = {"id", "doc_type", "source", "fetched_at", "editions", "sources", *STATUS_FIELDS, *LIST_FIELDS}
_DIGEST_EXCLUDE = {"fetched_at", "editions", "sources"}

EditionKey = tuple[str, str, str]


def digest(record: Standard) -> str:
    """Fingerprint of what one source said about a standard (provenance and fetch time left out)."""
    payload = record.model_dump_json(exclude=_DIGEST_EXCLUDE)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def edition_of(record: Standard) -> Edition:
    """The edition a record stands for when its source gave none."""
    when = record.published_date or record.plan_date
    return Edition(
        identifier=record.id,
        source=record.source,
        origin=record.url,
        date=when.isoformat() if when else None,
        status=record.status,
        stage_code=record.stage_code,
        url=record.url,
    )


def edition_key(edition: Edition) -> EditionKey:
    """Which source said it, about which identifier, where: a newer answer from there replaces the older."""
    return edition.source, edition.identifier, edition.origin or edition.url or ""


def _edition_order(edition: Edition) -> tuple[str, str, str, str]:
    return edition.date or "", edition.source, edition.identifier, edition.origin or ""


def with_provenance(record: Standard) -> Standard:
    """The record with its own source and edition filled in and fingerprinted; unchanged if complete."""
    if record.editions and record.source in record.sources and all(e.digest for e in record.editions):
        return record
    editions = list(record.editions) or [edition_of(record)]
    if not all(e.digest for e in editions):
        mark = digest(record)
        editions = [e if e.digest else e.model_copy(update={"digest": mark}) for e in editions]
    sources = sorted({record.source, *record.sources, *(e.source for e in editions)})
    return record.model_copy(update={"editions": sorted(editions, key=_edition_order), "sources": sources})


def _filled(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _rank(record: Standard) -> tuple[int, str]:
    assert record.status is not None
    return STATUS_RANK[record.status], record.stage_code or ""


def _status_fields(old: Standard, new: Standard, refresh: bool) -> dict[str, Any]:
    """The status group comes whole from one side: the refreshed source, else the later life stage."""
    if new.status is None:
        winner, other = old, new
    elif old.status is None or refresh or _rank(new) >= _rank(old):
        winner, other = new, old
    else:
        winner, other = old, new
    fields = {name: getattr(winner, name) for name in STATUS_FIELDS}
    if winner.status == other.status:  # same state: fill what the winner left out
        for name in STATUS_FIELDS:
            if not _filled(fields[name]):
                fields[name] = getattr(other, name)
    return fields


def _coarser(new: dt.date | None, old: dt.date | None) -> bool:
    """Whether ``new`` only restates ``old`` less precisely ('2021-07' read as the 1st vs '2021-07-07')."""
    if new is None or old is None or new == old or new.year != old.year:
        return False
    return (new.month, new.day) == (1, 1) or (new.month == old.month and new.day == 1)


def _later(first: dt.datetime, second: dt.datetime) -> dt.datetime:
    try:
        return max(first, second)
    except TypeError:  # one naive, one aware: trust the newer record
        return second


def _union(first: list[str], second: list[str]) -> list[str]:
    return list(dict.fromkeys([*first, *second]))


def merge_standards(existing: Standard, incoming: Standard) -> Standard:
    """Combine two versions of one standard: every source and edition kept, non-empty fields preferred."""
    # Idempotent: a version whose editions are all there already changes nothing. Otherwise a non-empty
    # incoming field wins (a date that only restates the stored one less precisely does not), lists are
    # united, and the status comes from the later life stage unless the incoming version refreshes an
    # edition already held (same source, identifier and origin): then it is simply newer.
    if existing.id != incoming.id:
        raise ValueError(f"cannot merge {incoming.id!r} into {existing.id!r}")
    old = with_provenance(existing)
    new = with_provenance(incoming)
    editions = {edition_key(e): e for e in old.editions}
    if all(editions.get(edition_key(e)) == e for e in new.editions):
        return old
    refresh = any(edition_key(e) in editions for e in new.editions)
    for edition in new.editions:
        editions[edition_key(edition)] = edition
    update: dict[str, Any] = {
        name: getattr(new, name) for name in Standard.model_fields
        if name not in _OWN and _filled(getattr(new, name))
    }
    for name in DATE_FIELDS:
        if name in update and _coarser(update[name], getattr(old, name)):
            update[name] = getattr(old, name)
    update.update(_status_fields(old, new, refresh))
    update.update({name: _union(getattr(old, name), getattr(new, name)) for name in LIST_FIELDS})
    update["source"] = new.source
    update["fetched_at"] = _later(old.fetched_at, new.fetched_at)
    update["editions"] = sorted(editions.values(), key=_edition_order)
    update["sources"] = sorted({*old.sources, *new.sources})
    return old.model_copy(update=update)
