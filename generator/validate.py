"""`tthc validate`: load → schema → cross-checks → one report with every problem."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from .catalog import Catalog, Entry, load_catalog
from .crosscheck import check_catalog
from .loadcache import LoadCache
from .owners import stale_problem
from .problems import Problem, Report
from .schemas import SchemaSet, schema_folder


def validate(root: Path, only: Sequence[Path] = (),
             progress: Callable[[int], None] | None = None) -> Report:
    """Validate the whole catalogue under `root`; keep problems of files under `only`."""
    with collector_paused():
        return _validate(root, only, progress)[0]


def validate_catalog(root: Path, progress: Callable[[int], None] | None = None,
                     cache: LoadCache | None = None) -> tuple[Report, Catalog]:
    """Validate the whole catalogue and keep it loaded (the site build renders from it);
    unchanged files come parsed from `cache`."""
    with collector_paused():
        return _validate(root, (), progress, cache)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Loading builds millions of small acyclic objects; Python's cyclic garbage collector
    would rescan all of them again and again (superlinear at 100,000 files). Reference
    counting still frees everything; the collector runs once at the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _validate(root: Path, only: Sequence[Path], progress: Callable[[int], None] | None,
              cache: LoadCache | None = None) -> tuple[Report, Catalog]:
    catalog = load_catalog(root, progress, cache)
    schemas = SchemaSet(schema_folder(root))
    report = Report(files_checked=len(catalog.entries))
    stages = [catalog.problems,
              [p for entry in catalog.entries for p in _schema_check(schemas, entry, cache)],
              check_catalog(catalog), stale_problem(root, catalog)]
    report.extend(_one_message_per_mistake(stages))
    if only:
        report = _restrict(report, root, only)
    return report, catalog


def _schema_check(schemas: SchemaSet, entry: Entry, cache: LoadCache | None) -> list[Problem]:
    known = cache.schema_problems(entry.path) if cache is not None else None
    if known is not None:
        return known
    problems = schemas.check(entry.kind, entry.doc)
    if cache is not None:
        cache.put_schema_problems(entry.path, problems)
    return problems


def _one_message_per_mistake(stages: list[list[Problem]]) -> list[Problem]:
    """Drop a later stage's problem at a spot an earlier stage already reported.

    A value the loader or the schema rejected (a bad tag, a malformed id) would otherwise
    also fail every later check that reads it: one mistake, one message.
    """
    kept: list[Problem] = []
    seen: set[tuple[str, int, int]] = set()
    for stage in stages:
        spots = set()
        for problem in stage:
            spot = (problem.path, problem.line, problem.column)
            if spot not in seen:
                kept.append(problem)
                spots.add(spot)
        seen |= spots
    return kept


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` that holds a `content/` folder."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / "content").is_dir():
            return folder
    return None


def _restrict(report: Report, root: Path, only: Sequence[Path]) -> Report:
    prefixes = [p.resolve().relative_to(root.resolve()).as_posix() for p in only]
    if "." in prefixes:
        return report
    kept = Report(files_checked=report.files_checked)
    kept.extend(p for p in report.problems
                if any(p.path == pre or p.path.startswith(pre.rstrip("/") + "/")
                       for pre in prefixes))
    return kept
