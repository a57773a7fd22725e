"""Examples are tests: every valid and invalid example tree is checked automatically."""

from __future__ import annotations

from pathlib import Path

import pytest
from examples import Example, examples, found, make_tree

from generator.codes import CODES
from generator.problems import Severity
from generator.validate import validate

INVALID = examples("invalid")
VALID = examples("valid")
# Codes whose trigger cannot be committed as a file (a 50 MB file, a symlink out of the
# repository); tests/test_hostile.py seeds them at run time.
HOSTILE_ONLY = {"file-too-large", "symlink-outside"}
# Codes that `tthc validate` never reports (tests/test_fmt.py covers them).
NOT_FROM_VALIDATE = {"fmt-roundtrip"}
# The fallback for a schema keyword without a specific code; no current schema rule reaches it.
NOT_FROM_VALIDATE |= {"schema"}


def test_base_catalogue_is_clean(tmp_path: Path) -> None:
    report = validate(make_tree(tmp_path))
    assert [str(p) for p in report] == []
    assert report.files_checked >= 9


@pytest.mark.parametrize("example", VALID, ids=lambda e: e.name)
def test_valid_example(example: Example, tmp_path: Path) -> None:
    report = validate(make_tree(tmp_path, example))
    assert [str(p) for p in report.errors] == []
    assert found(report.warnings) == example.expected(), [str(p) for p in report]


@pytest.mark.parametrize("example", INVALID, ids=lambda e: e.name)
def test_invalid_example(example: Example, tmp_path: Path) -> None:
    expected = example.expected()
    assert expected, f"{example.name} has no expect.txt"
    report = validate(make_tree(tmp_path, example))
    assert found(list(report)) == expected, "\n".join(str(p) for p in report)
    assert any(p.severity is Severity.ERROR for p in report)


def test_every_problem_message_is_located_and_hinted(tmp_path: Path) -> None:
    """Across all invalid examples: a file, a line, a column and a fix hint every time."""
    for example in INVALID:
        root = tmp_path / example.folder.name
        for problem in validate(make_tree(root, example)):
            assert problem.line >= 1 and problem.column >= 1
            assert problem.hint, str(problem)
            assert str(problem).startswith(f"{problem.path}:{problem.line}:{problem.column}: [")


def test_every_problem_code_has_an_example() -> None:
    covered = {code for example in INVALID + VALID for _, _, code in example.expected()}
    assert sorted(set(CODES) - covered - HOSTILE_ONLY - NOT_FROM_VALIDATE) == []
    assert sorted(covered - set(CODES)) == [], "expect.txt names a code the validator lacks"


def test_valid_files_are_never_composed_twice(tmp_path: Path) -> None:
    """Positions come from re-composing a file, which only files with problems may pay for:
    keeping every node tree of a 100,000-file catalogue would cost gigabytes."""
    from generator.catalog import load_catalog
    from generator.crosscheck import check_catalog
    from generator.schemas import SchemaSet, schema_folder

    root = make_tree(tmp_path)
    catalog = load_catalog(root)
    schemas = SchemaSet(schema_folder(root))
    assert [p for e in catalog.entries for p in schemas.check(e.kind, e.doc)] == []
    assert check_catalog(catalog) == []
    assert all(entry.doc._root is None for entry in catalog.entries)
