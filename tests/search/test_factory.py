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


def test_elastic_not_yet(tmp_path: Path) -> None:
    with pytest.raises(NotImplementedError, match="issue 6"):
        get_backend(Settings(data_dir=tmp_path, backend="elastic"))
