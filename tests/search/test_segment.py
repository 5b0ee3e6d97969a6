"""Chinese segmentation for indexing and display."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest

from search.segment import desegment, drop_single_han, fine_words, has_han, segment, segment_all
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一种头戴式显示设备", "一种 头戴式 显示 设备"),
        ("一种头戴式显示设备，包括透镜。", "一种 头戴式 显示 设备，包括 透镜。"),
        ("VR头显采用OLED屏", "VR 头显 采用 OLED 屏"),
        ("plain English, untouched.", "plain English, untouched."),
        ("", ""),
    ],
)
def test_segment(text: str, expected: str) -> None:
    assert segment(text) == expected


@pytest.mark.parametrize("text", ["一种头戴式显示设备，包括透镜。", "虚拟现实（VR）技术", "A 头戴式显示器"])
def test_desegment_restores_chinese(text: str) -> None:
    assert desegment(segment(text)) == text


def test_desegment_keeps_tags_and_latin_spaces() -> None:
    assert desegment("虚拟 <b>现实</b> 技术") == "虚拟<b>现实</b>技术"
    assert desegment("<b>头戴式</b> <b>显示</b> 设备") == "<b>头戴式</b><b>显示</b>设备"
    assert desegment("head <b>display</b> unit") == "head <b>display</b> unit"
    assert desegment("采用 OLED 屏") == "采用 OLED 屏"


def test_fine_words_include_sub_words() -> None:
    words = fine_words("一种头戴式显示器 and English")
    assert {"头戴式", "显示", "显示器"} <= set(words)
    assert "English" not in words
    assert fine_words("no Chinese here") == []


def test_has_han() -> None:
    assert has_han("VR 头显")
    assert not has_han("VR，（）")


def test_nothing_loaded_at_import() -> None:
    code = "import sys, search.segment, search.embedded, search.factory; print('rjieba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_drop_single_han() -> None:
    assert drop_single_han("本发明 公开 了 一种 头戴式 显示器，包括 透镜 和 OLED") == (
        "本发明 公开   一种 头戴式 显示器，包括 透镜   OLED"
    )
    assert drop_single_han("a b display") == "a b display"


_MIXED = [
    "一种头戴式显示器及其控制方法",
    "VR头显采用OLED屏，视场角大于一百度。",
    "本发明公开了一种基于眼动追踪的注视点渲染方法，包括：获取用户的瞳孔位置；确定注视区域。",
    "plain English only",
    "虚拟现实（VR）和增强现实（AR）头戴式设备中的光波导显示模组",
]


@pytest.mark.parametrize("text", _MIXED)
def test_fine_words_are_rjieba_search_mode_words(text: str) -> None:
    import rjieba

    runs = [run for run in "".join(c if has_han(c) else "\n" for c in text).split("\n") if run]
    expected = Counter(w for run in runs for w in rjieba.cut_for_search(run))
    assert Counter(fine_words(text)) == expected


def test_segment_all_matches_segment_and_fine_words() -> None:
    texts, parts = segment_all(_MIXED)
    assert texts == [segment(text) for text in _MIXED]
    assert Counter(parts.split()) == Counter(fine_words(" ".join(_MIXED)))
    assert segment_all(["no Chinese", ""]) == (["no Chinese", ""], "")
