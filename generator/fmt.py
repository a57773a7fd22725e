"""`tthc fmt`: rewrite content YAML files in one canonical layout, so diffs show only content.

* Keys in the order of the schema's `properties` for the file's kind, recursively (`$ref`s
  followed); unknown keys last in their original order — fmt never drops data.
* The `# yaml-language-server: $schema=…` modeline first (added or corrected), then the other
  lines of the top comment block (it ends at the first blank line or key). **Every other
  comment is dropped.**
* 2-space indentation, lists indented under their key, `[]`/`{}` when empty. Strings plain when
  YAML reads them back as the same text, else single-quoted ('1.001193', 'yes', 'a: b', '');
  multi-line text as a literal block (`|`, `|-`, `|+`); one-line text with tabs or control
  characters double-quoted with visible escapes (`\\t`). Never wrapped; NFC; UTF-8; `\\n`
  line ends; one final newline.
* Numbers and booleans stay what they are; a number keeps the digits it was written with, so
  an unquoted `2.000100` stays visible (the validator's `quote-code`) instead of becoming 2.0001.

fmt refuses (prints the problems, leaves the file untouched) when the loader reports anything
but `not-nfc`, and re-reads its own output: a file is replaced, atomically, only when its data
comes back identical.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from .catalog import KIND_BY_FOLDER
from .loader import Document, JsonPath, LoadError, load_bytes, load_file
from .problems import Problem
from .schema_index import SchemaIndex
from .schemas import schema_folder

MODELINE = "# yaml-language-server: $schema="
NEEDS_FORMAT = "cần định dạng lại (chạy tthc fmt)"

NumberSource = Callable[[JsonPath], str | None]

_TAG = "tag:yaml.org,2002:"
_RESOLVER = yaml.resolver.Resolver()
# YAML indicators, plus "+": `- + text` is valid but reads like a nested list.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`+")
# Characters a YAML file may hold raw (no line breaks other than \n, no BOM).
_UNSAFE = re.compile("[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                     "\U00010000-\U0010ffff]")
# Plain text other YAML readers (YAML 1.2 core schema, 1.1 y/n) take for a number or bool.
_OTHER_READERS = re.compile(r"[yYnN]|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"
                            r"|0o[0-7]+")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0",
            "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}
_MODELINE_RE = re.compile(r"#\s*yaml-language-server\s*:\s*\$schema=")


class FormatError(Exception):
    """A file fmt must not rewrite; carries the problems to show."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message if problems else "format error")
        self.problems = problems


# ------------------------------------------------------------------ scalars

def render_scalar(value: Any) -> str:
    """`value` as a one-line YAML scalar in the canonical style."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, str):
        if _plain_ok(value):
            return value
        if "\n" not in value and "\t" not in value and not _UNSAFE.search(value):
            return "'" + value.replace("'", "''") + "'"
        return '"' + "".join(_escape(ch) for ch in value) + '"'
    if isinstance(value, dict | list) and not value:
        return "{}" if isinstance(value, dict) else "[]"
    raise TypeError(f"không định dạng được giá trị kiểu {type(value).__name__}")


def _plain_ok(text: str) -> bool:
    if not text or text[0].isspace() or text[-1].isspace() or text[0] in _INDICATORS:
        return False
    if any(bad in text for bad in ("\n", "\t", ": ", " #")) or text.endswith(":"):
        return False
    if text.startswith("...") or _UNSAFE.search(text) or _OTHER_READERS.fullmatch(text):
        return False
    return _implicit_tag(text) == _TAG + "str"


def _implicit_tag(text: str) -> str:
    """The tag YAML gives `text` written as a plain scalar."""
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return tag


def _escape(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if not _UNSAFE.match(ch):
        return ch
    code = ord(ch)
    return f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}" if code <= 0xFFFF \
        else f"\\U{code:08X}"


def _float_text(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    if "." not in text:  # 1e+16 → 1.0e+16: a YAML 1.1 float needs a dot
        mantissa, _, exponent = text.partition("e")
        text = f"{mantissa}.0e{exponent}"
    return text


def _literal_ok(text: str) -> bool:
    return "\n" in text and text.strip("\n") != "" and not _UNSAFE.search(text)


def _literal(text: str, indent: int) -> tuple[str, list[str]]:
    """Block header (`|`, `|-`, `|+`; `2` when the text starts with blank) and lines."""
    trailing = len(text) - len(text.rstrip("\n"))
    chomp = "-" if trailing == 0 else "" if trailing == 1 else "+"
    body = text if trailing == 0 else text[:-1]
    hint = "2" if text[0] in " \t\n" else ""
    lines = ["" if line == "" else " " * indent + line for line in body.split("\n")]
    return f"|{hint}{chomp}", lines


# ------------------------------------------------------------------ layout

def emit(data: Mapping[str, Any], numbers: NumberSource | None = None) -> list[str]:
    """The canonical lines of a mapping (keys in the order given)."""
    if not data:
        return ["{}"]
    return _mapping(data, 0, (), numbers)


def canonical_text(data: Mapping[str, Any], header: Sequence[str],
                   numbers: NumberSource | None = None) -> str:
    return "\n".join([*header, *emit(data, numbers)]) + "\n"


def _mapping(value: Mapping[str, Any], indent: int, path: JsonPath,
             numbers: NumberSource | None) -> list[str]:
    lines: list[str] = []
    for key, item in value.items():
        head = " " * indent + render_scalar(key) + ":"
        lines += _entry(head, item, indent + 2, (*path, key), numbers, dash=False)
    return lines


def _sequence(value: Sequence[Any], indent: int, path: JsonPath,
              numbers: NumberSource | None) -> list[str]:
    lines: list[str] = []
    for index, item in enumerate(value):
        lines += _entry(" " * indent + "-", item, indent + 2, (*path, index), numbers,
                        dash=True)
    return lines


def _entry(head: str, value: Any, indent: int, path: JsonPath,
           numbers: NumberSource | None, *, dash: bool) -> list[str]:
    if isinstance(value, dict) and value:
        body = _mapping(value, indent, path, numbers)
    elif isinstance(value, list) and value:
        body = _sequence(value, indent, path, numbers)
    elif isinstance(value, str) and _literal_ok(value):
        style, content = _literal(value, indent)
        return [f"{head} {style}", *content]
    else:
        source = numbers(path) if numbers is not None and _is_number(value) else None
        return [f"{head} {source or render_scalar(value)}"]
    if dash:  # "- " takes the two columns of the item's indentation
        return [f"{head} {body[0][indent:]}", *body[1:]]
    return [head, *body]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# ------------------------------------------------------------------ one document

def schema_ref(display: str, kind: str) -> str:
    """Path from a content file (`content/…`, relative to the root) to its schema."""
    depth = len(PurePosixPath(display).parts) - 1
    return "../" * depth + f"schemas/{kind}.schema.json"


def format_source(raw: bytes, display: str, kind: str, index: SchemaIndex) -> str:
    """The canonical text of a file's bytes; raises LoadError/FormatError when refused."""
    return format_document(load_bytes(raw, display), raw.decode("utf-8"), kind, index)


def format_document(doc: Document, text: str, kind: str, index: SchemaIndex) -> str:
    blocking = [p for p in doc.problems if p.code != "not-nfc"]
    if blocking:
        raise FormatError(blocking)
    if not isinstance(doc.data, dict):
        raise FormatError([Problem(doc.path, 1, 1, "not-a-mapping",
                                   "Tệp phải là một nhóm trường `khóa: giá trị`.",
                                   "Dùng `tthc new` để tạo tệp mẫu.")])
    data = index.order(_nfc(doc.data, doc, ()), index.root(kind))
    header = [MODELINE + schema_ref(doc.path, kind), *_top_comments(text)]
    result = canonical_text(data, header, _number_source(doc))
    _verify(result, data, doc.path)
    return result


def same_data(left: Any, right: Any) -> bool:
    """Equality that also compares types (True is not 1, 1 is not 1.0); NaN equals NaN."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(same_data(v, right[k])
                                                   for k, v in left.items())
    if isinstance(left, list):
        return len(left) == len(right) and all(map(same_data, left, right))
    if isinstance(left, float) and math.isnan(left):
        return math.isnan(right)
    return bool(left == right)


def _nfc(value: Any, doc: Document, path: JsonPath) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(item, doc, (*path, i)) for i, item in enumerate(value)]
    if not isinstance(value, dict):
        return value
    result: dict[str, Any] = {}
    for key, item in value.items():
        normal = unicodedata.normalize("NFC", key)
        if normal in result:
            line, column = doc.position((*path, key), key=True)
            raise FormatError([Problem(doc.path, line, column, "duplicate-key",
                                       f"Khóa `{normal}` trùng với một khóa khác khi chuẩn "
                                       "hóa Unicode NFC.", "Xóa một trong hai khóa.")])
        result[normal] = _nfc(item, doc, (*path, key))
    return result


def _top_comments(text: str) -> list[str]:
    """Comment lines of the top block, without the modeline (it is rewritten)."""
    kept: list[str] = []
    lines = text.lstrip("\ufeff").split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    for line in lines[start:]:
        line = line.rstrip()
        if not line.startswith("#"):
            break
        if not _MODELINE_RE.match(line):
            kept.append(unicodedata.normalize("NFC", line))
    return kept


def _number_source(doc: Document) -> NumberSource:
    def source(path: JsonPath) -> str | None:
        node = doc.node_at(path)
        if (isinstance(node, yaml.ScalarNode) and not node.style
                and node.tag in (_TAG + "int", _TAG + "float")
                and _implicit_tag(node.value) == node.tag):
            return str(node.value)
        return None

    return source


def _verify(text: str, data: Any, display: str) -> None:
    try:
        again: Document | None = load_bytes(text.encode("utf-8"), display)
    except LoadError:
        again = None
    if again is None or again.problems or not same_data(again.data, data):
        raise FormatError([Problem(display, 1, 1, "fmt-roundtrip",
                                   "tthc fmt không giữ nguyên được dữ liệu của tệp này nên "
                                   "không sửa tệp.",
                                   "Báo cho nhóm phát triển kèm tệp này.")])


# ------------------------------------------------------------------ files and the command

def format_paths(root: Path, paths: Sequence[Path], *, check: bool) -> int:
    """Format (or with check=True, only list) content files; returns the exit code."""
    root = root.resolve()
    targets = _targets(root, paths)
    if targets is None:
        return 2
    index = SchemaIndex(schema_folder(root))
    changed = failed = 0
    for path in targets:
        outcome = _format_file(root, path, index, check)
        changed += outcome == "changed"
        failed += outcome == "failed"
    verb = "cần định dạng lại" if check else "đã định dạng lại"
    print(f"tthc fmt: {len(targets)} tệp, {changed} {verb}, {failed} không định dạng được.",
          file=sys.stderr)
    return 1 if failed or (check and changed) else 0


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` via a temporary file in the same folder."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def _format_file(root: Path, path: Path, index: SchemaIndex, check: bool) -> str:
    display = _display(root, path)
    kind = _kind(display)
    if kind is None:
        print(f"{display}: không phải tệp nội dung (content/<loại>/….yaml).", file=sys.stderr)
        return "failed"
    try:
        doc = load_file(path, display)  # size, binary and UTF-8 checks come first
        raw = path.read_bytes()
        text = format_document(doc, raw.decode("utf-8"), kind, index)
    except (LoadError, FormatError) as exc:
        print(*exc.problems, sep="\n", file=sys.stderr)
        print(f"{display}: không định dạng được; sửa các lỗi trên (tệp giữ nguyên).",
              file=sys.stderr)
        return "failed"
    if text.encode("utf-8") == raw:
        return "same"
    if not check:
        write_atomic(path, text.encode("utf-8"))
    print(f"{display}: {NEEDS_FORMAT if check else 'đã định dạng lại'}")
    return "changed"


def _targets(root: Path, paths: Sequence[Path]) -> list[Path] | None:
    if not paths:
        return list(_yaml_under(root / "content"))
    found: list[Path] = []
    for path in paths:
        if path.is_symlink():
            print(f"{path}: liên kết tượng trưng, bỏ qua.", file=sys.stderr)
        elif path.is_dir():
            found.extend(_yaml_under(path))
        elif path.is_file():
            found.append(path)
        else:
            print(f"tthc: lỗi: không có tệp hoặc thư mục {path}", file=sys.stderr)
            return None
    unique = {path.parent.resolve() / path.name: None for path in found}
    return sorted(unique)


def _yaml_under(folder: Path) -> Iterator[Path]:
    for current, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(current) / name
            if name.endswith(".yaml") and not name.startswith(".") and not path.is_symlink():
                yield path


def _display(root: Path, path: Path) -> str:
    full = path.parent.resolve() / path.name
    try:
        return full.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _kind(display: str) -> str | None:
    parts = PurePosixPath(display).parts
    if len(parts) < 3 or parts[0] != "content" or not display.endswith(".yaml"):
        return None
    return KIND_BY_FOLDER.get(parts[1])
