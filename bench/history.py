"""Benchmark the history step of `tthc build`: every procedure's versions from git, and the
text in force on the build date, on a repository of N procedures × 5 versions.

    .venv/bin/python bench/history.py [--n 10000] [--out bench/out-history] [--reuse]

The repository: the content tree of N procedures (`content_tree.py`, as the other
benchmarks), committed; three commits that each change every procedure (its `tu_khoa`,
a correction under the same decision); and a fifth where new decisions, signed 2026-11-20
and taking effect 2026-12-31, amend every procedure. Built on 2026-12-01, every procedure's
newest text is therefore upcoming and the build must go back in history for the one in
force: the worst case for the history step.

Measured, in this process, best of 3 (the content parsed once, not timed):

* index, full     `read_index` without a cache: one `git log --raw` pass over the history;
* index, cached   `read_index` with the cache at the same commit;
* index, 1 commit `read_index` after one more commit (the cache extended, not rebuilt);
* timelines       `timelines`: for each procedure, the decision of older texts (header
                  lines of the blobs, one `git cat-file --batch`) until one is in force;
                  that text parsed (first build), or taken from the texts a previous
                  build stored (`texts cached`, a rebuild);

then `tthc build --stats` as a subprocess (site/ and .cache/ deleted first): its stages,
among them `history` (the index) and `pages` (rendering every page, history pages
included). Figures: docs/performance.md. Never run by the test suite.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from content_tree import build_tree, load_sample

from generator.catalog import load_catalog
from generator.crosscheck import Index, announcing_decision, procedure_code
from generator.versions import Blobs, Header, read_index, timelines

REPO = Path(__file__).resolve().parents[1]
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org",
       "-c", "commit.gpgsign=false"]
AS_OF = date(2026, 12, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--out", type=Path, default=REPO / "bench/out-history")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    root = args.out / f"n{args.n}"
    if not (args.reuse and (root / ".git").is_dir()):
        make_repository(root, args.n)
    figures = measure(root)
    build = full_build(root)
    figures.update({f"build {k}": v for k, v in build["seconds"].items()})
    figures["build pages rendered"] = build["rendered"]
    print(f"| step (N = {args.n:,} × 5 versions) | seconds |")
    print("|---|---:|")
    for name, value in figures.items():
        print(f"| {name} | {value:.2f} |" if isinstance(value, float) else f"| {name} | {value} |")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def commit(root: Path, message: str) -> None:
    subprocess.run([*GIT, "-C", str(root), "-c", "gc.auto=0", "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(root), "-c", "gc.auto=0", "commit", "-q", "-m", message],
                   check=True)


def make_repository(root: Path, n: int) -> None:
    if root.exists():
        shutil.rmtree(root)
    build_tree(root, n, load_sample())
    for name in ("mkdocs.yml", "site_templates", "content/pages"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copyfile(source, root / name)
    (root / ".gitignore").write_text("site/\n.site.*/\n.cache/\n", "utf-8")
    subprocess.run([*GIT, "-C", str(root), "init", "-q", "-b", "main"], check=True)
    commit(root, "version 1")
    files = sorted((root / "content/procedures").rglob("*.yaml"))
    for k in (2, 3, 4):
        for path in files:
            text = re.sub(r"\ntu_khoa:\n  - phiên bản \d\n", "\n", path.read_text("utf-8"))
            path.write_text(text + f"tu_khoa:\n  - phiên bản {k}\n", "utf-8")
        commit(root, f"version {k}")
        say(f"committed version {k}")
    amend_all(root, files)
    commit(root, "version 5: new decisions, effective 2026-12-31")
    subprocess.run([*GIT, "-C", str(root), "gc", "--quiet", "--prune=now"], check=True)
    say("committed version 5, packed the repository")


def amend_all(root: Path, files: list[Path]) -> None:
    """A new decision (effective 2026-12-31) per existing one, amending its procedures."""
    renumber: dict[str, str] = {}
    for path in sorted((root / "content/decisions").rglob("*.yaml")):
        text = path.read_text("utf-8")
        number = re.search(r"^so_ky_hieu: *'?([^'\n]+)'?$", text, re.M)
        assert number is not None
        old = number.group(1)
        new = "99" + old
        renumber[old] = new
        text = text.replace(old, new)
        text = re.sub(r"^ngay_ban_hanh: .*$", "ngay_ban_hanh: '2026-11-20'", text, flags=re.M)
        text = re.sub(r"^ngay_hieu_luc: .*$", "ngay_hieu_luc: '2026-12-31'", text, flags=re.M)
        text = _merge_lists(text)
        agency = path.parts[-3]
        slug = path.stem
        target = root / "content/decisions" / agency / "2026" / f"99{slug}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
    for path in files:
        text = path.read_text("utf-8")
        number = re.search(r"^quyet_dinh_cong_bo: *'?([^'\n]+)'?$", text, re.M)
        assert number is not None
        path.write_text(text.replace(f"quyet_dinh_cong_bo: {number.group(1)}",
                                     f"quyet_dinh_cong_bo: {renumber[number.group(1)]}"), "utf-8")


def _merge_lists(text: str) -> str:
    """One `sua_doi_bo_sung` list with every item of the old annex."""
    head, _, annex = text.partition("danh_muc:\n")
    items = re.findall(r"^    - .*(?:\n      .*)*", annex, re.M)
    return head + "danh_muc:\n  sua_doi_bo_sung:\n" + "\n".join(items) + "\n"


def best(run: object, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def measure(root: Path) -> dict[str, float | int]:
    cache = root / ".cache/bench-versions.pickle"
    cache.unlink(missing_ok=True)
    figures: dict[str, float | int] = {}
    figures["index, full (s)"] = best(lambda: read_index(root))
    read_index(root, cache)
    figures["index, cached (s)"] = best(lambda: read_index(root, cache))
    index = read_index(root)
    figures["versions"] = sum(len(v) for v in index.versions.values())
    catalog = load_catalog(root)
    lookup = Index(catalog)
    current = sorted(lookup.procedures.items())

    def effective(header: Header) -> str | None:
        decision = announcing_decision(header.decision, header.agency, header.code, lookup)
        value = decision.data.get("ngay_hieu_luc") if decision is not None else None
        return value if isinstance(value, str) else None

    texts = root / ".cache/bench-texts.pickle"
    texts.unlink(missing_ok=True)

    def walk(cache: Path | None = None) -> None:
        blobs = Blobs(root, cache)
        found = timelines(current, index, blobs, effective, AS_OF)
        shown = [t.in_force for t in found.values()]
        assert all(entry is not None for entry in shown)
        blobs.keep(e for e in shown if e is not None)
        blobs.close()

    figures["timelines, first build (s)"] = best(walk)
    walk(texts)                                  # stores the texts in force
    figures["timelines, texts cached (s)"] = best(lambda: walk(texts))
    figures["procedures"] = len(current)
    assert str(procedure_code(current[0][1]))
    return figures


def full_build(root: Path) -> dict[str, object]:
    shutil.rmtree(root / "site", ignore_errors=True)
    shutil.rmtree(root / ".cache", ignore_errors=True)
    stats = root.parent / "stats.json"
    subprocess.run([sys.executable, "-m", "generator", "build", "--root", str(root), "--out",
                    str(root / "site"), "--as-of", AS_OF.isoformat(), "--stats", str(stats),
                    "--quiet"], cwd=REPO, check=True)
    result: dict[str, object] = json.loads(stats.read_text("utf-8"))
    return result


if __name__ == "__main__":
    main()
