"""A fast multi-term matcher: every taxonomy term in one Aho-Corasick pass per script.

English terms match on word boundaries (all-caps acronyms case-sensitively, the rest not), a space
in a term also matches no space ("head mounted" ~ "headmounted"), a plural "s"/"es" is allowed.
Chinese (CJK-containing) terms match as substrings of the lower-cased text. All terms are compiled
into two Aho-Corasick automata (``ahocorasick_rs``, in Rust): one over the lower-cased text for
case-insensitive English and Chinese terms, one over the text as written for acronyms. Every
(overlapping) occurrence is found; word boundaries are checked in Python on the few hits. Masked
phrases ("AR coating") are patterns of the same automaton and hide the terms they overlap.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE = re.compile(r"\s+")
_HAS_CJK = re.compile(f"[{_CJK}]")
_CHINESE, _WORD, _MASK = 0, 1, 2  # kinds of lower-cased patterns
MAX_SPACE_VARIANTS = 4  # a term with more spaces than this matches with all or none of them
_START = operator.itemgetter(0)  # a hit's start


def _squash(text: str) -> str:
    """A match key: whitespace removed."""
    return _SPACE.sub("", text)


def _space_variants(term: str) -> list[str]:
    """The term with each of its spaces kept or dropped ("a b c" → "a b c", "ab c", "a bc", "abc")."""
    parts = term.split(" ")
    gaps = len(parts) - 1
    if gaps == 0:
        return [term]
    if gaps > MAX_SPACE_VARIANTS:
        return [term, "".join(parts)]
    out = []
    for joins in itertools.product((" ", ""), repeat=gaps):
        out.append(parts[0] + "".join(j + p for j, p in zip(joins, parts[1:], strict=True)))
    return out


@dataclass(frozen=True)
class TermMatcher:
    """Compiled automata of many terms, each term carrying one or more payloads."""

    lowered: Any  # ahocorasick_rs.AhoCorasick over lower-cased English and Chinese variants, or None
    cased: Any  # the same over all-caps acronyms, matched against the text as written, or None
    lowered_keys: tuple[tuple[str, int], ...] = ()  # pattern index → (payload key, _CHINESE/_WORD/_MASK)
    cased_keys: tuple[str, ...] = ()  # pattern index → payload key
    payloads: dict[str, tuple[object, ...]] = field(default_factory=dict)  # group + key → payloads

    def find(self, text: str, lowered: str | None = None) -> list[tuple[str, object]]:
        """Every (term as matched, payload), each term once, in text order; ``lowered`` = text.lower().

        A match overlapping a masked phrase ("AR coating", "MR imaging") is dropped.
        """
        lowered = text.lower() if lowered is None else lowered
        hits: list[tuple[int, int, str, str]] = []  # (start, end, matched text, payload key)
        masked: list[tuple[int, int]] = []
        seen: set[str] = set()  # payload keys already hit (later hits of a term are skipped ...
        repeated: list[tuple[int, int, str, str]] = []  # ... but kept aside in case a mask hides the first)
        if self.lowered is not None:
            keys = self.lowered_keys
            n = len(lowered)
            for index, start, end in self.lowered.find_matches_as_indexes(lowered, overlapping=True):
                key, kind = keys[index]
                # _bounded, its common case inline: nothing alphanumeric on either side
                if (kind == _CHINESE or ((not start or lowered[start - 1] not in _ALNUM)
                                         and (end == n or lowered[end] not in _ALNUM))
                        or _bounded(lowered, start, end)):
                    if kind == _MASK:
                        masked.append((start, end))
                    elif key in seen:
                        repeated.append((start, end, lowered[start:end], key))
                    else:
                        seen.add(key)
                        hits.append((start, end, lowered[start:end], key))
        if self.cased is not None:
            cased = self.cased_keys
            for index, start, end in self.cased.find_matches_as_indexes(text, overlapping=True):
                if _bounded(text, start, end):
                    key = cased[index]
                    if key in seen:
                        repeated.append((start, end, text[start:end], key))
                    else:
                        seen.add(key)
                        hits.append((start, end, text[start:end], key))
        if masked:  # rare: redo the de-duplication without the masked hits
            kept = [h for h in hits + repeated
                    if not any(h[0] < m_end and m_start < h[1] for m_start, m_end in masked)]
            kept.sort(key=_START)
            hits, seen = [], set()
            for hit in kept:
                if hit[3] not in seen:
                    seen.add(hit[3])
                    hits.append(hit)
        hits.sort(key=_START)
        payloads = self.payloads
        return [(matched, p) for _, _, matched, key in hits for p in payloads[key]]


def _bounded(text: str, start: int, end: int) -> bool:
    """A word-bounded match: no letter or digit before it, nothing but a plural 's'/'es' after it."""
    if start and text[start - 1] in _ALNUM:
        return False
    n = len(text)
    if end < n and text[end] in _ALNUM:
        if text[end] == "s":
            end += 1
        elif text[end] == "e" and end + 1 < n and text[end + 1] == "s":
            end += 2
        return end >= n or text[end] not in _ALNUM
    return True


def compile_terms(terms: Iterable[tuple[str, object]], masked: Iterable[str] = ()) -> TermMatcher:
    """Compile (normalized term, payload) pairs; a term is Chinese when it contains a CJK character.

    ``masked`` phrases (case-insensitive, word-bounded) hide the terms they overlap.
    """
    import ahocorasick_rs

    payloads: dict[str, list[object]] = {}
    lowered: dict[str, tuple[str, int]] = {}  # variant → (payload key, kind)
    cased: dict[str, str] = {}
    for term, payload in terms:
        if not term:
            continue
        if _HAS_CJK.search(term):
            key = term.lower()
            group_key = "zh" + key
            lowered.setdefault(key, (group_key, _CHINESE))
        else:
            upper = any(ch.isalpha() for ch in term) and not any(ch.islower() for ch in term)
            base = term if upper else term.lower()
            key = _squash(base)
            group_key = ("s" if upper else "i") + key
            for variant in _space_variants(" ".join(base.split())):
                if upper:
                    cased.setdefault(variant, group_key)
                else:
                    lowered.setdefault(variant, (group_key, _WORD))
        found = payloads.setdefault(group_key, [])
        if payload not in found:
            found.append(payload)
    for phrase in masked:
        for variant in _space_variants(" ".join(phrase.lower().split())):
            lowered[variant] = ("", _MASK)  # a mask wins over a term spelt the same

    def automaton(patterns: list[str]) -> Any:
        """One automaton over the patterns (None when there are none)."""
        if not patterns:
            return None
        # A DFA: slower to build (milliseconds) and larger, but about twice as fast to search.
        return ahocorasick_rs.AhoCorasick(patterns, matchkind=ahocorasick_rs.MatchKind.Standard,
                                          implementation=ahocorasick_rs.Implementation.DFA)

    return TermMatcher(automaton(list(lowered)), automaton(list(cased)), tuple(lowered.values()),
                       tuple(cased.values()), {k: tuple(v) for k, v in payloads.items()})
