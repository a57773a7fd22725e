"""Example trees: a valid base catalogue plus overlays that add or replace files.

`tests/data/base/` is a small, valid catalogue built from real records. Each folder under
`tests/data/valid/` and `tests/data/invalid/` is an overlay: its files are copied over the
base (same relative paths), `remove.txt` lists base files to delete, and `expect.txt`
lists, one per line, every problem the validator must report:

    content/procedures/bo-tu-phap/2.000815.yaml:12 duplicate-key

An invalid overlay's expectations must match the report exactly (no more, no fewer).
A valid overlay has no errors; any warnings it produces must be listed in its expect.txt.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"
BASE = DATA / "base"
_META = {"expect.txt", "remove.txt", "README.md"}


@dataclass(frozen=True)
class Example:
    folder: Path

    @property
    def name(self) -> str:
        return f"{self.folder.parent.name}/{self.folder.name}"

    def files(self) -> list[Path]:
        return sorted(p for p in self.folder.rglob("*")
                      if (p.is_file() or p.is_symlink()) and p.name not in _META)

    def touched(self) -> set[str]:
        paths = {p.relative_to(self.folder).as_posix() for p in self.files()}
        return paths | set(self.removed())

    def removed(self) -> list[str]:
        listing = self.folder / "remove.txt"
        if not listing.exists():
            return []
        return [line.strip() for line in listing.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]

    def expected(self) -> set[tuple[str, int, str]]:
        listing = self.folder / "expect.txt"
        if not listing.exists():
            return set()
        result = set()
        for raw in listing.read_text(encoding="utf-8").splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            location, code = line.rsplit(" ", 1)
            path, lineno = location.split(":")[:2]
            result.add((path, int(lineno), code))
        return result

    def apply(self, root: Path) -> None:
        for source in self.files():
            target = root / source.relative_to(self.folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists() or target.is_symlink():
                target.unlink()
            shutil.copy2(source, target, follow_symlinks=False)
        for relative in self.removed():
            (root / relative).unlink()


def examples(kind: str) -> list[Example]:
    return [Example(p) for p in sorted((DATA / kind).iterdir()) if p.is_dir()]


def make_tree(root: Path, *overlays: Example) -> Path:
    """Copy the base catalogue to `root` and apply the overlays in order."""
    shutil.copytree(BASE, root, symlinks=True, dirs_exist_ok=True)
    for overlay in overlays:
        overlay.apply(root)
    return root


def found(report_problems: list[object]) -> set[tuple[str, int, str]]:
    return {(p.path, p.line, p.code) for p in report_problems}  # type: ignore[attr-defined]
