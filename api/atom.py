"""Atom 1.0 (RFC 4287) documents, built with lxml so that every text and attribute is escaped.

feedgen 1.0 was tried first: it drops the rel and type of entry links (a shadowed variable in
``FeedEntry.atom_entry``), which makes two links both "alternate" — invalid Atom — so the few
elements needed are written here instead.
"""

from __future__ import annotations

import datetime as dt
import re

from lxml import etree
from pydantic import BaseModel, Field

NS = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
# characters XML 1.0 cannot carry at all (crawled text may hold them)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Link(BaseModel):
    """An atom:link."""

    href: str
    rel: str = "alternate"
    type: str | None = None


class Entry(BaseModel):
    """An atom:entry: id, title and updated are required by RFC 4287."""

    id: str
    title: str
    updated: dt.datetime
    published: dt.datetime | None = None
    summary: str | None = None
    links: list[Link] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)


class Feed(BaseModel):
    """An atom:feed with its entries, latest first."""

    id: str
    title: str
    updated: dt.datetime
    author: str
    subtitle: str | None = None
    links: list[Link] = Field(default_factory=list)
    entries: list[Entry] = Field(default_factory=list)


def _stamp(moment: dt.datetime) -> str:
    """An RFC 3339 date-time; naive times are taken as UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).isoformat()


def clean(value: str) -> str:
    """Text with the characters XML cannot hold removed (lxml escapes the rest)."""
    return _NOT_XML.sub("", value)


def _text(parent: etree._Element, name: str, value: str) -> None:
    etree.SubElement(parent, f"{{{NS}}}{name}").text = clean(value)


def _links(parent: etree._Element, links: list[Link]) -> None:
    for link in links:
        attrs = {"href": clean(link.href), "rel": link.rel, **({"type": link.type} if link.type else {})}
        etree.SubElement(parent, f"{{{NS}}}link", attrs)


def render(feed: Feed) -> bytes:
    """The feed as UTF-8 XML with a declaration."""
    root = etree.Element(f"{{{NS}}}feed", nsmap={None: NS})  # type: ignore[dict-item]  # None = default namespace
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    if feed.subtitle:
        _text(root, "subtitle", feed.subtitle)
    _text(root, "updated", _stamp(feed.updated))
    author = etree.SubElement(root, f"{{{NS}}}author")
    _text(author, "name", feed.author)
    _links(root, feed.links)
    _text(root, "generator", "vrscope")
    for item in feed.entries:
        entry = etree.SubElement(root, f"{{{NS}}}entry")
        _text(entry, "id", item.id)
        _text(entry, "title", item.title)
        _text(entry, "updated", _stamp(item.updated))
        if item.published is not None:
            _text(entry, "published", _stamp(item.published))
        _links(entry, item.links)
        for term in item.categories:
            etree.SubElement(entry, f"{{{NS}}}category", {"term": clean(term)})
        if item.summary:
            _text(entry, "summary", item.summary)
    body: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return body
