"""`tthc owners`: CODEOWNERS follows the agency files, and `--check` catches a stale one."""

from __future__ import annotations

from pathlib import Path

import pytest
from examples import make_tree

from generator import owners
from generator.cli import main

PROJECT = Path(__file__).parent.parent


def _rules(text: str) -> dict[str, list[str]]:
    return {line.split()[0]: line.split()[1:] for line in text.splitlines()
            if line.strip() and not line.startswith("#")}


def test_each_agency_owns_its_folders_and_the_administrator_the_rest(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "project")
    agency = root / "content/agencies/bo-tu-phap.yaml"
    agency.write_text(agency.read_text("utf-8").replace(
        "  - '@tthc/bo-tu-phap'\n", "  - '@tthc/bo-tu-phap'\n  - '@tthc/bo-tu-phap-duyet'\n"),
        "utf-8")
    teamless = root / "content/agencies/bo-quoc-phong.yaml"
    teamless.write_text(teamless.read_text("utf-8").replace(
        "nhom_bien_tap:\n  - '@tthc/bo-quoc-phong'\n", ""), "utf-8")
    assert main(["owners", "--root", str(root)]) == 0
    rules = _rules((root / ".github/CODEOWNERS").read_text("utf-8"))
    admin = [owners.ADMIN_TEAM]
    assert rules["*"] == admin and rules["/content/vocab/"] == admin
    assert rules["/schemas/"] == admin and rules["/generator/"] == admin
    assert rules["/content/procedures/bo-tu-phap/"] == ["@tthc/bo-tu-phap",
                                                        "@tthc/bo-tu-phap-duyet", *admin]
    assert rules["/content/decisions/bo-tu-phap/"] == rules["/content/procedures/bo-tu-phap/"]
    assert "/content/procedures/bo-quoc-phong/" not in rules    # no team: the administrator


def test_check_fails_when_the_committed_file_is_stale_or_missing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_tree(tmp_path / "project")
    assert main(["owners", "--check", "--root", str(root)]) == 1
    assert "chưa có" in capsys.readouterr().err
    assert main(["owners", "--root", str(root)]) == 0
    assert main(["owners", "--check", "--root", str(root)]) == 0
    agency = root / "content/agencies/bo-quoc-phong.yaml"
    agency.write_text(agency.read_text("utf-8").replace("@tthc/bo-quoc-phong", "@tthc/bqp"),
                      "utf-8")
    capsys.readouterr()
    assert main(["owners", "--check", "--root", str(root)]) == 1
    assert "tthc owners" in capsys.readouterr().err


def test_the_committed_codeowners_is_up_to_date() -> None:
    assert owners.stale(PROJECT) is None
