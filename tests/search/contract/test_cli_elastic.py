"""`vrscope index --backend elastic --es-url …` end to end, on osmem; `--backend embedded` beside it."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import search.elastic
from search.backend import SearchQuery
from search.elastic import ElasticBackend
from search.elastic_client import make_client
from search.embedded import EmbeddedBackend
from tests.search.contract.conftest import PlainJsonNode
from vrscope.cli import app
from vrscope.records import Party, Patent, Standard
from vrscope.settings import Settings, get_settings
from vrscope.store import Store

runner = CliRunner()


def _fill(db_path: Path) -> None:
    """A store with one standard and one patent."""
    with Store(db_path) as store:
        title = "虚拟现实头戴式显示设备通用规范"
        store.upsert(Standard(id="GB/T 38259-2019", source="openstd", title_zh=title,
                              published_date=dt.date(2019, 10, 18)))
        store.upsert(Patent(id="CN1A", source="epo_ops", jurisdiction="CN",
                            titles={"zh": "一种近眼显示光学模组", "en": "Near-eye display optical module"},
                            applicants=[Party(name="Goertek Inc.")], priority_date=dt.date(2021, 3, 1)))


@pytest.mark.parametrize("command", ["index", "serve"])
def test_engine_options_are_documented(command: str) -> None:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "--backend" in result.output and "--es-url" in result.output


def test_index_embedded(settings: Settings) -> None:
    _fill(settings.db_path)
    result = runner.invoke(app, ["index", "--backend", "embedded", "--data-dir", str(settings.data_dir)])
    assert result.exit_code == 0, result.output
    engine = EmbeddedBackend(settings.index_dir)
    assert engine.count() == 2
    engine.close()


def test_index_elastic(settings: Settings, osmem_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _fill(settings.db_path)
    alias = f"vrscope-cli-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("VRSCOPE_ES_INDEX", alias)
    get_settings.cache_clear()
    # The test-only shim: osmem needs plain JSON media types (see conftest).
    monkeypatch.setattr(search.elastic, "make_client", lambda s: make_client(s, node_class=PlainJsonNode))
    args = ["index", "--backend", "elastic", "--es-url", osmem_server.url]
    args += ["--data-dir", str(settings.data_dir)]
    for _ in range(2):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "indexed 2 documents (2 in the index)" in result.output
    first = Settings(backend="elastic", es_url=osmem_server.url, es_index=alias)
    engine = ElasticBackend(first, client=make_client(first, node_class=PlainJsonNode))
    (before,) = engine.indices()
    result = runner.invoke(app, [*args, "--rebuild"])
    assert result.exit_code == 0, result.output
    (after,) = engine.indices()
    assert after != before
    found = engine.search(SearchQuery(q="头戴式显示"))
    assert [h.id for h in found.hits] == ["GB/T 38259-2019"]
    engine.client.indices.delete(index=after)
    engine.close()
    assert not (settings.data_dir / "index").exists()  # nothing written to the embedded index


def test_elastic_without_url_is_a_clear_error(settings: Settings) -> None:
    _fill(settings.db_path)
    result = runner.invoke(app, ["index", "--backend", "elastic", "--data-dir", str(settings.data_dir)])
    assert result.exit_code != 0
    assert "VRSCOPE_ES_URL" in str(result.exception)
