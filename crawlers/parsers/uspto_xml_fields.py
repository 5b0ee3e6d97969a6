"""Field readers shared by every USPTO full-text XML version: root, text, numbers, dates, codes, parties."""

from __future__ import annotations

import datetime as dt
import html.entities
import re
from collections.abc import Iterable

from lxml import etree

from crawlers.parsers.epo_ops_fields import parse_date, text_of
from crawlers.parsers.errors import ParseError
from vrscope.applicants import fold_name, normalize_applicant
from vrscope.ids import InvalidIdentifier, normalize_patent_number
from vrscope.records import Party

__all__ = ["cited_number", "earliest", "ipc_symbol", "make_party", "merge_parties", "paragraphs",
           "parse_date", "parse_root", "symbol", "text_of", "us_number"]

_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_PREDEFINED = {b"amp", b"lt", b"gt", b"quot", b"apos"}
# ISO 8879 Greek entity names (ISOgrk1) that the 2001–2004 DTDs use and HTML does not know.
_GREEK = dict(zip(
    ("agr bgr ggr dgr egr zgr eegr thgr igr kgr lgr mgr ngr xgr ogr pgr rgr sgr tgr ugr phgr khgr psgr "
     "ohgr").split(), "αβγδεζηθικλμνξοπρστυφχψω", strict=True))
_GREEK |= {(k[0].upper() + k[1:] if len(k) < 4 else k[:2].upper() + k[2:]): v.upper()
           for k, v in _GREEK.items()}
_IPC_SLASH = re.compile(r"([A-H])\s*(\d{2})\s*([A-Z])\s*0*(\d{1,4})\s*/\s*(\d{1,6})")
_IPC_ST32 = re.compile(r"^([A-H]\d{2}[A-Z])(.+)$")
_US_NUMBER = re.compile(r"^([A-Z]{0,2})0*(\d+)$")
_ADDRESS_PARTS = ("address-1", "address-2", "address-3", "street", "city", "county", "state", "postcode",
                  "country")


def _entity(match: re.Match[bytes]) -> bytes:
    """A named character entity as numeric references; unknown and predefined names stay."""
    name = match.group(1)
    if name in _PREDEFINED:
        return match.group(0)
    text = name.decode("ascii")
    value = _GREEK.get(text) or html.entities.html5.get(text + ";")
    if not value:
        return match.group(0)
    return "".join(f"&#{ord(c)};" for c in value).encode("ascii")


def parse_root(data: bytes) -> etree._Element:
    """One XML document's root; the DTD is never read, named character entities become characters."""
    if not data or not data.strip():
        raise ParseError("empty document")
    try:
        parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=True,
                                 remove_pis=True)
        return etree.fromstring(_ENTITY.sub(_entity, data), parser)
    except etree.XMLSyntaxError as error:
        raise ParseError(f"not well-formed XML (truncated or wrong encoding?): {error}") from error


def paragraphs(elements: Iterable[etree._Element]) -> str:
    """Texts of paragraph-like elements, one per line, empty ones dropped."""
    return "\n".join(t for t in (text_of(e) for e in elements) if t)


def us_number(number: str, kind: str | None, country: str = "US") -> str:
    """A DOCDB-style publication number: 'D0982278' + 'S1' → 'USD982278S1'; '06334226' → 'US6334226'."""
    raw = "".join(number.split()).upper()
    match = _US_NUMBER.match(raw) if country == "US" else None
    if match and match.group(2):
        raw = match.group(1) + match.group(2)
    try:
        return normalize_patent_number(country + raw, kind or None)
    except InvalidIdentifier as error:
        raise ParseError(f"unreadable publication number {country}{number} {kind or ''}: {error}") from error


def cited_number(country: str, number: str, kind: str | None) -> str | None:
    """A cited publication as a DOCDB-style number, or None when it cannot be read."""
    country = (country or "US").strip().upper()
    number = number.strip()
    if number.upper().startswith(country):  # 'WO 02/064032', 'WO-9319583'
        number = number[len(country):].lstrip(" -/")
    try:
        return us_number(number, kind, country) if number else None
    except ParseError:
        return None


def earliest(dates: Iterable[dt.date | None]) -> dt.date | None:
    """The earliest of the dates given (None when there is none)."""
    found = [d for d in dates if d]
    return min(found) if found else None


def symbol(section: str, klass: str, subclass: str, group: str, subgroup: str) -> str | None:
    """A classification symbol from its parts: ('G','06','F','3','011') → 'G06F3/011'."""
    parts = [p.strip() for p in (section, klass, subclass, group, subgroup)]
    if not all(parts) or not (parts[3].isdigit() and parts[4].isdigit()):
        return None
    return f"{parts[0]}{parts[1]}{parts[2]}{int(parts[3])}/{parts[4]}".upper()


def ipc_symbol(raw: str) -> str | None:
    """An IPC symbol from 'A61F002/06', 'G06F 3/01' or the ST.32 fixed layout 'A47L  514' ('A47L5/14')."""
    text = (raw or "").strip().upper()
    slash = _IPC_SLASH.search(text)
    if slash:
        section, klass, subclass, group, subgroup = slash.groups()
        return f"{section}{klass}{subclass}{int(group)}/{subgroup}"
    fixed = _IPC_ST32.match(text)
    if not fixed:
        return None
    subclass, rest = fixed.groups()
    # ST.32: main group right-aligned in 3 columns, then the subgroup; collapsed spacing keeps 2 digits.
    if len(rest) >= 5:
        group, subgroup = rest[:3].strip(), rest[3:].strip()
    else:
        digits = rest.replace(" ", "")
        group, subgroup = digits[:-2], digits[-2:]
    if not (group.isdigit() and subgroup.isdigit()):
        return None
    return f"{subclass}{int(group)}/{subgroup}"


def make_party(name: str, address: dict[str, str], country: str | None, organization: bool) -> Party | None:
    """A Party with its address as one line ('Menlo Park, CA, US'); organizations get normalize_applicant."""
    name = " ".join(name.split()).strip(" ,;")
    if not name:
        return None
    line = ", ".join(address[k] for k in _ADDRESS_PARTS if address.get(k))
    normalized = normalize_applicant(name) if organization else fold_name(name)
    country = (country or address.get("country") or "").strip().upper() or None
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        country = None
    return Party(name=name, name_normalized=normalized or None, address=line or None, country=country)


def merge_parties(parties: Iterable[Party | None]) -> list[Party]:
    """Parties without repeats (same normalized name), the first keeping any address a later one adds."""
    out: dict[str, Party] = {}
    for party in parties:
        if party is None:
            continue
        key = party.name_normalized or party.name
        if key not in out:
            out[key] = party
            continue
        kept = out[key]
        if not kept.address and party.address:
            country = kept.country or party.country
            out[key] = kept.model_copy(update={"address": party.address, "country": country})
    return list(out.values())
