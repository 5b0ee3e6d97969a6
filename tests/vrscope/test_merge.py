"""Merging versions of one standard: every source and edition kept, non-empty fields preferred, idempotent."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from crawlers.parsers.catalog import parse_line
from vrscope.merge import digest, merge_standards, with_provenance
from vrscope.records import Edition, Standard, StandardStatus
from vrscope.store import Store

LINES = Path(__file__).parents[1] / "crawlers" / "fixtures" / "catalog" / "lines.jsonl"


def _iso_and_iec() -> tuple[Standard, Standard]:
    """The same joint standard as ISO's and IEC's catalogues give it."""
    iso_line = {
        "file": "data/iso-iec-23090-2-2021.yaml", "id": "ISO/IEC 23090-2:2021",
        "title_en": "Information technology - Coded representation of immersive media - Part 2: "
                    "Omnidirectional media format",
        "title_fr": None, "doctype": "international-standard", "stage": "95", "substage": "99",
        "dates": {"published": "2021-07"}, "edition": "2", "committee": ["ISO/IEC JTC 1/SC 29"],
        "ics": ["35.040.40"], "project_number": "79881", "url": "https://www.iso.org/standard/79881.html",
        "obp": None,
    }
    iec_line = json.loads(LINES.read_text("utf-8").splitlines()[3])
    return parse_line(iso_line), parse_line(iec_line)


def test_a_joint_standard_keeps_both_sources_and_editions() -> None:
    iso, iec = _iso_and_iec()
    merged = merge_standards(iso, iec)
    assert merged.sources == ["iec-catalog", "iso-catalog"]
    assert {(e.source, e.origin) for e in merged.editions} == {
        ("iso-catalog", "data/iso-iec-23090-2-2021.yaml"), ("iec-catalog", "data/iso_iec_23090-2_2021.yaml")}
    # Each edition keeps what its source said; the merged status is the later life stage.
    assert {e.source: e.status for e in merged.editions} == {
        "iso-catalog": StandardStatus.WITHDRAWN, "iec-catalog": StandardStatus.REPLACED}
    assert merged.status is StandardStatus.REPLACED and merged.status_raw == "REVISED"
    # The more precise date wins over the same month read as its 1st; non-empty fields survive.
    assert merged.published_date == dt.date(2021, 7, 7)
    assert merged.withdrawn_date == dt.date(2023, 6, 9) and merged.url == iec.url
    assert merged.committee == "ISO/IEC JTC 1/SC 29" and merged.ics == ["35.040.40"]


def test_merging_is_idempotent_and_order_keeps_every_edition() -> None:
    iso, iec = _iso_and_iec()
    once = merge_standards(iso, iec)
    assert merge_standards(once, iec) is once
    assert merge_standards(once, iso) is once
    assert merge_standards(merge_standards(once, iso), iec) is once
    other_way = merge_standards(iec, iso)
    assert other_way.editions == once.editions and other_way.sources == once.sources
    assert other_way.status == once.status


def test_a_refreshed_source_replaces_its_own_edition() -> None:
    draft = Standard(id="ISO/IEC DIS 23090-24", source="iso-catalog", url="https://www.iso.org/standard/1.html",
                     status=StandardStatus.DRAFT_FOR_COMMENT, stage_code="40.60")
    later = draft.model_copy(update={"status": StandardStatus.COMMITTEE_DRAFT, "stage_code": "30.92"})
    merged = merge_standards(draft, later)
    # The same source at the same place says something new: it wins even if the stage went back.
    assert merged.status is StandardStatus.COMMITTEE_DRAFT and len(merged.editions) == 1
    assert merged.editions[0].digest == digest(later)


def test_lists_are_united_and_empty_values_never_win() -> None:
    first = Standard(id="GB/T 38259-2019", source="openstd", title_zh="虚拟现实头戴式显示设备通用规范",
                     ics=["35.240"], replaces=[], committee="TC28")
    second = Standard(id="GB/T38259-2019", source="cn-seed", title_zh=None, title_en="VR HMD general spec",
                      ics=["33.160", "35.240"], drafting_orgs=["中国电子技术标准化研究院"])
    merged = merge_standards(first, second)
    assert merged.title_zh == "虚拟现实头戴式显示设备通用规范" and merged.title_en == "VR HMD general spec"
    assert merged.ics == ["35.240", "33.160"] and merged.committee == "TC28"
    assert merged.drafting_orgs == ["中国电子技术标准化研究院"] and merged.source == "cn-seed"


def test_provenance_is_filled_once() -> None:
    plain = Standard(id="IEEE Std 3079-2020", source="relaton", url="https://ieeexplore.ieee.org/document/9416950",
                     published_date=dt.date(2020, 9, 24))
    filled = with_provenance(plain)
    assert filled.sources == ["relaton"]
    assert filled.editions == [Edition(identifier="IEEE Std 3079-2020", source="relaton", origin=plain.url,
                                       date="2020-09-24", url=plain.url, digest=digest(plain))]
    assert with_provenance(filled) is filled


def test_different_identifiers_are_refused() -> None:
    with pytest.raises(ValueError, match="cannot merge"):
        merge_standards(Standard(id="ISO 1:2000", source="a"), Standard(id="ISO 2:2000", source="a"))


def test_the_store_merges_in_batches(tmp_path: Path) -> None:
    iso, iec = _iso_and_iec()
    with Store(tmp_path / "s.db") as store:
        first = store.upsert_many([iso])
        assert (first.inserted, first.merged) == (1, 0)
        second = store.upsert_many([iec, iso, iec])
        assert (second.updated, second.merged, second.unchanged) == (1, 1, 2)
        stored = store.get(iso.id)
        assert isinstance(stored, Standard) and stored.sources == ["iec-catalog", "iso-catalog"]
        assert {p["source"] for p in store.provenance(iso.id)} == {"iso-catalog", "iec-catalog"}
        again = store.upsert_many([iso, iec], batch_size=1)
        assert (again.unchanged, again.updated) == (2, 0)
