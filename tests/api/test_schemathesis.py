"""Property-based API tests: schemathesis generates requests from the OpenAPI schema; none may get a 500.

The app runs in-process (ASGI) on a small temporary store and embedded index. Every GET operation the
schema lists is covered, so routes added later are tested without editing this file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.main import create_app
from tests.api.conftest import index_into_engine, make_key
from vrscope.records import Correction, Labels, Party, Patent, Standard
from vrscope.settings import Settings
from vrscope.store import Store

pytestmark = pytest.mark.slow  # ~30 generated requests per operation


def _records() -> list[Patent | Standard]:
    return [
        Standard(id="GB/T 38259-2019", source="openstd", title_zh="虚拟现实头戴式显示设备通用规范",
                 title_en="General specification for VR head mounted display", status="published",
                 published_date=dt.date(2019, 12, 10), committee="TC28", ics=["33.160"]),
        Standard(id="ISO/IEC 18039:2019", source="relaton", published_date=dt.date(2019, 2, 1),
                 title_en="Mixed and augmented reality reference model"),
        Patent(id="CN112345678A", source="epo_ops", jurisdiction="CN",
               titles={"zh": "一种近眼显示光学模组", "en": "Near-eye display optical module"},
               abstracts={"en": "A pancake lens for a head mounted display."}, cpc=["G02B27/0172"],
               applicants=[Party(name="Goertek Inc.")], priority_date=dt.date(2021, 3, 1)),
        Patent(id="US2020123456A1", source="uspto_bulk", jurisdiction="US",
               titles={"en": "Foveated rendering"},
               abstracts={"en": "Rendering at full resolution only where the eye looks."},
               applicants=[Party(name="Meta Platforms Technologies, LLC")],
               priority_date=dt.date(2020, 6, 1)),
    ]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, str]]:
    """The real app (no overrides) on a temporary store and embedded index of four documents; a write key."""
    config = Settings(data_dir=tmp_path_factory.mktemp("schemathesis"), max_page_size=50)
    with Store(config.db_path) as store:
        store.upsert_many(_records())
        store.set_labels([
            ("GB/T 38259-2019", Labels(relevant=True, techs={"near_eye_display": 0.9}, forms={"vr": 0.8},
                                       model_version="m1")),
            ("CN112345678A", Labels(relevant=True, techs={"near_eye_display": 0.8}, model_version="m1")),
            ("US2020123456A1", Labels(relevant=True, techs={"rendering_computation": 0.9},
                                      subtopics={"foveated_rendering": 0.7}, model_version="m1")),
        ])
        store.correct("US2020123456A1", Correction(forms=["vr"], author="test"))
        index_into_engine(store, config)
        key = make_key(store, name="schemathesis")
    application = create_app(config)
    yield application, key
    application.state.resources.close()


def _operations(method: str, only: str = "") -> list[str]:
    """The paths of the app's OpenAPI schema with a method (building the app opens nothing)."""
    spec = create_app(Settings(data_dir=Path("unused"))).openapi()
    return sorted(path for path, methods in spec["paths"].items() if method in methods and only in path)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per operation, whatever routes exist when the tests are collected."""
    if "get_path" in metafunc.fixturenames:
        metafunc.parametrize("get_path", _operations("get"))
    if "write" in metafunc.fixturenames:
        writes = [(m.upper(), path) for m in ("put", "delete") for path in _operations(m, "/correction")]
        metafunc.parametrize("write", writes)


@pytest.fixture(scope="module")
def api_schema(served: tuple[FastAPI, str]) -> Any:
    """The app's own OpenAPI schema, requests sent to the app in-process."""
    return schemathesis.openapi.from_asgi("/openapi.json", served[0])


def _cases(operation: Any) -> st.SearchStrategy[Any]:
    """Valid and invalid requests, plus valid ones about the stored documents where a doc_id is asked for."""
    strategies = [operation.as_strategy(mode) for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
    if "{doc_id" in operation.path:
        strategies += [operation.as_strategy(GenerationMode.POSITIVE, path_parameters={"doc_id": r.id})
                       for r in _records()]
    return st.one_of(strategies)


def _run(strategy: st.SearchStrategy[Any], **call: Any) -> None:
    @given(case=strategy)
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
              database=None)
    def check(case: Any) -> None:
        case.call_and_validate(checks=[not_a_server_error, response_schema_conformance], **call)

    check()


def test_no_server_errors(api_schema: Any, get_path: str) -> None:
    """No generated GET request, valid or not, gets a 5xx; answers match the declared response schema."""
    _run(_cases(api_schema[get_path]["GET"]))


def test_corrections_never_500(api_schema: Any, served: tuple[FastAPI, str], write: tuple[str, str]) -> None:
    """Corrections with a valid write key and generated bodies: 2xx or a clear 4xx, never a 5xx."""
    method, path = write
    key = served[1]
    _run(_cases(api_schema[path][method]), headers={"Authorization": f"Bearer {key}", "X-API-Key": key})
