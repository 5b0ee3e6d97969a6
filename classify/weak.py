"""Weak labels: what the taxonomy's terms (and, in codemap, the code maps) say about a document."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from classify.taxonomy import TAXONOMY, Concept, Taxonomy

# Evidence is combined noisy-or style: score = 1 - Π(1 - w). A document is relevant at 0.75.
RELEVANCE_THRESHOLD = 0.75
ANCHOR_WEIGHT = 0.9
TERM_WEIGHT = 0.1

_SEPARATORS = re.compile(r"[\-_/·•‐-―−]+")
_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def normalize_text(text: str) -> str:
    """NFKC, hyphens/slashes to spaces, collapsed whitespace (case kept)."""
    text = unicodedata.normalize("NFKC", text or "")
    return _SPACES.sub(" ", _SEPARATORS.sub(" ", text)).strip()


def has_cjk(text: str) -> bool:
    """True when the string contains Chinese characters."""
    return bool(_CJK.search(text))


@dataclass(frozen=True)
class WeakLabels:
    """Rule evidence for one document: relevance score and topic hints."""

    score: float = 0.0
    techs: frozenset[str] = frozenset()
    subtopics: frozenset[str] = frozenset()
    forms: frozenset[str] = frozenset()
    evidence: tuple[str, ...] = field(default=(), compare=False)

    @property
    def relevant(self) -> bool:
        """Whether the evidence reaches the relevance threshold."""
        return self.score >= RELEVANCE_THRESHOLD

    def __or__(self, other: WeakLabels) -> WeakLabels:
        """Combine two bodies of evidence (noisy-or scores, union of hints)."""
        return WeakLabels(
            score=1.0 - (1.0 - self.score) * (1.0 - other.score),
            techs=self.techs | other.techs,
            subtopics=self.subtopics | other.subtopics,
            forms=self.forms | other.forms,
            evidence=self.evidence + other.evidence,
        )

    def targets(self) -> frozenset[str]:
        """The hints as model label names ('relevant', 'tech:x', 'form:y', 'sub:z')."""
        names = {f"tech:{t}" for t in self.techs} | {f"sub:{s}" for s in self.subtopics}
        names |= {f"form:{f}" for f in self.forms}
        if self.relevant:
            names.add("relevant")
        return frozenset(names)


def hints_for(labels: Iterable[str], taxonomy: Taxonomy = TAXONOMY) -> tuple[set[str], set[str], set[str]]:
    """Resolve concept ids into (techs, subtopics, forms); a sub-topic brings its technology."""
    techs: set[str] = set()
    subs: set[str] = set()
    forms: set[str] = set()
    tech_ids, form_ids = set(taxonomy.tech_ids()), set(taxonomy.form_ids())
    sub_ids = set(taxonomy.subtopic_ids())
    for label in labels:
        if label in tech_ids:
            techs.add(label)
        elif label in form_ids:
            forms.add(label)
        elif label in sub_ids:
            subs.add(label)
            techs.add(taxonomy.parent_of(label))
    return techs, subs, forms


def _en_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for English terms: all-caps acronyms match case-sensitively, the rest not."""
    sensitive: set[str] = set()
    insensitive: set[str] = set()
    for term in terms:
        norm = normalize_text(term)
        if not norm or has_cjk(norm):
            continue
        is_acronym = any(ch.isalpha() for ch in norm) and not any(ch.islower() for ch in norm)
        (sensitive if is_acronym else insensitive).add(re.escape(norm).replace(r"\ ", r"\s?"))
    parts = []
    if insensitive:
        parts.append("(?i:" + "|".join(sorted(insensitive, key=len, reverse=True)) + ")")
    if sensitive:
        parts.append("|".join(sorted(sensitive, key=len, reverse=True)))
    if not parts:
        return None
    return re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(parts) + r")(?:s|es)?(?![A-Za-z0-9])")


def _zh_terms(terms: Iterable[str]) -> tuple[str, ...]:
    """Chinese (CJK-containing) terms, normalized and lower-cased for substring search."""
    return tuple(sorted({normalize_text(t).lower() for t in terms if has_cjk(t)}))


@dataclass(frozen=True)
class _ConceptMatcher:
    """Compiled term matchers of one concept."""

    concept: Concept
    anchors_en: re.Pattern[str] | None
    terms_en: re.Pattern[str] | None
    anchors_zh: tuple[str, ...]
    terms_zh: tuple[str, ...]

    def match(self, text: str, lowered: str) -> tuple[str | None, bool]:
        """The first matching term (or None) and whether it is an anchor."""
        for zh in self.anchors_zh:
            if zh in lowered:
                return zh, True
        if self.anchors_en is not None and (m := self.anchors_en.search(text)):
            return m.group(0), True
        for zh in self.terms_zh:
            if zh in lowered:
                return zh, False
        if self.terms_en is not None and (m := self.terms_en.search(text)):
            return m.group(0), False
        return None, False


@functools.lru_cache(maxsize=8)
def _matchers(taxonomy: Taxonomy) -> tuple[re.Pattern[str] | None, tuple[_ConceptMatcher, ...]]:
    """Compile the taxonomy once (lazily, on first use)."""
    masked = [re.escape(normalize_text(m)).replace(r"\ ", r"\s?") for m in taxonomy.masked]
    mask = (re.compile(r"(?i)(?<![A-Za-z0-9])(?:" + "|".join(masked) + r")(?![A-Za-z0-9])")
            if masked else None)
    out = []
    for c in (*taxonomy.relevance, *taxonomy.forms, *taxonomy.techs, *taxonomy.subtopics):
        out.append(_ConceptMatcher(
            c, _en_pattern(c.anchors_en + c.anchors_zh), _en_pattern(c.terms_en + c.terms_zh),
            _zh_terms(c.anchors_zh + c.anchors_en), _zh_terms(c.terms_zh + c.terms_en)))
    return mask, tuple(out)


def weak_labels_from_text(text: str, taxonomy: Taxonomy = TAXONOMY) -> WeakLabels:
    """Match taxonomy terms (English case-insensitively on word boundaries, Chinese as substrings)."""
    mask, matchers = _matchers(taxonomy)
    norm = normalize_text(text)
    if mask is not None:
        norm = mask.sub(" ", norm)
    lowered = norm.lower()
    score_left = 1.0
    labels: list[str] = []
    evidence: list[str] = []
    for m in matchers:
        term, is_anchor = m.match(norm, lowered)
        if term is None:
            continue
        score_left *= 1.0 - (ANCHOR_WEIGHT if is_anchor else TERM_WEIGHT)
        evidence.append(f"{'anchor' if is_anchor else 'term'}:{m.concept.id}:{term}")
        labels.append(m.concept.id)
        labels.extend(m.concept.forms)
    techs, subs, forms = hints_for(labels, taxonomy)
    return WeakLabels(1.0 - score_left, frozenset(techs), frozenset(subs), frozenset(forms), tuple(evidence))
