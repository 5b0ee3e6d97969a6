"""Train on a small synthetic bilingual corpus, predict, save and load."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import vrscope
from classify import artifacts
from classify.features import feature_names
from classify.model import Classifier, UntrustedModelError, targets_with_gold, weak_labels_for
from classify.weak import WeakLabels
from vrscope.records import Correction, Labels, Patent

ROOT = Path(__file__).resolve().parents[2]


def patent(number: str, lang: str, title: str, abstract: str, cpc: tuple[str, ...] = (),
           ipc: tuple[str, ...] = ()) -> Patent:
    """A minimal patent record in one language."""
    return Patent(id=number, source="test", jurisdiction=number[:2], titles={lang: title},
                  abstracts={lang: abstract}, cpc=list(cpc), ipc=list(ipc))


CORPUS = [
    patent("CN115000001A", "zh", "一种基于全息光波导的增强现实近眼显示装置",
           "包括微显示屏、耦入光栅、全息光波导镜片和耦出光栅，扩大眼盒与视场角，用于AR眼镜。",
           cpc=("G02B27/0172", "G02B27/0174")),
    patent("CN115000002A", "zh", "折叠光路VR光学模组及头戴显示设备",
           "采用pancake折叠光路、反射偏振片和四分之一波片，缩短虚拟现实头显的光学总长。",
           cpc=("G02B27/0172", "G02B17/08")),
    patent("CN115000003A", "zh", "硅基OLED微显示芯片及其驱动方法",
           "高像素密度的硅基OLED微显示屏，适用于VR一体机和AR智能眼镜。", ipc=("H10K59/12",)),
    patent("US2024000004A1", "en", "Eye tracking system for a head-mounted display",
           "Infrared illuminators and an eye camera detect the pupil and corneal glints to estimate "
           "the gaze direction of a user wearing a virtual reality headset.",
           cpc=("G06F3/013", "G02B27/0093")),
    patent("US2024000005A1", "en", "Hand tracking and gesture recognition for VR controllers",
           "A 6DoF hand tracking method recognises hand gestures from depth images to interact with "
           "virtual objects in virtual reality.", cpc=("G06F3/017", "G06F3/011")),
    patent("CN115000006A", "zh", "基于注视点渲染的虚拟现实实时渲染方法",
           "根据眼动追踪得到的注视点，对注视区域高分辨率渲染、外围区域降低分辨率，降低GPU负载。",
           cpc=("G06T15/005", "G06F3/013")),
    patent("US2024000007A1", "en", "Split rendering between an edge server and an AR headset",
           "A cloud rendering server renders frames of a mixed reality scene and streams them to "
           "augmented reality glasses, which reproject them with the latest head pose.",
           cpc=("G06T15/005", "G06T19/006")),
    patent("CN115000008A", "zh", "全景视频编码方法及装置",
           "对8K超高清360度全景视频进行分块编码压缩，支持VR视频的视口自适应传输。",
           cpc=("H04N19/597", "H04N21/816")),
    patent("US2024000009A1", "en", "Generating a photorealistic avatar of a user",
           "A digital human avatar is driven by facial expression capture for telepresence in the "
           "metaverse.", cpc=("G06T13/40",)),
    patent("CN115000010A", "zh", "基于ToF深度相机的空间定位方法",
           "利用飞行时间深度相机和SLAM同步定位与建图，为MR头显提供六自由度追踪定位。",
           cpc=("G01S17/894", "G06T7/70")),
    patent("US2024000011A1", "en", "Volumetric video capture with a camera array",
           "A ring of cameras captures a performer; a point cloud is reconstructed and compressed "
           "for six degrees of freedom playback in virtual reality.", cpc=("H04N13/243",)),
    patent("CN115000012A", "zh", "力反馈触觉手套",
           "用于虚拟现实交互的触觉反馈手套，包括力反馈执行器和振动马达。",
           cpc=("G06F3/016", "G06F3/014")),
    patent("CN115000013A", "zh", "一种减震鞋底及其制备方法", "鞋底包括橡胶外底和发泡中底，提高缓冲性能。",
           ipc=("A43B13/18",)),
    patent("US2024000014A1", "en", "Lithium-ion battery electrode",
           "A silicon anode with a carbon coating improves the cycle life of a battery.", ipc=("H01M4/38",)),
    patent("CN115000015A", "zh", "一种复合肥料及其制备方法", "由氮磷钾和有机质组成的复合肥料，提高作物产量。",
           ipc=("C05G3/00",)),
    patent("US2024000016A1", "en", "Brake caliper for a vehicle disc brake",
           "A floating caliper with two pistons presses the brake pads against the disc.",
           ipc=("F16D55/22",)),
    patent("US2024000017A1", "en", "Television receiver with a liquid crystal panel",
           "A television with a direct backlight and a light guide plate for uniform luminance.",
           cpc=("G02F1/1335", "G02B6/0035")),
    patent("CN115000018A", "zh", "光纤连接器", "一种光纤连接器，包括插芯和卡套，便于光纤快速对接。",
           cpc=("G02B6/38",)),
]

NEAR_EYE_ZH = patent("CN116000001A", "zh", "一种AR眼镜的光波导显示模组",
                     "包括微显示器、耦入光栅和耦出光栅，实现大视场角的近眼显示，体积小、重量轻。")
EYE_TRACKING_EN = patent("US2025000002A1", "en", "Gaze tracking for a VR headset",
                         "Infrared LEDs illuminate the eye and a camera detects the pupil and corneal "
                         "glints to estimate the point of gaze of the wearer.")
SHOE = patent("CN116000003A", "zh", "一种气垫运动鞋底", "鞋底内设有多个气囊腔室，跑步时提供缓冲和回弹。",
              ipc=("A43B13/20",))
SHOE_EN = "Running shoe sole with air cushion chambers and a rubber outsole"


@pytest.fixture(scope="module")
def trained() -> Classifier:
    return Classifier.train(CORPUS)


def test_near_eye_chinese_document(trained: Classifier) -> None:
    [labels] = trained.predict([NEAR_EYE_ZH])
    assert labels.relevant and labels.relevance_score >= 0.5
    assert "near_eye_display" in labels.techs
    assert "waveguide" in labels.subtopics
    assert "ar" in labels.forms


def test_eye_tracking_english_document(trained: Classifier) -> None:
    [labels] = trained.predict([EYE_TRACKING_EN])
    assert labels.relevant
    assert "perception_interaction" in labels.techs
    assert "eye_tracking" in labels.subtopics
    assert "vr" in labels.forms


@pytest.mark.parametrize("item", [SHOE, SHOE_EN])
def test_unrelated_document_is_not_relevant(trained: Classifier, item: Patent | str) -> None:
    [labels] = trained.predict([item])
    assert not labels.relevant and labels.relevance_score < 0.5
    assert labels.techs == {} and labels.forms == {} and labels.subtopics == {}


def test_scores_and_version(trained: Classifier) -> None:
    predictions = trained.predict([NEAR_EYE_ZH, EYE_TRACKING_EN, SHOE])
    assert all(isinstance(p, Labels) for p in predictions)
    for p in predictions:
        assert 0.0 <= p.relevance_score <= 1.0
        assert all(0.0 <= s <= 1.0 for s in [*p.techs.values(), *p.forms.values(), *p.subtopics.values()])
        assert re.fullmatch(r"tfidf-ovr-[0-9a-f]{10}", p.model_version)
    assert trained.predict([]) == []
    # a kept sub-topic always comes with its technology
    for p in predictions:
        assert {trained.parents[s] for s in p.subtopics} <= set(p.techs)


def test_thresholds_and_determinism(trained: Classifier) -> None:
    strict = Classifier(thresholds={"tech:near_eye_display": 1.01, "sub:waveguide": 1.01,
                                    "sub:micro_display": 1.01, "sub:near_eye_optical_module": 1.01})
    assert strict.fit(CORPUS) is strict
    assert strict.model_version == trained.model_version == trained.version  # same data, same hash
    [labels] = strict.predict([NEAR_EYE_ZH])
    assert "near_eye_display" not in labels.techs
    never = Classifier.train(CORPUS, default_threshold=1.01, choose_thresholds=False)
    assert never.predict([NEAR_EYE_ZH])[0].techs == {}


def test_character_ngrams_are_optional_features(trained: Classifier, tmp_path: Path) -> None:
    assert trained.features is not None
    assert [name for name, *_ in trained.features.transformers_ if name == "chars"] == []  # off by default
    chars = Classifier.train(CORPUS, char_weight=1.0)
    assert chars.features is not None
    names = feature_names(chars.features)
    assert "char:光波" in names and "char: vr" in names  # Chinese and English character n-grams
    assert len(names) > len(feature_names(trained.features))
    assert chars.predict([NEAR_EYE_ZH])[0].relevant
    chars.save(tmp_path / "c")
    loaded = Classifier.load(tmp_path / "c")
    assert (loaded.predict_proba([NEAR_EYE_ZH, SHOE]) == chars.predict_proba([NEAR_EYE_ZH, SHOE])).all()


def test_c_is_chosen_per_label_from_a_grid(trained: Classifier, tmp_path: Path) -> None:
    assert set(trained.chosen_c.values()) == {1.0}  # no grid: every label keeps Params.c
    grid = Classifier.train(CORPUS, c_grid=(0.1, 10.0))
    assert set(grid.chosen_c) == set(grid.trained_labels)
    assert set(grid.chosen_c.values()) <= {0.1, 10.0}
    grid.save(tmp_path / "g")
    meta = json.loads((tmp_path / "g" / "metadata.json").read_text(encoding="utf-8"))
    assert meta["chosen_c"] == grid.chosen_c and meta["params"]["c_grid"] == [0.1, 10.0]
    assert Classifier.load(tmp_path / "g").params.c_grid == [0.1, 10.0]


def test_save_load_round_trip(trained: Classifier, tmp_path: Path) -> None:
    items: list[Patent | str] = [NEAR_EYE_ZH, EYE_TRACKING_EN, SHOE, SHOE_EN]
    trained.save(tmp_path / "m")
    loaded = Classifier.load(tmp_path / "m")
    assert loaded.model_version == trained.model_version
    assert (loaded.predict_proba(items) == trained.predict_proba(items)).all()
    before = [p.model_dump(exclude={"labelled_at"}) for p in trained.predict(items)]
    after = [p.model_dump(exclude={"labelled_at"}) for p in loaded.predict(items)]
    assert before == after


def test_metadata_file(trained: Classifier, tmp_path: Path) -> None:
    trained.save(tmp_path)
    assert (tmp_path / "model.skops").is_file()
    meta = json.loads((tmp_path / "metadata.json").read_text(encoding="utf-8"))
    assert meta["model_version"] == trained.model_version
    assert meta["model_version"].endswith(meta["data_hash"][:10])
    assert meta["code_version"] == vrscope.__version__
    assert {"python", "scikit-learn", "skops", "numpy", "scipy", "rjieba"} <= set(meta["libraries"])
    assert meta["n_examples"]["record"] == len(CORPUS) and meta["n_examples"]["taxonomy"] > 50
    assert meta["label_counts"]["relevant"] > 0 and meta["label_counts"]["tech:near_eye_display"] > 0
    assert meta["training_seconds"] > 0 and meta["trained_at"]
    assert "relevant" in meta["trained_labels"] and meta["labels"][0] == "relevant"
    assert len(meta["model_sha256"]) == 64 and meta["taxonomy_hash"] and meta["codemap_hash"]
    assert "scores" in meta


def test_score_is_recorded(trained: Classifier, tmp_path: Path) -> None:
    gold = [(NEAR_EYE_ZH, Correction(relevant=True, techs=["near_eye_display"], forms=["ar"])),
            (SHOE, Correction(relevant=False, techs=[], forms=[]))]
    result = trained.score(gold, name="smoke")
    assert result["by_group"]["relevance"]["micro"]["f1"] == 1.0
    trained.save(tmp_path)
    meta = json.loads((tmp_path / "metadata.json").read_text(encoding="utf-8"))
    assert meta["scores"]["smoke"]["n"] == 2


def test_load_refuses_unlisted_types(trained: Classifier, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    trained.save(tmp_path)
    monkeypatch.setattr(artifacts, "ALLOWED_TYPES", frozenset())
    with pytest.raises(UntrustedModelError, match="classify.features.analyze"):
        Classifier.load(tmp_path)
    assert Classifier.load(tmp_path, extra_trusted=["classify.features.analyze"]).features is not None


def test_load_refuses_a_changed_model_file(trained: Classifier, tmp_path: Path) -> None:
    trained.save(tmp_path)
    with (tmp_path / "model.skops").open("ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(UntrustedModelError, match="hash"):
        Classifier.load(tmp_path)


def test_untrained_classifier() -> None:
    with pytest.raises(RuntimeError):
        Classifier().predict(["virtual reality"])
    with pytest.raises(RuntimeError):
        Classifier().save("unused")


def test_gold_wins_over_weak_labels() -> None:
    weak = WeakLabels(0.9, frozenset({"near_eye_display", "perception_interaction"}),
                      frozenset({"waveguide", "eye_tracking"}), frozenset({"ar"}))
    gold = Correction(relevant=True, techs=["perception_interaction"], forms=["VR"])
    targets = targets_with_gold(weak, gold)
    assert targets == {"relevant", "tech:perception_interaction", "sub:eye_tracking", "form:vr"}
    assert "relevant" not in targets_with_gold(weak, Correction(relevant=False))
    assert targets_with_gold(weak, Correction(note="nothing said")) == weak.targets()


def test_extra_labelled_and_corrections_replace_weak_examples() -> None:
    clf = Classifier(use_taxonomy_examples=False)
    examples = clf.examples(CORPUS[:2], [(CORPUS[0], Correction(relevant=False)), ("纯文本", Correction())])
    assert [e.origin for e in examples] == ["record", "extra", "extra"]
    assert "relevant" not in examples[1].targets
    assert weak_labels_for(CORPUS[0]).relevant
    by_id = {CORPUS[1].id: Correction(relevant=True, techs=["perception_interaction"])}
    examples = clf.examples(iter(CORPUS[:2]), corrections=by_id)
    assert [e.origin for e in examples] == ["record", "extra"]
    assert "tech:perception_interaction" in examples[1].targets
    assert "tech:near_eye_display" not in examples[1].targets


def test_import_loads_nothing_heavy() -> None:
    code = ("import sys, classify.model, classify.evaluate, classify.codemap, classify.features;"
            "print(sorted(m for m in ('sklearn', 'skops', 'rjieba', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
