"""EPO OPS parsers: recorded cases, every real OPS recording, malformed bodies, throttling, merging."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from crawlers.mirror import FIXTURES
from crawlers.parsers.epo_ops import (
    ParseError,
    SearchReference,
    attach_claims,
    merge_by_id,
    merge_patents,
    parse_access_token,
    parse_claims,
    parse_exchange_documents,
    parse_exchange_documents_partial,
    parse_search,
    parse_throttling,
)
from crawlers.parsers.epo_ops_family import events_for, legal_status, parse_family, parse_legal
from vrscope.records import LegalEvent, Patent

CASES = Path(__file__).parent / "fixtures" / "epo_ops"
MIRROR = FIXTURES / "epo_ops"
EXAMPLES = Path("samples/patents/epo-ops")
CASSETTES = Path("samples/patents/epo-ops-cassettes")
CPC = re.compile(r"^[A-HY]\d{2}[A-Z]\d{1,4}/\d{2,6}$")
IPC = re.compile(r"^[A-H]\d{2}[A-Z]\d{1,4}/\d{2,6}$")
NUMBER = re.compile(r"^[A-Z]{2}\d[\dA-Z]*$")


def run_case(case: Path) -> Any:
    """What the parser named in meta.json makes of input.xml, as JSON data (fetched_at left out)."""
    meta = json.loads((case / "meta.json").read_text("utf-8"))
    body = (case / "input.xml").read_bytes()
    if meta["parser"] == "search":
        return dataclasses.asdict(parse_search(body))
    if meta["parser"] == "claims":
        return parse_claims(body)
    if meta["parser"] == "family":
        return [p.model_dump(mode="json", exclude={"fetched_at"}) for p in parse_family(body)]
    patents = parse_exchange_documents(body, url=meta.get("url"))
    return [p.model_dump(mode="json", exclude={"fetched_at"}) for p in patents]


def _cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if (p / "meta.json").is_file())


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_parser_case(case: Path) -> None:
    expected = json.loads((case / "output.json").read_text("utf-8"))
    assert run_case(case) == expected


def test_two_kinds_case_reads_every_field() -> None:
    a1, b1 = parse_exchange_documents((CASES / "biblio_two_kinds" / "input.xml").read_bytes())
    assert (a1.id, b1.id) == ("EP3987654A1", "EP3987654B1")
    assert a1.priority_date == dt.date(2020, 9, 21) and a1.application_date == dt.date(2021, 9, 8)
    assert a1.grant_date is None and b1.grant_date == dt.date(2024, 3, 13)
    assert a1.cpc == ["G02B27/0172", "G06F3/013", "G02B2027/0138"]
    assert a1.ipc == ["G02B27/01", "G06F3/01"]
    assert a1.citations == ["US2018284451A1", "WO2019122808"]
    assert [(p.name, p.name_normalized, p.country) for p in a1.applicants] == [
        ("VARJO TECHNOLOGIES OY", "VARJO TECH", "FI")]
    assert [p.name for p in a1.inventors] == ["MÄKINEN, JUHA", "STRANDBORG, Mikko"]
    assert "<IMAGE>" not in a1.abstracts["en"]
    assert b1.priority_date is None  # a 00 day is not a date
    assert b1.applicants[0].name == "VARJO TECH OY" and b1.applicants[0].country == "FI"


# --- every real recording ----------------------------------------------------------------------
def _check_patent(patent: Patent) -> None:
    assert NUMBER.match(patent.id), patent.id
    assert patent.id.startswith(patent.jurisdiction) and patent.kind and patent.id.endswith(patent.kind)
    published = patent.publication_date or dt.date(2030, 1, 1)  # testdata/search.xml gives no dates
    assert dt.date(1950, 1, 1) <= published <= dt.date(2030, 1, 1)
    for when in (patent.application_date, patent.priority_date, patent.grant_date):
        assert when is None or dt.date(1900, 1, 1) <= when <= published
    texts = [*patent.titles.values(), *patent.abstracts.values()]
    assert all(text and text.strip() == text for text in texts)
    assert all(CPC.match(code) for code in patent.cpc), patent.cpc
    assert all(IPC.match(code) for code in patent.ipc), patent.ipc
    assert all(NUMBER.match(number) for number in patent.citations)
    for party in [*patent.applicants, *patent.inventors]:
        assert party.name and party.name == party.name.strip() and not party.name.endswith(",")
        assert party.country is None or re.match(r"^[A-Z]{2}$", party.country)


def _recordings(shared: Path) -> list[Path]:
    found = sorted((shared / EXAMPLES).glob("**/*.xml")) + sorted((shared / CASSETTES).glob("**/*.xml"))
    return [p for p in found if p.read_bytes().lstrip()[:1] == b"<"]  # some .xml files there hold JSON


@pytest.mark.shared_data
def test_every_recorded_response_parses(shared_data: Path) -> None:
    counts = {"documents": 0, "dated": 0, "searches": 0, "claims": 0, "families": 0, "events": 0}
    for path in _recordings(shared_data):
        body = path.read_bytes()
        if b"biblio-search" in body:
            page = parse_search(body)
            assert page.total >= len(page.references) and page.begin <= page.end, path
            assert all(r.country and r.number for r in page.references), path
            counts["searches"] += 1
        if b"<exchange-document " in body:
            result = parse_exchange_documents_partial(body)
            assert result.patents and not result.errors, (path, result.errors)
            for patent in result.patents:
                _check_patent(patent)
            counts["documents"] += len(result.patents)
            counts["dated"] += sum(1 for p in result.patents if p.publication_date)
        elif b"<claims" in body and b"fulltext-documents" in body:
            claims = parse_claims(body)
            assert claims and all(text for langs in claims.values() for text in langs.values()), path
            counts["claims"] += 1
        if b"patent-family" in body:
            members = parse_family(body)
            assert members and all(m.publication_date for m in members), path
            for member in members:
                _check_patent(member)
                assert all(e.code and e.code == e.code.strip() and e.date for e in member.legal_events), path
            counts["families"] += 1
            counts["events"] += sum(len(m.legal_events) for m in members)
    assert counts["dated"] >= 30 and counts["searches"] >= 4 and counts["claims"] >= 3, counts
    assert counts["families"] >= 9 and counts["events"] >= 4 * 69, counts


@pytest.mark.shared_data
def test_recorded_biblio_values(shared_data: Path) -> None:
    examples = shared_data / EXAMPLES / "demo" / "examples"
    (patent,) = parse_exchange_documents((examples / "get_biblio" / "response.xml").read_bytes())
    assert patent.id == "EP2400812A1" and patent.family_id == "43088294"
    assert patent.titles["en"] == "BLUETOOTH NETWORKING" and set(patent.titles) == {"de", "en", "fr"}
    assert patent.application_number == "EP10167109" and patent.priority_date == dt.date(2010, 6, 24)
    assert patent.ipc == ["H04W84/20"] and "H04W84/20" in patent.cpc
    assert patent.citations[0] == "WO02054790A2" and len(patent.citations) == 6
    assert [(p.name, p.country) for p in patent.applicants] == [("9SOLUTIONS OY", "FI")]
    assert [p.name_normalized for p in patent.inventors] == ["HERRALA SAMI", "KYLMAENEN JARI", "NIEMI JAAKKO"]
    full_cycle = shared_data / CASSETTES / "published" / "test" / "full_cycle_example.xml"
    cycle = parse_exchange_documents(full_cycle.read_bytes())
    granted = {p.id: p for p in cycle}["EP1000000B1"]
    assert granted.grant_date == dt.date(2003, 2, 12)
    assert granted.ipc == ["B28B1/29", "B28B5/02", "B28B7/00", "H02P6/08"]  # ipcr and old ipc, once each
    search = parse_search((examples / "search" / "response.xml").read_bytes())
    assert (search.total, search.begin, search.end, len(search.references)) == (10000, 1, 5, 5)
    assert search.references[0] == SearchReference("HR", "P20251003", "T1", "77199274")


@pytest.mark.shared_data
def test_recorded_claims_family_and_legal_values(shared_data: Path) -> None:
    examples = shared_data / EXAMPLES / "demo" / "examples"
    claims = parse_claims((examples / "get_claims" / "response.xml").read_bytes())
    assert list(claims) == ["EP2400812A1"] and list(claims["EP2400812A1"]) == ["en"]
    assert claims["EP2400812A1"]["en"].startswith("1. A communication device (100) comprising:\na first")
    family = parse_family((examples / "get_family" / "response.xml").read_bytes())
    assert [m.id for m in family] == ["EP2400812A1", "EP2400812B1", "CA2744162A1", "US2012057518A1",
                                      "US9648662B2"]
    assert {m.family_id for m in family} == {"43088294"}
    assert {m.priority_date for m in family} == {dt.date(2010, 6, 24)}
    assert family[4].application_number == "US201113167395" and family[4].grant_date == dt.date(2017, 5, 9)
    legal = parse_legal((examples / "get_legal" / "response.xml").read_bytes())
    events = legal["EP2400812A1"]
    assert list(legal) == ["EP2400812A1"] and len(events) == 69
    assert events[0] == LegalEvent(date=dt.date(2011, 12, 28), code="AK",
                                   description="DESIGNATED CONTRACTING STATES")
    assert events[2] == LegalEvent(date=dt.date(2012, 7, 18), code="17P",
                                   description="REQUEST FOR EXAMINATION FILED")
    assert legal_status(events) == max((e for e in events), key=lambda e: e.date or dt.date.min).description
    with_legal = (examples / "get_family_with_legal" / "response.xml").read_bytes()
    # INPADOC files the US application's events under its A1; the B2 of the same application gets them
    us_a1 = events_for("US2012057518A1", with_legal)
    assert [e.code for e in us_a1] == ["AS", "STCF", "MAFP", "MAFP", "FEPP"]
    assert events_for("US9648662B2", with_legal) == us_a1
    assert [e.code for e in events_for("CA2744162A1", with_legal)] == ["FZDE"]
    assert events_for("EP2400812A1", with_legal) == events
    with_biblio = parse_family((examples / "get_family_with_biblio" / "response.xml").read_bytes())
    assert all(m.titles and m.family_id == "43088294" for m in with_biblio)
    assert with_biblio[0].titles["en"] == "BLUETOOTH NETWORKING"


def test_family_members_and_legal_events_from_project_fixtures() -> None:
    body = (CASES / "family_with_legal_siblings" / "input.xml").read_bytes()
    assert events_for("US11725123B2", body) == events_for("US2022198765A1", body)
    assert events_for("WO2022132001A1", body) == [] and events_for("EP1A1", body) == []
    members = {p.id: p for p in parse_family((MIRROR / "family_CN116699999A.xml").read_bytes())}
    assert set(members) == {"CN116699999A", "CN116699999B", "US2024402212A1"}
    assert members["CN116699999B"].grant_date == dt.date(2024, 4, 12)
    assert members["US2024402212A1"].priority_date == dt.date(2023, 5, 29)
    (ep,) = parse_family((MIRROR / "legal_EP4254141A1.xml").read_bytes())
    assert [(e.code, e.date) for e in ep.legal_events] == [
        ("AK", dt.date(2023, 10, 4)), ("17P", dt.date(2024, 5, 8)), ("RBV", dt.date(2024, 6, 12))]


# --- malformed bodies --------------------------------------------------------------------------
@pytest.mark.parametrize("parser", [parse_search, parse_exchange_documents, parse_claims, parse_family])
@pytest.mark.parametrize("body", [
    b"", b"   ", b'{"not": "xml"}', b"<html><body>Service unavailable</body></html>",
    (MIRROR / "search_all.xml").read_bytes()[:5000],
    b'<?xml version="1.0"?><fault xmlns="http://ops.epo.org"><code>CLIENT.InvalidQuery</code>'
    b"<message>The request was invalid</message></fault>",
], ids=["empty", "blank", "json", "html", "truncated", "fault"])
def test_bad_bodies_raise_parse_error(parser: Any, body: bytes) -> None:
    with pytest.raises(ParseError):
        parser(body)


def test_parse_error_says_what_is_wrong() -> None:
    with pytest.raises(ParseError, match="truncated"):
        parse_exchange_documents((MIRROR / "abstract_CN116699999A.xml").read_bytes()[:-60])
    with pytest.raises(ParseError, match="CLIENT.InvalidQuery"):
        parse_search(b'<fault xmlns="http://ops.epo.org"><code>CLIENT.InvalidQuery</code></fault>')
    with pytest.raises(ParseError, match="not a search response"):
        parse_search((MIRROR / "abstract_CN116699999A.xml").read_bytes())
    with pytest.raises(ParseError, match="not a fulltext response"):
        parse_claims((MIRROR / "search_all.xml").read_bytes())
    with pytest.raises(ParseError, match="not a family or legal response"):
        parse_legal((MIRROR / "search_all.xml").read_bytes())
    family = (MIRROR / "family_CN116699999A.xml").read_bytes()
    with pytest.raises(ParseError, match="without a DOCDB publication number"):
        parse_family(family.replace(b"<country>US</country>", b"<country></country>"))
    with pytest.raises(ParseError, match="legal event without a code"):
        parse_family((MIRROR / "legal_EP4254141A1.xml").read_bytes().replace(b'code="17P "', b'code=" "'))
    with pytest.raises(ParseError, match="without members"):
        parse_family(b'<ops:world-patent-data xmlns:ops="http://ops.epo.org"><ops:patent-family/>'
                     b"</ops:world-patent-data>")
    assert issubclass(ParseError, ValueError)


def test_one_bad_document_does_not_sink_the_page() -> None:
    body = (MIRROR / "search_all.xml").read_bytes().replace(b'doc-number="2023314823"', b'doc-number="P-?"')
    result = parse_exchange_documents_partial(body)
    assert len(result.patents) == 5 and len(result.errors) == 1 and "P-?" in result.errors[0]
    with pytest.raises(ParseError):
        parse_exchange_documents(body)


# --- throttling and tokens ---------------------------------------------------------------------
def test_throttling_header() -> None:
    idle = parse_throttling("idle (images=green:200, inpadoc=green:60, other=green:1000, "
                            "retrieval=green:200, search=green:30)")
    assert idle is not None and idle.state == "idle" and len(idle.services) == 5
    assert idle.services["search"].limit == 30 and idle.colour("search") == "green"
    assert idle.delay("search") == 0
    busy = parse_throttling(b"busy (images=green:100, retrieval=yellow:100, search=red:15, inpadoc=black:0)")
    assert busy is not None and busy.state == "busy"
    assert busy.delay("retrieval") == pytest.approx(0.6) and busy.delay("search") == pytest.approx(8.0)
    assert busy.delay("inpadoc") == 60.0 and busy.colour("other") == "green" and busy.delay("other") == 0
    overloaded = parse_throttling("overloaded (search=green:10)")
    assert overloaded is not None and overloaded.delay("search") == pytest.approx(6.0)
    assert parse_throttling(None) is None and parse_throttling("  ") is None
    assert parse_throttling("idle") == parse_throttling("idle ()")
    for bad in ("idle (search=purple:3)", "idle (search green)", "(search=green:3)"):
        with pytest.raises(ParseError):
            parse_throttling(bad)


def test_access_token_is_read_and_never_shown() -> None:
    token = parse_access_token((MIRROR / "token.json").read_bytes())
    assert token.token == "mirror-access-token" and token.expires_in == 1199
    assert "mirror-access-token" not in repr(token)
    for bad in (b"<html/>", b"{}", b'{"access_token": ""}', b"[]"):
        with pytest.raises(ParseError):
            parse_access_token(bad)


# --- merging -----------------------------------------------------------------------------------
def test_biblio_and_abstract_merge_into_one_patent() -> None:
    hits = {p.id: p for p in parse_exchange_documents((MIRROR / "search_all.xml").read_bytes(), url="u")}
    biblio = hits["CN116699999A"]
    assert biblio.abstracts == {} and biblio.titles["zh"] == "一种近眼显示光学模组及头戴显示设备"
    (abstract,) = parse_exchange_documents((MIRROR / "abstract_CN116699999A.xml").read_bytes())
    merged = merge_patents(biblio, abstract)
    assert set(merged.abstracts) == {"en", "zh"} and merged.abstracts["zh"].count("\n") == 1
    assert merged.titles == biblio.titles and merged.cpc == biblio.cpc and merged.url == "u"
    assert merged.applicants[0].name == "歌尔光学科技有限公司"
    assert merged.applicants[0].name_normalized == "GOERTEK OPTICAL TECHNOLOGY"  # applicant alias
    assert merge_by_id([biblio, hits["EP4254141A1"], abstract]) == [merged, hits["EP4254141A1"]]
    with pytest.raises(ValueError):
        merge_patents(biblio, hits["EP4254141A1"])


def test_claims_attach_by_publication_number() -> None:
    claims = parse_claims((CASES / "claims_en" / "input.xml").read_bytes())
    hits = {p.id: p for p in parse_exchange_documents((MIRROR / "search_all.xml").read_bytes())}
    with_claims = attach_claims(hits["EP4254141A1"], claims)
    assert set(with_claims.claims) == {"en", "de"} and with_claims.claims["en"].startswith("1. An eye")
    assert "processing circuitry is further configured" in with_claims.claims["en"]
    assert attach_claims(hits["CN116699999A"], claims) is hits["CN116699999A"]
