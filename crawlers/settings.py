"""Scrapy settings for every vrscope spider: polite by default. Per-run values come from crawlers.run."""

BOT_NAME = "vrscope"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

ROBOTSTXT_OBEY = True
USER_AGENT = "vrscope/0.1 (VR patent and standards tracker; polite crawler)"
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 1.0
DOWNLOAD_TIMEOUT = 60
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
RETRY_AFTER_MAX = 120.0
# process_response runs from high to low numbers: 560 sees a 429 before RetryMiddleware (550).
# Let spiders see 4xx/5xx answers so they can dead-letter them with the URL.
HTTPERROR_ALLOW_ALL = True
TELNETCONSOLE_ENABLED = False
COOKIES_ENABLED = True
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
DOWNLOADER_MIDDLEWARES = {
    "crawlers.middlewares.RetryAfterMiddleware": 560,
}
ITEM_PIPELINES = {
    "crawlers.pipelines.StorePipeline": 300,
}
