"""Pure parsers: a recorded response body in, records out. No network, no Scrapy."""
