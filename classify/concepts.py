"""The taxonomy's types: a bilingual Concept and the Taxonomy that groups them (data in classify.taxonomy)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["relevance", "form", "tech", "subtopic", "negative"]


def _split(terms: str) -> tuple[str, ...]:
    """Split a '|'-separated term list, dropping blanks."""
    return tuple(t.strip() for t in terms.split("|") if t.strip())


@dataclass(frozen=True)
class Concept:
    """One node of the taxonomy with its bilingual names and terms."""

    id: str
    kind: Kind
    name_zh: str
    name_en: str
    terms_zh: tuple[str, ...] = ()
    terms_en: tuple[str, ...] = ()
    anchors_zh: tuple[str, ...] = ()
    anchors_en: tuple[str, ...] = ()
    parent: str | None = None
    forms: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        """The concept's name in 'zh' or 'en' (English for anything else)."""
        return self.name_zh if lang == "zh" else self.name_en

    def all_terms(self, lang: str) -> tuple[str, ...]:
        """Anchors and plain terms in one language."""
        return self.anchors_zh + self.terms_zh if lang == "zh" else self.anchors_en + self.terms_en


def _c(cid: str, kind: Kind, zh_name: str, en_name: str, zh: str = "", en: str = "", *,
       azh: str = "", aen: str = "", parent: str | None = None, forms: str = "") -> Concept:
    """Build a Concept from compact '|'-separated term strings."""
    return Concept(cid, kind, zh_name, en_name, _split(zh), _split(en), _split(azh), _split(aen),
                   parent, _split(forms))


@dataclass(frozen=True)
class Taxonomy:
    """The whole taxonomy plus the phrases masked before term matching."""

    relevance: tuple[Concept, ...]
    forms: tuple[Concept, ...]
    techs: tuple[Concept, ...]
    subtopics: tuple[Concept, ...]
    negatives: tuple[Concept, ...]
    masked: tuple[str, ...] = ()

    def __hash__(self) -> int:
        """Hashed once (taxonomies key several caches; hashing every concept each time is slow)."""
        return self._hash

    @functools.cached_property
    def _hash(self) -> int:
        return hash((self.relevance, self.forms, self.techs, self.subtopics, self.negatives, self.masked))

    def concepts(self) -> Iterator[Concept]:
        """Every concept, negatives included."""
        yield from self.relevance + self.forms + self.techs + self.subtopics + self.negatives

    def get(self, concept_id: str) -> Concept:
        """The concept with this id (KeyError if unknown)."""
        found = next((c for c in self.concepts() if c.id == concept_id), None)
        if found is None:
            raise KeyError(concept_id)
        return found

    def tech_ids(self) -> list[str]:
        """All technology ids in plan order."""
        return [c.id for c in self.techs]

    def form_ids(self) -> list[str]:
        """All product-form ids (vr, ar, mr)."""
        return [c.id for c in self.forms]

    def subtopic_ids(self, tech: str | None = None) -> list[str]:
        """All sub-topic ids, or those of one technology."""
        return [c.id for c in self.subtopics if tech is None or c.parent == tech]

    def parent_of(self, subtopic: str) -> str:
        """The technology a sub-topic belongs to."""
        parent = self.get(subtopic).parent
        if parent is None:
            raise KeyError(f"{subtopic} has no parent technology")
        return parent

    def names(self, lang: str) -> dict[str, str]:
        """Concept id → display name in one language (forms, techs, sub-topics)."""
        return {c.id: c.name(lang) for c in self.forms + self.techs + self.subtopics}

    def label_names(self) -> list[str]:
        """Every model label: 'relevant', 'tech:<id>', 'form:<id>', 'sub:<id>'."""
        return (["relevant"] + [f"tech:{t}" for t in self.tech_ids()]
                + [f"form:{f}" for f in self.form_ids()] + [f"sub:{s}" for s in self.subtopic_ids()])

    def with_terms(self, concept_id: str, *, zh: tuple[str, ...] = (), en: tuple[str, ...] = (),
                   anchor: bool = False) -> Taxonomy:
        """A copy with extra terms (or anchors) added to one concept."""
        self.get(concept_id)

        def grow(c: Concept) -> Concept:
            """The concept, grown if it is the one asked for."""
            if c.id != concept_id:
                return c
            kzh, ken = ("anchors_zh", "anchors_en") if anchor else ("terms_zh", "terms_en")
            return dataclasses.replace(c, **{kzh: getattr(c, kzh) + zh, ken: getattr(c, ken) + en})

        groups = ("relevance", "forms", "techs", "subtopics", "negatives")
        grown: dict[str, Any] = {g: tuple(grow(c) for c in getattr(self, g)) for g in groups}
        return dataclasses.replace(self, **grown)
