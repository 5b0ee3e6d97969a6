"""Applicant names: one normalized form per organization, whatever spelling the source uses.

``normalize_applicant`` folds full-width forms, case, accents and punctuation, shortens common words
the way DOCDB does (TECHNOLOGY → TECH, INDUSTRIES → IND …), drops legal forms (CO LTD, INC, GMBH,
KABUSHIKI KAISHA, 股份有限公司, 有限公司, 集团, 株式会社 …) and finally looks the result up in the alias
table (``vrscope/data/applicant_aliases.json`` plus the user's ``applicant_aliases_file``), whose
canonical name wins. The raw name is never changed: records keep it beside the normalized one.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

SHIPPED_ALIASES = Path(__file__).resolve().parent / "data" / "applicant_aliases.json"

# How DOCDB transliterates, so "Müller" and "MUELLER" meet.
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "å": "aa",
                           "Ä": "AE", "Ö": "OE", "Ü": "UE", "Æ": "AE", "Ø": "OE", "Å": "AA"})
_WORDS = {
    "TECHNOLOGY": "TECH", "TECHNOLOGIES": "TECH", "TECHNOLOGICAL": "TECH", "INDUSTRY": "IND",
    "INDUSTRIES": "IND", "INDUSTRIAL": "IND", "INTERNATIONAL": "INT", "MANUFACTURING": "MFG",
    "LABORATORY": "LAB", "LABORATORIES": "LAB", "LABS": "LAB", "UNIVERSITY": "UNIV", "INSTITUTE": "INST",
    "DEVELOPMENT": "DEV", "ELECTRONIC": "ELECTRONICS",
}
# Legal forms as token sequences, matched at the end of a name (several may follow each other).
_LEGAL_SUFFIXES = sorted(
    (tuple(s.split()) for s in (
        "CO LTD", "LTD", "LIMITED", "INC", "INCORPORATED", "CORP", "CORPORATION", "CO", "COMPANY", "LLC",
        "L L C", "LLP", "LP", "LTDA", "PLC", "GMBH", "MBH", "AG", "KG", "KGAA", "AND CO KG", "AND CO",
        "SA", "S A", "SAS", "SARL", "SPA", "SRL", "SL", "BV", "NV", "AB", "OY", "OYJ", "AS", "ASA", "KK",
        "KABUSHIKI KAISHA", "PTE", "PTY", "SE", "GROUP", "AKTIENGESELLSCHAFT", "SOCIETE ANONYME", "EV",
    )),
    key=len, reverse=True,
)
_LEGAL_PREFIXES = (("KABUSHIKI", "KAISHA"),)
_CJK_SUFFIXES = sorted(
    ("集团股份有限公司", "股份有限公司", "有限责任公司", "有限責任公司", "集团有限公司",
     "有限公司", "股份有限會社", "株式会社", "有限会社", "合同会社", "주식회사", "유한회사",
     "集团", "集團", "公司", "股份"),
    key=len, reverse=True,
)
_CJK_PREFIXES = ("株式会社", "주식회사", "(株)", "(주)")
_SPACES = re.compile(r"\s+")


def _fold_char(char: str) -> str:
    """Drop accents from Latin letters only (NFKD would split Hangul syllables into jamo)."""
    if ord(char) >= 0x250:
        return char
    return "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))


def _clean(name: str) -> str:
    """Full-width to half-width, Latin upper case without accents, punctuation to single spaces."""
    text = unicodedata.normalize("NFKC", name or "").translate(_TRANSLIT)
    text = "".join(_fold_char(c) for c in text).upper()
    for prefix in _CJK_PREFIXES:  # "(株)" carries its own punctuation
        if text.startswith(prefix):
            text = text[len(prefix):]
    for mark in (".", "'", "\u2019"):  # S.A. → SA, O'Neil → ONEIL
        text = text.replace(mark, "")
    text = text.replace("&", " AND ").replace("+", " AND ")
    text = "".join(" " if unicodedata.category(c)[0] in "PSZC" else c for c in text)
    return _SPACES.sub(" ", text).strip()


def fold_name(name: str) -> str:
    """A person's name folded for comparison: 'Mäkinen, Juha' → 'MAEKINEN JUHA'."""
    return _clean(name)


def _strip_legal(tokens: list[str]) -> list[str]:
    """Drop legal-form prefixes and suffixes, never the whole name."""
    changed = True
    while changed:
        changed = False
        for lead in _LEGAL_PREFIXES:
            if len(tokens) > len(lead) and tuple(tokens[: len(lead)]) == lead:
                tokens, changed = tokens[len(lead):], True
        for form in _LEGAL_SUFFIXES:
            if len(tokens) > len(form) and tuple(tokens[-len(form):]) == form:
                tokens, changed = tokens[: -len(form)], True
                break
        if tokens:
            last = tokens[-1]
            for suffix in _CJK_SUFFIXES:
                if last.endswith(suffix) and len(last) > len(suffix):
                    tokens, changed = [*tokens[:-1], last[: -len(suffix)]], True
                    break
                if last == suffix and len(tokens) > 1:
                    tokens, changed = tokens[:-1], True
                    break
        if tokens:
            first = tokens[0]
            for prefix in _CJK_PREFIXES:
                if first.startswith(prefix) and len(first) > len(prefix):
                    tokens, changed = [first[len(prefix):], *tokens[1:]], True
                    break
    return tokens


def name_key(name: str) -> str:
    """The comparison key of an organization name: cleaned, common words shortened, legal form dropped."""
    tokens = [_WORDS.get(t, t) for t in _clean(name).split()]
    return " ".join(_strip_legal(tokens))


def _read_aliases(path: Path) -> dict[str, str]:
    """Variant → canonical from one JSON file ({"aliases": {…}} or a plain object)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"cannot read applicant aliases from {path}: {error}") from error
    table = data.get("aliases", data) if isinstance(data, dict) else None
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise ValueError(f"{path}: expected a JSON object of variant → canonical name strings")
    return {str(k): v for k, v in table.items()}


def build_aliases(*tables: Mapping[str, str]) -> dict[str, str]:
    """One lookup table keyed by name_key; later tables win; every canonical name maps to itself."""
    out: dict[str, str] = {}
    for table in tables:
        for variant, canonical in table.items():
            clean = " ".join(canonical.upper().split())
            for key in (name_key(variant), name_key(canonical)):
                if key:
                    out[key] = clean
    return out


def load_aliases(extra: Path | None = None) -> dict[str, str]:
    """The shipped alias table with an optional user file merged over it."""
    tables = [_read_aliases(SHIPPED_ALIASES)]
    if extra is not None:
        tables.append(_read_aliases(Path(extra)))
    return build_aliases(*tables)


@lru_cache
def default_aliases() -> dict[str, str]:
    """The alias table for this process: shipped aliases plus settings.applicant_aliases_file."""
    from vrscope.settings import get_settings

    return load_aliases(get_settings().applicant_aliases_file)


def normalize_applicant(name: str, aliases: Mapping[str, str] | None = None) -> str:
    """The normalized applicant name: the alias table's canonical name, else the comparison key."""
    key = name_key(name)
    if not key:
        return ""
    table = default_aliases() if aliases is None else aliases
    return table.get(key, key)
