"""Validate → normalize → store: the only pipeline, writing to the store of record."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawlers.items import CrawledRecord, CrawlState, DeadLetter
from vrscope.store import Store

log = logging.getLogger(__name__)


class StorePipeline:
    """Upsert records, save crawl state and dead letters in the SQLite store."""

    def __init__(self, db_path: str, crawler: Crawler) -> None:
        self.db_path = db_path
        self.crawler = crawler
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        """Read the store path from the crawl settings."""
        db = crawler.settings.get("VRSCOPE_DB")
        if not db:
            raise ValueError("VRSCOPE_DB is not set: the crawl has nowhere to store records")
        return cls(str(db), crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        """Open the store."""
        self.store = Store(self.db_path)

    def close_spider(self, spider: Spider | None = None) -> None:
        """Close the store."""
        if self.store:
            self.store.close()

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        """Store one item; anything that is not ours is dropped loudly."""
        assert self.store is not None
        stats = self.crawler.stats
        if isinstance(item, CrawledRecord):
            # A standard already stored (an import, another body) is merged, never replaced.
            action = self.store.upsert(item.record, item.payload_sha256).action
            if stats:
                stats.inc_value(f"vrscope/records/{action}")
        elif isinstance(item, CrawlState):
            self.store.set_state(item.source, item.key, item.value)
        elif isinstance(item, DeadLetter):
            log.warning("dead letter from %s: %s (%s)", item.source, item.url, item.error)
            self.store.dead_letter(item.source, item.url, item.error, item.status, item.body)
            if stats:
                stats.inc_value("vrscope/dead_letters")
        else:
            raise DropItem(f"unexpected item type {type(item).__name__}")
        return item
