"""The JSON Schemas in `schemas/` own the shape of every content file.

This module loads them, validates loaded documents, and turns jsonschema's errors into
Vietnamese `Problem`s that point at the offending key or value. Schema conventions it
relies on: properties carry a Vietnamese `title`; a subschema may carry `x-goi-y` (the
fix hint shown when it fails) and `x-ma-loi` (a stable problem code for a cross-field
rule).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .codes import CODES
from .fastcheck import Check, Unsupported, compile_schema
from .loader import Document, JsonPath
from .problems import Problem

KINDS = ("procedure", "decision", "agency", "vocab")
PACKAGED_SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"

_TYPE_NAMES = {
    "string": "văn bản", "integer": "số nguyên", "number": "số", "boolean": "đúng/sai",
    "array": "danh sách", "object": "nhóm trường (ánh xạ)", "null": "để trống (null)",
}
_REQUIRED = re.compile(r"^'(.+)' is a required property$")


@dataclass(frozen=True)
class SchemaSet:
    """All schemas of one folder, ready to validate documents of each kind."""

    folder: Path

    @cached_property
    def registry(self) -> Registry[Any]:
        resources = []
        for file in sorted(self.folder.glob("*.schema.json")):
            contents = json.loads(file.read_text(encoding="utf-8"))
            resource = Resource.from_contents(contents, default_specification=DRAFT202012)
            resources.append((file.resolve().as_uri(), resource))
        return Registry().with_resources(resources)

    @cached_property
    def validators(self) -> dict[str, Draft202012Validator]:
        formats = FormatChecker()
        return {kind: Draft202012Validator(schema, format_checker=formats)
                for kind, schema in self.flat.items()}

    @cached_property
    def flat(self) -> dict[str, dict[str, Any]]:
        """Each kind's schema with every `$ref` inlined (validates faster, same meaning)."""
        result = {}
        for kind in KINDS:
            uri = (self.folder / f"{kind}.schema.json").resolve().as_uri()
            resolver = self.registry.resolver(uri)
            result[kind] = _inline(self.registry.contents(uri), resolver, depth=0)
        return result

    @cached_property
    def fast(self) -> dict[str, Check | None]:
        result: dict[str, Check | None] = {}
        for kind, schema in self.flat.items():
            try:
                result[kind] = compile_schema(schema, FormatChecker())
            except Unsupported:
                result[kind] = None
        return result

    def check(self, kind: str, document: Document) -> list[Problem]:
        fast = self.fast[kind]
        if fast is not None and fast(document.data):
            return []
        validator = self.validators[kind]
        return [
            problem
            for error in validator.iter_errors(document.data)
            for problem in _translate(error, document, validator)
        ]


def _inline(node: Any, resolver: Any, depth: int) -> Any:
    """Replace `{"$ref": X, …}` by the schema X names, keeping sibling keywords."""
    if depth > 32:
        raise ValueError("schema $ref chain too deep (recursive schema?)")
    if isinstance(node, list):
        return [_inline(item, resolver, depth) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" not in node:
        return {key: (value if key == "$defs" else _inline(value, resolver, depth))
                for key, value in node.items() if key != "$defs"}
    resolved = resolver.lookup(node["$ref"])
    target = _inline(resolved.contents, resolved.resolver, depth + 1)
    siblings = {k: _inline(v, resolver, depth) for k, v in node.items() if k != "$ref"}
    clash = [k for k in siblings if k in target and not _is_annotation(k)]
    if clash:
        return {**{k: v for k, v in siblings.items() if _is_annotation(k)},
                "allOf": [target, {k: v for k, v in siblings.items() if not _is_annotation(k)}]}
    return {**target, **siblings}


def _is_annotation(keyword: str) -> bool:
    return keyword in ("title", "description") or keyword.startswith("x-")


def schema_folder(root: Path) -> Path:
    local = root / "schemas"
    return local if (local / "procedure.schema.json").exists() else PACKAGED_SCHEMAS


def _translate(error: ValidationError, doc: Document,
               validator: Draft202012Validator) -> Iterator[Problem]:
    path: JsonPath = tuple(error.absolute_path)
    keyword = str(error.validator)
    if keyword == "required":
        yield from _missing(error, doc, path, validator)
    elif keyword in ("additionalProperties", "unevaluatedProperties"):
        yield from _unknown_keys(error, doc, path)
    else:
        line, column = doc.position(path)
        forbidden = _expected(error).get("required") if keyword == "not" and isinstance(
            _expected(error), dict) else None
        if forbidden:  # "must not have key X": point at X itself
            path = (*path, forbidden[0])
            line, column = doc.position(path, key=True)
        code, message, hint = _describe(error, doc, path, validator)
        hint = _hint_from_schema(error, validator) or hint
        yield Problem(doc.path, line, column, code, message, hint)


def _missing(error: ValidationError, doc: Document, path: JsonPath,
             validator: Draft202012Validator) -> Iterator[Problem]:
    match = _REQUIRED.match(error.message)
    key = match.group(1) if match else "?"
    title = _title(_schema_of(error), key)
    line, column = doc.position(path)
    where = f"trong `{_label(path)}`" if path else "ở đầu tệp"
    yield Problem(doc.path, line, column, "missing-key",
                  f"Thiếu trường bắt buộc `{key}`{title} {where}.",
                  _hint_from_schema(error, validator) or f"Thêm dòng `{key}: …` (xem mẫu "
                  "bằng `tthc new`).")


def _unknown_keys(error: ValidationError, doc: Document, path: JsonPath) -> Iterator[Problem]:
    allowed = list(_schema_of(error).get("properties", {}))
    instance = error.instance if isinstance(error.instance, dict) else {}
    for key in instance:
        if key in allowed:
            continue
        line, column = doc.position((*path, key), key=True)
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        hint = (f"Có phải ý bạn là `{close[0]}`?" if close
                else "Các trường được phép: " + ", ".join(f"`{k}`" for k in allowed) + ".")
        yield Problem(doc.path, line, column, "unknown-key",
                      f"Trường `{key}` không có trong mẫu dữ liệu.", hint)


def _describe(error: ValidationError, doc: Document, path: JsonPath,
              validator: Draft202012Validator) -> tuple[str, str, str]:
    keyword = str(error.validator)
    label = f"`{_label(path)}`" if path else "Tệp"
    value = error.instance
    if keyword == "type":
        return _wrong_type(error, doc, path, label)
    if keyword in ("enum", "const"):
        options = _expected(error) if keyword == "enum" else [_expected(error)]
        return ("invalid-value", f"{label}: giá trị `{_show(value)}` không hợp lệ.",
                "Chọn một trong: " + ", ".join(f"`{o}`" for o in options) + ".")
    if keyword == "pattern":
        return ("invalid-format", f"{label}: `{_show(value)}` không đúng định dạng.",
                f"Định dạng yêu cầu (biểu thức chính quy): `{_expected(error)}`.")
    if keyword == "format":
        if _expected(error) == "date":
            return ("invalid-date", f"{label}: `{_show(value)}` không phải ngày hợp lệ.",
                    "Viết ngày theo ISO 8601: NNNN-TT-NN, ví dụ `2020-08-03`.")
        return ("invalid-format", f"{label}: `{_show(value)}` không đúng định dạng "
                f"{_expected(error)}.", "Kiểm tra lại giá trị.")
    if keyword in ("minItems", "minProperties"):
        return ("empty-list", f"{label} cần ít nhất {_expected(error)} mục.",
                "Thêm mục còn thiếu hoặc xóa hẳn trường nếu nó không bắt buộc.")
    if keyword == "minLength":
        return ("empty-value", f"{label} không được để trống.",
                "Điền nội dung hoặc xóa hẳn trường nếu nó không bắt buộc.")
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return ("out-of-range", f"{label}: `{_show(value)}` nằm ngoài giới hạn cho phép.",
                f"Giới hạn: {keyword} {_expected(error)}.")
    if keyword == "uniqueItems":
        return ("duplicate-item", f"{label} có mục lặp lại.", "Xóa mục trùng.")
    code = _code_from_schema(error, validator)
    if code in CODES:
        return (code, f"{label}: {CODES[code]}", "Xem mô tả trường trong schemas/.")
    return ("schema", f"{label}: không thỏa quy tắc `{keyword}` của mẫu dữ liệu.",
            "Xem mô tả trường trong schemas/ (trình soạn thảo hiện mô tả khi rê chuột).")


def _wrong_type(error: ValidationError, doc: Document, path: JsonPath,
                label: str) -> tuple[str, str, str]:
    expected = _expected(error)
    expected_list = expected if isinstance(expected, list) else [expected]
    wanted = " hoặc ".join(_TYPE_NAMES.get(str(t), str(t)) for t in expected_list)
    source = doc.scalar_source(path)
    if error.instance is None and source in ("", "~", "null", "Null", "NULL"):
        return ("empty-value", f"{label} để trống.",
                f"Điền {wanted}, hoặc xóa hẳn trường nếu nó không bắt buộc.")
    if "string" in expected_list and source is not None and not isinstance(error.instance, str):
        code = "quote-code" if "pattern" in _schema_of(error) else "wrong-type"
        return (code, f"{label}: `{source}` được YAML đọc thành "
                f"{_TYPE_NAMES[_json_type(error.instance)]}, không phải văn bản.",
                f"Đặt giá trị trong dấu nháy đơn: '{source}' (YAML đọc 2.000100 thành "
                "2.0001, và yes/no thành đúng/sai).")
    return ("wrong-type", f"{label} phải là {wanted}, không phải "
            f"{_TYPE_NAMES[_json_type(error.instance)]}.",
            "Sửa giá trị cho đúng kiểu; xem mẫu bằng `tthc new`.")


def _hint_from_schema(error: ValidationError, validator: Draft202012Validator) -> str:
    for schema in _schemas_on_path(error, validator):
        if "x-goi-y" in schema:
            return str(schema["x-goi-y"])
    return ""


def _code_from_schema(error: ValidationError, validator: Draft202012Validator) -> str:
    for schema in _schemas_on_path(error, validator):
        if "x-ma-loi" in schema:
            return str(schema["x-ma-loi"])
    return ""


def _schemas_on_path(error: ValidationError,
                     validator: Draft202012Validator) -> Iterator[dict[str, Any]]:
    """The failing subschema, then its enclosing subschemas up to the nearest `$ref`."""
    if _schema_of(error):
        yield _schema_of(error)
    trail: list[Any] = [validator.schema]
    node: Any = validator.schema
    for step in error.relative_schema_path:
        inside_dict = isinstance(node, dict) and step in node
        inside_list = isinstance(node, list) and isinstance(step, int) and step < len(node)
        if not (inside_dict or inside_list):
            break
        node = node[step]
        trail.append(node)
    for schema in reversed(trail[:-1]):
        if isinstance(schema, dict):
            yield schema


def _schema_of(error: ValidationError) -> dict[str, Any]:
    return error.schema if isinstance(error.schema, dict) else {}


def _expected(error: ValidationError) -> Any:
    return error.validator_value


def _title(schema: Any, key: str) -> str:
    if isinstance(schema, dict):
        prop = schema.get("properties", {}).get(key, {})
        if isinstance(prop, dict) and prop.get("title"):
            return f" ({prop['title']})"
    return ""


def _label(path: JsonPath) -> str:
    text = ""
    for item in path:
        text += f"[{item}]" if isinstance(item, int) else (f".{item}" if text else str(item))
    return text


def _show(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "string"
