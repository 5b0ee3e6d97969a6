"""Helpers for Chinese HTML pages: decoding UTF-8 or GBK/GB18030 bodies, cleaning text, reading dates."""

from __future__ import annotations

import codecs
import datetime as dt
import re

from parsel import Selector, SelectorList

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.IGNORECASE)
_SPACE = re.compile(r"[\s\u00a0\u3000]+")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
# GB2312 and GBK are subsets of GB18030: decode with the superset so rare characters survive.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "euc-cn", "x-gbk", "hz-gb-2312"}


def _codec(name: str | None) -> str | None:
    """The Python codec for a declared charset, or None when unknown."""
    if not name:
        return None
    lowered = name.strip().lower()
    if lowered in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(lowered).name
    except LookupError:
        return None


def header_charset(content_type: str | bytes | None) -> str | None:
    """The charset named in a Content-Type header value, if any."""
    if content_type is None:
        return None
    text = content_type.decode("latin-1") if isinstance(content_type, bytes) else content_type
    match = _HEADER_CHARSET.search(text)
    return match.group(1) if match else None


def decode_html(body: bytes, declared: str | None = None) -> str:
    """Decode an HTML body: BOM, then strict UTF-8, then the declared or meta charset, then GB18030."""
    # Strict UTF-8 goes first: Chinese text in GBK almost never forms valid UTF-8, while a UTF-8
    # page mislabelled as GBK would decode to plausible-looking mojibake.
    if body.startswith(codecs.BOM_UTF8):
        return body[len(codecs.BOM_UTF8):].decode("utf-8", "replace")
    meta = _META_CHARSET.search(body[:4096])
    declared_in_page = _codec(meta.group(1).decode("ascii")) if meta else None
    candidates = ["utf-8", _codec(declared), declared_in_page, "gb18030"]
    for name in dict.fromkeys(c for c in candidates if c):
        try:
            return body.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("gb18030", "replace")


def selector(body: bytes, declared: str | None = None) -> Selector:
    """A parsel Selector over the decoded body."""
    return Selector(text=decode_html(body, declared), type="html")  # parsel would sniff JSON otherwise


def clean(text: str | None) -> str:
    """Collapse every run of whitespace (including NBSP and ideographic space) to one space."""
    return _SPACE.sub(" ", text or "").strip()


def node_text(node: Selector | SelectorList[Selector] | None) -> str:
    """All text inside a node (or every node of a list), cleaned."""
    if node is None:
        return ""
    return clean(" ".join(node.xpath(".//text()").getall()))


def parse_date(text: str | None) -> dt.date | None:
    """The first date in a string ('2006-03-10 00:00:00.0', '2020年3月31日'), or None."""
    match = _DATE.search(text or "")
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
