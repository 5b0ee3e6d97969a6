"""Run spiders in this process, with Scrapy settings derived from vrscope settings."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings as ScrapySettings
from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings

from crawlers.sources import SPIDERS
from vrscope.settings import Settings


def scrapy_settings(settings: Settings, **overrides: Any) -> ScrapySettings:
    """Project Scrapy settings with the politeness knobs and store path from vrscope settings."""
    import os

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawlers.settings")
    out = get_project_settings()
    out.set("ROBOTSTXT_OBEY", settings.obey_robots)
    out.set("USER_AGENT", settings.user_agent)
    out.set("CONCURRENT_REQUESTS_PER_DOMAIN", settings.crawl_concurrency)
    out.set("DOWNLOAD_DELAY", settings.crawl_delay)
    out.set("AUTOTHROTTLE_START_DELAY", max(settings.crawl_delay, 0.01))
    out.set("LOG_LEVEL", settings.crawl_log_level)
    out.set("VRSCOPE_DB", str(settings.db_path))
    out.set("VRSCOPE_SETTINGS", settings)
    for key, value in overrides.items():
        out.set(key, value)
    return out


def crawl(settings: Settings, sources: list[str], **overrides: Any) -> dict[str, dict[str, Any]]:
    """Crawl the given sources to completion; returns Scrapy stats per source. Once per process."""
    unknown = [s for s in sources if s not in SPIDERS]
    if unknown:
        raise ValueError(f"unknown source(s) {unknown}; choose from {sorted(SPIDERS)}")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    process = CrawlerProcess(scrapy_settings(settings, **overrides))
    crawlers = {}
    for source in sources:
        crawler = process.create_crawler(load_object(SPIDERS[source]))
        crawlers[source] = crawler
        process.crawl(crawler)
    process.start()
    return {
        source: dict(crawler.stats.get_stats()) if crawler.stats else {}
        for source, crawler in crawlers.items()
    }


def main(argv: list[str] | None = None) -> None:
    """``python -m crawlers.run SOURCE…``: crawl with settings from the environment (used by tests)."""
    import json
    import sys

    from vrscope.settings import get_settings

    sources = list(argv if argv is not None else sys.argv[1:]) or sorted(SPIDERS)
    stats = crawl(get_settings(), sources)
    keep = ("vrscope/", "item_", "log_count/ERROR")
    print(
        json.dumps(
            {s: {k: v for k, v in st.items() if k.startswith(keep)} for s, st in stats.items()}, default=str
        )
    )


if __name__ == "__main__":
    main()
