"""Identifier normalization."""

import pytest

from vrscope.ids import InvalidIdentifier, normalize_patent_number, normalize_standard_id, split_patent_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("EP 1 234 567 B1", "EP1234567B1"),
        ("ep1234567b1", "EP1234567B1"),
        ("US 2020/0123456 A1", "US2020123456A1"),
        ("US20200123456A1", "US2020123456A1"),
        ("US 10,123,456 B2", "US10123456B2"),
        ("CN 112345678 A", "CN112345678A"),
        ("CN112345678A", "CN112345678A"),
        ("WO 2021/123456 A1", "WO2021123456A1"),
        ("KR10-2020-0012345 A", "KR1020200012345A"),
        ("ＣＮ１１２３４５６７８Ａ", "CN112345678A"),
        ("HRP20251003T1", "HRP20251003T1"),
    ],
)
def test_patent_numbers_normalize_to_docdb_style(raw: str, expected: str) -> None:
    assert normalize_patent_number(raw) == expected


def test_patent_kind_can_be_given_apart() -> None:
    assert normalize_patent_number("EP.1234567", kind="a1") == "EP1234567A1"
    assert split_patent_number("EP1234567A1") == ("EP", "1234567", "A1")


@pytest.mark.parametrize("raw", ["", "   ", "1234567", "not a number!"])
def test_bad_patent_numbers_are_refused(raw: str) -> None:
    with pytest.raises(InvalidIdentifier):
        normalize_patent_number(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("GB/T 38259—2019", "GB/T 38259-2019"),
        ("GB/T38259-2019", "GB/T 38259-2019"),
        ("GB／T 38259－2019", "GB/T 38259-2019"),
        ("gb/t 38259 - 2019", "GB/T 38259-2019"),
        ("GB 4943.1-2022", "GB 4943.1-2022"),
        ("GB/T 201.1", "GB/T 201.1"),
        ("SJ/T 11823—2022", "SJ/T 11823-2022"),
        ("T/CESA 1169—2021", "T/CESA 1169-2021"),
        ("DB37/T 4404-2021", "DB37/T 4404-2021"),
        ("ISO/IEC 23090-2 : 2023", "ISO/IEC 23090-2:2023"),
        ("ISO/IEC  23090-2:2023", "ISO/IEC 23090-2:2023"),
        ("IEEE P2048.101", "IEEE P2048.101"),
        ("ITU-T H.264", "ITU-T H.264"),
    ],
)
def test_standard_identifiers_normalize_to_one_form(raw: str, expected: str) -> None:
    assert normalize_standard_id(raw) == expected


def test_empty_standard_identifier_is_refused() -> None:
    with pytest.raises(InvalidIdentifier):
        normalize_standard_id("  ")
