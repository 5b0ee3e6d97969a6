"""USPTO ODP: the parser on our fixtures and every real recording, the sweep state and the search body."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from scrapy.exceptions import CloseSpider

from crawlers.mirror import FIXTURES
from crawlers.parsers.uspto_odp import ParseError, cpc_symbol, parse_search
from crawlers.parsers.uspto_odp_state import (
    OdpProgress,
    advance,
    describe,
    dump_progress,
    load_progress,
    search_body,
    start_sweep,
    state_key,
)
from crawlers.parsers.uspto_odp_text import DocumentFiles, merge_text, parse_document_files
from crawlers.parsers.uspto_xml import parse_document
from crawlers.spiders.base import MissingCredentials
from crawlers.spiders.uspto_odp import UsptoOdpSpider
from vrscope.records import Patent
from vrscope.settings import Settings, get_settings

HERE = FIXTURES / "uspto_odp"
QUERY = str(Settings.model_fields["uspto_odp_query"].default)
PUB, GRANT = "applicationMetaData.earliestPublicationDate", "applicationMetaData.grantDate"


# --- parser --------------------------------------------------------------------------------------
def test_fixture_page_maps_every_field() -> None:
    page = parse_search((HERE / "page_1.json").read_bytes())
    assert (page.total, page.hits, page.errors, page.unpublished) == (5, 2, [], [])
    grant, pub = page.patents
    assert (grant.id, grant.kind, grant.source) == ("US11990001B2", "B2", "uspto_odp")
    assert grant.jurisdiction == "US"
    assert grant.titles["en"].startswith("Pancake lens assembly")
    assert grant.application_number == "17990001"
    assert grant.url == "https://patentcenter.uspto.gov/applications/17990001"
    assert grant.application_date == dt.date(2022, 3, 14) and grant.priority_date == dt.date(2021, 3, 12)
    assert grant.publication_date == grant.grant_date == dt.date(2024, 5, 21)
    assert grant.cpc == ["G02B27/0172", "G02B2027/0178", "G02B5/3083"]
    assert grant.legal_status == "Patented Case"
    assert grant.applicants[0].name_normalized == "META PLATFORMS TECHNOLOGIES"
    assert grant.applicants[0].address == "Menlo Park, CA" and grant.applicants[0].country == "US"
    assert [p.name for p in grant.inventors] == ["Avery Lindqvist", "Mina Okafor"]
    assert [(e.code, e.date) for e in grant.legal_events] == [("WPIR", dt.date(2024, 5, 21)),
                                                              ("CTNF", dt.date(2023, 10, 2))]
    assert (pub.id, pub.kind, pub.publication_date, pub.grant_date) == ("US2024040002A1", "A1",
                                                                        dt.date(2024, 2, 1), None)
    assert pub.priority_date == dt.date(2022, 6, 2)  # the Chinese priority application


def test_assignees_unpublished_and_designs() -> None:
    second = parse_search((HERE / "page_2.json").read_bytes())
    assert [p.id for p in second.patents] == ["US2024120003A1"] and second.unpublished == ["18340004"]
    assert [a.name for a in second.patents[0].applicants] == ["Sony Interactive Entertainment Inc."]
    design = parse_search((HERE / "page_3.json").read_bytes()).patents[0]
    assert (design.id, design.kind, design.cpc) == ("USD1020005S", "S", [])


@pytest.mark.parametrize("body", [b"", b"{not json", b"[1, 2]", b'{"count": 1}',
                                  b'{"patentFileWrapperDataBag": 3}',
                                  '{"count": 1, "patentBag": [{"inventionTitle": "Lentille \u00e0"}]}'.encode(
                                      "latin-1"),
                                  b'{"count": 5, "patentFileWrapperDataBag": [{"applicationNumberText": "1'])
def test_malformed_answers_raise_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError):
        parse_search(body)


def test_a_bad_wrapper_is_an_error_entry_not_a_failure() -> None:
    data = json.loads((HERE / "page_1.json").read_text("utf-8"))
    data["patentFileWrapperDataBag"][1]["applicationMetaData"]["filingDate"] = "31/02/2023"
    page = parse_search(json.dumps(data))
    assert [p.id for p in page.patents] == ["US11990001B2"] and "unreadable date" in page.errors[0]


def test_cpc_symbols() -> None:
    assert cpc_symbol("Y02E  60/10") == "Y02E60/10" and cpc_symbol("H01M2004/027") == "H01M2004/027"
    assert cpc_symbol("not a code") is None


def _recordings(root: Path) -> list[tuple[str, str | bytes]]:
    base = root / "samples" / "patents" / "uspto-odp"
    out: list[tuple[str, str | bytes]] = [(p.parent.name, p.read_bytes())
                                          for p in sorted(base.glob("demo/examples/*/response.json"))]
    for cassette in sorted(base.glob("cassettes/**/*.yaml")):
        for n, exchange in enumerate(yaml.safe_load(cassette.read_text("utf-8"))["interactions"]):
            out.append((f"{cassette.stem}#{n}", exchange["response"]["content"]))
    return out


@pytest.mark.shared_data
def test_every_recording_parses_or_is_refused_cleanly(shared_data: Path) -> None:
    recordings = _recordings(shared_data)
    assert len(recordings) >= 46
    parsed: dict[str, list[Patent]] = {}
    for name, body in recordings:
        try:
            page = parse_search(body)
        except ParseError:
            continue  # trials, appeals, petitions, bulk products …: not patent applications
        assert not page.errors, (name, page.errors)
        assert page.hits == len(page.patents) + len(page.unpublished)
        parsed[name] = page.patents
    assert {"get_patent", "search_patents", "search_patents_download", "test_post_search#0"} <= set(parsed)
    grant = parsed["get_patent"][0]
    assert (grant.id, grant.application_number, grant.grant_date) == ("US11646472B2", "17248024",
                                                                      dt.date(2023, 5, 9))
    assert "Y02E60/10" in grant.cpc and "H01M2004/027" in grant.cpc and len(grant.cpc) == 20
    assert grant.priority_date == dt.date(2004, 2, 6) and len(grant.legal_events) == 61
    assert grant.applicants[0].name == "PolyPlus Battery Company" and len(grant.inventors) >= 2
    pub = parsed["search_patents"][0]
    assert (pub.id, pub.publication_date, pub.cpc) == ("US2024362478A1", dt.date(2024, 10, 31), ["G06N3/08"])
    assert pub.priority_date == dt.date(2023, 4, 25) and pub.titles["en"].startswith("CERTIFIABLE")
    assert [p.id for p in parsed["test_post_search#0"]] == ["US2024156173A1"]  # 24 more not published yet


FILES = "https://api.uspto.gov/api/v1/datasets/products/files/"


@pytest.mark.shared_data
def test_recorded_full_text_files(shared_data: Path) -> None:
    examples = shared_data / "samples" / "patents" / "uspto-odp" / "demo" / "examples"
    grant_file = FILES + "PTGRXML-SPLT/2023/ipg230509/17248024_11646472.xml"
    pgpub_file = FILES + "APPXML-SPLT/2021/ipa210708/17248024_20210210819.xml"
    for name in ("get_patent", "get_patent_associated_documents"):
        files = parse_document_files((examples / name / "response.json").read_bytes())
        assert files == {"17248024": DocumentFiles("17248024", grant_file, pgpub_file)}, name
    grant = parse_search((examples / "get_patent" / "response.json").read_bytes()).patents[0]
    assert files["17248024"].for_record(grant) == grant_file
    search = (examples / "search_patents" / "response.json").read_bytes()
    (files,) = parse_document_files(search).values()
    pub = parse_search(search).patents[0]
    assert files.grant is None and files.for_record(pub) == FILES + (
        "APPXML-SPLT/2024/ipa241031/18597857_20240362478.xml")
    with pytest.raises(ParseError, match="no application number"):  # no wrapper-level number there
        parse_document_files((examples / "search_patents_download" / "response.json").read_bytes())


def test_full_text_files_are_read_and_checked() -> None:
    files = parse_document_files((HERE / "page_1.json").read_bytes())
    grant, pub = parse_search((HERE / "page_1.json").read_bytes()).patents
    assert files["17990001"].for_record(grant) == FILES + "PTGRXML-SPLT/2024/ipg240521/17990001_11990001.xml"
    assert files["18120002"].for_record(pub) == FILES + "APPXML-SPLT/2024/ipa240201/18120002_20240040002.xml"
    text = parse_document((HERE / "text_17990001_11990001.xml").read_bytes())
    merged = merge_text(grant, text)
    assert merged.titles == grant.titles and merged.cpc == grant.cpc  # the search record wins
    assert merged.abstracts["en"].startswith("A pancake lens assembly")
    assert merged.claims["en"].startswith("1. A pancake lens assembly")
    with pytest.raises(ParseError, match="not US2024040002A1"):
        merge_text(pub, text)
    data = json.loads((HERE / "page_1.json").read_text("utf-8"))
    data["patentFileWrapperDataBag"][0]["grantDocumentMetaData"]["fileLocationURI"] = "http://evil.test/x.xml"
    with pytest.raises(ParseError, match="outside api.uspto.gov"):
        parse_document_files(json.dumps(data))
    for bad in (b"", b"[]", b'{"patentFileWrapperDataBag": [3]}', b'{"count": 0}',
                b'{"applicationNumberText": "1", "grantDocumentMetaData": "x"}'):
        with pytest.raises(ParseError):
            parse_document_files(bad)


# --- progress and search body (pure) -------------------------------------------------------------
D = dt.date


def test_progress_round_trips_and_old_values_start_afresh() -> None:
    sweeping = OdpProgress(D(2026, 11, 1), D(2026, 10, 25), D(2026, 11, 25), 50, gap=True)
    assert load_progress(dump_progress(sweeping)) == sweeping
    for old in (None, "", "0", "40", "[1]", '{"until": "not a date"}'):
        assert load_progress(old) == OdpProgress()
    assert state_key(QUERY, GRANT) == f"{GRANT} {QUERY}"


def test_sweeps_start_an_overlap_before_the_last_date_and_end_today() -> None:
    today = D(2026, 11, 25)
    assert start_sweep(OdpProgress(), today, 7) == OdpProgress(None, None, today, 0)  # no lower bound
    again = start_sweep(OdpProgress(until=D(2026, 11, 18)), today, 7)
    assert (again.start, again.end, again.offset) == (D(2026, 11, 11), today, 0)
    assert start_sweep(OdpProgress(until=D(2026, 11, 18)), today, 0).start == D(2026, 11, 18)
    unfinished = OdpProgress(D(2026, 11, 1), D(2026, 10, 25), D(2026, 11, 20), 50)
    assert start_sweep(unfinished, today, 7) is unfinished  # resumed as it was, window and offset


def test_advance_through_a_sweep_and_a_gap_keeps_the_last_date() -> None:
    sweep = OdpProgress(D(2026, 11, 1), D(2026, 10, 25), D(2026, 11, 25), 0)
    assert advance(sweep, 25, 60) == OdpProgress(D(2026, 11, 1), D(2026, 10, 25), D(2026, 11, 25), 25)
    assert advance(sweep, 60, 60) == OdpProgress(until=D(2026, 11, 25))
    assert advance(sweep, 0, 0) == OdpProgress(until=D(2026, 11, 25))  # nothing matched (ODP: 404)
    skipped = advance(sweep, 25, 60, skipped=True)
    assert skipped.gap and skipped.offset == 25
    assert advance(skipped, 60, 60) == OdpProgress(until=D(2026, 11, 1))  # the window is swept again
    assert advance(OdpProgress(None, None, D(2026, 11, 25), 0), 3, 3, skipped=True) == OdpProgress()


def test_search_body_is_the_odp_post_format() -> None:
    sweep = OdpProgress(D(2026, 11, 1), D(2026, 10, 25), D(2026, 11, 25), 50)
    body = search_body("applicationMetaData.inventionTitle:lens", GRANT, sweep, 25)
    assert body == {
        "q": "applicationMetaData.inventionTitle:lens",
        "rangeFilters": [{"field": GRANT, "valueFrom": "2026-10-25", "valueTo": "2026-11-25"}],
        "sort": [{"field": GRANT, "order": "Asc"}],
        "pagination": {"offset": 50, "limit": 25},
    }
    first = search_body("q", PUB, OdpProgress(end=D(2026, 11, 25)), 2)
    assert first["rangeFilters"] == [{"field": PUB, "valueTo": "2026-11-25"}]
    assert describe(body) == f"{GRANT} 2026-10-25..2026-11-25 offset 50 limit 25"


# --- spider unit ---------------------------------------------------------------------------------
def test_key_is_required_off_loopback(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VRSCOPE_USPTO_ODP_BASE_URL", "https://api.uspto.gov/api/v1/patent")
    monkeypatch.delenv("VRSCOPE_USPTO_ODP_API_KEY", raising=False)
    get_settings.cache_clear()
    with pytest.raises(MissingCredentials, match="VRSCOPE_USPTO_ODP_API_KEY"):
        UsptoOdpSpider().api_key()
    with pytest.raises(CloseSpider):
        asyncio.run(UsptoOdpSpider().start().__anext__())
    monkeypatch.setenv("VRSCOPE_USPTO_ODP_BASE_URL", "http://127.0.0.1:9/uspto_odp/api/v1/patent")
    get_settings.cache_clear()
    assert UsptoOdpSpider().api_key() == "mirror"
