"""Gap analysis: names normalized with their variants, counts per sub-topic, white spaces, newest rivals."""

from __future__ import annotations

import pytest

from search.analytics import Filters
from search.backend import IndexDoc
from search.gaps import competitor, entity, gaps
from tests.api.fakes import FakeBackend

META = "META PLATFORMS TECHNOLOGIES"
# id, date, applicant, sub-topics, doc type
ROWS = [
    ("G1", "2022-04-01", "GOERTEK", ["waveguide"], "patent"),
    ("G2", "2023-02-01", "GOERTEK", ["pancake_optics"], "patent"),
    ("M1", "2021-01-10", META, ["waveguide"], "patent"),
    ("M2", "2023-05-20", META, ["eye_tracking"], "patent"),
    ("M3", "2022-08-01", META, ["eye_tracking"], "patent"),
    ("S1", "2020-03-03", "SONY INTERACTIVE ENTERTAINMENT", ["eye_tracking"], "patent"),
    ("A1", "2019-09-09", "APPLE", ["eye_tracking"], "patent"),
    ("O1", "2020-01-01", "GOERTEK OPTICAL TECHNOLOGY", ["waveguide"], "patent"),
    ("T1", "2022-01-01", "GOERTEK", ["haptics"], "standard"),
]


@pytest.fixture
def engine() -> FakeBackend:
    return FakeBackend(IndexDoc(id=i, doc_type=kind, title=f"Title {i}", date=date, year=int(date[:4]),
                                applicants=[who], subtopics=subs, jurisdiction="US", source="t")
                       for i, date, who, subs, kind in ROWS)


def test_entity_normalizes_and_merges_variants() -> None:
    """Variants that normalize to one name count once; the first is the label."""
    goertek = entity(["Goertek Inc.", "歌尔股份有限公司", " "])
    assert goertek.names == ["GOERTEK"] and goertek.label == "GOERTEK"
    meta = competitor("Meta Platforms Technologies, LLC|Facebook Technologies, LLC|Oculus VR LLC")
    assert meta.names[0] == META and meta.label == META
    with pytest.raises(ValueError, match="no applicant name"):
        entity(["", "  "])
    with pytest.raises(ValueError, match="no applicant name"):
        competitor("||")


def test_gaps_counts_white_spaces_and_newest(engine: FakeBackend) -> None:
    """Own, competitors' and world counts per sub-topic; white space = busy and none of one's own."""
    own = entity(["Goertek Inc."])
    rivals = [competitor("Meta Platforms Technologies, LLC"), competitor("Sony Interactive Entertainment")]
    result = gaps(engine, Filters(doc_type="patent"), own, rivals, min_world=3, newest=2)
    by = {r.subtopic: r for r in result.rows}
    eye, wave, pancake = by["eye_tracking"], by["waveguide"], by["pancake_optics"]
    assert (eye.world, eye.own, eye.competitors, eye.share, eye.white_space) == (4, 0, [2, 1], 0.0, True)
    assert (wave.world, wave.own, wave.competitors, wave.white_space) == (3, 1, [1, 0], False)
    assert wave.share == pytest.approx(1 / 3)
    assert (pancake.world, pancake.own, pancake.competitors, pancake.white_space) == (1, 1, [0, 0], False)
    assert by["haptics"].world == 0  # the standard is not a patent
    assert result.white_spaces == ["eye_tracking"]
    assert [(d.id, d.date) for d in eye.newest] == [("M2", "2023-05-20"), ("M3", "2022-08-01")]
    assert eye.newest[0].applicants == [META]
    assert pancake.newest == []
    assert result.own_total == 2
    assert [s.value for s in result.suggestions["GOERTEK"]] == ["GOERTEK OPTICAL TECHNOLOGY"]
    assert [r.subtopic for r in result.rows][:2] == ["near_eye_optical_module", "micro_display"]  # plan order


def test_gaps_thresholds_and_filters(engine: FakeBackend) -> None:
    """min_world decides what is busy; the companies replace an applicant filter; bad min_world fails."""
    own = entity(["GOERTEK"])
    lenient = gaps(engine, Filters(doc_type="patent", applicants=["APPLE"]), own, [], min_world=1)
    assert set(lenient.white_spaces) == {"eye_tracking"}
    assert {r.subtopic: r.world for r in lenient.rows}["waveguide"] == 3
    narrow = gaps(engine, Filters(doc_type="patent", subtopics=["waveguide"], year_from=2021), own, [],
                  min_world=1)
    assert [(r.subtopic, r.world, r.own) for r in narrow.rows] == [("waveguide", 2, 1)]
    with pytest.raises(ValueError, match="min_world"):
        gaps(engine, Filters(), own, [], min_world=0)
