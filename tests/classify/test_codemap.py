"""Code maps and weak labels from codes and from Chinese and English text."""

from __future__ import annotations

import pytest

from classify.codemap import (
    COMMITTEE_HINTS,
    CPC_HINTS,
    ICS_HINTS,
    CodeHint,
    code_prefixes,
    lookup,
    normalize_code,
    weak_labels_from_codes,
    weak_labels_from_text,
)
from classify.taxonomy import TAXONOMY
from classify.weak import RELEVANCE_THRESHOLD


@pytest.mark.parametrize(("raw", "expected"), [
    ("G02B 27/0172", "G02B27/0172"),
    ("G02B27/0172 (2013.01)", "G02B27/0172"),
    ("g06f   3/013", "G06F3/013"),
    ("G06T 19/00", "G06T19"),
    ("H04N19/597 20141101", "H04N19/597"),
    ("G02B0027010000", "G02B27/01"),
    ("H10K", "H10K"),
    ("not a code", None),
])
def test_normalize_code(raw: str, expected: str | None) -> None:
    assert normalize_code(raw) == expected


def test_map_keys_are_canonical_and_labels_known() -> None:
    known = set(TAXONOMY.tech_ids()) | set(TAXONOMY.subtopic_ids()) | set(TAXONOMY.form_ids())
    for key, hint in CPC_HINTS.items():
        assert normalize_code(key) == key, key
        assert 0.0 <= hint.relevance <= 1.0 and set(hint.labels) <= known, key
    for key, hint in ICS_HINTS.items():  # ICS is too broad to decide relevance on its own
        assert 0.0 <= hint.relevance < RELEVANCE_THRESHOLD and set(hint.labels) <= known, key
    for key, hint in COMMITTEE_HINTS.items():
        assert 0.0 <= hint.relevance <= 1.0 and set(hint.labels) <= known, key


def test_head_mounted_optics_is_near_eye_display() -> None:
    weak = weak_labels_from_codes(["G02B 27/0172"], [])
    assert weak.relevant
    assert weak.techs == {"near_eye_display"}
    assert "near_eye_optical_module" in weak.subtopics


def test_eye_tracking_code() -> None:
    weak = weak_labels_from_codes(["G06F3/013"], [])
    assert weak.techs == {"perception_interaction"}
    assert weak.subtopics == {"eye_tracking"}


def test_multiview_coding_is_content_production() -> None:
    weak = weak_labels_from_codes([], ["H04N 19/597"])
    assert "content_production" in weak.techs
    assert "immersive_video_coding" in weak.subtopics


def test_mixed_reality_code_gives_forms_and_relevance() -> None:
    weak = weak_labels_from_codes(["G06T19/006"], [])
    assert weak.relevant and weak.forms == {"ar", "mr"}


def test_generic_codes_hint_without_relevance() -> None:
    rendering = weak_labels_from_codes(["G06T15/06"], [])
    assert rendering.techs == {"rendering_computation"} and not rendering.relevant
    backlight = lookup("G02B6/0035")
    assert backlight is not None and backlight.labels == ()
    assert lookup("C07D 213/00") is None


def test_ics_and_committee_hints_are_weak() -> None:
    weak = weak_labels_from_codes(ics=["35.140"], committee="ISO/IEC JTC 1/SC 24")
    assert weak.techs == {"rendering_computation"} and not weak.relevant


def test_user_extension(monkeypatch: pytest.MonkeyPatch) -> None:
    before = weak_labels_from_codes(["G02B27/0179"])  # codes are memoized, their hints are not
    monkeypatch.setitem(CPC_HINTS, "G02B27/0179", CodeHint(1.0, ("six_dof_tracking",), "test"))
    weak = weak_labels_from_codes(["G02B27/0179"])
    assert weak.relevant and "six_dof_tracking" in weak.subtopics and not before.relevant


def test_code_prefixes_most_specific_first_and_a_fresh_list_each_time() -> None:
    prefixes = code_prefixes("G02B27/0172")
    assert prefixes == ["G02B27/0172", "G02B27/017", "G02B27/01", "G02B27", "G02B"]
    prefixes.clear()
    assert code_prefixes("G02B27/0172")[0] == "G02B27/0172" and code_prefixes("H10K") == ["H10K"]


def test_chinese_text() -> None:
    weak = weak_labels_from_text("本发明公开了一种基于表面浮雕光波导的AR智能眼镜近眼显示模组，"
                                 "采用硅基OLED微显示屏。")
    assert weak.relevant
    assert weak.techs == {"near_eye_display"}
    assert {"waveguide", "micro_display"} <= weak.subtopics
    assert weak.forms == {"ar"}


def test_chinese_rendering_and_content() -> None:
    weak = weak_labels_from_text("虚拟现实注视点渲染方法，结合眼动追踪和云渲染，用于8K全景视频播放")
    assert weak.relevant
    assert {"rendering_computation", "perception_interaction", "content_production"} <= weak.techs
    expected = {"foveated_rendering", "eye_tracking", "cloud_split_rendering", "panoramic_video"}
    assert expected <= weak.subtopics
    assert weak.forms == {"vr"}


def test_english_text() -> None:
    weak = weak_labels_from_text("A head-mounted display with eye-tracking cameras and a pancake lens.")
    assert weak.relevant
    assert {"near_eye_display", "perception_interaction"} <= weak.techs
    assert {"eye_tracking", "pancake_optics"} <= weak.subtopics
    assert weak.forms == frozenset()


def test_english_forms_and_case() -> None:
    assert weak_labels_from_text("An extended reality (XR) headset").forms == {"vr", "ar", "mr"}
    assert weak_labels_from_text("Mixed and augmented reality (MAR) reference model").forms == {"ar", "mr"}
    assert weak_labels_from_text("Avatars in Virtual Reality").relevant


@pytest.mark.parametrize("text", [
    "Shoe sole with a cushioning layer of foamed rubber",
    "JPEG XR image coding system",
    "Lens with an AR coating to reduce reflections",
    "MR imaging of the knee joint",
    "Virtual machines in a data centre",
    "一种鞋底及其制备方法",
])
def test_unrelated_text_is_not_relevant(text: str) -> None:
    assert not weak_labels_from_text(text).relevant


def test_evidence_and_or() -> None:
    combined = weak_labels_from_codes(["G06T15/06"]) | weak_labels_from_text("virtual reality")
    assert combined.relevant and "rendering_computation" in combined.techs
    assert any(e.startswith("cpc:") for e in combined.evidence)
    assert any(e.startswith("anchor:") for e in combined.evidence)
    assert "relevant" in combined.targets() and "tech:rendering_computation" in combined.targets()
