"""The bundled catalogue: real records, all valid, all in the canonical layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main
from generator.validate import validate

ROOT = Path(__file__).parent.parent


def test_bundled_catalogue_is_valid() -> None:
    report = validate(ROOT)
    assert [str(p) for p in report.errors] == []
    procedures = list((ROOT / "content" / "procedures").rglob("*.yaml"))
    assert len(procedures) >= 500


def test_bundled_catalogue_is_in_canonical_layout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", "--check", "--root", str(ROOT)]) == 0, capsys.readouterr().out
