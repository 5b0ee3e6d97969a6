"""Downloader middleware: honour Retry-After on 429/503 before Scrapy's retry takes over."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

log = logging.getLogger(__name__)


def retry_after_seconds(value: str | bytes | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, parsed.timestamp() - (now if now is not None else time.time()))


class RetryAfterMiddleware:
    """Wait what the server asks (capped) and retry; give up after RETRY_TIMES like Scrapy does."""

    def __init__(self, max_wait: float, max_times: int) -> None:
        self.max_wait = max_wait
        self.max_times = max_times

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        """Read the cap from settings."""
        settings = crawler.settings
        return cls(settings.getfloat("RETRY_AFTER_MAX", 120.0), settings.getint("RETRY_TIMES", 3))

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        """Sleep for Retry-After, then send the request again."""
        if response.status not in (429, 503):
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        tries = int(request.meta.get("retry_after_times", 0))
        if wait is None or tries >= self.max_times:
            return response
        wait = min(wait, self.max_wait)
        log.info("%s answered %s; waiting %.1fs (Retry-After)", request.url, response.status, wait)
        await asyncio.sleep(wait)
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_times"] = tries + 1
        return retry
