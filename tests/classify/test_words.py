"""Word segmentation: the line-by-line fast path gives the tokens of one regex over the whole text."""

from __future__ import annotations

import re
import unicodedata

import pytest

from classify.words import _STOP, _segmenter, _stem, segment

TEXTS = [
    "A Head-Mounted Display (HMD) with pancake lenses; the displays are 4K.",
    "一种光波导近眼显示装置 waveguide，包括：微显示屏和光学模组。",
    "AR光波导 glasses，视场角50°与VR\n第二行 second line\n\n  indented\tline with\ttabs  ",
    "ＶＲ头显（全角）and ﬁber optics — naïve Café µ-OLED displays",  # NFKC: full width, ligature
    "İstanbul ΣΑΣ façade 3D-reconstruction of 360° videos",  # non-ASCII lower-casing, no CJK
    "近眼显示\r\n头戴式显示设备\u2028eye tracking\u3000foveated rendering",
    "光𠀀波导 displays",  # a character outside the CJK ranges ends the run
    "", "\n", "the of and 2024 1080", "studies glasses bus iris boxes",
]


def reference(text: str) -> list[str]:
    """One regex over the lower-cased NFKC text: CJK runs cut by jieba, other tokens stemmed, stop words
    and numbers dropped."""
    out: list[str] = []
    lowered = unicodedata.normalize("NFKC", text).lower()
    for token in re.findall(r"[a-z0-9]+|[\u3400-\u9fff\uf900-\ufaff]+", lowered):
        if token[0] >= "\u3400":
            out.extend(_segmenter().cut(token))
        elif token not in _STOP and not token.isdigit():
            out.append(_stem(token))
    return out


@pytest.mark.parametrize("text", TEXTS)
def test_segment_matches_one_regex_over_the_whole_text(text: str) -> None:
    assert segment(text) == reference(text)
    assert segment(text) == reference(text)  # the second time from the memo of English words


def test_segment_drops_stop_words_and_numbers_and_stems_plurals() -> None:
    assert segment("The displays of 2 studies and 360 glasses") == ["display", "study", "glasse"]
    assert segment("近眼显示 head-mounted") == [*_segmenter().cut("近眼显示"), "head", "mounted"]
