"""Emerging sub-topics and terms: G², windows, term extraction, and the views on a fake engine and a store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from scipy.stats import chi2_contingency

from search.analytics import Filters
from search.backend import IndexDoc
from search.emerging import (
    G2_CRITICAL,
    TermDoc,
    emerging,
    emerging_subtopics,
    g2,
    signed_g2,
    significant_terms,
    terms_of,
    windows,
)
from tests.api.fakes import FakeBackend
from vrscope.records import Labels, Party, Patent, Standard
from vrscope.store import Store


@pytest.mark.parametrize("table", [(10, 90, 5, 95), (3, 1, 2, 30), (40, 60, 40, 60), (1, 0, 0, 1)])
def test_g2_matches_scipy_log_likelihood(table: tuple[int, int, int, int]) -> None:
    """Our G² is scipy's log-likelihood chi-square of the same 2×2 table, without continuity correction."""
    a, b, c, d = table
    expected = chi2_contingency([[a, b], [c, d]], correction=False, lambda_="log-likelihood")[0]
    assert g2(a, b, c, d) == pytest.approx(expected)


def test_g2_of_an_empty_margin_is_zero() -> None:
    """No documents in one window, or the value everywhere: nothing to test."""
    assert g2(0, 0, 3, 7) == 0.0
    assert g2(3, 0, 7, 0) == 0.0
    assert g2(0, 0, 0, 0) == 0.0


def test_signed_g2_is_negative_for_a_shrinking_share() -> None:
    """The sign says which way the share moved; the size is G²."""
    grew = signed_g2(20, 100, 5, 100)
    shrank = signed_g2(5, 100, 20, 100)
    assert grew > G2_CRITICAL
    assert shrank == pytest.approx(-grew)


def test_windows() -> None:
    """The recent window ends at end; the previous one is just before it, of the same length."""
    assert windows(2023, 3) == ((2021, 2023), (2018, 2020))
    assert windows(2020, 1) == ((2020, 2020), (2019, 2019))


def test_terms_of_segments_chinese_and_drops_stop_words() -> None:
    """Chinese words via rjieba, English words and two-word phrases; stop-words and numbers dropped."""
    zh = terms_of("一种头戴式显示器的眼动追踪方法及装置")
    assert {"眼动追踪", "显示器"} <= zh  # rjieba cuts 眼动 / 追踪; the taxonomy term is joined again
    assert terms_of("一种增强现实光波导装置") == {"增强现实", "光波导"}
    assert not {"一种", "方法", "装置", "的", "及"} & zh
    en = terms_of("A pancake lens for the head-mounted display, 2023, with 6DoF tracking.")
    assert {"pancake", "pancake lens", "head mounted", "6dof tracking"} <= en
    assert not {"a", "for", "the", "with", "2023", "lens head"} & en


def _term_doc(id_: str, year: int | None, *terms: str) -> TermDoc:
    date = f"{year}-01-{int(id_[1:]):02d}" if year else ""
    return TermDoc(id=id_, title=f"title {id_}", year=year, date=date, terms=frozenset(terms))


def test_significant_terms_ranks_over_represented_recent_terms() -> None:
    """Recent documents against all others; only terms with min_count recent documents whose share grew."""
    docs = [
        *(_term_doc(f"r{i}", 2023, "waveguide", "display") for i in range(1, 6)),
        _term_doc("r6", 2022, "fresnel", "display"),
        *(_term_doc(f"o{i}", 2018, "fresnel", "display") for i in range(1, 6)),
        _term_doc("o6", None, "waveguide"),
    ]
    terms, compared = significant_terms(docs, (2021, 2023), min_count=2, size=10)
    assert compared == 12
    assert [t.term for t in terms] == ["waveguide", "display"]  # display: 6 of 6 recent, 5 of 6 others
    top = terms[0]
    assert (top.recent, top.background) == (5, 6)
    assert top.recent_share == pytest.approx(5 / 6) and top.background_share == pytest.approx(6 / 12)
    assert top.g2 == pytest.approx(g2(5, 1, 1, 5))
    assert [e.id for e in top.examples] == ["r5", "r4", "r3"]  # newest first, at most 3
    assert [t.term for t in significant_terms(docs, (2021, 2023), min_count=6)[0]] == ["display"]


# id, year, sub-topics, jurisdiction
ROWS = [
    ("A1", 2018, ["pancake_optics"], "CN"),
    ("A2", 2019, ["pancake_optics"], "CN"),
    ("A3", 2020, ["eye_tracking"], "US"),
    ("A4", 2021, ["waveguide"], "US"),
    ("A5", 2021, ["waveguide", "pancake_optics"], "CN"),
    ("A6", 2022, ["waveguide"], "CN"),
    ("A7", 2023, ["waveguide"], "CN"),
    ("A8", 2023, ["eye_tracking"], "US"),
    ("A9", None, ["waveguide"], "CN"),
]


@pytest.fixture
def fake() -> FakeBackend:
    return FakeBackend(IndexDoc(id=i, doc_type="patent", title=f"Doc {i}", year=y, jurisdiction=j,
                                subtopics=s, date=f"{y}-05-0{i[1]}" if y else None, source="t")
                       for i, y, s, j in ROWS)


def test_emerging_subtopics_counts_shares_and_significance(fake: FakeBackend) -> None:
    """Per-year counts over both windows, shares of each window's documents, signed G², newest examples."""
    result = emerging_subtopics(fake, Filters(), window=3, min_count=2,
                                subtopics=["waveguide", "pancake_optics", "eye_tracking"])
    assert result.end_year == 2023
    assert (result.recent_years, result.previous_years) == ((2021, 2023), (2018, 2020))
    assert result.years == [2018, 2019, 2020, 2021, 2022, 2023]
    assert result.totals == [1, 1, 1, 2, 1, 2]
    assert (result.recent_total, result.previous_total) == (5, 3)
    by = {r.subtopic: r for r in result.subtopics}
    assert [r.subtopic for r in result.subtopics][0] == "waveguide"
    wave = by["waveguide"]
    assert wave.counts == [0, 0, 0, 2, 1, 1] and (wave.recent, wave.previous) == (4, 0)
    assert wave.recent_share == pytest.approx(0.8) and wave.share_change == pytest.approx(0.8)
    assert wave.g2 == pytest.approx(g2(4, 1, 0, 3)) and wave.emerging
    assert [e.id for e in wave.examples] == ["A7", "A6", "A5"]
    pancake = by["pancake_optics"]
    assert (pancake.recent, pancake.previous) == (1, 2) and pancake.g2 < 0 and not pancake.emerging
    assert by["eye_tracking"].share_change == pytest.approx(1 / 5 - 1 / 3)


def test_emerging_subtopics_window_end_and_filters(fake: FakeBackend) -> None:
    """end (or year_to) fixes the window; other filters narrow every count."""
    result = emerging_subtopics(fake, Filters(jurisdiction=["CN"], year_to=2022), window=2,
                                subtopics=["waveguide"])
    assert (result.recent_years, result.previous_years) == ((2021, 2022), (2019, 2020))
    assert result.subtopics[0].counts == [0, 0, 1, 1]
    assert emerging_subtopics(fake, Filters(), window=1, end=2021).recent_years == (2021, 2021)


def test_emerging_subtopics_bad_window_and_no_dates(fake: FakeBackend) -> None:
    """A window under one year is an error; no dated document gives an empty result."""
    with pytest.raises(ValueError, match="window"):
        emerging_subtopics(fake, Filters(), window=0)
    empty = emerging_subtopics(FakeBackend([]), Filters())
    assert empty.end_year is None and empty.subtopics == []


def test_emerging_terms_from_the_store(tmp_path: Path) -> None:
    """Terms read from stored titles and abstracts, filtered like the index, recent against the rest."""
    with Store(tmp_path / "s.sqlite3") as store:
        for i, year in enumerate([2023, 2023, 2022, 2017, 2016], start=1):
            title = "Surface relief waveguide" if year >= 2022 else "Fresnel lens eyepiece"
            store.upsert(Patent(id=f"CN10000{i}A", source="t", jurisdiction="CN", titles={"en": title},
                                abstracts={"zh": "一种光波导镜片" if year >= 2022 else "一种菲涅尔透镜"},
                                applicants=[Party(name="X")], priority_date=dt.date(year, 1, i)))
        store.upsert(Standard(id="GB/T 1-2023", source="t", title_zh="光波导测试方法",
                              published_date=dt.date(2023, 3, 1)))
        labels = Labels(relevant=True, subtopics={"waveguide": 0.9}, model_version="m")
        store.set_labels([(f"CN10000{i}A", labels) for i in range(1, 6)])
        docs = [IndexDoc(id=f"CN10000{i}A", doc_type="patent", title="t", year=y, date=f"{y}-01-0{i}",
                         jurisdiction="CN", subtopics=["waveguide"], source="t")
                for i, y in enumerate([2023, 2023, 2022, 2017, 2016], start=1)]
        result = emerging(FakeBackend(docs), store, Filters(doc_type="patent"), window=3, min_count=2)
        terms = {t.term: t for t in result.terms}
        assert result.background_total == 5  # the standard is filtered out
        assert {"waveguide", "surface relief", "光波导"} <= set(terms)
        assert terms["waveguide"].recent == 3 and terms["waveguide"].background == 3
        assert "fresnel" not in terms
        assert [e.id for e in terms["waveguide"].examples] == ["CN100002A", "CN100001A", "CN100003A"]
        with_standards = emerging(FakeBackend(docs), store, Filters(), window=3, min_count=2)
        assert with_standards.background_total == 6
        assert {t.term: t.recent for t in with_standards.terms}["光波导"] == 4


def test_windows_before_1800_count_nothing(fake: FakeBackend) -> None:
    """A window reaching before the first year a query accepts counts those years as empty."""
    result = emerging_subtopics(fake, Filters(), window=3, end=1801, subtopics=["waveguide"])
    assert result.years == [1796, 1797, 1798, 1799, 1800, 1801]
    assert result.totals == [0] * 6 and result.subtopics[0].counts == [0] * 6
