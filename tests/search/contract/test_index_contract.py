"""An index's life on every engine: add, replace, delete, clear, rebuild, refused documents."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from search.backend import IndexDoc, RebuildableBackend, SearchBackend, SearchQuery
from search.elastic import ElasticBackend, ElasticIndexingError
from tests.search.conftest import CORPUS
from vrscope import pipeline


def corpus() -> list[IndexDoc]:
    """Fresh copies of the test documents."""
    return [doc.model_copy(deep=True) for doc in CORPUS]


def total(engine: SearchBackend, q: str = "") -> int:
    """How many documents match q."""
    return engine.search(SearchQuery(q=q, size=0, facets=[], histogram=False)).total


def elastic_only(engine: SearchBackend) -> ElasticBackend:
    """The engine as an ElasticBackend; the embedded engine has no alias to move."""
    if not isinstance(engine, ElasticBackend):
        pytest.skip("the embedded engine has no alias: its rebuild is clear() then index()")
    return engine


def test_empty_engine(blank: SearchBackend) -> None:
    assert blank.count() == 0
    assert blank.get("CN111A") is None
    result = blank.search(SearchQuery(q="display", facets=["techs"]))
    assert (result.total, result.hits, result.facets, result.histogram) == (0, [], {"techs": []}, {})
    assert blank.delete(["CN111A"]) == 0


def test_index_and_get(blank: SearchBackend) -> None:
    docs = corpus()
    assert blank.index(iter(docs)) == 7
    assert blank.count() == 7
    assert blank.index([]) == 0
    for doc in docs:
        assert blank.get(doc.id) == doc
    assert blank.get("nope") is None


def test_reindex_is_idempotent(blank: SearchBackend) -> None:
    blank.index(corpus())
    assert blank.index(corpus()) == 7
    assert blank.count() == 7
    assert blank.index([corpus()[0], corpus()[0]]) == 2
    assert blank.count() == 7
    assert total(blank, "头戴式显示") == 2


def test_reindex_replaces(blank: SearchBackend) -> None:
    blank.index(corpus())
    coffee = corpus()[6].model_copy(update={"title": "Espresso machine", "techs": ["haptics"]})
    blank.index([coffee])
    assert blank.count() == 7
    assert (total(blank, "frother"), total(blank, "espresso")) == (0, 1)
    stored = blank.get("US777A1")
    assert stored is not None and stored.title == "Espresso machine"
    facets = blank.search(SearchQuery(facets=["techs"])).facets["techs"]
    assert {f.value: f.count for f in facets}["haptics"] == 2


def test_delete(blank: SearchBackend) -> None:
    blank.index(corpus())
    assert blank.delete(["US777A1", "nope"]) == 1
    assert blank.count() == 6
    assert blank.get("US777A1") is None
    assert total(blank, "coffee") == 0
    assert blank.delete([]) == 0
    assert blank.delete(["US777A1"]) == 0


def test_clear(blank: SearchBackend) -> None:
    blank.index(corpus())
    blank.clear()
    assert blank.count() == 0
    assert total(blank, "display") == 0
    blank.index(corpus())
    assert blank.count() == 7


def test_field_boosts(blank: SearchBackend) -> None:
    filler = "alpha beta gamma delta"
    blank.index(
        IndexDoc(id=f"D{i}", doc_type="patent", source="t", title=title, abstract=abstract, claims=claims)
        for i, (title, abstract, claims) in enumerate(
            [
                (filler, filler, f"hologram {filler}"),
                (filler, f"hologram {filler}", filler),
                (f"hologram {filler}", filler, filler),
            ]
        )
    )
    hits = blank.search(SearchQuery(q="hologram")).hits
    assert [h.id for h in hits] == ["D2", "D1", "D0"]
    assert hits[0].score > hits[1].score > hits[2].score


def test_pipeline_rebuild_replaces_everything(blank: SearchBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    blank.index([corpus()[0].model_copy(update={"id": "STALE"})])
    monkeypatch.setattr(pipeline, "index_docs", lambda store: iter(corpus()))
    seen: list[int] = []
    assert pipeline.index_documents(None, blank, rebuild=True, progress=seen.append) == 7  # type: ignore[arg-type]
    assert sum(seen) == 7
    assert blank.count() == 7 and blank.get("STALE") is None
    assert isinstance(blank, RebuildableBackend) == isinstance(blank, ElasticBackend)


def test_rebuild_moves_the_alias_only_when_the_new_index_is_complete(blank: SearchBackend) -> None:
    engine = elastic_only(blank)
    engine.index(corpus()[:2])
    (old,) = engine.indices()
    checked: list[str] = []

    def docs() -> Iterator[IndexDoc]:
        for i, doc in enumerate(corpus()):
            if i == 5:
                # Half-way: readers still see the old index, whole, through the alias.
                assert engine.indices() == [old]
                assert engine.count() == 2 and total(engine, "display") == 2
                checked.append("midway")
            yield doc

    engine.chunk_size = 2  # several bulk requests, so the new index is really half built midway
    assert engine.rebuild(docs()) == 7
    assert checked == ["midway"]
    (new,) = engine.indices()
    assert new != old and new.startswith(f"{engine.alias}-v")
    assert not engine.client.indices.exists(index=old)
    assert engine.count() == 7 and total(engine, "display") == 3


def test_failed_rebuild_keeps_the_old_index(blank: SearchBackend) -> None:
    engine = elastic_only(blank)
    engine.index(corpus())
    (old,) = engine.indices()

    def broken() -> Iterator[IndexDoc]:
        yield from corpus()[:3]
        raise OSError("the store went away")

    with pytest.raises(OSError, match="went away"):
        engine.rebuild(broken())
    assert engine.indices() == [old] and engine.count() == 7
    refused = corpus()
    refused[2] = refused[2].model_copy(update={"year": 10**12})  # beyond the integer field
    with pytest.raises(ElasticIndexingError) as info:
        engine.rebuild(refused)
    assert engine.indices() == [old] and engine.count() == 7
    leftovers = engine.client.indices.get(index=f"{engine.alias}-*").body
    assert list(leftovers) == [old]
    assert info.value.failed == 1 and info.value.written == 6
    assert [e.id for e in info.value.errors] == ["EP333B1"]


def test_refused_documents_are_reported_one_by_one(blank: SearchBackend) -> None:
    engine = elastic_only(blank)
    docs = corpus()
    docs[1] = docs[1].model_copy(update={"year": 10**12})
    docs[4] = docs[4].model_copy(update={"date": "2019-13-45"})  # sorted as 1 January of the year
    docs[5] = docs[5].model_copy(update={"year": -(10**11)})
    with pytest.raises(ElasticIndexingError) as info:
        engine.index(docs)
    errors = info.value.errors
    assert [e.id for e in errors] == ["US222A1", "ISO/IEC 18039:2019"]
    assert all(e.status == 400 and e.reason for e in errors)
    assert "US222A1" in str(info.value)
    assert engine.count() == 5  # the others are written and searchable
    assert total(engine, "头戴式显示") == 2


def test_an_index_is_not_an_alias(blank: SearchBackend) -> None:
    engine = elastic_only(blank)
    engine.client.indices.create(index=engine.alias)
    with pytest.raises(RuntimeError, match="is an index, not an alias"):
        engine.index(corpus())
    with pytest.raises(RuntimeError, match="is an index, not an alias"):
        engine.rebuild(corpus())
    assert list(engine.client.indices.get(index=f"{engine.alias}*").body) == [engine.alias]
    engine.client.indices.delete(index=engine.alias)


def test_english_stemming_is_porter2(blank: SearchBackend, engine_kind: str) -> None:
    if engine_kind == "osmem":
        pytest.skip(
            "osmem 0.1.6 stems with the original Porter algorithm even when the mapping asks for porter2 "
            "(generously → gener, so 'general' would match); Elasticsearch and tantivy use Snowball porter2"
        )
    blank.index([IndexDoc(id="G", doc_type="patent", source="t", title="Generously sized lenses")])
    assert total(blank, "generous") == 1 and total(blank, "size") == 1
    assert total(blank, "general") == 0 and total(blank, "generate") == 0
