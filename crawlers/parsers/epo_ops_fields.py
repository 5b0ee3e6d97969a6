"""Field readers for OPS exchange documents: dates, parties, classifications, citations, texts."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable

from lxml import etree

from vrscope.applicants import normalize_applicant
from vrscope.ids import InvalidIdentifier, normalize_patent_number
from vrscope.records import Party

_CC_SUFFIX = re.compile(r"\s*\[([A-Z]{2})\]\s*$")
_IPC = re.compile(r"([A-H])\s*(\d{2})\s*([A-Z])\s*(\d{1,4})\s*/\s*(\d{1,6})")
_CPC = re.compile(r"^[A-HY]\d{2}[A-Z]\d{1,4}/\d{1,6}$")
# OPS marks where a drawing sat in an abstract with a literal "<IMAGE>"; it is not text.
_IMAGE = re.compile(r"\s*<IMAGE>\s*", re.IGNORECASE)
# How DOCDB transliterates names, so "Kylmänen" and "KYLMAENEN" fold to the same key.
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "å": "aa",
                           "Ä": "AE", "Ö": "OE", "Ü": "UE", "Æ": "AE", "Ø": "OE", "Å": "AA"})
_NORMALIZED_FORMATS = ("epodoc", "docdb", "docdba")


def text_of(element: etree._Element | None) -> str:
    """All text below an element with whitespace collapsed ('' for None)."""
    if element is None:
        return ""
    return " ".join("".join(map(str, element.itertext())).split())


def child_text(element: etree._Element | None, path: str) -> str:
    """Collapsed text of the first match of a path below an element ('' when absent)."""
    return text_of(element.find(path)) if element is not None else ""


def parse_date(value: str | None) -> dt.date | None:
    """A YYYYMMDD date, or None when absent or not a real date (DOCDB has some 00 days)."""
    raw = (value or "").strip()
    if len(raw) != 8 or not raw.isdigit():
        return None
    try:
        return dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        return None


def docid(parent: etree._Element | None, kind: str) -> etree._Element | None:
    """The document-id of one type (docdb, epodoc, original) below a reference."""
    if parent is None:
        return None
    return parent.find(f"{{*}}document-id[@document-id-type='{kind}']")


def first_date(parent: etree._Element | None) -> dt.date | None:
    """The first readable date of a reference, preferring docdb over epodoc over original."""
    for kind in ("docdb", "epodoc", "original"):
        found = parse_date(child_text(docid(parent, kind), "{*}date"))
        if found:
            return found
    return None


def is_grant(country: str, kind: str) -> bool:
    """Whether a kind code marks a granted right (B*, CN/DE C, CN utility models U/Y)."""
    kind = kind.upper()
    if country == "WO" or not kind:
        return False
    if kind.startswith("B"):
        return True
    return (country in {"CN", "DE"} and kind[0] == "C") or (country == "CN" and kind[0] in "UY")


def _clean_name(name: str) -> str:
    """Collapse whitespace and drop the trailing separators OPS leaves on names."""
    return " ".join(name.split()).strip(" ,;")


def _fold(name: str) -> str:
    """A comparison key for names across formats: transliterated, accents and punctuation removed."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_TRANSLIT))
    return "".join(c for c in decomposed if c.isalnum()).casefold()


def _sequence_key(sequence: str) -> tuple[bool, int, str]:
    return (not sequence.isdigit(), int(sequence) if sequence.isdigit() else 0, sequence)


def parties(biblio: etree._Element, group: str, member: str) -> list[Party]:
    """Applicants or inventors: original name as given, epodoc/docdb name normalized, paired by sequence.

    Applicant names also go through normalize_applicant (legal forms dropped, aliases applied).
    """
    by_sequence: dict[str, dict[str, etree._Element]] = {}
    for element in biblio.iterfind(f"{{*}}parties/{{*}}{group}/{{*}}{member}"):
        sequence = element.get("sequence") or str(len(by_sequence) + 1)
        by_sequence.setdefault(sequence, {}).setdefault(element.get("data-format") or "original", element)
    out: list[Party] = []
    seen: set[str] = set()
    for sequence in sorted(by_sequence, key=_sequence_key):
        formats = by_sequence[sequence]
        original = formats.get("original")
        standard = next((formats[f] for f in _NORMALIZED_FORMATS if f in formats), None)
        raw = _clean_name(child_text(original, ".//{*}name"))
        normalized = child_text(standard, ".//{*}name")
        country = None
        suffix = _CC_SUFFIX.search(normalized)
        if suffix:
            country, normalized = suffix.group(1), normalized[: suffix.start()]
        normalized = _clean_name(normalized)
        if not raw and not normalized:
            continue
        if not normalized and _fold(raw) in seen:
            continue  # OPS repeats original names in another case or transliteration; keep one
        seen.update(key for key in (_fold(raw), _fold(normalized)) if key)
        given = original if original is not None else standard
        country = country or child_text(given, ".//{*}residence/{*}country") or None
        # Applicants: one name per organization across sources (vrscope.applicants).
        folded = normalize_applicant(normalized or raw) if group == "applicants" else normalized
        out.append(Party(name=raw or normalized, name_normalized=folded or None,
                         address=child_text(given, ".//{*}address") or None, country=country))
    return out


def _group(group: str) -> str:
    """A main group without leading zeros ('017' → '17')."""
    return group.lstrip("0") or "0"


def cpc(biblio: etree._Element) -> list[str]:
    """CPC symbols from patent-classifications, e.g. 'G02B27/0172'; other schemes (US UC) are skipped."""
    out: list[str] = []
    for pc in biblio.iterfind("{*}patent-classifications//{*}patent-classification"):
        scheme = pc.find("{*}classification-scheme")
        if scheme is None or not (scheme.get("scheme") or "").upper().startswith("CPC"):
            continue
        symbol = "".join(child_text(pc, "{*}classification-symbol").split())
        if not symbol:
            parts = [child_text(pc, f"{{*}}{tag}") for tag in ("section", "class", "subclass", "main-group",
                                                               "subgroup")]
            if not all(parts):
                continue
            section, klass, subclass, group, subgroup = parts
            symbol = f"{section}{klass}{subclass}{_group(group)}/{subgroup}"
        if _CPC.match(symbol) and symbol not in out:
            out.append(symbol)
    return out


def ipc(biblio: etree._Element) -> list[str]:
    """IPC symbols from classifications-ipcr (and the older classification-ipc), e.g. 'F03D17/00'."""
    raws = [text_of(t) for t in biblio.iterfind("{*}classifications-ipcr/{*}classification-ipcr/{*}text")]
    raws += [text_of(t) for t in biblio.iterfind("{*}classification-ipc/{*}*")]
    out: list[str] = []
    for raw in raws:
        match = _IPC.search(raw)
        if not match:
            continue
        section, klass, subclass, group, subgroup = match.groups()
        symbol = f"{section}{klass}{subclass}{_group(group)}/{subgroup}"
        if symbol not in out:
            out.append(symbol)
    return out


def citations(biblio: etree._Element) -> list[str]:
    """Cited patent publications as normalized DOCDB numbers (epodoc when docdb is missing)."""
    out: list[str] = []
    for patcit in biblio.iterfind("{*}references-cited/{*}citation/{*}patcit"):
        docdb, epodoc = docid(patcit, "docdb"), docid(patcit, "epodoc")
        try:
            if docdb is not None:
                number = normalize_patent_number(
                    child_text(docdb, "{*}country") + child_text(docdb, "{*}doc-number"),
                    child_text(docdb, "{*}kind") or None,
                )
            elif epodoc is not None:
                number = normalize_patent_number(child_text(epodoc, "{*}doc-number"))
            else:
                continue
        except InvalidIdentifier:
            continue
        if number not in out:
            out.append(number)
    return out


def by_lang(elements: Iterable[etree._Element], paragraphs: bool = False) -> dict[str, str]:
    """Text per language (first one wins); abstracts join their paragraphs with newlines."""
    out: dict[str, str] = {}
    for element in elements:
        lang = (element.get("lang") or "und").lower()
        if paragraphs:
            parts = [text_of(p) for p in element.iterfind("{*}p")] or [text_of(element)]
            value = "\n".join(p for p in (_IMAGE.sub(" ", part).strip() for part in parts) if p)
        else:
            value = text_of(element)
        if value and lang not in out:
            out[lang] = value
    return out
