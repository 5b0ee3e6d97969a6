"""The embedded index's life: re-index, delete, clear, persistence, concurrent readers and writers."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import tantivy

from search.backend import IndexDoc, SearchQuery
from search.embedded import EmbeddedBackend


def total(engine: EmbeddedBackend, q: str = "") -> int:
    """How many documents match q."""
    return engine.search(SearchQuery(q=q, size=0, facets=[], histogram=False)).total


def test_index_returns_count(index_dir: Path, corpus: list[IndexDoc]) -> None:
    engine = EmbeddedBackend(index_dir)
    assert engine.count() == 0
    assert engine.index(iter(corpus)) == 7
    assert engine.count() == 7
    assert engine.index([]) == 0
    engine.close()


def test_get_round_trips(backend: EmbeddedBackend, corpus: list[IndexDoc]) -> None:
    for doc in corpus:
        assert backend.get(doc.id) == doc
    assert backend.get("nope") is None


def test_reindex_is_idempotent(backend: EmbeddedBackend, corpus: list[IndexDoc]) -> None:
    assert backend.index(corpus) == 7
    assert backend.count() == 7
    assert backend.index([corpus[0], corpus[0]]) == 2
    assert backend.count() == 7
    assert total(backend, "头戴式显示") == 2


def test_reindex_replaces(backend: EmbeddedBackend, corpus: list[IndexDoc]) -> None:
    coffee = corpus[6].model_copy(update={"title": "Espresso machine", "techs": ["haptics"]})
    backend.index([coffee])
    assert backend.count() == 7
    assert total(backend, "frother") == 0
    assert total(backend, "espresso") == 1
    stored = backend.get("US777A1")
    assert stored is not None and stored.title == "Espresso machine"
    facets = backend.search(SearchQuery(facets=["techs"])).facets["techs"]
    assert {f.value: f.count for f in facets}["haptics"] == 2


def test_delete(backend: EmbeddedBackend) -> None:
    assert backend.delete(["US777A1", "nope"]) == 1
    assert backend.count() == 6
    assert backend.get("US777A1") is None
    assert total(backend, "coffee") == 0
    assert backend.delete([]) == 0
    assert backend.delete(["US777A1"]) == 0


def test_clear(backend: EmbeddedBackend, corpus: list[IndexDoc]) -> None:
    backend.clear()
    assert backend.count() == 0
    result = backend.search(SearchQuery(q="display", facets=["techs"]))
    assert (result.total, result.hits, result.facets, result.histogram) == (0, [], {"techs": []}, {})
    backend.index(corpus)
    assert backend.count() == 7


def test_persistence(backend: EmbeddedBackend, index_dir: Path, corpus: list[IndexDoc]) -> None:
    backend.close()
    again = EmbeddedBackend(index_dir)
    assert again.count() == 7
    assert total(again, "头戴式显示") == 2
    assert again.get(corpus[4].id) == corpus[4]
    again.index(corpus)
    assert again.count() == 7
    again.close()


def test_closed_backend_refuses(backend: EmbeddedBackend) -> None:
    backend.close()
    backend.close()
    with pytest.raises(RuntimeError, match="closed"):
        backend.count()


def test_two_handles_share_the_directory(
    backend: EmbeddedBackend, index_dir: Path, corpus: list[IndexDoc]
) -> None:
    other = EmbeddedBackend(index_dir)
    other.index([corpus[0].model_copy(update={"id": "CN999A"})])
    assert other.count() == 8
    backend.index([corpus[1].model_copy(update={"id": "US998A1"})])  # the writer lock was released
    deadline = time.monotonic() + 10
    while other.count() != 9 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert other.count() == 9
    other.close()


def test_readers_during_writes(backend: EmbeddedBackend, corpus: list[IndexDoc]) -> None:
    seen: list[int] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(30):
                seen.append(total(backend, "display"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for thread in readers:
        thread.start()
    for _ in range(3):
        backend.index(corpus)
    for thread in readers:
        thread.join()
    assert not errors
    # Delete and add land in one commit: a reader never sees a document missing or doubled.
    assert set(seen) == {3}
    assert backend.count() == 7


def test_failed_batch_changes_nothing(backend: EmbeddedBackend, corpus: list[IndexDoc]) -> None:
    def broken() -> Iterator[IndexDoc]:
        yield corpus[0].model_copy(update={"id": "CN998A"})
        raise ValueError("the store went away")

    with pytest.raises(ValueError, match="store"):
        backend.index(broken())
    assert backend.count() == 7
    assert backend.get("CN998A") is None
    assert backend.index([corpus[0].model_copy(update={"id": "CN998A"})]) == 1  # lock released
    assert backend.count() == 8


def test_other_schema_is_refused(index_dir: Path) -> None:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", stored=True)
    index_dir.mkdir(parents=True)
    tantivy.Index(builder.build(), path=str(index_dir))
    with pytest.raises(RuntimeError, match="another schema"):
        EmbeddedBackend(index_dir)


def test_replaces_documents_another_handle_wrote(
    backend: EmbeddedBackend, index_dir: Path, corpus: list[IndexDoc]
) -> None:
    other = EmbeddedBackend(index_dir)
    other.index([corpus[0].model_copy(update={"id": "CN999A"})])
    backend.index([corpus[1].model_copy(update={"id": "CN999A", "title": "Replaced"})])
    assert backend.count() == 8
    stored = backend.get("CN999A")
    assert stored is not None and stored.title == "Replaced"
    other.close()
