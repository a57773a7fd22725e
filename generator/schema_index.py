"""The schema files of a folder, walked key by key (following `$ref`s between files).

`tthc fmt` takes its canonical key order from here and `tthc new` its keys, titles and
descriptions, so both follow the schemas without repeating them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

SchemaNode = tuple[Mapping[str, Any], str]  # a subschema and the schema file it lives in

@dataclass(frozen=True)
class SchemaIndex:
    """The schema files of one folder, walked by key (following `$ref`s between files)."""

    folder: Path

    @cached_property
    def files(self) -> dict[str, dict[str, Any]]:
        return {p.name: json.loads(p.read_text(encoding="utf-8"))
                for p in sorted(self.folder.glob("*.schema.json"))}

    def root(self, kind: str) -> SchemaNode:
        name = f"{kind}.schema.json"
        return self.files[name], name

    def chain(self, node: SchemaNode) -> list[SchemaNode]:
        """`node` followed by the schemas its `$ref`s point to (nearest first)."""
        result = [node]
        while len(result) < 16:
            target = self._follow(result[-1])
            if target is None:
                break
            result.append(target)
        return result

    def keyword(self, node: SchemaNode, name: str) -> Any:
        return next((s[name] for s, _ in self.chain(node) if name in s), None)

    def properties(self, node: SchemaNode) -> dict[str, SchemaNode]:
        found: dict[str, SchemaNode] = {}
        for schema, file in self.chain(node):
            for key, sub in schema.get("properties", {}).items():
                found.setdefault(key, (sub, file))
        return found

    def items(self, node: SchemaNode) -> SchemaNode | None:
        return next(((s["items"], f) for s, f in self.chain(node)
                     if isinstance(s.get("items"), dict)), None)

    def order(self, value: Any, node: SchemaNode | None) -> Any:
        """`value` with every mapping's keys in schema order (unknown keys last)."""
        if isinstance(value, dict):
            known = self.properties(node) if node is not None else {}
            ordered = {k: self.order(value[k], sub) for k, sub in known.items() if k in value}
            ordered.update({k: self.order(v, None) for k, v in value.items() if k not in known})
            return ordered
        if isinstance(value, list):
            item = self.items(node) if node is not None else None
            return [self.order(v, item) for v in value]
        return value

    def _follow(self, node: SchemaNode) -> SchemaNode | None:
        schema, file = node
        ref = schema.get("$ref")
        if not isinstance(ref, str):
            return None
        target_file, _, pointer = ref.partition("#")
        file = target_file or file
        target: Any = self.files.get(file)
        for part in pointer.split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        return (target, file) if isinstance(target, dict) else None
