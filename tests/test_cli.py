"""The `tthc validate` contract: exit codes, output formats, scope, both entry points."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from examples import DATA, Example, make_tree

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent
ERRORS = Example(DATA / "invalid" / "40-missing-procedure")     # one error in a decision
MORE_ERRORS = Example(DATA / "invalid" / "60-unknown-vocab")     # two errors in a procedure
WARNINGS = Example(DATA / "valid" / "warn-short-notice")         # two warnings, no error
ERROR_FILE = "content/decisions/bo-tu-phap/2025/2114-qd-btp.yaml"
OTHER_FILE = "content/procedures/bo-tu-phap/2.000992.yaml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["validate", *argv])
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return make_tree(tmp_path / "clean")


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    return make_tree(tmp_path / "broken", ERRORS, MORE_ERRORS)


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    return make_tree(tmp_path / "warned", WARNINGS)


# exit codes ------------------------------------------------------------------------------


def test_clean_tree_exits_0(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--root", str(clean))
    assert code == 0
    assert out.splitlines() == [out.splitlines()[-1]]  # only the summary
    assert out.startswith("Hợp lệ: 0 lỗi, 0 cảnh báo")


def test_errors_exit_1(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--root", str(broken))
    assert code == 1
    assert out.splitlines()[-1].startswith("Không hợp lệ: 3 lỗi")


def test_warnings_alone_exit_0_and_1_with_strict(
        warned: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--root", str(warned))
    assert code == 0
    assert out.count("[short-notice] cảnh báo: ") == 2
    code, _, _ = run(capsys, "--root", str(warned), "--strict")
    assert code == 1


def test_strict_on_a_clean_tree_exits_0(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--root", str(clean), "--strict")[0] == 0


@pytest.mark.parametrize("argv", [["--no-such-option"], ["--format", "xml"], ["--strict=yes"]])
def test_usage_errors_exit_2(argv: list[str], clean: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--root", str(clean), *argv)
    assert code == 2
    assert out == ""
    assert "lỗi" in err


def test_missing_path_exits_2(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--root", str(clean), str(clean / "content" / "khong-co.yaml"))
    assert (code, out) == (2, "")
    assert "khong-co.yaml" in err


def test_root_without_content_folder_exits_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--root", str(tmp_path))
    assert (code, out) == (2, "")
    assert "content/" in err


def test_no_project_above_the_current_folder_exits_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys)
    assert (code, out) == (2, "")
    assert "content/" in err


def test_path_outside_the_project_exits_2(
        clean: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stray = tmp_path / "stray.yaml"
    stray.write_text("ten: x\n", encoding="utf-8")
    code, out, _ = run(capsys, "--root", str(clean), str(stray))
    assert (code, out) == (2, "")


def test_project_is_found_from_the_current_folder(
        broken: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(broken / "content" / "procedures")
    code, out, _ = run(capsys)
    assert code == 1
    assert f"{ERROR_FILE}:16:11: [missing-procedure]" in out


# formats ---------------------------------------------------------------------------------


def test_json_format(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--root", str(broken), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert set(report) == {"ok", "files_checked", "errors", "warnings", "problems"}
    assert report["ok"] is False
    assert report["files_checked"] == 13
    assert (report["errors"], report["warnings"]) == (3, 0)
    for problem in report["problems"]:
        assert set(problem) == {"path", "line", "column", "code", "severity", "message", "hint"}
        assert problem["severity"] in ("error", "warning")
    assert [(p["path"], p["line"], p["code"]) for p in report["problems"]] == [
        (ERROR_FILE, 16, "missing-procedure"),
        (OTHER_FILE, 8, "unknown-vocab"),
        (OTHER_FILE, 14, "unknown-vocab"),
    ]
    assert "Không hợp lệ" in err  # the summary goes to stderr, stdout stays pure JSON


def test_json_keeps_vietnamese_text_readable(broken: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--root", str(broken), "--format", "json")
    assert "Chưa có tệp thủ tục" in out  # not \\u escapes


def test_json_of_a_clean_tree(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--root", str(clean), "--format", "json")
    assert code == 0
    assert json.loads(out) == {"ok": True, "files_checked": 10, "errors": 0, "warnings": 0,
                               "problems": []}


GITHUB = re.compile(r"^::(error|warning) file=([^,]+),line=(\d+),col=(\d+),title=([^:]+)::(.+)$")


def test_github_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_tree(tmp_path / "mixed", ERRORS, WARNINGS)
    code, out, _ = run(capsys, "--root", str(root), "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 3
    assert all(line.startswith(("::error file=", "::warning file=")) for line in lines)
    parsed = [GITHUB.match(line) for line in lines]
    assert all(parsed), lines
    levels = sorted((m.group(1), m.group(2), int(m.group(3))) for m in parsed if m)
    assert levels == [
        ("error", ERROR_FILE, 16),
        ("warning", "content/decisions/bo-quoc-phong/2024/6901-qd-bqp.yaml", 10),
        ("warning", "content/decisions/tinh-binh-thuan/2020/1820-qd-ubnd.yaml", 10),
    ]
    assert all(m.group(5) in ("[missing-procedure]", "[short-notice]") for m in parsed if m)


def test_github_format_escapes_commas_and_colons(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_tree(tmp_path / "odd")
    odd = root / "content" / "procedures" / "bo-tu-phap" / "bản sao, mới: 2.yaml"
    odd.write_text("- danh sách\n", encoding="utf-8")
    _, out, _ = run(capsys, "--root", str(root), "--format", "github")
    assert out.startswith("::error file=content/procedures/bo-tu-phap/bản sao%2C mới%3A 2.yaml,")


# scope -----------------------------------------------------------------------------------


def test_path_restricts_the_report_to_that_file(
        broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json", str(broken / OTHER_FILE))
    assert code == 1
    paths = {p["path"] for p in json.loads(out)["problems"]}
    assert paths == {OTHER_FILE}


def test_path_of_a_clean_file_exits_0_even_if_others_are_broken(
        broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--root", str(broken), str(broken / "content" / "agencies"))
    assert code == 0
    assert out.startswith("Hợp lệ")


def test_folder_path_reports_everything_below_it(
        broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--format", "json", str(broken / "content" / "decisions"))
    assert {p["path"] for p in json.loads(out)["problems"]} == {ERROR_FILE}


def test_cross_checks_still_read_the_whole_catalogue(
        broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Restricting the report must not make a good file look bad (its decision is elsewhere)."""
    code, out, _ = run(capsys, str(broken / "content" / "procedures" / "bo-quoc-phong"))
    assert code == 0, out


# entry points ------------------------------------------------------------------------------


def _subprocess(command: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*command, "validate", "--root", str(root), "--format", "json"],
                          cwd=REPO, capture_output=True, text=True, encoding="utf-8",
                          timeout=120, check=False)


def test_python_dash_m_and_console_script_agree(broken: Path) -> None:
    script = Path(sys.executable).with_name("tthc")
    if not script.exists():
        pytest.skip("console script not installed next to this interpreter")
    module = _subprocess([sys.executable, "-m", "generator"], broken)
    console = _subprocess([str(script)], broken)
    assert module.returncode == console.returncode == 1
    assert module.stdout == console.stdout
    assert json.loads(module.stdout)["errors"] == 3


def test_python_dash_m_usage_error_exits_2() -> None:
    done = subprocess.run([sys.executable, "-m", "generator", "validate", "--bogus"], cwd=REPO,
                          capture_output=True, text=True, encoding="utf-8", timeout=120,
                          check=False)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "--bogus" in done.stderr
