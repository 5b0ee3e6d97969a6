"""One spider per source: crawl logic only; extraction lives in crawlers.parsers."""
