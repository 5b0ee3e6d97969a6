"""Words of a text for the word features: jieba for Chinese runs, plain lightly stemmed English words
otherwise (stop words and numbers dropped), and the character bigrams of the Chinese runs."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING

from classify.weak import has_cjk, normalize_text

if TYPE_CHECKING:
    import rjieba

_CJK_RUN = re.compile(r"([\u3400-\u9fff\uf900-\ufaff]+)")  # one group: re.split keeps the runs
_ALNUM = re.compile(r"[a-z0-9]+")
# ASCII text: every character but a-z and 0-9 to a space, so str.split gives _ALNUM's tokens
_ASCII_SPACES = str.maketrans({chr(c): " " for c in range(128)
                               if not ("a" <= chr(c) <= "z" or "0" <= chr(c) <= "9")})
_STOP = frozenset(
    "a an and are as at be by for from has have in into is it its of on or that the their this to was "
    "were which with within not no can may shall should be been being such than other also these those "
    "i ii iii iv v".split())
# Overlapping character bigrams of CJK runs: a zero-width look-ahead with one group, so re.findall (and a
# scikit-learn token_pattern) yields '近眼', '眼显', '显示' for '近眼显示' with no Python loop per token.
CJK_BIGRAM = r"(?=([\u3400-\u9fff\uf900-\ufaff]{2}))"
_CJK_BIGRAMS = re.compile(CJK_BIGRAM)


@functools.lru_cache(maxsize=1)
def _segmenter() -> rjieba.Jieba:
    """A private jieba instance that knows the taxonomy's Chinese terms (built on first use)."""
    import rjieba

    from classify.taxonomy import TAXONOMY

    jieba = rjieba.Jieba()
    for concept in TAXONOMY.concepts():
        for term in concept.all_terms("zh"):
            if has_cjk(term) and len(term) > 1:
                jieba.add_word(normalize_text(term).lower(), 2000, None)
    return jieba


_WORDS: dict[str, str] = {}  # English token → its stem, or "" for a stop word or a number (memo)


def _stem(word: str) -> str:
    """A very light English stemmer: plural endings only ('displays' → 'display')."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _word(token: str) -> str:
    """The feature word of an English token ('' to drop it), memoized."""
    word = "" if token in _STOP or token.isdigit() else _stem(token)
    if len(_WORDS) < 500_000:
        _WORDS[token] = word
    return word


def _add_plain_words(text: str, out: list[str]) -> None:
    """Append the feature words of lower-cased text with no Chinese character: one ``dict.get`` pass
    over its tokens (the memo), the rare unseen token worked out by _word."""
    tokens = text.translate(_ASCII_SPACES).split() if text.isascii() else _ALNUM.findall(text)
    words = list(map(_WORDS.get, tokens))
    if None in words:
        words = [_word(token) if word is None else word for token, word in zip(tokens, words, strict=True)]
    out += filter(None, words)


def segment(text: str) -> list[str]:
    """Word tokens: jieba for Chinese runs, plain (lightly stemmed) words otherwise; stop words dropped.

    Tokens are runs of a-z/0-9 or of CJK characters in the lower-cased NFKC text; no token spans a line
    break, so each line is cut on its own and an ASCII line (most English text) needs no regex.
    """
    if not unicodedata.is_normalized("NFKC", text):  # tokens ignore separators: NFKC is all it needs
        text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    for line in text.lower().split("\n"):
        if line.isascii():
            _add_plain_words(line, out)
            continue
        for i, part in enumerate(_CJK_RUN.split(line)):  # plain text, a CJK run, plain text, …
            if i % 2:
                out += _segmenter().cut(part)  # a run of CJK characters: no spaces to drop
            elif part:
                _add_plain_words(part, out)
    return out


def cjk_bigrams(text: str) -> list[str]:
    """Overlapping character bigrams of the text's Chinese runs ('光波导 ok' → ['光波', '波导']).

    Jieba may cut a term one way in one text and another way in the next (近眼显示 / 近眼 显示, 光波导 /
    波导); the bigrams are the same either way. Text with no CJK character gives none, and an ASCII text
    costs one ``str.isascii`` check.
    """
    return [] if text.isascii() else _CJK_BIGRAMS.findall(text)
