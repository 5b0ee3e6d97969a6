"""The fixed query mix: rare, common, two-term AND, English phrase, Chinese term, Chinese phrase."""

from __future__ import annotations

import random

from benchmarks import vocab
from benchmarks.corpus import SEED, vocabularies

# How many queries of each kind (200 in all).
MIX = {"rare": 35, "common": 35, "two_term": 35, "phrase": 35, "zh_term": 30, "zh_phrase": 30}


def query_mix(seed: int = SEED) -> list[tuple[str, str]]:
    """(kind, user query) pairs, the same for the same seed, kinds interleaved."""
    rng = random.Random(seed + 100)
    voc = vocabularies(seed)
    single = [w for w in vocab.EN_DOMAIN if " " not in w]
    multi = [w for w in vocab.EN_DOMAIN if " " in w]
    zh_short = [w for w in vocab.ZH_DOMAIN if len(w) <= 3]
    zh_long = [w for w in vocab.ZH_DOMAIN if len(w) >= 4]
    # Ranks 5,000–35,000 of the long tail: a few hundred to a few thousand matches per million.
    rare = voc.en_tail[5_000:35_000]
    makers = {
        "rare": lambda: rng.choice(rare),
        "common": lambda: rng.choice(single[:12] + ["device", "method", "system", "configured"]),
        "two_term": lambda: " ".join(rng.sample(single[10:], 2)),
        "phrase": lambda: f'"{rng.choice(multi)}"',
        "zh_term": lambda: rng.choice(zh_short),
        "zh_phrase": lambda: f'"{rng.choice(zh_long)}"',
    }
    out: list[tuple[str, str]] = []
    for kind, count in MIX.items():
        out += [(kind, makers[kind]()) for _ in range(count)]
    rng.shuffle(out)
    return out
