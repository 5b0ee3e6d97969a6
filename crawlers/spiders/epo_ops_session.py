"""The EPO OPS session every OPS request goes through: base URL, credentials, the OAuth access token
(asked for, renewed when OPS says it expired), the 403 quota stop and X-Throttling-Control."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Request, Response

from crawlers.parsers.epo_ops import ParseError, parse_access_token, parse_throttling
from crawlers.spiders.base import MissingCredentials, VrscopeSpider, is_loopback

log = logging.getLogger(__name__)


class OpsSession(VrscopeSpider):
    """OPS base URL, credentials, token and throttling for the EPO OPS spider."""

    _token: str | None = None

    @property
    def base_url(self) -> str:
        """OPS base URL, e.g. https://ops.epo.org/3.2 (the mirror in tests and the demo)."""
        return self.vr_settings.epo_ops_base_url.rstrip("/")

    def credentials(self) -> tuple[str, str]:
        """Consumer key and secret; dummies against a loopback mirror, else MissingCredentials."""
        settings = self.vr_settings
        key = settings.epo_ops_key.get_secret_value() if settings.epo_ops_key else ""
        secret = settings.epo_ops_secret.get_secret_value() if settings.epo_ops_secret else ""
        if key and secret:
            return key, secret
        if is_loopback(self.base_url):
            return key or "mirror", secret or "mirror"
        raise MissingCredentials(
            f"EPO OPS at {self.base_url} needs credentials: set VRSCOPE_EPO_OPS_KEY and"
            " VRSCOPE_EPO_OPS_SECRET (a free OPS account at developers.epo.org), or point"
            " VRSCOPE_EPO_OPS_BASE_URL at the loopback mirror"
        )

    def _token_request(self, key: str, secret: str, then: list[Request]) -> Request:
        basic = base64.b64encode(f"{key}:{secret}".encode()).decode("ascii")
        return scrapy.FormRequest(
            f"{self.base_url}/auth/accesstoken", formdata={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}", "Accept": "application/json"},
            callback=self.parse_token, errback=self.errback, dont_filter=True, meta={"then": then},
        )

    def _authorized(self, request: Request) -> Request:
        headers = request.headers.copy()
        headers[b"Authorization"] = f"Bearer {self._token}"
        return request.replace(headers=headers)

    def parse_token(self, response: Response) -> Iterator[Any]:
        """Keep the access token and send the requests that waited for it."""
        failed = self.check_status(response)
        if failed:
            log.error("OPS refused the token request (HTTP %s): check the consumer key and secret",
                      response.status)
            yield failed
            return
        try:
            self._token = parse_access_token(response.body).token
        except ParseError as error:
            yield self.dead_letter(response, f"ParseError: {error}")
            return
        for request in response.meta["then"]:
            yield self._authorized(request)

    def _token_expired(self, response: Response) -> bool:
        """Whether OPS refused an expired token (tokens live 20 minutes); renewed once per request."""
        body = response.body[:2000].lower()
        return (response.status in (400, 401) and not response.meta.get("token_renewed")
                and response.request is not None
                and any(marker in body for marker in (b"access token", b"accesstoken", b"access_token")))

    def _renew_token(self, response: Response) -> Iterator[Any]:
        """Ask for a new token and replay the request with it."""
        assert response.request is not None
        again = response.request.replace()
        again.meta["token_renewed"] = True
        yield self._token_request(*self.credentials(), then=[again])

    def _stop_on_quota(self, response: Response) -> Iterator[Any]:
        """OPS answers 403 once an hourly or weekly quota is used up: stop; the next run resumes."""
        reason = (response.headers.get(b"X-Rejection-Reason") or b"").decode("latin-1")
        said = reason.lower().encode("latin-1") + response.body[:2000].lower()
        if response.status != 403 or b"quota" not in said:
            return
        log.error("OPS quota used up (%s): stopping; the next run resumes where this one stopped",
                  reason or "403")
        yield self.dead_letter(response, f"HTTP 403: quota used up ({reason or 'fair use'})")
        raise CloseSpider("epo_ops_quota")

    def _apply_throttling(self, response: Response, service: str) -> None:
        """Raise the download delay when OPS turns the service yellow, red or black."""
        try:
            throttling = parse_throttling(response.headers.get(b"X-Throttling-Control"))
        except ParseError as error:
            log.warning("%s", error)
            return
        engine = self.crawler.engine
        if throttling is None or engine is None or response.request is None:
            return
        wanted = throttling.delay(service)
        if wanted <= 0:
            return
        slot = engine.downloader.slots.get(engine.downloader.get_slot_key(response.request))
        if slot is not None and slot.delay < wanted:
            log.info("OPS %s is %s (%s): delay now %.1fs", service, throttling.colour(service),
                     throttling.state, wanted)
            slot.delay = wanted
            if self.crawler.stats:
                self.crawler.stats.inc_value("vrscope/epo_ops/slowdowns")
