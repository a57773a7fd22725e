"""Docs as a contract: every command, option and problem code is documented."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.cli import build_parser
from generator.codes import CODES

DOCS = Path(__file__).parent.parent / "docs"


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_and_option_is_in_the_cli_reference() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name, sub in _subcommands().items():
        assert f"## `tthc {name}" in text, f"command {name} undocumented"
        for action in sub._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert f"`{option}" in text, f"tthc {name} {option} undocumented"


def test_every_problem_code_is_documented() -> None:
    text = (DOCS / "validation.md").read_text(encoding="utf-8")
    missing = [code for code in CODES if f"`{code}`" not in text]
    assert missing == []


def test_readme_opens_with_the_two_commands() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    head = readme[:800]
    assert "make site" in head and "make test" in head
