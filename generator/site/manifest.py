"""What the previous build wrote, so that a rebuild re-renders and re-indexes only what
changed. Kept outside the site (in `.cache/tthc-build/`), one file per output folder."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VERSION = 4


@dataclass
class Manifest:
    pages: dict[str, str] = field(default_factory=dict)    # output file → page hash
    shards: dict[str, str] = field(default_factory=dict)   # "<count>/<k>" → shard hash
    static: list[str] = field(default_factory=list)        # other files the build wrote
    shell: dict[str, Any] = field(default_factory=dict)    # the shells (Shells.to_dict)
    feeds: dict[str, str] = field(default_factory=dict)    # feed target file → SHA-256

    @classmethod
    def load(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return cls()
        return cls(dict(data.get("pages", {})), dict(data.get("shards", {})),
                   list(data.get("static", [])), dict(data.get("shell", {})),
                   dict(data.get("feeds", {})))

    def save(self, path: Path, out: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": VERSION, "out": str(out), "pages": self.pages,
                                   "shards": self.shards, "static": self.static,
                                   "shell": self.shell, "feeds": self.feeds},
                                  sort_keys=True), "utf-8")
        tmp.replace(path)
        _forget_gone_outputs(path.parent)


def _forget_gone_outputs(folder: Path) -> None:
    """Drop the state of output folders that no longer exist (test runs, old --out)."""
    for other in folder.glob("manifest-*.json"):
        try:
            gone = not Path(json.loads(other.read_text("utf-8")).get("out", "")).is_dir()
        except (OSError, ValueError, AttributeError):
            gone = True
        if gone:
            other.unlink(missing_ok=True)


def manifest_path(root: Path, out: Path) -> Path:
    key = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
    return root / ".cache" / "tthc-build" / f"manifest-{key}.json"
