"""OPS INPADOC answers in, records out: simple family members and legal events.

``family/publication/docdb/{id}`` lists one ``ops:family-member`` per publication of the simple family,
each with its family id, publication, application and priority references (and, with the biblio or
legal constituents, its exchange document or its ``ops:legal`` events). ``legal/publication/docdb/{id}``
has the same shape and carries the legal events of the member asked about. INPADOC files an
application's events under one publication of it (the A1, say, not the B1), so ``events_for`` also
looks at the members that share the application.
"""

from __future__ import annotations

import datetime as dt
import re

from lxml import etree
from pydantic import ValidationError

from crawlers.parsers.epo_ops import (
    OPS,
    SOURCE,
    _application_number,
    _number,
    _patent,
    _publication_id,
    _root,
    merge_patents,
)
from crawlers.parsers.epo_ops_fields import docid, first_date, is_grant, parse_date, text_of
from crawlers.parsers.errors import ParseError
from vrscope.ids import InvalidIdentifier, normalize_patent_number
from vrscope.records import LegalEvent, Patent

__all__ = ["events_for", "parse_family", "parse_legal", "legal_status"]

_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _family(body: bytes | str) -> etree._Element:
    family = _root(body).find(f"{{{OPS}}}patent-family")
    if family is None:
        raise ParseError("not a family or legal response (no <ops:patent-family>)")
    return family


def _event_date(legal: etree._Element) -> dt.date | None:
    """The gazette date of an event (field L007), else the first date in its printed lines."""
    for child in legal:
        if isinstance(child.tag, str) and etree.QName(child).localname.startswith("L007"):
            found = _ISO_DAY.search(text_of(child))
            if found:
                return parse_date("".join(found.groups()))
    for line in legal.iterfind(f"{{{OPS}}}pre"):
        found = _ISO_DAY.search(text_of(line))
        if found:
            return parse_date("".join(found.groups()))
    return None


def _events(member: etree._Element) -> list[LegalEvent]:
    out: list[LegalEvent] = []
    for legal in member.iterfind(f"{{{OPS}}}legal"):
        code = (legal.get("code") or "").strip()
        if not code:
            raise ParseError("legal event without a code")
        description = " ".join((legal.get("desc") or "").split()) or None
        out.append(LegalEvent(date=_event_date(legal), code=code, description=description))
    return out


def legal_status(events: list[LegalEvent]) -> str | None:
    """The description of the latest dated event (INPADOC has no single status field)."""
    dated = [e for e in events if e.date and e.description]
    return max(dated, key=lambda e: e.date or dt.date.min).description if dated else None


def _member(member: etree._Element, fetched_at: dt.datetime) -> Patent:
    pubref = member.find("{*}publication-reference")
    country, number, kind = _number(docid(pubref, "docdb"))
    if not country or not number:
        raise ParseError("family member without a DOCDB publication number")
    doc_id = _publication_id(country, number, kind, "family member")
    published = first_date(pubref)
    appref = member.find("{*}application-reference")
    priorities = [d for d in (parse_date(text_of(e))
                              for e in member.iterfind("{*}priority-claim/{*}document-id/{*}date")) if d]
    events = _events(member)
    try:
        patent = Patent(
            id=doc_id, source=SOURCE, fetched_at=fetched_at, kind=kind.upper() or None,
            jurisdiction=country.upper(), family_id=member.get("family-id") or None,
            application_number=_application_number(appref), application_date=first_date(appref),
            priority_date=min(priorities) if priorities else None, publication_date=published,
            grant_date=published if is_grant(country.upper(), kind) else None,
            legal_events=events, legal_status=legal_status(events),
        )
    except ValidationError as error:
        raise ParseError(f"{doc_id}: {error}") from error
    document = member.find("{*}exchange-document")
    if document is not None:  # family with the biblio constituent
        patent = merge_patents(_patent(document, None, fetched_at), patent)
    return patent


def parse_family(body: bytes | str, fetched_at: dt.datetime | None = None) -> list[Patent]:
    """One Patent per member of a family (or legal) answer, family id and legal events kept."""
    when = fetched_at or dt.datetime.now(dt.UTC)
    members = _family(body).findall(f"{{{OPS}}}family-member")
    if not members:
        raise ParseError("family answer without members")
    out: dict[str, Patent] = {}
    for element in members:
        patent = _member(element, when)
        out[patent.id] = merge_patents(out[patent.id], patent) if patent.id in out else patent
    return list(out.values())


def _application_keys(body: bytes | str) -> dict[str, str]:
    """Publication number → application doc-id (or number) of every member."""
    keys: dict[str, str] = {}
    for member in _family(body).iterfind(f"{{{OPS}}}family-member"):
        appref = member.find("{*}application-reference")
        country, number, kind = _number(docid(member.find("{*}publication-reference"), "docdb"))
        key = (appref.get("doc-id") if appref is not None else None) or _application_number(appref)
        if key and country and number:
            try:
                keys[normalize_patent_number(country + number, kind or None)] = key
            except InvalidIdentifier:
                continue
    return keys


def parse_legal(body: bytes | str) -> dict[str, list[LegalEvent]]:
    """Legal events by publication number, from a legal (or family-with-legal) answer."""
    return {p.id: p.legal_events for p in parse_family(body)}


def events_for(publication: str, body: bytes | str) -> list[LegalEvent]:
    """The legal events of one publication: its own, else those filed under another of its application."""
    events = parse_legal(body)
    if events.get(publication):
        return events[publication]
    keys = _application_keys(body)
    key = keys.get(publication)
    siblings = [p for p, k in keys.items() if key and k == key and p != publication]
    return [event for sibling in siblings for event in events.get(sibling, [])]

