"""Records → IndexDoc."""

from __future__ import annotations

import datetime as dt

from search.schema import to_index_doc
from vrscope.records import Labels, Party, Patent, Standard, StandardStatus


def test_patent_with_labels() -> None:
    patent = Patent(
        id="CN 112345678 A",
        source="cnipa",
        url="https://example.org/CN112345678A",
        jurisdiction="CN",
        titles={"zh": "一种头戴式显示器", "en": "Head-mounted display"},
        abstracts={"zh": "中文摘要。", "en": "English abstract."},
        claims={"en": "1. A display."},
        applicants=[Party(name="HUAWEI TECH CO LTD", name_normalized="Huawei"), Party(name="Acme Inc")],
        cpc=["G02B27/01", "G02B27/01"],
        ipc=["G02B27/01"],
        priority_date=dt.date(2019, 12, 30),
        application_date=dt.date(2020, 6, 1),
        legal_status="granted",
    )
    labels = Labels(
        relevant=True,
        techs={"optics": 0.6, "display": 0.9},
        subtopics={"hmd": 0.8},
        forms={"hardware": 0.7},
        model_version="t",
    )
    doc = to_index_doc(patent, labels)
    assert doc.id == "CN112345678A"
    assert doc.doc_type == "patent"
    assert doc.title == "Head-mounted display"
    assert (doc.title_zh, doc.title_en) == ("一种头戴式显示器", "Head-mounted display")
    assert doc.abstract == "English abstract.\n中文摘要。"
    assert doc.claims == "1. A display."
    assert (doc.year, doc.date) == (2019, "2019-12-30")
    assert (doc.jurisdiction, doc.status) == ("CN", "granted")
    assert doc.applicants == ["Huawei", "Acme Inc"]
    assert doc.cpc == ["G02B27/01"]
    assert doc.relevant is True
    assert doc.techs == ["display", "optics"]
    assert (doc.subtopics, doc.forms) == (["hmd"], ["hardware"])
    assert (doc.source, doc.url) == ("cnipa", "https://example.org/CN112345678A")


def test_patent_without_labels() -> None:
    doc = to_index_doc(Patent(id="US1234567B1", source="epo", jurisdiction="US"))
    assert doc.relevant is False
    assert doc.techs == doc.subtopics == doc.forms == []
    assert doc.title == "US1234567B1"
    assert doc.year is None and doc.date is None


def test_standard() -> None:
    standard = Standard(
        id="GB/T 38259—2019",
        source="openstd",
        body="SAC",
        title_zh="虚拟现实头戴式显示设备通用规范",
        title_en="General specification for VR HMDs",
        abstract="本标准规定了技术要求。",
        status=StandardStatus.PUBLISHED,
        committee="TC28",
        ics=["35.240"],
        drafting_orgs=["CESI", "CESI"],
        plan_date=dt.date(2017, 1, 1),
        published_date=dt.date(2019, 12, 10),
    )
    doc = to_index_doc(standard, Labels(relevant=True, techs={"display": 1.0}, model_version="t"))
    assert doc.id == "GB/T 38259-2019"
    assert doc.doc_type == "standard"
    assert doc.title == "虚拟现实头戴式显示设备通用规范"
    assert doc.abstract == "本标准规定了技术要求。"
    assert doc.claims == ""
    assert (doc.year, doc.date) == (2019, "2019-12-10")
    assert (doc.jurisdiction, doc.status, doc.committee) == ("SAC", "published", "TC28")
    assert doc.ics == ["35.240"]
    assert doc.applicants == ["CESI"]
    assert doc.techs == ["display"]


def test_standard_plan_date_when_unpublished() -> None:
    doc = to_index_doc(Standard(id="20213456-T-339", source="openstd", plan_date=dt.date(2021, 4, 2)))
    assert (doc.year, doc.date) == (2021, "2021-04-02")
    assert doc.jurisdiction is None and doc.status is None
