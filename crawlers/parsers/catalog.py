"""One line of a standards catalogue index (``*_catalog_index_all.jsonl``) → Standard.

The six catalogues (ISO, IEC, IEEE, ITU, ETSI, 3GPP) are flat digests of the relaton-data
repositories, one JSON object a line, each body with its own fields: ISO gives harmonized stage
codes, IEC and ITU status words, IEEE a stage word plus its own status block, ETSI nothing, 3GPP
a version number (major 0–2 is a draft).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from crawlers.parsers import intl_std as intl
from crawlers.parsers.errors import ParseError
from crawlers.parsers.jsonbody import load_json, not_an_object
from vrscope.records import Edition, Level, Standard

# catalogue name (file prefix) → body as it is written
BODIES: dict[str, str] = {
    "iso": "ISO", "iec": "IEC", "ieee": "IEEE", "itu": "ITU", "etsi": "ETSI", "3gpp": "3GPP",
}


def catalog_source(body: str) -> str:
    """The source name records from one body's catalogue carry: 'iso-catalog' …"""
    return f"{body.lower()}-catalog"


def detect_body(data: Mapping[str, Any]) -> str:
    """Which catalogue a line comes from, read off its identifier and the fields only that body has."""
    ident = str(data.get("id") or "").upper()
    if "radiotechnology" in data or "stage_hint" in data or ident.startswith("3GPP"):
        return "3gpp"
    if "pdf" in data or ident.startswith("ETSI"):
        return "etsi"
    if "obp" in data or "title_fr" in data or "project_number" in data:
        return "iso"
    if isinstance(data.get("status_extra"), Mapping):
        return "ieee"
    if "status_extra" in data:
        return "iec"
    if ident.startswith("ITU"):
        return "itu"
    raise ParseError(f"cannot tell which catalogue this line is from (id {data.get('id')!r})")


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _status(kind: str, data: Mapping[str, Any], version: str | None) -> intl.Status:
    if kind == "ieee":
        extra = data.get("status_extra") or {}
        return intl.ieee_status(
            data.get("stage"), extra.get("standard_status"), extra.get("standard_modified")
        )
    if kind == "3gpp":
        found = intl.version_status(version)
        return intl.Status(found.status, None, None, data.get("stage_hint"))
    if kind == "etsi":
        # A deliverable in ETSI's archive with a publication date is published; the catalogue says no more.
        published = (data.get("dates") or {}).get("published")
        return intl.Status(intl.STATUS_WORDS["published"] if published else None)
    if data.get("stage") is None:
        return intl.Status()
    return intl.stage_status(data.get("stage"), data.get("substage"))


def _published(kind: str, data: Mapping[str, Any]) -> object:
    dates = data.get("dates") or {}
    if kind == "3gpp":
        return data.get("published")
    if kind == "ieee":
        # IEEE's 'issued' is the approval that names the standard; 'published' is when Xplore put it online.
        return dates.get("issued") or dates.get("created") or dates.get("published")
    return dates.get("published")


def _version(kind: str, data: Mapping[str, Any], identifier: str) -> str | None:
    found = data.get("version") or data.get("edition")
    if isinstance(found, list):
        found = found[0] if found else None
    if not found and kind == "3gpp" and "/" in identifier:
        found = identifier.rsplit("/", 1)[1]  # '3GPP TR 01.00:R96/5.0.0' → '5.0.0'
    return str(found) if found else None


def _url(kind: str, data: Mapping[str, Any]) -> str | None:
    url = data.get("url") or data.get("obp") or data.get("pdf")
    return str(url) if url else None


def parse_line(
    line: str | bytes | Mapping[str, Any],
    source: str | None = None,
    body: str | None = None,
    fetched_at: dt.datetime | None = None,
) -> Standard:
    """One catalogue record → Standard; ``body`` ('iso' …) is read off the line when not given."""
    try:
        return _parse(line, source, body, fetched_at)
    except (AttributeError, TypeError, KeyError, IndexError) as error:
        raise ParseError(f"unexpected catalogue line: {type(error).__name__}: {error}") from error


def _parse(
    line: str | bytes | Mapping[str, Any], source: str | None, body: str | None,
    fetched_at: dt.datetime | None,
) -> Standard:
    data: Any = load_json(line) if isinstance(line, str | bytes) else line
    if not isinstance(data, Mapping):
        raise ParseError(not_an_object(data, "a catalogue line"))
    raw_id = str(data.get("id") or "").strip()
    if not raw_id:
        raise ParseError("catalogue line without an id")
    kind = (body or detect_body(data)).lower()
    if kind not in BODIES:
        raise ParseError(f"unknown catalogue {kind!r}; choose from {', '.join(BODIES)}")
    name = BODIES[kind]
    source = source or catalog_source(name)
    version = _version(kind, data, raw_id)
    state = _status(kind, data, version)
    published = _published(kind, data)
    url = _url(kind, data)
    groups = _as_list(data.get("committee") or data.get("group"))
    committees = [intl.committee_name(str(c), name) for c in groups]
    fields: dict[str, Any] = {
        "id": raw_id,  # Standard normalizes it
        "source": source,
        "url": url,
        "level": Level.INTERNATIONAL,
        "body": intl.body_of(raw_id, name),
        "doctype": data.get("doctype") or None,
        "title_en": intl.plain(data.get("title_en") or data.get("title")),
        "title_zh": intl.plain(data.get("title_zh")),
        "abstract": intl.plain(data.get("abstract") or data.get("abstract_en")),
        "status": state.status,
        "status_raw": state.status_raw,
        "stage_code": state.stage_code,
        "stage_name": state.stage_name,
        "committee": "; ".join(dict.fromkeys(c for c in committees if c)) or None,
        "ics": [str(c) for c in _as_list(data.get("ics")) if c],
        "published_date": intl.parse_date(published),
        "withdrawn_date": intl.parse_date((data.get("dates") or {}).get("obsoleted")),
        "editions": [Edition(
            identifier=raw_id, source=source, origin=data.get("file") or None, edition=version,
            date=intl.date_text(published), status=state.status, stage_code=state.stage_code, url=url,
        )],
        "sources": [source],
    }
    return intl.standard_from_fields(fields, raw_id, fetched_at)
