"""Saved-model files: skops weights behind an allow-list, metadata.json, and what they record."""

from __future__ import annotations

import hashlib
import json
import platform
import zipfile
from collections.abc import Iterable, Mapping
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

from classify.taxonomy import Concept, Taxonomy

MODEL_FILE = "model.skops"
METADATA_FILE = "metadata.json"
CARD_FILE = "README.md"
# Types skops does not trust by default but our model legitimately contains; anything else is refused.
ALLOWED_TYPES = frozenset({"classify.features.analyze"})


class UntrustedModelError(RuntimeError):
    """A saved model contains types outside the allow-list, or does not match its recorded hash."""


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def library_versions() -> dict[str, str]:
    """Versions of Python and the libraries a saved model depends on."""
    versions = {"python": platform.python_version()}
    for name in ("scikit-learn", "skops", "numpy", "scipy", "rjieba"):
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            versions[name] = "unknown"
    return versions


def codemap_hash() -> str:
    """SHA-256 of the code maps as they are now (they can be extended at start-up)."""
    from classify.codemap import COMMITTEE_HINTS, CPC_HINTS, ICS_HINTS

    data = json.dumps([CPC_HINTS, ICS_HINTS, COMMITTEE_HINTS], sort_keys=True, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def taxonomy_from_dict(data: Mapping[str, Any]) -> Taxonomy:
    """Rebuild a Taxonomy saved with dataclasses.asdict (lists back to tuples)."""
    def concept(c: Mapping[str, Any]) -> Concept:
        """One concept from its dict."""
        fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in c.items()}
        return Concept(**fields)

    groups = ("relevance", "forms", "techs", "subtopics", "negatives")
    kwargs: dict[str, Any] = {g: tuple(concept(c) for c in data[g]) for g in groups}
    return Taxonomy(**kwargs, masked=tuple(data["masked"]))


def save_artifacts(directory: str | Path, artifacts: Mapping[str, Any], metadata: Mapping[str, Any]) -> Path:
    """Write model.skops and metadata.json (with the model file's hash) into directory."""
    import skops.io as sio

    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    sio.dump(dict(artifacts), path / MODEL_FILE, compression=zipfile.ZIP_DEFLATED, compresslevel=6)
    meta = dict(metadata, model_sha256=file_sha256(path / MODEL_FILE))
    (path / METADATA_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def load_artifacts(directory: str | Path, extra_trusted: Iterable[str] = ()) -> tuple[dict[str, Any],
                                                                                      dict[str, Any]]:
    """Read model.skops (allow-listed types only, hash checked) and metadata.json."""
    import skops.io as sio

    path = Path(directory)
    meta = json.loads((path / METADATA_FILE).read_text(encoding="utf-8"))
    model_file = path / MODEL_FILE
    if meta.get("model_sha256") and meta["model_sha256"] != file_sha256(model_file):
        raise UntrustedModelError(f"{model_file} does not match the hash in {METADATA_FILE}")
    untrusted = sio.get_untrusted_types(file=model_file)
    refused = sorted(set(untrusted) - ALLOWED_TYPES - set(extra_trusted))
    if refused:
        raise UntrustedModelError(f"{model_file} contains types outside the allow-list: {refused}")
    return sio.load(model_file, trusted=untrusted), meta
