"""The compiled fast check must agree with jsonschema on every document.

If they ever disagree, the validator could accept a file jsonschema would reject, so this
is a differential property test over mutations of real, valid documents.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.catalog import load_catalog
from generator.fastcheck import Unsupported, compile_schema
from generator.schemas import KINDS, SchemaSet

ROOT = Path(__file__).parent.parent
SCHEMAS = SchemaSet(ROOT / "schemas")
BASE = load_catalog(Path(__file__).parent / "data" / "base")
DOCS = [(entry.kind, entry.data) for entry in BASE.entries]

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(-2, 2, allow_nan=False)
    | st.sampled_from(["", "x", "1.001193", "2020-02-30", "2020-08-03", "truc_tuyen",
                       "noi_bo", "5.000001", "@a/b", "https://x.vn", "1766/QĐ-UBND", "bo"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["ma", "ten", "kenh", "so", "mo_ta", "xyz", "truong_hop"]), inner,
        max_size=3),
    max_leaves=6)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*path, i))
    return found


def _mutate(doc: Any, path: tuple[Any, ...], action: str, new: Any) -> Any:
    doc = copy.deepcopy(doc)
    if not path:
        return new if action == "replace" else doc
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "replace":
        parent[last] = new
    elif action == "extra" and isinstance(parent[last], dict):
        parent[last]["khoa_la"] = new
    elif action == "empty" and isinstance(parent[last], list | dict | str):
        parent[last] = type(parent[last])()
    elif action == "nudge" and isinstance(parent[last], int | float):
        parent[last] = -1 - parent[last] if parent[last] >= 0 else parent[last] + 0.5
    elif action == "nudge" and isinstance(parent[last], str):
        parent[last] = parent[last] + " " + str(new)
    elif action == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    return doc


def test_every_kind_compiles() -> None:
    assert all(SCHEMAS.fast[kind] is not None for kind in KINDS)


@settings(max_examples=1000, deadline=None)
@given(st.data())
def test_fast_check_agrees_with_jsonschema(data: st.DataObject) -> None:
    kind, doc = data.draw(st.sampled_from(DOCS))
    path = data.draw(st.sampled_from(_paths(doc)))
    action = data.draw(st.sampled_from(["delete", "replace", "extra", "empty",
                                                "duplicate", "nudge", "nudge"]))
    mutated = _mutate(doc, path, action, data.draw(JSON))
    fast = SCHEMAS.fast[kind]
    assert fast is not None
    assert fast(mutated) == SCHEMAS.validators[kind].is_valid(mutated)


def test_valid_documents_pass_both() -> None:
    for kind, doc in DOCS:
        fast = SCHEMAS.fast[kind]
        assert fast is not None and fast(doc)
        assert SCHEMAS.validators[kind].is_valid(doc)


def test_unknown_keyword_is_refused_not_ignored() -> None:
    with pytest.raises(Unsupported):
        compile_schema({"type": "object", "dependentRequired": {"a": ["b"]}})
