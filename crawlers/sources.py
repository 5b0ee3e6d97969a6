"""Every crawlable source and its spider, by name; importable without loading Scrapy."""

# source name → spider class path; the CLI's --source choices and what the demo crawls.
SPIDERS: dict[str, str] = {
    "epo_ops": "crawlers.spiders.epo_ops.EpoOpsSpider",
    "etsi": "crawlers.spiders.etsi.EtsiSpider",
    "hbba": "crawlers.spiders.hbba.HbbaSpider",
    "iec": "crawlers.spiders.iec.IecSpider",
    "ieee": "crawlers.spiders.ieee.IeeeSpider",
    "iso": "crawlers.spiders.iso.IsoSpider",
    "itu": "crawlers.spiders.itu.ItuSpider",
    "openstd": "crawlers.spiders.openstd.OpenstdSpider",
    "patentsview": "crawlers.spiders.patentsview.PatentsViewSpider",
    "relaton": "crawlers.spiders.relaton.RelatonSpider",
    "std_samr": "crawlers.spiders.std_samr.StdSamrSpider",
    "threegpp": "crawlers.spiders.threegpp.ThreeGppSpider",
    "ttbz": "crawlers.spiders.ttbz.TtbzSpider",
    "uspto_bulk": "crawlers.spiders.uspto_bulk.UsptoBulkSpider",
    "uspto_odp": "crawlers.spiders.uspto_odp.UsptoOdpSpider",
}

SOURCES: tuple[str, ...] = tuple(SPIDERS)
