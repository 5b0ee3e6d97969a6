"""Across sources: one status vocabulary with the source's own words kept, links resolved to identifiers,
and the same standard from a site and from its catalogue merged into one record."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from crawlers.mirror import Mirror
from tests.crawlers.mirror_crawl import mirror_env, run_crawl, stored
from vrscope.ids import normalize_standard_id
from vrscope.importer import record_from_line
from vrscope.records import Standard
from vrscope.store import Store

STANDARDS = ("openstd", "hbba", "relaton", "ttbz", "std_samr", "iso", "iec", "ieee", "itu", "threegpp",
             "etsi")


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Standard]]:
    """Every standards source crawled from the mirror into one store."""
    data = tmp_path_factory.mktemp("all") / "data"
    with Mirror() as mirror:
        for source in STANDARDS:
            run_crawl(mirror_env(mirror, data), source)
    return data, stored(data)


@pytest.mark.slow
def test_every_source_gives_a_status_and_keeps_its_own_words(everything: tuple[Path, dict[str, Standard]]
                                                             ) -> None:
    _, got = everything
    assert {s for d in got.values() for s in d.sources} >= set(STANDARDS) | {"dbba"}
    for doc in got.values():
        assert doc.status is not None, doc.id
        own = doc.status_raw or doc.stage_code or doc.stage_name
        # Only where the source states nothing: a valid IEC webstore page (a word shows only once a
        # publication is withdrawn or replaced), a Relaton 3GPP or ETSI file (version and date alone).
        if own is None:
            assert set(doc.sources) <= {"iec", "relaton"} and doc.body in ("IEC", "3GPP", "ETSI"), doc.id


@pytest.mark.slow
def test_replaces_and_replaced_by_are_identifiers_that_resolve(everything: tuple[Path, dict[str, Standard]]
                                                               ) -> None:
    _, got = everything
    resolved = 0
    for doc in got.values():
        for target in doc.replaces + doc.replaced_by:
            assert normalize_standard_id(target) == target, (doc.id, target)
        for target in doc.replaced_by:
            if target in got:
                assert doc.id in got[target].replaces, (doc.id, target)
                resolved += 1
        for target in doc.replaces:
            if target in got:
                assert doc.id in got[target].replaced_by, (doc.id, target)
    # ISO (site and Relaton), IEEE (draft → standard), ETSI (historical → current version)
    assert resolved >= 4
    assert got["ETSI GR ARF 002 V1.1.1 (2019-07)"].replaced_by == ["ETSI GR ARF 002 V1.2.1 (2022-03)"]
    assert got["ISO/IEC 23090-5:2021"].replaced_by == ["ISO/IEC 23090-5:2023"]


@pytest.mark.slow
def test_a_site_and_its_relaton_catalogue_merge(everything: tuple[Path, dict[str, Standard]]) -> None:
    data, got = everything
    ieee = got["IEEE Std 3079-2020"]
    assert set(ieee.sources) == {"ieee", "relaton"}
    assert ieee.replaces == ["IEEE P3079/D-02-2020-08"]  # the link only the Relaton file gives, kept
    with Store(data / "vrscope.sqlite3") as store:
        assert len(store.provenance("IEEE Std 3079-2020")) == 2


# --- each site's identifiers are the catalogue's, so a crawl and an import merge ------------------------
CATALOGUES = Path("catalogs/standards")
# source → (catalogue folder, identifiers the site's mirror crawl gives that the real catalogue also has)
SAME = {
    "iso": ("iso", ["ISO/IEC 23090-5:2021", "ISO/IEC 23090-5:2023", "ISO/IEC DIS 23090-5",
                    "ISO/IEC 18040:2019"]),
    "iec": ("iec", ["IEC 63145-20-10:2019", "IEC 63145-20-20:2019"]),
    "ieee": ("ieee", ["IEEE Std 3079-2020"]),
    "itu": ("itu", ["ITU-T G.1035 (11/2021)", "ITU-T J.301 (10/2014)", "ITU-T P.1320 (07/2022)"]),
    "threegpp": ("3gpp", ["3GPP TS 26.118:REL-15/15.1.0", "3GPP TS 26.118:REL-16/16.0.0",
                          "3GPP TR 26.918:REL-15/15.2.0", "3GPP TR 26.928:REL-16/16.1.0"]),
    "etsi": ("etsi", ["ETSI GS ARF 003 V1.1.1 (2020-03)", "ETSI GR ARF 002 V1.1.1 (2019-07)"]),
    "relaton": ("iso", ["ISO/IEC 23090-2:2021", "ISO/IEC 23090-2:2023", "ISO/IEC 18039:2019"]),
}


def _catalogue_lines(folder: Path, wanted: set[str]) -> dict[str, bytes]:
    """The catalogue lines whose identifier normalizes to one of ``wanted``."""
    [path] = folder.glob("*_catalog_index_all.jsonl.gz")
    found: dict[str, bytes] = {}
    with gzip.open(path) as lines:
        for line in lines:
            identifier = normalize_standard_id(json.loads(line)["id"])
            if identifier in wanted:
                found.setdefault(identifier, line)
    return found


@pytest.mark.slow
@pytest.mark.shared_data
@pytest.mark.parametrize("source", sorted(SAME))
def test_site_identifiers_match_the_catalogue_and_merge(everything: tuple[Path, dict[str, Standard]],
                                                        shared_data: Path, source: str, tmp_path: Path
                                                        ) -> None:
    folder, ids = SAME[source]
    _, got = everything
    crawled = {i: got[i] for i in ids}
    assert all(source in doc.sources for doc in crawled.values())
    lines = _catalogue_lines(shared_data / CATALOGUES / folder, set(ids))
    assert sorted(lines) == sorted(ids)  # the catalogue writes each one the same way
    with Store(tmp_path / "merge.sqlite3") as store:
        for doc in crawled.values():
            store.upsert(doc)
        for line in lines.values():
            store.upsert(record_from_line(line, body=folder))
        assert store.count("standard") == len(ids)  # each standard once, from both
        for identifier in ids:
            merged = store.get(identifier)
            assert isinstance(merged, Standard) and len(merged.sources) >= 2, merged
