"""Relaton YAML → Standard: parser cases, every real file, the spider's callbacks and full crawls."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import TextResponse

from crawlers.items import CrawledRecord, CrawlState, DeadLetter
from crawlers.mirror import FIXTURES, Mirror
from crawlers.parsers.catalog import parse_line
from crawlers.parsers.errors import ParseError
from crawlers.parsers.relaton import parse_index, parse_relaton
from crawlers.spiders.relaton import (
    RelatonSpider,
    index_url,
    local_directory,
    repository_label,
    repository_root,
)
from vrscope.records import Standard, StandardStatus
from vrscope.settings import Settings
from vrscope.store import Store

ROOT = Path(__file__).resolve().parents[2]
CASES = FIXTURES / "relaton"
S = StandardStatus

SC29 = "ISO/IEC JTC 1/SC 29"
IEEE_CS = "Standards Activities Board of the IEEE Computer Society"
# file → (identifier, body, status, stage_code, committee, published, replaces, replaced_by)
EXPECTED: dict[str, tuple[Any, ...]] = {
    "iso-iec-23090-2-2023.yaml": ("ISO/IEC 23090-2:2023", "ISO/IEC", S.PUBLISHED, "60.60", SC29,
                                  dt.date(2023, 6, 1), ["ISO/IEC 23090-2:2021"], []),
    "iso-iec-23090-2-2021.yaml": ("ISO/IEC 23090-2:2021", "ISO/IEC", S.REPLACED, "95.99", SC29,
                                  dt.date(2021, 7, 1), ["ISO/IEC 23090-2:2019"], ["ISO/IEC 23090-2:2023"]),
    "iso-iec-18039-2019.yaml": ("ISO/IEC 18039:2019", "ISO/IEC", S.PUBLISHED, "90.93", "ISO/IEC JTC 1/SC 24",
                                dt.date(2019, 2, 27), [], []),
    "ieee-std-3079-2020.yaml": ("IEEE Std 3079-2020", "IEEE", S.PUBLISHED, None, IEEE_CS,
                                dt.date(2020, 9, 24),
                                ["IEEE P3079/D-02-2020-08"], []),
    "ieee-p3079-d-02-2020-08.yaml": ("IEEE P3079/D-02-2020-08", "IEEE", S.REPLACED, None, IEEE_CS,
                                     dt.date(2020, 9, 24), [], ["IEEE Std 3079-2020"]),
    "itu-t-f-740-2-06-2021.yaml": ("ITU-T F.740.2 (06/2021)", "ITU", S.PUBLISHED, None,
                                   "ITU-T Study Group 21", dt.date(2021, 6, 13), [], []),
    "tr-26.918-rel-18-18.0.0.yaml": ("3GPP TR 26.918:REL-18/18.0.0", "3GPP", S.PUBLISHED, None, "3GPP S4",
                                     dt.date(2024, 5, 15), [], []),
    "etsi-gr-arf-001-v1.1.1-2019-04.yaml": ("ETSI GR ARF 001 V1.1.1 (2019-04)", "ETSI", S.PUBLISHED, None,
                                            "Augmented Reality Framework", dt.date(2019, 4, 1), [], []),
}


def _parse(name: str) -> Standard:
    return parse_relaton((CASES / "data" / name).read_bytes(), origin=f"relaton-data-vr/data/{name}")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_parser_case(name: str) -> None:
    standard = _parse(name)
    got = (standard.id, standard.body, standard.status, standard.stage_code, standard.committee,
           standard.published_date, standard.replaces, standard.replaced_by)
    assert got == EXPECTED[name]
    assert standard.title_en and standard.url and standard.source == "relaton"
    [edition] = standard.editions
    assert edition.origin == f"relaton-data-vr/data/{name}" and edition.status == standard.status


def test_fields_of_the_omaf_standard() -> None:
    omaf = _parse("iso-iec-23090-2-2023.yaml")
    assert omaf.title_en == "Information technology - Coded representation of immersive media - Part 2: " \
                            "Omnidirectional media format"
    assert omaf.abstract and omaf.abstract.startswith("Specifies a media format")
    assert omaf.ics == ["35.040.40"] and omaf.doctype == "international-standard"
    assert omaf.stage_name == "International Standard published" and omaf.status_raw == "60.60"
    assert omaf.editions[0].edition == "3" and omaf.editions[0].date == "2023-06"
    # An amendment to this edition (relaton-iso's 'updates' + 'circulated') replaces nothing.
    assert not any("Amd" in ident for ident in omaf.replaced_by)


def test_the_older_one_item_writing() -> None:
    mar = _parse("iso-iec-18039-2019.yaml")
    assert mar.title_en == ("Information technology - Computer graphics, image processing and environmental"
                            " data representation - Mixed and augmented reality (MAR) reference model")
    assert mar.ics == ["35.140"] and mar.editions[0].edition == "1"
    assert mar.url == "https://www.iso.org/standard/30824.html"


def test_ieee_trademark_identifier_and_entities() -> None:
    ieee = _parse("ieee-std-3079-2020.yaml")
    assert ieee.id == "IEEE Std 3079-2020" and "™" not in ieee.editions[0].identifier
    assert ieee.abstract and "user's" in ieee.abstract
    assert ieee.status_raw == "approved/Active/Approved"


def test_html_abstract_and_plain_dates() -> None:
    text = """
docid: {id: IEC 63145-20-10:2019, type: IEC, primary: true}
date: [{type: published, value: 2019-08-13}, {type: obsoleted, value: '2024-01-02'}]
abstract:
- content: "Measurement methods:<br />\\r\\n- field of view;<br />\\r\\n- eye box.&nbsp;"
  format: text/html
  language: [en]
docstatus: {stage: {value: WITHDRAWN}}
"""
    standard = parse_relaton(text)
    assert standard.abstract == "Measurement methods:\n- field of view;\n- eye box."
    assert standard.published_date == dt.date(2019, 8, 13) and standard.withdrawn_date == dt.date(2024, 1, 2)
    assert standard.status is S.WITHDRAWN and standard.body == "IEC"


@pytest.mark.parametrize("text", ["key: [unclosed", "- just\n- a list\n", "title: no identifier\n", ""])
def test_unreadable_documents_are_parse_errors(text: str) -> None:
    with pytest.raises(ParseError):
        parse_relaton(text)


def test_index_formats() -> None:
    assert parse_index((CASES / "index-v1.yaml").read_bytes())[0] == "data/iso-iec-23090-2-2023.yaml"
    assert parse_index("- {id: X 1, file: data/x.yaml}\n- data/y.yaml\n- data/x.yaml\n") == ["data/x.yaml",
                                                                                           "data/y.yaml"]
    with pytest.raises(ParseError):
        parse_index("just text")


# --- every real Relaton file -------------------------------------------------------------------
@pytest.mark.shared_data
def test_every_real_relaton_file_parses_and_agrees_with_its_catalogue(shared_data: Path) -> None:
    catalogs = shared_data / "catalogs" / "standards"
    files = sorted(catalogs.glob("*/data/*.y*ml"))
    assert len(files) > 800
    wanted = {(path.parent.parent.name, f"data/{path.name}") for path in files}
    by_file: dict[tuple[str, str], Standard] = {}
    for index in sorted(catalogs.glob("*/*_catalog_index_all.jsonl.gz")):
        with gzip.open(index, "rb") as lines:
            for line in lines:
                data = json.loads(line)
                if (index.parent.name, data["file"]) in wanted:
                    by_file[(index.parent.name, data["file"])] = parse_line(data)
    for path in files:
        standard = parse_relaton(path.read_bytes(), origin=path.name)
        twin = by_file[(path.parent.parent.name, f"data/{path.name}")]
        assert standard.id == twin.id, path
        assert (standard.stage_code, standard.committee, standard.published_date) == (
            twin.stage_code, twin.committee, twin.published_date), path
        # Relations tell a withdrawn ISO edition was replaced; the flat catalogue cannot.
        expected = {twin.status} | ({S.REPLACED} if standard.replaced_by else set())
        assert standard.status in expected, path


# --- spider callbacks, no network --------------------------------------------------------------------
def _response(url: str, body: bytes, status: int = 200) -> TextResponse:
    return TextResponse(url, status=status, body=body, request=Request(url), encoding="utf-8")


def test_base_url_helpers(tmp_path: Path) -> None:
    github = "https://raw.githubusercontent.com/relaton/relaton-data-iso/main"
    assert index_url(github) == github + "/index-v1.yaml"
    assert index_url(github + "/index.yaml") == github + "/index.yaml"
    assert repository_root(github + "/index.yaml") == github + "/"
    assert repository_label(github) == "relaton-data-iso"
    assert repository_label(tmp_path.as_uri()) == "/".join(tmp_path.parts[-2:])
    assert local_directory(tmp_path.as_uri()) == tmp_path and local_directory(github) is None
    (tmp_path / "index-v1.yaml").write_text("[]")
    assert local_directory(tmp_path.as_uri()) is None  # a local repository with an index is read like any


def test_index_page_requests_files_and_records_state(settings: Settings) -> None:
    base = "https://raw.githubusercontent.com/relaton/relaton-data-vr/main"
    spider = RelatonSpider(base_urls=base, max_files="3")
    [start] = list(spider.start_requests())
    assert start.url == base + "/index-v1.yaml"
    index = _response(start.url, (CASES / "index-v1.yaml").read_bytes())
    out = list(spider.parse_index_page(index, base=base))
    files = [o for o in out if isinstance(o, Request)]
    assert [f.url for f in files][0] == base + "/data/iso-iec-23090-2-2023.yaml" and len(files) == 3
    assert files[0].cb_kwargs == {"origin": "relaton-data-vr/data/iso-iec-23090-2-2023.yaml"}
    [state] = [o for o in out if isinstance(o, CrawlState)]
    assert state.key == "index:relaton-data-vr" and json.loads(state.value) == {"files": 8, "requested": 3}


def test_file_failures_become_dead_letters(settings: Settings) -> None:
    spider = RelatonSpider()
    url = "https://raw.githubusercontent.com/relaton/relaton-data-vr/main/data/x.yaml"
    failed = list(spider.parse_file(_response(url, b"busy", status=503), origin="x"))
    garbage = list(spider.parse_file(_response(url, b"title: [unclosed"), origin="x"))
    assert isinstance(failed[0], DeadLetter) and failed[0].status == 503
    assert isinstance(garbage[0], DeadLetter) and garbage[0].error.startswith("ParseError")
    good = list(spider.parse_file(_response(url, (CASES / "data" / "ieee-std-3079-2020.yaml").read_bytes()),
                                  origin="relaton-data-vr/data/ieee-std-3079-2020.yaml"))
    assert isinstance(good[0], CrawledRecord) and good[0].record.id == "IEEE Std 3079-2020"


# --- full crawls: the loopback mirror, a local directory ----------------------------------------------
def _crawl(env_extra: dict[str, str], data_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VRSCOPE_")}
    env.update(env_extra, VRSCOPE_DATA_DIR=str(data_dir), VRSCOPE_CRAWL_DELAY="0")
    done = subprocess.run([sys.executable, "-m", "crawlers.run", "relaton"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.slow
def test_crawl_the_mirror_twice(tmp_path: Path) -> None:
    with Mirror() as mirror:
        _crawl(mirror.settings_overrides(), tmp_path)
        _crawl(mirror.settings_overrides(), tmp_path)
        assert sum("/relaton/relaton-data-vr/main/data/" in r for r in mirror.requests) == 2 * len(EXPECTED)
    with Store(tmp_path / "vrscope.sqlite3") as store:
        standards = {d.id: d for d in store.iter_documents("standard") if isinstance(d, Standard)}
        assert {s.id: s.status for s in standards.values()} == {e[0]: e[2] for e in EXPECTED.values()}
        assert store.dead_letters() == []
        assert json.loads(store.get_state("relaton", "index:relaton-data-vr") or "{}")["files"] == 8
        # Records keep the publisher's address and the repository-relative origin, whatever served them.
        omaf = standards["ISO/IEC 23090-2:2023"]
        assert omaf.url == "https://www.iso.org/standard/84636.html"
        assert omaf.editions[0].origin == "relaton-data-vr/data/iso-iec-23090-2-2023.yaml"
        changed = "SELECT count(*) FROM documents WHERE updated_at != first_seen"
        assert store.conn.execute(changed).fetchone()[0] == 0


@pytest.mark.slow
def test_crawl_a_local_directory_without_index(tmp_path: Path) -> None:
    folder = tmp_path / "iso" / "data"
    shutil.copytree(CASES / "data", folder)
    (folder / "broken.yaml").write_text("docid: [unclosed", "utf-8")
    _crawl({"VRSCOPE_RELATON_BASE_URLS": folder.as_uri()}, tmp_path / "store")
    with Store(tmp_path / "store" / "vrscope.sqlite3") as store:
        assert store.count("standard") == len(EXPECTED)
        [letter] = store.dead_letters("relaton")
        assert str(letter["url"]).endswith("/iso/data/broken.yaml")
        mar = store.get("ISO/IEC 18039:2019")
        assert isinstance(mar, Standard) and mar.editions[0].origin == "iso/data/iso-iec-18039-2019.yaml"


@pytest.mark.parametrize("text", [
    "docid: {id: ISO 1}\ntitle: 5\ncontributor: [x]\next: 3",
    "docid: {id: ISO 1}\nrelation: [{type: obsoletes, bibitem: 7}, {type: updates}]",
    "docid: {id: ISO 1}\ndate: 5\nedition: [1]\ndocstatus: [x]",
    "docid: [{id: [ISO 1]}]\nabstract: {content: {nested: true}}",
])
def test_odd_shapes_give_a_standard_or_a_parse_error(text: str) -> None:
    try:
        standard = parse_relaton(text)
    except ParseError:
        return
    assert standard.id == "ISO 1"
