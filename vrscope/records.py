"""The records every part of vrscope exchanges: Patent, Standard and their Labels."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from vrscope.ids import normalize_patent_number, normalize_standard_id


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Record(BaseModel):
    """Fields every document carries: identity and provenance."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    id: str
    source: str
    url: str | None = None
    fetched_at: dt.datetime = Field(default_factory=_utcnow)

    def texts(self) -> dict[str, str]:
        """Title and body text by language, for classification and indexing."""
        raise NotImplementedError

    @property
    def display_title(self) -> str:
        """The best title to show: Chinese or English, whichever exists."""
        raise NotImplementedError


class Party(BaseModel):
    """An applicant, assignee or inventor as the source gives it, plus its normalized name."""

    name: str
    name_normalized: str | None = None
    address: str | None = None
    country: str | None = None


class LegalEvent(BaseModel):
    """One legal-status event (INPADOC or national register)."""

    date: dt.date | None = None
    code: str
    description: str | None = None


class Patent(Record):
    """A patent publication (application or grant), keyed by its DOCDB-style publication number."""

    doc_type: Literal["patent"] = "patent"
    kind: str | None = None
    jurisdiction: str
    family_id: str | None = None
    application_number: str | None = None
    application_date: dt.date | None = None
    priority_date: dt.date | None = None
    publication_date: dt.date | None = None
    grant_date: dt.date | None = None
    titles: dict[str, str] = Field(default_factory=dict, description="language → title")
    abstracts: dict[str, str] = Field(default_factory=dict, description="language → abstract")
    claims: dict[str, str] = Field(default_factory=dict, description="language → claims text")
    applicants: list[Party] = Field(default_factory=list)
    inventors: list[Party] = Field(default_factory=list)
    cpc: list[str] = Field(default_factory=list)
    ipc: list[str] = Field(default_factory=list)
    citations: list[str] = Field(default_factory=list)
    legal_status: str | None = None
    legal_events: list[LegalEvent] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _normalize_id(cls, value: str) -> str:
        return normalize_patent_number(value)

    def texts(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for lang in set(self.titles) | set(self.abstracts) | set(self.claims):
            parts = [self.titles.get(lang, ""), self.abstracts.get(lang, ""), self.claims.get(lang, "")]
            out[lang] = "\n".join(p for p in parts if p)
        return out

    @property
    def display_title(self) -> str:
        for lang in ("en", "zh"):
            if self.titles.get(lang):
                return self.titles[lang]
        return next(iter(self.titles.values()), self.id)

    @property
    def year(self) -> int | None:
        when = self.priority_date or self.application_date or self.publication_date
        return when.year if when else None


class StandardStatus(StrEnum):
    """One status vocabulary for standards from every body."""

    PLAN = "plan"
    PREPARATORY = "preparatory"
    COMMITTEE_DRAFT = "committee_draft"
    DRAFT_FOR_COMMENT = "draft_for_comment"
    UNDER_DEVELOPMENT = "under_development"
    APPROVAL = "approval"
    PUBLISHED = "published"
    TO_BE_IMPLEMENTED = "to_be_implemented"
    UNDER_REVIEW = "under_review"
    WITHDRAWN = "withdrawn"
    REPLACED = "replaced"


class Level(StrEnum):
    """Who issues the standard."""

    INTERNATIONAL = "international"
    NATIONAL = "national"
    INDUSTRY = "industry"
    LOCAL = "local"
    GROUP = "group"


class Adoption(BaseModel):
    """Adoption of an international standard (GB/T xxx IDT ISO yyy)."""

    identifier: str
    degree: Literal["IDT", "MOD", "NEQ", "EQV"] | None = None


class Edition(BaseModel):
    """One source's version of a standard; a standard merged from several sources keeps them all."""

    identifier: str = Field(description="the identifier exactly as the source gives it")
    source: str
    origin: str | None = Field(default=None, description="the file or page it came from")
    edition: str | None = Field(default=None, description="edition number or version")
    date: str | None = Field(None, description="publication date as given: YYYY, YYYY-MM or YYYY-MM-DD")
    status: StandardStatus | None = None
    stage_code: str | None = None
    url: str | None = None
    digest: str | None = Field(default=None, description="fingerprint of the record this source gave")


class Standard(Record):
    """A standard, draft or plan item, keyed by its normalized identifier."""

    doc_type: Literal["standard"] = "standard"
    level: Level | None = None
    body: str | None = None
    doctype: str | None = Field(default=None, description="the source's document type (standard, TR, TS …)")
    title_zh: str | None = None
    title_en: str | None = None
    abstract: str | None = Field(default=None, description="scope or abstract")
    status: StandardStatus | None = None
    status_raw: str | None = Field(default=None, description="the source's own status word")
    stage_code: str | None = None
    stage_name: str | None = None
    plan_number: str | None = None
    record_number: str | None = Field(default=None, description="filing number (备案号), industry or local")
    committee: str | None = None
    ics: list[str] = Field(default_factory=list)
    ccs: list[str] = Field(default_factory=list)
    plan_date: dt.date | None = None
    comment_deadline: dt.date | None = None
    published_date: dt.date | None = None
    implemented_date: dt.date | None = None
    withdrawn_date: dt.date | None = None
    drafting_orgs: list[str] = Field(default_factory=list)
    replaces: list[str] = Field(default_factory=list)
    replaced_by: list[str] = Field(default_factory=list)
    adoption: Adoption | None = None
    editions: list[Edition] = Field(default_factory=list, description="every source's version, kept on merge")
    sources: list[str] = Field(default_factory=list, description="every source that gave this standard")

    @field_validator("id")
    @classmethod
    def _normalize_id(cls, value: str) -> str:
        return normalize_standard_id(value)

    def texts(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.title_zh:
            out["zh"] = self.title_zh
        en = "\n".join(p for p in (self.title_en, self.abstract) if p)
        if en:
            out["en"] = en
        return out

    @property
    def display_title(self) -> str:
        return self.title_zh or self.title_en or self.id

    @property
    def year(self) -> int | None:
        when = self.published_date or self.plan_date or self.implemented_date
        return when.year if when else None


Document = Annotated[Patent | Standard, Field(discriminator="doc_type")]


class Labels(BaseModel):
    """What the classifier (or a person) says about one document."""

    relevant: bool
    relevance_score: float = 0.0
    techs: dict[str, float] = Field(default_factory=dict, description="technology → score, kept ones only")
    subtopics: dict[str, float] = Field(default_factory=dict)
    forms: dict[str, float] = Field(default_factory=dict)
    model_version: str
    labelled_at: dt.datetime = Field(default_factory=_utcnow)


class Correction(BaseModel):
    """A human correction: every field given here wins over the model, now and after any re-run."""

    relevant: bool | None = None
    techs: list[str] | None = None
    subtopics: list[str] | None = None
    forms: list[str] | None = None
    author: str = "unknown"
    note: str | None = None
    created_at: dt.datetime = Field(default_factory=_utcnow)


def effective_labels(model: Labels | None, correction: Correction | None) -> Labels | None:
    """Merge model labels with a correction; the correction wins field by field."""
    if correction is None:
        return model
    base = model or Labels(relevant=False, model_version="human")
    data = base.model_dump()
    if correction.relevant is not None:
        data["relevant"] = correction.relevant
        data["relevance_score"] = 1.0 if correction.relevant else 0.0
    for key in ("techs", "subtopics", "forms"):
        chosen = getattr(correction, key)
        if chosen is not None:
            data[key] = dict.fromkeys(chosen, 1.0)
    data["model_version"] = f"{base.model_version}+human"
    return Labels.model_validate(data)
