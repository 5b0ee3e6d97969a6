"""More-like-this, the engine-agnostic part: the text that stands for a document, and the term limits."""

from __future__ import annotations

from typing import Literal

from search.backend import IndexDoc, QueryError, SearchQuery
from search.segment import drop_single_han, segment

FIELDS = ("title", "abstract", "claims")
MAX_QUERY_TERMS = 25  # the most distinctive terms of the source make the query
MIN_TERM_FREQ = 1  # abstracts are short: a term said once still counts
MIN_WORD_LENGTH = 2
# A term only the source document holds finds nothing else, yet would rank first by rarity.
MIN_DOC_FREQ_FOR_DOC = 2
MIN_DOC_FREQ_FOR_TEXT = 1
MAX_TEXT_CHARS = 20_000
MAX_SIZE = 100
# Compared with analysed terms (lower case, English-stemmed): boilerplate of patents and standards.
STOP_WORDS = (
    "a an and are as at be by for from has have in is it its of on or that the this to which with "
    "wherein said compris includ first second least one more method system devic "
    "一种 本发明 所述 包括 其中 及其 公开 本标准 规定 用于 根据 以及 通过 进行 实用新型"
).split()

DocType = Literal["patent", "standard"]


def _clean(text: str) -> str:
    """Segmented, without one-character Chinese words."""
    return drop_single_han(segment(text))


def doc_fields(doc: IndexDoc) -> dict[str, list[str]]:
    """An indexed document's text per field, analysed-ready (segmented)."""
    titles = list(dict.fromkeys(t for t in (doc.title, doc.title_en, doc.title_zh) if t))
    out = {"title": [_clean(t) for t in titles]}
    if doc.abstract:
        out["abstract"] = [_clean(doc.abstract)]
    if doc.claims:
        out["claims"] = [_clean(doc.claims)]
    return out


def text_fields(text: str) -> dict[str, list[str]]:
    """Free text compared with every text field."""
    cleaned = _clean(text[:MAX_TEXT_CHARS])
    return {name: [cleaned] for name in FIELDS}


def check_request(doc_id: str | None, text: str | None, size: int) -> None:
    """Exactly one source, a sane size; QueryError otherwise."""
    if (doc_id is None) == (text is None):
        raise QueryError("give either a document id or a text to find similar documents")
    if text is not None and not text.strip():
        raise QueryError("the text to compare with is empty")
    if doc_id is not None and not doc_id.strip():
        raise QueryError("the document id is empty")
    if not 1 <= size <= MAX_SIZE:
        raise QueryError(f"size must be between 1 and {MAX_SIZE}")


def candidate_filters(doc_type: DocType | None, filters: SearchQuery | None) -> SearchQuery:
    """The filters restricting the candidates; doc_type wins over the one in filters."""
    base = filters or SearchQuery()
    return base.model_copy(update={"doc_type": doc_type}) if doc_type is not None else base
