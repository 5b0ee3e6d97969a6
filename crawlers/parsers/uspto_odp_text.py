"""USPTO ODP full texts: the grant and pre-grant publication XML files of an application, and their texts.

Each file wrapper of a search answer (and ``/applications/{number}/associated-documents``) names
the split full-text XML file of the application's grant (``grantDocumentMetaData``, product
PTGRXML-SPLT) and of its pre-grant publication (``pgpubDocumentMetaData``, APPXML-SPLT). Those
files are the bulk XML documents ``crawlers.parsers.uspto_xml`` reads; their abstract and claims fill
the search record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from crawlers.parsers.errors import ParseError
from crawlers.parsers.jsonbody import json_object
from vrscope.records import Patent

__all__ = ["DocumentFiles", "merge_text", "parse_document_files"]

ODP_HOST = "api.uspto.gov"


@dataclass(frozen=True)
class DocumentFiles:
    """The full-text XML files of one application (None where it has none)."""

    application: str | None
    grant: str | None
    pgpub: str | None

    def for_record(self, patent: Patent) -> str | None:
        """The file of the publication a record stands for: the grant's, else the pre-grant publication's."""
        return self.grant if patent.grant_date else self.pgpub


def _get(data: dict[str, Any], key: str) -> Any:
    """A key in either spelling ODP uses (``grantDocumentMetaData`` / ``GrantDocumentMetaData``)."""
    return data.get(key) if key in data else data.get(key[:1].upper() + key[1:])


def _uri(meta: Any) -> str | None:
    if meta is None:
        return None
    if not isinstance(meta, dict):
        raise ParseError(f"document metadata is a {type(meta).__name__}, not an object")
    uri = meta.get("fileLocationURI")
    if not uri:
        return None
    parts = urlsplit(str(uri))
    if parts.scheme != "https" or parts.hostname != ODP_HOST:
        raise ParseError(f"full-text file outside {ODP_HOST}: {uri}")
    return str(uri)


def _files(data: dict[str, Any]) -> DocumentFiles | None:
    number = _get(data, "applicationNumberText") or _get(data, "applicationNumber")
    if not number:
        return None
    grant = _uri(_get(data, "grantDocumentMetaData"))
    return DocumentFiles(str(number), grant, _uri(_get(data, "pgpubDocumentMetaData")))


def parse_document_files(body: bytes | str) -> dict[str, DocumentFiles]:
    """Application number → its full-text files, from a search or an associated-documents answer."""
    data = json_object(body)
    bag = next((data[key] for key in ("patentFileWrapperDataBag", "patentdata") if key in data), None)
    wrappers = bag if isinstance(bag, list) else [data]
    out: dict[str, DocumentFiles] = {}
    for wrapper in wrappers:
        if not isinstance(wrapper, dict):
            raise ParseError(f"file wrapper is a {type(wrapper).__name__}, not an object")
        files = _files(wrapper)
        if files is not None:
            out[files.application or ""] = files
    if not out:
        raise ParseError("no application number in the answer")
    return out


def merge_text(patent: Patent, document: Patent) -> Patent:
    """The record with the abstract, claims (and any missing title) of its full-text document."""
    if document.id != patent.id:
        raise ParseError(f"full-text file is {document.id}, not {patent.id}")
    return patent.model_copy(update={
        "abstracts": {**document.abstracts, **patent.abstracts},
        "claims": {**document.claims, **patent.claims},
        "titles": {**document.titles, **patent.titles},
    })
