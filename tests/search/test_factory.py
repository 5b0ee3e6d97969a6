"""get_backend picks the engine from the settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.backend import SearchBackend
from search.embedded import EmbeddedBackend
from search.factory import get_backend
from vrscope.settings import Settings


def test_embedded(settings: Settings) -> None:
    engine = get_backend(settings)
    try:
        assert isinstance(engine, EmbeddedBackend)
        assert isinstance(engine, SearchBackend)
        assert engine.index_dir == settings.index_dir
        assert engine.count() == 0
    finally:
        engine.close()


def test_elastic(tmp_path: Path) -> None:
    from search.elastic import ElasticBackend

    settings = Settings(data_dir=tmp_path, backend="elastic", es_url="http://127.0.0.1:9", es_index="vr")
    engine = get_backend(settings)  # no request is made until the engine is used
    try:
        assert isinstance(engine, ElasticBackend)
        assert isinstance(engine, SearchBackend)
        assert engine.alias == "vr"
    finally:
        engine.close()
    with pytest.raises(ValueError, match="VRSCOPE_ES_URL"):
        get_backend(Settings(data_dir=tmp_path, backend="elastic"))
