"""A fast yes/no check of a document against a JSON Schema.

jsonschema explains *why* a document is invalid, but walking its validators costs several
times more than parsing the YAML. Almost every file in a catalogue is valid, so the
validator first asks this compiled predicate; only files it rejects go through jsonschema
for the full list of errors. Both read the same schema, so shape is still defined in one
place; a differential property test (tests/test_fastcheck.py) keeps the two in agreement.

Only the keywords our schemas use are compiled. Any other keyword raises `Unsupported`,
and the caller then relies on jsonschema alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from jsonschema import FormatChecker

Check = Callable[[Any], bool]
ANNOTATIONS = {"title", "description", "$schema", "$comment", "$defs", "$id", "default",
               "examples", "deprecated", "readOnly", "writeOnly"}


class Unsupported(Exception):
    """The schema uses a keyword this module does not compile."""


def compile_schema(schema: dict[str, Any] | bool,
                   formats: FormatChecker | None = None) -> Check:
    """Compile an already dereferenced schema (no `$ref`) into a predicate."""
    if schema is True:
        return _always
    if schema is False:
        return _never
    assert isinstance(schema, dict)
    checks: list[Check] = []
    for keyword, value in schema.items():
        if keyword in ANNOTATIONS or keyword.startswith("x-") or keyword in ("then", "else"):
            continue
        maker = _KEYWORDS.get(keyword)
        if maker is None:
            raise Unsupported(keyword)
        checks.append(maker(value, schema, formats))
    if len(checks) == 1:
        return checks[0]
    return lambda value: all(check(value) for check in checks)


def _always(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": _is_number,
    "integer": lambda v: _is_number(v) and (isinstance(v, int) or float(v).is_integer()),
}


def _type(value: Any, schema: dict[str, Any], formats: FormatChecker | None) -> Check:
    names = value if isinstance(value, list) else [value]
    tests = [_TYPES[name] for name in names]
    return lambda v: any(test(v) for test in tests)


def _properties(value: dict[str, Any], schema: dict[str, Any],
                formats: FormatChecker | None) -> Check:
    compiled = {key: compile_schema(sub, formats) for key, sub in value.items()}

    def check(v: Any) -> bool:
        if not isinstance(v, dict):
            return True
        return all(compiled[k](item) for k, item in v.items() if k in compiled)
    return check


def _additional(value: Any, schema: dict[str, Any], formats: FormatChecker | None) -> Check:
    if schema.get("patternProperties"):
        raise Unsupported("patternProperties")
    known = set(schema.get("properties", {}))
    extra = compile_schema(value, formats)

    def check(v: Any) -> bool:
        if not isinstance(v, dict):
            return True
        return all(extra(item) for k, item in v.items() if k not in known)
    return check


def _required(value: list[str], schema: dict[str, Any], formats: FormatChecker | None) -> Check:
    return lambda v: not isinstance(v, dict) or all(key in v for key in value)


def _items(value: Any, schema: dict[str, Any], formats: FormatChecker | None) -> Check:
    item = compile_schema(value, formats)
    return lambda v: not isinstance(v, list) or all(item(x) for x in v)


def _contains(value: Any, schema: dict[str, Any], formats: FormatChecker | None) -> Check:
    if "minContains" in schema or "maxContains" in schema:
        raise Unsupported("minContains")
    item = compile_schema(value, formats)
    return lambda v: not isinstance(v, list) or any(item(x) for x in v)


def _min_items(value: int, schema: dict[str, Any], formats: FormatChecker | None) -> Check:
    return lambda v: not isinstance(v, list) or len(v) >= value


def _unique(value: bool, schema: dict[str, Any], formats: FormatChecker | None) -> Check:
    if not value:
        return _always

    def check(v: Any) -> bool:
        if not isinstance(v, list):
            return True
        keys = [json.dumps(x, sort_keys=True) for x in v]
        return len(set(keys)) == len(keys)
    return check


def _min_length(value: int, schema: dict[str, Any], formats: FormatChecker | None) -> Check:
    return lambda v: not isinstance(v, str) or len(v) >= value


def _min_properties(value: int, schema: dict[str, Any], formats: FormatChecker | None) -> Check:
    return lambda v: not isinstance(v, dict) or len(v) >= value


def _minimum(value: float, schema: dict[str, Any], formats: FormatChecker | None) -> Check:
    return lambda v: not _is_number(v) or v >= value


def _pattern(value: str, schema: dict[str, Any], formats: FormatChecker | None) -> Check:
    regex = re.compile(value)
    return lambda v: not isinstance(v, str) or regex.search(v) is not None


def _format(value: str, schema: dict[str, Any], formats: FormatChecker | None) -> Check:
    if formats is None or value not in formats.checkers:
        return _always
    return lambda v: formats.conforms(v, value)


def _enum(value: list[Any], schema: dict[str, Any], formats: FormatChecker | None) -> Check:
    return lambda v: any(_equal(v, option) for option in value)


def _const(value: Any, schema: dict[str, Any], formats: FormatChecker | None) -> Check:
    return lambda v: _equal(v, value)


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _all_of(value: list[Any], schema: dict[str, Any], formats: FormatChecker | None) -> Check:
    parts = [compile_schema(sub, formats) for sub in value]
    return lambda v: all(part(v) for part in parts)


def _not(value: Any, schema: dict[str, Any], formats: FormatChecker | None) -> Check:
    inner = compile_schema(value, formats)
    return lambda v: not inner(v)


def _if(value: Any, schema: dict[str, Any], formats: FormatChecker | None) -> Check:
    condition = compile_schema(value, formats)
    then = compile_schema(schema.get("then", True), formats)
    otherwise = compile_schema(schema.get("else", True), formats)
    return lambda v: then(v) if condition(v) else otherwise(v)


_KEYWORDS: dict[str, Callable[[Any, dict[str, Any], FormatChecker | None], Check]] = {
    "type": _type, "properties": _properties, "additionalProperties": _additional,
    "required": _required, "items": _items, "contains": _contains, "minItems": _min_items,
    "uniqueItems": _unique, "minLength": _min_length, "minProperties": _min_properties,
    "minimum": _minimum, "pattern": _pattern, "format": _format, "enum": _enum,
    "const": _const, "allOf": _all_of, "not": _not, "if": _if,
}
