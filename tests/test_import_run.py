"""`tthc import` end to end: real records in, a valid catalogue out, and no diff on re-import."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.validate import validate

DATA = Path(__file__).parent / "data" / "import"
WORD_EXPORT = DATA / "word_export" / "records.jsonl"
DECISIONS = DATA / "decisions" / "decisions.json"


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_import_writes_a_valid_catalogue(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "word-export", str(WORD_EXPORT), "--into", str(tmp_path)]) == 0
    summary = capsys.readouterr().out
    assert "Tổng: 9 bản ghi — 9 đã nhập" in summary
    assert "không tách được" in summary  # the per-record table of what could not be split
    files = _tree(tmp_path)
    assert "content/agencies/bo-quoc-phong.yaml" in files
    assert {"content/vocab/linh_vuc.yaml", "content/vocab/doi_tuong.yaml"} <= set(files)
    minimal = [p for p in files if "/khong-ro-nam/" in p]
    assert minimal, "every announcing decision must resolve, if only as a minimal file"
    report = validate(tmp_path)
    assert [str(p) for p in report.errors] == []
    assert {p.code for p in report.warnings} <= {"incomplete-decision", "incomplete-record"}


def test_second_import_changes_nothing(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    for source in (["decisions", str(DECISIONS)], ["word-export", str(WORD_EXPORT)]):
        assert main(["import", *source, "--into", str(tmp_path)]) == 0
    before = _tree(tmp_path)
    capsys.readouterr()
    for source in (["decisions", str(DECISIONS)], ["word-export", str(WORD_EXPORT)]):
        assert main(["import", *source, "--into", str(tmp_path)]) == 0
        assert "Ghi 0 tệp," in capsys.readouterr().out
    assert _tree(tmp_path) == before


def test_import_never_overwrites_a_reviewed_agency_file(tmp_path: Path) -> None:
    agency = tmp_path / "content" / "agencies" / "bo-quoc-phong.yaml"
    agency.parent.mkdir(parents=True)
    reviewed = "id: bo-quoc-phong\nten: Bộ Quốc phòng\nloai: bo\nduong_day_nong: '069.000'\n"
    agency.write_text(reviewed, encoding="utf-8")
    assert main(["import", "word-export", str(WORD_EXPORT), "--into", str(tmp_path)]) == 0
    assert agency.read_text(encoding="utf-8") == reviewed


def test_strict_fails_when_a_record_was_not_fully_split(tmp_path: Path) -> None:
    assert main(["import", "word-export", str(WORD_EXPORT), "--into", str(tmp_path),
                 "--strict"]) == 1


def test_unreadable_input_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["import", "portal", str(tmp_path / "khong-co.jsonl"), "--into", str(tmp_path)])
    assert exited.value.code == 2


def test_minimal_decision_is_replaced_by_nothing_when_the_full_decision_exists(
        tmp_path: Path) -> None:
    """A real decision file for the number: no minimal twin is written beside it."""
    shutil.copytree(DATA / "word_export", tmp_path / "src")
    full = tmp_path / "content/decisions/bo-quoc-phong/2024/6225-qd-bqp.yaml"
    full.parent.mkdir(parents=True)
    full.write_text("so_ky_hieu: 6225/QĐ-BQP\n", encoding="utf-8")
    assert main(["import", "word-export", str(WORD_EXPORT), "--into", str(tmp_path)]) == 0
    assert not (tmp_path / "content/decisions/bo-quoc-phong/khong-ro-nam/6225-qd-bqp.yaml"
                ).exists()
