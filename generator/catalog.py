"""Find and load every content file of a project into a `Catalog`.

The folder a file sits in says what it is:

    content/agencies/<agency-id>.yaml
    content/procedures/<agency-id>/<ma>.yaml
    content/decisions/<agency-id>/<year>/<number-slug>.yaml
    content/vocab/<list>.yaml
    content/pages/**.md                      (prose, not checked here)

Discovery is sorted, never follows a symlink out of the project, and reports files in
the wrong place instead of silently skipping them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .loadcache import LoadCache
from .loader import MAX_BYTES, Document, LoadError, load_bytes, load_file
from .problems import Problem

KIND_BY_FOLDER = {"agencies": "agency", "procedures": "procedure", "decisions": "decision",
                  "vocab": "vocab"}
# Files kept beside the YAML they belong to: signed originals (`van_ban_goc`), forms (`mau_don`).
ATTACHMENTS = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".rtf", ".png", ".jpg",
               ".jpeg"}
_DEPTH = {"agency": 0, "procedure": 1, "decision": 2, "vocab": 0}
_LAYOUT_HINT = ("Đặt tệp theo cấu trúc: content/procedures/<cơ-quan>/<mã>.yaml, "
                "content/decisions/<cơ-quan>/<năm>/<số-ký-hiệu>.yaml, "
                "content/agencies/<cơ-quan>.yaml, content/vocab/<danh-mục>.yaml.")


@dataclass
class Entry:
    """One loaded content file."""

    kind: str
    path: str
    doc: Document
    folders: tuple[str, ...]

    @cached_property
    def data(self) -> dict[str, Any]:
        return self.doc.data if isinstance(self.doc.data, dict) else {}

    @property
    def stem(self) -> str:
        return Path(self.path).stem

    def problem(self, key_path: tuple[str | int, ...], code: str, message: str, hint: str,
                *, key: bool = False, warning: bool = False) -> Problem:
        from .problems import Severity

        line, column = self.doc.position(key_path, key=key)
        severity = Severity.WARNING if warning else Severity.ERROR
        return Problem(self.path, line, column, code, message, hint, severity)


@dataclass
class Catalog:
    root: Path
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)  # paths of files that failed to load

    def of_kind(self, kind: str) -> list[Entry]:
        return [e for e in self.entries if e.kind == kind]


def load_catalog(root: Path, progress: Callable[[int], None] | None = None,
                 cache: LoadCache | None = None) -> Catalog:
    """Discover and load every content file under `root/content` (unchanged files from
    `cache`, when given)."""
    catalog = Catalog(root)
    for count, (path, display) in enumerate(_discover(root, catalog.problems), start=1):
        entry = _load(path, display, catalog.problems, cache)
        if entry is not None:
            catalog.entries.append(entry)
        elif display.endswith(".yaml"):
            catalog.unreadable.add(display)
        if progress is not None and count % 500 == 0:
            progress(count)
    return catalog


def _discover(root: Path, problems: list[Problem]) -> Iterator[tuple[Path, str]]:
    yield from _walk(root / "content", "content", root, root.resolve(), problems)


def _walk(folder: Path, display: str, root: Path, real_root: Path,
          problems: list[Problem]) -> Iterator[tuple[Path, str]]:
    """Files of `folder` in name order, then its subfolders; a symlinked folder is never
    entered (one that leads out of the project is reported)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    subfolders = []
    for entry in entries:
        path, name = folder / entry.name, entry.name
        if entry.is_dir(follow_symlinks=False):
            subfolders.append(name)
            continue
        if _linked_folder(entry):
            if not _inside(path, real_root):
                problems.append(_outside(path, root))
            continue
        if name.startswith("."):
            continue
        if entry.is_symlink() and not _inside(path, real_root):
            problems.append(_outside(path, root))
            continue
        shown = f"{display}/{name}"
        if name.endswith(".md") or _is_attachment(shown):
            continue
        yield path, shown
    for name in subfolders:
        yield from _walk(folder / name, f"{display}/{name}", root, real_root, problems)


def _linked_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink() and entry.is_dir()
    except OSError:                    # a symlink loop: a broken file, reported when read
        return False


def _is_attachment(display: str) -> bool:
    folder = display.split("/")[1]
    return (folder in ("procedures", "decisions")
            and os.path.splitext(display)[1].lower() in ATTACHMENTS)


def _load(path: Path, display: str, problems: list[Problem],
          cache: LoadCache | None = None) -> Entry | None:
    parts = display.split("/")[1:]  # drop "content"
    suffix = os.path.splitext(display)[1]
    kind = KIND_BY_FOLDER.get(parts[0]) if len(parts) > 1 else None
    if kind is None or suffix != ".yaml" or len(parts) != _DEPTH[kind] + 2:
        hint = "Đổi đuôi tệp thành `.yaml`." if suffix == ".yml" else _LAYOUT_HINT
        problems.append(Problem(display, 1, 1, "unexpected-file",
                                "Tệp nằm ngoài cấu trúc thư mục nội dung.", hint))
        return None
    try:
        doc = _read(path, display, cache)
    except LoadError as exc:
        problems.extend(exc.problems)
        return None
    problems.extend(doc.problems)
    if not isinstance(doc.data, dict):
        empty = "Tệp rỗng. " if doc.data is None else ""
        problems.append(Problem(display, 1, 1, "not-a-mapping",
                                empty + "Tệp phải là một nhóm trường `khóa: giá trị`.",
                                "Bắt đầu tệp bằng dòng `# yaml-language-server: …` rồi các "
                                "trường; dùng `tthc new` để tạo tệp mẫu."))
        return None
    return Entry(kind, display, doc, tuple(parts[1:-1]))


def _read(path: Path, display: str, cache: LoadCache | None) -> Document:
    if cache is None:
        return load_file(path, display)
    doc = cache.get(display, path)
    if doc is None:
        if path.stat().st_size > MAX_BYTES:
            return load_file(path, display)        # reports the size
        raw = path.read_bytes()
        doc = load_bytes(raw, display)
        cache.put(display, path, raw, doc)
    return doc


def _inside(path: Path, real_root: Path) -> bool:
    """True for a symlink that resolves to an existing file or folder inside the project."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # dangling, or a loop
        return False
    return target.is_relative_to(real_root)


def _outside(path: Path, root: Path) -> Problem:
    return Problem(path.relative_to(root).as_posix(), 1, 1, "symlink-outside",
                   f"Liên kết tượng trưng hỏng hoặc trỏ ra ngoài kho ({os.readlink(path)}).",
                   "Sao chép tệp vào kho thay vì dùng symlink; nội dung phải nằm trong git.")
