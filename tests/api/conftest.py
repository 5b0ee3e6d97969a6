"""Fixtures: a real Store on tmp_path, the in-memory fake backend, TestClients wired to both, API keys.

Helpers for tests that build their own store: ``make_key``, ``add_capture_patent``, ``index_into_engine``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.deps import get_search, get_store
from api.main import create_app
from search.backend import IndexDoc, SearchBackend
from tests.api.fakes import FakeBackend
from vrscope.apikeys import create_key
from vrscope.records import Correction, Labels, Party, Patent, Standard
from vrscope.settings import Settings
from vrscope.store import Store

STANDARD_ID = "GB/T 38259-2019"
PATENT_ID = "CN112345678A"
CAPTURE_ID = "CN115000001A"


def make_key(store: Store, scope: str = "write", name: str = "scouts") -> str:
    """A new API key with one scope, as the plain token a client sends."""
    return create_key(store.conn, name, [scope])[1]


def add_capture_patent(store: Store, doc_id: str = CAPTURE_ID) -> None:
    """Store one patent labelled rendering_computation only (what a correction then changes)."""
    store.upsert(Patent(id=doc_id, source="epo_ops", jurisdiction="CN",
                        titles={"en": "Volumetric capture studio"},
                        abstracts={"en": "Cameras around a stage record a person in 3D."},
                        applicants=[Party(name="Acme Capture")], priority_date=dt.date(2022, 5, 1)))
    store.set_labels([(doc_id, Labels(relevant=True, techs={"rendering_computation": 0.7},
                                      model_version="m1"))])


def index_into_engine(store: Store, settings: Settings) -> None:
    """Index every stored document into the engine the settings choose, then close the engine."""
    from search.factory import get_backend
    from vrscope.pipeline import index_documents

    backend = get_backend(settings)
    try:
        index_documents(store, backend)
    finally:
        backend.close()


def wired_app(settings: Settings, store: Store, backend: SearchBackend | FakeBackend) -> FastAPI:
    """The app with the store and backend dependencies overridden."""
    application = create_app(settings)

    def _store() -> Store:
        return store

    def _search() -> SearchBackend | FakeBackend:
        return backend

    application.dependency_overrides[get_store] = _store
    application.dependency_overrides[get_search] = _search
    return application


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A store of record with one standard and one patent, labelled, the patent corrected by a person."""
    with Store(tmp_path / "store.sqlite3") as st:
        st.upsert(Standard(id=STANDARD_ID, source="openstd", title_zh="虚拟现实头戴式显示设备通用规范",
                           title_en="General specification for VR head mounted display",
                           published_date=dt.date(2019, 12, 10), url="https://openstd.samr.gov.cn/x"))
        st.upsert(Patent(id=PATENT_ID, source="epo_ops", jurisdiction="CN",
                         titles={"zh": "一种近眼显示光学模组", "en": "Near-eye display optical module"},
                         abstracts={"en": "A pancake lens for a head mounted display."},
                         applicants=[Party(name="Goertek Inc.")], priority_date=dt.date(2021, 3, 1)))
        st.set_labels([
            (STANDARD_ID, Labels(relevant=True, techs={"near_eye_display": 0.9}, forms={"VR": 0.8},
                                 model_version="m1")),
            (PATENT_ID, Labels(relevant=True, techs={"rendering_computation": 0.6}, model_version="m1")),
        ])
        st.correct(PATENT_ID, Correction(techs=["near_eye_display"], author="scout"))
        yield st


@pytest.fixture
def backend() -> FakeBackend:
    """The fake engine with a few documents."""
    docs = [
        IndexDoc(id=STANDARD_ID, doc_type="standard", title="虚拟现实头戴式显示设备通用规范", year=2019,
                 date="2019-12-10", jurisdiction="SAC", source="openstd", relevant=True,
                 techs=["near_eye_display"], forms=["VR"], abstract="head mounted display requirements"),
        IndexDoc(id=PATENT_ID, doc_type="patent", title="Near-eye display optical module", year=2021,
                 date="2021-03-01", jurisdiction="CN", source="epo_ops", relevant=True,
                 techs=["near_eye_display"], applicants=["GOERTEK"],
                 abstract="A pancake lens for a display."),
        IndexDoc(id="US2020123456A1", doc_type="patent", title="Foveated rendering", year=2020,
                 date="2020-06-01", jurisdiction="US", source="uspto", relevant=True,
                 techs=["rendering_computation"], forms=["VR", "AR"],
                 abstract="Foveated <rendering> of scenes."),
    ]
    return FakeBackend(docs)


@pytest.fixture
def app(tmp_path: Path, store: Store, backend: FakeBackend) -> FastAPI:
    """The app with the store and backend dependencies overridden."""
    return wired_app(Settings(data_dir=tmp_path / "data", max_page_size=50), store, backend)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A TestClient running the app's lifespan."""
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def private_client(tmp_path: Path, store: Store, backend: FakeBackend) -> Iterator[TestClient]:
    """The app with reads behind a key (VRSCOPE_API_READ_REQUIRES_KEY=true)."""
    settings = Settings(data_dir=tmp_path / "data", api_read_requires_key=True)
    with TestClient(wired_app(settings, store, backend)) as test_client:
        yield test_client


@pytest.fixture
def write_key(store: Store) -> str:
    """A key with the write scope in the test store."""
    return make_key(store)


@pytest.fixture
def read_key(store: Store) -> str:
    """A key with the read scope only in the test store."""
    return make_key(store, "read", "dashboard")
