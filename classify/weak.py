"""Weak labels: what the taxonomy's terms (and, in codemap, the code maps) say about a document."""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

from classify.matcher import TermMatcher, compile_terms
from classify.taxonomy import TAXONOMY, Concept, Taxonomy

# Evidence is combined noisy-or style: score = 1 - Π(1 - w). A document is relevant at 0.75.
RELEVANCE_THRESHOLD = 0.75
ANCHOR_WEIGHT = 0.9
TERM_WEIGHT = 0.1

# Hyphens, underscores, slashes, middle dots, bullets, U+2010–U+2015 dashes and the minus sign
_SEPARATORS = "-_/·•−" + "".join(chr(c) for c in range(0x2010, 0x2016))
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def normalize_text(text: str) -> str:
    """NFKC, hyphens/slashes to spaces, collapsed whitespace (case kept)."""
    text = text or ""
    if not unicodedata.is_normalized("NFKC", text):  # the check is far cheaper than normalizing
        text = unicodedata.normalize("NFKC", text)
    for ch in _SEPARATORS:  # str.replace per separator present: several times faster than a regex
        if ch in text:
            text = text.replace(ch, " ")
    flat = text.replace("\n", " ")
    # Already single-spaced (printable: no whitespace but " ") is the common case; split/join costs more.
    if flat.isprintable() and "  " not in flat and flat[:1] != " " and flat[-1:] != " ":
        return flat
    return " ".join(text.split())


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
        relevant = ("relevant",) if self.relevant else ()
        return frozenset(itertools.chain(map("tech:".__add__, self.techs),
                                         map("sub:".__add__, self.subtopics),
                                         map("form:".__add__, self.forms), relevant))


@functools.lru_cache(maxsize=8)
def _kinds(taxonomy: Taxonomy) -> tuple[frozenset[str], frozenset[str], dict[str, str]]:
    """Technology ids, form ids and sub-topic → technology of a taxonomy (computed once)."""
    parents = {c.id: c.parent for c in taxonomy.subtopics if c.parent}
    return frozenset(taxonomy.tech_ids()), frozenset(taxonomy.form_ids()), parents


def hints_for(labels: Iterable[str], taxonomy: Taxonomy = TAXONOMY) -> tuple[set[str], set[str], set[str]]:
    """Resolve concept ids into (techs, subtopics, forms); a sub-topic brings its technology."""
    techs: set[str] = set()
    subs: set[str] = set()
    forms: set[str] = set()
    tech_ids, form_ids, parents = _kinds(taxonomy)
    for label in labels:
        if label in tech_ids:
            techs.add(label)
        elif label in form_ids:
            forms.add(label)
        elif label in parents:
            subs.add(label)
            techs.add(parents[label])
    return techs, subs, forms


@functools.lru_cache(maxsize=8)
def _matchers(taxonomy: Taxonomy) -> tuple[TermMatcher, tuple[Concept, ...]]:
    """Compile the taxonomy once (lazily, on first use): one term matcher (with the masks), the concepts."""
    masked = [normalize_text(m).lower() for m in taxonomy.masked]
    concepts = (*taxonomy.relevance, *taxonomy.forms, *taxonomy.techs, *taxonomy.subtopics,
                *taxonomy.negatives)
    pairs: list[tuple[str, object]] = []
    for index, c in enumerate(concepts):
        for anchor, terms in ((True, c.anchors_zh + c.anchors_en), (False, c.terms_zh + c.terms_en)):
            pairs.extend((normalize_text(t), (index, anchor)) for t in terms)
    return compile_terms(pairs, masked), concepts


def _hits(text: str, taxonomy: Taxonomy) -> list[tuple[Concept, str, bool]]:
    """(concept, first matched term, anchor?) in taxonomy order; an anchor beats a plain term."""
    matcher, concepts = _matchers(taxonomy)
    norm = normalize_text(text)
    found: dict[int, tuple[str, bool]] = {}
    for term, (index, anchor) in cast(list[tuple[str, tuple[int, bool]]], matcher.find(norm, norm.lower())):
        if index not in found or (anchor and not found[index][1]):
            found[index] = (term, anchor)
    return [(concepts[i], *found[i]) for i in sorted(found)]


def concept_matches(text: str, taxonomy: Taxonomy = TAXONOMY) -> dict[str, tuple[str, bool]]:
    """Concept id → (first matched term, anchor?), negatives included, in taxonomy order."""
    return {c.id: (term, anchor) for c, term, anchor in _hits(text, taxonomy)}


def weak_labels_from_text(text: str, taxonomy: Taxonomy = TAXONOMY) -> WeakLabels:
    """Match taxonomy terms (English case-insensitively on word boundaries, Chinese as substrings)."""
    score_left = 1.0
    labels: list[str] = []
    evidence: list[str] = []
    for concept, term, is_anchor in _hits(text, taxonomy):
        if concept.kind == "negative":
            evidence.append(f"negative:{concept.id}:{term}")
            continue
        score_left *= 1.0 - (ANCHOR_WEIGHT if is_anchor else TERM_WEIGHT)
        evidence.append(f"{'anchor' if is_anchor else 'term'}:{concept.id}:{term}")
        labels.append(concept.id)
        labels.extend(concept.forms)
    techs, subs, forms = hints_for(labels, taxonomy)
    return WeakLabels(1.0 - score_left, frozenset(techs), frozenset(subs), frozenset(forms), tuple(evidence))
