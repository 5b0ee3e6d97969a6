"""The store pipeline: patents are upserted, standards merged with what other sources said."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.exceptions import DropItem

from crawlers.items import CrawledRecord, CrawlState, DeadLetter
from crawlers.pipelines import StorePipeline
from vrscope.records import Patent, Standard
from vrscope.store import Store


def _pipeline(path: Path) -> StorePipeline:
    crawler: Any = SimpleNamespace(stats=None)
    pipeline = StorePipeline(str(path), crawler)
    pipeline.open_spider()
    return pipeline


def test_a_crawled_standard_merges_with_an_imported_one(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with Store(db) as store:
        store.upsert_many([Standard(id="ISO/IEC 23090-2:2023", source="iso-catalog", title_en="OMAF")])
    pipeline = _pipeline(db)
    crawled = Standard(id="ISO/IEC 23090-2:2023", source="relaton", abstract="Omnidirectional media format.")
    pipeline.process_item(CrawledRecord(crawled, "abc"))
    pipeline.close_spider()
    with Store(db) as store:
        got = store.get("ISO/IEC 23090-2:2023")
        assert isinstance(got, Standard)
        assert got.title_en == "OMAF" and got.abstract == "Omnidirectional media format."
        assert set(got.sources) >= {"iso-catalog", "relaton"}


def test_patents_state_and_dead_letters_are_stored(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    pipeline = _pipeline(db)
    patent = Patent(id="CN112345678A", source="epo_ops", jurisdiction="CN", titles={"zh": "近眼显示"})
    pipeline.process_item(CrawledRecord(patent, "h"))
    pipeline.process_item(CrawlState("epo_ops", "q", "25"))
    pipeline.process_item(DeadLetter("epo_ops", "http://127.0.0.1/x", "HTTP 500", 500))
    with pytest.raises(DropItem):
        pipeline.process_item({"not": "ours"})
    pipeline.close_spider()
    with Store(db) as store:
        assert store.count("patent") == 1
        assert store.get_state("epo_ops", "q") == "25"
        assert store.dead_letters()[0]["status"] == 500
