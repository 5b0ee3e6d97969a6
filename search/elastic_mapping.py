"""The Elasticsearch index as code: analysis, mapping, versioned names, IndexDoc → source."""

from __future__ import annotations

import datetime as dt
from typing import Any

from search.backend import IndexDoc
from search.segment import fine_words, segment

# Bump when the mapping or the analysis changes: `vrscope index --rebuild` then builds a new index.
MAPPING_VERSION = 2  # 2: committee keyword
TEXT_ANALYZER = "vrscope_text"
TEXT_FIELDS = ("title", "abstract", "claims")
# Search-mode sub-words of all Chinese text, as in the embedded index; no positions (never phrased).
FINE_FIELD = "zh_parts"
KEYWORD_FIELDS = (
    "id",
    "doc_type",
    "jurisdiction",
    "status",
    "techs",
    "subtopics",
    "forms",
    "applicants",
    "source",
    "cpc",
    "ipc",
    "ics",
    "committee",
)
DOC_FIELD = "doc"  # the IndexDoc itself, kept in _source only
MAX_RESULT_WINDOW = 10_100  # SearchQuery allows offset 10,000 plus a page of 100
# The same analysis as the embedded index's "en_stem" on the same pre-segmented text: tokens are
# runs of letters and digits (so Chinese words stay whole, unlike the standard tokenizer), very long
# tokens dropped, lowercase, Snowball English (porter2) stemming. The tokenizer names the token
# pattern (group 0) rather than the separators: osmem, the test double, only understands that form.
ANALYSIS: dict[str, Any] = {
    "tokenizer": {"vrscope_words": {"type": "pattern", "pattern": "[\\p{L}\\p{N}]+", "group": 0}},
    "filter": {
        "vrscope_long": {"type": "length", "max": 39},
        "vrscope_stem": {"type": "stemmer", "language": "porter2"},
    },
    "analyzer": {
        TEXT_ANALYZER: {
            "type": "custom",
            "tokenizer": "vrscope_words",
            "filter": ["vrscope_long", "lowercase", "vrscope_stem"],
        }
    },
}


def index_settings(shards: int = 1) -> dict[str, Any]:
    """Index settings: analysis, shard count (one keeps facet counts exact) and the result window."""
    return {
        "number_of_shards": shards,
        "max_result_window": MAX_RESULT_WINDOW,
        "analysis": ANALYSIS,
    }


def mappings() -> dict[str, Any]:
    """The field mapping; strict, so a misspelt field fails loudly instead of being guessed."""
    text = {"type": "text", "analyzer": TEXT_ANALYZER}
    properties: dict[str, Any] = {name: dict(text) for name in TEXT_FIELDS}
    properties[FINE_FIELD] = {**text, "index_options": "freqs"}
    properties.update({name: {"type": "keyword"} for name in KEYWORD_FIELDS})
    properties["year"] = {"type": "integer"}
    properties["date"] = {"type": "date", "format": "strict_date"}
    properties["relevant"] = {"type": "boolean"}
    properties[DOC_FIELD] = {"type": "object", "enabled": False}
    return {"dynamic": "strict", "_meta": {"mapping_version": MAPPING_VERSION}, "properties": properties}


def index_prefix(alias: str) -> str:
    """The prefix every index of this alias and mapping version starts with."""
    return f"{alias}-v{MAPPING_VERSION}-"


def index_name(alias: str, now: dt.datetime | None = None) -> str:
    """A new versioned index name, e.g. vrscope-v2-20250101T120000123456."""
    when = now or dt.datetime.now(dt.UTC)
    return f"{index_prefix(alias)}{when.strftime('%Y%m%dt%H%M%S%f')}"


def sort_date(doc: IndexDoc) -> str | None:
    """The date for date sort: the ISO date, else 1 January of the year (as the embedded index)."""
    if doc.date:
        try:
            return dt.date.fromisoformat(doc.date[:10]).isoformat()
        except ValueError:
            pass
    if doc.year and 1 <= doc.year <= 9999:
        return dt.date(doc.year, 1, 1).isoformat()
    return None


def _unique(values: list[str]) -> list[str]:
    """Non-empty values without repeats, order kept."""
    return list(dict.fromkeys(v for v in values if v))


def to_source(doc: IndexDoc) -> dict[str, Any]:
    """The document Elasticsearch indexes: segmented text, keywords, numbers and the IndexDoc."""
    titles = _unique([doc.title, doc.title_en or "", doc.title_zh or ""])
    source: dict[str, Any] = {
        "title": [segment(title) for title in titles],
        "abstract": segment(doc.abstract),
        "claims": segment(doc.claims),
    }
    parts = fine_words(" ".join([*titles, doc.abstract, doc.claims]))
    if parts:
        source[FINE_FIELD] = " ".join(parts)
    for name in KEYWORD_FIELDS:
        value = getattr(doc, name)
        values = _unique(value if isinstance(value, list) else [value or ""])
        if values:
            source[name] = values if isinstance(value, list) else values[0]
    if doc.year is not None:
        source["year"] = doc.year
    when = sort_date(doc)
    if when is not None:
        source["date"] = when
    source["relevant"] = doc.relevant
    source[DOC_FIELD] = doc.model_dump(mode="json")
    return source
