"""Applicant names fold to one normalized form; the alias table is data a user can extend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vrscope.applicants import (
    SHIPPED_ALIASES,
    build_aliases,
    default_aliases,
    fold_name,
    load_aliases,
    name_key,
    normalize_applicant,
)
from vrscope.settings import Settings


@pytest.mark.parametrize(("raw", "expected"), [
    ("Samsung Electronics Co., Ltd.", "SAMSUNG ELECTRONICS"),
    ("SAMSUNG ELECTRONICS CO LTD", "SAMSUNG ELECTRONICS"),
    ("Varjo Technologies Oy", "VARJO TECH"),
    ("VARJO TECH OY", "VARJO TECH"),
    ("Robert Bosch GmbH", "ROBERT BOSCH"),
    ("Müller GmbH & Co. KG", "MUELLER"),
    ("Société Générale S.A.", "SOCIETE GENERALE"),
    ("KABUSHIKI KAISHA TOSHIBA", "TOSHIBA"),
    ("Toshiba Corp", "TOSHIBA"),
    ("(株)東芝", "東芝"),
    ("ＡＣＭＥ　ＩＮＣ．", "ACME"),  # full-width forms
    ("Johnson & Johnson", "JOHNSON AND JOHNSON"),
    ("AT&T Intellectual Property I, L.P.", "AT AND T INTELLECTUAL PROPERTY I"),
    ("Stereo Vision Labs, Inc.", "STEREO VISION LAB"),
    ("深圳市某某科技有限公司", "深圳市某某科技"),
    ("某某集团股份有限公司", "某某"),
    ("AG", "AG"),  # a legal form alone is kept: never an empty name
    ("", ""),
], ids=lambda v: str(v)[:24])
def test_names_fold_without_aliases(raw: str, expected: str) -> None:
    assert normalize_applicant(raw, aliases={}) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Facebook Technologies, LLC", "META PLATFORMS TECHNOLOGIES"),
    ("META PLATFORMS TECH LLC", "META PLATFORMS TECHNOLOGIES"),
    ("Meta Platforms Technologies, LLC", "META PLATFORMS TECHNOLOGIES"),
    ("歌尔股份有限公司", "GOERTEK"),
    ("歌尔股份", "GOERTEK"),
    ("GOERTEK INC.", "GOERTEK"),
    ("歌尔光学科技有限公司", "GOERTEK OPTICAL TECHNOLOGY"),
    ("GOERTEK OPTICAL TECH CO LTD", "GOERTEK OPTICAL TECHNOLOGY"),
    ("青岛小鸟看看科技有限公司", "QINGDAO PICO TECHNOLOGY"),
    ("Qingdao Pico Technology Co., Ltd.", "QINGDAO PICO TECHNOLOGY"),
    ("삼성전자 주식회사", "SAMSUNG ELECTRONICS"),
    ("株式会社ソニー・インタラクティブエンタテインメント", "SONY INTERACTIVE ENTERTAINMENT"),
    ("BOE Technology Group Co., Ltd.", "BOE TECHNOLOGY"),
    ("京东方科技集团股份有限公司", "BOE TECHNOLOGY"),
])
def test_known_variants_meet(raw: str, expected: str) -> None:
    assert normalize_applicant(raw) == expected


def test_people_fold_without_losing_anything() -> None:
    assert fold_name("Mäkinen, Juha") == "MAEKINEN JUHA" and fold_name("O'Neil, Mary Ann") == "ONEIL MARY ANN"
    assert name_key("Kim, Min-su") == "KIM MIN SU"


def test_the_shipped_table_is_well_formed() -> None:
    data = json.loads(SHIPPED_ALIASES.read_text("utf-8"))
    table = load_aliases()
    assert data["about"] and len(table) >= len(set(data["aliases"].values()))
    for canonical in data["aliases"].values():
        assert table[name_key(canonical)] == canonical  # every canonical name maps to itself


def test_a_user_file_extends_and_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           settings: Settings) -> None:
    extra = tmp_path / "aliases.json"
    extra.write_text(json.dumps({"Acme VR Holdings": "ACME", "Facebook Technologies": "FACEBOOK"}), "utf-8")
    table = load_aliases(extra)
    assert normalize_applicant("ACME VR HOLDINGS LTD", table) == "ACME"
    assert normalize_applicant("Facebook Technologies, LLC", table) == "FACEBOOK"  # the user's line wins
    assert normalize_applicant("歌尔股份有限公司", table) == "GOERTEK"  # shipped lines stay
    # Through settings: VRSCOPE_APPLICANT_ALIASES_FILE, read once per process.
    monkeypatch.setenv("VRSCOPE_APPLICANT_ALIASES_FILE", str(extra))
    from vrscope.settings import get_settings

    get_settings.cache_clear()
    default_aliases.cache_clear()
    try:
        assert normalize_applicant("Acme VR Holdings, Inc.") == "ACME"
    finally:
        default_aliases.cache_clear()
        get_settings.cache_clear()


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '{"aliases": {"A": 1}}'])
def test_a_broken_user_file_is_a_clear_error(tmp_path: Path, content: str) -> None:
    bad = tmp_path / "aliases.json"
    bad.write_text(content, "utf-8")
    with pytest.raises(ValueError, match="aliases"):
        load_aliases(bad)
    with pytest.raises(ValueError, match="cannot read"):
        load_aliases(tmp_path / "missing.json")


def test_later_tables_win() -> None:
    table = build_aliases({"Foo Corp": "FOO"}, {"FOO CORPORATION": "FOO GLOBAL"})
    assert table == {"FOO": "FOO GLOBAL", "FOO GLOBAL": "FOO GLOBAL"}
