"""The taxonomy covers the plan's 3+4 and every sub-topic PRODUCT.md names, in Chinese and English."""

from __future__ import annotations

import re

import pytest

from classify.taxonomy import TAXONOMY
from classify.weak import has_cjk, weak_labels_from_text

# Each sub-topic as PRODUCT.md words it → the id that carries it.
PRODUCT_SUBTOPICS = {
    "near_eye_display": {
        "near-eye optical display modules": "near_eye_optical_module",
        "micro-displays (micro-OLED/LED, LCoS)": "micro_display",
        "ultra-thin imaging": "ultra_thin_imaging",
        "folded-path (pancake) optics": "pancake_optics",
        "free-form prisms": "freeform_prism",
        "free-form reflective lenses": "freeform_reflective_lens",
        "surface-relief/holographic waveguides (and nano-imprint)": "waveguide",
        "HMD optical testing": "hmd_optical_testing",
    },
    "perception_interaction": {
        "eye tracking": "eye_tracking",
        "head and hand 6DoF tracking": "six_dof_tracking",
        "face/body/gesture recognition": "face_body_gesture_recognition",
        "3D object and scene recognition and tracking (SLAM)": "object_scene_recognition",
        "ToF and structured-light cameras": "tof_structured_light",
        "facial-expression reconstruction": "facial_expression_reconstruction",
        "MEMS for display and optical sensing": "mems_optical_sensing",
        "haptics": "haptics",
    },
    "rendering_computation": {
        "real-time photorealistic rendering architecture": "realtime_photorealistic_rendering",
        "complex materials": "complex_materials",
        "very large scene dynamic loading": "large_scene_loading",
        "LOD": "level_of_detail",
        "physics simulation": "physics_simulation",
        "engines and content toolchains": "engines_toolchains",
        "foveated rendering": "foveated_rendering",
        "cloud / split rendering": "cloud_split_rendering",
    },
    "content_production": {
        "8K+ panoramic video": "panoramic_video",
        "3D video": "stereoscopic_3d_video",
        "6DoF video": "volumetric_6dof_video",
        "3D scene models": "scene_model_3d",
        "virtual humans/avatars": "virtual_human_avatar",
        "VR/AR video coding and compression": "immersive_video_coding",
        "3D model data management and storage": "model_data_management",
        "360° capture": "panoramic_capture",
        "automatic 3D reconstruction": "auto_3d_reconstruction",
        "motion and facial capture": "motion_facial_capture",
        "light-field capture": "light_field_capture",
    },
}


def test_three_forms_and_four_technologies() -> None:
    assert TAXONOMY.form_ids() == ["vr", "ar", "mr"]
    assert TAXONOMY.tech_ids() == list(PRODUCT_SUBTOPICS)


@pytest.mark.parametrize("tech", list(PRODUCT_SUBTOPICS))
def test_every_product_subtopic_is_present(tech: str) -> None:
    assert set(TAXONOMY.subtopic_ids(tech)) == set(PRODUCT_SUBTOPICS[tech].values())
    for sub in PRODUCT_SUBTOPICS[tech].values():
        assert TAXONOMY.parent_of(sub) == tech


def test_every_concept_is_bilingual_with_clean_ids() -> None:
    ids = [c.id for c in TAXONOMY.concepts()]
    assert len(ids) == len(set(ids))
    for concept in TAXONOMY.concepts():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", concept.id), concept.id
        assert has_cjk(concept.name_zh) and concept.name_en and not has_cjk(concept.name_en)
        zh, en = concept.all_terms("zh"), concept.all_terms("en")
        assert zh and en, concept.id
        assert all(has_cjk(t) for t in zh), concept.id
        assert not any(has_cjk(t) for t in en), concept.id
    for concept in TAXONOMY.subtopics + TAXONOMY.techs + TAXONOMY.forms:
        assert len(concept.all_terms("zh")) >= 3 and len(concept.all_terms("en")) >= 3, concept.id


@pytest.mark.parametrize(("concept", "zh", "en"), [
    ("waveguide", "光波导", "waveguide"),
    ("eye_tracking", "眼动追踪", "eye tracking"),
    ("foveated_rendering", "注视点渲染", "foveated rendering"),
    ("pancake_optics", "折叠光路", "pancake"),
    ("virtual_human_avatar", "虚拟人", "digital human"),
    ("virtual_human_avatar", "数字人", "avatar"),
    ("level_of_detail", "多细节层次", "LOD"),
    ("tof_structured_light", "结构光", "time of flight"),
    ("mr", "混合现实", "mixed reality"),
])
def test_key_terms(concept: str, zh: str, en: str) -> None:
    c = TAXONOMY.get(concept)
    assert zh in c.all_terms("zh")
    assert en in c.all_terms("en")


def test_lookups() -> None:
    assert TAXONOMY.names("zh")["near_eye_display"] == "近眼显示"
    assert TAXONOMY.names("en")["content_production"] == "Content production"
    assert TAXONOMY.get("eye_tracking").name("zh") == "眼动追踪"
    labels = TAXONOMY.label_names()
    assert labels[0] == "relevant" and "tech:near_eye_display" in labels and "form:ar" in labels
    assert "sub:waveguide" in labels
    with pytest.raises(KeyError):
        TAXONOMY.get("no_such_concept")


def test_with_terms_extends_a_copy() -> None:
    grown = TAXONOMY.with_terms("waveguide", zh=("衍射光栅波导片",), en=("grating combiner",))
    assert "衍射光栅波导片" in grown.get("waveguide").terms_zh
    assert "衍射光栅波导片" not in TAXONOMY.get("waveguide").terms_zh
    assert "waveguide" in weak_labels_from_text("a grating combiner", grown).subtopics
    assert "waveguide" not in weak_labels_from_text("a grating combiner").subtopics
    anchored = TAXONOMY.with_terms("xr_general", en=("holodeck",), anchor=True)
    assert weak_labels_from_text("a holodeck for training", anchored).relevant


@pytest.mark.parametrize(("text", "tech", "hinted"), [
    # the rubric files immersive audio under content production, graphics rendering under rendering
    ("binaural audio rendering of object based audio", "rendering_computation", False),
    ("real time rendering of the scene graph", "rendering_computation", True),
    # 'asset management' of IT inventories is not the management of 3D model data
    ("IT asset management: software identification tags", "content_production", False),
    ("asset management of 3D models for virtual scenes", "content_production", True),
    # MPEG-V style sensing and actuation between the real and virtual worlds, British spelling of haptics
    ("adaptation between real and virtual worlds", "perception_interaction", True),
    ("现实世界与虚拟世界之间的适配", "perception_interaction", True),
    ("information adaptation from virtual world to real world", "perception_interaction", True),
    ("从现实世界到虚拟世界的信息适配", "perception_interaction", True),
    ("kinaesthetic feedback device", "perception_interaction", True),
    # cloud VR spelled out (ITU-T F.746.14, H.431.1; F.740.11) is cloud rendering, and makes a record relevant
    ("Requirements and reference framework for cloud virtual reality systems", "rendering_computation", True),
    ("Requirements and framework of cloud-based augmented reality systems", "rendering_computation", True),
    ("云虚拟现实系统功能架构", "rendering_computation", True),
])
def test_rubric_concepts_hint_the_right_technology(text: str, tech: str, hinted: bool) -> None:
    assert (tech in weak_labels_from_text(text).techs) is hinted


def test_cloud_xr_spelled_out_is_an_anchor() -> None:
    weak = weak_labels_from_text("Functional architecture for cloud virtual reality systems")
    assert weak.relevant and "cloud_split_rendering" in weak.subtopics


def test_masks_only_hide_the_masked_phrase() -> None:
    assert "rendering_computation" in weak_labels_from_text("audio rendering, then rendering of images").techs
    assert "haptics" in weak_labels_from_text("kinaesthetic stimulation").subtopics
