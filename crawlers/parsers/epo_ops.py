"""EPO OPS 3.2 responses in, records out: search pages, exchange documents (biblio, abstract), claims."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree
from pydantic import ValidationError

from crawlers.parsers.epo_ops_control import (
    AccessToken,
    ServiceQuota,
    Throttling,
    parse_access_token,
    parse_throttling,
)
from crawlers.parsers.epo_ops_fields import (
    by_lang,
    child_text,
    citations,
    cpc,
    docid,
    first_date,
    ipc,
    is_grant,
    parse_date,
    parties,
    text_of,
)
from crawlers.parsers.errors import ParseError
from vrscope.ids import InvalidIdentifier, normalize_patent_number
from vrscope.records import Patent

__all__ = [
    "AccessToken", "ExchangeResult", "ParseError", "SearchPage", "SearchReference", "ServiceQuota",
    "Throttling",
    "attach_claims", "merge_by_id", "merge_patents", "parse_access_token", "parse_claims",
    "parse_exchange_documents", "parse_exchange_documents_partial", "parse_search", "parse_throttling",
]

EX = "http://www.epo.org/exchange"
OPS = "http://ops.epo.org"
SOURCE = "epo_ops"
_FULLTEXT_ID = "{*}bibliographic-data/{*}publication-reference/{*}document-id"


@dataclass(frozen=True)
class SearchReference:
    """One hit of a published-data search: a DOCDB publication reference."""

    country: str
    number: str
    kind: str
    family_id: str | None = None

    @property
    def docdb(self) -> str:
        """The reference in OPS URL form: ``CC.number.kind``."""
        return ".".join(p for p in (self.country, self.number, self.kind) if p)

    @property
    def publication_number(self) -> str:
        """Normalized publication number, or the plain concatenation when vrscope.ids cannot read it."""
        try:
            return normalize_patent_number(self.country + self.number, self.kind or None)
        except InvalidIdentifier:
            return f"{self.country}{self.number}{self.kind}".upper()


@dataclass(frozen=True)
class SearchPage:
    """One page of published-data search results."""

    total: int
    begin: int
    end: int
    references: list[SearchReference]
    query: str | None = None


@dataclass(frozen=True)
class ExchangeResult:
    """Patents read from an exchange-documents response, and the documents that could not be read."""

    patents: list[Patent]
    errors: list[str] = field(default_factory=list)


def _root(body: bytes | str) -> etree._Element:
    """Parse a body into the OPS root element or raise ParseError."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    if not data or not data.strip():
        raise ParseError("empty body")
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_pis=True)
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ParseError(f"not well-formed XML (truncated?): {error}") from error
    name = etree.QName(root).localname
    if name == "fault":
        message = child_text(root, "{*}message") or child_text(root, "{*}description")
        raise ParseError(f"OPS fault {child_text(root, '{*}code')}: {message}".strip())
    if name != "world-patent-data":
        raise ParseError(f"unexpected root element <{name}>, expected <ops:world-patent-data>")
    return root


def _number(docid_el: etree._Element | None) -> tuple[str, str, str]:
    """(country, doc-number, kind) of a document-id."""
    return tuple(child_text(docid_el, f"{{*}}{tag}") for tag in ("country", "doc-number", "kind"))  # type: ignore[return-value]


def _application_number(appref: etree._Element | None) -> str | None:
    """The application number as DOCDB country + number (epodoc form when docdb is missing)."""
    country, number, _ = _number(docid(appref, "docdb"))
    if number:
        return country + number
    return child_text(docid(appref, "epodoc"), "{*}doc-number") or None


def _publication_id(country: str, number: str, kind: str, what: str) -> str:
    """The normalized id of a DOCDB publication number; ParseError naming ``what`` when it is unreadable."""
    try:
        return normalize_patent_number(country + number, kind or None)
    except InvalidIdentifier as error:
        raise ParseError(f"unreadable {what} {country}.{number}.{kind}: {error}") from error


def _patent(doc: etree._Element, url: str | None, fetched_at: dt.datetime) -> Patent:
    """One exchange-document as a Patent."""
    bib = doc.find("{*}bibliographic-data")
    if bib is None:
        bib = etree.Element("bibliographic-data")
    pubref = bib.find("{*}publication-reference")
    country, number, kind = _number(docid(pubref, "docdb"))
    country = doc.get("country") or country
    number, kind = doc.get("doc-number") or number, doc.get("kind") or kind
    if not country or not number:
        raise ParseError("exchange-document without a publication number")
    doc_id = _publication_id(country, number, kind, "publication number")
    published = first_date(pubref)
    appref = bib.find("{*}application-reference")
    dates = bib.iterfind("{*}priority-claims/{*}priority-claim/{*}document-id/{*}date")
    priorities = [d for d in (parse_date(text_of(e)) for e in dates) if d]
    try:
        return Patent(
            id=doc_id, source=SOURCE, url=url, fetched_at=fetched_at, kind=kind.upper() or None,
            jurisdiction=country.upper(), family_id=doc.get("family-id") or None,
            application_number=_application_number(appref), application_date=first_date(appref),
            priority_date=min(priorities) if priorities else None, publication_date=published,
            grant_date=published if is_grant(country.upper(), kind) else None,
            titles=by_lang(bib.iterfind("{*}invention-title")),
            abstracts=by_lang(doc.iterfind("{*}abstract"), paragraphs=True),
            applicants=parties(bib, "applicants", "applicant"),
            inventors=parties(bib, "inventors", "inventor"),
            cpc=cpc(bib), ipc=ipc(bib), citations=citations(bib),
        )
    except ValidationError as error:
        raise ParseError(f"{doc_id}: {error}") from error


def _documents(root: etree._Element) -> list[etree._Element]:
    """Every exchange-document of a biblio, abstract, full-cycle, family-with-biblio or search response."""
    docs = list(root.iter(f"{{{EX}}}exchange-document"))
    if not docs and root.find(f".//{{{EX}}}exchange-documents") is None \
            and root.find(f"{{{OPS}}}biblio-search") is None:
        raise ParseError("not an exchange-documents response (no <exchange-document>)")
    return [doc for doc in docs if "not found" not in (doc.get("status") or "").lower()]


def parse_exchange_documents_partial(body: bytes | str, url: str | None = None,
                                     fetched_at: dt.datetime | None = None) -> ExchangeResult:
    """Read every document that can be read; the others are reported in ``errors``, not raised."""
    when = fetched_at or dt.datetime.now(dt.UTC)
    patents: list[Patent] = []
    errors: list[str] = []
    for doc in _documents(_root(body)):
        try:
            patents.append(_patent(doc, url, when))
        except ParseError as error:
            errors.append(str(error))
    return ExchangeResult(patents, errors)


def parse_exchange_documents(body: bytes | str, url: str | None = None,
                             fetched_at: dt.datetime | None = None) -> list[Patent]:
    """Patents from a biblio, search-with-biblio or abstract response; any unreadable document raises."""
    result = parse_exchange_documents_partial(body, url, fetched_at)
    if result.errors:
        raise ParseError("; ".join(result.errors))
    return result.patents


def parse_search(body: bytes | str) -> SearchPage:
    """A published-data search page: total count, range and the DOCDB references on it."""
    search = _root(body).find(f"{{{OPS}}}biblio-search")
    if search is None:
        raise ParseError("not a search response (no <ops:biblio-search>)")
    refs: list[SearchReference] = []
    for pubref in search.iter(f"{{{OPS}}}publication-reference"):
        found = docid(pubref, "docdb")
        country, number, kind = _number(found if found is not None else pubref.find("{*}document-id"))
        refs.append(SearchReference(country, number, kind, pubref.get("family-id") or None))
    if not refs:  # search/biblio: the hits are exchange-documents
        for doc in search.iter(f"{{{EX}}}exchange-document"):
            refs.append(SearchReference(doc.get("country") or "", doc.get("doc-number") or "",
                                        doc.get("kind") or "", doc.get("family-id") or None))
    if any(not r.country or not r.number for r in refs):
        raise ParseError("search hit without country or number")
    rng = search.find(f"{{{OPS}}}range")
    try:
        begin = int(rng.get("begin", "1")) if rng is not None else 1
        end = int(rng.get("end", "0")) if rng is not None else begin + len(refs) - 1
        total = int(search.get("total-result-count", str(len(refs))))
    except ValueError as error:
        raise ParseError(f"unreadable search range or count: {error}") from error
    query = child_text(search, f"{{{OPS}}}query") or None
    return SearchPage(total=total, begin=begin, end=end, references=refs, query=query)


def _claims_text(claims: etree._Element) -> str:
    """Claim texts of one <claims> element, one per line, whitespace tidied within lines."""
    texts: list[str] = []
    for claim in claims.iterfind("{*}claim"):
        for claim_text in claim.findall("{*}claim-text") or [claim]:
            lines = (" ".join(line.split()) for line in "".join(map(str, claim_text.itertext())).splitlines())
            texts.append("\n".join(line for line in lines if line))
    return "\n".join(t for t in texts if t)


def parse_claims(body: bytes | str) -> dict[str, dict[str, str]]:
    """Claims from a claims (fulltext) response: publication number → language → claims text."""
    root = _root(body)
    if root.find(".//{*}fulltext-documents") is None:
        raise ParseError("not a fulltext response (no <fulltext-documents>)")
    out: dict[str, dict[str, str]] = {}
    for doc in root.iter("{*}fulltext-document"):
        country, number, kind = _number(doc.find(_FULLTEXT_ID))
        country = country or doc.get("country", "")
        number, kind = number or doc.get("doc-number", ""), kind or doc.get("kind", "")
        try:
            doc_id = normalize_patent_number(country + number, kind or None)
        except InvalidIdentifier as error:
            raise ParseError(f"fulltext document without a readable number: {error}") from error
        for claims in doc.iterfind("{*}claims"):
            value = _claims_text(claims)
            if value:
                out.setdefault(doc_id, {}).setdefault((claims.get("lang") or "und").lower(), value)
    return out


def merge_patents(base: Patent, extra: Patent) -> Patent:
    """One Patent from two views of the same document: base wins, extra fills what base lacks."""
    if base.id != extra.id:
        raise ValueError(f"cannot merge {base.id} with {extra.id}")
    data = base.model_dump()
    for key, value in extra.model_dump().items():
        current = data.get(key)
        if isinstance(current, dict):
            merged = dict(current)
            for lang, text in value.items():
                merged.setdefault(lang, text)
            data[key] = merged
        elif key in ("cpc", "ipc", "citations"):
            data[key] = list(current or []) + [v for v in value if v not in (current or [])]
        elif isinstance(current, list):
            data[key] = current or value
        elif current is None:
            data[key] = value
    data["fetched_at"] = max(base.fetched_at, extra.fetched_at)
    return Patent.model_validate(data)


def merge_by_id(patents: Iterable[Patent]) -> list[Patent]:
    """Merge every view of the same publication (e.g. biblio then abstract), keeping first-seen order."""
    out: dict[str, Patent] = {}
    for patent in patents:
        out[patent.id] = merge_patents(out[patent.id], patent) if patent.id in out else patent
    return list(out.values())


def attach_claims(patent: Patent, claims: dict[str, dict[str, str]]) -> Patent:
    """The patent with its claims (from parse_claims) filled in by language."""
    found = claims.get(patent.id)
    if not found:
        return patent
    return patent.model_copy(update={"claims": {**found, **patent.claims}})
