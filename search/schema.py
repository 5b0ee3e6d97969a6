"""Records → IndexDoc: the one flattened shape both engines index."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from search.backend import IndexDoc
from vrscope.records import Labels, Patent, Standard

_LANG_ORDER = ("en", "zh")


def _unique(values: Iterable[str | None]) -> list[str]:
    """Non-empty values, stripped, first occurrence kept, order preserved."""
    seen: dict[str, None] = {}
    for value in values:
        text = (value or "").strip()
        if text:
            seen.setdefault(text, None)
    return list(seen)


def _by_language(texts: dict[str, str]) -> str:
    """All languages' texts joined, English then Chinese then the rest by language code."""
    langs = [lang for lang in _LANG_ORDER if lang in texts]
    langs += sorted(lang for lang in texts if lang not in _LANG_ORDER)
    return "\n".join(_unique(texts[lang] for lang in langs))


def _iso(when: dt.date | None) -> str | None:
    """An ISO date string, or None."""
    return when.isoformat() if when else None


def _label_keys(scores: dict[str, float]) -> list[str]:
    """Label names, highest score first."""
    return [name for name, _ in sorted(scores.items(), key=lambda item: (-item[1], item[0]))]


def _label_fields(labels: Labels | None) -> dict[str, object]:
    """The IndexDoc fields that come from the effective labels."""
    if labels is None:
        return {"relevant": False, "techs": [], "subtopics": [], "forms": []}
    return {
        "relevant": labels.relevant,
        "techs": _label_keys(labels.techs),
        "subtopics": _label_keys(labels.subtopics),
        "forms": _label_keys(labels.forms),
    }


def _patent_fields(record: Patent) -> dict[str, object]:
    """The IndexDoc fields of a patent."""
    when = record.priority_date or record.application_date or record.publication_date
    return {
        "title_zh": record.titles.get("zh"),
        "title_en": record.titles.get("en"),
        "abstract": _by_language(record.abstracts),
        "claims": _by_language(record.claims),
        "year": record.year,
        "date": _iso(when),
        "jurisdiction": record.jurisdiction,
        "status": record.legal_status,
        "applicants": _unique(party.name_normalized or party.name for party in record.applicants),
        "cpc": _unique(record.cpc),
        "ipc": _unique(record.ipc),
    }


def _standard_fields(record: Standard) -> dict[str, object]:
    """The IndexDoc fields of a standard; drafting organisations stand in for applicants."""
    # Same precedence as Standard.year, so the date and the year never disagree.
    when = record.published_date or record.plan_date or record.implemented_date
    return {
        "title_zh": record.title_zh,
        "title_en": record.title_en,
        "abstract": record.abstract or "",
        "year": record.year,
        "date": _iso(when),
        "jurisdiction": record.body,
        "status": record.status.value if record.status else None,
        "committee": record.committee,
        "applicants": _unique(record.drafting_orgs),
        "ics": _unique(record.ics),
    }


def to_index_doc(record: Patent | Standard, labels: Labels | None = None) -> IndexDoc:
    """Flatten a Patent or Standard and its effective labels into an IndexDoc."""
    fields = _patent_fields(record) if isinstance(record, Patent) else _standard_fields(record)
    return IndexDoc.model_validate(
        {
            "id": record.id,
            "doc_type": record.doc_type,
            "title": record.display_title,
            "source": record.source,
            "url": record.url,
            **fields,
            **_label_fields(labels),
        }
    )
