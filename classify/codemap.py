"""CPC/IPC, ICS and committee → technology/sub-topic hints, and weak labels from codes and text.

The maps are plain module-level dicts a user can extend at start-up, e.g.
``CPC_HINTS["G02B27/0179"] = CodeHint(0.6, ("near_eye_display",), "display position adjustment")``.
Keys are canonical symbols (``normalize_code``: ``G02B27/0172``, ``G06T19``, ``H10K``); the most
specific key that prefixes a code wins, so a more specific entry can also switch a hint off
(``CodeHint(0.0)``). ``relevance`` is how strongly the code alone says "XR" (evidence from all
codes and terms is combined noisy-or and compared with ``classify.weak.RELEVANCE_THRESHOLD``);
``labels`` are technology, sub-topic (implies its technology) or form ids of the taxonomy.
IPC shares the CPC map (IPC symbols are a subset of CPC's).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from classify.taxonomy import TAXONOMY, Taxonomy
from classify.weak import WeakLabels, hints_for, weak_labels_from_text

__all__ = ["CPC_HINTS", "CodeHint", "COMMITTEE_HINTS", "ICS_HINTS", "code_hints", "code_prefixes", "lookup",
           "normalize_code", "weak_labels_from_codes", "weak_labels_from_text"]


@dataclass(frozen=True)
class CodeHint:
    """What one classification code says: XR relevance weight and taxonomy labels."""

    relevance: float = 0.0
    labels: tuple[str, ...] = ()
    note: str = ""


def _h(relevance: float, *labels: str) -> CodeHint:
    """Shorthand for a CodeHint without a note."""
    return CodeHint(relevance, labels)


_NONE = CodeHint(0.0)
CPC_HINTS: dict[str, CodeHint] = {
    # near-eye display: head-up / head-mounted displays and their optics
    "G02B27/01": _h(0.4, "near_eye_display"),
    "G02B27/0101": _h(0.4, "near_eye_optical_module"),
    "G02B27/0103": _h(0.4, "waveguide"),
    "G02B27/017": _h(0.9, "near_eye_display"),
    "G02B27/0172": _h(0.9, "near_eye_optical_module"),
    "G02B27/0174": _h(0.9, "waveguide"),
    "G02B27/0176": _h(0.9, "near_eye_display"),
    "G02B27/0178": _h(0.9, "near_eye_display"),
    "G02B27/0179": _h(0.6, "near_eye_display"),
    "G02B27/0093": _h(0.6, "eye_tracking", "six_dof_tracking"),
    "G02B2027/0123": _h(0.5, "near_eye_optical_module"),
    "G02B2027/0132": _h(0.5, "near_eye_display"),
    "G02B2027/0134": _h(0.6, "near_eye_display"),
    "G02B2027/0138": _h(0.6, "near_eye_display", "perception_interaction"),
    "G02B2027/014": _h(0.5, "near_eye_display"),
    "G02B2027/0174": _h(0.9, "waveguide"),
    "G02B2027/0178": _h(0.9, "near_eye_display"),
    "G02B2027/0187": _h(0.8, "six_dof_tracking", "eye_tracking"),
    "G02B6": _h(0.05, "waveguide"),  # light guides: waveguides, but also fibres and backlights
    "G02B6/0001": _NONE, **{f"G02B6/00{d}": _NONE for d in range(1, 10)},  # backlight light guides
    "G02B6/02": _NONE, "G02B6/24": _NONE, "G02B6/36": _NONE, "G02B6/38": _NONE, "G02B6/42": _NONE,
    "G02B6/44": _NONE, "G02B6/46": _NONE,
    "G02B5/18": _h(0.05, "waveguide"),
    "G02B5/32": _h(0.1, "ultra_thin_imaging"),
    "G02B1/002": _h(0.05, "ultra_thin_imaging"),
    "G02B17/08": _h(0.1, "pancake_optics"),
    "G02B17/086": _h(0.1, "freeform_prism"),
    "G02B25/001": _h(0.2, "near_eye_optical_module"),
    "G02B26/0833": _h(0.1, "mems_optical_sensing"),
    "G02B26/10": _h(0.1, "mems_optical_sensing", "micro_display"),
    "G02B30": _h(0.4, "near_eye_display"),
    "G02B30/22": _h(0.5, "near_eye_display"),
    "G02B30/34": _h(0.8, "near_eye_display"),
    "G02B30/50": _h(0.5, "near_eye_display"),
    "G02C11/10": _h(0.4, "near_eye_display"),
    "G02F1/136277": _h(0.1, "micro_display"),
    "G02F1/294": _h(0.1, "ultra_thin_imaging"),
    "G03H1/22": _h(0.2, "near_eye_display"),
    "G03H1/2294": _h(0.2, "near_eye_display"),
    "G09G3": _h(0.03, "micro_display"),
    "G09G3/001": _h(0.1, "micro_display"),
    "G09G3/003": _h(0.4, "near_eye_display"),
    "G09G3/02": _h(0.1, "micro_display"),
    "G09G3/32": _h(0.05, "micro_display"),
    "H10K": _h(0.02, "micro_display"),
    "H10K50": _h(0.05, "micro_display"),
    "H10K59": _h(0.05, "micro_display"),
    "H10H29": _h(0.05, "micro_display"),
    "H01L27/15": _h(0.05, "micro_display"),
    "H01L25/0753": _h(0.05, "micro_display"),
    "H04N9/3129": _h(0.1, "micro_display"),
    "A63B2071/0666": _h(0.8, "near_eye_display"),
    "G09B9/307": _h(0.8, "near_eye_display"),
    "A61B2090/502": _h(0.6, "near_eye_display"),
    # perception and interaction
    "G06F3/01": _h(0.3, "perception_interaction"),
    "G06F3/011": _h(1.0, "perception_interaction"),
    "G06F3/012": _h(0.7, "six_dof_tracking"),
    "G06F3/013": _h(0.7, "eye_tracking"),
    "G06F3/014": _h(0.6, "haptics", "six_dof_tracking"),
    "G06F3/015": _h(0.2, "perception_interaction"),
    "G06F3/016": _h(0.4, "haptics"),
    "G06F3/017": _h(0.5, "face_body_gesture_recognition"),
    "G06F3/0304": _h(0.2, "perception_interaction"),
    "G06F3/0325": _h(0.3, "six_dof_tracking"),
    "G06F3/0346": _h(0.4, "six_dof_tracking"),
    "G06F3/04815": _h(0.5, "perception_interaction"),
    "G06F1/163": _h(0.3),
    "G06F2203/012": _h(1.0, "perception_interaction"),
    "G06F2203/013": _h(0.4, "haptics"),
    "G06T7/20": _h(0.05, "object_scene_recognition"),
    "G06T7/246": _h(0.1, "object_scene_recognition"),
    "G06T7/50": _h(0.05, "auto_3d_reconstruction"),
    "G06T7/521": _h(0.1, "tof_structured_light"),
    "G06T7/55": _h(0.1, "auto_3d_reconstruction"),
    "G06T7/557": _h(0.3, "light_field_capture"),
    "G06T7/70": _h(0.2, "six_dof_tracking"),
    "G06V40/10": _h(0.1, "face_body_gesture_recognition"),
    "G06V40/107": _h(0.3, "face_body_gesture_recognition"),
    "G06V40/11": _h(0.3, "face_body_gesture_recognition"),
    "G06V40/16": _h(0.1, "face_body_gesture_recognition"),
    "G06V40/174": _h(0.25, "facial_expression_reconstruction"),
    "G06V40/18": _h(0.3, "eye_tracking"),
    "G06V40/20": _h(0.3, "face_body_gesture_recognition"),
    "G06V40/28": _h(0.35, "face_body_gesture_recognition"),
    "G06V20/20": _h(1.0, "object_scene_recognition", "ar"),
    "G06V20/64": _h(0.2, "object_scene_recognition"),
    "G01S17/89": _h(0.1, "tof_structured_light"),
    "G01S17/894": _h(0.2, "tof_structured_light"),
    "G01B11/25": _h(0.15, "tof_structured_light"),
    "G01C21/16": _h(0.05, "six_dof_tracking"),
    "B81B": _h(0.02, "mems_optical_sensing"),
    "B81B2201/04": _h(0.1, "mems_optical_sensing"),
    "A61B3/113": _h(0.3, "eye_tracking"),
    "A61B5/163": _h(0.2, "eye_tracking"),
    "A61B2090/365": _h(1.0, "ar"),
    # games
    "A63F13": _h(0.05),
    "A63F13/211": _h(0.15, "six_dof_tracking"),
    "A63F13/212": _h(0.2, "perception_interaction"),
    "A63F13/213": _h(0.15, "perception_interaction"),
    "A63F13/28": _h(0.15, "haptics"),
    "A63F13/285": _h(0.2, "haptics"),
    "A63F13/428": _h(0.2, "six_dof_tracking"),
    "A63F13/52": _h(0.1, "rendering_computation"),
    "A63F13/57": _h(0.1, "physics_simulation"),
    "A63F2300/8082": _h(1.0, "vr"),
    "A63F2300/66": _h(0.1, "rendering_computation"),
    "A63G31/16": _h(0.4),
    "H04L67/131": _h(0.8),
    # rendering and computation
    "G06T19": _h(0.8),
    "G06T19/003": _h(0.8, "rendering_computation"),
    "G06T19/006": _h(1.0, "ar", "mr"),
    "G06T19/20": _h(0.5, "scene_model_3d"),
    "G06T2219/024": _h(0.4),
    "G06T15": _h(0.15, "rendering_computation"),
    "G06T15/005": _h(0.15, "realtime_photorealistic_rendering"),
    "G06T15/04": _h(0.1, "complex_materials"),
    "G06T15/06": _h(0.15, "realtime_photorealistic_rendering"),
    "G06T15/08": _h(0.1, "realtime_photorealistic_rendering"),
    "G06T15/20": _h(0.2, "rendering_computation"),
    "G06T15/205": _h(0.3, "realtime_photorealistic_rendering"),
    "G06T15/40": _h(0.1, "large_scene_loading"),
    "G06T15/50": _h(0.1, "realtime_photorealistic_rendering"),
    "G06T15/506": _h(0.1, "complex_materials"),
    "G06T15/80": _h(0.1, "complex_materials"),
    "G06T1/20": _h(0.05, "rendering_computation"),
    "G06T1/60": _h(0.05, "rendering_computation"),
    "G06T2210/36": _h(0.2, "level_of_detail"),
    "G06T2210/21": _h(0.1, "physics_simulation"),
    "G06T2210/16": _h(0.1, "physics_simulation"),
    "G06T2210/61": _h(0.2, "engines_toolchains"),
    "G06T2215/16": _h(0.2, "realtime_photorealistic_rendering"),
    # content production
    "G06T17": _h(0.1, "scene_model_3d"),
    "G06T17/005": _h(0.1, "scene_model_3d"),
    "G06T17/20": _h(0.15, "scene_model_3d"),
    "G06T17/205": _h(0.1, "level_of_detail"),
    "G06T13": _h(0.1, "content_production"),
    "G06T13/20": _h(0.15, "content_production"),
    "G06T13/205": _h(0.3, "virtual_human_avatar"),
    "G06T13/40": _h(0.4, "virtual_human_avatar"),
    "G06T9": _h(0.0, "content_production"),
    "G06T9/001": _h(0.3, "immersive_video_coding"),
    "G06T9/40": _h(0.3, "immersive_video_coding"),
    "G06T3/12": _h(0.5, "panoramic_video", "vr"),
    "G06T3/047": _h(0.2, "panoramic_capture"),
    "G06T3/4038": _h(0.2, "panoramic_capture"),
    "G06Q30/0643": _h(0.3, "virtual_human_avatar"),
    "H04N13": _h(0.8, "stereoscopic_3d_video"),
    "H04N13/111": _h(0.8, "volumetric_6dof_video"),
    "H04N13/117": _h(0.9, "volumetric_6dof_video"),
    "H04N13/161": _h(0.8, "immersive_video_coding", "stereoscopic_3d_video"),
    "H04N13/232": _h(0.8, "light_field_capture"),
    "H04N13/243": _h(0.8, "volumetric_6dof_video", "panoramic_capture"),
    "H04N13/254": _h(0.7, "tof_structured_light"),
    "H04N13/275": _h(0.8, "rendering_computation"),
    "H04N13/279": _h(0.8, "rendering_computation", "volumetric_6dof_video"),
    "H04N13/282": _h(0.8, "volumetric_6dof_video"),
    "H04N13/30": _h(0.8, "near_eye_display"),
    "H04N13/332": _h(0.9, "near_eye_display"),
    "H04N13/344": _h(0.9, "near_eye_display"),
    "H04N13/366": _h(0.8, "six_dof_tracking"),
    "H04N13/383": _h(0.8, "eye_tracking"),
    "H04N19": _h(0.0, "content_production"),
    "H04N19/597": _h(0.8, "immersive_video_coding", "stereoscopic_3d_video"),
    "H04N21": _h(0.0, "content_production"),
    "H04N21/21805": _h(0.4, "volumetric_6dof_video"),
    "H04N21/6587": _h(0.2, "volumetric_6dof_video"),
    "H04N21/816": _h(0.5, "stereoscopic_3d_video"),
    "H04N21/4728": _h(0.1, "panoramic_video"),
    "H04N23/698": _h(0.5, "panoramic_capture"),
    "H04N5/23238": _h(0.5, "panoramic_capture"),
    "H04N23/90": _h(0.1, "panoramic_capture"),
    "H04N23/95": _h(0.3, "light_field_capture"),
    "H04N23/957": _h(0.5, "light_field_capture"),
    "H04N5/2224": _h(0.5, "content_production"),
    "H04N7/157": _h(0.9, "virtual_human_avatar"),
    "H04S7/30": _h(0.2, "content_production"),
    "H04S7/303": _h(0.4, "content_production", "six_dof_tracking"),
    "H04S7/304": _h(0.4, "content_production"),
    "H04S2400/11": _h(0.3, "content_production"),
    "H04S2420/01": _h(0.3, "content_production"),
    "H04S2420/11": _h(0.4, "content_production"),
}

# ICS codes are broad: weak topic hints only, never enough for relevance on their own.
ICS_HINTS: dict[str, CodeHint] = {
    "35.140": _h(0.3, "rendering_computation"),
    "35.040.40": _h(0.1, "content_production"),
    "35.040.30": _h(0.1, "content_production"),
    "33.160.60": _h(0.05, "content_production"),
    "33.170": _h(0.0, "content_production"),
    "31.120": _h(0.1, "near_eye_display"),
    "31.260": _h(0.05, "near_eye_display"),
    "37.020": _h(0.0, "near_eye_display"),
    "35.180": _h(0.05, "perception_interaction"),
}

# Committee names are matched as case-insensitive substrings of the standard's committee field.
COMMITTEE_HINTS: dict[str, CodeHint] = {
    "JTC 1/SC 24": _h(0.3, "rendering_computation"),
    "TC28/SC24": _h(0.3, "rendering_computation"),
    "JTC 1/SC 29": _h(0.1, "content_production"),
    "Metaverse Standards Committee": _h(0.8),
    "Virtual Reality": _h(0.8),
}

_CPC = re.compile(r"^([A-HY])\s*(\d{2})\s*([A-Z])\s*(?:(\d{1,4})\s*(?:/\s*(\d{1,6}))?)?")
_IPC_FIXED = re.compile(r"^([A-HY]\d{2}[A-Z])(\d{4})(\d{6})")
_GROUP = re.compile(r"^([A-HY]\d{2}[A-Z])\d+$")


@functools.lru_cache(maxsize=1 << 16)
def normalize_code(raw: str) -> str | None:
    """Canonical CPC/IPC symbol: 'G02B 27/0172 (2013.01)' → 'G02B27/0172'; None if unreadable.

    Memoized: patents share a few thousand codes, and each is read for code tokens and code hints.
    """
    text = (raw or "").strip().upper()
    fixed = _IPC_FIXED.match(text.replace(" ", ""))
    if fixed:  # IPC 8 fixed width, e.g. G02B0027010000
        sub, group, subgroup = fixed.groups()
        digits = subgroup.rstrip("0").ljust(2, "0")
        return f"{sub}{int(group)}/{digits}"
    m = _CPC.match(text)
    if not m:
        return None
    section, cls, sub, group, subgroup = m.groups()
    symbol = f"{section}{cls}{sub}"
    if group is None:
        return symbol
    if subgroup is None or subgroup == "00":
        return f"{symbol}{int(group)}"
    return f"{symbol}{int(group)}/{subgroup}"


def code_prefixes(code: str) -> list[str]:
    """Canonical code and its ancestors by prefix, most specific first."""
    return list(_prefixes(code))


@functools.lru_cache(maxsize=1 << 16)
def _prefixes(code: str) -> tuple[str, ...]:
    """code_prefixes as a tuple, memoized."""
    out = [code]
    if "/" in code:
        head, subgroup = code.split("/", 1)
        out += [f"{head}/{subgroup[:n]}" for n in range(len(subgroup) - 1, 1, -1)]
        out.append(head)
    group_match = _GROUP.match(out[-1])
    if group_match:
        out.append(group_match.group(1))
    return tuple(out)


def _most_specific(code: str, table: Mapping[str, CodeHint]) -> CodeHint | None:
    """The hint of the longest prefix of a canonical code found in the table, or None."""
    for prefix in _prefixes(code):
        hint = table.get(prefix)
        if hint is not None:
            return hint
    return None


def lookup(code: str, hints: Mapping[str, CodeHint] | None = None) -> CodeHint | None:
    """The most specific hint for one raw CPC/IPC code, or None."""
    table = CPC_HINTS if hints is None else hints
    norm = normalize_code(code)
    return None if norm is None else _most_specific(norm, table)


def _ics_lookup(code: str, hints: Mapping[str, CodeHint]) -> CodeHint | None:
    """The most specific ICS hint: 35.240.15, then 35.240, then 35."""
    parts = code.strip().split(".")
    return next((hints[k] for k in (".".join(parts[:n]) for n in range(len(parts), 0, -1)) if k in hints),
                None)


def code_hints(cpc: Iterable[str] = (), ipc: Iterable[str] = (), ics: Iterable[str] = (),
               committee: str | None = None) -> dict[str, CodeHint]:
    """The hint of every code that has one, keyed 'cpc:<code>', 'ics:<code>' or 'committee:<name>'."""
    found: dict[str, CodeHint] = {}
    for code in [*cpc, *ipc]:
        norm = normalize_code(code)
        hint = _most_specific(norm, CPC_HINTS) if norm else None
        if hint is not None:
            found[f"cpc:{norm}"] = hint
    for code in ics:
        hint = _ics_lookup(code, ICS_HINTS)
        if hint is not None:
            found[f"ics:{code.strip()}"] = hint
    if committee:
        lowered = " ".join(committee.split()).lower()
        for key, hint in COMMITTEE_HINTS.items():
            if key.lower() in lowered:
                found[f"committee:{key}"] = hint
    return found


def weak_labels_from_codes(cpc: Iterable[str] = (), ipc: Iterable[str] = (), ics: Iterable[str] = (),
                           committee: str | None = None, *, taxonomy: Taxonomy = TAXONOMY) -> WeakLabels:
    """Weak labels from classification codes (CPC/IPC, ICS) and a standards committee name."""
    found = code_hints(cpc, ipc, ics, committee)
    score_left = 1.0
    labels: list[str] = []
    for hint in found.values():
        score_left *= 1.0 - min(max(hint.relevance, 0.0), 1.0)
        labels.extend(hint.labels)
    techs, subs, forms = hints_for(labels, taxonomy)
    return WeakLabels(1.0 - score_left, frozenset(techs), frozenset(subs), frozenset(forms),
                      tuple(found))
