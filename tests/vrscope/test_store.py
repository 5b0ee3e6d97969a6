"""The store of record: idempotent upserts, provenance, labels vs corrections, crawl state."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from vrscope.records import Correction, Labels, Patent, Standard
from vrscope.store import Store, sha256_bytes


def _patent(**extra: object) -> Patent:
    fields: dict[str, object] = {
        "id": "CN 112345678 A",
        "source": "epo_ops",
        "url": "http://example.test/1",
        "jurisdiction": "CN",
        "titles": {"zh": "一种头戴式显示装置", "en": "Head-mounted display device"},
        "cpc": ["G02B27/0172"],
    }
    fields.update(extra)
    return Patent.model_validate(fields)


def test_upsert_is_idempotent_and_detects_changes(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        assert store.upsert(_patent(), sha256_bytes(b"x")).action == "inserted"
        assert store.upsert(_patent(), sha256_bytes(b"x")).action == "unchanged"
        changed = _patent(abstracts={"en": "A pancake lens module."})
        assert store.upsert(changed).action == "updated"
        assert store.count() == 1
        got = store.get("CN112345678A")
        assert isinstance(got, Patent)
        assert got.abstracts == {"en": "A pancake lens module."}


def test_variant_identifiers_land_on_one_document(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.upsert(
            Standard(id="GB/T 38259—2019", source="openstd", title_zh="虚拟现实头戴式显示设备通用规范")
        )
        store.upsert(
            Standard(id="GB/T38259-2019", source="cn-seed", title_zh="虚拟现实头戴式显示设备通用规范")
        )
        assert store.count() == 1
        sources = {p["source"] for p in store.provenance("GB/T 38259-2019")}
        assert sources == {"openstd", "cn-seed"}


def test_store_uses_wal(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_correction_wins_over_every_model_run(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.upsert(_patent())
        model = Labels(relevant=True, techs={"perception_interaction": 0.8}, model_version="m1")
        store.set_labels([("CN112345678A", model)])
        store.correct("CN112345678A", Correction(techs=["near_eye_display"], author="scout"))
        store.set_labels([("CN112345678A", Labels(relevant=False, model_version="m2"))])
        effective = store.labels("CN112345678A")
        assert effective is not None
        assert effective.techs == {"near_eye_display": 1.0}
        # Fields the person did not touch still follow the model.
        assert effective.relevant is False
        assert store.model_labels("CN112345678A").model_version == "m2"  # type: ignore[union-attr]


def test_unlabelled_ids_follow_content_and_model_version(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.upsert(_patent())
        assert store.unlabelled_ids() == ["CN112345678A"]
        store.set_labels([("CN112345678A", Labels(relevant=True, model_version="m1"))])
        assert store.unlabelled_ids("m1") == []
        assert store.unlabelled_ids("m2") == ["CN112345678A"]
        store.upsert(_patent(abstracts={"en": "changed"}))
        assert store.unlabelled_ids("m1") == ["CN112345678A"]


def test_labels_for_unknown_document_are_refused(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store, pytest.raises(KeyError):
        store.set_labels([("nope", Labels(relevant=True, model_version="m"))])


def test_crawl_state_and_dead_letters(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        assert store.get_state("epo_ops", "q") is None
        store.set_state("epo_ops", "q", "25")
        store.set_state("epo_ops", "q", "50")
        assert store.get_state("epo_ops", "q") == "50"
        store.dead_letter("epo_ops", "http://x.test/a", "HTTP 500", 500, b"oops")
        [letter] = store.dead_letters("epo_ops")
        assert letter["url"] == "http://x.test/a" and letter["status"] == 500


def test_a_write_killed_midway_loses_nothing_committed(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as store:
        store.upsert(_patent())
    # A second writer dies inside a transaction: its half-done insert must vanish, the rest stays.
    conn = sqlite3.connect(path)
    conn.execute("BEGIN")
    conn.execute("DELETE FROM documents")
    conn.close()  # no commit
    with Store(path) as store:
        assert store.count() == 1


def test_export_jsonl_carries_effective_labels(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.upsert(_patent(publication_date=dt.date(2021, 3, 2)))
        store.correct("CN112345678A", Correction(relevant=True, techs=["near_eye_display"]))
        [line] = list(store.export_jsonl())
        assert '"near_eye_display"' in line and '"2021-03-02"' in line
