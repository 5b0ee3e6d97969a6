"""Training examples: gold labels over weak ones, taxonomy-term documents, cross-validation groups."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from classify.corpus import series_key
from classify.features import Doc, document
from classify.taxonomy import TAXONOMY, Taxonomy
from classify.weak import WeakLabels
from vrscope.records import Correction, Labels, Patent, Standard

Item = Patent | Standard | str
Gold = Labels | Correction


@dataclass(frozen=True)
class Example:
    """One training document: target label names, where it came from, what of it is gold."""

    doc: Doc
    targets: frozenset[str]
    origin: str  # "record" | "unlabelled" | "extra" (gold) | "taxonomy"
    known: frozenset[str] = frozenset()  # label groups whose targets are a human judgement
    group: str = ""  # documents of one group never fall on both sides of a validation split
    weight: float = 1.0
    gold: Gold | None = None


def group_of(item: Item) -> str:
    """Cross-validation group: a standard's series, a patent's family, a text's hash."""
    if isinstance(item, Standard):
        return "series:" + series_key(item.id)
    if isinstance(item, Patent):
        return "family:" + (item.family_id or item.id)
    return "text:" + hashlib.sha1(item.encode("utf-8")).hexdigest()[:16]


def _given(gold: Gold, key: str, known: Iterable[str]) -> set[str] | None:
    """The known ids a gold label gives for one field, or None when it says nothing about it."""
    value = getattr(gold, key)
    if value is None:
        return None
    return {str(v).lower() for v in value} & set(known)


def known_groups(gold: Gold) -> frozenset[str]:
    """The label groups a gold label decides: relevance, and the topics of a relevant document."""
    if gold.relevant is None:
        return frozenset()
    out = {"relevance"}
    if gold.relevant:
        out |= {g for g in ("techs", "forms", "subtopics") if getattr(gold, g) is not None}
    return frozenset(out)


def targets_with_gold(weak: WeakLabels, gold: Gold, taxonomy: Taxonomy = TAXONOMY) -> frozenset[str]:
    """Weak targets overridden by gold: relevance always; techs/forms/sub-topics when gold is relevant."""
    targets = set(weak.targets()) - {"relevant"}
    relevant = weak.relevant if gold.relevant is None else gold.relevant
    if not relevant:  # gold says nothing about topics of irrelevant documents: keep the hints
        return frozenset(targets)
    targets.add("relevant")
    subs = _given(gold, "subtopics", taxonomy.subtopic_ids())
    techs = _given(gold, "techs", taxonomy.tech_ids())
    if subs is not None:
        targets = {t for t in targets if not t.startswith("sub:")} | {f"sub:{s}" for s in subs}
    if techs is not None:
        techs |= {taxonomy.parent_of(t[4:]) for t in targets if t.startswith("sub:") and subs is not None}
        targets = {t for t in targets if not t.startswith(("tech:", "sub:"))
                   or (t.startswith("sub:") and taxonomy.parent_of(t[4:]) in techs)}
        targets |= {f"tech:{t}" for t in techs}
    forms = _given(gold, "forms", taxonomy.form_ids())
    if forms is not None:
        targets = {t for t in targets if not t.startswith("form:")} | {f"form:{f}" for f in forms}
    return frozenset(targets & set(taxonomy.label_names()))


def gold_examples(pairs: Sequence[tuple[Item, Gold]], taxonomy: Taxonomy = TAXONOMY,
                  weight: float = 1.0) -> list[Example]:
    """Examples whose targets a person decided (a later pair for the same document wins)."""
    out: dict[str, Example] = {}
    for item, gold in pairs:
        doc, weak = document(item, taxonomy)
        out[doc.text] = Example(doc, targets_with_gold(weak, gold, taxonomy), "extra", known_groups(gold),
                                group_of(item), weight, gold)
    return list(out.values())


def taxonomy_examples(taxonomy: Taxonomy = TAXONOMY) -> list[Example]:
    """Tiny documents made of each concept's terms; negatives come from the off-topic vocabularies."""
    out: list[Example] = []
    for concept in (*taxonomy.relevance, *taxonomy.forms, *taxonomy.techs, *taxonomy.subtopics):
        own = {"tech": f"tech:{concept.id}", "form": f"form:{concept.id}", "subtopic": f"sub:{concept.id}"}
        for lang, sep in (("zh", "，"), ("en", "; ")):
            terms = concept.all_terms(lang)
            if not terms:
                continue
            doc, weak = document(sep.join((concept.name(lang), *terms)), taxonomy)
            targets = set(weak.targets())
            if concept.kind in own:
                targets.add(own[concept.kind])
            if concept.parent:
                targets.add(f"tech:{concept.parent}")
            out.append(Example(doc, frozenset(targets), "taxonomy", group=f"taxonomy:{concept.id}"))
    for concept in taxonomy.negatives:
        for lang, sep in (("zh", "，"), ("en", "; ")):
            terms = concept.all_terms(lang)
            for start in range(0, len(terms), 5):
                doc = document(sep.join(terms[start:start + 5]), taxonomy)[0]
                out.append(Example(doc, frozenset(), "taxonomy", group=f"taxonomy:{concept.id}"))
    return out
