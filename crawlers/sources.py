"""Every crawlable source and its spider, by name; importable without loading Scrapy."""

# source name → spider class path; the CLI's --source choices and what the demo crawls.
SPIDERS: dict[str, str] = {
    "epo_ops": "crawlers.spiders.epo_ops.EpoOpsSpider",
    "hbba": "crawlers.spiders.hbba.HbbaSpider",
    "openstd": "crawlers.spiders.openstd.OpenstdSpider",
    "patentsview": "crawlers.spiders.patentsview.PatentsViewSpider",
    "relaton": "crawlers.spiders.relaton.RelatonSpider",
    "uspto_bulk": "crawlers.spiders.uspto_bulk.UsptoBulkSpider",
    "uspto_odp": "crawlers.spiders.uspto_odp.UsptoOdpSpider",
}

SOURCES: tuple[str, ...] = tuple(SPIDERS)
