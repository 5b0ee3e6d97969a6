"""PatentsView PatentSearch API (``/api/v1/patent/``): JSON answers into Patent records.

An answer is ``{"error": false, "count": n, "total_hits": N, "patents": [...]}``; each patent gives
``patent_id`` (the grant number without country or kind: '11900001', 'D987654', 'RE49999'),
``wipo_kind``, ``patent_title``, ``patent_abstract``, ``patent_date`` and, when asked for in ``f``,
``application``, ``assignees``, ``inventors``, ``cpc_current``, ``ipcr`` and ``foreign_priority``
lists. The next page is asked for with ``o.after`` = the last patent's sort value (``patent_id``),
which ``last_id`` gives; ``latest`` is the page's latest grant date (``patent_date``).

Field names as in the PatentSearch API's endpoint dictionary (search.patentsview.org/docs, patent
endpoint) and the rOpenSci ``patentsview`` client's field table (``data-raw/fieldsdf.csv``): nested
fields are ``assignees.assignee_organization``, ``cpc_current.cpc_group_id``, ``ipcr.ipc_subgroup``,
``foreign_priority.filing_date`` …
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from crawlers.parsers.errors import ParseError
from crawlers.parsers.jsonbody import iso_date, json_object
from crawlers.parsers.uspto_odp import cpc_symbol
from crawlers.parsers.uspto_xml_fields import (
    cited_number,
    earliest,
    make_party,
    merge_parties,
    symbol,
    us_number,
)
from vrscope.records import Party, Patent

__all__ = ["CITATION_FIELDS", "FIELDS", "SOURCE", "ParseError", "PvCitations", "PvPage", "parse_citations",
           "parse_patents", "patent_from_json"]

SOURCE = "patentsview"
PATENT_PAGE = "https://datatool.patentsview.org/#detail/patent/{}"
# What the spider asks for (the f parameter): every field this parser reads.
FIELDS = (
    "patent_id", "patent_type", "wipo_kind", "patent_title", "patent_abstract", "patent_date",
    "patent_earliest_application_date", "application", "assignees", "inventors", "cpc_current", "ipcr",
    "foreign_priority",
)
# What the spider asks the us_patent_citation endpoint for: the US patents each patent cites.
CITATION_FIELDS = ("patent_id", "citation_sequence", "citation_patent_id", "citation_wipo_kind")
_TYPE_KIND = {"design": "S", "reissue": "E", "plant": "P2"}


@dataclass
class PvPage:
    """One answer: hits in total and on this page, the records, failures, and the cursor for the next."""

    total: int
    count: int
    patents: list[Patent] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    last_id: str | None = None
    latest: dt.date | None = None
    ids: list[str] = field(default_factory=list)  # the patent_id of each record, in order


@dataclass
class PvCitations:
    """A us_patent_citation answer: rows on it, the cited patents by citing patent_id, the last patent_id."""

    count: int
    by_patent: dict[str, list[str]] = field(default_factory=dict)
    last_id: str | None = None


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _address(raw: dict[str, Any], prefix: str) -> dict[str, str]:
    parts = {"city": raw.get(f"{prefix}_city"), "state": raw.get(f"{prefix}_state")}
    return {k: str(v) for k, v in parts.items() if v}


def _assignees(raw: list[dict[str, Any]]) -> list[Party]:
    parties: list[Party | None] = []
    for entry in sorted(raw, key=lambda e: int(e.get("assignee_sequence") or 0)):
        organization = str(entry.get("assignee_organization") or "").strip()
        person = " ".join(str(entry[k]) for k in ("assignee_individual_name_first",
                                                  "assignee_individual_name_last") if entry.get(k))
        parties.append(make_party(organization or person, _address(entry, "assignee"),
                                  entry.get("assignee_country"), bool(organization)))
    return merge_parties(parties)


def _inventors(raw: list[dict[str, Any]]) -> list[Party]:
    parties: list[Party | None] = []
    for entry in sorted(raw, key=lambda e: int(e.get("inventor_sequence") or 0)):
        name = " ".join(str(entry[k]) for k in ("inventor_name_first", "inventor_name_last") if entry.get(k))
        parties.append(make_party(name, _address(entry, "inventor"), entry.get("inventor_country"), False))
    return merge_parties(parties)


def _cpc(raw: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for entry in sorted(raw, key=lambda e: int(e.get("cpc_sequence") or 0)):
        code = cpc_symbol(str(entry.get("cpc_group_id") or ""))
        if code and code not in out:
            out.append(code)
    return out


def _ipc(raw: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for entry in raw:
        parts = (str(entry.get(k) or "") for k in ("ipc_section", "ipc_class", "ipc_subclass",
                                                  "ipc_main_group", "ipc_subgroup"))
        code = symbol(*parts)
        if code and code not in out:
            out.append(code)
    return out


def patent_from_json(raw: dict[str, Any], fetched_at: dt.datetime | None = None) -> Patent:
    """One PatentSearch patent object as a Patent."""
    patent_id = str(raw.get("patent_id") or "").strip()
    if not patent_id:
        raise ParseError("patent without patent_id")
    kind = raw.get("wipo_kind") or _TYPE_KIND.get(str(raw.get("patent_type") or "").lower())
    applications = _list(raw.get("application"))
    filed = earliest(iso_date(a.get("filing_date")) for a in applications)
    foreign = [iso_date(p.get("filing_date")) for p in _list(raw.get("foreign_priority"))]
    title = str(raw.get("patent_title") or "").strip()
    abstract = str(raw.get("patent_abstract") or "").strip()
    granted = iso_date(raw.get("patent_date"))
    extra = {"fetched_at": fetched_at} if fetched_at else {}
    try:
        return Patent(
            id=us_number(patent_id, kind), source=SOURCE, kind=kind, jurisdiction="US",
            url=PATENT_PAGE.format(patent_id),
            application_number=next((str(a["application_id"]) for a in applications
                                     if a.get("application_id")), None),
            application_date=filed,
            priority_date=earliest([filed, iso_date(raw.get("patent_earliest_application_date")), *foreign]),
            publication_date=granted, grant_date=granted,
            titles={"en": title} if title else {}, abstracts={"en": abstract} if abstract else {},
            applicants=_assignees(_list(raw.get("assignees"))),
            inventors=_inventors(_list(raw.get("inventors"))),
            cpc=_cpc(_list(raw.get("cpc_current"))), ipc=_ipc(_list(raw.get("ipcr"))), **extra,
        )
    except ValidationError as error:
        raise ParseError(f"patent {patent_id}: {error}") from error


def _answer(body: bytes | str) -> dict[str, Any]:
    """A PatentSearch answer's JSON object; ParseError for a bad body or an answer that is an error."""
    data = json_object(body)
    if data.get("error") is True:
        raise ParseError(f"PatentSearch error: {data.get('reason') or data.get('message') or 'unknown'}")
    return data


def parse_patents(body: bytes | str, fetched_at: dt.datetime | None = None) -> PvPage:
    """A PatentSearch answer as records; one bad patent is an error entry, a bad answer a ParseError."""
    data = _answer(body)
    patents = data.get("patents")
    if patents is None and "patents" not in data:
        raise ParseError(f"not a PatentSearch patent answer (keys: {sorted(data)[:6]})")
    raw_list = patents if isinstance(patents, list) else []
    total = data.get("total_hits", data.get("count", len(raw_list)))
    page = PvPage(total=int(total or 0), count=len(raw_list))
    for raw in raw_list:
        if not isinstance(raw, dict):
            page.errors.append("patent entry is not an object")
            continue
        if raw.get("patent_id"):
            page.last_id = str(raw["patent_id"])
        try:
            patent = patent_from_json(raw, fetched_at)
        except ParseError as error:
            page.errors.append(str(error))
            continue
        page.patents.append(patent)
        page.ids.append(str(raw["patent_id"]))
        if patent.grant_date and (page.latest is None or patent.grant_date > page.latest):
            page.latest = patent.grant_date
    return page


def _citation_order(row: dict[str, Any]) -> tuple[str, int]:
    sequence = row.get("citation_sequence")
    return str(row.get("patent_id") or ""), sequence if isinstance(sequence, int) else 0


def parse_citations(body: bytes | str) -> PvCitations:
    """A ``/patent/us_patent_citation/`` answer: each citing patent's cited US patents, in sequence."""
    data = _answer(body)
    lists = [v for k, v in data.items() if k.endswith("citations") and (isinstance(v, list) or v is None)]
    if not lists:
        raise ParseError(f"not a PatentSearch citation answer (keys: {sorted(data)[:6]})")
    rows = _list(lists[0])
    out = PvCitations(count=len(rows))
    for row in sorted(rows, key=_citation_order):
        citing, cited = str(row.get("patent_id") or ""), str(row.get("citation_patent_id") or "")
        if not citing:
            continue
        out.last_id = citing
        number = cited_number("US", cited, row.get("citation_wipo_kind")) if cited else None
        found = out.by_patent.setdefault(citing, [])
        if number and number not in found:
            found.append(number)
    return out
