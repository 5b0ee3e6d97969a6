"""The views give the same numbers on every engine: trends, growth, the matrix and top players."""

from __future__ import annotations

import pytest

from search.analytics import Filters, matrix, top_players, trends
from search.backend import IndexDoc, SearchBackend
from tests.search.contract.conftest import Factory

NED, PI, RC, CP = "near_eye_display", "perception_interaction", "rendering_computation", "content_production"
# id, year, techs, forms, jurisdiction, sub-topics, applicants
ROWS: list[tuple[str, int | None, list[str], list[str], str, list[str], list[str]]] = [
    ("CN1A", 2018, [NED], ["vr"], "CN", ["pancake_optics"], ["GOERTEK"]),
    ("CN2A", 2019, [NED], ["vr"], "CN", ["pancake_optics"], ["GOERTEK"]),
    ("US3A", 2019, [PI], ["ar"], "US", ["eye_tracking"], ["META"]),
    ("US4A", 2020, [NED, PI], ["vr", "ar"], "US", ["waveguide", "eye_tracking"], ["META"]),
    ("CN5A", 2021, [NED], ["ar"], "CN", ["waveguide"], ["GOERTEK"]),
    ("EP6A", 2021, [RC], ["vr"], "EP", ["foveated_rendering"], ["SONY"]),
    ("CN7A", 2022, [NED], ["vr"], "CN", ["pancake_optics"], ["HISENSE"]),
    ("US8A", 2022, [NED], ["mr"], "US", ["waveguide"], ["META"]),
    ("CN9A", 2022, [PI], ["vr"], "CN", ["eye_tracking"], ["GOERTEK"]),
    ("CN10A", 2023, [NED], ["vr"], "CN", ["pancake_optics"], ["GOERTEK"]),
    ("CN11A", 2023, [NED], ["ar"], "CN", ["waveguide"], ["HISENSE"]),
    ("US12A", 2023, [], [], "US", [], ["ACME"]),
    ("CN13A", None, [NED], ["vr"], "CN", ["pancake_optics"], ["GOERTEK"]),  # undated: in counts, not years
]


def _docs() -> list[IndexDoc]:
    """The view corpus as index documents."""
    return [
        IndexDoc(id=id_, doc_type="patent", title=f"Head-mounted display {id_}", year=year,
                 date=f"{year}-06-01" if year else None, jurisdiction=jur, techs=techs, forms=forms,
                 subtopics=subs, applicants=apps, relevant=bool(techs), source="test")
        for id_, year, techs, forms, jur, subs, apps in ROWS
    ]


@pytest.fixture(scope="module")
def views(make_engine: Factory) -> SearchBackend:
    """An engine of the current kind holding the view corpus."""
    engine = make_engine()
    engine.index(_docs())
    return engine


def test_trends_by_technology(views: SearchBackend) -> None:
    """Per-year counts, share, CAGR over the whole span and the last-3-years slope."""
    result = trends(views, "tech", Filters())
    assert result.years == [2018, 2019, 2020, 2021, 2022, 2023]
    assert result.all == [1, 2, 1, 2, 3, 3]
    assert result.cagr_window == (2018, 2023)
    by = {s.value: s for s in result.series}
    assert [s.value for s in result.series] == [NED, PI, RC]
    assert by[NED].counts == [1, 1, 1, 1, 2, 2] and by[NED].total == 8
    assert by[NED].share == pytest.approx(8 / 12)
    assert by[NED].cagr == pytest.approx(2 ** (1 / 5) - 1)
    assert by[NED].slope == pytest.approx(0.5)
    assert by[PI].counts == [0, 1, 1, 0, 1, 0] and by[PI].cagr is None and by[PI].slope == pytest.approx(0.0)
    assert by[RC].counts == [0, 0, 0, 1, 0, 0] and by[RC].slope == pytest.approx(-0.5)


def test_trends_by_form_with_window(views: SearchBackend) -> None:
    """A non-technology dimension, a chosen year range and CAGR window."""
    result = trends(views, "form", Filters(year_from=2019, year_to=2022), cagr_from=2019, cagr_to=2022)
    assert result.years == [2019, 2020, 2021, 2022]
    by = {s.value: s for s in result.series}
    assert by["vr"].counts == [1, 1, 1, 2]
    assert by["ar"].counts == [1, 1, 1, 0]
    assert by["mr"].counts == [0, 0, 0, 1]
    assert by["vr"].cagr == pytest.approx(2 ** (1 / 3) - 1)
    assert by["ar"].cagr == pytest.approx(-1.0)


def test_trends_by_jurisdiction_within_a_technology(views: SearchBackend) -> None:
    """Filters narrow every series; only values the filter allows are split out."""
    result = trends(views, "jurisdiction", Filters(techs=[NED]))
    by = {s.value: s.counts for s in result.series}
    assert by == {"CN": [1, 1, 0, 1, 1, 2], "US": [0, 0, 1, 0, 1, 0]}
    assert result.all == [1, 1, 1, 1, 2, 2]
    only_us = trends(views, "jurisdiction", Filters(techs=[NED], jurisdiction=["US"]))
    assert [s.value for s in only_us.series] == ["US"]


def test_matrix_counts_and_growth(views: SearchBackend) -> None:
    """Forms × technologies, growth of 2021–2023 against 2018–2020."""
    result = matrix(views, Filters())
    assert result.forms == ["vr", "ar", "mr"]
    assert result.techs == [NED, PI, RC, CP]
    assert result.end_year == 2023
    cells = {(c.form, c.tech): (c.count, c.recent, c.previous, c.growth) for c in result.cells}
    assert len(cells) == 12
    assert cells[("vr", NED)] == (6, 2, 3, pytest.approx(-1 / 3))
    assert cells[("vr", PI)] == (2, 1, 1, 0.0)
    assert cells[("vr", RC)] == (1, 1, 0, None)
    assert cells[("ar", NED)] == (3, 2, 1, 1.0)
    assert cells[("ar", PI)] == (2, 0, 2, -1.0)
    assert cells[("mr", NED)] == (1, 1, 0, None)
    assert cells[("mr", CP)] == (0, 0, 0, None)


def test_top_players_world_and_china(views: SearchBackend) -> None:
    """The applicants facet worldwide and among documents filed in China."""
    world = top_players(views, Filters(), "world", size=3)
    assert [(p.name, p.count) for p in world.players] == [("GOERTEK", 6), ("META", 3), ("HISENSE", 2)]
    china = top_players(views, Filters(), "cn", size=3)
    assert [(p.name, p.count) for p in china.players] == [("GOERTEK", 6), ("HISENSE", 2)]
    assert top_players(views, Filters(jurisdiction=["US"]), "cn").players == []


def test_applicant_detail(views: SearchBackend) -> None:
    """One applicant's filings per year, technologies, sub-topics and newest documents, on every engine."""
    from search.applicant import applicant_detail

    detail = applicant_detail(views, "GOERTEK", Filters())
    assert detail.total == 6  # CN13A is undated: counted, in no year
    assert detail.years == [2018, 2019, 2020, 2021, 2022, 2023]
    assert detail.counts == [1, 1, 0, 1, 1, 1]
    assert [(b.value, b.count) for b in detail.techs] == [(NED, 5), (PI, 1)]
    assert {b.value: b.count for b in detail.subtopics} == {"pancake_optics": 3 + 1, "waveguide": 1,
                                                           "eye_tracking": 1}
    assert detail.co_applicants == []
    assert [h.id for h in detail.newest[:3]] == ["CN10A", "CN9A", "CN5A"]
    within = applicant_detail(views, "GOERTEK", Filters(techs=[PI]))
    assert within.total == 1 and within.years == [2022] and within.counts == [1]
