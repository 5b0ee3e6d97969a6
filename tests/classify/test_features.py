"""Character bigrams of Chinese runs: extraction, the fast transform path, and what they buy the model."""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix

from classify.features import Doc, as_matrix, build_features, feature_names, segment, transform
from classify.model import Classifier
from classify.words import cjk_bigrams
from vrscope.records import Correction


def test_cjk_bigrams_of_a_chinese_run() -> None:
    assert cjk_bigrams("近眼显示") == ["近眼", "眼显", "显示"]
    assert cjk_bigrams("显") == []  # a single character makes no bigram


def test_cjk_bigrams_of_mixed_text_stay_inside_each_run() -> None:
    assert cjk_bigrams("AR光波导 glasses，视场角50°与VR") == ["光波", "波导", "视场", "场角"]


def test_cjk_bigrams_of_english_text_are_none() -> None:
    assert cjk_bigrams("A waveguide display for augmented reality glasses.") == []
    assert cjk_bigrams("Café — naïve µ-OLED display") == []  # not ASCII, still no CJK character


TEXTS = ["一种光波导近眼显示装置 waveguide", "近眼 显示 模组，光波导镜片",
         "English only head-mounted display", "光波导与近眼显示", "光𠀀波导", "", "导",
         "显示装置和光波导\n近眼"]


def test_bigram_vectorizer_matches_the_fast_path() -> None:
    docs = [Doc(text) for text in TEXTS]
    features = build_features(cjk_weight=0.7, min_df=1)
    slow = csr_matrix(features.fit_transform(as_matrix(docs)))  # small inputs may come back dense
    [vectorizer] = [t for name, t, _ in features.transformers_ if name == "cjk"]
    assert [vectorizer.build_analyzer()(text) for text in TEXTS] == [cjk_bigrams(text) for text in TEXTS]
    assert cjk_bigrams("光𠀀波导") == ["波导"]  # a character outside the ranges breaks the run
    fast = transform(features, docs)
    assert np.allclose(slow.toarray(), fast.toarray())
    # partly outside the fitted vocabulary
    unseen = [Doc("眼镜和手柄 controller"), Doc("plain English"), Doc("光波导眼镜")]
    assert np.allclose(csr_matrix(features.transform(as_matrix(unseen))).toarray(),
                       transform(features, unseen).toarray())
    names = feature_names(features)
    assert {"cjk:光波", "cjk:波导", "cjk:近眼"} <= set(names)
    assert not [n for n in names if n.startswith("cjk:") and n[4:].isascii()]  # Chinese bigrams only
    english = fast[2].toarray()[0]
    assert not english[[i for i, n in enumerate(names) if n.startswith("cjk:")]].any()


def _gold(tech: str) -> Correction:
    return Correction(relevant=True, techs=[tech], forms=[])


# Fan cooling (rendering & computation hardware) against temple hinges (near-eye display hardware):
# neither is a taxonomy term, so only the learnt text features can tell them apart.
TRAIN = [(f"{start}风扇散热{end}", _gold("rendering_computation")) for start, end in (
    ("头显主机采用", "，降低芯片温度。"), ("计算单元内置", "结构。"), ("通过", "保持处理器稳定运行。"),
    ("一体机的", "方案，提高续航。"))] + [
    (f"{start}镜腿铰链{end}", _gold("near_eye_display")) for start, end in (
        ("眼镜的", "结构，便于折叠。"), ("一种", "及其装配方法。"), ("包括", "和弹性件。"),
        ("改进的", "，减少松动。"))]
# The same two words in the other order: jieba keeps 风扇散热 as one word but cuts 散热风扇 in two.
TEST = "本装置设有散热风扇，运行时转速可调。"


def test_bigrams_carry_a_term_that_jieba_segments_differently() -> None:
    assert "风扇散热" in segment(TRAIN[0][0]) and "风扇散热" not in segment(TEST)
    probs, kept = {}, {}
    for weight in (0.0, 1.0):
        clf = Classifier.train([], extra_labelled=TRAIN, use_taxonomy_examples=False,
                               choose_thresholds=False, cjk_weight=weight)
        [scores] = clf.predict_proba([TEST])
        probs[weight] = {label: scores[clf.labels.index(f"tech:{label}")]
                         for label in ("rendering_computation", "near_eye_display")}
        kept[weight] = set(clf.predict([TEST])[0].techs)
    assert "rendering_computation" not in kept[0.0] and kept[1.0] == {"rendering_computation"}
    words, bigrams = probs[0.0], probs[1.0]
    assert words["rendering_computation"] <= words["near_eye_display"]  # words alone cannot tell
    assert bigrams["rendering_computation"] > bigrams["near_eye_display"]
    assert bigrams["rendering_computation"] > words["rendering_computation"]


def test_word_pairs_in_numpy_match_the_analyzer() -> None:
    from classify.features import analyze
    from classify.token_ids import token_ids, word_ids

    extra = ["head mounted display display head mounted", "Head-mounted displays"]
    docs = [Doc(text) for text in TEXTS + extra]
    features = build_features(min_df=1)
    features.fit(as_matrix(docs))
    [vectorizer] = [t for name, t, _ in features.transformers_ if name == "word"]
    assert vectorizer.analyzer is analyze and "head mounted" in vectorizer.vocabulary_
    texts = [d.text for d in docs] + ["mounted head, display head mounted", "", "unseen words only", "光波导"]
    fast_cols, fast_ptr = word_ids(vectorizer.vocabulary_, texts, segment)
    slow_cols, slow_ptr = token_ids(vectorizer, texts)  # every token of analyze() looked up one by one
    assert fast_ptr.tolist() == slow_ptr.tolist()
    for start, end in zip(fast_ptr[:-1], fast_ptr[1:], strict=True):
        assert sorted(fast_cols[start:end].tolist()) == sorted(slow_cols[start:end].tolist())
    assert fast_ptr[-1] > 0 and word_ids(vectorizer.vocabulary_, [], segment)[1].tolist() == [0]
