"""`Thành phần hồ sơ` of a national-portal record: flattened tables of documents.

Each case is a heading followed by the table header "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
and rows "<tên giấy tờ><tệp mẫu…><N bản chính[,M bản sao]>", all run together. Rows with
0 originals and 0 copies are mostly notes or sub-headings: they become `ghi_chu` of the
neighbouring document, never a document of their own (unless they plainly name one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .portal_sections import Notes, clean_text

DOSSIER_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
# "1 bản chính", "0 bản chính,1 bản sao"; not "01 bản chính" (that is prose in the name)
_QTY = re.compile(r"(?<!\D0)(?<!^0)(10|\d) bản chính(?:,(10|\d) bản sao)?")
_QTY_NEXT = re.compile(r"[.;, ]{0,2}(?:10|\d) bản chính")
_EXT = re.compile(r"(?:\.(?:docx?|pdf|xlsx?))+$", re.IGNORECASE)
_EXT_ANY = re.compile(r"(?:\.(?:docx?|pdf|xlsx?))+", re.IGNORECASE)
_BULLET = re.compile(r"^[\s\-+*•]*(?:[a-zđ]\)|\d+[.)]|\(\d+\))?\s*")
_DOC_WORD = re.compile(r"(?:Đơn(?! vị)|Tờ khai|Tờ trình|Bản sao|Bản chính|Báo giá|Đề nghị|"
                       r"Văn bản|Giấy chứng nhận|Giấy phép|Quyết định|Hợp đồng|Báo cáo|"
                       r"Danh sách|Biên bản|Phiếu|Tài liệu chứng minh|Hộ chiếu)\b")
_RULE_WORDS = re.compile(r"\b(?:phải|thì|không phải|nếu)\b")


@dataclass
class _Table:
    heading: str | None
    rows: list[tuple[str, int, int]] = field(default_factory=list)


def parse_dossier(text: str, notes: Notes) -> list[dict[str, Any]] | None:
    """`thanh_phan_ho_so` groups, or None when no document can be recovered."""
    parts = text.split(DOSSIER_HEADER)
    if len(parts) < 2:
        notes.append("thanh_phan_ho_so: không có bảng giấy tờ, không tách được "
                     f"giấy tờ; nội dung công bố: {text}")
        return None
    tables, heading = [], parts[0]
    for part in parts[1:]:
        rows, tail = _rows(part)
        tables.append(_Table(clean_text(heading), rows))
        heading = tail
    groups = _groups(tables, notes)
    leftover = clean_text(heading)
    if groups and leftover:
        _add_note(groups[-1]["giay_to"][-1], leftover)
        notes.append("thanh_phan_ho_so: phần cuối không có số lượng, "
                     "ghép vào ghi_chu của giấy tờ cuối")
    if not groups:
        notes.append("thanh_phan_ho_so: không tách được giấy tờ, giữ nguyên văn; "
                     f"nội dung công bố: {clean_text(text)}")
        return None
    return groups


def _rows(part: str) -> tuple[list[tuple[str, int, int]], str]:
    """Rows (name, originals, copies) of one table, and the text after its last row."""
    rows, start = [], 0
    for match in _QTY.finditer(part):
        after = part[match.end():]
        if re.match(r" [a-zà-ỹđ(]|\)", after) or _QTY_NEXT.match(after):
            continue  # "nộp 02 bản chính tờ khai", "…: 01 bản chính;1 bản chính"
        rows.append((part[start:match.start()], int(match.group(1)),
                     int(match.group(2) or 0)))
        start = match.end()
    return rows, part[start:]


def _groups(tables: list[_Table], notes: Notes) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    waiting: list[str] = []  # notes of tables without a document yet
    counts = {"note": 0, "zero": 0}
    for table in tables:
        documents, lines = _documents(table.rows, counts, notes)
        if not documents:
            lines = [line for line in [table.heading, *lines] if line]
            if groups:
                _add_note(groups[-1]["giay_to"][-1], "\n".join(lines))
            else:
                waiting += lines
            continue
        if waiting:
            _add_note(documents[0], "\n".join(waiting), first=True)
            waiting = []
        group: dict[str, Any] = {"giay_to": documents}
        if table.heading:
            group["truong_hop"] = table.heading
        groups.append(group)
    _count_notes(counts, notes)
    return groups


def _documents(rows: list[tuple[str, int, int]], counts: dict[str, int], notes: Notes
               ) -> tuple[list[dict[str, Any]], list[str]]:
    """The documents of one table; notes before the first one are prepended to it."""
    documents: list[dict[str, Any]] = []
    before: list[str] = []
    for name, originals, copies in rows:
        text = clean_text(name)
        if text is None:
            continue
        if originals == 0 and copies == 0 and not _names_document(text):
            counts["note"] += 1
            if documents:
                _add_note(documents[-1], text)
            else:
                before.append(text)
            continue
        counts["zero"] += originals == 0 and copies == 0
        documents.append(_document(text, originals, copies, notes))
        if len(documents) == 1 and before:
            _add_note(documents[0], "\n".join(before), first=True)
            before = []
    return documents, before


def _names_document(text: str) -> bool:
    core = _BULLET.sub("", text)
    return (bool(_DOC_WORD.match(core)) and not text.endswith(":")
            and not _RULE_WORDS.search(core) and len(core) <= 400)


def _document(text: str, originals: int, copies: int, notes: Notes) -> dict[str, Any]:
    name, files = split_form_files(text)
    if _EXT.search(name):
        notes.append("thanh_phan_ho_so: không tách được tên tệp mẫu khỏi tên giấy tờ, "
                     "giữ nguyên văn")
    document: dict[str, Any] = {"ten": name or files[0], "so_ban_chinh": originals,
                                "so_ban_sao": copies}
    if files:
        stem = _EXT.sub("", files[0]).strip() or files[0]
        document["mau_don"] = {"ten": stem, "tep": files[0]}
    if len(files) > 1:
        _add_note(document, "Mẫu đơn, tờ khai khác: " + "; ".join(files[1:]))
        notes.append("thanh_phan_ho_so: giấy tờ có nhiều tệp mẫu, "
                     "tệp thứ hai trở đi ghi vào ghi_chu")
    return document


def split_form_files(text: str) -> tuple[str, list[str]]:
    """("Tờ khai theo mẫu;", ["Mau 7.7.docx"]) from "Tờ khai theo mẫu;Mau 7.7.docx"."""
    files: list[str] = []
    rest = text
    while (match := _EXT.search(rest)) is not None:
        start = _file_start(rest, match.start())
        if start is None:
            break
        files.insert(0, rest[start:].strip())
        rest = rest[:start]
    return rest.strip(), files


def _file_start(text: str, end: int) -> int | None:
    """Where the file name whose extension starts at `end` begins. File names hold no '/',
    ';' or ':', so it starts after the last of those (or after an earlier file name), at a
    boundary where two cells were glued ("an.NA15", "dấuMẫu"): the first one after which
    the text no longer reads as prose."""
    limit = max([text.rfind(char, 0, end) for char in "/;:\n"]
                + [m.end() - 1 for m in _EXT_ANY.finditer(text, 0, end)])
    hard = [limit + 1] if limit >= 0 and text[limit] != "/" else []
    candidates = hard + [p for p in range(max(limit + 1, 1), end) if _glued(text, p)]
    candidates = [p for p in candidates if text[p:end].strip()]
    if not candidates:
        return None
    return next((p for p in candidates if not _prose(text[p:end])), candidates[-1])


def _prose(text: str) -> bool:
    """Vietnamese sentence text (file names lost their diacritics or are short labels)."""
    words = re.findall(r"(?<!\w)[a-zà-ỹđ]*[à-ỹđ][a-zà-ỹđ]*(?!\w)", text)
    return len(words) >= 12 or (len(words) >= 6 and re.search(r"[,.;)] ", text) is not None)


def _glued(text: str, p: int) -> bool:
    """A cell boundary with no space: ".NA15", "dấuMẫu", "CPmau", "CPMẫu", "/2026Mau"."""
    a, b = text[p - 1], text[p]
    before = text[p - 2] if p >= 2 else ""
    after = text[p + 1] if p + 1 < len(text) else ""
    if a in ".)],;" and b.isalnum():
        return not (a in ".," and before.isdigit() and b.isdigit())
    if a.islower() and b.isupper():
        return True
    if a.islower() and b.isdigit():  # "mẫu1.002899.docx", not "4x6cm"
        return re.match(r"\d+[a-zà-ỹđ]", text[p:]) is None
    if a.isupper() and before.isupper():
        return b.islower() or (b.isupper() and after.islower())
    if a.isdigit() and b.isupper():
        return True
    return a.isdigit() and b.isalpha() and re.search(r"/\d{4}$", text[:p]) is not None


def _add_note(document: dict[str, Any], text: str, *, first: bool = False) -> None:
    current = document.get("ghi_chu")
    if current:
        text = f"{text}\n{current}" if first else f"{current}\n{text}"
    document["ghi_chu"] = text


def _count_notes(counts: dict[str, int], notes: Notes) -> None:
    if counts["note"]:
        notes.append(f"thanh_phan_ho_so: {counts['note']} dòng ghi 0 bản chính, 0 bản sao "
                     "là ghi chú/tiêu đề, ghép vào ghi_chu của giấy tờ liền kề")
    if counts["zero"]:
        notes.append(f"thanh_phan_ho_so: {counts['zero']} giấy tờ ghi 0 bản chính, 0 bản sao "
                     "(giữ như công bố)")
