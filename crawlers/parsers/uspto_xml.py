"""USPTO bulk full-text XML: weekly files streamed into documents, each document into a Patent.

A weekly file (``ipgYYMMDD.zip`` grants, ``ipaYYMMDD.zip`` applications) is a zip holding one file
of XML documents concatenated back to back, each starting with its own ``<?xml …?>`` declaration.
``iter_weekly`` yields them one at a time from a file object, reading line by line, so a 1 GB week
never sits in memory. ``parse_document`` reads every version USPTO has published: grants and
applications v4.0–v4.7 (2005–), grants ST.32 v2.5 (``PATDOC``, 2001–2004) and applications v1.5/1.6
(``patent-application-publication``, 2001–2004). A malformed document raises ParseError for that
document only; the stream goes on.
"""

from __future__ import annotations

import datetime as dt
import gzip
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO

from lxml import etree
from pydantic import ValidationError

from crawlers.parsers.errors import ParseError
from crawlers.parsers.uspto_xml_fields import (
    cited_number,
    earliest,
    ipc_symbol,
    make_party,
    merge_parties,
    paragraphs,
    parse_date,
    parse_root,
    symbol,
    text_of,
    us_number,
)
from crawlers.parsers.uspto_xml_legacy import parse_v15, parse_v25
from vrscope.records import Party, Patent

__all__ = ["SOURCE", "ParseError", "iter_documents", "iter_weekly", "looks_weekly", "parse_document"]

SOURCE = "uspto_bulk"
_DECLARATION = b"<?xml version"  # every USPTO document starts with this declaration
_ZIP_MAGIC = b"PK\x03\x04"
_GZIP_MAGIC = b"\x1f\x8b"
_CODE_PARTS = ("section", "class", "subclass", "main-group", "subgroup")
_PRIORITY_PATHS = (
    "priority-claims/priority-claim/date",
    "us-related-documents//us-provisional-application/document-id/date",
    "us-related-documents//parent-doc/document-id/date",
    "pct-or-regional-filing-data/document-id/date",
)


# --- splitting ---------------------------------------------------------------------------------
def iter_documents(lines: Iterable[bytes]) -> Iterator[bytes]:
    """XML documents from the lines of a concatenated file, one at a time (only one held in memory)."""
    current: list[bytes] = []
    for line in lines:
        at = line.find(_DECLARATION)
        if at >= 0:
            if at > 0:  # a document glued to the end of the previous one
                current.append(line[:at])
                line = line[at:]
            document = b"".join(current)
            current = []
            if document.strip():
                yield document
        current.append(line)
    document = b"".join(current)
    if document.strip():
        yield document


def looks_weekly(head: bytes) -> bool:
    """Whether the first bytes of a file are a zip, a gzip or XML (not, say, an HTML error page)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((_ZIP_MAGIC, _GZIP_MAGIC)) or text.startswith((_DECLARATION, b"<!DOCTYPE", b"<us-",
                                                                         b"<PATDOC", b"<patent-"))


def iter_weekly(stream: IO[bytes]) -> Iterator[bytes]:
    """The documents of a weekly file given as a binary file object: zip, gzip or plain XML.

    A zip must be seekable (a local file); its ``.xml`` members are read in archive order.
    """
    head = stream.read(4)
    stream.seek(0)
    if head.startswith(_ZIP_MAGIC):
        with zipfile.ZipFile(stream) as archive:
            for member in archive.infolist():
                if member.filename.lower().endswith(".xml") and not member.is_dir():
                    with archive.open(member) as data:
                        yield from iter_documents(data)
    elif head.startswith(_GZIP_MAGIC):
        with gzip.open(stream) as data:
            yield from iter_documents(data)
    else:
        yield from iter_documents(stream)


# --- one document ------------------------------------------------------------------------------
def parse_document(data: bytes, url: str | None = None, fetched_at: dt.datetime | None = None) -> Patent:
    """One USPTO XML document (any version) as a Patent; ParseError when it cannot be read."""
    root = parse_root(data)
    when = fetched_at or dt.datetime.now(dt.UTC)
    fields: dict[str, object]
    if root.tag in ("us-patent-grant", "us-patent-application"):
        fields = _v4(root)
    elif root.tag == "PATDOC":
        fields = parse_v25(root)
    elif root.tag == "patent-application-publication":
        fields = parse_v15(root)
    else:
        raise ParseError(f"unexpected root element <{root.tag}>, expected a USPTO grant or application")
    try:
        return Patent(source=SOURCE, url=url, fetched_at=when, jurisdiction="US", **fields)  # type: ignore[arg-type]
    except ValidationError as error:
        raise ParseError(f"{fields.get('id')}: {error}") from error


def _v4(root: etree._Element) -> dict[str, object]:
    """Fields of a grant or application in the ST.36-based versions 4.0–4.7."""
    grant = root.tag == "us-patent-grant"
    bib = root.find("us-bibliographic-data-grant" if grant else "us-bibliographic-data-application")
    if bib is None:
        raise ParseError(f"<{root.tag}> without bibliographic data")
    pub = bib.find("publication-reference/document-id")
    number, kind = text_of(_at(pub, "doc-number")), text_of(_at(pub, "kind"))
    if not number:
        raise ParseError(f"<{root.tag}> without a publication number")
    doc_id = us_number(number, kind, text_of(_at(pub, "country")) or "US")
    published = parse_date(text_of(_at(pub, "date"))) or parse_date(root.get("date-publ"))
    app = bib.find("application-reference/document-id")
    app_number = text_of(_at(app, "doc-number"))
    app_date = parse_date(text_of(_at(app, "date")))
    priorities = [parse_date(text_of(e)) for path in _PRIORITY_PATHS for e in bib.iterfind(path)]
    lang = (root.get("lang") or "en").lower()
    title = text_of(bib.find("invention-title"))
    abstract = root.find("abstract")
    abstract_text = paragraphs(abstract.iterfind(".//p")) or text_of(abstract) if abstract is not None else ""
    claims = paragraphs(root.iterfind("claims/claim"))
    applicants, inventors = _parties(bib)
    return {
        "id": doc_id, "kind": kind.upper() or None,
        "application_number": f"US{app_number}" if app_number else None, "application_date": app_date,
        "priority_date": earliest([*priorities, app_date]), "publication_date": published,
        "grant_date": published if grant else None,
        "titles": {lang: title} if title else {}, "abstracts": {lang: abstract_text} if abstract_text else {},
        "claims": {lang: claims} if claims else {},
        "applicants": applicants, "inventors": inventors,
        "cpc": _cpc(bib), "ipc": _ipc(bib), "citations": _citations(bib),
    }


def _at(element: etree._Element | None, path: str) -> etree._Element | None:
    """The first match of a path below an element, None when either is missing."""
    return element.find(path) if element is not None else None


def _codes(elements: Iterable[etree._Element]) -> list[str]:
    """Symbols of structured classification elements (section … subgroup), each once, in order."""
    out: list[str] = []
    for element in elements:
        code = symbol(*(text_of(element.find(tag)) for tag in _CODE_PARTS))
        if code and code not in out:
            out.append(code)
    return out


def _cpc(bib: etree._Element) -> list[str]:
    """CPC symbols, main first (classifications-cpc; 2013 onwards)."""
    return _codes(bib.iterfind("classifications-cpc/*/classification-cpc"))


def _ipc(bib: etree._Element) -> list[str]:
    """IPC symbols from classifications-ipcr and the older classification-ipc texts."""
    out = _codes(bib.iterfind("classifications-ipcr/classification-ipcr"))
    for element in bib.iterfind("classification-ipc/*"):
        code = ipc_symbol(text_of(element)) if element.tag.endswith("classification") else None
        if code and code not in out:
            out.append(code)
    return out


def _citations(bib: etree._Element) -> list[str]:
    """Cited patent publications (us-references-cited from v4.2, references-cited before)."""
    out: list[str] = []
    for docid in bib.iterfind("*/*/patcit/document-id"):
        number = cited_number(text_of(docid.find("country")), text_of(docid.find("doc-number")),
                              text_of(docid.find("kind")) or None)
        if number and number not in out:
            out.append(number)
    return out


def _party(element: etree._Element, organization: bool) -> Party | None:
    """A Party from an applicant, assignee or inventor element (addressbook with orgname or names)."""
    book = element.find("addressbook")
    if book is None:
        book = element
    org = text_of(book.find("orgname"))
    person = ", ".join(p for p in (text_of(book.find("last-name")), text_of(book.find("first-name"))) if p)
    name = org or person or text_of(book.find("name"))
    found = book.find("address")
    address = {str(c.tag): text_of(c) for c in found if isinstance(c.tag, str)} if found is not None else {}
    country = (address.get("country") or text_of(element.find("residence/country"))
               or text_of(element.find("nationality/country")))
    return make_party(name, address, country, organization=organization and not person)


def _parties(bib: etree._Element) -> tuple[list[Party], list[Party]]:
    """(applicants, inventors): assignees and non-inventor applicants; inventor-applicants otherwise.

    Before 2012 inventors filed as applicants (app-type applicant-inventor, no inventors element);
    around 2013–2015 they are often plain 'applicant's with the same names as the inventors.
    """
    inventors = merge_parties(_party(e, organization=False) for e in
                              [*bib.iterfind("us-parties/inventors/inventor"),
                               *bib.iterfind("parties/inventors/inventor")])
    inventor_keys = {p.name_normalized for p in inventors}
    owners: list[Party | None] = []
    inventor_applicants: list[Party | None] = []
    found = bib.iterfind("us-parties/us-applicants/us-applicant") if bib.find("us-parties") is not None \
        else bib.iterfind("parties/applicants/applicant")
    for applicant in found:
        party = _party(applicant, organization=True)
        inventor = applicant.get("app-type") == "applicant-inventor" \
            or applicant.get("applicant-authority-category") == "inventor" \
            or (party is not None and party.name_normalized in inventor_keys)
        (inventor_applicants if inventor else owners).append(party)
    owners += (_party(e, organization=True) for e in bib.iterfind("assignees/assignee"))
    applicants = merge_parties(owners) or merge_parties(inventor_applicants)
    return applicants, inventors or merge_parties(inventor_applicants)
