"""The 2001–2004 USPTO XML versions: grants in ST.32 v2.5 (``PATDOC``) and applications v1.5/1.6."""

from __future__ import annotations

from lxml import etree

from crawlers.parsers.errors import ParseError
from crawlers.parsers.uspto_xml_fields import (
    cited_number,
    earliest,
    ipc_symbol,
    make_party,
    merge_parties,
    paragraphs,
    parse_date,
    text_of,
    us_number,
)
from vrscope.records import Party

__all__ = ["parse_v15", "parse_v25"]


def _t(element: etree._Element | None, path: str) -> str:
    """Collapsed text at a path below an element ('' when absent)."""
    return text_of(element.find(path)) if element is not None else ""


def _ipcs(raws: list[str]) -> list[str]:
    """IPC symbols from classification texts, each once, in order."""
    out: list[str] = []
    for raw in raws:
        code = ipc_symbol(raw)
        if code and code not in out:
            out.append(code)
    return out


def _texts(lang: str, value: str) -> dict[str, str]:
    """A language → text map, empty when there is no text."""
    return {lang: value} if value else {}


# --- grants 2001–2004: ST.32 v2.5 ------------------------------------------------------------------
def _st32_party(party: etree._Element | None, organization: bool) -> Party | None:
    """A Party from PARTY-US: NAM (ONM, or FNM + SNM) and ADR (STR, CITY, STATE, PCODE, CTRY)."""
    if party is None:
        return None
    org = _t(party, "NAM/ONM")
    person = ", ".join(p for p in (_t(party, "NAM/SNM"), _t(party, "NAM/FNM")) if p)
    adr = party.find("ADR")
    state, country = _t(adr, "STATE"), _t(adr, "CTRY")
    address = {"street": _t(adr, "STR"), "city": _t(adr, "CITY"), "state": state,
               "postcode": _t(adr, "PCODE"), "country": country or ("US" if state else "")}
    return make_party(org or person, address, address["country"] or None,
                      organization=organization and bool(org))


def parse_v25(root: etree._Element) -> dict[str, object]:
    """Fields of a 2001–2004 grant (PATDOC, ST.32 v2.5)."""
    bib = root.find("SDOBI")
    if bib is None:
        raise ParseError("<PATDOC> without <SDOBI> bibliographic data")
    number, kind = _t(bib, "B100/B110/DNUM"), _t(bib, "B100/B130")
    if not number:
        raise ParseError("<PATDOC> without a publication number")
    doc_id = us_number(number, kind, _t(bib, "B100/B190") or "US")
    published = parse_date(_t(bib, "B100/B140/DATE"))
    app_number, app_date = _t(bib, "B200/B210/DNUM"), parse_date(_t(bib, "B200/B220/DATE"))
    priorities = [parse_date(text_of(e)) for e in bib.iterfind("B300/B320/DATE")]
    # Domestic benefit: parent applications (B620–B660 …/PDOC), provisionals (B680US), the PCT filing (B861).
    priorities += [parse_date(text_of(e)) for e in bib.iterfind("B600//PDOC/DOC/DATE")]
    priorities += [parse_date(text_of(e)) for e in bib.iterfind("B600/B680US//DATE")]
    priorities += [parse_date(text_of(e)) for e in bib.iterfind("B800/B860/B861/DOC/DATE")]
    citations: list[str] = []
    for doc in bib.iterfind("B500/B560/B561/PCIT/DOC"):
        cited = cited_number(_t(doc, "CTRY"), _t(doc, "DNUM"), _t(doc, "KIND") or None)
        if cited and cited not in citations:
            citations.append(cited)
    owners = merge_parties(_st32_party(e, True) for e in bib.iterfind("B700/B730/B731/PARTY-US"))
    inventors = merge_parties(_st32_party(e, False) for e in bib.iterfind("B700/B720/B721/PARTY-US"))
    abstract = paragraphs(root.iterfind("SDOAB/BTEXT/PARA"))
    claims = paragraphs(root.iterfind("SDOCL/CL/CLM"))
    return {
        "id": doc_id, "kind": kind.upper() or None,
        "application_number": f"US{app_number}" if app_number else None, "application_date": app_date,
        "priority_date": earliest([*priorities, app_date]), "publication_date": published,
        "grant_date": published, "titles": _texts("en", _t(bib, "B500/B540")),
        "abstracts": _texts("en", abstract), "claims": _texts("en", claims),
        "applicants": owners or inventors, "inventors": inventors, "cpc": [],
        "ipc": _ipcs([text_of(e) for e in bib.iterfind("B500/B510/*") if e.tag in ("B511", "B512")]),
        "citations": citations,
    }


# --- applications 2001–2004: v1.5 / v1.6 ----------------------------------------------------------
def _v15_party(element: etree._Element, organization: bool) -> Party | None:
    """A Party from an inventor or assignee: name parts or organization-name, residence or address."""
    org = _t(element, "organization-name")
    given = " ".join(p for p in (_t(element, "name/given-name"), _t(element, "name/middle-name")) if p)
    family = " ".join(p for p in (_t(element, "name/family-name"), _t(element, "name/name-suffix")) if p)
    person = ", ".join(p for p in (family, given) if p)
    place = element.find("residence/residence-us")
    us = place is not None
    if place is None:
        place = element.find("residence/residence-non-us")
    if place is None:
        place = element.find("address")
    country = _t(place, "country-code") or _t(place, "country/country-code") or ("US" if us else "")
    address = {"address-1": _t(place, "address-1"), "address-2": _t(place, "address-2"),
               "city": _t(place, "city"), "state": _t(place, "state"),
               "postcode": _t(place, "postalcode"), "country": country}
    return make_party(org or person, address, country or None, organization=organization and bool(org))


def parse_v15(root: etree._Element) -> dict[str, object]:
    """Fields of a 2001–2004 application publication (patent-application-publication v1.5/1.6)."""
    bib = root.find("subdoc-bibliographic-information")
    if bib is None:
        raise ParseError("<patent-application-publication> without bibliographic information")
    number, kind = _t(bib, "document-id/doc-number"), _t(bib, "document-id/kind-code")
    if not number:
        raise ParseError("<patent-application-publication> without a publication number")
    doc_id = us_number(number, kind or "A1")
    published = parse_date(_t(bib, "document-id/document-date"))
    app_number = _t(bib, "domestic-filing-data/application-number/doc-number")
    app_date = parse_date(_t(bib, "domestic-filing-data/filing-date"))
    priorities = [parse_date(text_of(e)) for e in bib.iterfind("foreign-priority-data/filing-date")]
    parents = bib.iterfind("continuity-data//parent/document-id/document-date")
    priorities += [parse_date(text_of(e)) for e in parents]
    tech = bib.find("technical-information")
    ipc_raws = [text_of(e) for e in bib.iterfind("technical-information/classification-ipc/*/ipc")]
    inventors = merge_parties(_v15_party(e, False) for e in bib.iterfind("inventors/*"))
    owners = merge_parties(_v15_party(e, True) for e in bib.iterfind("assignee"))
    abstract = paragraphs(root.iterfind("subdoc-abstract/paragraph"))
    claims = paragraphs(root.iterfind("subdoc-claims/claim"))
    return {
        "id": doc_id, "kind": (kind or "A1").upper(),
        "application_number": f"US{app_number}" if app_number else None, "application_date": app_date,
        "priority_date": earliest([*priorities, app_date]), "publication_date": published,
        "grant_date": None, "titles": _texts("en", _t(tech, "title-of-invention")),
        "abstracts": _texts("en", abstract), "claims": _texts("en", claims),
        "applicants": owners or inventors, "inventors": inventors, "cpc": [], "ipc": _ipcs(ipc_raws),
        "citations": [],
    }
