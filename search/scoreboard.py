"""The breakthrough scoreboard: per sub-topic indicators for the city, each against a configurable threshold.

World and China counts come from the engine (the ``subtopics`` facet over patents, and over patents
filed in China); the city's filings, grants and standards come from the store of record, because
only it holds applicant addresses and drafting organisations. "Local" is search.players_local's
rule: 青岛/Qingdao or a Qingdao district in the applicant's (or organisation's) address or name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Literal

import pandas as pd
from pydantic import BaseModel, Field, model_validator

from search.analytics import GROWTH_YEARS, Filters, _wanted, growth
from search.backend import SearchBackend
from search.players_local import in_qingdao
from search.store_docs import StoredDoc, stored_rows
from vrscope.applicants import normalize_applicant
from vrscope.records import Party, Patent, Standard
from vrscope.settings import Settings
from vrscope.store import Store

Status = Literal["breakthrough", "on_track", "behind"]
INDICATORS = ("local_filings", "local_share", "growth", "standards")


class Thresholds(BaseModel):
    """What each indicator must reach, and the city's target (VRSCOPE_SCOREBOARD_* settings)."""

    min_local_filings: int = Field(10, ge=0)
    min_local_share: float = Field(0.05, ge=0.0, le=1.0)
    min_growth: float = 0.1
    min_standards: int = Field(1, ge=0)
    on_track_min_met: int = Field(2, ge=1, le=len(INDICATORS))
    target_min: int = Field(3, ge=0)
    target_max: int = Field(5, ge=0)

    @model_validator(mode="after")
    def _target_in_order(self) -> Thresholds:
        """The target range must not be upside down."""
        if self.target_min > self.target_max:
            raise ValueError(f"target_min ({self.target_min}) is above target_max ({self.target_max})")
        return self


class SubtopicScore(BaseModel):
    """One sub-topic's indicators, which thresholds they meet, and its status."""

    subtopic: str
    tech: str | None
    name_en: str
    name_zh: str
    world_filings: int = Field(description="matching patents worldwide")
    cn_filings: int = Field(description="matching patents filed in China (jurisdiction CN)")
    local_filings: int = Field(description="patents with at least one Qingdao applicant, any office")
    local_grants: int = Field(description="of those, granted (a grant date is known)")
    local_cn_filings: int = Field(description="local filings made in China")
    local_share: float | None = Field(description="local_cn_filings / cn_filings")
    recent: int = Field(description="local filings in the recent window")
    previous: int = Field(description="local filings in the window before")
    growth: float | None = Field(description="recent / previous - 1; None when previous is 0")
    local_led_standards: int = Field(description="standards whose first drafting organisation is local")
    local_codrafted_standards: int = Field(
        description="standards with a local drafting organisation, but not the first")
    standards: int = Field(description="local-led plus co-drafted standards")
    local_applicants: list[str] = Field(default_factory=list, description="the most frequent local ones")
    met: dict[str, bool]
    met_count: int
    status: Status


class Headline(BaseModel):
    """How many sub-topics are breakthroughs, against the city's target range."""

    breakthroughs: int
    on_track: int
    target_min: int
    target_max: int
    en: str
    zh: str


class Method(BaseModel):
    """How each indicator is computed and which threshold it must meet, in English and Chinese."""

    en: list[str]
    zh: list[str]


class ScoreboardResult(BaseModel):
    """The scoreboard: headline, method, thresholds and one row per sub-topic (best first)."""

    headline: Headline
    method: Method
    thresholds: Thresholds
    end_year: int | None
    recent_years: tuple[int, int] | None
    previous_years: tuple[int, int] | None
    rows: list[SubtopicScore]


def status_of(met: int, thresholds: Thresholds) -> Status:
    """breakthrough when every indicator meets its threshold, on track from on_track_min_met, else behind."""
    if met >= len(INDICATORS):
        return "breakthrough"
    return "on_track" if met >= thresholds.on_track_min_met else "behind"


def indicators_met(
    local_filings: int, local_share: float | None, recent: int, previous: int, standards: int,
    thresholds: Thresholds,
) -> dict[str, bool]:
    """Which indicators meet their thresholds; local filings that are new (none before) count as growth."""
    rate = growth(recent, previous)
    grew = rate >= thresholds.min_growth if rate is not None else recent > 0
    return {
        "local_filings": local_filings >= thresholds.min_local_filings,
        "local_share": local_share is not None and local_share >= thresholds.min_local_share,
        "growth": grew,
        "standards": standards >= thresholds.min_standards,
    }


def headline(rows: Iterable[SubtopicScore], thresholds: Thresholds) -> Headline:
    """'N of the 3–5 target' in English and Chinese."""
    rows = list(rows)
    done = sum(r.status == "breakthrough" for r in rows)
    close = sum(r.status == "on_track" for r in rows)
    lo, hi = thresholds.target_min, thresholds.target_max
    return Headline(
        breakthroughs=done, on_track=close, target_min=lo, target_max=hi,
        en=f"{done} of the {lo}–{hi} target ({close} more on track)",
        zh=f"已达突破 {done} 项，目标 {lo}–{hi} 项（另有 {close} 项接近）",
    )


def method(
    thresholds: Thresholds, recent: tuple[int, int] | None, previous: tuple[int, int] | None
) -> Method:
    """The method text: every indicator, its source and its threshold."""
    t = thresholds
    windows_en = windows_zh = "–"
    if recent and previous:
        windows_en = f"{recent[0]}–{recent[1]} against {previous[0]}–{previous[1]}"
        windows_zh = f"{recent[0]}–{recent[1]} 年对比 {previous[0]}–{previous[1]} 年"
    return Method(
        en=[
            "Local = an applicant (or drafting organisation) whose address or name contains 青岛/Qingdao "
            "or a Qingdao district; sub-topics are the documents' effective labels; the filters apply.",
            f"Local filings: patents with at least one local applicant, any office; threshold ≥ "
            f"{t.min_local_filings}. Grants (a grant date is known) are shown, not scored.",
            f"Local share: local filings made in China ÷ all patents filed in China (search index); "
            f"threshold ≥ {t.min_local_share:.0%}.",
            f"Growth: local filings {windows_en} (recent / previous − 1); threshold ≥ {t.min_growth:.0%}; "
            "filings where there were none before count as growth.",
            f"Standards: standards led (first drafting organisation) or co-drafted by a local organisation; "
            f"threshold ≥ {t.min_standards}.",
            f"Status: breakthrough = all 4 thresholds met; on track = at least {t.on_track_min_met}; "
            f"behind = fewer. Target: {t.target_min}–{t.target_max} breakthroughs (the city's VR plan).",
        ],
        zh=[
            "本地 = 申请人（或标准起草单位）的地址或名称含“青岛/Qingdao”或青岛某区市；"
            "子方向取文献的有效分类标签；页面筛选条件同样适用。",
            f"本地申请量：至少一个本地申请人的专利（不限受理局）；阈值 ≥ {t.min_local_filings} 件。"
            "授权量（有授权日）仅展示，不计分。",
            "本地占比：本地在中国提交的申请 ÷ 在中国提交的全部专利（检索索引）；"
            f"阈值 ≥ {t.min_local_share:.0%}。",
            f"增长率：本地申请量 {windows_zh}（近期 / 前期 − 1）；阈值 ≥ {t.min_growth:.0%}；"
            "前期为零而近期有申请视为增长。",
            f"标准：本地单位牵头（第一起草单位）或参与起草的标准数；阈值 ≥ {t.min_standards} 项。",
            f"状态：4 项阈值全部达到 = 已突破；至少 {t.on_track_min_met} 项 = 接近；其余 = 落后。"
            f"目标：{t.target_min}–{t.target_max} 项突破（青岛市虚拟现实产业行动计划）。",
        ],
    )


def _local_names(patent: Patent) -> list[str]:
    """The normalized names of a patent's Qingdao applicants."""
    local = (p for p in patent.applicants if in_qingdao(p))
    return [p.name_normalized or normalize_applicant(p.name) or p.name for p in local]


Row = dict[str, object]


def local_patent_rows(item: StoredDoc) -> tuple[Row, ...]:
    """One row per sub-topic of a labelled patent with a local applicant: year, granted, filed in China."""
    doc = item.doc
    if not isinstance(doc, Patent) or item.labels is None:
        return ()
    names = _local_names(doc)
    if not names:
        return ()
    return tuple({"doc_id": doc.id, "subtopic": sub, "year": doc.year, "names": names,
                  "granted": doc.grant_date is not None, "cn": doc.jurisdiction == "CN"}
                 for sub in item.labels.subtopics)


def local_standard_rows(item: StoredDoc) -> tuple[Row, ...]:
    """One row per sub-topic of a labelled standard with a local drafting organisation: led or co-drafted."""
    doc = item.doc
    if not isinstance(doc, Standard) or item.labels is None or not doc.drafting_orgs:
        return ()
    local = [in_qingdao(Party(name=org)) for org in doc.drafting_orgs]
    if not any(local):
        return ()
    return tuple({"doc_id": doc.id, "subtopic": sub, "led": local[0]} for sub in item.labels.subtopics)


def local_rows(item: StoredDoc) -> tuple[Row, ...]:
    """A stored document's scoreboard rows (none for most documents: they are not local)."""
    return local_patent_rows(item) if isinstance(item.doc, Patent) else local_standard_rows(item)


def local_patent_frame(rows: Iterable[Row]) -> pd.DataFrame:
    """One row per (local patent, sub-topic): year, granted, filed in China, local applicants."""
    frame = pd.DataFrame(list(rows), columns=["doc_id", "subtopic", "year", "granted", "cn", "names"])
    return frame.astype({"granted": bool, "cn": bool})


def local_standard_frame(rows: Iterable[Row]) -> pd.DataFrame:
    """One row per (standard with a local drafting organisation, sub-topic): led or co-drafted."""
    return pd.DataFrame(list(rows), columns=["doc_id", "subtopic", "led"]).astype({"led": bool})


def _local(store: Store, filters: Filters, backend: SearchBackend, doc_type: str) -> Iterator[Row]:
    """The scoreboard rows of the stored documents of one type passing the filters (cached per generation)."""
    for _, rows in stored_rows(store, filters, backend, "scoreboard", local_rows, doc_type=doc_type):
        yield from rows


def _facet(backend: SearchBackend, filters: Filters, **overrides: object) -> dict[str, int]:
    """Patents per sub-topic for the filters and overrides."""
    query = filters.query(doc_type="patent", facets=["subtopics"], facet_size=200, **overrides)
    result = backend.search(query)
    return {b.value: b.count for b in result.facets.get("subtopics", [])}


def _end_year(backend: SearchBackend, filters: Filters) -> int | None:
    """year_to, else the last year a matching patent has."""
    if filters.year_to is not None:
        return filters.year_to
    return max(backend.search(filters.query(doc_type="patent", histogram=True)).histogram, default=None)


def scoreboard(
    backend: SearchBackend, store: Store, filters: Filters, thresholds: Thresholds
) -> ScoreboardResult:
    """Indicators, thresholds met and status per sub-topic, with the headline and the method text.

    The doc_type filter is ignored: filings are patents and standards are standards.
    """
    from classify.taxonomy import TAXONOMY

    filters = filters.model_copy(update={"doc_type": None})
    world = _facet(backend, filters)
    in_china = not filters.jurisdiction or "CN" in filters.jurisdiction
    cn = _facet(backend, filters, jurisdiction=["CN"]) if in_china else {}
    end = _end_year(backend, filters)
    recent = (end - GROWTH_YEARS + 1, end) if end is not None else None
    previous = (end - 2 * GROWTH_YEARS + 1, end - GROWTH_YEARS) if end is not None else None
    patents = local_patent_frame(_local(store, filters, backend, "patent"))
    standards = local_standard_frame(_local(store, filters, backend, "standard"))
    names_en, names_zh = TAXONOMY.names("en"), TAXONOMY.names("zh")
    rows = []
    for sub in _wanted(filters, "subtopics", TAXONOMY.subtopic_ids()):
        mine = patents[patents["subtopic"] == sub]
        years = mine["year"].dropna()
        n_recent = int(years.between(*recent).sum()) if recent else 0
        n_previous = int(years.between(*previous).sum()) if previous else 0
        local_cn = int(mine.loc[mine["cn"], "doc_id"].nunique())
        share = local_cn / cn[sub] if cn.get(sub) else None
        std = standards[standards["subtopic"] == sub]
        led = int(std.loc[std["led"], "doc_id"].nunique())
        co = int(std.loc[~std["led"], "doc_id"].nunique())
        names = pd.Series([n for ns in mine["names"] for n in ns], dtype=object)
        top = names.value_counts().sort_index(kind="stable").sort_values(ascending=False, kind="stable")
        filed = int(mine["doc_id"].nunique())
        met = indicators_met(filed, share, n_recent, n_previous, led + co, thresholds)
        count = sum(met.values())
        rows.append(SubtopicScore(
            subtopic=sub, tech=TAXONOMY.parent_of(sub), name_en=names_en[sub], name_zh=names_zh[sub],
            world_filings=world.get(sub, 0), cn_filings=cn.get(sub, 0),
            local_filings=filed, local_grants=int(mine.loc[mine["granted"], "doc_id"].nunique()),
            local_cn_filings=local_cn, local_share=share, recent=n_recent, previous=n_previous,
            growth=growth(n_recent, n_previous), local_led_standards=led, local_codrafted_standards=co,
            standards=led + co, local_applicants=[str(n) for n in top.index[:3]], met=met, met_count=count,
            status=status_of(count, thresholds)))
    rows.sort(key=lambda r: (-r.met_count, -r.local_filings, -r.standards, r.subtopic))
    return ScoreboardResult(headline=headline(rows, thresholds), method=method(thresholds, recent, previous),
                            thresholds=thresholds, end_year=end, recent_years=recent, previous_years=previous,
                            rows=rows)


def thresholds_from(settings: Settings) -> Thresholds:
    """The thresholds the VRSCOPE_SCOREBOARD_* settings give."""
    return Thresholds(
        min_local_filings=settings.scoreboard_min_local_filings,
        min_local_share=settings.scoreboard_min_local_share,
        min_growth=settings.scoreboard_min_growth,
        min_standards=settings.scoreboard_min_standards,
        on_track_min_met=settings.scoreboard_on_track_min_met,
        target_min=settings.scoreboard_target_min,
        target_max=settings.scoreboard_target_max,
    )
