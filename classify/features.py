"""Features: what a record looks like to the model, and the one scikit-learn pipeline."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from classify.codemap import code_prefixes, normalize_code
from classify.weak import RELEVANCE_THRESHOLD, WeakLabels, has_cjk, normalize_text

if TYPE_CHECKING:
    import rjieba
    from sklearn.pipeline import Pipeline

    from vrscope.records import Patent, Standard

TEXT, CODES, HINTS = 0, 1, 2  # columns of the model's input matrix
_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Doc:
    """One document as the model sees it: all its text, its code tokens and its rule-evidence tokens."""

    text: str
    codes: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()

    @property
    def code_string(self) -> str:
        """Code tokens joined for the code vectorizer (always non-empty)."""
        return " ".join(("doc", *self.codes))

    @property
    def hint_string(self) -> str:
        """Hint tokens joined for the hint vectorizer (always non-empty)."""
        return " ".join(("hint", *self.hints))


def code_tokens(scheme: str, codes: Iterable[str]) -> list[str]:
    """Hierarchical tokens for CPC/IPC codes: 'cpc:G02B', 'cpc:G02B27', 'cpc:G02B27/01', …"""
    out: list[str] = []
    for raw in codes:
        norm = normalize_code(raw)
        if norm:
            out.extend(f"{scheme}:{p}" for p in reversed(code_prefixes(norm)) if f"{scheme}:{p}" not in out)
    return out


def ics_tokens(codes: Iterable[str]) -> list[str]:
    """Hierarchical ICS tokens: '35.240.15' → 'ics:35', 'ics:35.240', 'ics:35.240.15'."""
    out: list[str] = []
    for code in codes:
        parts = code.strip().split(".")
        out.extend(f"ics:{'.'.join(parts[:n])}" for n in range(1, len(parts) + 1))
    return list(dict.fromkeys(out))


def committee_tokens(committee: str | None) -> list[str]:
    """One token per committee named in the field ('committee:ISO/IEC_JTC_1/SC_29')."""
    if not committee:
        return []
    names = [n.strip().removeprefix("technicalCommittee:") for n in re.split(r"[;；]", committee)]
    return [f"committee:{'_'.join(n.split())}" for n in names if n]


def hint_tokens(weak: WeakLabels) -> list[str]:
    """Rule evidence as tokens, so the model learns how far to trust taxonomy and code maps."""
    levels = [f"hint:rel>={t}" for t in (0.1, 0.4, RELEVANCE_THRESHOLD) if weak.score >= t]
    return levels + sorted(f"hint:{t}" for t in weak.targets() if t != "relevant")


def doc_from_record(record: Patent | Standard) -> Doc:
    """Text of every language (sorted for stability) plus CPC/IPC or ICS/committee tokens."""
    texts = record.texts()
    text = "\n".join(texts[lang] for lang in sorted(texts))
    codes: list[str] = []
    if record.doc_type == "patent":
        codes = code_tokens("cpc", record.cpc) + code_tokens("ipc", record.ipc)
    else:
        codes = ics_tokens(record.ics) + committee_tokens(record.committee)
    return Doc(text, tuple(codes))


def as_matrix(docs: Sequence[Doc]) -> np.ndarray:
    """The pipeline's input: an (n, 3) object array of [text, code string, hint string]."""
    out = np.empty((len(docs), 3), dtype=object)
    for i, doc in enumerate(docs):
        out[i, TEXT] = doc.text
        out[i, CODES] = doc.code_string
        out[i, HINTS] = doc.hint_string
    return out


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


def segment(text: str) -> list[str]:
    """Word tokens: jieba for Chinese, plain words for the rest; lower-cased, punctuation dropped."""
    norm = normalize_text(text).lower()
    return [tok for tok in (t.strip() for t in _segmenter().cut(norm)) if tok and _WORD.search(tok)]


def build_pipeline(c: float = 4.0, hint_weight: float = 1.0, max_char_features: int = 200_000,
                   max_word_features: int = 100_000) -> Pipeline:
    """TF-IDF char n-grams ∪ jieba word n-grams ∪ code tokens ∪ binary hints → one-vs-rest LR."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import Pipeline

    features = ColumnTransformer([
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True,
                                 max_features=max_char_features, dtype=np.float32), TEXT),
        ("word", TfidfVectorizer(tokenizer=segment, token_pattern=None, lowercase=False,
                                 ngram_range=(1, 2), sublinear_tf=True, max_features=max_word_features,
                                 dtype=np.float32), TEXT),
        ("codes", TfidfVectorizer(token_pattern=r"\S+", lowercase=False, sublinear_tf=True,
                                  dtype=np.float32), CODES),
        # Rule evidence as unnormalized binary features: not diluted by long texts or many codes.
        ("hints", CountVectorizer(token_pattern=r"\S+", lowercase=False, binary=True, dtype=np.float32),
         HINTS),
    ], transformer_weights={"char": 1.0, "word": 1.0, "codes": 1.0, "hints": hint_weight})
    model = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=1000)
    return Pipeline([("features", features), ("clf", OneVsRestClassifier(model))])


def compact_vocabularies(pipeline: Pipeline) -> None:
    """Store fitted vocabularies with plain int values: skops writes each numpy scalar as its own file."""
    for _, transformer, _ in pipeline.named_steps["features"].transformers_:
        vocabulary = getattr(transformer, "vocabulary_", None)
        if vocabulary is not None:
            transformer.vocabulary_ = {term: int(index) for term, index in vocabulary.items()}
        if hasattr(transformer, "stop_words_"):  # introspection only, can be large
            transformer.stop_words_ = None
