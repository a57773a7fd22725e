"""The semantic diff of two versions of one content document: field by field, with the
schemas' Vietnamese titles as labels.

What a reviewer needs and a line diff cannot give: a changed fee is "Cách nộp 1 › Phí, lệ
phí › Khoản phí, lệ phí 1 › Số tiền: 2000 → 3000", not two YAML lines; a long text shows
the words that changed; moving a list item, or re-ordering keys, is not a change. Lists are
compared as collections: equal items pair up wherever they stand, then the rest pair by
their identifying key (`ma`, `kenh`, `truong_hop`, `ten`…) or by likeness, and what is left
was added or removed.

`tthc review` shows these changes for a pull request; a procedure's history page can show
them between two versions.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .schema_index import SchemaIndex, SchemaNode

KeyPath = tuple[str | int, ...]
ADDED, CHANGED, REMOVED = "added", "changed", "removed"
KIND_LABELS = {ADDED: "thêm", CHANGED: "sửa", REMOVED: "xóa"}
# The key that names a list item, in order of preference: items with the same one pair up.
IDENTITY_KEYS = ("ma", "ma_cu", "so_ky_hieu", "id", "kenh", "truong_hop", "ten")
LONG_TEXT = 60          # characters: longer texts (or any with a line break) diff by word
_LIKENESS = 0.5         # the least similarity for two leftover items to count as one changed
_PAIRING_BUDGET = 400   # leftover pairs compared by likeness, at most (a list rewritten whole)
_WORDS = re.compile(r"\w+|[^\w\s]")
_TOKENS = re.compile(r"\S+\s*|\s+")   # a word with the spaces after it


@dataclass(frozen=True)
class FieldChange:
    """One field added, changed or removed; `path` ends at the field, with list positions
    counted from 0 on the side that has the item (the new side unless removed)."""

    path: KeyPath
    label: str
    kind: str
    old: Any = None
    new: Any = None

    @property
    def is_text(self) -> bool:
        """A long text changed: shown word by word."""
        return (self.kind == CHANGED and isinstance(self.old, str) and isinstance(self.new, str)
                and any(len(t) > LONG_TEXT or "\n" in t for t in (self.old, self.new)))

    def words(self) -> list[tuple[str, str]]:
        """The text change as runs of ("=", same), ("-", removed), ("+", added) words."""
        return word_diff(str(self.old), str(self.new))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": list(self.path), "label": self.label, "kind": self.kind}
        if self.kind != ADDED:
            data["old"] = self.old
        if self.kind != REMOVED:
            data["new"] = self.new
        if self.is_text:
            data["words"] = [list(run) for run in self.words()]
        return data


def diff_documents(old: Any, new: Any, kind: str, schemas: SchemaIndex) -> list[FieldChange]:
    """Every field that differs between two versions of a document of this kind."""
    return list(_Differ(schemas).diff(old, new, schemas.root(kind), (), ()))


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            runs.append(("-", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("+", "".join(b[j1:j2])))
        if op == "equal":
            runs.append(("=", "".join(a[i1:i2])))
    return runs


def describe(value: Any, kind: str, path: KeyPath, schemas: SchemaIndex) -> str:
    """A short Vietnamese rendering of an added or removed value: its fields by title."""
    node = _node_at(schemas, schemas.root(kind), path)
    return _describe(value, node, schemas)


class _Differ:
    def __init__(self, schemas: SchemaIndex) -> None:
        self.schemas = schemas
        self.canon = _Canon()

    def diff(self, old: Any, new: Any, node: SchemaNode | None, path: KeyPath,
             label: tuple[str, ...]) -> Iterator[FieldChange]:
        if self.canon(old) == self.canon(new):
            return
        if isinstance(old, dict) and isinstance(new, dict):
            yield from self._mapping(old, new, node, path, label)
        elif isinstance(old, list) and isinstance(new, list):
            yield from self._list(old, new, node, path, label)
        else:
            yield FieldChange(path, _join(label), CHANGED, old, new)

    def _mapping(self, old: dict[str, Any], new: dict[str, Any], node: SchemaNode | None,
                 path: KeyPath, label: tuple[str, ...]) -> Iterator[FieldChange]:
        for key, sub, here, title in self._keys(old, new, node, path, label):
            if key not in old:
                yield from self._whole(ADDED, new[key], sub, here, title)
            elif key not in new:
                yield from self._whole(REMOVED, old[key], sub, here, title)
            else:
                yield from self.diff(old[key], new[key], sub, here, title)

    def _keys(self, old: dict[str, Any], new: dict[str, Any], node: SchemaNode | None,
              path: KeyPath, label: tuple[str, ...]
              ) -> Iterator[tuple[str, SchemaNode | None, KeyPath, tuple[str, ...]]]:
        """The keys of either side in schema order (unknown keys last), with their
        subschema, path and label."""
        known = self.schemas.properties(node) if node is not None else {}
        keys = [k for k in known if k in old or k in new]
        keys += sorted(k for k in {*old, *new} if k not in known)
        for key in keys:
            sub = known.get(key)
            yield key, sub, (*path, key), (*label, _title(sub, self.schemas) or str(key))

    def _whole(self, kind: str, value: Any, node: SchemaNode | None, path: KeyPath,
               label: tuple[str, ...]) -> Iterator[FieldChange]:
        """A value added or removed whole: a group by its fields, a list of groups by its
        items, so that a new record reads field by field."""
        old, new = (None, value) if kind == ADDED else (value, None)
        if isinstance(value, dict) and value:
            for key, sub, here, title in self._keys(value, {}, node, path, label):
                yield from self._whole(kind, value[key], sub, here, title)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            item_node = self.schemas.items(node) if node is not None else None
            item_title = _title(item_node, self.schemas) or (label[-1] if label else "")
            for i, item in enumerate(value):
                one = (None, item) if kind == ADDED else (item, None)
                yield FieldChange((*path, i), _join(_item_label(label, item_title, i)), kind,
                                  *one)
        else:
            yield FieldChange(path, _join(label), kind, old, new)

    def _list(self, old: list[Any], new: list[Any], node: SchemaNode | None, path: KeyPath,
              label: tuple[str, ...]) -> Iterator[FieldChange]:
        item_node = self.schemas.items(node) if node is not None else None
        item_title = _title(item_node, self.schemas) or (label[-1] if label else "")
        for i, j in pair_items(old, new, self.canon):
            scalar = not isinstance(old[i] if i is not None else new[j or 0], dict | list)
            position = (j if j is not None else i) or 0
            # a scalar item is its value: "Lĩnh vực: thêm chung-thuc", not "Lĩnh vực 2"
            title = label if scalar else _item_label(label, item_title, position)
            here = (*path, position)
            if i is None:
                yield FieldChange(here, _join(title), ADDED, None, new[position])
            elif j is None:
                yield FieldChange(here, _join(title), REMOVED, old[position], None)
            else:
                yield from self.diff(old[i], new[j], item_node, here, title)


def pair_items(old: list[Any], new: list[Any], canon: Callable[[Any], str] | None = None
               ) -> list[tuple[int | None, int | None]]:
    """The items of two lists that differ, paired: (old index, new index), None on the side
    that lacks it; equal items (wherever they stand) are left out."""
    canon = canon or _Canon()
    old_keys, new_keys = [canon(v) for v in old], [canon(v) for v in new]
    waiting: dict[str, deque[int]] = defaultdict(deque)
    for j, key in enumerate(new_keys):
        waiting[key].append(j)
    left_old = [i for i, key in enumerate(old_keys) if not _take(waiting, key)]
    left_new = sorted(j for queue in waiting.values() for j in queue)
    pairs: list[tuple[int | None, int | None]] = []
    for i in list(left_old):
        ident = _identity(old[i])
        match = next((j for j in left_new if ident is not None and _identity(new[j]) == ident),
                     None)
        if match is not None:
            pairs.append((i, match))
            left_old.remove(i)
            left_new.remove(match)
    if len(left_old) * len(left_new) <= _PAIRING_BUDGET:
        for i in list(left_old):
            score, best = max(((_likeness(old_keys[i], new_keys[j]), -j) for j in left_new),
                              default=(0.0, 0))
            if score >= _LIKENESS:
                pairs.append((i, -best))
                left_old.remove(i)
                left_new.remove(-best)
    pairs += [(i, None) for i in left_old] + [(None, j) for j in left_new]
    return sorted(pairs, key=lambda p: (p[1] if p[1] is not None else p[0] or 0, p[1] is None))


def _take(waiting: dict[str, deque[int]], key: str) -> bool:
    queue = waiting.get(key)
    if queue:
        queue.popleft()
        return True
    return False


def _identity(value: Any) -> tuple[str, str] | None:
    if not isinstance(value, dict):
        return None
    key = next((k for k in IDENTITY_KEYS if isinstance(value.get(k), str | int)), None)
    return (key, str(value[key])) if key else None


def _likeness(a: str, b: str) -> float:
    """How alike two canonical texts are: the share of words they have in common (linear
    time; a character-level ratio is quadratic on the long texts of a procedure)."""
    words_a, words_b = Counter(_WORDS.findall(a)), Counter(_WORDS.findall(b))
    total = sum(words_a.values()) + sum(words_b.values())
    return 2 * sum((words_a & words_b).values()) / total if total else 1.0


class _Canon:
    """A value's text with keys and list items sorted (equal texts, same content), each
    subtree's computed once (a diff asks for the text of
    every node on its way down: recomputing it would be quadratic in the depth)."""

    def __init__(self) -> None:
        self.memo: dict[int, str] = {}
        self.held: list[Any] = []          # keeps the ids of memoised values valid

    def __call__(self, value: Any) -> str:
        if not isinstance(value, dict | list):
            return repr(value)             # quoted, typed: 1, 1.0, '1' and True differ
        known = self.memo.get(id(value))
        if known is None:
            if isinstance(value, dict):
                known = "{" + ",".join(
                    f"{str(k)!r}:{self(v)}"
                    for k, v in sorted(value.items(), key=lambda item: str(item[0]))) + "}"
            else:
                known = "[" + ",".join(sorted(self(v) for v in value)) + "]"
            self.memo[id(value)] = known
            self.held.append(value)
        return known


def _title(node: SchemaNode | None, schemas: SchemaIndex) -> str | None:
    title = schemas.keyword(node, "title") if node is not None else None
    return title if isinstance(title, str) else None


def _item_label(label: tuple[str, ...], item_title: str, index: int) -> tuple[str, ...]:
    """`Giấy tờ › Giấy tờ 2` reads `Giấy tờ 2`: the item's number joins its list's title."""
    if label and label[-1] == item_title:
        label = label[:-1]
    return (*label, f"{item_title} {index + 1}")


def _join(label: tuple[str, ...]) -> str:
    return " › ".join(label)


def _node_at(schemas: SchemaIndex, node: SchemaNode | None, path: KeyPath) -> SchemaNode | None:
    for part in path:
        if node is None:
            return None
        node = schemas.items(node) if isinstance(part, int) else schemas.properties(node).get(part)
    return node


def _describe(value: Any, node: SchemaNode | None, schemas: SchemaIndex) -> str:
    if isinstance(value, dict):
        known = schemas.properties(node) if node is not None else {}
        parts = []
        for key, item in value.items():
            sub = known.get(key)
            parts.append(f"{_title(sub, schemas) or key}: {_describe(item, sub, schemas)}")
        return "; ".join(parts)
    if isinstance(value, list):
        item = schemas.items(node) if node is not None else None
        return " | ".join(_describe(v, item, schemas) for v in value)
    return str(value)
