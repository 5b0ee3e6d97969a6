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
    return bool(text) and _HAN_RUN.search(text) is not None


def segment(text: str) -> str:
    """Split Chinese runs into space-separated words; spaces also part Chinese from adjacent letters."""
    if not has_han(text):
        return text
    cut = _cutter("accurate")
    out: list[str] = []
    pos = 0
    for match in _HAN_RUN.finditer(text):
        start, end = match.span()
        out.append(text[pos:start])
        words = " ".join(w for w in cut(match.group()) if w.strip())
        # Only alphanumerics need a separator: the tokenizer already splits on punctuation and spaces.
        if start > 0 and text[start - 1].isalnum():
            words = " " + words
        if end < len(text) and text[end].isalnum():
            words += " "
        out.append(words)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def fine_words(text: str) -> list[str]:
    """The search-mode sub-words of every Chinese run (头戴式显示器 → 头戴, 头戴式, 显示, 显示器)."""
    if not has_han(text):
        return []
    cut = _cutter("search")
    return [w for run in _HAN_RUN.findall(text) for w in cut(run) if w.strip()]


def desegment(text: str) -> str:
    """Remove the spaces segmentation put between CJK characters (tags such as <b> are kept)."""
    if not text:
        return text
    return _CJK_GAP.sub(r"\1", text)
