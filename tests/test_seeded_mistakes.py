"""Every seeded mistake at once: one tree, one run of the real CLI, the exact union.

The invalid examples are built to be applied together: each adds files under its own
names. This test applies as many of them as it can to one copy of the base catalogue and
checks that a single `python -m generator validate` run finds every mistake at its own
file, line and code, and nothing else — so that mistakes neither hide nor invent each
other. An example is left out when its files collide with one already applied, or when it
does not pass on its own (a known validator bug shown by tests/test_examples.py, or a
tree the validator cannot load).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from examples import Example, examples, found, make_tree

from generator.cli import main
from generator.validate import validate

REPO = Path(__file__).resolve().parent.parent
MIN_MISTAKES = 30


def _passes_alone(example: Example, root: Path) -> bool:
    try:
        report = validate(make_tree(root, example))
    except Exception:  # a tree the validator cannot load at all
        return False
    return found(list(report)) == example.expected()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    scratch = tmp_path_factory.mktemp("alone")
    chosen: list[Example] = []
    touched: set[str] = set()
    for example in examples("invalid"):
        if example.touched() & touched:
            continue
        if not _passes_alone(example, scratch / example.folder.name):
            continue
        chosen.append(example)
        touched |= example.touched()
    root = make_tree(tmp_path_factory.mktemp("seeded"), *chosen)
    run = subprocess.run(
        [sys.executable, "-m", "generator", "validate", "--root", str(root), "--format", "json"],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)
    return {"chosen": chosen, "root": root, "run": run}


def test_enough_mistakes_are_seeded_together(seeded: dict[str, Any]) -> None:
    chosen: list[Example] = seeded["chosen"]
    expected = set().union(*(example.expected() for example in chosen))
    assert len(chosen) >= MIN_MISTAKES, [example.name for example in chosen]
    assert len(expected) >= MIN_MISTAKES


def test_one_run_reports_exactly_the_union_of_expectations(seeded: dict[str, Any]) -> None:
    run: subprocess.CompletedProcess[str] = seeded["run"]
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    got = {(p["path"], p["line"], p["code"]) for p in report["problems"]}
    expected = set().union(*(example.expected() for example in seeded["chosen"]))
    missing = sorted(expected - got)
    extra = sorted(got - expected)
    assert (missing, extra) == ([], []), "\n".join(
        f"{p['path']}:{p['line']}:{p['column']}: [{p['code']}] {p['message']}"
        for p in report["problems"])
    assert report["ok"] is False
    assert report["errors"] == sum(p["severity"] == "error" for p in report["problems"]) > 0


def test_each_mistake_is_attributed_to_its_own_example(seeded: dict[str, Any]) -> None:
    """No two examples expect the same problem: each seeded mistake is counted once."""
    owners: dict[tuple[str, int, str], str] = {}
    for example in seeded["chosen"]:
        for problem in example.expected():
            assert problem not in owners, (problem, owners.get(problem), example.name)
            owners[problem] = example.name


def test_text_format_prints_path_line_col_code_message(
        seeded: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    problems = json.loads(seeded["run"].stdout)["problems"]
    assert main(["validate", "--root", str(seeded["root"])]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(problems) + 1  # one line per problem, then the summary
    for problem, line in zip(problems, lines, strict=False):
        label = "" if problem["severity"] == "error" else "cảnh báo: "
        head = (f"{problem['path']}:{problem['line']}:{problem['column']}: "
                f"[{problem['code']}] {label}{problem['message']}")
        assert line == f"{head} — {problem['hint']}"
    assert lines[-1].startswith("Không hợp lệ: ")
