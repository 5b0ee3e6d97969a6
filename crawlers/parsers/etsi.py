"""ETSI: the standards search CSV export (``;``-separated: ETSI deliverable, title, Status, Scope …).

Written from the documented column headers (the ones relaton-etsi maps its records to); no real
export is recorded in ``../shared/data``, so this parser is unverified against the live site.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from crawlers.parsers.cn_std import normalize_id
from crawlers.parsers.errors import ParseError
from crawlers.parsers.intl_std import plain
from crawlers.parsers.listing import Hit, Listing, make_standard
from vrscope.records import Level, Standard, StandardStatus

SOURCE = "etsi"
COLUMNS = ("ETSI deliverable", "title", "Status", "Details link", "PDF link", "Scope", "Technical body",
           "Keywords")
STATUS_WORDS: dict[str, StandardStatus] = {
    "published": StandardStatus.PUBLISHED,
    "on approval": StandardStatus.APPROVAL,
    "historical": StandardStatus.REPLACED,  # an older version of a deliverable with a newer one out
    "superseded": StandardStatus.REPLACED,
    "withdrawn": StandardStatus.WITHDRAWN,
}
_VERSION = re.compile(r"\s+V(\d+\.\d+\.\d+)(?:\s+\(\d{4}-\d{2}\))?$")
_DELIVERABLE = re.compile(r"^ETSI\s+([A-Z]{2,3})\s+.*?(?:\s+V(\d+\.\d+\.\d+))?(?:\s+\((\d{4})-(\d{2})\))?$")


def decode(body: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as older exports are."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return body.decode("cp1252", "replace")


def read_rows(text: str, required: tuple[str, ...], delimiter: str, where: str) -> list[dict[str, str]]:
    """CSV rows as dicts; a leading ``sep=;`` line is skipped; missing required columns are a ParseError."""
    lines = text.lstrip("\ufeff")
    if lines[:4].lower() == "sep=":
        lines = lines.split("\n", 1)[1] if "\n" in lines else ""
    reader = csv.DictReader(io.StringIO(lines), delimiter=delimiter)
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        raise ParseError(f"{where}: not the expected CSV export, columns {missing} missing "
                         f"(got {header[:8]})")
    reader.fieldnames = header
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


def parse_export(body: bytes, url: str, fetched_at: dt.datetime | None = None) -> Listing:
    """The export's deliverables, complete as listed (no detail page to read)."""
    hits = []
    for row in read_rows(decode(body), ("ETSI deliverable", "title", "Status"), ";", url):
        match = _DELIVERABLE.match(row["ETSI deliverable"])
        identifier = normalize_id(row["ETSI deliverable"]) if match else None
        if match is None or not identifier:
            continue
        word = row.get("Status") or None
        approval = (word or "").lower() == "on approval"  # the date is the planned publication then
        group = row.get("Technical body") or None
        data: dict[str, Any] = {
            "id": identifier, "source": SOURCE, "level": Level.INTERNATIONAL, "body": "ETSI",
            "url": row.get("Details link") or None, "doctype": match.group(1),
            "title_en": plain(row.get("title")), "abstract": plain(row.get("Scope")),
            "status": STATUS_WORDS.get((word or "").lower()), "status_raw": word,
            "stage_name": f"{match.group(1)} approval" if approval else None,
            "committee": f"ETSI {group}" if group and not group.startswith("ETSI") else group,
            "published_date": dt.date(int(match.group(3)), int(match.group(4)), 1)
            if match.group(3) and not approval else None,
        }
        hits.append(Hit(make_standard(data, url, fetched_at)))
    link_versions([hit.record for hit in hits])
    return Listing(hits=hits, pages=1, total=len(hits))


def _version(identifier: str) -> tuple[int, ...]:
    found = _VERSION.search(identifier)
    return tuple(int(n) for n in found.group(1).split(".")) if found else ()


def link_versions(records: list[Standard]) -> None:
    """Point each replaced version (Historical, Superseded) at the next version of the same deliverable
    the export lists, and that one back at it, by their identifiers."""
    by_deliverable: dict[str, list[Standard]] = {}
    for record in records:
        by_deliverable.setdefault(_VERSION.sub("", record.id).strip(), []).append(record)
    for versions in by_deliverable.values():
        ordered = sorted(versions, key=lambda r: _version(r.id))
        for older, newer in zip(ordered, ordered[1:], strict=False):
            if older.status is StandardStatus.REPLACED and _version(older.id) < _version(newer.id):
                if newer.id not in older.replaced_by:
                    older.replaced_by.append(newer.id)
                if older.id not in newer.replaces:
                    newer.replaces.append(older.id)
