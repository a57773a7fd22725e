"""Safe, exact YAML loading for content files.

libyaml's C parser composes the node tree (fast); this module turns nodes into plain
JSON-like values itself, which lets it be strict where PyYAML is lenient:

* only the core tags (str, int, float, bool, null, map, seq; dates stay text) — no custom
  tags, no ``!!python/…``, no merge keys;
* a duplicate key is an error, not a silent overwrite;
* alias expansion and nesting depth are bounded (no "billion laughs");
* files over a size limit, binary files, invalid UTF-8 and text not in Unicode NFC are
  reported before or while parsing;
* the node tree is kept, so the line and column of any value or key can be found later
  (`Document.position`) without paying for it on valid files.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 100_000
MAX_DEPTH = 64

_CLoader: Any = getattr(yaml, "CSafeLoader", None)
if _CLoader is None:  # pragma: no cover - guarded by the install check below
    raise ImportError("PyYAML was built without libyaml; reinstall PyYAML with libyaml")

_TAG = "tag:yaml.org,2002:"
# C0 controls other than tab/newline/CR, DEL, C1 controls, and the Unicode line separators
# that YAML 1.1 silently treats as line breaks (a pasted U+2028 would split a value).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_SCALAR_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp")}

PathItem = str | int
JsonPath = tuple[PathItem, ...]


class LoadError(Exception):
    """A file that cannot be turned into data; carries the problems found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message if problems else "load error")
        self.problems = problems


@dataclass
class Document:
    """One loaded file: its data, its text and soft problems.

    The node tree that knows every line and column is composed again from the text only
    when a position is asked for (that is, for files with problems): keeping the trees of a
    whole catalogue would cost ten times the memory of its data.
    """

    path: str
    data: Any
    text: str
    problems: list[Problem] = field(default_factory=list)
    _root: yaml.Node | None = field(default=None, repr=False, compare=False)
    # False when no value can hold a `<` (the text has none, nor an escape for one): the
    # raw-HTML check then skips the file without walking its values.
    angle_brackets: bool = field(default=True, compare=False)

    @property
    def root(self) -> yaml.Node | None:
        if self._root is None and self.text:
            self._root = yaml.compose(self.text, Loader=_CLoader)
        return self._root

    def node_at(self, path: JsonPath, *, key: bool = False) -> yaml.Node | None:
        """The node for `path` (or, with key=True, the key node of its last item)."""
        node = self.root
        for depth, item in enumerate(path):
            if node is None:
                return None
            last = depth == len(path) - 1
            if isinstance(node, yaml.MappingNode):
                found = None
                for key_node, value_node in node.value:
                    if key_node.value == item:
                        found = key_node if (key and last) else value_node
                node = found
            elif isinstance(node, yaml.SequenceNode) and isinstance(item, int):
                node = node.value[item] if 0 <= item < len(node.value) else None
            else:
                return None
        return node

    def position(self, path: JsonPath, *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value at `path`, or of the nearest ancestor."""
        for cut in range(len(path), -1, -1):
            node = self.node_at(path[:cut], key=key and cut == len(path))
            if node is not None:
                return node.start_mark.line + 1, node.start_mark.column + 1
        return 1, 1

    def scalar_source(self, path: JsonPath) -> str | None:
        """The text of a plain scalar as written (before YAML turned it into a number)."""
        node = self.node_at(path)
        if isinstance(node, yaml.ScalarNode):
            return str(node.value)
        return None


def load_file(path: Path, display: str, max_bytes: int = MAX_BYTES) -> Document:
    """Read and parse one YAML file; raises LoadError when it cannot be parsed at all."""
    size = path.stat().st_size
    if size > max_bytes:
        raise LoadError([_problem(display, 1, 1, "file-too-large",
                                  f"Tệp quá lớn ({size:,} byte, giới hạn {max_bytes:,} byte).",
                                  "Một tệp nội dung chỉ chứa một thủ tục hoặc một quyết định; "
                                  "hãy kiểm tra xem có dán nhầm dữ liệu khác vào không.")])
    return load_bytes(path.read_bytes(), display)


def load_bytes(raw: bytes, display: str) -> Document:
    text = _decode(raw, display)
    try:
        root = yaml.compose(text, Loader=_CLoader)
    except yaml.MarkedYAMLError as exc:
        raise LoadError([_syntax_problem(display, exc, text)]) from None
    except yaml.reader.ReaderError as exc:
        raise LoadError([_control_problem(display, text, exc.position)]) from None
    except yaml.YAMLError as exc:
        raise LoadError([_problem(display, 1, 1, "yaml-syntax", f"YAML không hợp lệ: {exc}",
                                  "Sửa cú pháp YAML.")]) from None
    builder = _Builder(display)
    data = builder.build(root) if root is not None else None
    if builder.fatal:
        raise LoadError(builder.problems)
    return Document(display, data, text, builder.problems,
                    angle_brackets=_may_hold_angle_bracket(text))


def _may_hold_angle_bracket(text: str) -> bool:
    lowered = text.lower()
    return "<" in text or "\\x3c" in lowered or "\\u003c" in lowered or "\\u0000003c" in lowered


def _decode(raw: bytes, display: str) -> str:
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise LoadError([_problem(display, 1, 1, "not-utf8", "Tệp mã hóa UTF-16, không phải UTF-8.",
                                  "Lưu lại tệp với bảng mã UTF-8.")])
    if b"\x00" in raw[:8192]:
        raise LoadError([_problem(display, 1, 1, "binary-file",
                                  "Tệp nhị phân, không phải văn bản YAML.",
                                  "Chỉ đặt tệp .yaml dạng văn bản UTF-8 trong content/; "
                                  "văn bản gốc (PDF) khai báo ở `van_ban_goc`.")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise LoadError([_problem(display, line, column, "not-utf8",
                                  f"Tệp không phải UTF-8 (byte 0x{raw[exc.start]:02x}).",
                                  "Lưu lại tệp với bảng mã UTF-8 (không dùng TCVN3/VNI "
                                  "hay Windows-1258).")]) from None
    bad = _CONTROL.search(text)
    if bad is not None:
        raise LoadError([_control_problem(display, text, bad.start())])
    return text


def _control_problem(display: str, text: str, index: int) -> Problem:
    line, column = _line_col(text, index)
    return _problem(display, line, column, "control-character",
                    f"Ký tự ẩn U+{ord(text[index]):04X} không được phép trong văn bản.",
                    "Xóa ký tự ẩn (thường do dán từ Word: ngắt trang, ngắt dòng mềm); "
                    "xuống dòng bằng phím Enter.")


def _line_col(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


class _Builder:
    """Turns a composed node tree into plain values, collecting problems on the way."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.problems: list[Problem] = []
        self.fatal = False
        self.nodes = 0

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        self.nodes += 1
        if self.fatal:
            return None
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            self._fatal_limit(node, depth > MAX_DEPTH)
            return None
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if isinstance(node, yaml.SequenceNode):
            self._check_tag(node, _TAG + "seq")
            return [self.build(item, depth + 1) for item in node.value]
        assert isinstance(node, yaml.MappingNode)
        self._check_tag(node, _TAG + "map")
        return self._mapping(node, depth)

    def _mapping(self, node: yaml.MappingNode, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.build(key_node, depth + 1)
            if self.fatal:
                break
            if not isinstance(key, str):
                self._add(key_node, "yaml-key-type", f"Khóa `{key_node.value}` không phải chữ.",
                          "Khóa là tên trường viết thường, không dấu, nối bằng `_`.")
                key = str(key_node.value)
            if key in result:
                self._add(key_node, "duplicate-key", f"Khóa `{key}` xuất hiện hai lần.",
                          "Xóa một trong hai dòng; YAML chỉ giữ giá trị sau cùng.")
            result[key] = self.build(value_node, depth + 1)
        return result

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if tag not in _SCALAR_TAGS:
            self._check_tag(node, _TAG + "str")
            return node.value
        value = node.value
        if tag == _TAG + "str" or tag == _TAG + "timestamp":
            if not unicodedata.is_normalized("NFC", value):
                self._add(node, "not-nfc", "Văn bản không ở dạng Unicode NFC (dấu tách rời).",
                          "Gõ lại bằng bộ gõ Unicode dựng sẵn hoặc chạy `tthc fmt` "
                          "để chuẩn hóa NFC.")
            return value
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":
            return value.lower() in ("yes", "true", "on", "y")
        try:
            number: int | float = _to_int(value) if tag == _TAG + "int" else _to_float(value)
        except ValueError:
            self._add(node, "yaml-tag", f"`{value}` không phải số như thẻ `{_short(tag)}` yêu cầu.",
                      "Bỏ thẻ `!!int`/`!!float`; viết số bằng chữ số, văn bản để trong dấu nháy.")
            return value
        if number != number or number in (float("inf"), float("-inf")):
            self._add(node, "wrong-type", f"`{value}` không phải một số cụ thể.",
                      "Ghi một con số, ví dụ 3; nội dung bằng lời ghi vào `mo_ta`.")
        return number

    def _check_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            written = "<<" if node.tag == _TAG + "merge" else _short(node.tag)
            self._add(node, "yaml-tag", f"Thẻ YAML `{written}` không được phép.",
                      "Bỏ thẻ `!…`, anchor gộp `<<` và kiểu đặc biệt; chỉ dùng văn bản, số, "
                      "danh sách và ánh xạ.")

    def _fatal_limit(self, node: yaml.Node, too_deep: bool) -> None:
        if self.fatal:
            return
        self.fatal = True
        if too_deep:
            self._add(node, "yaml-too-deep", f"Lồng nhau quá {MAX_DEPTH} cấp.",
                      "Nội dung thủ tục không cần lồng sâu như vậy; kiểm tra thụt lề.")
        else:
            self._add(node, "yaml-alias-limit",
                      f"Anchor/alias mở rộng quá {MAX_NODES:,} nút (nghi \"billion laughs\").",
                      "Viết giá trị trực tiếp thay vì dùng `&anchor`/`*alias` lồng nhau.")

    def _add(self, node: yaml.Node, code: str, message: str, hint: str) -> None:
        mark = node.start_mark
        self.problems.append(_problem(self.display, mark.line + 1, mark.column + 1,
                                      code, message, hint))


def _short(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


def _to_int(text: str) -> int:
    """YAML 1.1 integers as PyYAML resolves them (sign, 0x, 0o, 0b, sexagesimal, 0-octal)."""
    clean = text.replace("_", "")
    sign = -1 if clean.startswith("-") else 1
    clean = clean.lstrip("+-")
    if clean.startswith("0x"):
        return sign * int(clean, 16)
    if clean.startswith("0o"):
        return sign * int(clean[2:], 8)
    if clean.startswith("0b"):
        return sign * int(clean[2:], 2)
    if ":" in clean:
        total = 0
        for part in clean.split(":"):
            total = total * 60 + int(part)
        return sign * total
    if len(clean) > 1 and clean.startswith("0"):
        return sign * int(clean, 8)
    return sign * int(clean)


def _to_float(text: str) -> float:
    clean = text.replace("_", "").lower()
    if clean in (".nan",):
        return float("nan")
    if clean.endswith(".inf"):
        return float("-inf") if clean.startswith("-") else float("inf")
    if ":" in clean:
        sign = -1.0 if clean.startswith("-") else 1.0
        parts = clean.lstrip("+-").split(":")
        return sign * sum(float(p) * 60.0**i for i, p in enumerate(reversed(parts)))
    return float(clean)


_SYNTAX = (  # libyaml's words → what an official can act on
    ("another document", "có thêm một tài liệu YAML (dòng `---`)",
     "Mỗi tệp chỉ chứa một tài liệu YAML; xóa dòng `---` thừa."),
    ("cannot start any token", "gặp ký tự không thể mở đầu một giá trị",
     "Giá trị bắt đầu bằng `@`, `` ` ``, `%` hoặc Tab phải đặt trong dấu nháy; thụt lề bằng "
     "dấu cách."),
    ("mapping values are not allowed", "có dấu `:` không đúng chỗ",
     "Giá trị chứa `: ` phải đặt trong dấu nháy đơn: ten: 'A: B'."),
    ("could not find expected ':'", "thiếu dấu `:` sau tên trường",
     "Viết `tên_trường: giá trị`; dòng tiếp của văn bản dài phải thụt lề thêm."),
    ("did not find expected key", "thụt lề không khớp với các trường cùng cấp",
     "Các trường cùng cấp phải thẳng cột; kiểm tra dấu cách đầu dòng."),
    ("did not find expected '-' indicator", "thụt lề danh sách không khớp",
     "Các mục `- ` cùng danh sách phải thẳng cột."),
    ("did not find expected node content", "thiếu giá trị",
     "Kiểm tra dấu `-`, `[`, `{` hoặc dấu nháy bị thiếu giá trị đi kèm."),
    ("end of stream", "tệp kết thúc giữa chừng",
     "Thiếu dấu nháy hoặc ngoặc đóng `'`, `\"`, `]`, `}`."),
    ("undefined alias", "dùng `*alias` chưa khai báo",
     "Khai báo `&anchor` trước khi dùng, hoặc viết giá trị trực tiếp."),
    ("unknown escape", "chuỗi thoát `\\` không hợp lệ trong dấu nháy kép",
     "Dùng dấu nháy đơn cho văn bản có dấu `\\`."),
    ("tab character", "có ký tự Tab",
     "Dùng dấu cách để thụt lề, không dùng phím Tab."),
    ("not allowed in this context", "thụt lề không khớp",
     "Kiểm tra dấu cách đầu dòng của danh sách và trường con."),
    ("expected <block end>", "thụt lề không khớp",
     "Kiểm tra dấu cách đầu dòng: trường con thụt vào 2 dấu cách so với trường cha."),
)


def _syntax_problem(display: str, exc: yaml.MarkedYAMLError, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    detail = " ".join(f"{exc.context or ''} {exc.problem or ''}".split())
    if "maximum nesting depth" in detail:
        return _problem(display, line, column, "yaml-too-deep", f"Lồng nhau quá {MAX_DEPTH} cấp.",
                        "Nội dung thủ tục không cần lồng sâu như vậy; kiểm tra ngoặc `[`/`{`.")
    if mark is not None and text[mark.index : mark.index + 1] == "\t":
        meaning, hint = "có ký tự Tab", "Dùng dấu cách để thụt lề, không dùng phím Tab."
    else:
        meaning, hint = next(((m, h) for key, m, h in _SYNTAX if key in detail),
                             (f"không đọc được ({detail})",
                              "Kiểm tra thụt lề, dấu `:` sau tên trường và dấu nháy."))
    return _problem(display, line, column, "yaml-syntax", f"Lỗi cú pháp YAML: {meaning}.", hint)


def _problem(display: str, line: int, column: int, code: str, message: str,
             hint: str) -> Problem:
    return Problem(display, line, column, code, message, hint)
