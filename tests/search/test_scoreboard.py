"""The breakthrough scoreboard: indicators, thresholds, statuses, headline; a store and a fake engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.analytics import Filters
from search.schema import to_index_doc
from search.scoreboard import (
    Thresholds,
    headline,
    indicators_met,
    scoreboard,
    status_of,
    thresholds_from,
)
from tests.api.fakes import FakeBackend
from vrscope.records import Labels, Party, Patent, Standard
from vrscope.settings import Settings
from vrscope.store import Store

QINGDAO = Party(name="Some Optics Co.", address="山东省青岛市崂山区松岭路")
WEIFANG = Party(name="Goertek Inc.", address="山东省潍坊市")


def _patent(id_: str, year: int, party: Party, jurisdiction: str, granted: bool = False) -> Patent:
    return Patent(id=id_, source="t", jurisdiction=jurisdiction, titles={"en": f"Patent {id_}"},
                  applicants=[party], priority_date=dt.date(year, 3, 1),
                  grant_date=dt.date(year + 1, 1, 1) if granted else None)


def _standard(id_: str, *orgs: str) -> Standard:
    return Standard(id=id_, source="t", title_zh=f"标准 {id_}", drafting_orgs=list(orgs),
                    published_date=dt.date(2022, 1, 1))


# document, sub-topics
DOCS: list[tuple[Patent | Standard, list[str]]] = [
    (_patent("CN1A", 2023, QINGDAO, "CN", granted=True), ["waveguide"]),
    (_patent("CN2A", 2022, Party(name="青岛某光学有限公司"), "CN"), ["waveguide", "pancake_optics"]),
    (_patent("US3A", 2019, Party(name="Qingdao Pico Technology Co., Ltd.", address="Qingdao, CN"), "US"),
     ["waveguide"]),
    (_patent("CN4A", 2023, WEIFANG, "CN"), ["waveguide"]),
    (_patent("US5A", 2023, Party(name="Meta Platforms, Inc.", address="Menlo Park"), "US"), ["waveguide"]),
    (_standard("GB/T 1-2022", "青岛虚拟现实研究院有限公司", "中国电子技术标准化研究院"), ["waveguide"]),
    (_standard("GB/T 2-2022", "中国电子技术标准化研究院", "青岛小鸟看看科技有限公司"),
     ["waveguide", "pancake_optics"]),
    (_standard("GB/T 3-2022", "北京某研究所"), ["pancake_optics"]),
]
STRICT = Thresholds(min_local_filings=3, min_local_share=0.5, min_growth=0.1, min_standards=2,
                    on_track_min_met=2)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "s.sqlite3") as st:
        for doc, _ in DOCS:
            st.upsert(doc)
        st.set_labels([(doc.id, Labels(relevant=True, subtopics=dict.fromkeys(subs, 0.9), model_version="m"))
                       for doc, subs in DOCS])
        yield st


@pytest.fixture
def engine(store: Store) -> FakeBackend:
    """The fake engine holding exactly what the pipeline would index from the store."""
    return FakeBackend(to_index_doc(doc, store.labels(doc.id)) for doc in store.iter_documents())


def test_indicators_and_status() -> None:
    """Each indicator against its threshold; new filings count as growth; status from how many are met."""
    met = indicators_met(3, 0.5, 2, 1, 2, STRICT)
    assert met == {"local_filings": True, "local_share": True, "growth": True, "standards": True}
    assert indicators_met(2, None, 1, 0, 0, STRICT) == {"local_filings": False, "local_share": False,
                                                       "growth": True, "standards": False}
    assert not indicators_met(5, 0.9, 1, 1, 3, STRICT)["growth"]  # 0 % growth is under 10 %
    assert not indicators_met(0, 0.0, 0, 0, 0, STRICT)["growth"]
    assert [status_of(n, STRICT) for n in (4, 3, 2, 1, 0)] == ["breakthrough", "on_track", "on_track",
                                                                "behind", "behind"]


def test_thresholds_validation_and_settings() -> None:
    """An upside-down target range is refused; the settings give the thresholds."""
    with pytest.raises(ValueError, match="target_min"):
        Thresholds(target_min=6, target_max=5)
    thresholds = thresholds_from(Settings(scoreboard_min_local_filings=7, scoreboard_target_min=2,
                                          scoreboard_target_max=4))
    assert (thresholds.min_local_filings, thresholds.target_min, thresholds.target_max) == (7, 2, 4)


def test_scoreboard_rows(store: Store, engine: FakeBackend) -> None:
    """Local filings, grants, share of China, growth and local standards per sub-topic."""
    result = scoreboard(engine, store, Filters(), STRICT)
    assert result.end_year == 2023
    assert (result.recent_years, result.previous_years) == ((2021, 2023), (2018, 2020))
    by = {r.subtopic: r for r in result.rows}
    wave = by["waveguide"]
    assert (wave.world_filings, wave.cn_filings) == (5, 3)
    assert (wave.local_filings, wave.local_grants, wave.local_cn_filings) == (3, 1, 2)
    assert wave.local_share == pytest.approx(2 / 3)
    assert (wave.recent, wave.previous, wave.growth) == (2, 1, pytest.approx(1.0))
    assert (wave.local_led_standards, wave.local_codrafted_standards, wave.standards) == (1, 1, 2)
    assert wave.local_applicants == ["QINGDAO PICO TECHNOLOGY", "SOME OPTICS", "青岛某光学"]  # ties by name
    assert wave.status == "breakthrough" and wave.met_count == 4
    pancake = by["pancake_optics"]
    assert (pancake.local_filings, pancake.local_share, pancake.previous, pancake.standards) == (1, 1.0, 0, 1)
    assert pancake.met == {"local_filings": False, "local_share": True, "growth": True, "standards": False}
    assert pancake.status == "on_track"
    assert by["eye_tracking"].status == "behind" and by["eye_tracking"].local_share is None
    assert [r.subtopic for r in result.rows[:2]] == ["waveguide", "pancake_optics"]
    assert result.headline.breakthroughs == 1 and result.headline.on_track == 1
    assert result.headline.en == "1 of the 3–5 target (1 more on track)"
    assert "3–5" in result.headline.zh
    assert any("≥ 3" in line and "Local filings" in line for line in result.method.en)
    assert any("2018–2020" in line for line in result.method.en)
    assert len(result.method.zh) == len(result.method.en)


def test_scoreboard_filters(store: Store, engine: FakeBackend) -> None:
    """Filters apply to every count: filed in the US, no China share, no standards (their body differs)."""
    result = scoreboard(engine, store, Filters(jurisdiction=["US"], subtopics=["waveguide"]), STRICT)
    assert [r.subtopic for r in result.rows] == ["waveguide"]
    wave = result.rows[0]
    assert (wave.world_filings, wave.cn_filings, wave.local_filings, wave.local_share) == (2, 0, 1, None)
    assert wave.standards == 0
    early = scoreboard(engine, store, Filters(year_to=2020), STRICT)
    assert early.end_year == 2020 and {r.subtopic: r.local_filings for r in early.rows}["waveguide"] == 1


def test_headline_counts_statuses() -> None:
    """The headline says how many are breakthroughs against the target."""
    result = headline([], Thresholds(target_min=3, target_max=5))
    assert (result.breakthroughs, result.en) == (0, "0 of the 3–5 target (0 more on track)")
