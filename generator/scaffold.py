"""`tthc new`: write a pre-filled, commented content file at the right path.

Everything comes from the schemas: each key gets a comment line with its `title` —
`description`; required keys (and keys a conditional rule makes necessary, such as a
deadline's `so`) get a placeholder `…`; optional keys are written as commented-out
examples. Argument patterns (procedure code, decision number, agency id) are read from
`common.schema.json`, so no rule lives twice. `tthc fmt` later drops these help comments.
"""

from __future__ import annotations

import re
import sys
import textwrap
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .crosscheck import decision_slug
from .fmt import MODELINE, render_scalar, schema_ref
from .schema_index import SchemaIndex, SchemaNode
from .schemas import schema_folder

PLACEHOLDER = "…"
KINDS = ("procedure", "decision", "agency")
WIDTH = 100
_INTRO = ("Tệp mẫu do `tthc new` tạo. Thay mỗi dấu … bằng nội dung thật. Trường không bắt "
          "buộc để ở dạng chú thích (#): bỏ dấu # ở đầu các dòng của trường đó để dùng, hoặc "
          "để nguyên. Xong thì chạy `tthc fmt` (xóa các dòng chú thích này) rồi "
          "`tthc validate`.")


class UsageError(Exception):
    """Bad arguments to `tthc new` (exit 2)."""


def write_new(root: Path, kind: str, *, agency: str | None, ma: str | None = None,
              so: str | None = None, year: str | None = None) -> int:
    """Write the scaffold for `kind`; prints its path. Returns the exit code."""
    index = SchemaIndex(schema_folder(root))
    try:
        display, prefill = plan(index, kind, agency=agency, ma=ma, so=so, year=year)
    except UsageError as exc:
        print(f"tthc: lỗi: {exc}", file=sys.stderr)
        return 2
    path = root / display
    text = scaffold_text(index, kind, display, prefill)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        print(f"{display}: tệp đã có; tthc new không ghi đè. Sửa trực tiếp tệp này, hoặc xóa "
              "nó trước nếu muốn tạo lại.", file=sys.stderr)
        return 1
    print(display)
    _advise(root, kind, prefill)
    return 0


def plan(index: SchemaIndex, kind: str, *, agency: str | None, ma: str | None = None,
         so: str | None = None, year: str | None = None) -> tuple[str, dict[str, str]]:
    """The file to write (relative to the root) and the values known from the arguments."""
    if kind not in KINDS:
        raise UsageError(f"không tạo được loại `{kind}`; chọn một trong: {', '.join(KINDS)}.")
    given = {"--ma": ma, "--so": so, "--year": year}
    wanted = {"procedure": {"--ma"}, "decision": {"--so", "--year"}, "agency": set()}[kind]
    for option, value in given.items():
        if value is None and option in wanted:
            raise UsageError(f"`tthc new {kind}` cần {option}.")
        if value is not None and option not in wanted:
            raise UsageError(f"{option} không dùng cho `tthc new {kind}`.")
    agency_id = _checked(index, "agency_id", agency or "", "--agency")
    if kind == "procedure":
        code = _checked(index, "ma_thu_tuc", ma or "", "--ma")
        return (f"content/procedures/{agency_id}/{code}.yaml",
                {"ma": code, "co_quan_cong_bo": agency_id})
    if kind == "decision":
        number = _checked(index, "so_ky_hieu", so or "", "--so")
        if not re.fullmatch(r"[0-9]{4}", year or ""):
            raise UsageError(f"--year `{year}` không hợp lệ: ghi năm ban hành bằng bốn chữ số, "
                             "ví dụ 2020.")
        return (f"content/decisions/{agency_id}/{year}/{decision_slug(number)}.yaml",
                {"so_ky_hieu": number, "co_quan_ban_hanh": agency_id})
    return f"content/agencies/{agency_id}.yaml", {"id": agency_id}


def scaffold_text(index: SchemaIndex, kind: str, display: str,
                  prefill: Mapping[str, str]) -> str:
    lines = [MODELINE + schema_ref(display, kind), "", *_wrap(_INTRO, 0), ""]
    lines += _object(index, index.root(kind), 0, prefill, item=False, notes=True)
    return "\n".join(lines) + "\n"


def _checked(index: SchemaIndex, definition: str, value: str, option: str) -> str:
    schema: dict[str, Any] = index.files["common.schema.json"]["$defs"][definition]
    value = unicodedata.normalize("NFC", value)
    if not re.fullmatch(str(schema["pattern"]), value):
        raise UsageError(f"{option} `{value}` không hợp lệ. {schema.get('x-goi-y', '')}".strip())
    return value


def _advise(root: Path, kind: str, prefill: Mapping[str, str]) -> None:
    print("Điền nội dung thay cho các dấu …, rồi chạy `tthc fmt` và `tthc validate`.",
          file=sys.stderr)
    agency = prefill.get("co_quan_cong_bo") or prefill.get("co_quan_ban_hanh")
    if agency and not (root / "content" / "agencies" / f"{agency}.yaml").exists():
        print(f"Lưu ý: chưa có content/agencies/{agency}.yaml; tạo bằng "
              f"`tthc new agency --agency {agency}`.", file=sys.stderr)


# ------------------------------------------------------------------ rendering

def _object(index: SchemaIndex, node: SchemaNode, indent: int, prefill: Mapping[str, str],
            *, item: bool, notes: bool) -> list[str]:
    """Lines of a mapping's keys at `indent`; in a list item, needed keys come first.

    With notes=False (inside a commented-out example) only the needed keys are written."""
    properties = index.properties(node)
    needed = _needed(index, node, item=item)
    keys = [k for k in properties if notes or k in needed]
    if item:
        keys = [k for k in keys if k in needed] + [k for k in keys if k not in needed]
    lines: list[str] = []
    for key in keys:
        body = _value(index, key, properties[key], indent, prefill.get(key),
                      notes=notes and key in needed)
        if key not in needed:
            body = [" " * indent + "# " + line[indent:] for line in body]
        if notes:
            lines += _note(index, properties[key], indent, optional=key not in needed)
        lines += body
    return lines


def _value(index: SchemaIndex, key: str, node: SchemaNode, indent: int, known: str | None,
           *, notes: bool) -> list[str]:
    head = " " * indent + key + ":"
    if known is not None:
        return [f"{head} {render_scalar(known)}"]
    shape = _shape(index, node)
    if shape == "object":
        return [head, *_object(index, node, indent + 2, {}, item=False, notes=notes)]
    if shape == "array":
        return [head, *_items(index, index.items(node), indent + 2, notes=notes)]
    return [f"{head} {PLACEHOLDER}"]


def _items(index: SchemaIndex, node: SchemaNode | None, indent: int, *,
           notes: bool) -> list[str]:
    """One example list item with its dash at `indent`."""
    if node is None or _shape(index, node) != "object":
        return [" " * indent + "- " + PLACEHOLDER]
    body = _object(index, node, indent + 2, {}, item=True, notes=notes)
    first = next(i for i, line in enumerate(body) if not line.lstrip().startswith("#"))
    comments = [line[2:] for line in body[:first]]  # the first key's note sits at the dash
    return [*comments, " " * indent + "- " + body[first][indent + 2:], *body[first + 1:]]


def _note(index: SchemaIndex, node: SchemaNode, indent: int, *, optional: bool) -> list[str]:
    title = str(index.keyword(node, "title") or "")
    description = str(index.keyword(node, "description") or "")
    label = f"{title} (không bắt buộc)" if optional else title
    return _wrap(f"{label} — {description}" if description else label, indent)


def _wrap(text: str, indent: int) -> list[str]:
    prefix = " " * indent + "# "
    return [prefix + line for line in textwrap.wrap(
        text, WIDTH - len(prefix), break_long_words=False, break_on_hyphens=False)]


def _shape(index: SchemaIndex, node: SchemaNode) -> str:
    kind = index.keyword(node, "type")
    if kind == "object" or (kind is None and index.properties(node)):
        return "object"
    return "array" if kind == "array" else "scalar"


def _needed(index: SchemaIndex, node: SchemaNode, *, item: bool) -> set[str]:
    """Required keys, keys an `if not required X then …` rule asks for, the `else` keys of an
    `if required X … else` rule (the scaffold leaves optional X out), and — where the
    object must not be empty (`minProperties`, or a list item) — at least its first key."""
    needed: set[str] = set()
    at_least_one = item
    for schema, _ in index.chain(node):
        needed.update(schema.get("required", []))
        for rule in [schema, *schema.get("allOf", [])]:
            at_least_one = at_least_one or rule.get("minProperties", 0) > 0
            negated = rule.get("if", {}).get("not", {})
            needed.update(negated.get("required", []))
            if rule.get("if", {}).get("required"):  # "if X then … else Y": without X, Y
                needed.update(rule.get("else", {}).get("required", []))
    for schema, _ in index.chain(node):  # "if X then Y": a scaffold that writes X needs Y
        for rule in schema.get("allOf", []):
            condition = rule.get("if", {})
            plain = set(condition) == {"required"}  # a presence test only, nothing more
            if plain and set(condition["required"]) <= needed:
                needed.update(rule.get("then", {}).get("required", []))
    properties = list(index.properties(node))
    if not needed and at_least_one and properties:
        needed.add(properties[0])
    return needed
