"""More like this: documents similar to an indexed document, or to a piece of text."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status

from api.deps import SearchDep, reject_unknown_params
from api.schemas import SimilarParams, SimilarPublic, SimilarTextParams
from search.backend import SearchBackend, UnknownDocument
from vrscope.ids import InvalidIdentifier, normalize_patent_number, normalize_standard_id

router = APIRouter(prefix="/api/v1", tags=["similar"])


def indexed_id(backend: SearchBackend, doc_id: str) -> str | None:
    """The id as indexed: as given, else its normalized patent or standard form; None when absent."""
    if backend.get(doc_id) is not None:
        return doc_id
    for normalize in (normalize_standard_id, normalize_patent_number):
        try:
            candidate = normalize(doc_id)
        except InvalidIdentifier:
            continue
        if candidate != doc_id and backend.get(candidate) is not None:
            return candidate
    return None


@router.get(
    "/documents/{doc_id:path}/similar",
    response_model=SimilarPublic,
    dependencies=[Depends(reject_unknown_params(SimilarParams))],
)
def similar_to_document(
    doc_id: str, params: Annotated[SimilarParams, Query()], backend: SearchDep
) -> SimilarPublic:
    """Documents most similar to an indexed one (itself excluded); ids may contain '/'."""
    found = indexed_id(backend, doc_id.strip()) if doc_id.strip() else None
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no indexed document with id {doc_id!r}")
    try:
        result = backend.more_like_this(found, doc_type=params.doc_type, size=params.size)
    except UnknownDocument as exc:  # deleted between the two calls
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    return SimilarPublic(source=found, total=result.total, hits=result.hits)


@router.get(
    "/similar",
    response_model=SimilarPublic,
    dependencies=[Depends(reject_unknown_params(SimilarTextParams))],
)
def similar_to_text(params: Annotated[SimilarTextParams, Query()], backend: SearchDep) -> SimilarPublic:
    """Documents most similar to a text, e.g. a standard's scope or a product description."""
    result = backend.more_like_this(text=params.text, doc_type=params.doc_type, size=params.size)
    return SimilarPublic(total=result.total, hits=result.hits)
