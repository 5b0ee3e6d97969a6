"""Calibration, thresholds from validation data, explanations, the model card, corpus rows and the matcher."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from classify.corpus import load_unlabelled, record_from_row, series_key
from classify.features import as_matrix, document, hint_tokens, transform
from classify.linear import SHRINK_POSITIVES, best_threshold, calibrate, sigmoid
from classify.matcher import compile_terms
from classify.model import Classifier
from tests.classify.test_model import CORPUS, EYE_TRACKING_EN, NEAR_EYE_ZH, SHOE, patent
from vrscope.records import Correction, Patent, Standard

# Gold-labelled synthetic standards: enough of each kind for thresholds chosen on gold labels.
XR_TITLES = ["Head-mounted display optical performance measurement",
             "Eye tracking for virtual reality headsets",
             "Omnidirectional media format for 360 degree video",
             "Point cloud compression for immersive media",
             "Augmented reality glasses waveguide display", "Hand tracking interfaces in mixed reality",
             "Foveated rendering for VR head-mounted displays", "Avatar representation in virtual worlds"]
OTHER_TITLES = ["Safety of household refrigerators", "Steel pipes for water supply", "Textile fabric testing",
                "Road vehicle brake linings", "Fertilizer sampling methods", "Cable trays for power networks",
                "Food packaging materials", "Pesticide residue analysis"]
TECH = {0: "near_eye_display", 1: "perception_interaction", 2: "content_production",
        3: "content_production", 4: "near_eye_display", 5: "perception_interaction",
        6: "rendering_computation", 7: "content_production"}


def gold_pairs() -> list[tuple[Standard, Correction]]:
    """48 labelled standards in 16 series (three parts each)."""
    out = []
    for k, title in enumerate(XR_TITLES + OTHER_TITLES):
        relevant = k < len(XR_TITLES)
        for part in (1, 2, 3):
            std = Standard(id=f"ISO {20000 + k}-{part}:2020", source="test",
                           title_en=f"{title} - Part {part}")
            out.append((std, Correction(relevant=relevant, techs=[TECH[k]] if relevant else [], forms=[])))
    return out


@pytest.fixture(scope="module")
def gold_model() -> Classifier:
    return Classifier.train(CORPUS, gold_pairs())


def test_thresholds_are_chosen_on_validation_data(gold_model: Classifier) -> None:
    meta = gold_model.metadata
    assert meta["threshold_source"]["relevant"] == "gold"
    assert "relevant" in gold_model.chosen_thresholds
    assert meta["scores"]["validation_oof"]["n"] == 48  # out-of-fold scores on the gold examples
    assert gold_model.threshold("relevant") == gold_model.chosen_thresholds["relevant"]
    fixed = Classifier(thresholds={"relevant": 0.99})
    assert fixed.threshold("relevant") == 0.99


def test_best_threshold_finds_the_separating_cut() -> None:
    proba = np.array([0.1, 0.2, 0.3, 0.55, 0.62, 0.75, 0.8, 0.9, 0.95])
    truth = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1])
    assert 0.62 < best_threshold(proba, truth) <= 0.75


def test_scores_are_calibrated_probabilities(gold_model: Classifier) -> None:
    proba = gold_model.predict_proba([s for s, _ in gold_pairs()])
    assert ((proba >= 0) & (proba <= 1)).all()
    assert gold_model.heads is not None
    assert gold_model.heads.platt.shape == (len(gold_model.trained_labels), 2)


def test_explanations_name_terms_and_codes(gold_model: Classifier) -> None:
    item = patent("CN117000001A", "en", "Eye tracking in a virtual reality head-mounted display",
                  "Infrared cameras track the pupil and gaze direction of the wearer.", cpc=("G06F3/013",))
    why = gold_model.explain(item, top=5)
    assert why["relevant"] and all(weight > 0 for _, weight in why["relevant"])
    features = [name for pairs in why.values() for name, _ in pairs]
    assert any(name.startswith("term:") for name in features)
    assert any(name.startswith("code:cpc:G06F3") for name in features)
    assert gold_model.explain(SHOE) == {}  # nothing kept, nothing to explain


def test_model_card_and_round_trip(gold_model: Classifier, tmp_path: Path) -> None:
    gold_model.save(tmp_path)
    card = (tmp_path / "README.md").read_text(encoding="utf-8")
    meta = json.loads((tmp_path / "metadata.json").read_text(encoding="utf-8"))
    assert "Evaluation Results" in card and "validation_oof" in card and meta["data_hash"] in card
    assert "Intended uses" in card and "Decision thresholds" in card and "How to reproduce" in card
    assert "vrscope train" in card
    loaded = Classifier.load(tmp_path)
    items = [NEAR_EYE_ZH, EYE_TRACKING_EN, SHOE]
    assert (loaded.predict_proba(items) == gold_model.predict_proba(items)).all()
    assert loaded.chosen_thresholds == gold_model.chosen_thresholds
    assert loaded.tech_floor == gold_model.tech_floor
    assert loaded.explain(EYE_TRACKING_EN) == gold_model.explain(EYE_TRACKING_EN)


@pytest.mark.parametrize(("identifier", "series"), [
    ("ISO/IEC 23090-2:2023/Amd 1", "ISO/IEC 23090"),
    ("ISO/IEC DIS 23090-14/CD Amd 1", "ISO/IEC 23090"),
    ("IEC 61966-2-1:1999", "IEC 61966"),
    ("ISO 9241-920", "ISO 9241"),
    ("GB/T 38258-2019", "GB/T 38258"),
    ("3GPP TR 22.847:REL-18/0.1.0", "3GPP 22.847"),
])
def test_series_key(identifier: str, series: str) -> None:
    assert series_key(identifier) == series


def test_record_from_row_accepts_both_shapes() -> None:
    std = record_from_row({"id": "ITU-T H.430.1 (08/2018)", "source": "itu",
                           "title_en": "Immersive live",
                           "abstract_en": "ILE services", "committee": ["ITU-T Study Group 21"],
                           "keywords": ["immersive"], "label": {"relevant": True}})
    assert isinstance(std, Standard) and std.committee == "ITU-T Study Group 21"
    assert std.abstract is not None and "immersive" in std.abstract
    pat = record_from_row({"id": "US2024000004A1", "title": "Gaze tracking", "abstract": "头戴显示设备",
                           "cpc": "G06F3/013; G02B27/0172"})
    assert isinstance(pat, Patent) and pat.cpc == ["G06F3/013", "G02B27/0172"]
    assert pat.abstracts == {"zh": "头戴显示设备"}
    odd = record_from_row({"id": "not a number", "title": "A VR headset", "ipc": []})
    assert odd.id == "not a number"
    constructed = Patent.model_construct(id="not a number", source="input", url=None,
                                         titles={"en": "A VR headset"}, abstracts={}, claims={}, cpc=[],
                                         ipc=[], jurisdiction="NO")
    assert odd.model_dump(exclude={"fetched_at"}) == constructed.model_dump(exclude={"fetched_at"})
    with pytest.raises(ValueError, match="no title or abstract"):
        record_from_row({"id": "x", "ics": ["35.240"]})
    with pytest.raises(ValueError, match="title_en"):
        record_from_row({"id": "x", "title_en": 42})


@pytest.mark.parametrize(("row", "message"), [
    ({"id": " ", "title": "  ", "abstract": {"en": " "}, "cpc": []}, "no title or abstract"),
    ({"id": " ", "title": {"zh": "", "en": " "}, "title_en": "\t"}, "no title or abstract"),
    ({"id": " ", "doc_type": "standard", "title_en": " "}, "no title or abstract"),
    ({"id": " ", "title": "VR headset", "cpc": []}, "empty id"),
    ({"id": "", "title_zh": "虚拟现实", "source": "sac"}, "empty id"),
])
def test_record_from_row_reports_missing_text_before_a_blank_id(row: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message}$"):
        record_from_row(row)


def test_record_from_row_merges_patent_texts_by_language() -> None:
    pat = record_from_row({"id": "cn 115000099 a", "doc_type": "patent",
                           "title": {"en": "AR glasses", "zh": " "},
                           "title_zh": "增强现实眼镜", "abstract_en": "  ",
                           "abstracts": {"en": "Waveguide."}})
    assert isinstance(pat, Patent) and pat.id == "CN115000099A" and pat.jurisdiction == "CN"
    assert pat.titles == {"en": "AR glasses", "zh": "增强现实眼镜"} and pat.abstracts == {"en": "Waveguide."}


def test_unlabelled_sampling_dedups_versions_and_excludes_series(tmp_path: Path) -> None:
    rows = [{"id": f"3GPP TR 26.918:REL-1{v}/1{v}.0.0", "title_en": "Virtual Reality (VR) media services"}
            for v in range(5)] + [{"id": "ISO 9999-1", "title_en": "Virtual reality glossary"},
                                  {"id": "ISO 8888-1", "title_en": "Steel pipes"}, {"id": 1}]
    path = tmp_path / "cat.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n", encoding="utf-8")
    records = load_unlabelled([path], exclude_series=["ISO 9999"])
    assert sorted(r.id for r in records) == ["3GPP TR 26.918:REL-14/14.0.0", "ISO 8888-1"]


def test_matcher_keeps_overlapping_and_prefix_terms() -> None:
    matcher = compile_terms([("point cloud", "vol"), ("point cloud compression", "pcc"), ("cloud", "c"),
                             ("XR", "xr"), ("头戴式显示", "hmd"), ("显示模组", "module"), ("头戴式", "head")])
    found = {payload for _, payload in matcher.find("Point cloud compression for XR and xr")}
    assert found == {"vol", "pcc", "c", "xr"}
    assert {p for _, p in matcher.find("一种头戴式显示模组")} == {"hmd", "module", "head"}
    assert matcher.find("pointcloudy clouds") == [("cloud", "c")]  # word boundaries; plural allowed


def test_matcher_masks_and_spacing() -> None:
    terms = [("AR", "ar"), ("head mounted display", "hmd"), ("haptic", "h"), ("haptics", "hs")]
    matcher = compile_terms(terms, masked=["AR coating"])
    assert matcher.find("An AR coating on lenses") == []  # the mask hides the acronym inside it
    assert {p for _, p in matcher.find("AR coating, then an AR headset")} == {"ar"}
    assert {p for _, p in matcher.find("a headmounted displays kit")} == {"hmd"}  # space optional, plural
    assert {p for _, p in matcher.find("Haptics coding")} == {"h", "hs"}  # 'haptic' + plural, and 'haptics'
    assert matcher.find("ARcade hmdx") == []


def test_fast_transform_equals_the_column_transformer(gold_model: Classifier) -> None:
    docs = [document(item)[0] for item in [NEAR_EYE_ZH, EYE_TRACKING_EN, SHOE, *(s for s, _ in gold_pairs())]]
    assert gold_model.features is not None
    expected = gold_model.features.transform(as_matrix(docs)).tocsr()
    got = transform(gold_model.features, docs)
    assert got.shape == expected.shape and abs(got - expected).max() == 0


def test_sub_topic_terms_back_their_technology() -> None:
    _, weak = document("Haptic gloves with vibrotactile feedback for virtual reality training")
    parents = {"haptics": "perception_interaction", "perception_interaction": "perception_interaction"}
    tokens = hint_tokens(weak, weak, None, parents)
    assert "s:perception_interaction" in tokens and "Ts:perception_interaction" in tokens
    _, plain = document("Sensor interaction in virtual reality")  # generic technology words only
    assert "s:perception_interaction" not in hint_tokens(plain, plain, None, parents)


def test_thresholds_of_rare_labels_shrink_towards_their_group() -> None:
    rng = np.random.default_rng(0)
    n = 400
    common = rng.random(n) < 0.5
    rare = np.zeros(n, dtype=bool)
    rare[:10] = True
    y = np.column_stack([common, rare]).astype(np.int8)
    decision = np.column_stack([np.where(common, 1.0, -1.0) + rng.normal(0, 1.0, n),
                                np.where(rare, 1.5, -1.0) + rng.normal(0, 1.0, n)])
    gold = np.ones((n, 2), dtype=bool)
    _, alone, _ = calibrate(decision[:, 1:], y[:, 1:], gold[:, 1:], ~gold[:, 1:], ["tech:rare"])
    platt, both, sources = calibrate(decision, y, gold, ~gold, ["tech:common", "tech:rare"])
    assert sources == {"tech:common": "gold", "tech:rare": "gold"}
    proba = sigmoid(decision * platt[:, 0] + platt[:, 1])
    group = best_threshold(proba.T.ravel(), y.T.ravel())
    assert group != alone["tech:rare"]
    w = 10 / (10 + SHRINK_POSITIVES)  # 10 positives: mostly the group's threshold
    assert both["tech:rare"] == round(w * alone["tech:rare"] + (1 - w) * group, 2)
