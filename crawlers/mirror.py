"""A loopback HTTP server that replays recorded responses, so spiders run unchanged offline.

Each source has a folder ``crawlers/fixtures/<source>/`` with a ``routes.json``: a list of
``{"method", "path", "query"?, "form"?, "json"?, "status"?, "headers"?, "body", "times"?}``. A
request matches a route when method and path are equal and every ``query``/``form`` key given in the
route has that value in the request; ``json`` keys are dotted paths into a JSON request body
(``"pagination.offset"``, ``"rangeFilters.0.field"``) whose values must be equal. ``times`` makes a
route answer only its first N matches (to replay a 429 before a 200); ``delay`` (seconds) holds the
answer back, so a test can stop a crawl while a request is in flight. The mirror serves
``/<source>/<path>``, and ``/robots.txt`` from the fixtures' top-level ``robots.txt`` (404 without
one). A route whose headers give an ``ETag`` answers 304 to a request sending it in ``If-None-Match``.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Route:
    """One recorded exchange."""

    method: str
    path: str
    body: Path
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)
    json: dict[str, Any] = field(default_factory=dict)
    times: int | None = None
    delay: float = 0.0
    hits: int = 0

    def matches(self, method: str, path: str, query: dict[str, str], form: dict[str, str],
                body: Any = None) -> bool:
        """Whether a request (``body``: its JSON body, parsed) is answered by this route."""
        if method != self.method or path != self.path:
            return False
        if self.times is not None and self.hits >= self.times:
            return False
        if any(query.get(k) != v for k, v in self.query.items()):
            return False
        if any(_dig(body, k) != v for k, v in self.json.items()):
            return False
        return all(form.get(k) == v for k, v in self.form.items())


_MISSING = object()


def _dig(value: Any, dotted: str) -> Any:
    """The value at a dotted path (``a.0.b``) in parsed JSON, or a marker that equals nothing."""
    for part in dotted.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def load_routes(fixtures: Path = FIXTURES) -> dict[str, list[Route]]:
    """Every source's routes, by source folder name."""
    out: dict[str, list[Route]] = {}
    for manifest in sorted(fixtures.glob("*/routes.json")):
        folder = manifest.parent
        routes = []
        for raw in json.loads(manifest.read_text("utf-8")):
            routes.append(
                Route(
                    method=raw.get("method", "GET").upper(),
                    path=raw["path"],
                    body=folder / raw["body"],
                    status=int(raw.get("status", 200)),
                    headers=dict(raw.get("headers", {})),
                    query=dict(raw.get("query", {})),
                    form=dict(raw.get("form", {})),
                    json=dict(raw.get("json", {})),
                    times=raw.get("times"),
                    delay=float(raw.get("delay", 0)),
                )
            )
        out[folder.name] = routes
    return out


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _flat(qs: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(qs, keep_blank_values=True).items()}


class _Handler(BaseHTTPRequestHandler):
    server: _MirrorServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        self.server.requests.append(f"{self.command} {self.path}")

    def _answer(self) -> None:
        parts = urlsplit(self.path)
        source, _, rest = parts.path.lstrip("/").partition("/")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        kind = self.headers.get("Content-Type") or ""
        form = _flat(body) if "form" in kind else {}
        parsed = _json_or_none(body) if "json" in kind else None
        if body:
            self.server.bodies.append(f"{self.command} {self.path} {body}")
        if parts.path == "/robots.txt":
            self._robots()
            return
        route = self.server.find(source, self.command, "/" + rest, _flat(parts.query), form, parsed)
        if route is not None and _not_modified(route, self.headers.get("If-None-Match")):
            self.send_response(304)
            self.send_header("ETag", route.headers["ETag"])
            self.end_headers()
            return
        if route is None:
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"not recorded")
            return
        if route.delay > 0:
            time.sleep(route.delay)
        payload = route.body.read_bytes()
        self.send_response(route.status)
        for key, value in route.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _robots(self) -> None:
        robots = self.server.fixtures / "robots.txt"
        payload = robots.read_bytes() if robots.is_file() else b"not recorded"
        self.send_response(200 if robots.is_file() else 404)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = _answer
    do_POST = _answer


def _not_modified(route: Route, if_none_match: str | None) -> bool:
    """Whether the client already holds this answer (its ETag matches the route's)."""
    etag = route.headers.get("ETag")
    return bool(etag and if_none_match and etag in [t.strip() for t in if_none_match.split(",")])


class _MirrorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], routes: dict[str, list[Route]],
                 fixtures: Path = FIXTURES) -> None:
        super().__init__(address, _Handler)
        self.routes = routes
        self.fixtures = fixtures
        self.requests: list[str] = []
        self.bodies: list[str] = []
        self.lock = threading.Lock()

    def find(
        self, source: str, method: str, path: str, query: dict[str, str], form: dict[str, str],
        body: Any = None,
    ) -> Route | None:
        """The most specific matching route, counting the hit."""
        with self.lock:
            routes = self.routes.get(source, [])
            candidates = [r for r in routes if r.matches(method, path, query, form, body)]
            if not candidates:
                return None
            best = max(candidates,
                       key=lambda r: (r.times is not None, len(r.query) + len(r.form) + len(r.json)))
            best.hits += 1
            return best


class Mirror:
    """Serve recorded responses on loopback; use as a context manager."""

    def __init__(self, fixtures: Path = FIXTURES, host: str = "127.0.0.1", port: int = 0) -> None:
        self.fixtures = fixtures
        self.host = host
        self.port = port
        self._server: _MirrorServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Mirror:
        """Start serving in a background thread."""
        self._server = _MirrorServer((self.host, self.port), load_routes(self.fixtures), self.fixtures)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="vrscope-mirror", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Mirror:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The mirror's base URL."""
        return f"http://{self.host}:{self.port}"

    @property
    def requests(self) -> list[str]:
        """Requests served so far, as 'METHOD /path?query'."""
        return list(self._server.requests) if self._server else []

    @property
    def bodies(self) -> list[str]:
        """Bodies of the requests served so far that had one, as 'METHOD /path?query BODY'."""
        return list(self._server.bodies) if self._server else []

    def hits(self, source: str, path: str) -> int:
        """Requests for one path of a source that have arrived so far, answered or still held back."""
        if not self._server:
            return 0
        with self._server.lock:
            return sum(r.hits for r in self._server.routes.get(source, []) if r.path == path)

    def route_hits(self, source: str, index: int) -> int:
        """Requests one route (by its place in the source's routes.json) has matched so far."""
        if not self._server:
            return 0
        with self._server.lock:
            return self._server.routes[source][index].hits

    def settings_overrides(self) -> dict[str, str]:
        """VRSCOPE_* environment values that point every source's spider at this mirror."""
        return {env: self.url + suffix for env, suffix in MIRROR_BASES.items()}


# Which setting points each source at the mirror, and under which prefix its fixtures are served.
MIRROR_BASES: dict[str, str] = {
    "VRSCOPE_EPO_OPS_BASE_URL": "/epo_ops/3.2",
    "VRSCOPE_OPENSTD_BASE_URL": "/openstd",
    "VRSCOPE_HBBA_BASE_URL": "/hbba",
    "VRSCOPE_DBBA_BASE_URL": "/dbba",
    "VRSCOPE_TTBZ_BASE_URL": "/ttbz",
    "VRSCOPE_STD_SAMR_BASE_URL": "/std_samr",
    "VRSCOPE_ISO_BASE_URL": "/iso",
    "VRSCOPE_IEC_BASE_URL": "/iec",
    "VRSCOPE_IEEE_BASE_URL": "/ieee",
    "VRSCOPE_ITU_BASE_URL": "/itu",
    "VRSCOPE_THREEGPP_BASE_URL": "/threegpp",
    "VRSCOPE_ETSI_BASE_URL": "/etsi",
    "VRSCOPE_RELATON_BASE_URLS": "/relaton/relaton-data-vr/main",
    "VRSCOPE_USPTO_BULK_BASE_URL": "/uspto_bulk",
    "VRSCOPE_USPTO_ODP_BASE_URL": "/uspto_odp/api/v1/patent",
    "VRSCOPE_PATENTSVIEW_BASE_URL": "/patentsview/api/v1",
}


def main() -> None:
    """Serve the mirror in the foreground: ``python -m crawlers.mirror [port]``."""
    import sys

    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8765
    with Mirror(port=port) as mirror:
        print(f"mirror serving {mirror.fixtures} at {mirror.url}")
        for env, value in mirror.settings_overrides().items():
            print(f"  {env}={value}")
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
