"""Emerging sub-topics and terms: what the recent window holds more of than the one before, or the background.

Sub-topics come from the engine (one count-only query per year of both windows, its ``subtopics``
facet and total), so they are the same on every engine. Terms come from the store of record's titles
and abstracts, Chinese segmented with search.segment, stop-words and numbers dropped (once per document
and store generation: search.store_cache). Both are scored
with Dunning's log-likelihood ratio G² on a 2×2 table of documents (with / without the sub-topic or
term × recent / other): G² ≥ 3.84 means p < 0.05 with one degree of freedom. A document counts once
per sub-topic or term it carries.
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from itertools import islice

from pydantic import BaseModel, Field

from search.analytics import Filters, _wanted
from search.backend import SearchBackend
from search.segment import segment
from search.store_docs import StoredDoc, stored_rows
from vrscope.records import Patent
from vrscope.store import Store

G2_CRITICAL = 3.84  # chi-square, 1 degree of freedom, p = 0.05
YEAR_MIN, YEAR_MAX = 1800, 2200  # the years a SearchQuery accepts
SIGNIFICANCE = (
    "G² log-likelihood ratio (Dunning 1993) on documents with / without the value in the recent window "
    f"against the comparison set; 'emerging' = share grew and G² ≥ {G2_CRITICAL} (p < 0.05, 1 df)"
)
TERMS_METHOD = (
    "terms of titles and abstracts in the store of record (Chinese segmented with rjieba, pieces of the "
    "taxonomy's Chinese terms joined again; English words and two-word phrases; stop-words and numbers "
    "dropped), each counted once per document; recent documents against all other matching documents"
)
EXAMPLES = 3
# Function words and patent/standard boilerplate: frequent everywhere, never a topic.
STOP_EN = frozenset("""
a about above according after again all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each either few for from further
had has have having here how i if in into is it its itself just least less may more most much must
no nor not of off on once one only or other our out over own same second she should so some such
than that the their them then there these they this those through thereof therein thereby to too
two under until up upon use used using very via was we were what when where whether which while who
whom why will with within without would first third plurality wherein whereby comprising comprises
comprise comprised including includes include having configured method methods system systems device
devices apparatus apparatuses unit units module modules based embodiment embodiments invention
disclosure present provided provides providing respectively corresponding least part parts portion
portions example examples herein said further general requirements requirement specification
technology technologies information standard standards part annex technical
au aux avec dans de des du en est et la le les par pour qui sur un une
das der die ein eine für mit und von zum zur
""".split())
STOP_ZH = frozenset("""
一种 及其 方法 装置 系统 设备 所述 包括 其中 用于 本发明 本申请 公开 以及 通过 进行 实现 提供 具有 可以
一个 多个 至少 第一 第二 第三 所示 该 其 和 与 及 或 在 为 是 了 等 中 对 将 上 下 由 从 以 于 并 且 也 不
根据 相应 相关 基于 包含 设置 用以 使得 使用 应用 采用 技术 要求 规范 标准 信息 部分 通用 方面 能够
文件 本文件 规定 适用 适用于 给出 描述 确立 术语 定义
""".split())
_TOKEN = re.compile(r"[^\W_]+")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class Example(BaseModel):
    """A document that shows a sub-topic or term."""

    id: str
    title: str
    year: int | None = None


class EmergingTopic(BaseModel):
    """One sub-topic's counts in the two windows and how significant its change is."""

    subtopic: str
    tech: str | None = Field(None, description="the technology the sub-topic belongs to")
    name_en: str
    name_zh: str
    counts: list[int] = Field(description="documents per year of EmergingResult.years")
    recent: int
    previous: int
    recent_share: float | None = Field(description="recent / all documents in the recent window")
    previous_share: float | None = Field(description="previous / all documents in the previous window")
    share_change: float | None = Field(description="recent_share - previous_share (fraction points)")
    g2: float = Field(description="signed G²: positive when the share grew")
    emerging: bool
    examples: list[Example] = Field(default_factory=list, description="newest recent documents")


class EmergingTerm(BaseModel):
    """A term over-represented in recent documents."""

    term: str
    recent: int = Field(description="recent documents containing it")
    background: int = Field(description="all matching documents containing it")
    recent_share: float
    background_share: float
    g2: float
    examples: list[Example] = Field(default_factory=list)


class EmergingResult(BaseModel):
    """Emerging sub-topics and terms of the recent window."""

    window: int = Field(description="years per window")
    end_year: int | None
    recent_years: tuple[int, int] | None
    previous_years: tuple[int, int] | None
    years: list[int]
    totals: list[int] = Field(description="all matching documents per year")
    recent_total: int
    previous_total: int
    background_total: int = Field(0, description="documents the terms were compared against")
    significance: str = SIGNIFICANCE
    terms_method: str = TERMS_METHOD
    subtopics: list[EmergingTopic]
    terms: list[EmergingTerm] = Field(default_factory=list)


def g2(a: int, b: int, c: int, d: int) -> float:
    """Dunning's log-likelihood ratio G² of the 2×2 table [[a, b], [c, d]]; 0 when a margin is empty."""
    n = a + b + c + d
    rows, cols = (a + b, c + d), (a + c, b + d)
    if n == 0 or 0 in rows or 0 in cols:
        return 0.0
    total = 0.0
    for observed, row, col in ((a, 0, 0), (b, 0, 1), (c, 1, 0), (d, 1, 1)):
        if observed:
            total += observed * math.log(observed * n / (rows[row] * cols[col]))
    return 2.0 * total


def signed_g2(hits: int, size: int, other_hits: int, other_size: int) -> float:
    """G² of hits/size against other_hits/other_size, negative when the first share is the smaller."""
    score = g2(hits, size - hits, other_hits, other_size - other_hits)
    first = hits / size if size else 0.0
    second = other_hits / other_size if other_size else 0.0
    return score if first >= second else -score


def share(part: int, whole: int) -> float | None:
    """part / whole, None for an empty whole."""
    return part / whole if whole else None


def windows(end: int, window: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """(recent, previous) inclusive year ranges of ``window`` years, the recent one ending at end."""
    return (end - window + 1, end), (end - 2 * window + 1, end - window)


def _end_year(backend: SearchBackend, filters: Filters, end: int | None) -> int | None:
    """end, else year_to, else the last year any matching document has."""
    if end is not None:
        return end
    if filters.year_to is not None:
        return filters.year_to
    histogram = backend.search(filters.query(histogram=True)).histogram
    return max(histogram, default=None)


def emerging_subtopics(
    backend: SearchBackend, filters: Filters, *, window: int = 3, end: int | None = None,
    min_count: int = 2, subtopics: Sequence[str] | None = None,
) -> EmergingResult:
    """Per sub-topic: documents per year of both windows, share change and signed G², newest examples.

    The windows replace the year filters; every other filter applies.
    """
    from classify.taxonomy import TAXONOMY

    if window < 1:
        raise ValueError(f"window must be at least 1 year, not {window}")
    last = _end_year(backend, filters.model_copy(update={"year_from": None}), end)
    ids = _wanted(filters, "subtopics", list(subtopics) if subtopics is not None else TAXONOMY.subtopic_ids())
    if last is None:
        return EmergingResult(window=window, end_year=None, recent_years=None, previous_years=None, years=[],
                              totals=[], recent_total=0, previous_total=0, subtopics=[])
    recent, previous = windows(last, window)
    years = list(range(previous[0], recent[1] + 1))
    per_year: dict[int, dict[str, int]] = {}
    totals: list[int] = []
    for year in years:
        if not YEAR_MIN <= year <= YEAR_MAX:  # outside what a query accepts: nothing is dated there
            per_year[year] = {}
            totals.append(0)
            continue
        result = backend.search(filters.query(year_from=year, year_to=year, facets=["subtopics"],
                                              facet_size=200))
        per_year[year] = {b.value: b.count for b in result.facets.get("subtopics", [])}
        totals.append(result.total)
    recent_total, previous_total = sum(totals[window:]), sum(totals[:window])
    names_en, names_zh = TAXONOMY.names("en"), TAXONOMY.names("zh")
    rows = []
    for sub in ids:
        counts = [per_year[y].get(sub, 0) for y in years]
        now, before = sum(counts[window:]), sum(counts[:window])
        score = signed_g2(now, recent_total, before, previous_total)
        now_share, before_share = share(now, recent_total), share(before, previous_total)
        change = now_share - before_share if now_share is not None and before_share is not None else None
        rows.append(EmergingTopic(
            subtopic=sub, tech=_parent(sub), name_en=names_en.get(sub, sub), name_zh=names_zh.get(sub, sub),
            counts=counts, recent=now, previous=before, recent_share=now_share, previous_share=before_share,
            share_change=change, g2=score, emerging=score >= G2_CRITICAL and now >= min_count))
    rows.sort(key=lambda r: (-r.g2, -(r.share_change or 0.0), -r.recent, r.subtopic))
    for row in rows:
        if row.recent:
            query = filters.query(subtopics=[row.subtopic], year_from=max(recent[0], YEAR_MIN),
                                  year_to=recent[1], size=EXAMPLES, sort="date_desc")
            hits = backend.search(query).hits
            row.examples = [Example(id=h.id, title=h.title, year=h.year) for h in hits]
    return EmergingResult(window=window, end_year=last, recent_years=recent, previous_years=previous,
                          years=years, totals=totals, recent_total=recent_total,
                          previous_total=previous_total, subtopics=rows)


def _parent(subtopic: str) -> str | None:
    """The technology of a taxonomy sub-topic, None for an unknown one."""
    from classify.taxonomy import TAXONOMY

    try:
        return TAXONOMY.parent_of(subtopic)
    except KeyError:
        return None


@cache
def taxonomy_terms_zh() -> frozenset[str]:
    """The taxonomy's Chinese terms and anchors (增强现实, 光波导 …), which rjieba may cut in pieces."""
    from classify.taxonomy import TAXONOMY

    return frozenset(term for concept in TAXONOMY.concepts() for term in concept.all_terms("zh")
                     if len(term) >= 2 and all(_HAN.match(ch) for ch in term))


def _rejoin(tokens: list[str]) -> list[str]:
    """Consecutive Chinese tokens joined again where together they make a taxonomy term (longest first)."""
    known = taxonomy_terms_zh()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for size in (4, 3, 2):
            parts = tokens[i:i + size]
            if len(parts) == size and all(_HAN.match(p) for p in parts) and "".join(parts) in known:
                out.append("".join(parts))
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def terms_of(text: str) -> set[str]:
    """The distinct terms of a text: Chinese words (taxonomy terms kept whole), English words and pairs."""
    found: set[str] = set()
    previous: str | None = None
    for token in _rejoin(_TOKEN.findall(segment(text).casefold())):
        if _HAN.search(token):
            keep = len(token) >= 2 and token not in STOP_ZH
            if keep:
                found.add(token)
            previous = None
            continue
        keep = len(token) >= 2 and not token.isdigit() and token not in STOP_EN and any(
            ch.isalpha() for ch in token)
        if not keep:
            previous = None
            continue
        found.add(token)
        if previous is not None:
            found.add(f"{previous} {token}")
        previous = token
    return found


@dataclass(frozen=True)
class TermDoc:
    """A document as the term statistics see it."""

    id: str
    title: str
    year: int | None
    date: str
    terms: Collection[str]  # distinct terms


def significant_terms(
    docs: Iterable[TermDoc], recent: tuple[int, int], *, min_count: int = 2, size: int = 20
) -> tuple[list[EmergingTerm], int]:
    """Terms whose share of recent documents exceeds their share of the other documents, by G².

    Returns the top ``size`` terms found in at least ``min_count`` recent documents, and how many
    documents (recent and other) were compared.
    """
    docs = list(docs)
    fresh = [d for d in docs if d.year is not None and recent[0] <= d.year <= recent[1]]
    fg: Counter[str] = Counter(t for d in fresh for t in d.terms)
    everywhere: Counter[str] = Counter(t for d in docs for t in d.terms)
    n_fg, n_all = len(fresh), len(docs)
    scored = []
    for term, a in fg.items():
        if a < min_count:
            continue
        score = signed_g2(a, n_fg, everywhere[term] - a, n_all - n_fg)
        if score > 0:
            scored.append((score, term))
    scored.sort(key=lambda s: (-s[0], s[1]))
    newest = sorted(fresh, key=lambda d: (d.date, d.id), reverse=True)
    out = []
    for score, term in scored[:size]:
        shown = list(islice((d for d in newest if term in d.terms), EXAMPLES))
        examples = [Example(id=d.id, title=d.title, year=d.year) for d in shown]
        out.append(EmergingTerm(term=term, recent=fg[term], background=everywhere[term],
                                recent_share=fg[term] / n_fg, background_share=everywhere[term] / n_all,
                                g2=score, examples=examples))
    return out, n_all


def term_docs(items: Iterable[StoredDoc]) -> Iterator[TermDoc]:
    """Stored documents as TermDocs: titles and abstracts in every language, dated as the index dates them."""
    for item in items:
        doc = item.doc
        if isinstance(doc, Patent):
            texts = [*doc.titles.values(), *doc.abstracts.values()]
            when = doc.priority_date or doc.application_date or doc.publication_date
        else:
            texts = [doc.title_zh or "", doc.title_en or "", doc.abstract or ""]
            when = doc.published_date or doc.plan_date or doc.implemented_date
        terms = frozenset(t for text in texts if text for t in terms_of(text))
        yield TermDoc(id=doc.id, title=doc.display_title, year=doc.year,
                      date=when.isoformat() if when else "", terms=terms)


def term_doc(item: StoredDoc) -> TermDoc:
    """One stored document as a TermDoc, its terms interned (documents share them in the cache)."""
    doc = next(term_docs([item]))
    # A tuple of interned terms holds the same distinct terms in a fraction of a frozenset's memory.
    return replace(doc, terms=tuple(sorted(sys.intern(t) for t in doc.terms)))


def emerging(
    backend: SearchBackend, store: Store, filters: Filters, *, window: int = 3, end: int | None = None,
    min_count: int = 2, size: int = 20,
) -> EmergingResult:
    """Emerging sub-topics (from the engine) and significant terms (from the store) of the recent window."""
    result = emerging_subtopics(backend, filters, window=window, end=end, min_count=min_count)
    if result.recent_years is None:
        return result
    unbounded = filters.model_copy(update={"year_from": None, "year_to": None})
    docs = (doc for _, doc in stored_rows(store, unbounded, backend, "emerging_terms", term_doc))
    result.terms, result.background_total = significant_terms(docs, result.recent_years, min_count=min_count,
                                                               size=size)
    return result
