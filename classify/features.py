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
from classify.token_ids import cjk_bigram_ids, simple, token_ids, word_ids
from classify.weak import RELEVANCE_THRESHOLD, WeakLabels, weak_labels_from_text
from classify.words import CJK_BIGRAM, segment
from vrscope.records import Patent, Standard

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix
    from sklearn.compose import ColumnTransformer

TEXT, CODES, HINTS = 0, 1, 2  # columns of the model's input matrix
_TAXONOMY_KINDS = {"anchor": "a", "term": "t", "negative": "neg"}
_LEVELS = tuple((t, f"hint:rel>={t}") for t in (0.1, 0.4, RELEVANCE_THRESHOLD))


@dataclass(frozen=True)
class Doc:
    """One document as the model sees it: all its text, its title, code tokens and rule-evidence tokens."""

    text: str
    codes: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    title: str = ""
    part: str = ""  # the part's own title when the title names a part of a series ('Part 3: …')

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
            out.extend(token for token in _code_chain(scheme, norm) if token not in out)
    return out


@functools.lru_cache(maxsize=1 << 16)
def _code_chain(scheme: str, code: str) -> tuple[str, ...]:
    """'<scheme>:<prefix>' for each prefix of a canonical code, broadest first (memoized)."""
    return tuple(f"{scheme}:{p}" for p in reversed(code_prefixes(code)))


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


_EVIDENCE: dict[str, tuple[str, str] | tuple[()]] = {}  # evidence → (kind, concept), () if not a term's


def _matched(weak: WeakLabels) -> list[tuple[str, str]]:
    """(kind, concept) per taxonomy match: kind 'a' anchor, 't' plain term, 'neg' off-topic term."""
    out = []
    known = _EVIDENCE.get
    for item in weak.evidence:  # 'anchor:<concept>:<term>', 'cpc:<code>', …: the same few again and again
        match = known(item)
        if match is None:
            kind, _, rest = item.partition(":")
            match = (_TAXONOMY_KINDS[kind], rest.partition(":")[0]) if kind in _TAXONOMY_KINDS else ()
            if len(_EVIDENCE) < 100_000:
                _EVIDENCE[item] = match
        if match:
            out.append(match)
    return out


def _concept_tokens(weak: WeakLabels, prefix: str = "") -> list[str]:
    """'a:<concept>' per anchor, 't:<concept>' per plain term, 'neg:<concept>' per off-topic match."""
    return [f"{prefix}{kind}:{concept}" for kind, concept in _matched(weak)]


def _tech_tokens(matched: list[tuple[str, str]], parents: dict[str, str], prefix: str,
                 named: bool) -> list[str]:
    """'<prefix>s:<tech>' per technology a sub-topic's term backs; with ``named`` also '<prefix>t:<tech>'
    per technology named by its own anchor or term (an anchor counts as a term too)."""
    backed: set[str] = set()
    own: set[str] = set()
    for kind, concept in matched:
        tech = parents.get(concept)
        if tech is not None and kind != "neg":
            (own if tech == concept else backed).add(tech)
    out = [f"{prefix}s:{t}" for t in sorted(backed)]
    return out + [f"{prefix}t:{t}" for t in sorted(own)] if named else out


def hint_tokens(weak: WeakLabels, title: WeakLabels | None = None, codes: WeakLabels | None = None,
                parents: dict[str, str] | None = None) -> list[str]:
    """Rule evidence as tokens, so the model learns how far to trust taxonomy terms and code maps.

    With ``parents`` (concept → technology) a sub-topic's specific term also gives 's:<tech>' (and
    'Ts:<tech>' in the title): a technology's generic words back it less than a sub-topic's, and one
    token per technology lets what is learnt from one sub-topic carry over to its siblings.
    """
    levels = [token for t, token in _LEVELS if weak.score >= t]
    out = levels + sorted(f"hint:{t}" for t in weak.targets() if t != "relevant")
    matched = _matched(weak)
    out += [f"{kind}:{concept}" for kind, concept in matched]
    if parents is not None:  # how many distinct concepts back each technology
        support = Counter(parents[c] for kind, c in matched if kind != "neg" and c in parents)
        out += [f"n:{tech}>={k}" for tech, n in support.items() for k in (2, 3) if n >= k]
        out += _tech_tokens(matched, parents, "", named=False)
    if title is not None:
        titled = _matched(title)
        out += [f"T{kind}:{concept}" for kind, concept in titled]
        out += [f"T{t}" for t in ("rel>=0.75",) if title.relevant]
        if parents is not None:
            out += _tech_tokens(titled, parents, "T", named=True)
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
        part = "\n".join(part_title(t) for t in (record.title_zh, record.title_en) if t)
        return Doc(text, tuple(codes), title=title, part=part if part != title else "")
    return Doc(text, tuple(codes), title=title)


_PART = re.compile(r"(?:\bPart\s*\d+(?:[-.]\d+)*\s*[:：]|第\s*\d+(?:[-.]\d+)*\s*部分\s*[:：])", re.I)


def part_title(title: str) -> str:
    """What one part of a multi-part standard is about: the title after its last 'Part N:' / '第N部分：'.

    'Coded representation of immersive media - Part 3: Versatile video coding' → 'Versatile video
    coding'. The series title still counts as text; the title features describe the part itself.
    A title with no part marker is returned whole.
    """
    marks = list(_PART.finditer(title))
    rest = title[marks[-1].end():].strip() if marks else ""
    return rest or title


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
    if doc.part:  # what the part itself is about, beside the series title
        part = weak_labels_from_text(doc.part, taxonomy)
        hints += _concept_tokens(part, "P") + (["Prel>=0.75"] if part.relevant else ["Prel<0.75"])
    return Doc(doc.text, doc.codes, tuple(hints), doc.title, doc.part), weak


def as_matrix(docs: Sequence[Doc]) -> np.ndarray:
    """The feature union's input: an (n, 3) object array of [text, code string, hint string]."""
    out = np.empty((len(docs), 3), dtype=object)
    for i, doc in enumerate(docs):
        out[i, TEXT] = doc.text
        out[i, CODES] = doc.code_string
        out[i, HINTS] = doc.hint_string
    return out


def analyze(text: str) -> list[str]:
    """Word unigrams and adjacent bigrams of the segmented text (the word vectorizer's analyzer)."""
    words = segment(text)
    return words + list(map(" ".join, zip(words, words[1:], strict=False)))


def build_features(hint_weight: float = 1.0, code_weight: float = 1.0, word_weight: float = 1.0,
                   min_df: int = 2, max_word_features: int = 60_000, char_weight: float = 0.0,
                   char_ngrams: tuple[int, int] = (2, 4),
                   max_char_features: int = 100_000, cjk_weight: float = 0.0,
                   max_cjk_features: int = 50_000) -> ColumnTransformer:
    """Word (jieba + plain) uni/bigram TF-IDF ∪ code tokens ∪ binary rule-evidence hints.

    ``char_weight`` > 0 adds character n-gram TF-IDF (``char_wb``, ``char_ngrams``) of the same text;
    ``cjk_weight`` > 0 adds TF-IDF of the character bigrams of its Chinese runs only (``cjk_bigrams``).
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    chars = [("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=char_ngrams, sublinear_tf=True,
                                       min_df=min_df, max_features=max_char_features, dtype=np.float32),
              TEXT)] if char_weight > 0 else []
    # A token pattern rather than a callable analyzer: nothing new for the saved model's allow-list.
    cjk = [("cjk", TfidfVectorizer(token_pattern=CJK_BIGRAM, lowercase=False, sublinear_tf=True,
                                   min_df=min_df, max_features=max_cjk_features, dtype=np.float32),
            TEXT)] if cjk_weight > 0 else []
    return ColumnTransformer([
        ("word", TfidfVectorizer(analyzer=analyze, sublinear_tf=True, min_df=min_df,
                                 max_features=max_word_features, dtype=np.float32), TEXT),
        *chars,
        *cjk,
        ("codes", TfidfVectorizer(token_pattern=r"\S+", lowercase=False, sublinear_tf=True,
                                  dtype=np.float32), CODES),
        # Rule evidence as unnormalized binary features: not diluted by long texts or many codes.
        ("hints", CountVectorizer(token_pattern=r"\S+", lowercase=False, binary=True, dtype=np.float32),
         HINTS),
    ], transformer_weights={"word": word_weight, "codes": code_weight, "hints": hint_weight,
                            **({"chars": char_weight} if chars else {}),
                            **({"cjk": cjk_weight} if cjk else {})})


def transform(features: ColumnTransformer, docs: Sequence[Doc]) -> csr_matrix:
    """``features.transform(as_matrix(docs))`` without scikit-learn's per-token loop: same matrix, faster.

    Each fitted vectorizer's analyzer runs once per text; tokens become column ids through one
    ``dict.get`` pass (CJK bigrams: numpy over the batch's code points), counts are summed by scipy,
    then the vectorizer's own TF-IDF step (if any), its transformer weight, and the blocks stacked.
    """
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer

    columns = {TEXT: [d.text for d in docs], CODES: [d.code_string for d in docs],
               HINTS: [d.hint_string for d in docs]}
    weights = features.transformer_weights or {}
    blocks = []
    for name, transformer, column in features.transformers_:
        if name == "remainder" or transformer == "drop":
            continue
        if simple(transformer, CJK_BIGRAM):
            cols, indptr = cjk_bigram_ids(transformer.vocabulary_, columns[column])
        elif transformer.analyzer is analyze and transformer.input == "content":
            cols, indptr = word_ids(transformer.vocabulary_, columns[column], segment)
        else:
            cols, indptr = token_ids(transformer, columns[column])
        x = csr_matrix((np.ones(len(cols), dtype=transformer.dtype), cols, indptr),
                       shape=(len(docs), len(transformer.vocabulary_)))
        x.sum_duplicates()
        if transformer.binary:
            x.data.fill(1)
        if isinstance(transformer, TfidfVectorizer):
            x = transformer._tfidf.transform(x, copy=False)
        if name in weights and weights[name] != 1:
            x = x * weights[name]
        blocks.append(x)
    return hstack(blocks, format="csr")


def feature_names(features: ColumnTransformer) -> list[str]:
    """Readable names of the fitted features: 'word:…', 'code:…', 'hint:…'."""
    out: list[str] = []
    for name, transformer, _ in features.transformers_:
        if name == "remainder":
            continue
        prefix = {"word": "word", "chars": "char", "cjk": "cjk", "codes": "code", "hints": "hint"}[name]
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
