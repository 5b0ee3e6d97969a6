"""One behaviour suite, three engines: embedded tantivy, osmem-server on loopback, a real Elasticsearch.

osmem is an in-memory OpenSearch-compatible server. The Elasticsearch 9 client sends
``application/vnd.elasticsearch+json; compatible-with=9``, which osmem answers with 406; the
test-only node class below sends plain ``application/json`` instead. It lives here, never in the product.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from elastic_transport import HttpHeaders, Urllib3HttpNode
from elastic_transport._node._base import NodeApiResponse
from elastic_transport.client_utils import DEFAULT, DefaultType

from search.backend import SearchBackend
from search.elastic import ElasticBackend
from search.elastic_client import make_client
from search.embedded import EmbeddedBackend
from tests.search.conftest import CORPUS
from vrscope.settings import Settings

ENGINES = ["embedded", "osmem", "es"]
Factory = Callable[[], SearchBackend]


class PlainJsonNode(Urllib3HttpNode):
    """An HTTP node that sends plain JSON media types (osmem rejects the compatibility ones)."""

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: HttpHeaders | None = None,
        request_timeout: DefaultType | float | None = DEFAULT,
    ) -> NodeApiResponse:
        """Rewrite Accept and Content-Type, then send."""
        if headers is not None:
            headers = headers.copy()
            for name in ("accept", "content-type"):
                if name in headers:
                    headers[name] = headers[name].replace("vnd.elasticsearch+", "").split(";")[0]
        return super().perform_request(method, target, body, headers, request_timeout)


@pytest.fixture(scope="session")
def osmem_server() -> Iterator[Any]:
    """One osmem-server for the session, on a free loopback port (overrides the plugin's fixture)."""
    try:
        from osmem_server import OsmemServer
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("CI must run the contract suite on osmem: install the dev extra (osmem-server)")
        pytest.skip("osmem-server is not installed (pip install -e '.[dev]')")
    server = OsmemServer.start(japanese=False, addr="127.0.0.1:0")
    yield server
    server.close()


def _elastic(url: str, alias: str, **client: Any) -> ElasticBackend:
    """An ElasticBackend on url behind alias, its client built from settings like the product's."""
    settings = Settings(
        backend="elastic",
        es_url=url,
        es_index=alias,
        es_api_key=os.environ.get("ES_API_KEY") or None,
        es_ca_certs=os.environ.get("ES_CA_CERTS") or None,
    )
    return ElasticBackend(settings, client=make_client(settings, **client))


def _drop(engine: SearchBackend) -> None:
    """Delete every index an Elasticsearch-style engine made, then close it."""
    if isinstance(engine, ElasticBackend):
        # By name: Elasticsearch refuses wildcard deletes (action.destructive_requires_name).
        made = engine.client.indices.get(index=f"{engine.alias}-*", allow_no_indices=True).body
        for name in made:
            engine.client.indices.delete(index=name, ignore_unavailable=True)
    engine.close()


@pytest.fixture(scope="session", params=ENGINES)
def engine_kind(request: pytest.FixtureRequest) -> str:
    """Which engine a test runs on; "es" only when ES_URL names a cluster."""
    kind: str = request.param
    if kind == "es" and not os.environ.get("ES_URL"):
        pytest.skip("ES_URL is not set: no real Elasticsearch to run the contract suite against")
    return kind


@pytest.fixture(scope="session")
def make_engine(
    engine_kind: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Factory]:
    """Make empty engines of this kind; each gets its own directory or alias, all dropped at the end."""
    made: list[SearchBackend] = []
    server = request.getfixturevalue("osmem_server") if engine_kind == "osmem" else None

    def make() -> SearchBackend:
        alias = f"vrscope-test-{uuid.uuid4().hex[:12]}"
        engine: SearchBackend
        if engine_kind == "embedded":
            path: Path = tmp_path_factory.mktemp("index")
            engine = EmbeddedBackend(path, heap_size=32_000_000, num_threads=1)
        elif server is not None:
            engine = _elastic(server.url, alias, node_class=PlainJsonNode)
        else:
            engine = _elastic(os.environ["ES_URL"], alias)
        made.append(engine)
        return engine

    yield make
    for engine in made:
        _drop(engine)


@pytest.fixture(scope="session")
def engine(make_engine: Factory) -> SearchBackend:
    """An engine holding the test corpus; read-only tests share it."""
    loaded = make_engine()
    loaded.index(doc.model_copy(deep=True) for doc in CORPUS)
    return loaded


@pytest.fixture
def blank(make_engine: Factory) -> SearchBackend:
    """A fresh, empty engine for a test that writes."""
    return make_engine()


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBackend]:
    """The embedded engine on the corpus: what every other engine must agree with."""
    ref = EmbeddedBackend(tmp_path_factory.mktemp("reference"), heap_size=32_000_000, num_threads=1)
    ref.index(doc.model_copy(deep=True) for doc in CORPUS)
    yield ref
    ref.close()
