"""The user's query language, engine-agnostic: words (AND), "quoted phrases", -exclusions."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from search.backend import QueryError

# Curly, full-width and corner quotes all act as the ASCII double quote.
_QUOTES = str.maketrans(dict.fromkeys("\u201c\u201d\u201e\u201f\uff02\u300c\u300d\u300e\u300f", '"'))
_NEGATE = "-\uff0d\u2212"
MAX_CLAUSES = 128


@dataclass(frozen=True)
class Clause:
    """One unit of the query: a word or a phrase, required or excluded."""

    text: str
    phrase: bool = False
    negated: bool = False


def _clean(q: str) -> str:
    """Quotes unified; control and format characters replaced by spaces."""
    text = q.translate(_QUOTES)
    return "".join(" " if unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} else c for c in text)


def parse_user_query(q: str) -> list[Clause]:
    """Split a query into clauses; raise QueryError for unbalanced quotes or too many clauses."""
    text = _clean(q)
    clauses: list[Clause] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = False
        if text[i] in _NEGATE or text[i] == "+":
            negated = text[i] != "+"
            i += 1
            if i >= n or text[i].isspace():
                continue  # a lone "-" or "+" is punctuation, not an operator
        if text[i] == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QueryError('unbalanced quote: close every phrase with "')
            clauses.append(Clause(text[i + 1 : end], phrase=True, negated=negated))
            i = end + 1
            continue
        start = i
        while i < n and not text[i].isspace() and text[i] != '"':
            i += 1
        clauses.append(Clause(text[start:i], negated=negated))
    if len(clauses) > MAX_CLAUSES:
        raise QueryError(f"too many words or phrases in the query (at most {MAX_CLAUSES})")
    return clauses
