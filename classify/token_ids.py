"""Fast paths of classify.features.transform: the column ids of a batch's tokens, found with one
``dict.get`` pass (words, codes, hints) or in numpy (character bigrams of Chinese runs), giving the
same tokens as the fitted vectorizers without scikit-learn's per-token loop."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

_MISSING = itertools.repeat(-1)  # dict.get's default for every token


def simple(vectorizer: Any, token_pattern: str) -> bool:
    """True when the vectorizer's tokens are exactly ``re.findall(token_pattern, text)``."""
    v = vectorizer
    return (v.analyzer == "word" and v.token_pattern == token_pattern and not v.lowercase
            and v.preprocessor is None and v.tokenizer is None and not v.stop_words
            and v.strip_accents is None and tuple(v.ngram_range) == (1, 1))


def _fast_analyzer(vectorizer: Any) -> Callable[[str], list[str]]:
    """The vectorizer's analyzer; ``str.split`` for the code and hint vectorizers (same tokens)."""
    return str.split if simple(vectorizer, r"\S+") else vectorizer.build_analyzer()


def token_ids(vectorizer: Any, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(column ids, CSR row pointer) of the tokens of the texts found in the vectorizer's vocabulary,
    one ``dict.get`` pass."""
    get = vectorizer.vocabulary_.get
    analyzer = _fast_analyzer(vectorizer)
    ids: list[int] = []  # column id per token, -1 for tokens outside the vocabulary
    lengths: list[int] = []
    for text in texts:
        before = len(ids)
        ids += map(get, analyzer(text), _MISSING)
        lengths.append(len(ids) - before)
    return _known(ids, lengths)


def _known(ids: list[int], lengths: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(column ids, CSR row pointer) of the ids found (>= 0), given every text's count of ids."""
    cols = np.fromiter(ids, dtype=np.int64, count=len(ids))
    rows = np.repeat(np.arange(len(lengths)), np.array(lengths, dtype=np.int64))
    known = cols >= 0
    return cols[known], np.searchsorted(rows[known], np.arange(len(lengths) + 1))


_BIGRAM_TABLES: dict[int, tuple[dict[str, int], np.ndarray, np.ndarray]] = {}  # id(vocabulary) → table
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the top bits of code × this


def _pair_codes(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """One uint64 per character pair: first code point in the high half, second in the low (never 0)."""
    return (first.astype(np.uint64) << np.uint64(32)) | second.astype(np.uint64)


def _slots(codes: np.ndarray, size: int) -> np.ndarray:
    """Each code's home slot in a table of ``size`` (a power of two) slots."""
    return ((codes * _MULTIPLIER) >> np.uint64(64 - size.bit_length() + 1)).astype(np.int64)


def _hash_table(codes: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pair codes and their column ids in an open-addressing hash table (linear probing, at most 1/4
    full): keys (0 = empty slot) and column ids, for _lookup."""
    size = 1 << max(4, (4 * len(codes)).bit_length())
    keys = np.zeros(size, dtype=np.uint64)
    columns = np.full(size, -1, dtype=np.int64)
    for code, value, slot in zip(codes.tolist(), values.tolist(), _slots(codes, size).tolist(), strict=True):
        while keys[slot]:
            slot = (slot + 1) & (size - 1)
        keys[slot], columns[slot] = code, value
    return keys, columns


def _bigram_table(vocabulary: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """The vocabulary's character bigrams in a hash table (_hash_table). Built once per vocabulary,
    then cached."""
    hit = _BIGRAM_TABLES.get(id(vocabulary))
    if hit is None or hit[0] is not vocabulary:
        terms = list(vocabulary)
        points = np.array([[ord(t[0]), ord(t[1])] for t in terms], dtype=np.uint32).reshape(-1, 2)
        keys, columns = _hash_table(_pair_codes(points[:, 0], points[:, 1]),
                                    np.array([vocabulary[t] for t in terms], dtype=np.int64))
        if len(_BIGRAM_TABLES) >= 8:
            _BIGRAM_TABLES.clear()
        hit = _BIGRAM_TABLES[id(vocabulary)] = (vocabulary, keys, columns)
    return hit[1], hit[2]


def _lookup(codes: np.ndarray, keys: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """The column id of each pair code (-1 when absent): every code probes its next slot at once."""
    out = np.full(len(codes), -1, dtype=np.int64)
    slots = _slots(codes, len(keys))
    pending = np.arange(len(codes))
    while len(pending):
        found = keys[slots] == codes[pending]
        out[pending[found]] = columns[slots[found]]
        going = ~found & (keys[slots] != 0)  # an empty slot ends the search: absent
        pending, slots = pending[going], (slots[going] + 1) & (len(keys) - 1)
    return out


def cjk_bigram_ids(vocabulary: dict[str, int], texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(column ids, CSR row pointer) of the texts' CJK bigrams in the vocabulary, as ``cjk_bigrams``
    finds them, with numpy over the batch's code points: no Python loop per token, ASCII texts skipped."""
    rows = [i for i, text in enumerate(texts) if not text.isascii()]
    if not rows or not vocabulary:
        return np.zeros(0, dtype=np.int64), np.zeros(len(texts) + 1, dtype=np.int64)
    chosen = [texts[i] for i in rows]
    points = np.frombuffer("\n".join(chosen).encode("utf-32-le"), dtype="<u4")  # "\n" ends each run
    cjk = ((points - 0x3400) <= 0x9FFF - 0x3400) | ((points - 0xF900) <= 0xFAFF - 0xF900)  # wraps below
    at = np.flatnonzero(cjk[:-1] & cjk[1:])  # where a bigram starts
    cols = _lookup(_pair_codes(points[at], points[at + 1]), *_bigram_table(vocabulary))
    found = cols >= 0
    starts = np.cumsum(np.fromiter(map(len, chosen), dtype=np.int64, count=len(chosen)) + 1)  # next text
    counts = np.zeros(len(texts) + 1, dtype=np.int64)
    counts[np.array(rows) + 1] = np.diff(np.searchsorted(at[found], starts), prepend=0)
    return cols[found], np.cumsum(counts)


_WORD_TABLES: dict[int, tuple[dict[str, int], dict[str, int], int, np.ndarray, np.ndarray]] = {}


def _word_table(vocabulary: dict[str, int]) -> tuple[dict[str, int], int, np.ndarray, np.ndarray]:
    """What word_ids needs of a vocabulary, built once per vocabulary, then cached: an id per word
    (a one-word term's own column; from ``first`` on, the other words of two-word terms), ``first``,
    and the two-word terms ('near eye') in a hash table keyed by the pair codes of their words' ids."""
    hit = _WORD_TABLES.get(id(vocabulary))
    if hit is None or hit[0] is not vocabulary:
        index = {term: column for term, column in vocabulary.items() if " " not in term}
        first = next_id = max(vocabulary.values(), default=-1) + 1
        pairs: list[tuple[int, int, int]] = []  # (first word's id, second word's id, column)
        for term, column in vocabulary.items():
            head, space, tail = term.partition(" ")
            if space and " " not in tail:
                for word in (head, tail):
                    if word not in index:
                        index[word], next_id = next_id, next_id + 1
                pairs.append((index[head], index[tail], column))
        table = np.array(pairs, dtype=np.int64).reshape(-1, 3)
        keys, columns = _hash_table(_pair_codes(table[:, 0] + 1, table[:, 1] + 1), table[:, 2])
        if len(_WORD_TABLES) >= 8:
            _WORD_TABLES.clear()
        hit = _WORD_TABLES[id(vocabulary)] = (vocabulary, index, first, keys, columns)
    return hit[1:]


def word_ids(vocabulary: dict[str, int], texts: Sequence[str],
             segment: Callable[[str], list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """(column ids, CSR row pointer) of the texts' words and adjacent word pairs in the vocabulary: the
    tokens of ``features.analyze`` (``segment``'s words, then each pair joined by a space) with one
    ``dict.get`` pass per text (word → id), the pairs looked up with numpy over the whole batch. Words
    never hold a space, so a pair's string is a term exactly when both words and the pair are known."""
    index, first, keys, columns = _word_table(vocabulary)
    get = index.get
    ids: list[int] = []  # id per word (-1: in no term), then -1 to end the text (no pair across texts)
    lengths: list[int] = []
    for text in texts:
        before = len(ids)
        ids += map(get, segment(text), _MISSING)
        ids.append(-1)
        lengths.append(len(ids) - before)
    words = np.fromiter(ids, dtype=np.int64, count=len(ids))
    rows = np.repeat(np.arange(len(texts)), np.array(lengths, dtype=np.int64))
    single = (words >= 0) & (words < first)  # a one-word term
    at = np.flatnonzero((words[:-1] >= 0) & (words[1:] >= 0))  # where a pair of known words starts
    pair_columns = _lookup(_pair_codes(words[at] + 1, words[at + 1] + 1), keys, columns)
    found = pair_columns >= 0
    cols = np.concatenate([words[single], pair_columns[found]])
    rows = np.concatenate([rows[single], rows[at[found]]])
    order = np.argsort(rows, kind="stable")
    return cols[order], np.searchsorted(rows[order], np.arange(len(texts) + 1))
