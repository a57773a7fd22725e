"""Tables of Word (.docx) and Excel (.xlsx) files, read with the standard library only.

Both formats are zip packages of XML parts. A document becomes a list of blocks in reading
order: paragraphs outside tables and tables as grids of cells. Merged cells are expanded:
every grid position of a merged area holds the area's text and the area's top-left
position (`origin`), so a reader can tell one wide cell from several equal ones.

Hostile files are refused with `OfficeError` (a Vietnamese message), never a crash:
archives over `MAX_BYTES` uncompressed or `MAX_ENTRIES` entries (zip bombs), XML with a
DOCTYPE or ENTITY declaration (entity expansion), broken or truncated zips, missing parts,
grids over `MAX_CELLS` cells.
"""

from __future__ import annotations

import io
import lzma
import posixpath
import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

MAX_BYTES = 50 * 1024 * 1024      # file size, and all parts read, uncompressed
MAX_ENTRIES = 2000                # a real .docx/.xlsx has a few dozen
MAX_CELLS = 200_000               # grid positions of one table
MAX_SPAN = 256                    # columns one Word cell may span

_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_SANE = range(-12, 15)             # decimal exponents a table number is written out with
_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_BROKEN = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, lzma.LZMAError, EOFError,
           OSError, RuntimeError, NotImplementedError, ValueError, IndexError, KeyError)


class OfficeError(Exception):
    """A file that cannot be read; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class Cell:
    text: str
    origin: tuple[int, int]   # (row, column) of the top-left cell of its merged area
    numeric: bool = False     # an Excel number (its text is the number as stored)


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    rows: list[list[Cell]]


Block = Paragraph | Table


def read_office(path: Path) -> list[Block]:
    """The paragraphs and tables of a .docx, or the first worksheet of a .xlsx."""
    suffix = path.suffix.lower()
    if suffix not in (".docx", ".xlsx"):
        raise OfficeError(f"Chỉ nhận tệp .docx hoặc .xlsx, không nhận `{path.name}` (tệp .doc, "
                          ".xls cũ: mở bằng Word/Excel rồi lưu lại thành .docx/.xlsx).")
    try:
        too_large = path.stat().st_size > MAX_BYTES
        data = b"" if too_large else path.read_bytes()
    except OSError as err:
        raise OfficeError(f"Không đọc được tệp `{path.name}` ({err.strerror or err}).") from err
    if too_large:
        raise OfficeError(f"Tệp `{path.name}` lớn hơn {MAX_BYTES // 2**20} MB.")
    try:
        return read_docx(data) if suffix == ".docx" else read_xlsx(data)
    except RecursionError as err:
        raise OfficeError(f"Tệp `{path.name}` lồng nhau quá sâu, không đọc được.") from err
    except _BROKEN as err:
        raise OfficeError(f"Tệp `{path.name}` hỏng hoặc bị cắt cụt, không đọc được "
                          f"({type(err).__name__}: {err}).") from err


def clean_text(text: str) -> str:
    """NFC, spaces collapsed within each line, empty lines dropped, line breaks kept."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


# ------------------------------------------------------------------ the zip package

class Package:
    """The parts of a zip package, read within the size limits."""

    def __init__(self, data: bytes, kind: str) -> None:
        self.kind = kind
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as err:
            raise OfficeError(f"Không phải tệp {kind} hợp lệ: tệp zip hỏng hoặc bị cắt cụt.") \
                from err
        infos = self.zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise OfficeError(f"Tệp {kind} có {len(infos)} phần (quá {MAX_ENTRIES}): từ chối.")
        if sum(info.file_size for info in infos) > MAX_BYTES:
            raise OfficeError(f"Tệp {kind} giải nén ra hơn {MAX_BYTES // 2**20} MB (có thể là "
                              "\"zip bomb\"): từ chối.")
        self.names = {info.filename for info in infos}
        self.budget = MAX_BYTES

    def read(self, name: str) -> bytes | None:
        if name not in self.names:
            return None
        with self.zip.open(name) as part:
            data = part.read(self.budget + 1)
        if len(data) > self.budget:
            raise OfficeError(f"Tệp {self.kind} giải nén ra hơn {MAX_BYTES // 2**20} MB: từ chối.")
        self.budget -= len(data)
        return data

    def xml(self, name: str) -> ET.Element | None:
        data = self.read(name)
        return None if data is None else parse_xml(data, name)

    def require(self, name: str, what: str) -> ET.Element:
        root = self.xml(name)
        if root is None:
            raise OfficeError(f"Tệp {self.kind} thiếu phần {name} ({what}): tệp hỏng hoặc "
                              f"không phải {self.kind}.")
        return root

    def relations(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, target part name) of `part` (`""` for the package)."""
        folder, name = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", name + ".rels"))
        result: dict[str, tuple[str, str]] = {}
        for rel in root if root is not None else ():
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External" or not target:
                continue
            path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
            result[rel.get("Id", "")] = (rel.get("Type", ""), posixpath.normpath(path))
        return result

    def main_part(self, default: str) -> str:
        for rel_type, target in self.relations("").values():
            if rel_type.endswith("/officeDocument") and target in self.names:
                return target
        return default


def parse_xml(data: bytes, name: str) -> ET.Element:
    """Parse one part; refuse DOCTYPE/ENTITY declarations before the parser sees them."""
    try:
        text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") \
            else data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise OfficeError(f"Phần {name} không mã hóa UTF-8/UTF-16.") from err
    if _DECLARATION.search(text):
        raise OfficeError(f"Phần {name} có khai báo DOCTYPE/ENTITY (không có trong tệp Office "
                          "thật, có thể là tệp độc hại): từ chối.")
    try:
        return ET.fromstring(data)
    except (ET.ParseError, LookupError) as err:     # LookupError: a damaged encoding name
        raise OfficeError(f"Phần {name} không phải XML hợp lệ ({err}).") from err


def local(element: ET.Element) -> str:
    """Tag without namespace: `{…/main}tbl` → `tbl` (transitional and strict OOXML alike)."""
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def walk(root: ET.Element, prune: Callable[[ET.Element], bool]) -> Iterator[ET.Element]:
    """`root` and its descendants in document order, not entering pruned elements."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(child for child in reversed(node) if not prune(child))


def _attr(element: ET.Element | None, name: str) -> str | None:
    if element is None:
        return None
    return next((v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] == name), None)


def _child(element: ET.Element | None, *names: str) -> ET.Element | None:
    for name in names:
        if element is None:
            return None
        element = next((c for c in element if local(c) == name), None)
    return element


def _int(text: str | None, default: int, low: int, high: int) -> int:
    return max(low, min(high, int(text))) if text and text.isdigit() else default


def _check_size(rows: int, columns: int) -> None:
    if rows * columns > MAX_CELLS:
        raise OfficeError(f"Bảng quá lớn ({rows} dòng × {columns} cột): từ chối.")


# ------------------------------------------------------------------ Word

_SKIP_WORD = {"Fallback", "del", "moveFrom", "pPr", "rPr", "tcPr", "trPr", "tblPr"}


def read_docx(data: bytes) -> list[Block]:
    package = Package(data, "Word (.docx)")
    name = package.main_part("word/document.xml")
    body = _child(package.require(name, "nội dung văn bản"), "body")
    if body is None:
        raise OfficeError(f"Phần {name} không có thân văn bản (w:body).")
    return list(_word_blocks(body, depth=0))


def _word_blocks(parent: ET.Element, depth: int) -> Iterator[Block]:
    for child in parent:
        kind = local(child)
        if kind == "p":
            text = clean_text(_paragraph_text(child))
            if text:
                yield Paragraph(text)
        elif kind == "tbl":
            yield Table(_word_table(child))
        elif kind in ("sdt", "sdtContent", "customXml", "ins", "moveTo") and depth < 32:
            yield from _word_blocks(child, depth + 1)


def _paragraph_text(paragraph: ET.Element) -> str:
    parts = []
    for node in walk(paragraph, lambda e: local(e) in _SKIP_WORD or local(e) == "p"):
        kind = local(node)
        if kind == "t":
            parts.append(node.text or "")
        elif kind in ("tab", "ptab"):
            parts.append(" ")
        elif kind in ("br", "cr"):
            parts.append("\n")
        elif kind == "noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def _cell_text(cell: ET.Element) -> str:
    paragraphs = (n for n in walk(cell, lambda e: local(e) in _SKIP_WORD) if local(n) == "p")
    return clean_text("\n".join(_paragraph_text(p) for p in paragraphs))


def _word_table(table: ET.Element) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for r, tr in enumerate(c for c in table if local(c) == "tr"):
        before = _int(_attr(_child(tr, "trPr", "gridBefore"), "val"), 0, 0, MAX_SPAN)
        row = [Cell("", (r, c)) for c in range(before)]
        for tc in (c for c in tr if local(c) == "tc"):
            row.extend(_word_cell(tc, rows, r, len(row)))
            _check_size(r + 1, len(row))
        rows.append(row)
    width = max((len(row) for row in rows), default=0)
    return [row + [Cell("", (r, c)) for c in range(len(row), width)]
            for r, row in enumerate(rows)]


def _word_cell(tc: ET.Element, rows: list[list[Cell]], r: int, c: int) -> list[Cell]:
    props = _child(tc, "tcPr")
    span = _int(_attr(_child(props, "gridSpan"), "val"), 1, 1, MAX_SPAN)
    merge = _child(props, "vMerge")
    if merge is not None and _attr(merge, "val") != "restart" and r and c < len(rows[-1]):
        above = rows[-1][c]          # continues the cell above: same text, same origin
        return [above] * span
    return [Cell(_cell_text(tc), (r, c))] * span


# ------------------------------------------------------------------ Excel

def read_xlsx(data: bytes) -> list[Block]:
    package = Package(data, "Excel (.xlsx)")
    book_name = package.main_part("xl/workbook.xml")
    book = package.require(book_name, "danh sách trang tính")
    relations = package.relations(book_name)
    sheet = _child(book, "sheets", "sheet")
    target = relations.get(_attr(sheet, "id") or "", ("", ""))[1] if sheet is not None else ""
    if sheet is None or target not in package.names:
        raise OfficeError("Tệp Excel (.xlsx) không có trang tính nào đọc được.")
    strings = _shared_strings(package, relations)
    grid = _sheet_grid(package.require(target, "trang tính"), strings)
    return [Table(grid)]


def _shared_strings(package: Package, relations: dict[str, tuple[str, str]]) -> list[str]:
    name = next((t for k, t in relations.values() if k.endswith("/sharedStrings")),
                "xl/sharedStrings.xml")
    root = package.xml(name)
    return [_rich_text(si) for si in root if local(si) == "si"] if root is not None else []


def _rich_text(element: ET.Element) -> str:
    """Text of a string item: its `t` runs, without phonetic (`rPh`) runs."""
    nodes = walk(element, lambda e: local(e) in ("rPh", "rPr"))
    return "".join(n.text or "" for n in nodes if local(n) == "t")


def _sheet_grid(sheet: ET.Element, strings: list[str]) -> list[list[Cell]]:
    values = dict(_sheet_values(sheet, strings))
    height = max((r + 1 for r, _ in values), default=0)
    width = max((c + 1 for _, c in values), default=0)
    _check_size(height, width)
    grid = [[values.get((r, c)) or Cell("", (r, c)) for c in range(width)]
            for r in range(height)]
    for (top, left), (bottom, right) in _merges(sheet):
        if top < height and left < width:       # merges beyond the text change nothing
            for r in range(top, min(bottom, height - 1) + 1):
                for c in range(left, min(right, width - 1) + 1):
                    grid[r][c] = grid[top][left]
    return grid


def _sheet_values(sheet: ET.Element,
                  strings: list[str]) -> Iterator[tuple[tuple[int, int], Cell]]:
    data = _child(sheet, "sheetData")
    row_number = 0
    for row in data if data is not None else ():
        row_number = _int(row.get("r"), row_number + 1, 1, 1_048_576)
        column = 0
        for cell in (c for c in row if local(c) == "c"):
            r, c = _position(cell.get("r"), row_number, column + 1)
            column = c
            text, numeric = _cell_value(cell, strings)
            if text:
                yield (r - 1, c - 1), Cell(text, (r - 1, c - 1), numeric)


def _position(ref: str | None, row: int, column: int) -> tuple[int, int]:
    if ref is None:
        return row, column
    match = _REF.fullmatch(ref.strip().upper())
    if match is None:
        raise OfficeError(f"Ô có địa chỉ không hợp lệ: `{ref[:20]}`.")
    return int(match.group(2)), _column_number(match.group(1))


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _cell_value(cell: ET.Element, strings: list[str]) -> tuple[str, bool]:
    kind = cell.get("t", "n")
    value = _child(cell, "v")
    raw = value.text or "" if value is not None else ""
    if kind == "s":
        index = int(raw) if raw.strip().isdigit() else -1
        if not 0 <= index < len(strings):
            raise OfficeError(f"Ô {cell.get('r', '?')} trỏ tới chuỗi dùng chung không tồn tại.")
        return clean_text(strings[index]), False
    if kind == "inlineStr":
        inline = _child(cell, "is")
        return clean_text(_rich_text(inline) if inline is not None else ""), False
    if kind == "b":
        return {"1": "TRUE", "0": "FALSE"}.get(raw.strip(), clean_text(raw)), False
    if kind == "n" and raw.strip():
        return _number_text(raw.strip()), True
    return clean_text(raw), False


def _number_text(raw: str) -> str:
    """A stored number as written, without a float round trip: `2` (not `2.0`), `0.1`."""
    try:
        number = Decimal(raw)
    except InvalidOperation:
        return clean_text(raw)
    if not number.is_finite() or not _SANE.start <= number.adjusted() < _SANE.stop:
        return clean_text(raw)            # absurd exponents: as stored
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def _merges(sheet: ET.Element) -> Iterator[tuple[tuple[int, int], tuple[int, int]]]:
    merges = _child(sheet, "mergeCells")
    for merge in merges if merges is not None else ():
        first, _, last = (merge.get("ref") or "").partition(":")
        top, left = _position(first, 0, 0)
        bottom, right = _position(last or first, 0, 0)
        if top and left and bottom >= top and right >= left:
            yield (top - 1, left - 1), (bottom - 1, right - 1)
