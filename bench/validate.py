"""Benchmark `tthc validate` against plain libyaml on a generated tree of real-sized files.

    .venv/bin/python bench/validate.py [--n 1000 10000] [--out bench/out] [--keep]
                                       [--repeat 3] [--profile]

For each N it writes a content tree of N procedures (real records from
`bench/sample_records.json`, see `content_tree.py`) plus their agencies, vocab lists and
announcing decisions, checks that `tthc validate` finds zero problems in it, and times in
this one process, best of --repeat runs after one warm-up run:

* libyaml parse    read every .yaml file under content/, yaml.load(..., CSafeLoader);
* libyaml compose  the same with yaml.compose (node tree only);
* validate         generator.validate.validate(root): load + schema + cross-checks;
* load / schema / cross-checks  the three parts of validate, each alone;
* validate, GC off the same validate() with gc.disable() (diagnostic: the cost of the GC);

then runs the `tthc validate` command once as a subprocess (wall time, interpreter start
included). --profile adds a cProfile of one validate() run at the largest N. Results and
method: docs/performance.md. Never run by the test suite: N = 100,000 takes about 45 minutes
and 11 GB of memory.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import itertools
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

import yaml
from content_tree import Sample, build_tree, load_sample

from generator.catalog import Catalog, load_catalog
from generator.crosscheck import check_catalog
from generator.schemas import SchemaSet, schema_folder
from generator.validate import validate

T = TypeVar("T")
STAGES = ("parse", "compose", "validate", "load", "schema", "cross", "validate_nogc")
LABELS = {
    "parse": "libyaml parse",
    "compose": "libyaml compose",
    "validate": "tthc validate",
    "load": "load_catalog",
    "schema": "schema checks",
    "cross": "cross-checks",
    "validate_nogc": "validate, GC off",
}


# what is timed ------------------------------------------------------------------------------


def yaml_files(root: Path) -> Iterator[Path]:
    """Every .yaml file under root/content, in the loader's (sorted) order."""
    for folder, dirnames, filenames in os.walk(root / "content"):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".yaml"):
                yield Path(folder) / name


def libyaml_parse(root: Path) -> None:
    for path in yaml_files(root):
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def libyaml_compose(root: Path) -> None:
    for path in yaml_files(root):
        yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def schema_checks(catalog: Catalog) -> None:
    """What validate() does between loading and cross-checking."""
    schemas = SchemaSet(schema_folder(catalog.root))
    for entry in catalog.entries:
        schemas.check(entry.kind, entry.doc)


def gc_off(run: Callable[[], object]) -> Callable[[], object]:
    """`run` with Python's cyclic garbage collector disabled (a diagnostic, not a fix)."""

    def wrapped() -> object:
        gc.disable()
        try:
            return run()
        finally:
            gc.enable()

    return wrapped


def best_of(run: Callable[[], object], repeat: int) -> float:
    """Seconds of the fastest of `repeat` runs, after one warm-up run that is not counted.

    What `run` returns is dropped inside the timing: load_catalog's time includes freeing
    the catalogue, as validate() frees it before returning.
    """
    return best_on_fresh(lambda: None, lambda _: run(), repeat)


def best_on_fresh(setup: Callable[[], T], run: Callable[[T], object], repeat: int) -> float:
    """Like `best_of`, but every run gets a fresh, untimed `setup()` (a loaded catalogue):
    a run may fill caches in what it is given (a document's node tree, composed again
    when a check asks for a position), which must not make the next run look cheaper."""
    times = []
    for attempt in range(repeat + 1):
        given = setup()
        gc.collect()
        start = time.perf_counter()
        run(given)
        if attempt:
            times.append(time.perf_counter() - start)
        del given
    return min(times)


# one N --------------------------------------------------------------------------------------


@dataclass
class Result:
    n: int
    files: int
    total_bytes: int
    mean_procedure_bytes: float
    seconds: dict[str, float] = field(default_factory=dict)
    cli_seconds: float = 0.0
    peak_rss_mb: float = 0.0

    def ms_per_file(self, stage: str) -> float:
        return 1000 * self.seconds[stage] / self.files


def generate(root: Path, n: int, sample: Sample) -> int:
    if root.exists():
        shutil.rmtree(root)
    start = time.perf_counter()

    def show(done: int) -> None:
        print(
            f"  generated {done:,}/{n:,} procedures ({time.perf_counter() - start:.1f} s)",
            flush=True,
        )

    return build_tree(root, n, sample, show)


def check_zero_problems(root: Path) -> None:
    report = validate(root)
    if report.problems:
        print(f"  validate found {len(report.problems)} problems; the first ones:")
        for problem in report.problems[:10]:
            print(f"    {problem}")
        raise SystemExit("benchmark tree is not valid: a bug in the benchmark or the validator")
    print(f"  validate: {report.files_checked:,} files, zero problems")


def measure(root: Path, n: int, files: int, repeat: int) -> Result:
    sizes = [p.stat().st_size for p in yaml_files(root)]
    procedures = [p.stat().st_size for p in (root / "content/procedures").rglob("*.yaml")]
    result = Result(n, len(sizes), sum(sizes), statistics.mean(procedures))
    assert result.files == files, (result.files, files)
    timed: dict[str, Callable[[], object]] = {
        "parse": lambda: libyaml_parse(root),
        "compose": lambda: libyaml_compose(root),
        "validate": lambda: validate(root),
        "load": lambda: load_catalog(root),
        "validate_nogc": gc_off(lambda: validate(root)),
    }
    for stage, run in timed.items():
        result.seconds[stage] = best_of(run, repeat)
        print(f"  {LABELS[stage]:<16} {result.seconds[stage]:8.2f} s", flush=True)
    for stage, part in (("schema", schema_checks), ("cross", check_catalog)):
        result.seconds[stage] = best_on_fresh(partial(load_catalog, root), part, repeat)
        print(f"  {LABELS[stage]:<16} {result.seconds[stage]:8.2f} s", flush=True)
    result.cli_seconds = run_cli(root)
    print(f"  tthc validate CLI {result.cli_seconds:7.2f} s (one run, subprocess)", flush=True)
    result.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def run_cli(root: Path) -> float:
    tthc = Path(sys.executable).with_name("tthc")
    command = [str(tthc)] if tthc.exists() else [sys.executable, "-m", "generator"]
    start = time.perf_counter()
    done = subprocess.run(
        [*command, "validate", "--root", str(root)], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(
            f"tthc validate exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    return seconds


def profile(root: Path, top: int = 25) -> str:
    """cProfile of one validate(root) run, sorted by cumulative and by own time, and the
    time spent in garbage collection (which cProfile charges to whatever was running)."""
    pauses: list[float] = []

    def on_gc(phase: str, info: dict[str, int]) -> None:
        pauses.append(time.perf_counter() if phase == "start" else -time.perf_counter())

    profiler = cProfile.Profile()
    gc.callbacks.append(on_gc)
    try:
        profiler.runcall(validate, root)
    finally:
        gc.callbacks.remove(on_gc)
    out = io.StringIO()
    print(f"cyclic GC: {len(pauses) // 2} collections, {-sum(pauses):.2f} s", file=out)
    for order in ("cumulative", "tottime"):
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs().sort_stats(order).print_stats(top)
    return out.getvalue()


# report -------------------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    head = ["N", "files", "MB"] + [f"{LABELS[s]} s (ms/file)" for s in STAGES]
    head += ["validate / parse", "CLI s", "peak RSS MB"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for r in results:
        cells = [f"{r.n:,}", f"{r.files:,}", f"{r.total_bytes / 1e6:.0f}"]
        cells += [f"{r.seconds[s]:.2f} ({r.ms_per_file(s):.2f})" for s in STAGES]
        cells += [
            f"{r.seconds['validate'] / r.seconds['parse']:.2f}×",
            f"{r.cli_seconds:.2f}",
            f"{r.peak_rss_mb:,.0f}",
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def scaling(results: list[Result]) -> Iterator[str]:
    for small, large in itertools.pairwise(results):
        for stage in ("parse", "validate"):
            ratio = large.ms_per_file(stage) / small.ms_per_file(stage)
            yield (
                f"{LABELS[stage]}: ms/file at N={large.n:,} is {ratio:.2f}× that at "
                f"N={small.n:,} (1.00 = linear)"
            )


def sizes(results: list[Result], sample: Sample) -> str:
    real = sample.real_records
    generated = ", ".join(f"N={r.n:,}: {r.mean_procedure_bytes:,.0f} B" for r in results)
    return (
        f"mean procedure file: {generated}; real records converted to YAML: "
        f"{real['mean_yaml_bytes']:,} B mean ({real['median_yaml_bytes']:,} B median, "
        f"{real['count']} records); the same records as source JSON: "
        f"{real['mean_source_json_bytes']:,} B mean"
    )


# main ---------------------------------------------------------------------------------------


def code_version() -> str:
    """The commit measured, and whether generator/ or schemas/ differ from it."""
    here = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(here), "status", "--porcelain", "generator", "schemas"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    return f"{head}{' + uncommitted changes in generator/ or schemas/' if dirty else ''}"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n",
        type=int,
        nargs="+",
        default=[1000, 10000],
        help="numbers of procedures (default: 1000 10000)",
    )
    parser.add_argument("--out", type=Path, help="folder for the trees (default: a temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated trees")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per stage (best kept)")
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile one validate run at the largest N"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    sample = load_sample()
    out = args.out or Path(tempfile.mkdtemp(prefix="tthc-bench-"))
    print(
        f"timings: time.perf_counter, best of {args.repeat} runs after one warm-up run, "
        f"one process; trees in {out}"
    )
    print(
        f"code: {code_version()}; Python {sys.version.split()[0]}, PyYAML {yaml.__version__} "
        f"(libyaml {'yes' if yaml.__with_libyaml__ else 'no'})"
    )
    results, profiled = [], ""
    for n in args.n:
        root = out / f"n{n}"
        print(f"N = {n:,}: generating {root}", flush=True)
        files = generate(root, n, sample)
        check_zero_problems(root)
        results.append(measure(root, n, files, args.repeat))
        if args.profile and n == max(args.n):
            profiled = profile(root)
        if not args.keep:
            shutil.rmtree(root)
    if not args.keep and args.out is None:
        shutil.rmtree(out)
    print(f"\n{table(results)}\n")
    print(sizes(results, sample))
    for line in scaling(results):
        print(line)
    if profiled:
        print(f"\ncProfile of validate() at N={max(args.n):,}\n{profiled}")


if __name__ == "__main__":
    main()
