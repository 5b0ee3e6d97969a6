"""Features: what a record looks like to the model, and the one scikit-learn feature union."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from classify.codemap import code_prefixes, normalize_code, weak_labels_from_codes
from classify.taxonomy import TAXONOMY, Taxonomy
from classify.weak import RELEVANCE_THRESHOLD, WeakLabels, has_cjk, normalize_text, weak_labels_from_text
from vrscope.records import Patent, Standard

if TYPE_CHECKING:
    import rjieba
    from sklearn.compose import ColumnTransformer

TEXT, CODES, HINTS = 0, 1, 2  # columns of the model's input matrix
_TOKEN = re.compile(r"[a-z0-9]+|[\u3400-\u9fff\uf900-\ufaff]+")
_STOP = frozenset(
    "a an and are as at be by for from has have in into is it its of on or that the their this to was "
    "were which with within not no can may shall should be been being such than other also these those "
    "i ii iii iv v".split())
_TAXONOMY_KINDS = {"anchor": "a", "term": "t", "negative": "neg"}


@dataclass(frozen=True)
class Doc:
    """One document as the model sees it: all its text, its title, code tokens and rule-evidence tokens."""

    text: str
    codes: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    title: str = ""

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


def _concept_tokens(weak: WeakLabels, prefix: str = "") -> list[str]:
    """'a:<concept>' per anchor, 't:<concept>' per plain term, 'neg:<concept>' per off-topic match."""
    out = []
    for item in weak.evidence:
        kind, _, rest = item.partition(":")
        if kind in _TAXONOMY_KINDS:
            out.append(f"{prefix}{_TAXONOMY_KINDS[kind]}:{rest.partition(':')[0]}")
    return out


def hint_tokens(weak: WeakLabels, title: WeakLabels | None = None, codes: WeakLabels | None = None,
                parents: dict[str, str] | None = None) -> list[str]:
    """Rule evidence as tokens, so the model learns how far to trust taxonomy terms and code maps."""
    levels = [f"hint:rel>={t}" for t in (0.1, 0.4, RELEVANCE_THRESHOLD) if weak.score >= t]
    out = levels + sorted(f"hint:{t}" for t in weak.targets() if t != "relevant")
    concepts = _concept_tokens(weak)
    out += concepts
    if parents is not None:  # how many distinct concepts back each technology
        ids = [c.partition(":")[2] for c in concepts if not c.startswith("neg:")]
        support = Counter(parents[i] for i in ids if i in parents)
        out += [f"n:{tech}>={k}" for tech, n in support.items() for k in (2, 3) if n >= k]
    if title is not None:
        out += _concept_tokens(title, "T")
        out += [f"T{t}" for t in ("rel>=0.75",) if title.relevant]
    if codes is not None:
        out += [f"code:rel>={t}" for t in (0.4, RELEVANCE_THRESHOLD) if codes.score >= t]
        out += sorted(f"code:{t}" for t in codes.targets() if t != "relevant")
    return out


def doc_from_record(record: Patent | Standard) -> Doc:
    """Text of every language (sorted for stability) plus CPC/IPC or ICS/committee tokens."""
    texts = record.texts()
    text = "\n".join(texts[lang] for lang in sorted(texts))
    codes: list[str] = []
    if record.doc_type == "patent":
        codes = code_tokens("cpc", record.cpc) + code_tokens("ipc", record.ipc)
        title = "\n".join(record.titles[lang] for lang in sorted(record.titles))
    else:
        codes = ics_tokens(record.ics) + committee_tokens(record.committee)
        title = "\n".join(t for t in (record.title_zh, record.title_en) if t)
    return Doc(text, tuple(codes), title=title)


@functools.lru_cache(maxsize=8)
def _parents(taxonomy: Taxonomy) -> dict[str, str]:
    """Sub-topic → technology, plus technology → itself."""
    out = {s: taxonomy.parent_of(s) for s in taxonomy.subtopic_ids()}
    return out | {t: t for t in taxonomy.tech_ids()}


def document(item: Patent | Standard | str, taxonomy: Taxonomy = TAXONOMY) -> tuple[Doc, WeakLabels]:
    """The model's view of a record or text (rule evidence included as hint tokens) and that evidence."""
    doc = Doc(item) if isinstance(item, str) else doc_from_record(item)
    weak = weak_labels_from_text(doc.text, taxonomy)
    codes: WeakLabels | None = None
    if isinstance(item, Patent):
        codes = weak_labels_from_codes(item.cpc, item.ipc, taxonomy=taxonomy)
    elif isinstance(item, Standard):
        codes = weak_labels_from_codes(ics=item.ics, committee=item.committee, taxonomy=taxonomy)
    if codes is not None:
        weak = codes | weak
    title = weak_labels_from_text(doc.title, taxonomy) if doc.title else None
    hints = hint_tokens(weak, title, codes, _parents(taxonomy))
    return Doc(doc.text, doc.codes, tuple(hints), doc.title), weak


def as_matrix(docs: Sequence[Doc]) -> np.ndarray:
    """The feature union's input: an (n, 3) object array of [text, code string, hint string]."""
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


_STEMS: dict[str, str] = {}


def _stem(word: str) -> str:
    """A very light English stemmer: plural endings only ('displays' → 'display'); memoized."""
    stem = _STEMS.get(word)
    if stem is None:
        stem = word
        if len(word) > 4 and word.endswith("ies"):
            stem = word[:-3] + "y"
        elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
            stem = word[:-1]
        if len(_STEMS) < 500_000:
            _STEMS[word] = stem
    return stem


def segment(text: str) -> list[str]:
    """Word tokens: jieba for Chinese runs, plain (lightly stemmed) words otherwise; stop words dropped."""
    out: list[str] = []
    cut = None
    for tok in _TOKEN.findall(normalize_text(text).lower()):
        if tok[0] >= "\u3400":
            cut = cut or _segmenter().cut
            out.extend(w for w in cut(tok) if not w.isspace())
        elif tok not in _STOP and not tok.isdigit():
            out.append(_stem(tok))
    return out


def analyze(text: str) -> list[str]:
    """Word unigrams and adjacent bigrams of the segmented text (the word vectorizer's analyzer)."""
    words = segment(text)
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def build_features(hint_weight: float = 1.0, code_weight: float = 1.0, word_weight: float = 1.0,
                   min_df: int = 2, max_word_features: int = 60_000) -> ColumnTransformer:
    """Word (jieba + plain) uni/bigram TF-IDF ∪ code tokens ∪ binary rule-evidence hints."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    return ColumnTransformer([
        ("word", TfidfVectorizer(analyzer=analyze, sublinear_tf=True, min_df=min_df,
                                 max_features=max_word_features, dtype=np.float32), TEXT),
        ("codes", TfidfVectorizer(token_pattern=r"\S+", lowercase=False, sublinear_tf=True,
                                  dtype=np.float32), CODES),
        # Rule evidence as unnormalized binary features: not diluted by long texts or many codes.
        ("hints", CountVectorizer(token_pattern=r"\S+", lowercase=False, binary=True, dtype=np.float32),
         HINTS),
    ], transformer_weights={"word": word_weight, "codes": code_weight, "hints": hint_weight})


def feature_names(features: ColumnTransformer) -> list[str]:
    """Readable names of the fitted features: 'word:…', 'code:…', 'hint:…'."""
    out: list[str] = []
    for name, transformer, _ in features.transformers_:
        if name == "remainder":
            continue
        prefix = {"word": "word", "codes": "code", "hints": "hint"}[name]
        out += [f"{prefix}:{t}" for t in transformer.get_feature_names_out()]
    return out


def compact_vocabularies(features: ColumnTransformer) -> None:
    """Store fitted vocabularies with plain int values: skops writes each numpy scalar as its own file."""
    for _, transformer, _ in features.transformers_:
        vocabulary = getattr(transformer, "vocabulary_", None)
        if vocabulary is not None:
            transformer.vocabulary_ = {term: int(index) for term, index in vocabulary.items()}
        if hasattr(transformer, "stop_words_"):  # introspection only, can be large
            transformer.stop_words_ = None
