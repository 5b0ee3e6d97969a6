"""The OPS control plane: access-token answers and the X-Throttling-Control header."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from crawlers.parsers.errors import ParseError

_THROTTLE = re.compile(r"^\s*([a-z]+)\s*(?:\((.*)\))?\s*$", re.IGNORECASE | re.DOTALL)
_SERVICE = re.compile(r"^\s*([a-z-]+)\s*=\s*([a-z]+)\s*(?::\s*(\d+))?\s*$", re.IGNORECASE)
COLOURS = ("green", "yellow", "red", "black")
# A black service refuses requests for the rest of the minute: wait the minute out.
BLACK_DELAY = 60.0


@dataclass(frozen=True)
class AccessToken:
    """An OAuth2 access token from /auth/accesstoken (kept out of reprs and logs)."""

    token: str = field(repr=False)
    expires_in: float = 1200.0


@dataclass(frozen=True)
class ServiceQuota:
    """One OPS service's traffic light and its allowed requests per minute."""

    colour: str
    limit: int | None = None


@dataclass(frozen=True)
class Throttling:
    """The parsed X-Throttling-Control header: system state and each service's quota."""

    state: str
    services: dict[str, ServiceQuota] = field(default_factory=dict)

    def colour(self, service: str) -> str:
        """The light of one service ('green' when the header does not name it)."""
        quota = self.services.get(service)
        return quota.colour if quota else "green"

    def delay(self, service: str) -> float:
        """Seconds between requests the header asks for: 0 on green, 60/limit on yellow, twice on red."""
        quota = self.services.get(service)
        colour = quota.colour if quota else "green"
        if colour == "black":
            return BLACK_DELAY
        factor = {"yellow": 1.0, "red": 2.0}.get(colour, 0.0)
        if self.state == "overloaded":
            factor = max(1.0, factor * 2)
        per_request = 60.0 / quota.limit if quota and quota.limit else 1.0
        return factor * per_request


def parse_throttling(value: str | bytes | None) -> Throttling | None:
    """Read 'idle (images=green:200, …, search=green:30)'; None when the header is absent."""
    if value is None:
        return None
    header = value.decode("latin-1") if isinstance(value, bytes) else value
    if not header.strip():
        return None
    match = _THROTTLE.match(header)
    if not match:
        raise ParseError(f"unreadable X-Throttling-Control: {header!r}")
    services: dict[str, ServiceQuota] = {}
    for part in filter(str.strip, (match.group(2) or "").split(",")):
        item = _SERVICE.match(part)
        if not item or item.group(2).lower() not in COLOURS:
            raise ParseError(f"unreadable service in X-Throttling-Control: {part.strip()!r}")
        name, colour, limit = item.groups()
        services[name.lower()] = ServiceQuota(colour.lower(), int(limit) if limit else None)
    return Throttling(match.group(1).lower(), services)


def parse_access_token(body: bytes | str) -> AccessToken:
    """The access token from an /auth/accesstoken JSON answer."""
    try:
        data = json.loads(body)
    except (ValueError, TypeError) as error:
        raise ParseError(f"token answer is not JSON: {error}") from error
    token = data.get("access_token") if isinstance(data, dict) else None
    if not isinstance(token, str) or not token:
        raise ParseError("token answer has no access_token")
    try:
        expires = float(data.get("expires_in") or 1200)
    except (TypeError, ValueError):
        expires = 1200.0
    return AccessToken(token=token, expires_in=expires)
