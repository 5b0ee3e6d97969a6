"""The embedded index's analysis: the sub-word field's own tokenizer gives the query analyzer's terms."""

from __future__ import annotations

import pytest

from search.embedded_schema import fine_analyzer, query_analyzer
from search.segment import fine_words

_TEXTS = [
    "一种头戴式显示器及其控制方法",
    "本发明公开了一种基于眼动追踪的注视点渲染方法，包括：获取用户的瞳孔位置。",
    "VR头显采用OLED屏，虚拟现实（VR）和增强现实（AR）光波导显示模组",
]


@pytest.mark.parametrize("text", _TEXTS)
def test_fine_field_terms_are_query_terms(text: str) -> None:
    words = " ".join(fine_words(text))
    assert words
    assert fine_analyzer().analyze(words) == query_analyzer().analyze(words)


def test_fine_analyzer_drops_long_tokens_like_en_stem() -> None:
    long_word = "显" * 14  # 42 bytes: over the 40-byte limit of both analyzers
    assert fine_analyzer().analyze(f"显示 {long_word}") == ["显示"]
    assert query_analyzer().analyze(f"显示 {long_word}") == ["显示"]
