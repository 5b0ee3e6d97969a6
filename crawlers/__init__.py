"""The Scrapy project: spiders (what to fetch), parsers (pure), pipelines and the loopback mirror."""
