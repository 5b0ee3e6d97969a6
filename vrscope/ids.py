"""Identifier normalization: patent publication numbers (DOCDB style) and standard identifiers."""

from __future__ import annotations

import re
import unicodedata

_SEP = re.compile(r"[\s.,/\-_]+")
# Up to two letters may lead the serial: US designs D…, reissues RE…, plants PP….
_PATENT = re.compile(r"^([A-Z]{2})([A-Z]{0,2}\d[\dA-Z]*?)([A-Z]\d?)?$")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D－—–]")
# Chinese and regional standard prefixes: GB, GB/T, GB/Z, JB/T, DB37/T, T/CESA …
_CN_STD = re.compile(r"^((?:GB|[A-Z]{1,4}\d{0,2})(?:/[TZ])?|T/[A-Z0-9]+)\s*(\d[\d.]*)(?:\s*-\s*(\d{4}))?$")
_ISO_LIKE = re.compile(r"\s*:\s*")


class InvalidIdentifier(ValueError):
    """Raised when a string cannot be read as an identifier."""


def normalize_patent_number(raw: str, kind: str | None = None) -> str:
    """Normalize a publication number to DOCDB style: country + number + kind, no separators.

    ``US 2020/0123456 A1`` → ``US2020123456A1``; ``EP 1 234 567 B1`` → ``EP1234567B1``;
    ``CN112345678A`` stays as it is.
    """
    text = unicodedata.normalize("NFKC", raw or "").upper().strip()
    if not text:
        raise InvalidIdentifier("empty publication number")
    compact = _SEP.sub("", text)
    match = _PATENT.match(compact)
    if not match:
        raise InvalidIdentifier(f"not a publication number: {raw!r}")
    country, number, found_kind = match.groups()
    # USPTO pre-grant publications: 4-digit year + 7-digit serial; DOCDB drops the serial's leading zero.
    if country == "US" and len(number) == 11 and number[4] == "0" and number[:2] in {"19", "20"}:
        number = number[:4] + number[5:]
    final_kind = (kind or found_kind or "").upper().strip()
    return f"{country}{number}{final_kind}"


def split_patent_number(number: str) -> tuple[str, str, str]:
    """Split a normalized publication number into (country, number, kind)."""
    match = _PATENT.match(number)
    if not match:
        raise InvalidIdentifier(f"not a publication number: {number!r}")
    country, digits, kind = match.groups()
    return country, digits, kind or ""


def normalize_standard_id(raw: str) -> str:
    """Normalize a standard identifier to one printable form.

    ``GB/T 38259—2019``, ``GB/T38259-2019`` and ``GB／T 38259－2019`` all become ``GB/T 38259-2019``;
    ``ISO/IEC 23090-2 : 2023`` becomes ``ISO/IEC 23090-2:2023``.
    """
    text = unicodedata.normalize("NFKC", raw or "")
    text = _DASHES.sub("-", text)
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise InvalidIdentifier("empty standard identifier")
    text = re.sub(r"\s*/\s*", "/", text)
    upper = text.upper()
    cn = _CN_STD.match(upper)
    if cn and not upper.startswith(("ISO", "IEC", "ITU", "IEEE", "ETSI", "EN ")):
        prefix, number, year = cn.groups()
        return f"{prefix} {number}" + (f"-{year}" if year else "")
    text = _ISO_LIKE.sub(":", text)
    text = re.sub(r"\s*-\s*", "-", text)
    return text
