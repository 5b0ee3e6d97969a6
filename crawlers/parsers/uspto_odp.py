"""USPTO Open Data Portal patent applications search: JSON answers into Patent records.

The search answer (``POST``/``GET /api/v1/patent/applications/search``) and the single-application answer
(``/applications/{number}``) carry ``count`` and ``patentFileWrapperDataBag``: one file wrapper per
application with its ``applicationMetaData``. The download answer keeps the wrappers under
``patentdata``; the 2024 beta API gave flat metadata under ``patentBag``. All three are read.

A record is keyed by the grant number when the application is patented (kind from the application
type and whether it was published before grant), else by its earliest pre-grant publication.
Applications with neither are not public documents yet: they are listed in ``unpublished``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from crawlers.parsers.errors import ParseError
from crawlers.parsers.jsonbody import iso_date, json_object
from crawlers.parsers.uspto_xml_fields import earliest, make_party, merge_parties, us_number
from vrscope.records import LegalEvent, Party, Patent

__all__ = ["SOURCE", "OdpPage", "ParseError", "cpc_symbol", "parse_search", "patent_from_wrapper"]

SOURCE = "uspto_odp"
PATENT_CENTER = "https://patentcenter.uspto.gov/applications/{}"
_BAGS = ("patentFileWrapperDataBag", "patentdata", "patentBag")
_PGPUB = "Pre-Grant Publications - PGPub"
# CPC as ODP prints it, main group right-aligned: 'H01M  50/46', 'Y02E  60/10', 'H01M2004/027'.
_CPC = re.compile(r"^([A-HY])\s*(\d{2})\s*([A-Z])\s*0*(\d{1,4})\s*/\s*(\d{1,6})$")


@dataclass
class OdpPage:
    """One search answer: the total hit count, the records, and what could not become one."""

    total: int
    hits: int
    patents: list[Patent] = field(default_factory=list)
    unpublished: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _address(bag: Any) -> tuple[dict[str, str], str | None]:
    """The first address of a correspondenceAddressBag as make_party's parts, plus its country code."""
    for raw in _list(bag):
        if not isinstance(raw, dict):
            continue
        parts = {"address-1": raw.get("addressLineOneText"), "address-2": raw.get("addressLineTwoText"),
                 "city": raw.get("cityName"), "state": raw.get("geographicRegionCode"),
                 "postcode": raw.get("postalCode")}
        country = raw.get("countryCode") or raw.get("ictCountryCode")
        return {k: str(v) for k, v in parts.items() if v}, country
    return {}, None


def _parties(meta: dict[str, Any], wrapper: dict[str, Any]) -> tuple[list[Party], list[Party]]:
    """Applicants (then recorded assignees) and inventors."""
    applicants: list[Party | None] = []
    for raw in _list(meta.get("applicantBag")):
        address, country = _address(raw.get("correspondenceAddressBag"))
        applicants.append(make_party(str(raw.get("applicantNameText") or ""), address, country, True))
    if not applicants and meta.get("firstApplicantName"):
        applicants.append(make_party(str(meta["firstApplicantName"]), {}, None, True))
    for assignment in _list(wrapper.get("assignmentBag") or meta.get("assignmentBag")):
        for raw in _list(assignment.get("assigneeBag")):
            address, country = _address([raw.get("assigneeAddress") or {}])
            applicants.append(make_party(str(raw.get("assigneeNameText") or ""), address, country, True))
    inventors: list[Party | None] = []
    for raw in _list(meta.get("inventorBag")):
        name = raw.get("inventorNameText") or " ".join(
            str(raw[k]) for k in ("firstName", "middleName", "lastName") if raw.get(k))
        address, country = _address(raw.get("correspondenceAddressBag"))
        inventors.append(make_party(str(name or ""), address, country, False))
    if not inventors and meta.get("firstInventorName"):
        inventors.append(make_party(str(meta["firstInventorName"]), {}, None, False))
    return merge_parties(applicants), merge_parties(inventors)


def _grant_kind(meta: dict[str, Any], published: bool) -> str | None:
    """The grant's kind code: B1/B2 utility, S design, P2/P3 plant, E reissue."""
    code = str(meta.get("applicationTypeCode") or "").upper()
    if code == "DES":
        return "S"
    if code == "PLT":
        return "P3" if published else "P2"
    if code == "REI":
        return "E"
    return "B2" if published else "B1"


def _identity(meta: dict[str, Any]) -> tuple[str, str | None, dt.date | None] | None:
    """(publication number, kind, publication date) of the newest public document, or None."""
    earliest_pub = str(meta.get("earliestPublicationNumber") or "").strip()
    published = bool(earliest_pub) or _PGPUB in _list(meta.get("publicationCategoryBag"))
    grant = str(meta.get("patentNumber") or "").strip()
    if grant and meta.get("grantDate"):
        kind = _grant_kind(meta, published)
        return us_number(grant, kind), kind, iso_date(meta.get("grantDate"))
    if earliest_pub:
        number = us_number(earliest_pub.removeprefix("US"), None)
        kind = number[-2:] if number[-2].isalpha() else number[-1:]
        return number, kind, iso_date(meta.get("earliestPublicationDate"))
    return None


def _priority(meta: dict[str, Any], wrapper: dict[str, Any]) -> dt.date | None:
    """The earliest of the filing, effective filing, foreign priority and parent application dates."""
    dates = [iso_date(meta.get("filingDate")), iso_date(meta.get("effectiveFilingDate"))]
    for raw in _list(wrapper.get("foreignPriorityBag") or meta.get("foreignPriorityBag")):
        dates.append(iso_date(raw.get("filingDate")))
    bag = meta.get("continuityBag")
    continuity: dict[str, Any] = bag if isinstance(bag, dict) else {}
    for raw in _list(wrapper.get("parentContinuityBag") or continuity.get("parentContinuityBag")):
        dates.append(iso_date(raw.get("parentApplicationFilingDate")))
    return earliest(dates)


def cpc_symbol(raw: str) -> str | None:
    """A CPC symbol without padding: 'H01M  50/46' → 'H01M50/46'; None when it is not one."""
    match = _CPC.match(str(raw).strip().upper())
    if not match:
        return None
    section, klass, subclass, group, subgroup = match.groups()
    return f"{section}{klass}{subclass}{int(group)}/{subgroup}"


def _codes(raw: Iterable[Any]) -> list[str]:
    out: list[str] = []
    for value in raw:
        code = cpc_symbol(str(value))
        if code and code not in out:
            out.append(code)
    return out


def patent_from_wrapper(wrapper: dict[str, Any], fetched_at: dt.datetime | None = None) -> Patent | None:
    """One file wrapper as a Patent; None when the application has no public document yet."""
    meta = wrapper.get("applicationMetaData")
    meta = meta if isinstance(meta, dict) else wrapper  # the beta API's flat layout
    identity = _identity(meta)
    if identity is None:
        return None
    number, kind, published = identity
    app_number = str(wrapper.get("applicationNumberText") or meta.get("applicationNumberText") or "") or None
    applicants, inventors = _parties(meta, wrapper)
    events = [
        LegalEvent(date=iso_date(e.get("eventDate")), code=str(e["eventCode"]),
                   description=e.get("eventDescriptionText"))
        for e in _list(wrapper.get("eventDataBag") or meta.get("eventDataBag"))
        if isinstance(e, dict) and e.get("eventCode")
    ]
    title = str(meta.get("inventionTitle") or "").strip()
    extra = {"fetched_at": fetched_at} if fetched_at else {}
    try:
        return Patent(
            id=number, source=SOURCE, kind=kind, jurisdiction="US",
            url=PATENT_CENTER.format(app_number) if app_number else None,
            application_number=app_number, application_date=iso_date(meta.get("filingDate")),
            priority_date=_priority(meta, wrapper), publication_date=published,
            grant_date=iso_date(meta.get("grantDate")), titles={"en": title} if title else {},
            applicants=applicants, inventors=inventors, cpc=_codes(_list(meta.get("cpcClassificationBag"))),
            legal_status=meta.get("applicationStatusDescriptionText"), legal_events=events, **extra,
        )
    except ValidationError as error:
        raise ParseError(f"application {app_number}: {error}") from error


def parse_search(body: bytes | str, fetched_at: dt.datetime | None = None) -> OdpPage:
    """A search (or single-application, or download) answer as records; a bad wrapper is an error entry."""
    data = json_object(body)
    bag_key = next((k for k in _BAGS if k in data), None)
    if bag_key is None:
        raise ParseError(f"not a patent applications answer (keys: {sorted(data)[:6]})")
    bag = data[bag_key]
    if not isinstance(bag, list):
        raise ParseError(f"{bag_key} is not a list")
    count = data.get("count", len(bag))
    page = OdpPage(total=count if isinstance(count, int) else len(bag), hits=len(bag))
    for wrapper in bag:
        if not isinstance(wrapper, dict):
            page.errors.append(f"{bag_key} entry is not an object")
            continue
        try:
            patent = patent_from_wrapper(wrapper, fetched_at)
        except (ParseError, AttributeError, TypeError) as error:
            page.errors.append(f"{type(error).__name__}: {error}")
            continue
        if patent is None:
            meta = wrapper.get("applicationMetaData") or wrapper
            number = wrapper.get("applicationNumberText") or meta.get("applicationNumberText")
            page.unpublished.append(str(number or "(no application number)"))
        else:
            page.patents.append(patent)
    return page
