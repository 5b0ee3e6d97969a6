"""The four patent sources: each crawls politely, and `vrscope crawl --source <name> --help` documents it."""

from __future__ import annotations

import pytest
from scrapy.crawler import Crawler
from scrapy.utils.misc import load_object
from typer.testing import CliRunner

from crawlers.run import scrapy_settings
from crawlers.sources import SPIDERS
from vrscope.cli import app
from vrscope.settings import Settings

NEEDS = {
    "epo_ops": ["VRSCOPE_EPO_OPS_QUERY", "VRSCOPE_EPO_OPS_MAX_RESULTS", "VRSCOPE_EPO_OPS_OVERLAP_DAYS",
                "VRSCOPE_EPO_OPS_KEY", "_SECRET", "VRSCOPE_EPO_OPS_FETCH_CLAIMS"],
    "uspto_odp": ["VRSCOPE_USPTO_ODP_QUERY", "_DATE_FIELDS", "_OVERLAP_DAYS", "_MAX_RESULTS", "_PAGE_SIZE",
                  "_FETCH_TEXT", "VRSCOPE_USPTO_ODP_API_KEY"],
    "uspto_bulk": ["VRSCOPE_USPTO_BULK_URLS", "_CPC_PREFIXES", "_MAX_BYTES", "VRSCOPE_USPTO_ODP_API_KEY"],
    "patentsview": ["VRSCOPE_PATENTSVIEW_QUERY", "_RATE_PER_MINUTE",
                    "VRSCOPE_PATENTSVIEW_API_KEY", "_OVERLAP_DAYS", "_FETCH_CITATIONS"],
}


@pytest.mark.parametrize("source", sorted(NEEDS))
def test_crawl_help_documents_each_patent_source(source: str) -> None:
    result = CliRunner().invoke(app, ["crawl", "--source", source, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert f"{source}:" in text
    for name in NEEDS[source]:
        assert name in text, (source, name)


@pytest.mark.parametrize("source", sorted(NEEDS))
def test_each_patent_source_crawls_politely(settings: Settings, source: str) -> None:
    vr = settings.model_copy(update={"source_concurrency": {source: 1}, "crawl_concurrency": 6})
    crawler = Crawler(load_object(SPIDERS[source]), scrapy_settings(vr))
    assert crawler.settings.getbool("ROBOTSTXT_OBEY") and crawler.settings.getbool("AUTOTHROTTLE_ENABLED")
    assert crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert crawler.settings["DOWNLOADER_MIDDLEWARES"]["crawlers.middlewares.RetryAfterMiddleware"]
    assert 429 in crawler.settings.getlist("RETRY_HTTP_CODES")
    unset = settings.model_copy(update={"source_concurrency": {}, "crawl_concurrency": 6})
    assert Crawler(load_object(SPIDERS[source]), scrapy_settings(unset)).settings.getint(
        "CONCURRENT_REQUESTS_PER_DOMAIN") == 6
