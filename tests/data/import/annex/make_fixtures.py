"""Build the annex-import fixtures: real .docx/.xlsx packages written with the standard library.

Run once from the repository root (needs the shared real data; the tests do not):

    .venv/bin/python tests/data/import/annex/make_fixtures.py --realdata ../shared/realdata

Writes, next to this script:

* `annex-1766.docx`, `annex-1766.xlsx`: the annex of 1766/QĐ-UBND (Bình Thuận, 2020) as
  published (`decision_1766_QD-UBND_binh_thuan_2020.md`), as a Word document (two tables,
  two-row header with "Cách thức thực hiện" spanning "Mức độ DVC | Thực hiện qua BCCI") and
  as one Excel sheet (both sections, merged header and heading cells);
* `expected-1766.json`: the reviewed transcription (`decisions.json`, record 0,
  `annex_items`) in the decision file's `danh_muc` shape: what the import must give;
* `portal-toa-an-nhan-dan.xlsx`: a real list export of the national portal, copied as is;
* `synthetic-annex.docx`, `synthetic-numeric.xlsx`: INVENTED test data (marked as such in
  the files) for what 1766 does not show: new and replacing items, line breaks, split runs,
  numbering rows, unknown columns, bad codes, codes typed as Excel numbers.

Sources (public government information; no licence stated by the source repositories):
1766/QĐ-UBND from TuanHuu168/backend_congbot (`data/1766_2020_QĐ_UBND/`, commit 10beaff6),
the portal export from chatbot-tthc/chatbot_tthc; both via the shared real data.

Packages are written with a fixed timestamp, so running the script again gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import unicodedata
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

Cell = dict[str, Any]   # {"text": str, "span": int, "vmerge": "restart" | "continue"}
Block = tuple[str, Any]  # ("p", text) or ("tbl", list of rows of Cell)


# ------------------------------------------------------------------ packages

def write_zip(target: Path, parts: dict[str, str]) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, text.encode("utf-8"))


def _rels(target: str) -> str:
    return (f'{XML}<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
            f'Type="{R}/officeDocument" Target="{target}"/></Relationships>')


def _runs(paragraph: str) -> str:
    """Runs of one paragraph: `¦` splits runs, `\\v` is a line break, `\\t` a tab."""
    runs = []
    for run in paragraph.split("¦"):
        pieces = re.split(r"([\v\t])", run)
        body = "".join("<w:br/>" if p == "\v" else "<w:tab/>" if p == "\t" else
                       f'<w:t xml:space="preserve">{escape(p)}</w:t>' for p in pieces if p)
        runs.append(f"<w:r>{body}</w:r>")
    return "".join(runs)


def _paragraphs(text: str) -> str:
    return "".join(f"<w:p>{_runs(p)}</w:p>" for p in text.split("\n")) or "<w:p/>"


def _tc(cell: Cell, width: int) -> str:
    props = f'<w:tcW w:w="{width * cell.get("span", 1)}" w:type="dxa"/>'
    if cell.get("span", 1) > 1:
        props += f'<w:gridSpan w:val="{cell["span"]}"/>'
    if cell.get("vmerge") == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif cell.get("vmerge") == "continue":
        props += "<w:vMerge/>"
    text = "" if cell.get("vmerge") == "continue" else cell.get("text", "")
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{_paragraphs(text)}</w:tc>"


def _tbl(rows: list[list[Cell]], widths: list[int]) -> str:
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    body = []
    for row in rows:
        column, cells = 0, []
        for cell in row:
            cells.append(_tc(cell, widths[min(column, len(widths) - 1)]))
            column += cell.get("span", 1)
        body.append("<w:tr>" + "".join(cells) + "</w:tr>")
    return (f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>{borders}'
            f"</w:tblBorders></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(body)}</w:tbl>")


def write_docx(target: Path, blocks: list[Block], widths: dict[int, list[int]]) -> None:
    body = "".join(_paragraphs(value) if kind == "p" else _tbl(value, _widths(value, widths))
                   for kind, value in blocks)
    section = ('<w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>'
               '<w:pgMar w:top="851" w:right="851" w:bottom="851" w:left="851" w:header="0" '
               'w:footer="0" w:gutter="0"/></w:sectPr>')
    write_zip(target, {
        "[Content_Types].xml": (
            f'{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{CT}.wordprocessingml.'
            'document.main+xml"/></Types>'),
        "_rels/.rels": _rels("word/document.xml"),
        "word/document.xml": (f'{XML}<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{body}'
                              f"{section}</w:body></w:document>"),
    })


def _widths(rows: list[list[Cell]], widths: dict[int, list[int]]) -> list[int]:
    count = max(sum(c.get("span", 1) for c in row) for row in rows)
    return widths.get(count, [15000 // count] * count)


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def write_xlsx(target: Path, cells: dict[tuple[int, int], Any], merges: list[str],
               widths: list[int]) -> None:
    """`cells`: (row, column) from 0 → str (shared string), int/float (number),
    ("inline", str), ("str", str) (formula result) or ("rich", [runs], phonetic)."""
    strings: list[str] = []
    rows: dict[int, list[str]] = {}
    for (r, c), value in sorted(cells.items()):
        rows.setdefault(r, []).append(_xlsx_cell(f"{_column(c)}{r + 1}", value, strings))
    data = "".join(f'<row r="{r + 1}">{"".join(v)}</row>' for r, v in sorted(rows.items()))
    cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>'
                   for i, w in enumerate(widths))
    merged = "".join(f'<mergeCell ref="{m}"/>' for m in merges)
    sheet = (f'{XML}<worksheet xmlns="{S}" xmlns:r="{R}"><cols>{cols}</cols>'
             f"<sheetData>{data}</sheetData>"
             + (f'<mergeCells count="{len(merges)}">{merged}</mergeCells>' if merges else "")
             + "</worksheet>")
    shared = (f'{XML}<sst xmlns="{S}" count="{len(strings)}" uniqueCount="{len(strings)}">'
              + "".join(strings) + "</sst>")
    write_zip(target, {**XLSX_PARTS, "xl/worksheets/sheet1.xml": sheet,
                       "xl/sharedStrings.xml": shared})


XLSX_PARTS = {
    "[Content_Types].xml": (
        f'{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.spreadsheetml.sheet.'
        f'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.'
        'spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
        f'ContentType="{CT}.spreadsheetml.sharedStrings+xml"/></Types>'),
    "_rels/.rels": _rels("xl/workbook.xml"),
    "xl/workbook.xml": (f'{XML}<workbook xmlns="{S}" xmlns:r="{R}"><sheets><sheet '
                        'name="Phụ lục" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        f'{XML}<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
        f'Type="{R}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
        f'Type="{R}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
}


def _t(text: str) -> str:
    return f'<t xml:space="preserve">{escape(text)}</t>'


def _xlsx_cell(ref: str, value: Any, strings: list[str]) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float | tuple):
        raise TypeError(value)
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, str):
        strings.append(f"<si>{_t(value)}</si>")
        return f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>'
    if value[0] == "inline":
        return f'<c r="{ref}" t="inlineStr"><is>{_t(value[1])}</is></c>'
    if value[0] == "str":
        formula = f'TRIM("{escape(value[1])}")'
        return f'<c r="{ref}" t="str"><f>{formula}</f><v>{escape(value[1])}</v></c>'
    runs = "".join(f"<r><rPr><b/></rPr>{_t(run)}</r>" for run in value[1])
    strings.append(f'<si>{runs}<rPh sb="0" eb="1">{_t(value[2])}</rPh></si>')
    return f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>'


# ------------------------------------------------------------------ 1766/QĐ-UBND

def read_markdown(path: Path) -> list[tuple[str, Any]]:
    """The annex of the markdown text as ("p", text) and ("tbl", rows of cell texts)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("PHỤ LỤC"))
    blocks: list[tuple[str, Any]] = []
    for line in lines[start:]:
        if line.startswith(("-----", "# ")) or not line.strip() or line.startswith("|---"):
            continue
        if line.startswith("|"):
            if not blocks or blocks[-1][0] != "tbl":
                blocks.append(("tbl", []))
            blocks[-1][1].append([c.strip() for c in line.strip().strip("|").split("|")])
        else:
            blocks.append(("p", line.strip()))
    return blocks


def amended_rows(rows: list[list[str]]) -> list[list[Cell]]:
    """Section A as published: a two-row header, 9 columns (the markdown lost the merges)."""
    titles, sub = rows[0], rows[1]
    assert titles[4] == "Cách thức thực hiện" and sub[:2] == ["Mức độ DVC", "Thực hiện qua BCCI"]
    top = [{"text": t, "vmerge": "restart"} for t in titles[:4]] + [{"text": titles[4],
                                                                       "span": 2}]
    top += [{"text": t, "vmerge": "restart"} for t in titles[5:8]]
    second = [{"vmerge": "continue"}] * 4 + [{"text": sub[0]}, {"text": sub[1]}]
    second += [{"vmerge": "continue"}] * 3
    header: list[list[Cell]] = [top, second]
    return header + [_data_row(row, 9) for row in rows[2:]]


def _data_row(row: list[str], width: int) -> list[Cell]:
    assert not any(row[width:]), row
    row = row[:width]
    if row[0] and not any(row[2:]):          # field or level heading: TT, then one wide cell
        return [{"text": row[0]}, {"text": row[1], "span": width - 1}]
    return [{"text": text} for text in row]


def build_1766(realdata: Path) -> None:
    blocks = read_markdown(realdata / "decision_1766_QD-UBND_binh_thuan_2020.md")
    tables = [b for b in blocks if b[0] == "tbl"]
    assert len(tables) == 2
    docx: list[Block] = []
    for kind, value in blocks:
        if kind == "p":
            docx.append(("p", value))
        elif value is tables[0][1]:
            docx.append(("tbl", amended_rows(value)))
        else:
            docx.append(("tbl", [[{"text": t} for t in value[0]]]
                         + [_data_row(row, 4) for row in value[1:]]))
    widths = {9: [600, 1100, 3000, 2200, 900, 900, 2400, 1800, 2500], 4: [600, 1100, 6000, 7000]}
    write_docx(HERE / "annex-1766.docx", docx, widths)
    write_1766_xlsx(blocks)


def write_1766_xlsx(blocks: list[tuple[str, Any]]) -> None:
    cells: dict[tuple[int, int], Any] = {}
    merges: list[str] = []
    r = 0
    for kind, value in blocks:
        if kind == "p":
            cells[(r, 0)] = value
            merges.append(f"A{r + 1}:I{r + 1}")
            r += 1
            continue
        r = _xlsx_table(value, cells, merges, r)
    write_xlsx(HERE / "annex-1766.xlsx", cells, merges, [6, 11, 40, 30, 9, 9, 32, 24, 34])


def _xlsx_table(rows: list[list[str]], cells: dict[tuple[int, int], Any], merges: list[str],
                r: int) -> int:
    if rows[1][0] == "Mức độ DVC":          # section A: two header rows, merged
        for c, title in enumerate(rows[0][:4] + rows[0][4:5] + [""] + rows[0][5:8]):
            if title:
                cells[(r, c)] = title
        cells[(r + 1, 4)], cells[(r + 1, 5)] = rows[1][0], rows[1][1]
        merges += [f"{_column(c)}{r + 1}:{_column(c)}{r + 2}" for c in (0, 1, 2, 3, 6, 7, 8)]
        merges.append(f"E{r + 1}:F{r + 1}")
        rows, r, width = rows[2:], r + 2, 9
    else:                                    # section B: "Ghi chú" spans the rest
        cells.update({(r, c): t for c, t in enumerate(rows[0][:4])})
        merges.append(f"D{r + 1}:I{r + 1}")
        rows, r, width = rows[1:], r + 1, 4
    for row in rows:
        _xlsx_row(row[:width], cells, merges, r)
        r += 1
    return r


def _xlsx_row(row: list[str], cells: dict[tuple[int, int], Any], merges: list[str],
              r: int) -> None:
    if row[0] and not any(row[2:]):
        cells[(r, 0)], cells[(r, 1)] = row[0], row[1]
        merges.append(f"B{r + 1}:I{r + 1}")
        return
    for c, text in enumerate(row):
        if not text:
            continue
        if text.isdigit() and (c == 0 or (c == 4 and len(row) == 9)):
            cells[(r, c)] = int(text)            # TT and Mức độ DVC typed as numbers
        elif c == 3 and len(row) == 4:
            cells[(r, c)] = ("inline", text)     # notes as inline strings
        else:
            cells[(r, c)] = text


LOCAL = {"processing_time": "thoi_han", "place_of_implementation": "dia_diem",
         "fees": "phi_le_phi", "online_service_level_as_published": "muc_do_dich_vu_cong",
         "via_public_postal_service": "buu_chinh_cong_ich", "legal_basis": "can_cu_phap_ly"}
KINDS = {"sửa đổi, bổ sung": "sua_doi_bo_sung", "bãi bỏ": "bai_bo"}


def expected_1766(realdata: Path) -> dict[str, list[dict[str, Any]]]:
    records = json.loads((realdata / "decisions.json").read_text(encoding="utf-8"))
    record = records[0]
    assert record["number"] == "1766/QĐ-UBND"
    result: dict[str, list[dict[str, Any]]] = {}
    for source in record["annex_items"]:
        item: dict[str, Any] = {"ma": source["code"]} if source["code"] else {}
        item["ten"] = source["name"]
        if source.get("note"):
            item["ghi_chu"] = source["note"]
        local = {LOCAL[k]: v for k, v in source.get("local_details", {}).items() if v}
        if "buu_chinh_cong_ich" in local:
            local["buu_chinh_cong_ich"] = {"Có": True, "Không": False}[local["buu_chinh_cong_ich"]]
        if local:
            item["thong_tin_dia_phuong"] = {k: local[k] for k in LOCAL.values() if k in local}
        result.setdefault(KINDS[source["change_kind"]], []).append(item)
    return result


# ------------------------------------------------------------------ invented test data

def _synthetic_new() -> list[list[Cell]]:
    nfd = unicodedata.normalize("NFD", "Đăng ký khai sinh thử nghiệm (chữ tổ hợp)")
    header = ["STT", "Mã số", "Tên thủ tục hành chính", "Thời hạn giải quyết",
              "Địa điểm thực hiện", "Phí, lệ phí", "Mức độ dịch vụ công trực tuyến",
              "Thực hiện qua dịch vụ BCCI", "Căn cứ pháp lý", "Lĩnh vực"]
    new: list[list[Cell]] = [
        [{"text": t} for t in header],
        [{"text": f"({i})"} for i in range(1, 11)],
        [{"text": "I"}, {"text": "LĨNH VỰC HỘ TỊCH (02 TTHC)", "span": 9}],
        [{"text": "1"}, {"text": "1.012345"}, {"text": nfd},
         {"text": "- Trực tiếp:\t01 ngày làm việc\n\n-  Trực tuyến: trong ngày"},
         {"text": "Trung tâm Phục vụ hành chính công tỉnh", "vmerge": "restart"},
         {"text": "Không"}, {"text": "Toàn trình"}, {"text": "Có"},
         {"text": "Nghị định số 123/2015/NĐ-CP\vThông tư số 04/2020/TT-BTP"},
         {"text": "Hộ tịch"}],
        [{"text": "2"}, {"text": ""}, {"text": "Đăng ký thử ¦nghiệm thứ hai"},
         {"text": "05\u00a0ngày"}, {"vmerge": "continue"}, {"text": "50.000 đồng/hồ sơ"},
         {"text": "Một phần"}, {"text": "x"}, {"text": ""}, {"text": "Hộ tịch"}],
        [{"text": "3"}, {"text": ""}, {"text": ""}, {"text": ""}, {"text": ""},
         {"text": "Lệ phí theo Nghị quyết của HĐND tỉnh"}, {"text": ""}, {"text": ""},
         {"text": ""}, {"text": ""}],
    ]
    return new


def synthetic_docx() -> None:
    replaced = [
        [{"text": t} for t in ("STT", "Mã TTHC bị thay thế", "Mã TTHC thay thế",
                               "Tên thủ tục hành chính", "Ghi chú")],
        [{"text": t} for t in ("1", "1.000111", "1.012346", "Cấp phiếu thử nghiệm",
                               "Thay thế thủ tục cùng tên tại Quyết định số 100/QĐ-UBND")],
    ]
    abolished = [
        [{"text": t} for t in ("TT", "Mã số TTHC", "Tên TTHC", "Ghi chú")],
        [{"text": t} for t in ("1", "1.00123", "Thủ tục thử nghiệm bị bãi bỏ",
                               "Bị bãi bỏ tại Quyết định số 200/QĐ-BTP")],
        [{"text": t} for t in ("2", "Chưa có mã", "Thủ tục thử nghiệm không có mã",
                               "Chưa từng có mã; bãi bỏ tại Quyết định số 200/QĐ-BTP")],
    ]
    blocks: list[Block] = [
        ("p", "DỮ LIỆU THỬ: không phải văn bản thật (tests/data/import/annex/make_fixtures.py)"),
        ("p", "PHỤ LỤC"),
        ("p", "DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH, THAY THẾ, BÃI BỎ"),
        ("p", "(Kèm theo Quyết định số 9001/QĐ-UBND ngày 15/01/2024 của Chủ tịch UBND tỉnh)"),
        ("p", "A. DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH (03 TTHC)"),
        ("tbl", _synthetic_new()),
        ("p", "B. DANH MỤC THỦ TỤC HÀNH CHÍNH ĐƯỢC THAY THẾ (01 TTHC)"),
        ("tbl", replaced),
        ("p", "C. DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ (02 TTHC)"),
        ("tbl", abolished),
        ("tbl", [[{"text": "Nơi nhận:\n- Như Điều 3;"}, {"text": "KT. CHỦ TỊCH"}]]),
    ]
    write_docx(HERE / "synthetic-annex.docx", blocks, {})


def synthetic_xlsx() -> None:
    cells: dict[tuple[int, int], Any] = {
        (0, 0): "DỮ LIỆU THỬ: danh sách thủ tục (không phải văn bản thật)",
        (2, 0): "STT", (2, 1): "Mã thủ tục", (2, 2): "Tên thủ tục", (2, 3): "Mức độ DVC",
        (3, 0): 1, (3, 1): 2.0001, (3, 2): ("rich", ["Thủ tục thử ", "nghiệm số một"], "ア"),
        (3, 3): 3,
        (4, 0): 2, (4, 1): ("inline", "1.001193"), (4, 2): ("inline", "Thủ tục thử nghiệm số hai"),
        (5, 0): 3, (5, 1): ("str", "1.000001"), (5, 2): "Thủ tục thử nghiệm số ba",
        (5, 3): 0.5,
    }
    write_xlsx(HERE / "synthetic-numeric.xlsx", cells, ["A1:D1"], [6, 12, 40, 12])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realdata", type=Path, default=HERE.parents[4] / "shared" / "realdata",
                        help="the shared real data folder")
    args = parser.parse_args()
    build_1766(args.realdata)
    expected = expected_1766(args.realdata)
    (HERE / "expected-1766.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    shutil.copyfile(args.realdata / "portal_excel_lists" / "toa-an-nhan-dan.xlsx",
                    HERE / "portal-toa-an-nhan-dan.xlsx")
    synthetic_docx()
    synthetic_xlsx()


if __name__ == "__main__":
    main()
