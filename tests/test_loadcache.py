"""The build's parse cache: unchanged files are not parsed again, changed ones always are,
and a small change is saved as a small delta beside the full cache."""

from __future__ import annotations

import shutil
from pathlib import Path

from examples import make_tree

from generator.loadcache import LoadCache
from generator.schemas import schema_folder
from generator.validate import validate, validate_catalog


def _run(root: Path) -> tuple[LoadCache, list[str]]:
    cache = LoadCache(root / ".cache" / "parsed.pickle", schema_folder(root))
    report, _ = validate_catalog(root, cache=cache)
    cache.save()
    return cache, [str(p) for p in report.problems]


def test_a_rebuild_parses_only_changed_files_and_reports_the_same(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "project")
    first, problems = _run(root)
    files = len(first.fresh)
    assert first.hits == 0
    again, same = _run(root)
    assert again.hits == files and same == problems
    procedure = root / "content/procedures/bo-tu-phap/2.000815.yaml"
    procedure.write_text(procedure.read_text("utf-8") + "ten: trùng\n", "utf-8")
    changed, found = _run(root)
    assert changed.hits == files - 1                 # the changed file was parsed again
    assert found == [str(p) for p in validate(root).problems] != problems
    assert (root / ".cache" / "parsed.delta.pickle").is_file()


def test_the_delta_carries_changes_and_deletions_across_runs(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "project")
    _run(root)
    base = (root / ".cache" / "parsed.pickle").read_bytes()
    procedure = root / "content/procedures/bo-tu-phap/2.000815.yaml"
    procedure.write_text(procedure.read_text("utf-8").replace("\nten:", "\n# sửa\nten:", 1),
                         "utf-8")
    _run(root)
    assert (root / ".cache" / "parsed.pickle").read_bytes() == base   # only the delta moved
    shutil.rmtree(root / "content/procedures/bo-quoc-phong")
    cache, problems = _run(root)
    assert problems == [str(p) for p in validate(root).problems]
    later = LoadCache(root / ".cache" / "parsed.pickle", schema_folder(root))
    assert set(later.stored) == set(cache.fresh)
    assert not any("procedures/bo-quoc-phong/" in name for name in later.stored)


def test_a_damaged_cache_is_a_full_parse_not_a_failure(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "project")
    _, problems = _run(root)
    (root / ".cache" / "parsed.pickle").write_bytes(b"\x80\x05 not a pickle")
    cache, again = _run(root)
    assert cache.hits == 0 and again == problems
