"""Text normalization for the term matcher, and the hint names of weak labels."""

from __future__ import annotations

import unicodedata

import pytest

from classify.weak import _SEPARATORS, WeakLabels, normalize_text


def reference(text: str) -> str:
    """NFKC, every separator to a space, then whitespace collapsed by split/join."""
    text = unicodedata.normalize("NFKC", text)
    for ch in _SEPARATORS:
        text = text.replace(ch, " ")
    return " ".join(text.split())


@pytest.mark.parametrize("text", [
    "Head-mounted display\nwith a waveguide", "already single spaced", " leading", "trailing ", "two  spaces",
    "tab\there", "line\r\nbreak", "\n\n", "", "nbsp\u00a0and\u3000ideographic", "line\u2028separator",
    "next\x85line", "zero\u200bwidth", "form\x0cfeed", "ＶＲ／ＡＲ头显—近眼显示", "a - b", "x\n", "\ny",
])
def test_normalize_text_single_spaces_like_split_and_join(text: str) -> None:
    assert normalize_text(text) == reference(text)


def test_targets_name_every_hint() -> None:
    weak = WeakLabels(0.8, frozenset({"near_eye_display"}), frozenset({"waveguide"}), frozenset({"ar", "mr"}))
    assert weak.targets() == {"relevant", "tech:near_eye_display", "sub:waveguide", "form:ar", "form:mr"}
    assert WeakLabels(0.5).targets() == frozenset()
