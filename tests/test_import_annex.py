"""`tthc import annex`: a decision's annex from a Word or Excel table.

Fixtures in tests/data/import/annex/ are real .docx/.xlsx packages built by
`make_fixtures.py` there (see its docstring; it reads the shared real data, the tests do not).
The golden decision files under tests/data/import/annex/golden/ are regenerated with

    TTHC_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_import_annex.py
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.fmt import format_source
from generator.importers.annex import column_key, import_annex, section_of
from generator.importers.office import MAX_BYTES, Table, read_office
from generator.importers.records import Failed, Imported
from generator.importers.writer import Writer
from generator.loader import load_bytes
from generator.schema_index import SchemaIndex
from generator.schemas import SchemaSet, schema_folder

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "import" / "annex"
GOLDEN = DATA / "golden"
SO = "1766/QĐ-UBND"
AGENCY = "tinh-binh-thuan"
COUNT_NOTE = ("Mục «A. DANH MỤC THỦ TỤC HÀNH CHÍNH SỬA ĐỔI, BỔ SUNG (51 TTHC)» ghi 51 TTHC "
              "nhưng bảng có 50 thủ tục: đối chiếu với văn bản đã ký.")


def imported(name: str, so: str = SO, folder: Path = DATA) -> Imported:
    result = import_annex(folder / name, so_ky_hieu=so, agency=AGENCY, source=name)
    assert isinstance(result, Imported), result
    return result


def failed(path: Path) -> str:
    result = import_annex(path, so_ky_hieu=SO, agency=AGENCY, source=path.name)
    assert isinstance(result, Failed), result
    assert result.source == path.name and result.reason
    return result.reason


def render(result: Imported) -> str:
    """The file text exactly as `tthc import` writes it."""
    return Writer(ROOT, schema_folder(ROOT)).text(result.path, result.kind, result.data)


def fixtures() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_fixtures", DATA / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def package(path: Path, parts: Mapping[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
S = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def document(body: str, prolog: str = "") -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<w:document {W}><w:body>{body}' \
           "</w:body></w:document>"


# ------------------------------------------------------------------ 1766/QĐ-UBND

@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "expected-1766.json").read_text("utf-8"))
    return data


@pytest.mark.parametrize("name", ["annex-1766.docx", "annex-1766.xlsx"])
def test_1766_matches_reviewed_transcription(name: str, expected: dict[str, Any]) -> None:
    result = imported(name)
    lists = result.data["danh_muc"]
    assert lists == expected
    assert [len(lists["sua_doi_bo_sung"]), len(lists["bai_bo"])] == [50, 21]
    assert all("thong_tin_dia_phuong" in item for item in lists["sua_doi_bo_sung"])
    assert result.path == "content/decisions/tinh-binh-thuan/2020/1766-qd-ubnd.yaml"
    assert result.unsplit == [COUNT_NOTE]
    assert result.missing == ["trich_yeu", "nguoi_ky", "ngay_ban_hanh", "ngay_hieu_luc",
                              "can_cu"]
    assert result.data["chua_day_du"].startswith(f"Phụ lục nhập từ tệp {name};")


def test_1766_details_as_published() -> None:
    lists = imported("annex-1766.docx").data["danh_muc"]
    first = lists["sua_doi_bo_sung"][0]
    assert first["ma"] == "2.000815"
    assert first["thong_tin_dia_phuong"]["muc_do_dich_vu_cong"] == "2"
    assert first["thong_tin_dia_phuong"]["buu_chinh_cong_ich"] is False
    no_code = next(i for i in lists["sua_doi_bo_sung"] if "ma" not in i)
    assert no_code["ten"].startswith("Chuyển đổi công ty luật trách nhiệm hữu hạn")
    assert no_code["thong_tin_dia_phuong"]["phi_le_phi"] == "Không"
    nationality = next(i for i in lists["sua_doi_bo_sung"] if i.get("ma") == "2.002039")
    assert set(nationality["thong_tin_dia_phuong"]) == {"thoi_han", "dia_diem", "phi_le_phi",
                                                        "can_cu_phap_ly"}
    abolished = [i for i in lists["bai_bo"] if "ma" not in i]
    assert len(abolished) == 1 and "1329/QĐ-BTP" in abolished[0]["ghi_chu"]


def test_1766_docx_and_xlsx_give_the_same_decision() -> None:
    docx, xlsx = imported("annex-1766.docx").data, imported("annex-1766.xlsx").data
    assert {**docx, "chua_day_du": ""} == {**xlsx, "chua_day_du": ""}


@pytest.mark.parametrize("name", ["annex-1766.docx", "annex-1766.xlsx", "synthetic-annex.docx",
                                  "synthetic-numeric.xlsx", "portal-toa-an-nhan-dan.xlsx"])
def test_decision_validates_against_schema(name: str) -> None:
    validator = SchemaSet(ROOT / "schemas").validators["decision"]
    errors = [e.message for e in validator.iter_errors(imported(name).data)]
    assert errors == []


GOLDEN_CASES = [("annex-1766.docx", SO, "1766-qd-ubnd.yaml"),
                ("synthetic-annex.docx", "9001/QĐ-UBND", "synthetic-annex.yaml"),
                ("synthetic-numeric.xlsx", "9002/QĐ-UBND", "synthetic-numeric.yaml")]


@pytest.mark.parametrize(("name", "so", "golden"), GOLDEN_CASES)
def test_golden(name: str, so: str, golden: str) -> None:
    text = render(imported(name, so))
    if os.environ.get("TTHC_REGEN_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        (GOLDEN / golden).write_text(text, encoding="utf-8")
    assert (GOLDEN / golden).read_text(encoding="utf-8") == text


@pytest.mark.parametrize(("name", "so", "golden"), GOLDEN_CASES)
def test_golden_is_what_fmt_writes_and_loads_back(name: str, so: str, golden: str) -> None:
    result = imported(name, so)
    raw = (GOLDEN / golden).read_bytes()
    doc = load_bytes(raw, result.path)
    assert doc.problems == [] and doc.data == result.data
    assert format_source(raw, result.path, "decision", SchemaIndex(ROOT / "schemas")) \
        == raw.decode("utf-8")


@pytest.mark.parametrize("name", ["annex-1766.docx", "annex-1766.xlsx", "synthetic-annex.docx"])
def test_same_file_twice_same_text(name: str, tmp_path: Path) -> None:
    copy = tmp_path / name
    copy.write_bytes((DATA / name).read_bytes())
    assert render(imported(name)) == render(imported(name)) == render(imported(name, SO, tmp_path))


# ------------------------------------------------------------------ what 1766 does not show

def test_synthetic_docx_sections_and_cells() -> None:
    result = imported("synthetic-annex.docx", "9001/QĐ-UBND")
    lists = result.data["danh_muc"]
    assert list(lists) == ["moi_ban_hanh", "thay_the", "bai_bo"]
    first, second = lists["moi_ban_hanh"]
    assert first["ten"] == "Đăng ký khai sinh thử nghiệm (chữ tổ hợp)"       # NFD → NFC
    local = first["thong_tin_dia_phuong"]
    assert local["thoi_han"] == "- Trực tiếp: 01 ngày làm việc\n- Trực tuyến: trong ngày"
    assert local["can_cu_phap_ly"] == "Nghị định số 123/2015/NĐ-CP\nThông tư số 04/2020/TT-BTP"
    assert second["ten"] == "Đăng ký thử nghiệm thứ hai" and "ma" not in second  # split runs
    assert second["thong_tin_dia_phuong"]["dia_diem"] == local["dia_diem"]      # vMerge
    assert "buu_chinh_cong_ich" not in second["thong_tin_dia_phuong"]
    assert lists["thay_the"] == [{"ma_cu": "1.000111", "ma_moi": "1.012346",
                                  "ten": "Cấp phiếu thử nghiệm", "ghi_chu": "Thay thế thủ tục "
                                  "cùng tên tại Quyết định số 100/QĐ-UBND"}]
    assert [("ma" in i) for i in lists["bai_bo"]] == [False, False]
    assert result.path == "content/decisions/tinh-binh-thuan/2024/9001-qd-ubnd.yaml"


def test_synthetic_docx_reports_what_it_could_not_use() -> None:
    notes = imported("synthetic-annex.docx", "9001/QĐ-UBND").unsplit
    assert notes == [
        "Bảng 1: cột không nhận ra, không nhập: «Lĩnh vực» (cột 10).",
        "Bảng 1, dòng 5: cột Thực hiện qua BCCI ghi «x», không phải Có/Không: không ghi.",
        "Bảng 1, dòng 6: không phải thủ tục cũng không phải tiêu đề, bỏ qua: «3 | Lệ phí theo "
        "Nghị quyết của HĐND tỉnh».",
        "Mục «A. DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH (03 TTHC)» ghi 03 TTHC nhưng bảng "
        "có 2 thủ tục: đối chiếu với văn bản đã ký.",
        "Bảng 3, dòng 2: mã «1.00123» không đúng dạng N.dddddd, không ghi.",
        "Bảng 4: không thấy dòng tiêu đề cột (cần cột Tên thủ tục và một cột khác như TT, "
        "Mã số): bỏ qua cả bảng.",
    ]


def test_synthetic_xlsx_numbers_inline_and_rich_strings() -> None:
    result = imported("synthetic-numeric.xlsx", "9002/QĐ-UBND")
    items = result.data["danh_muc"]["chua_phan_loai"]
    assert [i["ma"] for i in items] == ["2.000100", "1.001193", "1.000001"]
    assert items[0]["ten"] == "Thủ tục thử nghiệm số một"        # phonetic run left out
    assert items[0]["thong_tin_dia_phuong"] == {"muc_do_dich_vu_cong": "3"}
    assert items[2]["thong_tin_dia_phuong"] == {"muc_do_dich_vu_cong": "0.5"}
    assert result.path.startswith("content/decisions/tinh-binh-thuan/khong-ro-nam/")
    assert "đọc thành '2.000100'" in result.unsplit[0]
    assert "ghi vào chua_phan_loai" in result.unsplit[1]


# ------------------------------------------------------------------ the portal's real export

def test_portal_xlsx_is_read() -> None:
    blocks = read_office(DATA / "portal-toa-an-nhan-dan.xlsx")
    assert len(blocks) == 1 and isinstance(blocks[0], Table)
    rows = blocks[0].rows
    assert (len(rows), {len(r) for r in rows}) == (5, {5})
    assert {cell.origin for cell in rows[0]} == {(0, 0)}                 # merged A1:E1
    assert rows[0][4].text.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập")
    assert [c.text for c in rows[1]] == ["Mã số", "Tên", "Cơ quan ban hành",
                                         "Cơ quan thực hiện", "Lĩnh vực"]
    assert rows[2][0].text == "3.000164" and rows[4][0].text == "3.000165"
    assert rows[2][3].text.split("\n") == [
        "Tòa án nhân dân cấp cao", "Tòa án nhân dân tỉnh, thành phố trực thuộc trung ương",
        "Tòa án nhân dân cấp huyện, quận, thị xã, thành phố thuộc tỉnh và tương đương"]


def test_portal_list_imports_as_unclassified() -> None:
    result = imported("portal-toa-an-nhan-dan.xlsx")
    assert [i["ma"] for i in result.data["danh_muc"]["chua_phan_loai"]] == [
        "3.000164", "3.000163", "3.000165"]
    assert result.unsplit[0] == ("Bảng 1: cột không nhận ra, không nhập: «Cơ quan ban hành» "
                                 "(cột 3), «Cơ quan thực hiện» (cột 4), «Lĩnh vực» (cột 5).")


# ------------------------------------------------------------------ titles and headings

@pytest.mark.parametrize(("title", "key"), [
    ("TT", "tt"), ("STT", "tt"), ("Số TT", "tt"), ("Mã số TTHC", "ma"), ("Mã TTHC", "ma"),
    ("Số hồ sơ TTHC", "ma"), ("Tên TTHC", "ten"), ("TÊN THỦ TỤC HÀNH CHÍNH", "ten"),
    ("Tên VBQPPL quy định nội dung sửa đổi", None), ("Thời hạn\ngiải  quyết (Ngày làm việc)",
                                                       "thoi_han"),
    ("Mức độ DVC", "muc_do_dich_vu_cong"), ("Thực hiện qua BCCI", "buu_chinh_cong_ich"),
    ("Phí, lệ phí (vnđ) (nếu có)", "phi_le_phi"), ("ĐỊA ĐIỂM THỰC HIỆN", "dia_diem"),
    ("Căn cứ pháp lý", "can_cu_phap_ly"), ("Ghi chú", "ghi_chu"),
    ("Mã TTHC bị thay thế", "ma_cu"), ("Mã TTHC thay thế", "ma_moi"),
    ("Cách thức thực hiện", None), ("Lĩnh vực", None),
    ("Ma\u0303 sô\u0301 TTHC", "ma"),                                     # decomposed (NFD)
])
def test_column_titles(title: str, key: str | None) -> None:
    assert column_key(title) == key


@pytest.mark.parametrize(("text", "found"), [
    ("A. DANH MỤC THỦ TỤC HÀNH CHÍNH SỬA ĐỔI, BỔ SUNG (51 TTHC)", ("sua_doi_bo_sung",)),
    ("B. DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ (21 TTHC)", ("bai_bo",)),
    ("Phần I. Danh mục thủ tục hành chính mới ban hành", ("moi_ban_hanh",)),
    ("DANH MỤC TTHC ĐƯỢC THAY THẾ", ("thay_the",)),
    ("Danh mục thủ tục hành chính được sửa đổi, bổ sung hoặc thay thế", ("sua_doi_bo_sung",)),
    ("C. DANH MỤC THỦ TỤC HÀNH CHÍNH NỘI BỘ", (None,)),
    ("DANH MỤC THỦ TỤC HÀNH CHÍNH SỬA ĐỔI, BỔ SUNG, BÃI BỎ THUỘC PHẠM VI …", None),
    ("I LĨNH VỰC CHỨNG THỰC (17 TTHC)", None),
    ("I.1 Thủ tục hành chính áp dụng chung (06 TTHC)", None),
])
def test_section_headings(text: str, found: tuple[str | None] | None) -> None:
    assert section_of(text) == found


def test_two_row_header_with_span_and_no_numbering(tmp_path: Path) -> None:
    make = fixtures()
    rows = [[{"text": "TT", "vmerge": "restart"}, {"text": "Tên thủ tục", "vmerge": "restart"},
             {"text": "Cách thức thực hiện", "span": 2}],
            [{"vmerge": "continue"}, {"vmerge": "continue"}, {"text": "Mức độ DVC"},
             {"text": "Thực hiện qua BCCI"}],
            [{"text": "1"}, {"text": "Thủ tục A"}, {"text": "3"}, {"text": "KHÔNG"}]]
    make.write_docx(tmp_path / "a.docx", [("p", "DANH MỤC TTHC MỚI BAN HÀNH"), ("tbl", rows)],
                    {})
    result = imported("a.docx", folder=tmp_path)
    assert result.data["danh_muc"] == {"moi_ban_hanh": [{"ten": "Thủ tục A", "thong_tin_dia_phuong":
                                       {"muc_do_dich_vu_cong": "3",
                                        "buu_chinh_cong_ich": False}}]}
    assert result.unsplit == []


def cells(*texts: str) -> list[dict[str, Any]]:
    """Word cells: "^" continues the cell above (vMerge), "^text" starts a merged cell."""
    return [{"vmerge": "continue"} if t == "^" else {"text": t[1:], "vmerge": "restart"}
            if t.startswith("^") else {"text": t} for t in texts]


def test_item_over_two_rows_and_same_name_two_codes(tmp_path: Path) -> None:
    rows = [cells("TT", "Mã số", "Tên thủ tục", "Thời hạn giải quyết", "Thực hiện qua BCCI"),
            cells("^1", "^1.000001", "^Thủ tục B", "Cấp tỉnh: 05 ngày", "Có"),
            cells("^", "^", "^", "Cấp huyện: 03 ngày", "Không"),
            cells("2", "2.000003", "^Thủ tục D", "", ""),
            cells("3", "2.000004", "^", "", "")]
    fixtures().write_docx(tmp_path / "b.docx", [("p", "B. DANH MỤC TTHC BỊ BÃI BỎ"),
                                                ("tbl", rows)], {})
    result = imported("b.docx", folder=tmp_path)
    assert result.data["danh_muc"]["bai_bo"] == [
        {"ma": "1.000001", "ten": "Thủ tục B", "thong_tin_dia_phuong": {
            "thoi_han": "Cấp tỉnh: 05 ngày\nCấp huyện: 03 ngày", "buu_chinh_cong_ich": True}},
        {"ma": "2.000003", "ten": "Thủ tục D"}, {"ma": "2.000004", "ten": "Thủ tục D"}]
    assert result.unsplit == ["Bảng 1, dòng 3: dòng tiếp theo của thủ tục «Thủ tục B» (ô tên "
                              "gộp với dòng trên): nối thêm thoi_han vào thủ tục đó."]


def test_table_split_across_pages_keeps_its_columns(tmp_path: Path) -> None:
    blocks = [("p", "A. DANH MỤC THỦ TỤC HÀNH CHÍNH SỬA ĐỔI, BỔ SUNG (02 TTHC)"),
              ("tbl", [cells("STT", "Mã TTHC", "Tên TTHC"), cells("1", "1.000001", "Một")]),
              ("tbl", [cells("2", "1.000002", "Hai")]),
              ("tbl", [cells("Nơi nhận", "CHỦ TỊCH")])]
    fixtures().write_docx(tmp_path / "c.docx", blocks, {})
    result = imported("c.docx", folder=tmp_path)
    assert [i["ten"] for i in result.data["danh_muc"]["sua_doi_bo_sung"]] == ["Một", "Hai"]
    assert result.unsplit == [
        "Bảng 2 không có dòng tiêu đề cột: dùng tiêu đề cột của bảng trước (cùng 3 cột).",
        "Bảng 3: không thấy dòng tiêu đề cột (cần cột Tên thủ tục và một cột khác như TT, "
        "Mã số): bỏ qua cả bảng."]


# ------------------------------------------------------------------ hostile and broken files

def test_zip_bomb(tmp_path: Path) -> None:
    bomb = document("<w:p/>").encode() + b" " * (MAX_BYTES + 1)
    reason = failed(package(tmp_path / "bomb.docx", {"word/document.xml": bomb}))
    assert "zip bomb" in reason


def test_zip_bomb_with_lying_sizes(tmp_path: Path) -> None:
    """Headers claim 1 kB; the data inflates to 60 MB: reading stops at 1 kB, CRC fails."""
    path = package(tmp_path / "liar.docx", {"word/document.xml": b" " * 60 * 2**20})
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.index(signature) + offset
        data[at:at + 4] = (1000).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    assert "hỏng" in failed(path)


def test_deeply_nested_xml(tmp_path: Path) -> None:
    depth = 100_000
    body = "<w:sdt><w:sdtContent>" * depth + "</w:sdtContent></w:sdt>" * depth
    path = package(tmp_path / "deep.docx", {"word/document.xml": document(body)})
    assert "không có bảng" in failed(path)


def test_too_many_entries(tmp_path: Path) -> None:
    parts: dict[str, str | bytes] = {f"x/{i}.xml": b"" for i in range(2001)}
    assert "phần" in failed(package(tmp_path / "many.xlsx", parts))


def test_doctype_and_entities_refused(tmp_path: Path) -> None:
    laughs = '<!DOCTYPE w:document [<!ENTITY a "hahahahaha"><!ENTITY b "&a;&a;&a;&a;">]>'
    body = "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    reason = failed(package(tmp_path / "entity.docx",
                            {"word/document.xml": document(body, laughs)}))
    assert "DOCTYPE" in reason


def test_external_entity_in_xlsx_refused(tmp_path: Path) -> None:
    evil = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            f"<sst {S}><si><t>&x;</t></si></sst>")
    parts = dict(xlsx_parts(sheet='<c r="A1" t="s"><v>0</v></c>'))
    parts["xl/sharedStrings.xml"] = evil
    assert "DOCTYPE" in failed(package(tmp_path / "evil.xlsx", parts))


def test_truncated_zip(tmp_path: Path) -> None:
    data = (DATA / "annex-1766.docx").read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(data[: len(data) // 2])
    assert "hỏng" in failed(path)


def xlsx_parts(sheet: str = "", sheets: str = '<sheet name="A" sheetId="1" r:id="rId1"/>',
               merges: str = "") -> Iterator[tuple[str, str]]:
    yield "xl/workbook.xml", f"<workbook {S} {R}><sheets>{sheets}</sheets></workbook>"
    yield "xl/_rels/workbook.xml.rels", (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    yield "xl/worksheets/sheet1.xml", (f"<worksheet {S}><sheetData><row r=\"1\">{sheet}</row>"
                                       f"</sheetData>{merges}</worksheet>")


def test_xlsx_without_sheets(tmp_path: Path) -> None:
    path = package(tmp_path / "empty.xlsx", dict(xlsx_parts(sheets="")))
    assert "không có trang tính" in failed(path)


def test_docx_without_table(tmp_path: Path) -> None:
    body = "<w:p><w:r><w:t>A. DANH MỤC TTHC BỊ BÃI BỎ</w:t></w:r></w:p>"
    path = package(tmp_path / "text.docx", {"word/document.xml": document(body)})
    assert "không có bảng nào" in failed(path)


@pytest.mark.parametrize(("name", "parts", "words"), [
    ("nodoc.docx", {"[Content_Types].xml": "<Types/>"}, "word/document.xml"),
    ("nobook.xlsx", {"[Content_Types].xml": "<Types/>"}, "xl/workbook.xml"),
    ("badxml.docx", {"word/document.xml": "<w:document"}, "không phải XML"),
    ("nobody.docx", {"word/document.xml": f"<w:document {W}/>"}, "w:body"),
])
def test_missing_or_broken_parts(tmp_path: Path, name: str, parts: dict[str, str | bytes],
                                 words: str) -> None:
    assert words in failed(package(tmp_path / name, parts))


def test_not_a_package(tmp_path: Path) -> None:
    (tmp_path / "plain.docx").write_text("không phải zip", encoding="utf-8")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    assert "zip" in failed(tmp_path / "plain.docx")
    assert ".docx" in failed(tmp_path / "old.doc")
    assert "Không đọc được tệp `missing.xlsx`" in failed(tmp_path / "missing.xlsx")


def test_huge_sheet_and_bad_references(tmp_path: Path) -> None:
    far = package(tmp_path / "far.xlsx", dict(xlsx_parts('<c r="XFD1048576" t="inlineStr">'
                                                         "<is><t>x</t></is></c>")))
    assert "quá lớn" in failed(far)
    bad = package(tmp_path / "bad.xlsx", dict(xlsx_parts('<c r="A1" t="s"><v>7</v></c>')))
    assert "chuỗi dùng chung" in failed(bad)
    ref = package(tmp_path / "ref.xlsx", dict(xlsx_parts('<c r="1A"><v>1</v></c>')))
    assert "địa chỉ" in failed(ref)


def test_huge_merge_and_span_are_clipped(tmp_path: Path) -> None:
    cells = ('<c r="A1" t="inlineStr"><is><t>TT</t></is></c>'
             '<c r="B1" t="inlineStr"><is><t>Tên TTHC</t></is></c>')
    merged = package(tmp_path / "merge.xlsx", dict(xlsx_parts(
        cells, merges='<mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>')))
    assert "không tìm thấy thủ tục" in failed(merged).lower()
    row = '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="999999"/></w:tcPr><w:p/></w:tc></w:tr>'
    span = package(tmp_path / "span.docx", {"word/document.xml": document(f"<w:tbl>{row}</w:tbl>")})
    assert "Không tìm thấy thủ tục" in failed(span)


def test_bad_arguments(tmp_path: Path) -> None:
    path = DATA / "annex-1766.docx"
    for so, agency in (("1766/QD-UBND", AGENCY), ("Số: 1766/QĐ-UBND", AGENCY),
                       (SO, "Tỉnh Bình Thuận")):
        result = import_annex(path, so_ky_hieu=so, agency=agency, source="x")
        assert isinstance(result, Failed) and "không đúng dạng" in result.reason


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1,
                      max_size=6),
       inside=st.booleans())
def test_damaged_files_fail_cleanly(tmp_path_factory: pytest.TempPathFactory,
                                    flips: list[tuple[int, int]], inside: bool) -> None:
    """Bytes changed in the package, or in its XML before zipping: Imported or Failed."""
    source = (DATA / "synthetic-annex.docx").read_bytes()
    if inside:
        xml = bytearray(zipfile.ZipFile(io.BytesIO(source)).read("word/document.xml"))
        for at, value in flips:
            xml[at % len(xml)] = value
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("word/document.xml", bytes(xml))
        data = bytearray(buffer.getvalue())
    else:
        data = bytearray(source)
        for at, value in flips:
            data[at % len(data)] = value
    path = tmp_path_factory.mktemp("damaged") / "damaged.docx"
    path.write_bytes(bytes(data))
    result = import_annex(path, so_ky_hieu=SO, agency=AGENCY, source="damaged")
    assert isinstance(result, Imported | Failed)


def test_reads_nothing_outside_the_repository(reads: list[Path]) -> None:
    imported("annex-1766.xlsx")
    imported("annex-1766.docx")
    assert reads and all(p.is_relative_to(ROOT) for p in reads)


def test_a_damaged_encoding_name_fails_cleanly(tmp_path: Path) -> None:
    """`encoding="U-F-8"` (one byte flipped) made ElementTree raise LookupError."""
    source = (DATA / "synthetic-annex.docx").read_bytes()
    xml = zipfile.ZipFile(io.BytesIO(source)).read("word/document.xml")
    assert b'encoding="UTF-8"' in xml[:100]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", xml.replace(b'encoding="UTF-8"',
                                                          b'encoding="U-F-8"', 1))
    path = tmp_path / "damaged.docx"
    path.write_bytes(buffer.getvalue())
    assert isinstance(import_annex(path, so_ky_hieu=SO, agency=AGENCY, source="damaged"), Failed)
