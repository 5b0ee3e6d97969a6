"""3GPP: the specification database CSV export (one row per specification version).

Columns as relaton-3gpp reads them from ``ftp/Information/Databases/*.csv``: the specification
number first, then ``Title``, ``Version``, ``Is TS``, ``Release``, ``WPM Code 2G``, ``Date``,
``Responsible Primary`` … No real export is recorded in ``../shared/data``, so this parser is
unverified against the live file.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

from crawlers.parsers.cn_std import normalize_id
from crawlers.parsers.errors import ParseError
from crawlers.parsers.etsi import decode, read_rows
from crawlers.parsers.intl_std import committee_name, parse_date, plain, version_status
from crawlers.parsers.listing import Hit, Listing, make_standard
from vrscope.records import Level

SOURCE = "threegpp"
_RELEASE = re.compile(r"Release_(\d+)")
_PHASE = re.compile(r"PH(\d+)")


def release_of(row: dict[str, str]) -> str | None:
    """'REL-15' from a WPM code 'Release_15', 'Ph2' from 'PH2', else the Release column."""
    code = row.get("WPM Code 2G", "")
    if match := _RELEASE.search(code):
        return f"REL-{match.group(1)}"
    if match := _PHASE.search(code):
        return f"Ph{match.group(1)}"
    return row.get("Release") or None


def export_link(body: bytes, base_url: str) -> str:
    """The CSV file a ``ftp/Information/Databases/`` directory listing offers."""
    sel = Selector(text=decode(body), type="html")
    link = next((h for h in sel.xpath("//a/@href").getall() if h.lower().endswith(".csv")), None)
    if link is None:
        raise ParseError(f"no .csv file listed on {base_url}: not the 3GPP databases directory")
    return urljoin(base_url, link)


def parse_export(body: bytes, url: str, fetched_at: dt.datetime | None = None) -> Listing:
    """Every specification version of the export, complete as listed."""
    rows = read_rows(decode(body), ("Title", "Version"), ",", url)
    hits = []
    for row in rows:
        number = next(iter(row.values()), "")  # the first column, whatever its header says
        version = row.get("Version") or ""
        if not re.fullmatch(r"\d{2}\.[\w-]+", number) or not version:
            continue
        kind = "TS" if row.get("Is TS") == "1" else "TR"
        release = release_of(row)
        suffix = (f":{release}" if release else "") + f"/{version}"
        identifier = normalize_id(f"3GPP {kind} {number}{suffix}")
        if not identifier:
            continue
        group = row.get("Responsible Primary")
        data: dict[str, Any] = {
            "id": identifier, "source": SOURCE, "level": Level.INTERNATIONAL, "body": "3GPP",
            "doctype": kind,
            "url": row.get("Link") or None, "title_en": plain(row.get("Title")),
            "status": version_status(version).status, "status_raw": f"version {version}",
            "stage_name": release, "committee": committee_name(group, "3GPP") if group else None,
            "published_date": parse_date(row.get("Date")),
        }
        hits.append(Hit(make_standard(data, url, fetched_at)))
    return Listing(hits=hits, pages=1, total=len(hits))
