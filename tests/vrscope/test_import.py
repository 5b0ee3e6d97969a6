"""``vrscope import``: catalogue lines and exports, gzip or plain, bad lines, broken files, idempotence."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vrscope.cli import app
from vrscope.importer import BrokenFile, import_files, read_lines
from vrscope.records import Correction, Labels, Patent, Standard
from vrscope.store import Store

runner = CliRunner()
LINES = Path(__file__).parents[1] / "crawlers" / "fixtures" / "catalog" / "lines.jsonl"
CATALOGS = Path("catalogs/standards")


def _lines() -> list[bytes]:
    return [line.encode("utf-8") for line in LINES.read_text("utf-8").splitlines()]


def _gz(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(gzip.compress(b"".join(line + b"\n" for line in lines)))
    return path


def test_catalogue_lines_gzip_or_plain(tmp_path: Path) -> None:
    lines = _lines()
    plain = tmp_path / "mixed.jsonl"
    plain.write_bytes(b"\n".join(lines[:6]))  # no newline after the last line
    packed = _gz(tmp_path / "more.jsonl.gz", lines[6:])
    with Store(tmp_path / "s.db") as store:
        summary = import_files(store, [plain, packed])
        assert (summary.lines, summary.stored, summary.distinct_ids, summary.bad_lines) == (12, 12, 12, 0)
        assert store.count("standard") == 12
        omaf = store.get("ISO/IEC 23090-2:2023")
        assert isinstance(omaf, Standard) and omaf.sources == ["iso-catalog"]
        assert store.provenance("ISO/IEC 23090-2:2023")[0]["payload_sha256"]


def test_a_bad_line_is_reported_with_its_line_number_and_skipped(tmp_path: Path) -> None:
    lines = _lines()
    path = _gz(tmp_path / "iso_catalog_index_all.jsonl.gz",
               [lines[0], b'{"id": "ISO 1", "broken', lines[1], b"", b'{"file": "x.yaml"}', lines[2]])
    errors: list[str] = []
    with Store(tmp_path / "s.db") as store:
        summary = import_files(store, [path], on_error=errors.append)
        assert (summary.lines, summary.bad_lines, summary.stored) == (5, 2, 3)
        assert errors[0].startswith(f"{path}:2: not JSON") and errors[1].startswith(f"{path}:5: ")
        letters = store.dead_letters("import")
        assert [letter["url"] for letter in letters] == [f"{path}:2", f"{path}:5"]
        assert store.count() == 3


def test_a_truncated_gzip_keeps_what_was_read(tmp_path: Path) -> None:
    lines = _lines()
    whole = gzip.compress(b"".join(line + b"\n" for line in lines * 40))
    path = tmp_path / "half.jsonl.gz"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    with pytest.raises(BrokenFile, match="truncated"):
        for _ in read_lines(path):
            pass
    after = _gz(tmp_path / "after.jsonl.gz", lines[:1])
    with Store(tmp_path / "s.db") as store:
        summary = import_files(store, [path, after])
        assert summary.broken_files and "after line" in summary.broken_files[0]
        assert summary.lines > 100 and summary.bad_lines == 0 and summary.stored == summary.lines
        assert store.count("standard") == 12  # every distinct line was read before the break
        assert store.dead_letters("import")[0]["url"] == str(path)


def test_reimport_changes_nothing(tmp_path: Path) -> None:
    path = _gz(tmp_path / "c.jsonl.gz", _lines())
    with Store(tmp_path / "s.db") as store:
        import_files(store, [path])
        before = store.conn.execute("SELECT id, data, updated_at FROM documents ORDER BY id").fetchall()
        time.sleep(0.01)
        summary = import_files(store, [path])
        assert (summary.counts.unchanged, summary.counts.updated, summary.counts.inserted) == (12, 0, 0)
        after = store.conn.execute("SELECT id, data, updated_at FROM documents ORDER BY id").fetchall()
        assert [tuple(r) for r in before] == [tuple(r) for r in after]


def test_an_export_comes_back_whole_without_its_labels_as_corrections(tmp_path: Path) -> None:
    path = _gz(tmp_path / "c.jsonl.gz", _lines())
    patent = Patent(id="CN 112345678 A", source="epo_ops", jurisdiction="CN", titles={"zh": "头戴式显示装置"})
    with Store(tmp_path / "a.db") as store:
        import_files(store, [path])
        store.upsert(patent)
        store.set_labels([(patent.id, Labels(relevant=True, model_version="m1"))])
        store.correct(patent.id, Correction(techs=["near_eye_display"]))
        export = tmp_path / "export.jsonl"
        export.write_text("\n".join(store.export_jsonl()) + "\n", "utf-8")
        originals = {d.id: d.model_dump(exclude={"fetched_at"}) for d in store.iter_documents()}
    with Store(tmp_path / "b.db") as store:
        summary = import_files(store, [export])
        assert (summary.lines, summary.bad_lines) == (13, 0)
        assert {d.id: d.model_dump(exclude={"fetched_at"}) for d in store.iter_documents()} == originals
        assert store.corrections() == {} and store.model_labels(patent.id) is None
        again = import_files(store, [export, path])
        assert again.counts.unchanged == 25 and again.counts.updated == 0


def test_the_command_prints_a_summary_and_fails_on_bad_lines(tmp_path: Path) -> None:
    good = _gz(tmp_path / "ieee_catalog_index_all.jsonl.gz", _lines())
    result = runner.invoke(app, ["import", str(good), "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    assert "lines read" in result.output and "distinct ids" in result.output and "12" in result.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"oops"\n', "utf-8")
    result = runner.invoke(app, ["import", str(bad), "--source", "mine", "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 1 and f"{bad}:1" in result.output
    missing = runner.invoke(app, ["import", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code != 0


def test_the_source_option_names_catalogue_records(tmp_path: Path) -> None:
    path = _gz(tmp_path / "c.jsonl.gz", _lines()[:2])
    with Store(tmp_path / "s.db") as store:
        import_files(store, [path], source="iso-2025-dump")
        assert store.counts_by_source() == {"iso-2025-dump": 2}


@pytest.mark.shared_data
@pytest.mark.slow
def test_the_six_real_catalogues_land_whole(shared_data: Path, tmp_path: Path) -> None:
    files = sorted((shared_data / CATALOGS).glob("*/*_catalog_index_all.jsonl.gz"))
    assert len(files) == 6
    with Store(tmp_path / "s.db") as store:
        started = time.process_time()  # CPU time: other work on a shared machine does not count
        summary = import_files(store, files)
        elapsed = time.process_time() - started
        assert (summary.lines, summary.stored, summary.bad_lines) == (257_989, 257_989, 0)
        assert summary.broken_files == []
        assert summary.distinct_ids == store.count("standard") == 243_003
        # ISO repeats 9,629 identifiers and 5,357 joint ISO/IEC standards sit in two catalogues.
        assert summary.counts.inserted == 243_003 and summary.counts.merged == 257_989 - 243_003
        joint = store.get("ISO/IEC 23090-2:2023")
        assert isinstance(joint, Standard) and joint.sources == ["iec-catalog", "iso-catalog"]
        repeated = store.get("ISO 1003:2008")
        assert isinstance(repeated, Standard) and len(repeated.editions) == 2
        editions = store.conn.execute(
            "SELECT sum(json_array_length(data, '$.editions')) FROM documents").fetchone()[0]
        assert editions == 257_989  # every line is an edition of some standard: nothing lost
        assert elapsed < 90, f"import took {elapsed:.0f} s of CPU"  # about 25 s on two cores
        iec = next(f for f in files if f.name.startswith("iec_"))
        again = import_files(store, [iec])
        assert (again.counts.unchanged, again.counts.updated) == (32_524, 0)
