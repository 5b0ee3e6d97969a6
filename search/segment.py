"""Chinese word segmentation for the index: rjieba on Han runs, other text left as it is."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

# Han ideographs (URO, extension A, compatibility, extensions B–F).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
_HAN_RUN = re.compile(f"[{_HAN}]+")
# What counts as CJK when removing display spaces: Han plus CJK and full-width punctuation.
_CJK = f"{_HAN}\u3000-\u303f\uff00-\uffef"
# A space between two CJK characters, possibly with HTML tags (<b>, </b>) on either side of it.
_CJK_GAP = re.compile(f"(?<=[{_CJK}])((?:<[^<>]*>)*) +(?=(?:<[^<>]*>)*[{_CJK}])")


@cache
def _cutter(mode: str) -> Callable[[str], list[str]]:
    """The rjieba cut function, imported on first use (importing rjieba loads its dictionary)."""
    import rjieba

    return rjieba.cut_for_search if mode == "search" else rjieba.cut


def has_han(text: str) -> bool:
    """Whether the text contains any Chinese (Han) character."""
    # isascii() is a C-speed early out for the common all-English text (the regex scan is not).
    return bool(text) and not text.isascii() and _HAN_RUN.search(text) is not None


def _han_runs(text: str) -> list[re.Match[str]]:
    """The maximal runs of Han characters in text."""
    if not text or text.isascii():
        return []
    return list(_HAN_RUN.finditer(text))


def _cut_runs(runs: list[str]) -> list[str]:
    """Each run's accurate-mode words joined by spaces, with one rjieba call for all the runs."""
    if not runs:
        return []
    # rjieba never joins words across a newline, so cutting the runs joined by newlines gives each
    # run's words exactly as cutting them one by one would, without a Python→Rust call per run.
    words = " ".join(_cutter("accurate")("\n".join(runs))).split(" \n ")
    if len(words) != len(runs):  # never expected; stay correct if rjieba ever changes
        cut = _cutter("accurate")
        return [" ".join(w for w in cut(run) if w.strip()) for run in runs]
    return words


def _fine_runs(runs: list[str]) -> list[str]:
    """The search-mode words of all the runs, in order, with one rjieba call."""
    if not runs:
        return []
    # Han runs yield no blank words: only the newlines that part the runs need dropping.
    return list(filter("\n".__ne__, _cutter("search")("\n".join(runs))))


def _rebuild(text: str, matches: list[re.Match[str]], words: list[str]) -> str:
    """text with each Han run replaced by its segmented words."""
    if not matches:
        return text
    out: list[str] = []
    pos = 0
    last = len(text)
    for match, seg in zip(matches, words, strict=True):
        start, end = match.span()
        out.append(text[pos:start])
        # Only alphanumerics need a separator: the tokenizer already splits on punctuation and spaces.
        if start > 0 and text[start - 1].isalnum():
            seg = " " + seg
        if end < last and text[end].isalnum():
            seg += " "
        out.append(seg)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def segment(text: str) -> str:
    """Split Chinese runs into space-separated words; spaces also part Chinese from adjacent letters."""
    matches = _han_runs(text)
    return _rebuild(text, matches, _cut_runs([m.group() for m in matches]))


def fine_words(text: str) -> list[str]:
    """The search-mode sub-words of every Chinese run (头戴式显示器 → 头戴, 头戴式, 显示, 显示器)."""
    return _fine_runs([m.group() for m in _han_runs(text)])


def segment_all(texts: list[str]) -> tuple[list[str], list[str]]:
    """segment() of each text and fine_words() of all of them together, in two rjieba calls."""
    found = [_han_runs(text) for text in texts]
    runs = [m.group() for matches in found for m in matches]
    if not runs:
        return list(texts), []
    words = iter(_cut_runs(runs))
    segmented = [
        _rebuild(text, matches, [next(words) for _ in matches])
        for text, matches in zip(texts, found, strict=True)
    ]
    return segmented, _fine_runs(runs)


def desegment(text: str) -> str:
    """Remove the spaces segmentation put between CJK characters (tags such as <b> are kept)."""
    if not text:
        return text
    return _CJK_GAP.sub(r"\1", text)


_LONE_HAN = re.compile(f"(?<![{_HAN}])[{_HAN}](?![{_HAN}])")


def drop_single_han(text: str) -> str:
    """Segmented text without its one-character Chinese words (了, 和, 的): noise when comparing documents."""
    if not text or text.isascii():
        return text
    return _LONE_HAN.sub(" ", text)
