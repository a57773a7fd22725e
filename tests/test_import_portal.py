"""Portal importer (`generator/importers/portal.py`) on real national-portal records.

Golden files in tests/data/import/portal/golden/<ma>.yaml are reviewed outputs. After a
deliberate change to the importer, regenerate them with one command and review the diff:

    TTHC_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_import_portal.py

Inputs: portal_records_sample.jsonl.gz (a copy of the 300-record sample of the portal
crawl, see the folder's README.md) and unseen.jsonl (records for ministries outside the
sample, in the same shape).
"""

from __future__ import annotations

import copy
import gzip
import json
import os
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from generator.importers.portal import import_portal_record
from generator.importers.portal_dossier import parse_dossier, split_form_files
from generator.importers.portal_sections import parse_channels, parse_legal_basis, parse_steps
from generator.importers.records import Failed, Imported
from generator.importers.writer import Writer
from generator.schemas import SchemaSet, schema_folder

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data" / "import" / "portal"
GOLDEN = DATA / "golden"
SCHEMAS = SchemaSet(ROOT / "schemas")
REGEN = os.environ.get("TTHC_REGEN_GOLDEN") == "1"


def _load(name: str) -> list[dict[str, Any]]:
    path = DATA / name
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


SAMPLE = _load("portal_records_sample.jsonl.gz")
UNSEEN = _load("unseen.jsonl")
BY_CODE = {r["ma_thu_tuc"]: (f"portal_records_sample.jsonl.gz:{n}", r)
           for n, r in enumerate(SAMPLE, 1)}
UNSEEN_BY_CODE = {r["ma_thu_tuc"]: (f"unseen.jsonl:{n}", r) for n, r in enumerate(UNSEEN, 1)}

# Reviewed outputs, one per hazard they show (see each golden file against its record).
GOLDEN_SAMPLE = {
    "1.000931": "fees in USD ('10 USD(10 USD/người)'), form file names NA15.pdf, …",
    "1.002345": "'Miễn phí(150.000 đồng/giấy)': summary contradicts the prose",
    "1.004986": "time-limited waiver inside the fee prose, unbalanced parenthesis",
    "2.000815": "one channel twice (VND at the commune, USD abroad), no time published",
    "1.007662": "time without unit ('1'), placeholder unit flagged",
    "1.001233": "dossier rows with 0 originals and 0 copies kept as ghi_chu",
    "1.004045": "decision 'QĐ/0001-BCA', two dossier cases, form file after ';'",
    "3.000164": "decision '01/QĐCB', court procedure, non-standard result code",
    "6.005678": "internal procedure (empty type → noi_bo), decision '2267./QĐ-BXD'",
    "1.007765": "legal basis cells glued to a year: 'Luật Nhà ở 201465/2014/QH13'",
    "1.013965": "steps in two cases ('a) Trường hợp …' / 'b) Trường hợp …')",
    "1.001613": "sections cut by the crawl at a quoted label, re-cut from raw_text",
    "1.012531": "co_quan_thuc_hien not published → thieu_thong_tin",
}
GOLDEN_UNSEEN = {
    "1.013564": "Bộ Quốc phòng (decision issuer), 'Lệ phí : 1.5 USD', '0 Giờ'",
    "1.008618": "Bộ GD&ĐT placeholder decision, Cấp huyện (before 2025)",
}


BASE_CODE = "1.000931"  # a complete record the hazard tests alter


def _import(record: dict[str, Any], source: str = "test") -> Imported:
    result = import_portal_record(record, source)
    assert isinstance(result, Imported), result
    return result


def _errors(data: dict[str, Any]) -> list[str]:
    validator = SCHEMAS.validators["procedure"]
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


def _render(result: Imported) -> str:
    """The file text exactly as `tthc import` writes it."""
    return Writer(ROOT, schema_folder(ROOT)).text(result.path, result.kind, result.data)


def _record(code: str) -> dict[str, Any]:
    return copy.deepcopy(BY_CODE[code][1])


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


# ------------------------------------------------------------------ golden files

@pytest.mark.parametrize("code", [*GOLDEN_SAMPLE, *GOLDEN_UNSEEN])
def test_golden(code: str) -> None:
    source, record = BY_CODE[code] if code in GOLDEN_SAMPLE else UNSEEN_BY_CODE[code]
    result = _import(record, source)
    assert _errors(result.data) == []
    text = _render(result)
    golden = GOLDEN / f"{code}.yaml"
    if REGEN:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.read_text(encoding="utf-8") == text


def test_no_stray_golden_files() -> None:
    expected = {f"{code}.yaml" for code in [*GOLDEN_SAMPLE, *GOLDEN_UNSEEN]}
    assert {p.name for p in GOLDEN.glob("*.yaml")} == expected


# ------------------------------------------------------------------ whole sample

def test_sample_imports_and_validates() -> None:
    """≥ 98% of the 300 sample records import and are schema-valid (today: all of them)."""
    failed, invalid = [], []
    for source, record in BY_CODE.values():
        result = import_portal_record(record, source)
        if isinstance(result, Failed):
            failed.append(result)
        elif errors := _errors(result.data):
            invalid.append((result.path, errors[:2]))
    assert invalid == []
    assert len(SAMPLE) == 300 and len(failed) <= 6, failed


def test_sample_paths_follow_the_crawl_folders() -> None:
    folders = {_import(r).path.split("/")[2] for r in SAMPLE}
    assert folders == {"bo-tai-chinh", "bo-nong-nghiep-va-moi-truong", "bo-cong-an",
                       "bo-xay-dung", "bo-tu-phap", "ngan-hang-nha-nuoc-viet-nam",
                       "toa-an-nhan-dan-toi-cao"}


@pytest.mark.parametrize("code", list(UNSEEN_BY_CODE))
def test_unseen_records_import_cleanly(code: str) -> None:
    source, record = UNSEEN_BY_CODE[code]
    assert "_source_path" not in record
    result = _import(record, source)
    assert _errors(result.data) == []
    agency = result.data["co_quan_cong_bo"]
    assert result.path == f"content/procedures/{agency}/{code}.yaml"
    assert agency in result.labels["agency"]
    assert result.data["linh_vuc"] and result.data["cach_thuc_thuc_hien"]
    assert result.data["thanh_phan_ho_so"] and result.data["can_cu_phap_ly"]


def test_unseen_agencies_come_from_the_decision_issuer() -> None:
    agencies = {_import(r).labels["agency"].popitem() for r in UNSEEN}
    assert agencies == {("bo-quoc-phong", "Bộ Quốc phòng"), ("bo-y-te", "Bộ Y tế"),
                        ("bo-giao-duc-va-dao-tao", "Bộ Giáo dục và Đào tạo")}


# ------------------------------------------------------------------ determinism, text

def test_same_record_gives_identical_text() -> None:
    for code in ("1.001193", "1.000005", "2.000815"):
        first = _import(_record(code))
        second = _import(_record(code))
        assert _render(first) == _render(second)
        assert (first.unsplit, first.missing, first.labels) == (
            second.unsplit, second.missing, second.labels)


def test_text_is_nfc_without_invisible_marks_or_html() -> None:
    record = _record(BASE_CODE)
    record["ten_thu_tuc"] = unicodedata.normalize("NFD", record["ten_thu_tuc"]) + "\u200e"
    strings = _strings(_import(record).data)
    assert strings and all(unicodedata.is_normalized("NFC", s) for s in strings)
    assert not any("\u200e" in s or "\t" in s or "<br" in s for s in strings)
    assert _import(record).data["ten"] == _record(BASE_CODE)["ten_thu_tuc"].strip()


# ------------------------------------------------------------------ hazard: no code, agency

@pytest.mark.parametrize("ma", ["", "Không có thông tin", "1.0001", "1.001193a"])
def test_record_without_a_valid_code_fails(ma: str) -> None:
    record = _record(BASE_CODE)
    record["ma_thu_tuc"] = ma
    result = import_portal_record(record, "x:1")
    assert isinstance(result, Failed) and result.source == "x:1"
    assert "mã thủ tục" in result.reason


def test_record_without_name_fails() -> None:
    record = _record(BASE_CODE)
    record["ten_thu_tuc"] = " "
    result = import_portal_record(record, "x:4")
    assert isinstance(result, Failed) and "tên thủ tục" in result.reason


def test_record_without_decision_number_fails() -> None:
    record = _record(BASE_CODE)
    record["so_quyet_dinh"] = ""
    result = import_portal_record(record, "x:2")
    assert isinstance(result, Failed) and "số quyết định" in result.reason


def test_agency_unknown_without_folder_fails() -> None:
    record = _record(BASE_CODE)
    del record["_source_path"]
    record["so_quyet_dinh"] = "1766/QĐ-UBND"
    result = import_portal_record(record, "x:3")
    assert isinstance(result, Failed) and "cơ quan công bố" in result.reason


@pytest.mark.parametrize(("number", "issuer"), [
    ("Quyết định số 12/QĐ-BLĐTBXH", "bo-lao-dong-thuong-binh-va-xa-hoi"),
    ("345/QĐ-BCA-C06", "bo-cong-an"), ("7/QĐ-TCHQ", "bo-tai-chinh"),
    ("99/QĐ-BHXH", "bao-hiem-xa-hoi-viet-nam"), ("5/QĐ-TANDTC", "toa-an-nhan-dan-toi-cao"),
])
def test_agency_from_decision_issuer(number: str, issuer: str) -> None:
    record = _record(BASE_CODE)
    del record["_source_path"]
    record["so_quyet_dinh"] = number
    result = _import(record)
    assert result.data["co_quan_cong_bo"] == issuer
    assert result.path.startswith(f"content/procedures/{issuer}/")


# ------------------------------------------------------------------ hazard: decision numbers

@pytest.mark.parametrize(("published", "number", "noted"), [
    ("QĐ/0001-BCA", "0001/QĐ-BCA", True),
    ("QĐ/0001-BTP", "0001/QĐ-BTP", True),
    ("01/QĐCB", "01/QĐ-CB", True),
    ("2267./QĐ-BXD", "2267/QĐ-BXD", True),
    ("2628/QD-BTC", "2628/QĐ-BTC", True),
    ("SỐ 64/QĐ-NHNN", "64/QĐ-NHNN", False),
    ("2628/QĐ-BTC", "2628/QĐ-BTC", False),
])
def test_non_standard_decision_numbers(published: str, number: str, noted: bool) -> None:
    record = _record(BASE_CODE)
    record["so_quyet_dinh"] = published
    result = _import(record)
    assert result.data["quyet_dinh_cong_bo"] == number
    assert _errors(result.data) == []
    notes = [n for n in result.unsplit if n.startswith("quyet_dinh_cong_bo")]
    assert bool(notes) == noted
    if noted:
        assert published in notes[0]


# ------------------------------------------------------------------ hazard: missing fields

def test_empty_type_is_listed_not_invented() -> None:
    record = _record(BASE_CODE)
    record["loai_thu_tuc"] = ""
    result = _import(record)
    assert "loai" not in result.data
    assert result.data["thieu_thong_tin"] == ["loai"] and "loai" in result.missing
    assert _errors(result.data) == []


def test_internal_code_is_noi_bo_even_when_type_is_empty() -> None:
    result = _import(_record("6.005678"))
    assert result.data["loai"] == "noi_bo" and "thieu_thong_tin" not in result.data


def test_unpublished_sections_are_listed() -> None:
    record = _record(BASE_CODE)
    for key in ("can_cu_phap_ly", "thanh_phan_ho_so", "co_quan_thuc_hien"):
        record[key] = "Không có thông tin"
    record["raw_text"] = ""
    result = _import(record)
    assert result.data["thieu_thong_tin"] == [
        "co_quan_thuc_hien", "thanh_phan_ho_so", "can_cu_phap_ly"]
    assert _errors(result.data) == []


# ------------------------------------------------------------------ hazard: flattened cells

CHANNELS = ("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến5 Ngày làm việc50,000 Việt Nam "
            "Đồng(- 50.000đ/tem “AB”.)+ Trực tiếp: nộp hồ sơ tại trụ sở.Dịch vụ bưu chính"
            "3 NgàyMiễn phíTrực tiếp8 GiờKhông có thông tin")


def test_flattened_channel_rows_are_split() -> None:
    notes: list[str] = []
    missing: list[str] = []
    rows = parse_channels(CHANNELS, "", notes, missing)
    assert [(r["kenh"], r["thoi_han"]) for r in rows] == [
        ("truc_tuyen", {"so": 5, "don_vi": "ngay_lam_viec"}),
        ("buu_chinh", {"so": 3, "don_vi": "ngay"}),
        ("truc_tiep", {"so": 8, "don_vi": "gio"}),
    ]
    assert rows[0]["phi_le_phi"] == [{"loai": "phi", "don_vi_tien": "VND", "so_tien": 50000,
                                      "mo_ta": "50,000 Việt Nam Đồng (- 50.000đ/tem “AB”.)"}]
    assert rows[0]["mo_ta"] == "+ Trực tiếp: nộp hồ sơ tại trụ sở."
    assert rows[1]["phi_le_phi"][0]["so_tien"] == 0
    assert rows[2]["phi_le_phi"] == [] and missing == ["cach_thuc_thuc_hien.phi_le_phi"]
    assert notes == []


def test_flattened_dossier_rows_are_split() -> None:
    text = ("--Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai theo mẫu;Mus08.docx1 bản chính"
            "Giấy khai sinh;0 bản chính,1 bản saoHộ chiếu (2 bản chính)2 bản chính,1 bản sao")
    groups = parse_dossier(text, [])
    assert groups == [{"giay_to": [
        {"ten": "Tờ khai theo mẫu;", "so_ban_chinh": 1, "so_ban_sao": 0,
         "mau_don": {"ten": "Mus08", "tep": "Mus08.docx"}},
        {"ten": "Giấy khai sinh;", "so_ban_chinh": 0, "so_ban_sao": 1},
        {"ten": "Hộ chiếu (2 bản chính)", "so_ban_chinh": 2, "so_ban_sao": 1},
    ]}]


def test_quantity_quoted_inside_a_name_is_not_a_row() -> None:
    text = ("--Tên giấy tờMẫu đơn, tờ khaiSố lượnga) Tờ khai: nộp 02 bản chính tờ khai theo mẫu;"
            "1 bản chínhb) Giấy phép: 01 bản chính;1 bản chínhc) Hợp đồng ngày 01/01/2026"
            "0 bản chính,1 bản sao")
    names = [d["ten"] for d in parse_dossier(text, [])[0]["giay_to"]]  # type: ignore[index]
    assert names == ["a) Tờ khai: nộp 02 bản chính tờ khai theo mẫu;",
                     "b) Giấy phép: 01 bản chính;", "c) Hợp đồng ngày 01/01/2026"]


def test_legal_basis_name_and_code_cells_are_split() -> None:
    text = ("Tên văn bản pháp lýMã văn bảnLuật 54/2014/QH1354/2014/QH13Thông tư 92/2015/TT-BTC"
            "92/2015/TT-BTCLuật Các tổ chức tín dụngLuật số 32/2024/QH15Nghị định 23/2026/NĐ-CP"
            " về nước.NĐ 23/2026/NĐ-CP14/2025/TT-BNNMT14/2025/TT-BNNMTLuật Nhà ở "
            "201465/2014/QH13")
    notes: list[str] = []
    assert parse_legal_basis(text, notes) == [
        {"so_ky_hieu": "54/2014/QH13", "trich_yeu": "Luật 54/2014/QH13"},
        {"so_ky_hieu": "92/2015/TT-BTC", "trich_yeu": "Thông tư 92/2015/TT-BTC"},
        {"so_ky_hieu": "32/2024/QH15", "trich_yeu": "Luật Các tổ chức tín dụng"},
        {"so_ky_hieu": "23/2026/NĐ-CP", "trich_yeu": "Nghị định 23/2026/NĐ-CP về nước."},
        {"so_ky_hieu": "14/2025/TT-BNNMT"},
        {"so_ky_hieu": "65/2014/QH13", "trich_yeu": "Luật Nhà ở 2014"},
    ]
    assert notes == []


def test_legal_basis_without_readable_code_is_kept_verbatim() -> None:
    notes: list[str] = []
    items = parse_legal_basis("Tên văn bản pháp lýMã văn bảnLuật Các tổ chức tín dụng", notes)
    assert items == [{"so_ky_hieu": "Luật Các tổ chức tín dụng"}]
    assert notes and "giữ nguyên văn" in notes[0]


def test_result_code_and_page_chrome() -> None:
    result = _import(_record("1.001613"))
    assert result.data["ket_qua_thuc_hien"] == [
        {"ma": "KQ.G24.000053", "ten": "Tiền trợ cấp"},
        {"ma": "KQ.G24.000012", "ten": "Bản quá trình đóng BHXH"},
        {"ma": "KQ.G24.000030", "ten": "Quyết định về việc hưởng BHXH một lần"},
    ]
    assert not any("Chọn" in s or s == "Nộp hồ sơ" for s in _strings(result.data))


def test_keywords_cell() -> None:
    result = _import(_record("1.115132"))
    assert result.data["tu_khoa"] == ["Tài sản mã hóa, khai thuế"]


# ------------------------------------------------------------------ hazard: fees

def test_fee_contradiction_keeps_both_and_notes_it() -> None:
    result = _import(_record("1.002345"))
    fees = [f for c in result.data["cach_thuc_thuc_hien"] for f in c["phi_le_phi"]]
    assert fees and all("so_tien" not in f for f in fees)
    assert {f["mo_ta"] for f in fees} == {"Miễn phí (150.000 đồng/giấy)"}
    assert any("Miễn phí" in n and "không ghi so_tien" in n for n in result.unsplit)


@pytest.mark.parametrize(("cell", "expected"), [
    ("Trực tiếp5 Ngày làm việc10 USD(10 USD/người)",
     {"loai": "phi", "so_tien": 10, "don_vi_tien": "USD", "mo_ta": "10 USD (10 USD/người)"}),
    ("Trực tiếp0 GiờLệ phí : 1.5 USD",
     {"loai": "le_phi", "so_tien": 1.5, "don_vi_tien": "USD", "mo_ta": "Lệ phí : 1.5 USD"}),
    ("Trực tiếp30 Ngày làm việcPhí : 0 Đồng",
     {"loai": "phi", "so_tien": 0, "don_vi_tien": "VND", "mo_ta": "Phí : 0 Đồng"}),
    ("Trực tiếp7 Ngày làm việc15,000,000 VNĐ(đồng/lần cấp Miễn phí từ ngày 07/4/2026 "
     "đến 30/6/2026)",
     {"loai": "phi", "so_tien": 15000000, "don_vi_tien": "VND",
      "mo_ta": "15,000,000 VNĐ (đồng/lần cấp Miễn phí từ ngày 07/4/2026 đến 30/6/2026)"}),
    ("Trực tiếp7 Ngày150 VNĐ(150.000 đồng/lần/thẻ.)",
     {"loai": "phi", "don_vi_tien": "VND", "mo_ta": "150 VNĐ (150.000 đồng/lần/thẻ.)"}),
    ("Trực tiếp1Miễn phí(Mức lệ phí do Hội đồng nhân dân tỉnh quyết định.)",
     {"loai": "le_phi", "so_tien": 0, "don_vi_tien": "VND",
      "mo_ta": "Miễn phí (Mức lệ phí do Hội đồng nhân dân tỉnh quyết định.)"}),
])
def test_conditional_and_foreign_currency_fees(cell: str, expected: dict[str, Any]) -> None:
    rows = parse_channels(cell, "", [], [])
    assert rows[0]["phi_le_phi"] == [expected]


# ------------------------------------------------------------------ hazard: time

def test_time_without_unit_is_kept_verbatim_and_noted() -> None:
    notes: list[str] = []
    rows = parse_channels("Trực tuyến1Miễn phíDịch vụ bưu chính1Miễn phí", "", notes, [])
    assert [r["thoi_han"] for r in rows] == [{"mo_ta": "1"}] * 2  # no unit is invented
    assert set(notes) == {"cach_thuc_thuc_hien: thời hạn '1' không có đơn vị, giữ nguyên văn "
                          "trong mo_ta"}


def test_time_unit_taken_from_the_records_own_prose() -> None:
    notes: list[str] = []
    context = "Bước 2: Trong thời hạn 20 ngày, kể từ ngày 15 tháng 4, cơ quan trả lời."
    rows = parse_channels("Trực tiếp20Miễn phí", context, notes, [])
    assert rows[0]["thoi_han"] == {"so": 20, "don_vi": "ngay", "mo_ta": "20"}
    assert "lấy theo mô tả" in notes[0]


def test_time_in_prose_and_unpublished_time() -> None:
    missing: list[str] = []
    rows = parse_channels("Trực tuyếnKhông phải trả kết quảKhông có thông tinQua Cổng."
                          "Trực tiếpKhông có thông tinMiễn phí", "", [], missing)
    assert rows[0]["thoi_han"]["mo_ta"] == "Không phải trả kết quả"
    assert rows[0]["mo_ta"] == "Qua Cổng."
    assert rows[1]["thoi_han"]["mo_ta"] == "Không có thông tin"
    assert "cach_thuc_thuc_hien.thoi_han" in missing


# ------------------------------------------------------------------ hazard: 0/0 dossier rows

def test_zero_rows_become_notes_never_documents() -> None:
    notes: list[str] = []
    text = ("* Giấy tờ phải nộp:Tên giấy tờMẫu đơn, tờ khaiSố lượng"
            "Trường hợp không khai thác được thông tin thì xuất trình bản chính.0 bản chính"
            "- Tờ khai theo mẫu;1 bản chính- Trường hợp gửi qua bưu chính thì gửi bản sao."
            "0 bản chính* Lưu ý:Tên giấy tờMẫu đơn, tờ khaiSố lượng- Cá nhân có quyền lựa chọn."
            "0 bản chính")
    assert parse_dossier(text, notes) == [{"truong_hop": "* Giấy tờ phải nộp:", "giay_to": [
        {"ten": "- Tờ khai theo mẫu;", "so_ban_chinh": 1, "so_ban_sao": 0,
         "ghi_chu": "Trường hợp không khai thác được thông tin thì xuất trình bản chính.\n"
                    "- Trường hợp gửi qua bưu chính thì gửi bản sao.\n"
                    "* Lưu ý:\n- Cá nhân có quyền lựa chọn."}]}]
    assert notes == ["thanh_phan_ho_so: 3 dòng ghi 0 bản chính, 0 bản sao là ghi chú/tiêu đề, "
                     "ghép vào ghi_chu của giấy tờ liền kề"]


def test_zero_row_that_names_a_document_stays_a_document() -> None:
    notes: list[str] = []
    text = ("--Tên giấy tờMẫu đơn, tờ khaiSố lượngd) Báo giá của ít nhất 02 hãng hàng không;"
            "0 bản chính")
    groups = parse_dossier(text, notes)
    assert groups == [{"giay_to": [{"ten": "d) Báo giá của ít nhất 02 hãng hàng không;",
                                    "so_ban_chinh": 0, "so_ban_sao": 0}]}]
    assert "giữ như công bố" in notes[0]


def test_dossier_with_no_document_is_listed_missing_with_text_noted() -> None:
    record = _record(BASE_CODE)
    record["thanh_phan_ho_so"] = ("Tên giấy tờMẫu đơn, tờ khaiSố lượng- Lưu ý: nộp tại xã."
                                  "0 bản chính")
    record["raw_text"] = ""
    result = _import(record)
    assert "thanh_phan_ho_so" in result.data["thieu_thong_tin"]
    assert any("- Lưu ý: nộp tại xã." in n for n in result.unsplit)


def test_multi_case_dossier() -> None:
    groups = _import(_record("1.000005")).data["thanh_phan_ho_so"]
    assert [g["truong_hop"] for g in groups] == [
        "1. Chứng từ phải nộp", "2. Hồ sơ hải quan đối với xuất khẩu xăng dầu, hóa chất, khí:",
        "3. Hồ sơ hải quan đối với tái xuất xăng dầu, hóa chất, khí:"]
    assert [len(g["giay_to"]) for g in groups] == [8, 8, 3]


# ------------------------------------------------------------------ hazard: form file names

@pytest.mark.parametrize(("cell", "name", "files"), [
    ("Tờ khai theo Mẫu;Mau 7.7.docx", "Tờ khai theo Mẫu;", ["Mau 7.7.docx"]),
    ("Tờ khai (Thông tư 22/2023/TT-BCA của Bộ Công an.NA15.pdf",
     "Tờ khai (Thông tư 22/2023/TT-BCA của Bộ Công an.", ["NA15.pdf"]),
    ("Văn bản đề nghị ... ký tên, đóng dấuMẫu số 01.docx",
     "Văn bản đề nghị ... ký tên, đóng dấu", ["Mẫu số 01.docx"]),
    ("Đơn theo Nghị định số 32/2026/NĐ-CPmau so 09.QLT. NK.docx",
     "Đơn theo Nghị định số 32/2026/NĐ-CP", ["mau so 09.QLT. NK.docx"]),
    ("Báo cáo ngày 05/5/2025PL 01 Bao cao 14.4_Approved (1).docx.docx",
     "Báo cáo ngày 05/5/2025", ["PL 01 Bao cao 14.4_Approved (1).docx.docx"]),
    ("Văn bản đề nghị theo mẫu1.002899.docx", "Văn bản đề nghị theo mẫu", ["1.002899.docx"]),
    ("b) Danh mục nội dung.Phụ lục I- tt55.docxPhụ lục II- tt55.docx",
     "b) Danh mục nội dung.", ["Phụ lục I- tt55.docx", "Phụ lục II- tt55.docx"]),
    ("Sơ yếu lý lịch cỡ 4x6cm, KHÔNG CẦN XÁC NHẬN,33-Mẫu số 02-Sơ yếu lý lịch.doc",
     "Sơ yếu lý lịch cỡ 4x6cm, KHÔNG CẦN XÁC NHẬN,", ["33-Mẫu số 02-Sơ yếu lý lịch.doc"]),
    ("theo Thông tư 13/2016/TT-BNNPTNT;PHỤ LỤC VIII.MẪU TÓM TẮT.docx",
     "theo Thông tư 13/2016/TT-BNNPTNT;", ["PHỤ LỤC VIII.MẪU TÓM TẮT.docx"]),
    ("Giấy tờ không có mẫu", "Giấy tờ không có mẫu", []),
])
def test_form_file_names(cell: str, name: str, files: list[str]) -> None:
    assert split_form_files(cell) == (name, files)


def test_form_file_with_lost_diacritics_goes_to_mau_don_as_written() -> None:
    documents = [d for g in _import(_record("1.003160")).data["thanh_phan_ho_so"]
                 for d in g["giay_to"]]
    forms = [d["mau_don"] for d in documents if "mau_don" in d]
    assert {"ten": "1.nxinnhnconnui", "tep": "1.nxinnhnconnui.doc"} in forms


# ------------------------------------------------------------------ steps, crawl repair

def test_steps_from_lines_and_inline_markers() -> None:
    assert parse_steps("Bước 1: Nộp hồ sơ. Bước 2: Nhận kết quả.") == [
        {"buoc": ["Bước 1: Nộp hồ sơ.", "Bước 2: Nhận kết quả."]}]
    assert parse_steps("Trình tự thực hiện:\n- Nộp hồ sơ;\n+ tại xã\n- Nhận kết quả.") == [
        {"buoc": ["Trình tự thực hiện:", "- Nộp hồ sơ;\n+ tại xã", "- Nhận kết quả."]}]


def test_steps_grouped_by_case_heading() -> None:
    text = ("Chung cho mọi trường hợp\na) Trường hợp nộp trực tiếp\nBước 1: Nộp.\nBước 2: Nhận."
            "\nb) Trường hợp nộp trực tuyến\nBước 1: Gửi.\nBước 2: Tải về.")
    assert parse_steps(text) == [
        {"buoc": ["Chung cho mọi trường hợp"]},
        {"truong_hop": "a) Trường hợp nộp trực tiếp", "buoc": ["Bước 1: Nộp.", "Bước 2: Nhận."]},
        {"truong_hop": "b) Trường hợp nộp trực tuyến", "buoc": ["Bước 1: Gửi.", "Bước 2: Tải về."]},
    ]


def test_sections_cut_by_the_crawl_are_recut_from_raw_text() -> None:
    record = _record("1.001613")
    assert "Tên giấy tờ" not in record["thanh_phan_ho_so"]
    result = _import(record)
    steps = result.data["trinh_tu_thuc_hien"][0]["buoc"]
    assert steps[0].startswith("Bước 1. Lập, nộp hồ sơ NLĐ lập hồ sơ theo quy định tại mục 9.3")
    assert len(steps) == 3
    assert [len(g["giay_to"]) for g in result.data["thanh_phan_ho_so"]] == [1, 6, 1]


def test_related_procedures_keep_codes_only() -> None:
    record = _record(BASE_CODE)
    record["thu_tuc_lien_quan"] = f"1.000894 Đăng ký kết hôn; 2.000528; {BASE_CODE}"
    assert _import(record).data["thu_tuc_lien_quan"] == ["1.000894", "2.000528"]
    named = _import(_record("5.003811"))
    assert "thu_tuc_lien_quan" not in named.data
    assert any(n.startswith("thu_tuc_lien_quan: thủ tục liên quan không có mã") for n in
               named.unsplit)


def test_vocabulary_ids_and_labels() -> None:
    result = _import(_record("1.001327"))
    assert result.data["doi_tuong_thuc_hien"] == [
        "cong-dan-viet-nam", "to-chuc-khong-bao-gom-doanh-nghiep-htx",
        "can-bo-cong-chuc-vien-chuc"]
    assert result.labels["doi_tuong"]["can-bo-cong-chuc-vien-chuc"] == (
        "Cán bộ, công chức, viên chức")
    assert result.labels["linh_vuc"] == {"chinh-sach": "Chính sách"}
    assert result.data["cap_thuc_hien"] == ["bo"]


def test_restart_without_heading_keeps_one_group_and_all_text() -> None:
    text = "a) Trường hợp A\nBước 1: X.\nBước 2: Y.\nGhi chú chung\nBước 1: Z."
    assert parse_steps(text) == [{"buoc": [
        "a) Trường hợp A", "Bước 1: X.", "Bước 2: Y.\nGhi chú chung", "Bước 1: Z."]}]
