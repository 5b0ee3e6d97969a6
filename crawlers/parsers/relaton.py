"""One Relaton YAML document (the relaton-data-* repositories' format) → Standard.

Relaton files come in two schema generations: ``docid``/``id``, ``date.value``, ``docstatus``,
``link`` (ISO, IEC, IEEE, ETSI, 3GPP data) and ``docidentifier``/``content``, ``date.at``,
``status``, ``source`` (ITU and newer data). Older files also write a single item where newer ones
write a list. Both are read here; nothing in this module touches the network or the disk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import yaml

from crawlers.parsers import intl_std as intl
from crawlers.parsers.errors import ParseError
from vrscope.ids import InvalidIdentifier, normalize_standard_id
from vrscope.records import Edition, Level, Standard, StandardStatus

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ID_TYPES_SKIPPED = {"URN", "ISBN", "DOI", "ISSN", "iso-reference", "iso-with-lang", "uri", "URI"}
_TITLE_PARTS = ("title-intro", "title-main", "title-part")
_REPLACES = {"obsoletes", "replaces", "supersedes", "revises"}
_REPLACED_BY = {"obsoletedBy", "replacedBy", "supersededBy", "updatedBy", "revisedBy"}


def load_yaml(text: str | bytes) -> Any:
    """Parse YAML safely (libyaml when available); malformed text is a ParseError."""
    try:
        return yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as error:
        raise ParseError(f"malformed YAML: {error}") from error


def _many(value: object) -> list[Any]:
    """Relaton writes one item or a list of them."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _mapping(value: object) -> Mapping[str, Any]:
    """A node that should be a mapping, or an empty one."""
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str | None:
    """The text of a node: a string, or {content:} / {value:} / {at:} / {id:}."""
    if isinstance(value, Mapping):
        for key in ("content", "value", "at", "id"):
            if value.get(key) is not None:
                return _text(value[key])
        return None
    if isinstance(value, list):
        return _text(value[0]) if value else None
    return intl.date_text(value)


def _langs(node: Mapping[str, Any]) -> list[str]:
    return [str(lang) for lang in _many(node.get("language"))]


def primary_id(doc: Mapping[str, Any]) -> str:
    """The document's primary identifier (not its trademark, URN, ISBN or DOI variant)."""
    ids = [d for d in _many(doc.get("docidentifier") or doc.get("docid")) if isinstance(d, Mapping)]
    usable = [d for d in ids if str(d.get("type")) not in _ID_TYPES_SKIPPED and d.get("scope") != "trademark"]
    for candidates in ([d for d in usable if d.get("primary")], usable, ids):
        for node in candidates:
            text = _text(node)
            if text:
                return text
    raise ParseError("Relaton document without an identifier")


def _titles(doc: Mapping[str, Any]) -> dict[str, str]:
    """Title by language: the 'main' title, else intro – main – part joined, else the first."""
    by_lang: dict[str, dict[str, str]] = {}
    for node in _many(doc.get("title")):
        text = intl.plain(_text(node))
        if not text:
            continue
        kind = str(node.get("type") or "main") if isinstance(node, Mapping) else "main"
        for lang in (_langs(node) if isinstance(node, Mapping) else []) or ["en"]:
            by_lang.setdefault(lang, {}).setdefault(kind, text)
    out = {}
    for lang, kinds in by_lang.items():
        parts = [kinds[k] for k in _TITLE_PARTS if k in kinds]
        out[lang] = kinds.get("main") or " - ".join(parts) or next(iter(kinds.values()))
    return out


def _abstract(doc: Mapping[str, Any]) -> str | None:
    nodes = [n for n in _many(doc.get("abstract")) if _text(n)]
    english = [n for n in nodes if not isinstance(n, Mapping) or "en" in _langs(n) or not _langs(n)]
    for node in english or nodes:
        markup = isinstance(node, Mapping) and "html" in str(node.get("format") or "")
        return intl.plain(_text(node), markup=markup)
    return None


def _links(doc: Mapping[str, Any]) -> str | None:
    links = [n for n in _many(doc.get("link")) + _many(doc.get("source")) if _text(n)]
    for node in links:
        if isinstance(node, Mapping) and node.get("type") == "src":
            return _text(node)
    return _text(links[0]) if links else None


def _dates(doc: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for node in _many(doc.get("date")):
        if isinstance(node, Mapping) and node.get("type"):
            value = _text(node.get("on") or node.get("value") or node.get("at") or node.get("from"))
            if value:
                out.setdefault(str(node["type"]), value)
    return out


def _publishers(doc: Mapping[str, Any]) -> list[str]:
    found = []
    for node in _many(doc.get("contributor")):
        if not isinstance(node, Mapping):
            continue
        roles = {_text(r) if not isinstance(r, Mapping) else r.get("type") for r in _many(node.get("role"))}
        org = node.get("organization")
        if "publisher" in roles and isinstance(org, Mapping):
            abbreviation = _text(org.get("abbreviation"))
            if abbreviation:
                found.append(abbreviation)
    return found


def _committees(doc: Mapping[str, Any], body: str) -> list[str]:
    """Technical committees from editorialgroup (either place), or an author-committee contributor."""
    ext = _mapping(doc.get("ext"))
    names: list[str] = []
    for group in _many(doc.get("editorialgroup")) + _many(ext.get("editorialgroup")):
        if not isinstance(group, Mapping):
            continue
        for tc in _many(group.get("technical_committee")):
            names.append(str(tc.get("identifier") or _text(tc.get("name")) or "") if isinstance(tc, Mapping)
                         else str(tc))
        names += [str(_text(c)) for c in _many(group.get("committee")) if _text(c)]
        if group.get("name") and not group.get("technical_committee"):
            names.append(str(_text(group["name"])))
    for node in _many(doc.get("contributor")):
        org = node.get("organization") if isinstance(node, Mapping) else None
        for division in _many(org.get("subdivision")) if isinstance(org, Mapping) else []:
            if isinstance(division, Mapping) and division.get("type") == "technical-committee":
                names += [str(_text(n)) for n in _many(division.get("name")) if _text(n)]
    return list(dict.fromkeys(intl.committee_name(n, body) for n in names if n))


def _ics(doc: Mapping[str, Any]) -> list[str]:
    ext = _mapping(doc.get("ext"))
    nodes = _many(doc.get("ics")) + _many(ext.get("ics"))
    codes = [n.get("code") if isinstance(n, Mapping) else n for n in nodes]
    return list(dict.fromkeys(str(c) for c in codes if c))


def _doctype(doc: Mapping[str, Any]) -> str | None:
    ext = _mapping(doc.get("ext"))
    node = ext.get("doctype") or doc.get("doctype")
    if isinstance(node, Mapping):
        return _text(node.get("type") or node.get("content"))
    return _text(node)


def _version(doc: Mapping[str, Any]) -> str | None:
    edition = _text(doc.get("edition"))
    if edition:
        return edition
    for node in _many(doc.get("version")):
        if isinstance(node, Mapping):
            node = node.get("draft") or node.get("revision_date")
        found = _text(node)
        if found:
            return found
    return None


def _status(doc: Mapping[str, Any], body: str, version: str | None, published: str | None) -> intl.Status:
    node = doc.get("docstatus") or doc.get("status") or {}
    stage = _text(node.get("stage")) if isinstance(node, Mapping) else _text(node)
    substage = _text(node.get("substage")) if isinstance(node, Mapping) else None
    ext = _mapping(doc.get("ext"))
    if "IEEE" in body or ext.get("standard_status"):
        found = intl.ieee_status(stage, ext.get("standard_status"), ext.get("standard_modified"))
        if found.status is not None:
            return found
    if stage:
        return intl.stage_status(stage, substage)
    if body == "3GPP":
        return intl.version_status(version)
    if body == "ETSI" and published:
        return intl.Status(StandardStatus.PUBLISHED)
    return intl.Status()


def _related_id(node: Mapping[str, Any]) -> str | None:
    item = _mapping(node.get("bibitem"))
    try:
        return primary_id(item)
    except ParseError:
        return _text(item.get("formattedref"))


def _relations(doc: Mapping[str, Any], own_id: str) -> tuple[list[str], list[str]]:
    """Identifiers this document replaces, and those that replace it."""
    replaces: list[str] = []
    replaced_by: list[str] = []
    for node in _many(doc.get("relation")):
        if not isinstance(node, Mapping):
            continue
        kind = str(node.get("type") or "")
        other = _related_id(node)
        if not other:
            continue
        if kind == "updates":
            item = node.get("bibitem") or {}
            # relaton-iso writes the page's "Revised by" / "Amended by" as 'updates' with a
            # 'circulated' date: the other document updates this one, not the reverse.
            circulated = any(isinstance(d, Mapping) and d.get("type") == "circulated"
                             for d in _many(item.get("date")))
            if not circulated:
                replaces.append(other)
            elif not other.startswith(own_id + "/"):  # an amendment to this edition replaces nothing
                replaced_by.append(other)
        elif kind in _REPLACES:
            replaces.append(other)
        elif kind in _REPLACED_BY:
            replaced_by.append(other)
    return _normalized(replaces), _normalized(replaced_by)


def _normalized(idents: list[str]) -> list[str]:
    out = []
    for ident in idents:
        try:
            out.append(normalize_standard_id(ident))
        except InvalidIdentifier:
            continue
    return list(dict.fromkeys(out))


def to_standard(doc: Any, source: str = "relaton", origin: str | None = None,
                fetched_at: dt.datetime | None = None) -> Standard:
    """A parsed Relaton document (a mapping) → Standard; a shape this reader does not know is a ParseError."""
    try:
        return _build(doc, source, origin, fetched_at)
    except (AttributeError, TypeError, KeyError, IndexError) as error:
        raise ParseError(f"unexpected Relaton structure: {type(error).__name__}: {error}") from error


def _build(doc: Any, source: str, origin: str | None, fetched_at: dt.datetime | None) -> Standard:
    if not isinstance(doc, Mapping):
        raise ParseError(f"a Relaton document is a mapping, not {type(doc).__name__}")
    raw_id = primary_id(doc)
    publishers = _publishers(doc)
    ids = [d for d in _many(doc.get("docidentifier") or doc.get("docid")) if isinstance(d, Mapping)]
    default = publishers[0] if publishers else str(ids[0].get("type") or raw_id.split(" ")[0])
    body = intl.body_of(raw_id, default)
    try:
        identifier = normalize_standard_id(raw_id)
    except InvalidIdentifier as error:
        raise ParseError(str(error)) from error
    dates = _dates(doc)
    published = (dates.get("issued") or dates.get("created") or dates.get("published")) if "IEEE" in body \
        else (dates.get("published") or dates.get("issued"))
    version = _version(doc)
    state = _status(doc, body, version, published)
    replaces, replaced_by = _relations(doc, raw_id)
    status = state.status
    if status is StandardStatus.WITHDRAWN and replaced_by and state.stage_code in {"95.99", None}:
        status = StandardStatus.REPLACED  # withdrawn because a newer edition took its place
    titles = _titles(doc)
    url = _links(doc)
    fields: dict[str, Any] = {
        "id": identifier,
        "source": source,
        "url": url,
        "level": Level.INTERNATIONAL,
        "body": body,
        "doctype": _doctype(doc),
        "title_en": titles.get("en") or (next(iter(titles.values()), None) if "zh" not in titles else None),
        "title_zh": titles.get("zh"),
        "abstract": _abstract(doc),
        "status": status,
        "status_raw": state.status_raw,
        "stage_code": state.stage_code,
        "stage_name": state.stage_name,
        "committee": "; ".join(_committees(doc, body.split("/")[0])) or None,
        "ics": _ics(doc),
        "published_date": intl.parse_date(published),
        "implemented_date": intl.parse_date(dates.get("implemented")),
        "withdrawn_date": intl.parse_date(dates.get("obsoleted")),
        "replaces": replaces,
        "replaced_by": replaced_by,
        "editions": [Edition(identifier=raw_id, source=source, origin=origin or url, edition=version,
                             date=published, status=status, stage_code=state.stage_code, url=url)],
        "sources": [source],
    }
    return intl.standard_from_fields(fields, raw_id, fetched_at)


def parse_relaton(text: str | bytes, source: str = "relaton", origin: str | None = None,
                  fetched_at: dt.datetime | None = None) -> Standard:
    """One Relaton YAML file → Standard."""
    return to_standard(load_yaml(text), source, origin, fetched_at)


def parse_index(text: str | bytes) -> list[str]:
    """File paths listed in a relaton-data index (``- :id: … :file: data/x.yaml``, or plain paths)."""
    entries = load_yaml(text)
    if isinstance(entries, Mapping):
        entries = entries.get("files") or entries.get("index") or list(entries.values())
    if not isinstance(entries, list):
        raise ParseError("a Relaton index is a list of entries")
    files = []
    for entry in entries:
        path = entry.get("file") or entry.get(":file") if isinstance(entry, Mapping) else entry
        if isinstance(path, str) and path.strip():
            files.append(path.strip())
    return list(dict.fromkeys(files))
