"""USPTO full-text XML parsers: recorded cases, every real file, streaming, malformed documents."""

from __future__ import annotations

import datetime as dt
import gc
import io
import json
import re
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest

from crawlers.mirror import FIXTURES
from crawlers.parsers.uspto_xml import ParseError, iter_documents, iter_weekly, looks_weekly, parse_document
from crawlers.parsers.uspto_xml_fields import ipc_symbol, us_number
from vrscope.ids import normalize_patent_number, split_patent_number
from vrscope.records import Patent

CASES = Path(__file__).parent / "fixtures" / "uspto_xml"
MIRROR = FIXTURES / "uspto_bulk"
FULLTEXT = Path("samples/patents/uspto-fulltext-xml")
IPGB = Path("samples/patents/uspto-ipgb-weekly")
HISTORIC = Path("samples/patents/uspto-historic-formats/PatentDocument/resources/samples")
CODE = re.compile(r"^[A-HY]\d{2}[A-Z]\d{1,4}/\d{2,6}$")
NUMBER = re.compile(r"^US(D|RE|PP|H|T)?\d{4,11}[A-Z]\d?$")


def parse_file(path: Path) -> list[Patent]:
    """Every document of a file (plain XML or weekly zip), parsed."""
    with path.open("rb") as stream:
        return [parse_document(document) for document in iter_weekly(stream)]


def _dump(patents: list[Patent]) -> list[dict[str, Any]]:
    return [p.model_dump(mode="json", exclude={"fetched_at"}) for p in patents]


# --- the project's own cases -------------------------------------------------------------------
@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_parser_case(case: Path) -> None:
    expected = json.loads((case / "output.json").read_text("utf-8"))
    assert _dump(parse_file(case / "input.xml")) == expected


def test_v4_grant_reads_every_field() -> None:
    (patent,) = parse_file(CASES / "grant_v47_assignee_pct" / "input.xml")
    assert (patent.id, patent.kind, patent.jurisdiction) == ("US11777001B2", "B2", "US")
    assert patent.grant_date == patent.publication_date == dt.date(2023, 10, 3)
    # earliest of the CN priority (2019-04-15), the PCT filing (2020-04-13) and the US filing
    assert patent.priority_date == dt.date(2019, 4, 15) and patent.application_number == "US17600123"
    assert patent.cpc == ["G02B27/0172", "G02B2027/0174"] and patent.ipc == ["G02B27/01"]
    assert patent.citations == ["US9874749B2", "US2019004325A1", "WO2018102834A2"]  # the npl is left out
    (owner,) = patent.applicants  # us-applicant and assignee name the same company once
    assert (owner.name_normalized, owner.address, owner.country) == ("BEIJING ZHIGUANG OPTOELECTRONICS",
                                                                     "Beijing, CN", "CN")
    assert patent.abstracts["en"].count("\n") == 1 and patent.titles["en"].endswith("— for AR glasses")
    assert patent.claims["en"].splitlines()[1].endswith("thinner than 20 μm.")


def test_inventor_applicants_are_the_applicants_when_no_company_is_named() -> None:
    (patent,) = parse_file(CASES / "application_v46_inventor_applicants" / "input.xml")
    assert [p.name for p in patent.applicants] == ["Nakamura, Ken", "Ferreira, Ana Luísa"]
    assert patent.applicants == patent.inventors
    assert patent.priority_date == dt.date(2020, 4, 3)  # the provisional, not the related publication


def test_legacy_versions() -> None:
    (grant,) = parse_file(CASES / "grant_v25_patdoc" / "input.xml")
    assert grant.id == "US6512345B1" and grant.ipc == ["G02B27/01", "G09G5/00"]
    assert "“see-through”" in grant.titles["en"] and "Δ-shaped" in grant.titles["en"]
    assert grant.priority_date == dt.date(2000, 6, 7) and grant.citations == ["US5579026A", "EP0821810"]
    assert grant.applicants[0].name_normalized == "OLYMPUS OPTICAL"
    assert grant.inventors[1].address == "Rochester, NY, US"  # a state without a country is in the US
    (application,) = parse_file(CASES / "application_v15_pap" / "input.xml")
    assert application.id == "US2003012345A1" and application.ipc == ["G06T15/00", "G06T17/00"]
    assert application.applicants[0].country == "DE" and application.priority_date == dt.date(2001, 7, 11)


def test_reissues_designs_and_glued_documents() -> None:
    reissue, design = parse_file(CASES / "reissue_and_design_v47" / "input.xml")
    assert reissue.id == "USRE49999E1" and design.id == "USD1012345S1"
    assert design.applicants[0].name_normalized == "SONY INTERACTIVE ENTERTAINMENT"  # from 株式会社…
    assert split_patent_number("USRE49999E1") == ("US", "RE49999", "E1")
    assert normalize_patent_number("US PP34,694 P2") == "USPP34694P2"
    assert us_number("06334226", "B1") == "US6334226B1" and us_number("D0982278", "S1") == "USD982278S1"


@pytest.mark.parametrize(("raw", "expected"), [
    ("A61F002/06", "A61F2/06"), ("G06F 3/01", "G06F3/01"), ("A47L  514", "A47L5/14"),
    ("G06F 1516", "G06F15/16"), ("E03C 104", "E03C1/04"), ("0101", None), ("None", None), ("", None),
])
def test_ipc_texts(raw: str, expected: str | None) -> None:
    assert ipc_symbol(raw) == expected


def test_the_mirror_weeks_hold_exactly_their_xml() -> None:
    for name in ("ipg240102", "ipa240104"):
        with zipfile.ZipFile(MIRROR / f"{name}.zip") as archive:
            assert archive.namelist() == [f"{name}.xml"]
            assert archive.read(f"{name}.xml") == (MIRROR / f"{name}.xml").read_bytes()
    grants = parse_file(MIRROR / "ipg240102.zip")
    applications = parse_file(MIRROR / "ipa240104.zip")
    assert len(grants) == len(applications) == 4
    assert {p.year for p in grants + applications} == {2019, 2020, 2021, 2022, 2023}
    assert all(p.titles and p.abstracts and p.claims and p.applicants and p.inventors and p.cpc and p.ipc
               for p in grants + applications)


# --- malformed documents -----------------------------------------------------------------------
def _grant(number: str) -> bytes:
    body = (CASES / "grant_v47_assignee_pct" / "input.xml").read_bytes()
    return body.replace(b"11777001", number.encode())


@pytest.mark.parametrize(("body", "message"), [
    (b"", "empty"), (b"   \n", "empty"), (b'{"not": "xml"}', "not well-formed"),
    (b"<html><body>Service unavailable</body></html>", "unexpected root"),
    (_grant("11777001")[:3000], "not well-formed"),
    (_grant("11777001").replace(b"Zhou", "Zh\u00f6u".encode("latin-1")), "not well-formed"),
    (_grant("11777001").replace(b"<doc-number>11777001</doc-number>", b"<doc-number/>"),
     "publication number"),
    (_grant("11777001").replace(b"<doc-number>11777001</doc-number>", b"<doc-number>??</doc-number>"),
     "unreadable publication number"),
], ids=["empty", "blank", "json", "html", "truncated", "latin1", "no-number", "bad-number"])
def test_bad_documents_raise_parse_error(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_document(body)


def test_a_bad_document_in_the_middle_leaves_the_others() -> None:
    documents = [_grant("11777001"), _grant("11777002")[:2500] + b"\n", _grant("11777003"),
                 _grant("11777004").replace(b"Beijing", "P\u00e9kin".encode("latin-1")), _grant("11777005")]
    stream = io.BytesIO(b"".join(documents))
    found, errors = [], []
    for index, document in enumerate(iter_weekly(stream), start=1):
        try:
            found.append(parse_document(document).id)
        except ParseError:
            errors.append(index)
    assert found == ["US11777001B2", "US11777003B2", "US11777005B2"] and errors == [2, 4]


def test_weekly_file_kinds() -> None:
    assert looks_weekly(b"PK\x03\x04rest") and looks_weekly(b'\xef\xbb\xbf<?xml version="1.0"?>')
    assert not looks_weekly(b"<html><head>") and not looks_weekly(b"")
    assert list(iter_documents([b"\n", b"  \n"])) == []
    fragment = b"<us-patent-grant>\n</us-patent-grant>\n"  # a file without declarations is one document
    assert list(iter_documents(io.BytesIO(fragment))) == [fragment]


# --- streaming ---------------------------------------------------------------------------------
class CountingFile(io.FileIO):
    """A file that counts the bytes read from it."""

    count = 0

    def readinto(self, buffer: Any) -> int | None:
        n = super().readinto(buffer)
        self.count += n or 0
        return n


def _big_week(tmp_path: Path, n: int = 1500) -> Path:
    path = tmp_path / "ipg991231.xml"
    with path.open("wb") as out:
        for i in range(n):
            out.write(_grant(str(11_000_000 + i)))
    return path


def test_documents_stream_without_reading_the_whole_file(tmp_path: Path) -> None:
    path = _big_week(tmp_path)
    size = path.stat().st_size
    raw = CountingFile(path)
    documents = iter_weekly(io.BufferedReader(raw))
    first = [next(documents) for _ in range(3)]
    assert b"11000002" in first[2] and raw.count < 64 * 1024 < size / 100
    # The whole file, plain and zipped: memory stays near one document, far below the file size.
    archive = tmp_path / "ipg991231.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(path, path.name)
    for source in (path, archive):
        gc.collect()
        tracemalloc.start()
        try:
            with source.open("rb") as stream:
                count = sum(1 for _ in iter_weekly(stream))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert count == 1500 and peak < size / 20, (source.name, peak, size)


# --- every real recording ----------------------------------------------------------------------
def _check(patent: Patent) -> None:
    assert NUMBER.match(patent.id) and patent.jurisdiction == "US" and patent.kind, patent.id
    assert patent.id.endswith(patent.kind) and patent.source == "uspto_bulk"
    assert patent.publication_date and dt.date(2001, 1, 1) <= patent.publication_date <= dt.date(2030, 1, 1)
    assert patent.application_date and patent.application_number
    assert patent.priority_date and patent.priority_date <= patent.application_date <= patent.publication_date
    assert (patent.grant_date is not None) == (patent.kind[0] in "BSEPH")
    assert patent.titles.get("en"), patent.id
    assert all(CODE.match(c) for c in [*patent.cpc, *patent.ipc]), (patent.cpc, patent.ipc)
    assert all(re.match(r"^[A-Z]{2}[A-Z\d]+$", c) for c in patent.citations), patent.citations
    assert patent.applicants and patent.inventors, patent.id
    for party in [*patent.applicants, *patent.inventors]:
        assert party.name == party.name.strip() and party.name_normalized
        assert party.country is None or re.match(r"^[A-Z]{2}$", party.country)


@pytest.mark.shared_data
def test_every_recorded_file_parses(shared_data: Path) -> None:
    files = sorted((shared_data / FULLTEXT).rglob("*.xml")) + sorted((shared_data / IPGB).rglob("*.zip"))
    files += [p for folder in ("xml2004", "xml2006", "xml2014", "xmlApp2004", "pap", "sgml")
              for p in sorted((shared_data / HISTORIC / folder).glob("*.xml"))]
    patents: list[Patent] = []
    cited = 0
    for path in files:
        with path.open("rb") as stream:
            for document in iter_weekly(stream):
                patent = parse_document(document)
                _check(patent)
                # Every field the document gives reaches the record.
                assert bool(patent.claims) == bool(re.search(rb"<(claim|CLM)[ >]", document)), patent.id
                has_abstract = re.search(rb"<(abstract|SDOAB|subdoc-abstract)[ >]", document)
                assert bool(patent.abstracts) == bool(has_abstract), patent.id
                assert bool(patent.cpc) == (b"<classifications-cpc>" in document), patent.id
                cited += len(re.findall(rb"<(patcit|PCIT)[ >]", document))
                patents.append(patent)
    assert (len(files), len(patents)) == (31, 44)
    assert {p.id[:4] for p in patents} >= {"USD9", "USRE", "USPP", "US20", "US11", "US65"}
    assert sum(len(p.citations) for p in patents) >= 0.98 * cited > 1000
    assert sum(1 for p in patents for a in p.applicants if a.address) >= 40
    assert sum(1 for p in patents if p.grant_date) == 31
    assert all(p.ipc for p in patents if not p.id.startswith("USD"))  # designs carry Locarno codes only


@pytest.mark.shared_data
def test_recorded_values(shared_data: Path) -> None:
    (grant,) = parse_file(shared_data / FULLTEXT / "pkg/uspto/test-data/grant/v4-5-B1.xml")
    assert (grant.id, grant.application_date, grant.grant_date) == ("US9358892B1", dt.date(2014, 12, 2),
                                                                      dt.date(2016, 6, 7))
    assert grant.cpc[:2] == ["B60L11/1809", "B60K35/00"] and grant.ipc[0] == "B60L9/00"
    (owner,) = grant.applicants
    assert owner.name == "Toyota Motor Engineering & Manufacturing North America, Inc."
    assert (owner.address, owner.country) == ("Erlanger, KY, US", "US")
    (old,) = parse_file(shared_data / FULLTEXT / "pkg/uspto/test-data/grant/v2-5-B1.xml")
    assert (old.id, old.ipc, old.priority_date) == ("US6334226B1", ["E03C1/04"], dt.date(1997, 10, 22))
    assert old.applicants[0].name_normalized == "TOTO" and len(old.citations) == 14
    (app,) = parse_file(shared_data / FULLTEXT / "pkg/uspto/test-data/application/v1-5-A1_2.xml")
    assert app.id == "US2001000002A1" and app.priority_date == dt.date(1997, 8, 2)
    assert app.ipc == ["D21C11/12"]
    (aia,) = parse_file(shared_data / HISTORIC / "xml2014" / "US08926509.xml")
    assert [a.name for a in aia.applicants] == ["Hmicro, Inc."]  # the inventor-applicants are inventors
    week = parse_file(shared_data / IPGB / "tests/data/uspto-2023-04/2022/ipgb20221025_wk43.zip")
    assert [p.id for p in week if not p.id.startswith("US11")] == [
        "USD967598S1", "USD967598S1", "USPP34694P2", "USRE49257E1", "USRE49258E1", "USRE49259E1"]
