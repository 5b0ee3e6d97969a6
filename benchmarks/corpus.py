"""A seeded, streamed generator of realistic bilingual VR patent and standard records (IndexDoc)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from benchmarks import vocab
from search.backend import IndexDoc

SEED = 20250601
ZH_SHARE = 0.30
STANDARD_SHARE = 0.08
ZIPF_S = 1.05
EN_TAIL = 40_000
ZH_TAIL = 20_000
APPLICANTS = 20_000
CPC = 3_000
_STATUSES = ("granted", "pending", "expired", "withdrawn")
_STATUS_W = (0.45, 0.8, 0.95, 1.0)


class Zipf:
    """Draws items with probability proportional to 1 / rank**s."""

    def __init__(self, items: list[str], s: float = ZIPF_S) -> None:
        """Prepare the cumulative distribution over items (first item most frequent)."""
        weights = 1.0 / np.arange(1, len(items) + 1, dtype=np.float64) ** s
        cum = np.cumsum(weights)
        self.cum = cum / cum[-1]
        self.items = items

    def draw(self, rng: np.random.Generator, k: int) -> list[str]:
        """k items drawn with replacement."""
        idx = np.searchsorted(self.cum, rng.random(k), side="right")
        items = self.items
        return [items[i] for i in idx.tolist()]


@dataclass(frozen=True)
class Vocabularies:
    """Everything the generator and the query mix draw from, ranked most frequent first."""

    en: list[str]
    en_tail: list[str]
    zh: list[str]
    applicants: list[str]
    cpc: list[str]


@cache
def vocabularies(seed: int = SEED) -> Vocabularies:
    """The ranked vocabularies for a seed (boilerplate, then domain terms, then the long tail)."""
    tail = vocab.pseudo_words(EN_TAIL, seed)
    zh_tail = vocab.pseudo_zh_words(ZH_TAIL, seed + 1)
    zh_words = list(dict.fromkeys([*vocab.ZH_FUNCTION, *vocab.ZH_DOMAIN, *zh_tail]))
    return Vocabularies(
        en=[*vocab.EN_FUNCTION, *vocab.EN_DOMAIN, *tail],
        en_tail=tail,
        zh=zh_words,
        applicants=vocab.applicant_names(APPLICANTS, seed + 2),
        cpc=vocab.cpc_codes(CPC, seed + 3),
    )


class _Writer:
    """Text and metadata for one document at a time, from one seeded random stream."""

    def __init__(self, seed: int) -> None:
        """Build the samplers for a seed."""
        voc = vocabularies(seed)
        self.rng = np.random.default_rng(seed)
        self.py = random.Random(seed)  # scalar draws: much cheaper than numpy's one at a time
        self.en = Zipf(voc.en)
        self.zh = Zipf(voc.zh)
        self.applicants = Zipf(voc.applicants, 1.1)
        self.cpc = Zipf(voc.cpc, 1.2)
        self.years = list(range(2000, 2026))
        self.year_w = list(itertools.accumulate(1.13 ** (y - 2000) for y in self.years))
        self.offices = [o for o, _ in vocab.PATENT_OFFICES_EN]
        self.office_w = list(itertools.accumulate(w for _, w in vocab.PATENT_OFFICES_EN))

    def _int(self, low: int, high: int) -> int:
        """A uniform integer in [low, high]."""
        return self.py.randint(low, high)

    def _pick(self, items: Sequence[str], cum_weights: Sequence[float] | None = None) -> str:
        """One item, uniformly or by cumulative weights."""
        if cum_weights is None:
            return self.py.choice(items)
        return self.py.choices(items, cum_weights=cum_weights)[0]

    def _some(self, items: Sequence[str], k: int, cum_weights: Sequence[float] | None = None) -> list[str]:
        """Up to k distinct items, sorted."""
        return sorted(set(self.py.choices(items, cum_weights=cum_weights, k=k))) if k else []

    def english(self, words: int, sentence: tuple[int, int] = (12, 24)) -> str:
        """English text of about `words` words in sentences."""
        tokens = self.en.draw(self.rng, words)
        out: list[str] = []
        i = 0
        while i < len(tokens):
            n = self._int(*sentence)
            part = tokens[i : i + n]
            out.append(part[0].capitalize() + (" " + " ".join(part[1:]) if len(part) > 1 else "") + ".")
            i += n
        return " ".join(out)

    def chinese(self, words: int) -> str:
        """Chinese text of about `words` words, clauses ended by ， and sentences by 。."""
        tokens = self.zh.draw(self.rng, words)
        out: list[str] = []
        i = 0
        while i < len(tokens):
            n = self._int(4, 12)
            out.append("".join(tokens[i : i + n]))
            out.append("。" if self.py.random() < 0.35 else "，")
            i += n
        out[-1] = "。"
        return "".join(out)

    def labels(self) -> tuple[list[str], list[str], list[str]]:
        """Techs, forms and subtopics: one to four labels in all."""
        techs = self._some(vocab.TECHS, self._int(1, 2), [0.4, 0.7, 0.88, 1.0])
        forms = self._some(vocab.FORMS, self._int(0, 2), [0.5, 0.85, 1.0])
        subtopics = self._some(vocab.SUBTOPICS, self._int(0, 1) if len(techs) + len(forms) < 4 else 0)
        return techs, forms, subtopics

    def doc(self, n: int) -> IndexDoc:
        """The n-th document of the stream."""
        rng, py = self.rng, self.py
        chinese = py.random() < ZH_SHARE
        standard = py.random() < STANDARD_SHARE
        year = py.choices(self.years, cum_weights=self.year_w)[0]
        date = f"{year}-{self._int(1, 12):02d}-{self._int(1, 28):02d}"
        title_en = self.english(self._int(6, 12), (40, 40)).rstrip(".")
        if chinese:
            title_zh = "一种" + self.chinese(self._int(5, 10)).rstrip("。")
            title = title_zh
            abstract = self.english(40) + "\n" + self.chinese(130)
            claims = "1. " + self.chinese(240)
            jurisdiction = self._pick(vocab.STANDARD_BODIES_ZH) if standard else "CN"
        else:
            title_zh, title = None, title_en
            abstract = self.english(120)
            claims = "1. " + self.english(320)
            jurisdiction = (
                self._pick(vocab.STANDARD_BODIES_EN) if standard else self._pick(self.offices, self.office_w)
            )
        if standard:  # standards have no claims: their scope text goes into the abstract
            abstract, claims = abstract + "\n" + claims[3:], ""
        techs, forms, subtopics = self.labels()
        doc_id = f"{jurisdiction}-STD-{n:07d}-{year}" if standard else f"{jurisdiction}{n + 1_000_000:08d}A"
        return IndexDoc(
            id=doc_id,
            doc_type="standard" if standard else "patent",
            title=title,
            title_zh=title_zh,
            title_en=title_en,
            abstract=abstract,
            claims=claims,
            year=year,
            date=date,
            jurisdiction=jurisdiction,
            status=self._pick(_STATUSES, _STATUS_W),
            applicants=list(dict.fromkeys(self.applicants.draw(rng, self._int(1, 3)))),
            cpc=[] if standard else list(dict.fromkeys(self.cpc.draw(rng, self._int(1, 5)))),
            ics=list(dict.fromkeys(self.cpc.draw(rng, 1))) if standard else [],
            relevant=py.random() < 0.8,
            techs=techs,
            subtopics=subtopics,
            forms=forms,
            source="cnipa" if chinese else ("standards" if standard else "epo"),
            url=f"https://example.org/doc/{doc_id}",
        )


def generate(n: int, seed: int = SEED) -> Iterator[IndexDoc]:
    """Stream n documents, the same ones for the same seed; never the whole corpus in memory."""
    writer = _Writer(seed)
    for i in range(n):
        yield writer.doc(i)
