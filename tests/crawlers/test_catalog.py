"""Catalogue index lines (ISO, IEC, IEEE, ITU, ETSI, 3GPP) → Standard, and the stage vocabulary."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from crawlers.parsers import intl_std
from crawlers.parsers.catalog import BODIES, detect_body, parse_line
from crawlers.parsers.errors import ParseError
from vrscope.records import Level, StandardStatus

LINES = Path(__file__).parent / "fixtures" / "catalog" / "lines.jsonl"
CATALOGS = Path("catalogs/standards")
S = StandardStatus

# identifier → (body, status, stage_code, status_raw, committee, published, source)
EXPECTED: dict[str, tuple[Any, ...]] = {
    "ISO/IEC 23090-2:2023": ("ISO/IEC", S.PUBLISHED, "60.60", "60.60", "ISO/IEC JTC 1/SC 29",
                             dt.date(2023, 6, 1), "iso-catalog"),
    "ISO/IEC DIS 23090-24": ("ISO/IEC", S.DRAFT_FOR_COMMENT, "40.60", "40.60", "ISO/IEC JTC 1/SC 29",
                             dt.date(2024, 1, 1), "iso-catalog"),
    "ISO/IEC DIR 1 ISO SUP:2022": ("ISO/IEC", None, None, None, None, dt.date(2022, 5, 1), "iso-catalog"),
    "ISO/IEC 23090-2:2021": ("ISO/IEC", S.REPLACED, None, "REVISED", "ISO/IEC JTC 1/SC 29",
                             dt.date(2021, 7, 7), "iec-catalog"),
    "IEC 63145-20-10:2019": ("IEC", S.PUBLISHED, None, "PUBLISHED", "IEC TC 110", dt.date(2019, 8, 13),
                             "iec-catalog"),
    "IEEE P3079/D-02-2020-08": ("IEEE", S.REPLACED, None, "draft/Inactive/Draft",
                                "Standards Activities Board of the IEEE Computer Society",
                                dt.date(2020, 9, 24), "ieee-catalog"),
    "IEEE Std 1589-2020": ("IEEE", S.PUBLISHED, None, "Active",
                           "Learning Technology Standards Committee of the IEEE Computer Society & Education",
                           dt.date(2020, 1, 1), "ieee-catalog"),
    "ITU-T F.740.2 (06/2021)": ("ITU", S.PUBLISHED, None, "Published", "ITU-T Study Group 21",
                                dt.date(2021, 6, 13), "itu-catalog"),
    "ITU-R BT.2123-0": ("ITU", None, None, None, None, dt.date(2019, 1, 1), "itu-catalog"),
    "ETSI GR ARF 001 V1.1.1 (2019-04)": ("ETSI", S.PUBLISHED, None, None, "Augmented Reality Framework",
                                         dt.date(2019, 4, 1), "etsi-catalog"),
    "3GPP TR 26.918:REL-18/18.0.0": ("3GPP", S.PUBLISHED, None, None, "3GPP S4", dt.date(2024, 5, 15),
                                     "3gpp-catalog"),
    "3GPP TR 26.928:Rel-16/0.3.0": ("3GPP", S.UNDER_DEVELOPMENT, None,
                                    "draft (version < x.y with major <3 pre-approval)", None, None,
                                    "3gpp-catalog"),
}


def _lines() -> list[str]:
    return LINES.read_text("utf-8").splitlines()


@pytest.mark.parametrize("line", _lines(), ids=lambda line: json.loads(line)["id"])
def test_every_body_shape(line: str) -> None:
    standard = parse_line(line)
    body, status, code, raw, committee, published, source = EXPECTED[standard.id]
    got = (standard.body, standard.status, standard.stage_code, standard.status_raw)
    assert got == (body, status, code, raw)
    assert (standard.committee, standard.published_date, standard.source) == (committee, published, source)
    assert standard.level is Level.INTERNATIONAL and standard.sources == [source]
    [edition] = standard.editions
    data = json.loads(line)
    assert edition.identifier == data["id"] and edition.origin == data["file"] and edition.source == source


def test_fields_carried_over() -> None:
    by_id = {s.id: s for s in map(parse_line, _lines())}
    omaf = by_id["ISO/IEC 23090-2:2023"]
    assert omaf.title_en and omaf.title_en.endswith("Part 2: Omnidirectional media format")
    assert omaf.ics == ["35.040.40"] and omaf.doctype == "international-standard"
    assert omaf.url == "https://www.iso.org/standard/84636.html"
    assert omaf.stage_name == "International Standard published"
    assert omaf.editions[0].edition == "3" and omaf.editions[0].date == "2023-06"
    assert by_id["ISO/IEC DIS 23090-24"].url == "https://www.iso.org/obp/ui/en/#!iso:std:85000:en"
    assert by_id["ISO/IEC 23090-2:2021"].withdrawn_date == dt.date(2023, 6, 9)
    assert by_id["ETSI GR ARF 001 V1.1.1 (2019-04)"].editions[0].edition == "1.1.1"
    assert by_id["3GPP TR 26.928:Rel-16/0.3.0"].editions[0].edition == "0.3.0"
    assert by_id["3GPP TR 26.918:REL-18/18.0.0"].doctype == "TR"
    assert by_id["ITU-R BT.2123-0"].title_en is None


def test_body_is_read_off_the_line() -> None:
    assert [detect_body(json.loads(line)) for line in _lines()] == [
        "iso", "iso", "iso", "iec", "iec", "ieee", "ieee", "itu", "itu", "etsi", "3gpp", "3gpp"]
    with pytest.raises(ParseError, match="which catalogue"):
        detect_body({"id": "XYZ 1"})
    assert parse_line({"id": "XYZ 1", "dates": {}}, body="itu").body == "ITU"


@pytest.mark.parametrize("bad", [b"{not json", b"[1, 2]", b'{"title_en": "no id"}', b'{"id": "   "}'])
def test_bad_lines_are_parse_errors(bad: bytes) -> None:
    with pytest.raises(ParseError):
        parse_line(bad, body="iso")


def test_a_given_source_name_is_kept() -> None:
    standard = parse_line(_lines()[0], source="my-iso-dump")
    assert standard.source == "my-iso-dump" and standard.editions[0].source == "my-iso-dump"


@pytest.mark.parametrize(("stage", "substage", "status"), [
    ("00", "00", S.PLAN), ("10", "99", S.PLAN), ("20", "20", S.PREPARATORY), ("30", "20", S.COMMITTEE_DRAFT),
    ("40", "20", S.DRAFT_FOR_COMMENT), ("50", "20", S.APPROVAL), ("60", "00", S.APPROVAL),
    ("60", "60", S.PUBLISHED), ("90", "20", S.UNDER_REVIEW), ("90", "92", S.UNDER_REVIEW),
    ("90", "93", S.PUBLISHED), ("95", "20", S.UNDER_REVIEW), ("95", "99", S.WITHDRAWN),
    ("30", "98", S.WITHDRAWN), ("60", None, S.PUBLISHED),
])
def test_iso_stage_codes(stage: str, substage: str | None, status: StandardStatus) -> None:
    found = intl_std.iso_stage(stage, substage)
    assert found is not None and found.status is status
    assert found.stage_code == (f"{stage}.{substage}" if substage else stage) and found.stage_name


def test_status_words_and_bodies() -> None:
    assert intl_std.stage_status("REVISED").status is S.REPLACED
    assert intl_std.stage_status("Withdrawal").status is S.WITHDRAWN
    assert intl_std.ieee_status("draft", "Active").status is S.UNDER_DEVELOPMENT
    assert intl_std.ieee_status(None, "Superseded").status is S.REPLACED
    assert intl_std.version_status("2.1.0").status is S.UNDER_DEVELOPMENT
    assert intl_std.version_status("15.2.0").status is S.PUBLISHED
    assert intl_std.body_of("ISO/IEC/IEEE 8802-3:2021", "IEEE") == "ISO/IEC/IEEE"
    assert intl_std.body_of("ISO/TR 9241-1", "ISO") == "ISO"
    assert intl_std.body_of("CISPR 10:1971", "IEC") == "IEC"
    assert intl_std.parse_date("2023") == dt.date(2023, 1, 1) and intl_std.parse_date("n/a") is None


@pytest.mark.shared_data
def test_the_stage_table_is_the_iso_vocabulary(shared_data: Path) -> None:
    scheme = json.loads((shared_data / "schemes" / "iso-harmonized-stage-codes.json").read_text("utf-8"))
    vocabulary = scheme["vocabulary"]
    assert {v["code"]: v["name"] for v in vocabulary["XX.YY"]} == intl_std.ISO_STAGE_CODES
    assert {v["code"]: v["name"] for v in vocabulary["XX"]} == intl_std.ISO_STAGES
    assert all(intl_std.iso_stage(*code.split(".")).status for code in intl_std.ISO_STAGE_CODES)  # type: ignore[union-attr]


@pytest.mark.shared_data
@pytest.mark.parametrize("body", sorted(BODIES))
def test_every_real_catalogue_line_parses(shared_data: Path, body: str) -> None:
    path = shared_data / CATALOGS / body / f"{body}_catalog_index_all.jsonl.gz"
    statuses: Counter[str | None] = Counter()
    with gzip.open(path, "rb") as lines:
        for line in lines:
            standard = parse_line(line)  # the body is read off each line
            assert BODIES[body] in (standard.body or "").split("/"), standard.id
            statuses[standard.status.value if standard.status else None] += 1
    if body in {"iso", "iec", "ieee", "3gpp"}:
        assert statuses[None] <= 19, statuses  # ISO's 19 directives carry no stage
    assert statuses["published"] > 0


@pytest.mark.parametrize("line", [
    {"id": "ISO 1", "dates": [1], "obp": None},
    {"id": "ISO 1", "committee": 5, "ics": "35.240", "obp": None, "stage": 60, "substage": 60},
    {"id": "IEEE 1", "status_extra": {"standard_status": 3}, "dates": None},
    {"id": "3GPP TS 1", "radiotechnology": None, "version": ["x"], "published": 2020},
])
def test_odd_shapes_give_a_standard_or_a_parse_error(line: dict[str, Any]) -> None:
    try:
        standard = parse_line(line)
    except ParseError:
        return
    assert standard.id == line["id"]
