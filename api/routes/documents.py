"""One document: the full record, its labels and where it came from."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from api.deps import SettingsDep, StoreDep
from api.schemas import DocumentPublic, ProvenancePublic
from vrscope.ids import InvalidIdentifier, normalize_patent_number, normalize_standard_id
from vrscope.records import Patent, Standard
from vrscope.store import Store

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])


def find(store: Store, doc_id: str) -> Patent | Standard | None:
    """Look a document up as given, then by its normalized patent or standard identifier."""
    doc = store.get(doc_id)
    if doc is not None:
        return doc
    for normalize in (normalize_standard_id, normalize_patent_number):
        try:
            candidate = normalize(doc_id)
        except InvalidIdentifier:
            continue
        if candidate != doc_id and (doc := store.get(candidate)) is not None:
            return doc
    return None


@router.get("/{doc_id:path}", response_model=DocumentPublic)
def read_document(doc_id: str, store: StoreDep, settings: SettingsDep) -> DocumentPublic:
    """Return one document with its labels, the model's explanations and provenance; ids may contain '/'."""
    from classify.explain import saved_explanations

    doc = find(store, doc_id.strip())
    if doc is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no document with id {doc_id!r}")
    return DocumentPublic(
        id=doc.id,
        doc_type=doc.doc_type,
        title=doc.display_title,
        year=doc.year,
        record=doc,
        labels=store.labels(doc.id),
        correction=store.correction(doc.id),
        provenance=[ProvenancePublic.model_validate(row) for row in store.provenance(doc.id)],
        explanations=saved_explanations(settings.model_dir, doc),
    )
