"""Human corrections over the API (write key needed): stored, then the document is re-indexed at once."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field

from api.deps import SearchDep, StoreDep
from api.routes.documents import find
from api.security import WriteKey
from search.backend import SearchBackend
from vrscope.records import Correction, Labels, Patent, Standard
from vrscope.store import Store

router = APIRouter(prefix="/api/v1/documents", tags=["corrections"])

_AUTH_RESPONSES: dict[int | str, dict[str, str]] = {
    401: {"description": "no API key was sent"},
    403: {"description": "the API key is not valid, was revoked, or lacks the write scope"},
    404: {"description": "no document with that id"},
}


class CorrectionIn(BaseModel):
    """A correction replacing any earlier one; a field left out (null) keeps the model's value."""

    model_config = ConfigDict(extra="forbid")

    relevant: bool | None = Field(default=None, description="VR-relevant or not")
    techs: list[str] | None = Field(
        default=None, max_length=10, description="technology ids, e.g. near_eye_display; [] for none"
    )
    forms: list[str] | None = Field(default=None, max_length=10, description="vr, ar, mr; [] for none")
    subtopics: list[str] | None = Field(default=None, max_length=50, description="sub-topic ids; [] for none")
    note: str | None = Field(default=None, max_length=2000, description="why (kept with the correction)")


class CorrectionPublic(BaseModel):
    """A document's correction and the labels now in effect (and indexed)."""

    id: str
    correction: Correction | None = Field(description="the stored correction; null after DELETE")
    labels: Labels | None = Field(description="effective labels: the model's with the correction on top")


def _invalid(field: str | None, message: str, value: object) -> RequestValidationError:
    """A 422 shaped like FastAPI's own (errors.py adds the one-line message)."""
    loc = ("body", field) if field else ("body",)
    return RequestValidationError([{"type": "value_error", "loc": loc, "msg": message, "input": value}])


def build(body: CorrectionIn, author: str) -> Correction:
    """The stored Correction for a request body, checked against the taxonomy (422 if not)."""
    from classify.taxonomy import TAXONOMY
    from vrscope.labelling import build_correction

    if body.relevant is None and body.techs is None and body.forms is None and body.subtopics is None:
        raise _invalid(None, "nothing to correct: give relevant, techs, forms or subtopics",
                       body.model_dump())
    for field, known, what in (("techs", TAXONOMY.tech_ids(), "technology"),
                               ("forms", TAXONOMY.form_ids(), "form"),
                               ("subtopics", TAXONOMY.subtopic_ids(), "sub-topic")):
        values = getattr(body, field) or []
        if unknown := [v for v in values if v.strip().lower() not in known]:
            raise _invalid(field, f"unknown {what} {unknown[0]!r}; choose from {', '.join(known)}", values)

    def given(values: list[str] | None) -> list[str] | None:
        # build_correction reads ['none'] as "explicitly none"; the API says that with [].
        return ["none"] if values == [] else values

    return build_correction(
        TAXONOMY, None, relevant=body.relevant, techs=given(body.techs), forms=given(body.forms),
        subtopics=given(body.subtopics), author=author, note=body.note,
    )


def _document(store: Store, doc_id: str) -> Patent | Standard:
    doc = find(store, doc_id.strip())
    if doc is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no document with id {doc_id!r}")
    return doc


def reindex(store: Store, backend: SearchBackend, doc: Patent | Standard) -> Labels | None:
    """Write one document with its effective labels to the index, so search shows them now."""
    from search.schema import to_index_doc

    labels = store.labels(doc.id)
    try:
        backend.index([to_index_doc(doc, labels)])
    except Exception as exc:  # the store has the change; say so rather than answer a bare 500
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            f"saved, but the search index could not be updated ({exc}); run 'vrscope index' to catch up",
        ) from exc
    return labels


@router.put("/{doc_id:path}/correction", response_model=CorrectionPublic, responses=_AUTH_RESPONSES)
def put_correction(
    doc_id: str, body: CorrectionIn, key: WriteKey, store: StoreDep, backend: SearchDep
) -> CorrectionPublic:
    """Set a document's human correction (it wins over every model run) and re-index the document."""
    doc = _document(store, doc_id)
    correction = build(body, author=f"api:{key.name}")
    store.correct(doc.id, correction)
    labels = reindex(store, backend, doc)
    return CorrectionPublic(id=doc.id, correction=store.correction(doc.id), labels=labels)


@router.delete("/{doc_id:path}/correction", response_model=CorrectionPublic, responses=_AUTH_RESPONSES)
def delete_correction(doc_id: str, key: WriteKey, store: StoreDep, backend: SearchDep) -> CorrectionPublic:
    """Drop a document's human correction (the model's labels apply again) and re-index the document."""
    doc = _document(store, doc_id)
    if not store.drop_correction(doc.id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"document {doc.id!r} has no correction")
    return CorrectionPublic(id=doc.id, correction=None, labels=reindex(store, backend, doc))
