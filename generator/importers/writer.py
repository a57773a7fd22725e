"""Write imported records as content files in the canonical layout, only when they change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..fmt import MODELINE, canonical_text, schema_ref, write_atomic
from ..loader import LoadError, load_file
from ..schema_index import SchemaIndex


class Writer:
    """Renders content dicts exactly as `tthc fmt` would, so re-imports give no diff."""

    def __init__(self, into: Path, schemas: Path) -> None:
        self.into = into
        self.index = SchemaIndex(schemas)
        self.written: list[str] = []
        self.unchanged: list[str] = []

    def text(self, path: str, kind: str, data: dict[str, Any]) -> str:
        ordered = self.index.order(data, self.index.root(kind))
        return canonical_text(ordered, [MODELINE + schema_ref(path, kind)])

    def write(self, path: str, kind: str, data: dict[str, Any]) -> None:
        target = self.into / path
        payload = self.text(path, kind, data).encode("utf-8")
        if target.exists() and target.read_bytes() == payload:
            self.unchanged.append(path)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, payload)
        self.written.append(path)

    def existing(self, path: str) -> dict[str, Any] | None:
        """The data of a content file already in the target tree, if it loads."""
        target = self.into / path
        if not target.is_file():
            return None
        try:
            data = load_file(target, path).data
        except LoadError:
            return None
        return data if isinstance(data, dict) else None
