"""`tthc review` on a real repository of two commits (tests/review_project.py): a new decision
amends three procedures and abolishes one; the review must show the field-level diff, a
cross-check table with every row right, the procedure changed without a decision and the
file outside the author's agency."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from review_project import NEW_CONDITION, NEW_DECISION, PROCEDURES, make_review_project
from site_project import THIRD_COMMIT, git

from generator.catalog import load_catalog
from generator.cli import main
from generator.crosscheck import check_catalog
from generator.review import Review, ReviewError, review_change
from generator.review.markdown import MARKER, render
from generator.schema_index import SchemaIndex
from generator.schemas import PACKAGED_SCHEMAS

A, B, C, D = (f"{PROCEDURES}/2.00010{n}.yaml" for n in (1, 2, 3, 4))
E = f"{PROCEDURES}/2.000105.yaml"
F = "content/procedures/bo-quoc-phong/1.013124.yaml"
RULES = ("co_tep", "ten_khop", "ghi_quyet_dinh", "dung_co_quan", "cap_nhat")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_review_project(tmp_path_factory.mktemp("review"))


@pytest.fixture(scope="module")
def review(project: Path) -> Review:
    return review_change(project, "main", "de-nghi")


def test_the_cross_check_table_has_every_row_right(review: Review) -> None:
    [decision] = review.decisions
    assert (decision.path, decision.status, decision.number) == (NEW_DECISION, "added",
                                                                 "200/QĐ-BTP")
    assert (decision.notice_days, decision.notice_required, decision.notice_ok) == (32, 20, True)
    table = [(r.kind, r.code, r.procedure, tuple(r.checks[k] for k in RULES))
             for r in decision.rows]
    assert table == [
        ("Sửa đổi, bổ sung", "2.000101", A, (True, True, True, True, True)),
        ("Sửa đổi, bổ sung", "2.000102", B, (True, False, True, True, True)),   # name
        ("Sửa đổi, bổ sung", "2.000103", C, (True, True, False, True, False)),  # untouched
        ("Bãi bỏ", "2.000104", D, (True, True, None, True, None)),              # kept
    ]


def test_a_procedure_changed_without_a_decision_and_a_file_outside_the_agency(
        review: Review) -> None:
    assert (review.agency, review.agency_inferred) == ("bo-tu-phap", True)
    assert review.without_decision == [F, E]
    assert review.outside_agency == [F]
    assert review.deleted_procedures == []
    assert review.flags == 5    # B's name, C's two rules (one row), E, F twice


def test_the_field_level_diff(review: Review) -> None:
    files = {f.path: f for f in review.files}
    assert sorted(files) == sorted([NEW_DECISION, A, B, E, F])
    changes = [(c.kind, c.label, c.old, c.new) for c in files[A].changes]
    assert changes == [
        ("changed", "Quyết định công bố", "3152/QĐ-BTP", "200/QĐ-BTP"),
        ("changed", "Cách thức thực hiện › Cách nộp 1 › Phí, lệ phí › Khoản phí, lệ phí 2 › "
                    "Số tiền", 2000, 3000),
        ("changed", "Yêu cầu, điều kiện", "Bản chính giấy tờ, văn bản cần chứng thực.",
         NEW_CONDITION),
    ]   # the levels and the two fees changed places: not a change
    condition = files[A].changes[2]
    assert condition.is_text
    assert ("+", "thực, còn nguyên vẹn và không bị tẩy xóa, sửa chữa.") in condition.words()
    assert files[A].lines == [5, 32, 47]
    assert [(c.kind, c.label, c.new) for c in files[E].changes] == [
        ("added", "Từ khóa", ["sao y"])]
    added = files[NEW_DECISION].changes
    assert {c.kind for c in added} == {"added"}
    assert ("Thủ tục bị bãi bỏ 1", {"ma": "2.000104", "ten": added[-1].new["ten"]}) == (
        added[-1].label.split(" › ")[-1], added[-1].new)


def test_every_cross_mark_is_a_problem_the_validator_reports(project: Path,
                                                             review: Review) -> None:
    """The table lays out the validator's facts; it never invents or hides one."""
    problems = check_catalog(load_catalog(project))
    flagged = {(p.path, p.code) for p in problems if p.path == NEW_DECISION}
    assert flagged == {(NEW_DECISION, "name-mismatch"), (NEW_DECISION, "stale-procedure")}
    crossed = [r.code for r in review.decisions[0].rows if not r.ok]
    assert crossed == ["2.000102", "2.000103"]


def test_the_markdown_report(review: Review) -> None:
    text = render(review, SchemaIndex(PACKAGED_SCHEMAS))
    assert text.startswith(MARKER)
    assert ("| Sửa đổi, bổ sung | `2.000103` | `content/procedures/bo-tu-phap/2.000103.yaml` "
            "| ✓ | ✓ | ✗ | ✓ | ✗ |") in text
    assert "| Bãi bỏ | `2.000104` | `content/procedures/bo-tu-phap/2.000104.yaml` | ✓ | ✓ | — " \
        "| ✓ | — |" in text
    assert f"không có quyết định nào trong thay đổi công bố: `{E}`" in text
    assert f"Tệp ngoài phạm vi của `bo-tu-phap`: `{F}` (thuộc `bo-quoc-phong`)" in text
    assert "~~2000~~ → **3000**" in text
    assert "chứng ~~thực.~~ **thực, còn nguyên vẹn và không bị tẩy xóa, sửa chữa.**" in text


def test_a_report_too_long_for_a_comment_is_cut_and_says_where_the_rest_is(
        review: Review) -> None:
    schemas = SchemaIndex(PACKAGED_SCHEMAS)
    full = render(review, schemas)
    limit = len(full.encode()) // 2
    short = render(review, schemas, limit)
    assert len(short.encode()) <= limit
    assert "| ✓ | ✗ | ✓ | ✓ | ✓ |" in short            # the table is never what is cut
    assert short.rstrip().endswith("(review.md, review.json)._")
    assert "tệp nữa" in short


def test_an_explicit_agency_flags_every_file_it_does_not_own(project: Path) -> None:
    review = review_change(project, "main", "de-nghi", agency="bo-quoc-phong")
    assert (review.agency, review.agency_inferred) == ("bo-quoc-phong", False)
    assert review.outside_agency == sorted([NEW_DECISION, A, B, E])


def test_the_command_writes_markdown_json_and_the_comment(project: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    out = tmp_path / "review"
    assert main(["review", "--root", str(project), "--base", "main", "--head", "de-nghi",
                 "--format", "json", "--out", str(out)]) == 0
    printed: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert printed == json.loads((out / "review.json").read_text("utf-8"))
    assert printed["flags"] == 5
    assert printed["decisions"][0]["rows"][2]["checks"]["cap_nhat"] is False
    assert (out / "comment.md").read_text("utf-8") == (out / "review.md").read_text("utf-8")
    assert main(["review", "--root", str(project), "--base", "main", "--head", "de-nghi",
                 "--strict"]) == 1
    assert main(["review", "--root", str(project), "--base", "main", "--head", "main",
                 "--strict"]) == 0
    assert "Không có điểm nào cần chú ý" in capsys.readouterr().out


def test_an_unknown_revision_is_a_usage_error_that_says_what_to_do(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["review", "--root", str(project), "--base", "khong-co"])
    assert stop.value.code == 2
    assert "không tìm thấy phiên bản `khong-co`" in capsys.readouterr().err
    with pytest.raises(ReviewError, match="fetch-depth: 0"):
        review_change(project, "0" * 40)


def test_deleting_an_abolished_procedure_file_is_flagged(tmp_path: Path) -> None:
    """An abolished procedure stays published as a tombstone: its file must stay."""
    root = make_review_project(tmp_path)
    (root / D).unlink()
    (root / E).write_text("ma: [khong dong", "utf-8")            # and a file that cannot load
    git(root, "commit", "-q", "-am", "xóa tệp", when=THIRD_COMMIT)
    review = review_change(root, "main")
    assert review.deleted_procedures == [D]
    row = review.decisions[0].rows[-1]
    assert (row.code, row.checks["co_tep"], row.ok) == ("2.000104", False, False)
    assert row.notes == [f"tệp {D} bị xóa trong thay đổi: thủ tục bãi bỏ vẫn giữ tệp"]
    [broken] = [f for f in review.files if f.path == E]
    assert broken.error is not None and broken.error.startswith(f"{E}:2:1: [yaml-syntax]")
    assert broken.changes == []


def test_a_project_inside_a_larger_repository(tmp_path: Path) -> None:
    root = make_review_project(tmp_path / "kho", nested="tthc")
    assert not (root / ".git").exists() and (root.parent / ".git").is_dir()
    review = review_change(root, "main", "de-nghi")
    assert review.without_decision == [F, E]
    assert [d.path for d in review.decisions] == [NEW_DECISION]
