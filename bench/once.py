"""One timed pass each, in one fresh process: libyaml parse, then `tthc validate`.

    .venv/bin/python bench/once.py TREE      # a tree written by bench/validate.py --keep

Every file is read once first so both passes find it in the page cache.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import yaml

from generator.validate import validate


def main(root: Path) -> None:
    files = sorted((root / "content").rglob("*.yaml"))
    for file in files:
        file.read_bytes()
    start = time.perf_counter()
    for file in files:
        yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    parse = time.perf_counter() - start
    start = time.perf_counter()
    report = validate(root)
    check = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"{len(files)} files: parse {parse:.1f} s, validate {check:.1f} s, "
          f"ratio {check / parse:.2f}, problems {len(report.problems)}, peak RSS {peak:.2f} GB")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
