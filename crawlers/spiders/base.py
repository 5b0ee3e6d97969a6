"""What every vrscope spider shares: settings access, payload hashing and dead-lettering."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.items import CrawledRecord, DeadLetter
from vrscope.records import Patent, Standard
from vrscope.settings import Settings, get_settings
from vrscope.store import sha256_bytes

log = logging.getLogger(__name__)


class MissingCredentials(RuntimeError):
    """A source needs a key or secret, none is configured, and the base URL is a real server."""


def is_loopback(url: str) -> bool:
    """Whether a URL points at this machine (the mirror), where dummy credentials are fine."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class VrscopeSpider(scrapy.Spider):
    """Base spider: subclasses set ``source`` and ``name`` and write crawl logic only."""

    source: ClassVar[str] = ""

    @property
    def vr_settings(self) -> Settings:
        """vrscope settings handed over by crawlers.run, else read once from the environment."""
        given = self.settings.get("VRSCOPE_SETTINGS") if hasattr(self, "settings") else None
        return given if isinstance(given, Settings) else get_settings()

    def public_url(self, url: str, setting: str) -> str:
        """The public address of a page fetched through a mirror or proxy configured in ``setting``.

        Records keep the address a person can open, and stay identical whichever base URL fetched them.
        """
        base = str(getattr(self.vr_settings, setting)).rstrip("/")
        public = str(Settings.model_fields[setting].default).rstrip("/")
        if base != public and url.startswith(base):
            return public + url[len(base) :]
        return url

    def record(self, record: Patent | Standard, response: Response) -> CrawledRecord:
        """Wrap a parsed record with the hash of the payload it came from."""
        return CrawledRecord(record=record, payload_sha256=sha256_bytes(response.body))

    def dead_letter(self, response: Response, error: str) -> DeadLetter:
        """A failed response, kept with its URL, status and body hash."""
        return DeadLetter(self.source, response.url, error, response.status, response.body)

    def check_status(self, response: Response) -> DeadLetter | None:
        """Dead-letter a non-2xx answer (after Scrapy's retries gave up)."""
        if 200 <= response.status < 300:
            return None
        return self.dead_letter(response, f"HTTP {response.status}")

    def errback(self, failure: Failure) -> Iterator[Any]:
        """Network-level failures (DNS, refused, timeout) become dead letters too."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else None
        log.warning("request failed: %s: %s", url, failure.getErrorMessage())
        yield DeadLetter(
            self.source,
            url,
            f"{failure.type.__name__ if failure.type else 'error'}: {failure.getErrorMessage()}",
        )
