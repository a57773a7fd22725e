"""`tthc import annex`: a decision's annex (phụ lục) from a Word or Excel table.

The annex lists procedures under section headings ("A. DANH MỤC THỦ TỤC HÀNH CHÍNH SỬA
ĐỔI, BỔ SUNG", "B. … BÃI BỎ", "… MỚI BAN HÀNH", "… THAY THẾ"), grouped by field and level
("I | LĨNH VỰC CHỨNG THỰC (17 TTHC)", "I.1 | Thủ tục hành chính cấp huyện"), which are not
procedures. Columns are found by their titles (case, diacritics and spacing ignored), over
one or two header rows ("Cách thức thực hiện" over "Mức độ DVC | Thực hiện qua BCCI").

The result is an incomplete decision (`chua_day_du`): the annex does not give the title,
signer, dates or legal grounds. Cell text is kept as published (NFC, spaces collapsed, line
breaks kept); what cannot be recognised is reported in `unsplit`, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..crosscheck import decision_slug
from .office import Block, Cell, OfficeError, Paragraph, read_office
from .records import Failed, Imported
from .text import AGENCY_ID, CODE, DECISION_NUMBER, decision_number, nfc, slug

LISTS = ("moi_ban_hanh", "sua_doi_bo_sung", "thay_the", "bai_bo", "chua_phan_loai")
MISSING = ["trich_yeu", "nguoi_ky", "ngay_ban_hanh", "ngay_hieu_luc", "can_cu"]
LOCAL = ("thoi_han", "dia_diem", "phi_le_phi", "muc_do_dich_vu_cong", "buu_chinh_cong_ich",
         "can_cu_phap_ly")
UNCLASSIFIED = "chua_phan_loai"

# Column titles, normalised (lower case ASCII words); the first match wins.
_COLUMNS = (
    ("tt", re.compile(r"(s ?)?tt|so tt|so thu tu|thu tu")),
    ("ma_cu", re.compile(r".*\bma\b.*\b(cu|bi thay the|duoc thay the)\b.*")),
    ("ma_moi", re.compile(r".*\bma\b.*\b(moi|thay the)\b.*")),
    ("ma", re.compile(r"ma\b.*|.*\bma (so|tthc|thu tuc|ho so)\b.*|.*\bso ho so\b.*")),
    ("buu_chinh_cong_ich", re.compile(r".*\b(bcci|buu chinh)\b.*")),
    ("muc_do_dich_vu_cong", re.compile(r".*\b(muc do|dvc|dich vu cong)\b.*")),
    ("thoi_han", re.compile(r".*\bthoi han\b.*")),
    ("dia_diem", re.compile(r".*\bdia diem\b.*")),
    ("phi_le_phi", re.compile(r".*\bphi\b.*")),
    ("can_cu_phap_ly", re.compile(r".*\bcan cu\b.*")),
    ("ghi_chu", re.compile(r".*\bghi chu\b.*")),
    ("ten", re.compile(r"ten\b(?!.*\b(vbqppl|van ban|quy pham)\b).*")),
)
_KINDS = (
    ("moi_ban_hanh", re.compile(r"\b(moi ban hanh|ban hanh moi|moi duoc ban hanh)\b")),
    ("sua_doi_bo_sung", re.compile(r"\b(sua doi|bo sung)\b")),
    ("thay_the", re.compile(r"\bthay the\b")),
    ("bai_bo", re.compile(r"\b(bai bo|huy bo)\b")),
)
_ABOUT_PROCEDURES = re.compile(r"\b(danh muc|thu tuc hanh chinh|tthc)\b")
_MARKER = re.compile(r"\s*([A-ZĐ]|[IVXL]+|PHẦN\s+[IVXL\d]+)\s*[.:)–-]", re.IGNORECASE)
_DECLARED = re.compile(r"\b(\d+) (tthc|thu tuc)\b")
_GROUP = re.compile(r"^(linh vuc|nhom|thu tuc hanh chinh (cap|ap dung|dung chung|thuoc))\b"
                    r"|\b\d+ tthc\b")
_HEADING_TT = re.compile(r"[IVXL]+(\.\d+)*\.?|[A-ZĐ]\.?")
_ITEM_TT = re.compile(r"\d+(\.\d+)*\.?")
_NUMBERING = re.compile(r"\(?\d{1,2}\)?")
_CODE = CODE
_NUMERIC_CODE = re.compile(r"[0-9]\.[0-9]{1,5}")
_NO_CODE = re.compile(r"\b(khong|chua)( co)? ma\b")
_SO_KY_HIEU = DECISION_NUMBER
_AGENCY = AGENCY_ID
_DATED = re.compile(r"(\d+\s*[a-z]?\s*\.?\s*/\s*(?:QĐ|QD)\s*-\s*[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*)"
                    r"\s*,?\s*ngày\s*\d{1,2}\s*(?:tháng\s*\d{1,2}\s*năm|[/.-]\s*\d{1,2}\s*[/.-])"
                    r"\s*((?:19|20)\d\d)\b", re.IGNORECASE)
_TITLE_MAX = 80


def import_annex(path: Path, *, so_ky_hieu: str, agency: str, source: str) -> Imported | Failed:
    """The decision file for one annex table file (.docx or .xlsx), or why there is none."""
    number = nfc(so_ky_hieu).strip()
    if not _SO_KY_HIEU.fullmatch(number):
        return Failed(source, f"Số ký hiệu `{so_ky_hieu}` không đúng dạng, ví dụ 1766/QĐ-UBND.")
    if not _AGENCY.fullmatch(agency):
        return Failed(source, f"Mã cơ quan `{agency}` không đúng dạng, ví dụ tinh-binh-thuan.")
    try:
        blocks = read_office(path)
    except OfficeError as err:
        return Failed(source, str(err))
    name = " ".join(path.name.split())
    if all(isinstance(block, Paragraph) for block in blocks):
        return Failed(source, f"Tệp `{name}` không có bảng nào: phụ lục phải là bảng danh mục "
                              "thủ tục.")
    reader = _Reader(number)
    reader.read(blocks)
    lists = {key: reader.items[key] for key in LISTS if reader.items[key]}
    if not lists:
        return Failed(source, " ".join([f"Không tìm thấy thủ tục nào trong các bảng của tệp "
                                        f"`{name}`.", *reader.notes[:3]]))
    data = {"so_ky_hieu": number, "co_quan_ban_hanh": agency,
            "chua_day_du": f"Phụ lục nhập từ tệp {name}; chưa có trích yếu, người ký, ngày ban "
                           "hành, ngày hiệu lực và căn cứ: cần bổ sung theo văn bản đã ký.",
            "danh_muc": lists}
    target = f"content/decisions/{agency}/{reader.year or 'khong-ro-nam'}/" \
             f"{decision_slug(number)}.yaml"
    return Imported("decision", target, data, source, unsplit=reader.notes,
                    missing=list(MISSING))


def normalise(text: str) -> str:
    """Text for matching titles: `Phí, lệ phí (vnđ)` → `phi le phi vnd`."""
    return slug(text).replace("-", " ")


def column_key(title: str) -> str | None:
    words = normalise(title)
    return next((key for key, pattern in _COLUMNS if pattern.fullmatch(words)), None)


def section_of(text: str) -> tuple[str | None] | None:
    """`(list name,)` when `text` heads an annex section, `(None,)` when it heads a section
    of unknown kind, None when it is no section heading."""
    words = normalise(text)
    if len(text) > 300 or not _ABOUT_PROCEDURES.search(words):
        return None
    kinds = {key for key, pattern in _KINDS if pattern.search(words)}
    if kinds == {"sua_doi_bo_sung", "thay_the"}:    # NĐ 63/2010 Điều 14: one kind
        kinds = {"sua_doi_bo_sung"}
    if len(kinds) == 1:
        return (kinds.pop(),)
    if _MARKER.match(text) and "danh muc" in words:
        return (None,)
    return None


def _excerpt(text: str, size: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= size else line[:size - 1] + "…"


def _own(row: list[Cell], r: int) -> dict[int, str]:
    """The row's own non-empty cells (not continued from above or from the left)."""
    return {c: cell.text for c, cell in enumerate(row) if cell.origin == (r, c) and cell.text}


def _distinct(row: list[Cell]) -> list[str]:
    """The texts of the row's cells, once per merged area."""
    return list({cell.origin: cell.text for cell in row if cell.text}.values())


def _is_header(row: list[Cell], r: int) -> bool:
    titles = list(_own(row, r).values())
    keys = [column_key(t) for t in titles if len(t) <= _TITLE_MAX]
    return ("ten" in keys and len([k for k in keys if k]) >= 2
            and all(len(t) <= _TITLE_MAX and not _CODE.fullmatch(t) for t in titles))


def _continues_header(row: list[Cell], r: int) -> bool:
    titles = list(_own(row, r).values())
    return bool(titles) and all(len(t) <= _TITLE_MAX and column_key(t) for t in titles)


def _is_numbering(row: list[Cell], r: int) -> bool:
    titles = list(_own(row, r).values())
    return len(titles) >= 3 and all(_NUMBERING.fullmatch(t) for t in titles)


def header_end(rows: list[list[Cell]], r: int) -> tuple[int, int] | None:
    """For a header starting at row `r`: the row after its titles and the first data row
    (after a column numbering row "(1) (2) (3) …" if there is one); None if no header."""
    if not _is_header(rows[r], r):
        return None
    end = r + 1
    while end < len(rows) and _continues_header(rows[end], end):
        end += 1
    return end, end + 1 if end < len(rows) and _is_numbering(rows[end], end) else end


def columns(rows: list[list[Cell]], top: int, end: int) -> tuple[dict[int, str], list[str]]:
    """Grid column → key, and the titles not recognised, of the header rows top..end-1."""
    keys: dict[int, str] = {}
    unknown: list[str] = []
    previous: tuple[tuple[int, int], ...] = ()
    for c in range(len(rows[top])):
        cells = [rows[r][c] for r in range(top, end) if c < len(rows[r])]
        signature = tuple(cell.origin for cell in cells)
        parts = list(dict.fromkeys(cell.text for cell in cells if cell.text))
        if signature == previous or not parts:
            continue                       # the same merged title, or an untitled column
        previous = signature
        key = column_key(parts[-1]) or column_key(" ".join(parts))
        if key is None or key in keys.values():
            unknown.append(f"«{_excerpt(' / '.join(parts), 40)}» (cột {c + 1})")
        else:
            keys[c] = key
    return keys, unknown


@dataclass
class _Section:
    title: str
    target: str | None
    start: int


class _Reader:
    """Walks the blocks of one file, collecting items per list and notes."""

    def __init__(self, number: str) -> None:
        self.number = decision_number(number)
        self.items: dict[str, list[dict[str, Any]]] = {key: [] for key in LISTS}
        self.notes: list[str] = []
        self.year: str | None = None
        self.section: _Section | None = None
        self.unclassified = 0
        self.previous: tuple[int, dict[int, str]] | None = None   # width, columns
        self.last: tuple[tuple[int, int], dict[str, Any]] | None = None  # name cell, item

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def read(self, blocks: list[Block]) -> None:
        tables = 0
        for block in blocks:
            if isinstance(block, Paragraph):
                self.text(block.text)
            else:
                tables += 1
                self.table(tables, block.rows)
        self.close_section()
        if self.unclassified:
            self.note(f"{self.unclassified} thủ tục không nằm dưới tiêu đề mục nào (mới ban hành, "
                      "sửa đổi, bổ sung, thay thế, bãi bỏ): ghi vào chua_phan_loai, cần phân "
                      "loại theo văn bản đã ký.")

    def text(self, text: str) -> None:
        """A paragraph, a title row or a heading row: the year, or a new section."""
        for match in _DATED.finditer(nfc(text)):
            if self.year is None and decision_number(match.group(1)) == self.number:
                self.year = match.group(2)
        found = section_of(text)
        if found is None:
            return
        self.close_section()
        target = found[0]
        self.section = _Section(text, target, len(self.items[target or UNCLASSIFIED]))
        if target is None:
            self.note(f"Mục «{_excerpt(text)}» không rõ là mới ban hành, sửa đổi, bổ sung, thay "
                      "thế hay bãi bỏ.")

    def close_section(self) -> None:
        section, self.section = self.section, None
        declared = _DECLARED.search(normalise(section.title)) if section else None
        if section is None or declared is None:
            return
        counted = len(self.items[section.target or UNCLASSIFIED]) - section.start
        if counted != int(declared.group(1)):
            self.note(f"Mục «{_excerpt(section.title)}» ghi {declared.group(1)} TTHC nhưng bảng "
                      f"có {counted} thủ tục: đối chiếu với văn bản đã ký.")

    def table(self, number: int, rows: list[list[Cell]]) -> None:
        keys = self.carried_over(number, rows)
        self.last = None
        r = 0
        while r < len(rows):
            header = header_end(rows, r)
            if header is not None:
                keys, unknown = columns(rows, r, header[0])
                if unknown:
                    self.note(f"Bảng {number}: cột không nhận ra, không nhập: "
                              + ", ".join(unknown) + ".")
                r = header[1]
                continue
            if keys is None:
                self.text(" ".join(_distinct(rows[r])))
            else:
                self.row(f"Bảng {number}, dòng {r + 1}", r, rows[r], keys)
            r += 1
        if keys is not None:
            self.previous = (len(rows[0]), keys)
        elif any(_distinct(row) for row in rows):
            self.note(f"Bảng {number}: không thấy dòng tiêu đề cột (cần cột Tên thủ tục và một "
                      "cột khác như TT, Mã số): bỏ qua cả bảng.")

    def carried_over(self, number: int, rows: list[list[Cell]]) -> dict[int, str] | None:
        """The previous table's columns, for a table that goes on without a header row
        (Word tables split across pages) and has as many columns."""
        if not rows or self.previous is None or header_end(rows, 0) is not None:
            return None
        width, keys = self.previous
        if len(rows[0]) != width:
            return None
        self.note(f"Bảng {number} không có dòng tiêu đề cột: dùng tiêu đề cột của bảng trước "
                  f"(cùng {width} cột).")
        return keys

    def row(self, where: str, r: int, row: list[Cell], keys: dict[int, str]) -> None:
        values = {key: row[c] for c, key in keys.items() if c < len(row)}
        if self.continues(r, values):
            self.extend(where, r, values)
            return
        texts = {key: cell.text for key, cell in values.items()}
        kind = _classify(texts, _distinct(row), "tt" in values)
        if kind == "heading":
            self.text(" ".join(_distinct(row)))
        elif kind == "item":
            self.item(where, values)
        elif kind == "skip":
            self.note(f"{where}: không phải thủ tục cũng không phải tiêu đề, bỏ qua: "
                      f"«{_excerpt(' | '.join(_distinct(row)))}».")

    def target(self, values: dict[str, Cell]) -> str:
        section = self.section.target if self.section else None
        if "ma_cu" in values and section in (None, "sua_doi_bo_sung", "thay_the"):
            return "thay_the"
        return section or UNCLASSIFIED

    def item(self, where: str, values: dict[str, Cell]) -> None:
        name = values["ten"].text
        target = self.target(values)
        item: dict[str, Any] = {}
        for key in ("ma_cu", "ma_moi") if target == "thay_the" else ("ma",):
            code = self.code(where, values.get(key))
            if code:
                item[key] = code
        if target == "thay_the" and "ma_cu" not in item:
            self.note(f"{where}: thủ tục thay thế «{_excerpt(name)}» không có mã thủ tục bị "
                      "thay thế (ma_cu): không nhập.")
            return
        item["ten"] = name
        if values.get("ghi_chu") and values["ghi_chu"].text:
            item["ghi_chu"] = values["ghi_chu"].text
        local = self.local(where, values)
        if local:
            item["thong_tin_dia_phuong"] = local
        if target == "bai_bo" and "ma" not in item and "ghi_chu" not in item:
            self.note(f"{where}: thủ tục bị bãi bỏ «{_excerpt(name)}» không có mã và không có "
                      "ghi chú: cần ghi chú (ghi_chu) nói rõ thủ tục nào.")
        self.unclassified += target == UNCLASSIFIED
        self.items[target].append(item)
        self.last = (values["ten"].origin, item)

    def continues(self, r: int, values: dict[str, Cell]) -> bool:
        """A row of the last item: its name cell is merged with the row above, and it has no
        number or code of its own."""
        name = values.get("ten")
        own = [values[k] for k in ("tt", "ma", "ma_cu", "ma_moi") if k in values]
        return (name is not None and self.last is not None and name.origin[0] < r
                and name.origin == self.last[0]
                and not any(cell.text and cell.origin[0] == r for cell in own))

    def extend(self, where: str, r: int, values: dict[str, Cell]) -> None:
        """Add the texts of a continuation row to the last item, one line per row."""
        assert self.last is not None
        item = self.last[1]
        own = {key: cell for key, cell in values.items() if cell.origin[0] == r and cell.text}
        added: dict[str, Any] = {"ghi_chu": own["ghi_chu"].text} if "ghi_chu" in own else {}
        added.update(self.local(where, own))
        local: dict[str, Any] = item.get("thong_tin_dia_phuong", {})
        joined = []
        for key, value in added.items():
            holder = item if key == "ghi_chu" else local
            if key not in holder or not isinstance(value, bool):    # Có/Không: the first row's
                holder[key] = f"{holder[key]}\n{value}" if key in holder else value
                joined.append(key)
        if local:
            item["thong_tin_dia_phuong"] = local
        if joined:
            self.note(f"{where}: dòng tiếp theo của thủ tục «{_excerpt(item['ten'])}» (ô tên gộp "
                      f"với dòng trên): nối thêm {', '.join(joined)} vào thủ tục đó.")

    def code(self, where: str, cell: Cell | None) -> str | None:
        text = "".join(cell.text.split()) if cell else ""
        if not text or cell is None or _NO_CODE.search(normalise(cell.text)):
            return None
        if _CODE.fullmatch(text):
            return text
        if cell and cell.numeric and _NUMERIC_CODE.fullmatch(text):
            code = text.ljust(8, "0")
            self.note(f"{where}: mã ghi dạng số trong Excel ({text}), đọc thành '{code}': "
                      "kiểm tra lại.")
            return code
        self.note(f"{where}: mã «{_excerpt(text, 30)}» không đúng dạng N.dddddd, không ghi.")
        return None

    def local(self, where: str, values: dict[str, Cell]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key in LOCAL:
            text = values[key].text if key in values else ""
            if not text:
                continue
            if key != "buu_chinh_cong_ich":
                result[key] = text
            elif normalise(text) in ("co", "khong"):
                result[key] = normalise(text) == "co"
            else:
                self.note(f"{where}: cột Thực hiện qua BCCI ghi «{_excerpt(text, 30)}», không "
                          "phải Có/Không: không ghi.")
        return result


def _classify(texts: dict[str, str], distinct: list[str], numbered_column: bool) -> str:
    """`empty`, `heading` (section, field or level), `item` or `skip` for one data row."""
    if not distinct:
        return "empty"
    tt, name = texts.get("tt", ""), texts.get("ten", "")
    coded = any(_CODE.fullmatch("".join(texts.get(k, "").split()))
                for k in ("ma", "ma_cu", "ma_moi"))
    others = any(v for k, v in texts.items() if k not in ("tt", "ten"))
    if _HEADING_TT.fullmatch(tt) or (not coded and not others and _GROUP.search(normalise(name))):
        return "heading"
    if len(distinct) == 1 and not coded and any(ch.isalpha() for ch in distinct[0]):
        return "heading"
    numbered = bool(_ITEM_TT.fullmatch(tt)) or (not tt and coded) or not numbered_column
    return "item" if name and numbered else "skip"
