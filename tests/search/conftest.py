"""Fixtures for the search tests: a small bilingual corpus and a fresh embedded index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from search.backend import IndexDoc
from search.embedded import EmbeddedBackend


def _doc(**fields: object) -> IndexDoc:
    """An IndexDoc with test defaults."""
    return IndexDoc.model_validate({"doc_type": "patent", "source": "epo", **fields})


CORPUS = [
    _doc(
        id="CN111A",
        title="一种头戴式显示器及其光学模组",
        title_zh="一种头戴式显示器及其光学模组",
        title_en="Head-mounted display and optical module thereof",
        abstract="本发明公开了一种头戴式显示器，包括透镜和OLED显示屏。\nA head-mounted display with a lens.",
        claims="1. 一种头戴式显示器，其特征在于包括菲涅尔透镜。",
        year=2020,
        date="2020-03-01",
        jurisdiction="CN",
        applicants=["Huawei"],
        cpc=["G02B27/0172", "G02B27/01"],
        ipc=["G02B27/01"],
        techs=["display", "optics"],
        forms=["hardware"],
        relevant=True,
        source="cnipa",
    ),
    _doc(
        id="US222A1",
        title="Displays for virtual reality headsets",
        title_en="Displays for virtual reality headsets",
        abstract="Stereoscopic displays render the scene while cameras follow the eyes.",
        claims="1. A headset comprising two displays.",
        year=2021,
        date="2021-05-01",
        jurisdiction="US",
        applicants=["Meta Platforms"],
        cpc=["G02B27/0093", "G06F3/013"],
        techs=["display", "tracking"],
        forms=["hardware"],
        relevant=True,
    ),
    _doc(
        id="EP333B1",
        title="Haptic glove",
        title_en="Haptic glove",
        abstract="A glove gives virtual touch feedback so that reality feels close.",
        year=2021,
        date="2021-08-15",
        jurisdiction="EP",
        applicants=["Sony"],
        techs=["haptics"],
        forms=["hardware"],
        relevant=True,
    ),
    _doc(
        id="CN444A",
        title="基于眼动追踪的注视点渲染方法",
        title_zh="基于眼动追踪的注视点渲染方法",
        title_en="Foveated rendering based on eye tracking",
        abstract="本发明根据眼动追踪结果降低外围区域的渲染分辨率。",
        year=2022,
        date="2022-01-10",
        jurisdiction="CN",
        applicants=["Huawei"],
        cpc=["G06F3/013", "G06T15/00"],
        techs=["rendering", "tracking"],
        forms=["software"],
        relevant=True,
        source="cnipa",
    ),
    _doc(
        id="GB/T 38259-2019",
        doc_type="standard",
        title="虚拟现实头戴式显示设备通用规范",
        title_zh="虚拟现实头戴式显示设备通用规范",
        title_en="General specification for virtual reality head-mounted display devices",
        abstract="本标准规定了虚拟现实头戴式显示设备的技术要求和试验方法。",
        year=2019,
        date="2019-10-18",
        jurisdiction="SAC",
        status="published",
        committee="SAC/TC28",
        ics=["35.240.99"],
        techs=["display"],
        forms=["standard"],
        relevant=True,
        source="openstd",
    ),
    _doc(
        id="ISO/IEC 18039:2019",
        doc_type="standard",
        title="Mixed and augmented reality reference model",
        title_en="Mixed and augmented reality reference model",
        abstract="This document defines the scope and key concepts of mixed and augmented reality.",
        year=2020,
        date="2020-02-01",
        jurisdiction="ISO",
        status="under_development",
        committee="ISO/IEC JTC 1/SC 24",
        ics=["35.240.30"],
        source="iso",
    ),
    _doc(
        id="US777A1",
        title="Coffee machine with milk frother",
        abstract="A coffee machine heats milk.",
        year=2020,
        jurisdiction="US",
        applicants=["Acme"],
    ),
]


@pytest.fixture
def corpus() -> list[IndexDoc]:
    """The test documents (copies, so a test may change them)."""
    return [doc.model_copy(deep=True) for doc in CORPUS]


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    """Where a test's index lives."""
    return tmp_path / "index"


@pytest.fixture
def backend(index_dir: Path, corpus: list[IndexDoc]) -> Iterator[EmbeddedBackend]:
    """An embedded index holding the corpus."""
    engine = EmbeddedBackend(index_dir, heap_size=32_000_000, num_threads=1)
    engine.index(corpus)
    yield engine
    engine.close()
