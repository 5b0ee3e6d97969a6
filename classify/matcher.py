"""A fast multi-term matcher: every taxonomy term in one pass per script, with the old semantics.

English terms match on word boundaries (all-caps acronyms case-sensitively, the rest not), a space
in a term also matches no space ("head mounted" ~ "headmounted"), a plural "s"/"es" is allowed.
Chinese (CJK-containing) terms match as substrings of the lower-cased text. Terms are compiled into
prefix tries, so matching costs one regex scan per script instead of one search per term; a match
also reports every shorter term that is a prefix of it (overlaps are never lost).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_WORD_END = r"(?:s|es)?(?![A-Za-z0-9])"
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE = re.compile(r"\s+")
_HAS_CJK = re.compile(f"[{_CJK}]")


def trie_pattern(keys: Iterable[str], space: str) -> str:
    """A regex matching any key, factored as a prefix trie; a ' ' in a key becomes ``space``."""
    trie: dict[str, dict] = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        """The pattern of one trie node (greedy: longer terms are tried first)."""
        alts = [(space if ch == " " else re.escape(ch)) + emit(child)
                for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return (body + "?") if len(alts) == 1 and len(alts[0]) == 1 else f"(?:{body})?"
        return body

    return emit(trie)


def _squash(text: str) -> str:
    """A match key: whitespace removed."""
    return _SPACE.sub("", text)


@dataclass(frozen=True)
class TermMatcher:
    """Compiled tries of many terms, each term carrying one or more payloads."""

    insensitive: re.Pattern[str] | None
    sensitive: re.Pattern[str] | None
    chinese: re.Pattern[str] | None
    by_key_i: Mapping[str, tuple[object, ...]] = field(default_factory=dict)
    by_key_s: Mapping[str, tuple[object, ...]] = field(default_factory=dict)
    by_key_zh: Mapping[str, tuple[object, ...]] = field(default_factory=dict)

    def find(self, text: str, lowered: str | None = None) -> list[tuple[str, object]]:
        """Every (matched term, payload), overlapping matches included; ``lowered`` = text.lower()."""
        out: list[tuple[str, object]] = []
        lowered = text.lower() if lowered is None else lowered
        for pattern, table, subject in ((self.insensitive, self.by_key_i, lowered),
                                        (self.sensitive, self.by_key_s, text)):
            if pattern is not None:  # each distinct term is looked up once
                for term in dict.fromkeys(_scan(pattern, subject, bounded=True)):
                    out.extend((term, p) for p in table.get(term.replace(" ", ""), ()))
        if self.chinese is not None and _HAS_CJK.search(lowered):
            for term in dict.fromkeys(_scan(self.chinese, lowered, bounded=False)):
                out.extend((term, p) for p in self.by_key_zh.get(term, ()))
        return out


def _scan(pattern: re.Pattern[str], text: str, bounded: bool) -> Iterator[str]:
    """Every term match, overlapping ones included: search again one character after each match start.

    The patterns start with the trie itself (no look-around), so the regex engine skips quickly to
    positions where some term can begin; the word-start check is done here.
    """
    search = pattern.search
    pos = 0
    while (m := search(text, pos)) is not None:
        start = m.start()
        if not (bounded and start and text[start - 1] in _ALNUM):
            yield m.group(1)
        pos = start + 1


def _closure(keys: Sequence[str], word_bounded: bool) -> dict[str, list[str]]:
    """For each key, itself and every shorter key that is a (word-boundary) prefix of it."""
    keyset = set(keys)
    out: dict[str, list[str]] = {}
    for key in keys:
        prefixes = [key]
        for n in range(1, len(key)):
            head = key[:n]
            if head in keyset and (not word_bounded or key[n] == " "):
                prefixes.append(head)
        out[key] = prefixes
    return out


def compile_terms(terms: Iterable[tuple[str, object]]) -> TermMatcher:
    """Compile (normalized term, payload) pairs; a term is Chinese when it contains a CJK character."""
    groups: dict[str, dict[str, list[object]]] = {"i": {}, "s": {}, "zh": {}}
    for term, payload in terms:
        if not term:
            continue
        if _HAS_CJK.search(term):
            group, key = "zh", term.lower()
        elif any(ch.isalpha() for ch in term) and not any(ch.islower() for ch in term):
            group, key = "s", term
        else:
            group, key = "i", term.lower()
        payloads = groups[group].setdefault(key, [])
        if payload not in payloads:
            payloads.append(payload)

    def table(group: str) -> dict[str, tuple[object, ...]]:
        """Squashed key → payloads of the key and of every key that is a prefix of it."""
        keys = list(groups[group])
        closure = _closure(keys, word_bounded=group != "zh")
        out: dict[str, list[object]] = {}
        for key, prefixes in closure.items():
            merged = out.setdefault(_squash(key) if group != "zh" else key, [])
            for prefix in prefixes:
                merged.extend(p for p in groups[group][prefix] if p not in merged)
        return {k: tuple(v) for k, v in out.items()}

    def english(group: str, flags: int) -> re.Pattern[str] | None:
        """One lookahead pattern so that overlapping terms at every word start are found."""
        if not groups[group]:
            return None
        trie = trie_pattern(groups[group], r"\s?")
        return re.compile(f"({trie}){_WORD_END}", flags)

    zh = None
    if groups["zh"]:
        zh = re.compile(f"({trie_pattern(groups['zh'], ' ')})")
    # insensitive terms are matched against the lower-cased text (faster than IGNORECASE)
    return TermMatcher(english("i", 0), english("s", 0), zh, table("i"), table("s"), table("zh"))
