"""Chinese word segmentation for the index: rjieba on Han runs, other text left as it is."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

# Han ideographs (URO, extension A, compatibility, extensions B–F).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
_HAN_RUN = re.compile(f"[{_HAN}]+")
# What counts as CJK when removing display spaces: Han plus CJK and full-width punctuation.
_CJK = f"{_HAN}\u3000-\u303f\uff00-\uffef"
# A space between two CJK characters, possibly with HTML tags (<b>, </b>) on either side of it.
_CJK_GAP = re.compile(f"(?<=[{_CJK}])((?:<[^<>]*>)*) +(?=(?:<[^<>]*>)*[{_CJK}])")


@cache
def _cutter() -> Callable[[str], list[str]]:
    """rjieba's accurate-mode cut, imported on first use (importing rjieba loads its dictionary)."""
    import rjieba

    return rjieba.cut


@cache
def _in_dictionary() -> Callable[[str], bool]:
    """Whether a word is in rjieba's dictionary."""
    import rjieba

    return rjieba.has_word


@lru_cache(maxsize=1 << 16)
def _sub_words(word: str) -> tuple[str, ...]:
    """The dictionary words of two, then of three characters inside a word (显示器 → 显示)."""
    known = _in_dictionary()
    size = len(word)
    pairs = [word[i : i + 2] for i in range(size - 1)] if size > 2 else []
    triples = [word[i : i + 3] for i in range(size - 2)] if size > 3 else []
    return tuple(gram for gram in pairs + triples if known(gram))


_LONG_WORD = re.compile("[^ ]{3,}")


def _search_text(spaced: str) -> str:
    """rjieba's search-mode words (cut_for_search), space-separated, from its accurate-mode words.

    spaced is the accurate-mode words joined by spaces, " \\n " between runs. cut_for_search is cut plus
    the dictionary sub-words of each word over two characters: the same words the same number of times
    come out here without cutting again, words first and sub-words after (the sub-word field has no
    positions, so the order does not matter).
    """
    words = spaced.replace(" \n ", " ")
    subs = [sub for word in _LONG_WORD.findall(words) for sub in _sub_words(word)]
    return f"{words} {' '.join(subs)}" if subs else words


def has_han(text: str) -> bool:
    """Whether the text contains any Chinese (Han) character."""
    # isascii() is a C-speed early out for the common all-English text (the regex scan is not).
    return bool(text) and not text.isascii() and _HAN_RUN.search(text) is not None


def _han_runs(text: str) -> list[re.Match[str]]:
    """The maximal runs of Han characters in text."""
    if not text or text.isascii():
        return []
    return list(_HAN_RUN.finditer(text))


def _spaced(runs: list[str]) -> str:
    """The accurate-mode words of all the runs joined by spaces, with one rjieba call; " \\n " parts runs."""
    # rjieba never joins words across a newline, so cutting the runs joined by newlines gives each
    # run's words exactly as cutting them one by one would, without a Python→Rust call per run.
    return " ".join(_cutter()("\n".join(runs))) if runs else ""


def _per_run(runs: list[str], spaced: str) -> list[str]:
    """Each run's words joined by spaces, from all the runs' words joined by spaces (_spaced)."""
    if not runs:
        return []
    joined = spaced.split(" \n ")
    if len(joined) != len(runs):  # never expected; stay correct if rjieba ever changes
        cut = _cutter()
        return [" ".join(w for w in cut(run) if w.strip()) for run in runs]
    return joined


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
    runs = [m.group() for m in matches]
    return _rebuild(text, matches, _per_run(runs, _spaced(runs)))


def fine_words(text: str) -> list[str]:
    """The search-mode sub-words of every Chinese run (头戴式显示器 → 头戴, 头戴式, 显示, 显示器)."""
    runs = [m.group() for m in _han_runs(text)]
    return _search_text(_spaced(runs)).split() if runs else []


def segment_all(texts: list[str]) -> tuple[list[str], str]:
    """segment() of each text and fine_words() of all of them together (space-separated), one rjieba call."""
    found = [_han_runs(text) for text in texts]
    runs = [m.group() for matches in found for m in matches]
    if not runs:
        return list(texts), ""
    spaced = _spaced(runs)
    words = iter(_per_run(runs, spaced))
    segmented = [
        _rebuild(text, matches, [next(words) for _ in matches])
        for text, matches in zip(texts, found, strict=True)
    ]
    return segmented, _search_text(spaced)


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
