"""The tantivy schema of the embedded index, and IndexDoc → tantivy Document."""

from __future__ import annotations

import datetime as dt
from functools import cache

import tantivy

from search.backend import IndexDoc
from search.segment import segment, segment_all

# Full text, Chinese pre-segmented, then tantivy's built-in "en_stem" (simple tokenizer, remove
# tokens over 40 bytes, lowercase, English Snowball stemmer). query_analyzer() mirrors it.
TEXT_TOKENIZER = "en_stem"
STORED_TEXT = ("title", "abstract")  # stored for snippets
UNSTORED_TEXT = ("claims",)
# Search-mode sub-words of all Chinese text (显示器 → 显示, 显示器): recall when the query's words
# and the document's words were segmented differently. No positions: never used in phrases.
FINE_FIELD = "zh_parts"
# The sub-word field holds space-separated Han words only, which "en_stem" leaves as they are (no case,
# no English suffixes): splitting on spaces gives the same terms for less CPU (query_analyzer() still
# makes the query terms). Registered on each opened index (register_tokenizers).
FINE_TOKENIZER = "zh_words"
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
MONTH_FIELD = "month"  # year * 100 + month of the sort date, for the per-month histogram
DOC_FIELD = "_doc"  # the IndexDoc as JSON, for get() and hits


def build_schema() -> tantivy.Schema:
    """The embedded index schema."""
    builder = tantivy.SchemaBuilder()
    for name in STORED_TEXT:
        builder.add_text_field(name, stored=True, tokenizer_name=TEXT_TOKENIZER)
    for name in UNSTORED_TEXT:
        builder.add_text_field(name, stored=False, tokenizer_name=TEXT_TOKENIZER)
    builder.add_text_field(FINE_FIELD, tokenizer_name=FINE_TOKENIZER, index_option="freq")
    for name in KEYWORD_FIELDS:
        builder.add_text_field(name, fast=name != "id", tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("year", indexed=True, fast=True)
    builder.add_date_field("date", indexed=True, fast=True)
    builder.add_integer_field(MONTH_FIELD, indexed=False, fast=True)
    builder.add_boolean_field("relevant", indexed=True, fast=True)
    builder.add_bytes_field(DOC_FIELD, stored=True)
    return builder.build()


def fine_analyzer() -> tantivy.TextAnalyzer:
    """The sub-word field's analysis: whitespace-separated words, tokens over 40 bytes removed."""
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
    return builder.filter(tantivy.Filter.remove_long(40)).build()


def register_tokenizers(index: tantivy.Index) -> None:
    """Make the schema's own tokenizers known to an opened index (a writer needs them)."""
    index.register_tokenizer(FINE_TOKENIZER, fine_analyzer())


@cache
def query_analyzer() -> tantivy.TextAnalyzer:
    """The same analysis as the "en_stem" tokenizer, for turning query words into index terms."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def analyze(text: str) -> list[str]:
    """Index terms of a piece of query text: segmented, tokenized, lowercased, stemmed."""
    return query_analyzer().analyze(segment(text)) if text.strip() else []


def sort_date(doc: IndexDoc) -> dt.datetime | None:
    """The date used for date sort: the ISO date, else 1 January of the year, else None."""
    if doc.date:
        try:
            day = dt.date.fromisoformat(doc.date[:10])
            return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        except ValueError:
            pass
    if doc.year and 1 <= doc.year <= 9999:
        return dt.datetime(doc.year, 1, 1, tzinfo=dt.UTC)
    return None


def _unique(values: list[str]) -> list[str]:
    """Non-empty values without repeats, order kept (a repeated keyword would count twice in facets)."""
    return list(dict.fromkeys(v for v in values if v))


def to_tantivy_doc(doc: IndexDoc) -> tantivy.Document:
    """One tantivy Document: segmented text, raw keywords, numbers and the JSON copy."""
    out = tantivy.Document()
    titles = _unique([doc.title, doc.title_en or "", doc.title_zh or ""])
    # All the document's Chinese is segmented in two rjieba calls (accurate words, search-mode parts).
    texts, parts = segment_all([*titles, doc.abstract, doc.claims])
    for title in texts[: len(titles)]:
        out.add_text("title", title)
    abstract, claims = texts[len(titles) :]
    if abstract:
        out.add_text("abstract", abstract)
    if claims:
        out.add_text("claims", claims)
    if parts:
        out.add_text(FINE_FIELD, parts)
    for name in KEYWORD_FIELDS:
        value = getattr(doc, name)
        if isinstance(value, list):
            for item in dict.fromkeys(value):
                if item:
                    out.add_text(name, item)
        elif value:
            out.add_text(name, value)
    if doc.year is not None:
        out.add_integer("year", doc.year)
    when = sort_date(doc)
    if when is not None:
        out.add_date("date", when)
        out.add_integer(MONTH_FIELD, when.year * 100 + when.month)
    out.add_boolean("relevant", doc.relevant)
    # Defaults left out (the reader fills them in again): less to compress and store.
    out.add_bytes(DOC_FIELD, doc.model_dump_json(exclude_defaults=True).encode())
    return out
