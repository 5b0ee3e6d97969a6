"""The label vocabulary: product forms, technologies and sub-topics with their English and Chinese names."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from api.deps import reject_unknown_params

router = APIRouter(prefix="/api/v1", tags=["taxonomy"])


class Term(BaseModel):
    """One label value and its names."""

    id: str
    name_en: str
    name_zh: str
    tech: str | None = Field(None, description="sub-topics: the technology they belong to")


class TaxonomyPublic(BaseModel):
    """Every value the tech, subtopic and form filters accept, with display names."""

    forms: list[Term]
    techs: list[Term]
    subtopics: list[Term]


class _NoParams(BaseModel):
    """GET /api/v1/taxonomy takes no parameters."""


@router.get("/taxonomy", response_model=TaxonomyPublic,
            dependencies=[Depends(reject_unknown_params(_NoParams))])
def read_taxonomy() -> TaxonomyPublic:
    """Product forms, technologies and sub-topics (the filter values), named in English and Chinese."""
    from classify.taxonomy import TAXONOMY  # loaded on first use, not at import

    def term(concept_id: str, tech: str | None = None) -> Term:
        concept = TAXONOMY.get(concept_id)
        return Term(id=concept.id, name_en=concept.name_en, name_zh=concept.name_zh, tech=tech)

    return TaxonomyPublic(
        forms=[term(i) for i in TAXONOMY.form_ids()],
        techs=[term(i) for i in TAXONOMY.tech_ids()],
        subtopics=[term(i, TAXONOMY.parent_of(i)) for i in TAXONOMY.subtopic_ids()],
    )
