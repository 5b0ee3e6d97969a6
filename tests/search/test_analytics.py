"""Growth math, Qingdao applicant location and the city players view (store of record, pandas)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from search.analytics import Filters, cagr, growth, slope
from search.players_local import city_players, district_of, in_qingdao, locate
from vrscope.records import Labels, Party, Patent
from vrscope.store import Store


def test_cagr() -> None:
    """(last / first) ** (1 / years) - 1; undefined from zero or over no time."""
    assert cagr(100, 121, 2) == pytest.approx(0.1)
    assert cagr(8, 1, 3) == pytest.approx(-0.5)
    assert cagr(5, 5, 4) == pytest.approx(0.0)
    assert cagr(0, 10, 3) is None
    assert cagr(10, 20, 0) is None


def test_slope_is_least_squares() -> None:
    """Documents per year fitted by a line over the given years."""
    assert slope([1, 2, 3]) == pytest.approx(1.0)
    assert slope([3, 3, 3]) == pytest.approx(0.0)
    assert slope([1, 2, 2]) == pytest.approx(0.5)
    assert slope([5, 1]) == pytest.approx(-4.0)
    assert slope([7]) is None
    assert slope([]) is None


def test_growth() -> None:
    """Recent against previous; undefined from zero."""
    assert growth(6, 3) == pytest.approx(1.0)
    assert growth(0, 3) == pytest.approx(-1.0)
    assert growth(4, 0) is None


@pytest.mark.parametrize(
    ("address", "district"),
    [
        ("山东省青岛市崂山区松岭路399号", "崂山区"),
        ("青岛市黄岛区江山中路", "西海岸新区"),
        ("山东省青岛西海岸新区前湾港路", "西海岸新区"),
        ("青岛市市南区香港中路", "市南区"),
        ("青岛市市北区", "市北区"),
        ("青岛市李沧区", "李沧区"),
        ("山东省青岛市城阳区", "城阳区"),
        ("山东省青岛市即墨区", "即墨区"),
        ("山东省胶州市", "胶州市"),
        ("山东省平度市", "平度市"),
        ("山东省莱西市", "莱西市"),
        ("No. 1 Laoshan Road, Qingdao, Shandong", "崂山区"),
        ("Huangdao District, Qingdao", "西海岸新区"),
        ("山东省青岛市", None),
        ("", None),
        (None, None),
    ],
)
def test_district_of(address: str | None, district: str | None) -> None:
    """The first district named, in Chinese or pinyin; 黄岛区 is 西海岸新区."""
    assert district_of(address) == district


def test_in_qingdao_by_address_or_name() -> None:
    """The city or a Chinese district name in the address, else in the name; pinyin alone is not enough."""
    assert in_qingdao(Party(name="Goertek Inc.", address="山东省青岛市崂山区"))
    assert in_qingdao(Party(name="青岛小鸟看看科技有限公司"))
    assert in_qingdao(Party(name="QINGDAO PICO TECH CO LTD"))
    assert in_qingdao(Party(name="某公司", address="山东省胶州市"))
    assert not in_qingdao(Party(name="Shinan Optics", address="Seoul, Korea"))
    assert not in_qingdao(Party(name="歌尔股份有限公司", address="山东省潍坊市"))
    assert locate(Party(name="青岛海信", address="青岛市市南区")) == (True, "市南区")
    assert locate(Party(name="青岛某公司")) == (True, None)


def _patent(id_: str, year: int, *parties: Party, jurisdiction: str = "CN") -> Patent:
    """A patent with applicants and a priority date."""
    return Patent(id=id_, source="test", jurisdiction=jurisdiction, titles={"en": id_},
                  applicants=list(parties), priority_date=dt.date(year, 1, 1))


def test_city_players(tmp_path: Path) -> None:
    """Qingdao applicants ranked by patents, with their district; filters apply; others are left out."""
    laoshan = Party(name="青岛歌尔声学科技有限公司", address="山东省青岛市崂山区")
    westcoast = Party(name="青岛某光学有限公司", address="青岛市黄岛区")
    elsewhere = Party(name="北京某公司", address="北京市海淀区")
    with Store(tmp_path / "store.sqlite3") as store:
        store.upsert(_patent("CN1A", 2021, laoshan, elsewhere))
        store.upsert(_patent("CN2A", 2022, laoshan))
        store.upsert(_patent("CN3A", 2022, westcoast))
        store.upsert(_patent("CN4A", 2019, laoshan))
        store.upsert(_patent("US5A", 2022, laoshan, jurisdiction="US"))
        store.set_labels([
            ("CN1A", Labels(relevant=True, techs={"near_eye_display": 0.9}, model_version="m")),
            ("CN2A", Labels(relevant=True, techs={"near_eye_display": 0.8}, model_version="m")),
            ("CN3A", Labels(relevant=True, techs={"rendering_computation": 0.7}, model_version="m")),
        ])
        everything = city_players(store, Filters())
        assert [(p.count, p.district) for p in everything.players] == [(4, "崂山区"), (1, "西海岸新区")]
        assert all("北京" not in p.name for p in everything.players)
        assert [(d.value, d.count) for d in everything.districts] == [("崂山区", 4), ("西海岸新区", 1)]
        assert "青岛" in everything.method

        recent_cn = city_players(store, Filters(year_from=2020, jurisdiction=["CN"]))
        assert [p.count for p in recent_cn.players] == [2, 1]
        display = city_players(store, Filters(techs=["near_eye_display"]))
        assert [(p.count, p.district) for p in display.players] == [(2, "崂山区")]
        assert city_players(store, Filters(doc_type="standard")).players == []


def test_city_players_ranks_everyone_in_a_stable_order(tmp_path: Path) -> None:
    """size None ranks every Qingdao applicant; ties go by name, so any size is a prefix of it."""
    names = ["青岛丙科技有限公司", "青岛甲科技有限公司", "青岛乙科技有限公司", "青岛丁科技有限公司"]
    with Store(tmp_path / "store.sqlite3") as store:
        for i, name in enumerate(names):
            for k in range(1 + i % 2):  # two of them with 2 patents, two with 1
                store.upsert(_patent(f"CN{i}{k}A", 2022, Party(name=name, address="青岛市市南区")))
        everyone = city_players(store, Filters(), None).players
        assert len(everyone) == 4 and [p.count for p in everyone] == [2, 2, 1, 1]
        assert [p.name for p in everyone[:2]] == sorted(p.name for p in everyone[:2])
        assert [p.name for p in everyone[2:]] == sorted(p.name for p in everyone[2:])
        for size in (1, 2, 3, 4, 10):
            assert city_players(store, Filters(), size).players == everyone[:size]
