"""Word-export importer (Bộ Quốc phòng CSDL export): goldens, real-data hazards, determinism.

Inputs are real records copied into tests/data/import/word_export/ (see its README). The golden
files are the exact text `tthc import` writes. To regenerate them after a deliberate change,
then review the diff against the source records:

    TTHC_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_import_word_export.py \
        tests/test_import_decisions.py
"""

from __future__ import annotations

import copy
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from generator.importers.records import Failed, Imported
from generator.importers.text import iso_date, parse_number, split_list_keeping, tidy
from generator.importers.word_export import import_word_export_record
from generator.importers.writer import Writer
from generator.schemas import SchemaSet, schema_folder

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "import" / "word_export"
REGEN = os.environ.get("TTHC_REGEN_GOLDEN") == "1"


@cache
def records(name: str) -> dict[str, dict[str, Any]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return {item["thu_tuc_id"]: item for item in map(json.loads, filter(None, lines))}


def record(ma: str) -> dict[str, Any]:
    found = records("records.jsonl").get(ma) or records("hazards.jsonl")[ma]
    return copy.deepcopy(found)


def imported(source: dict[str, Any]) -> Imported:
    result = import_word_export_record(source, "test.jsonl:1")
    assert isinstance(result, Imported), result
    return result


def render(result: Imported) -> str:
    """The file text exactly as `tthc import` writes it."""
    return Writer(ROOT, schema_folder(ROOT)).text(result.path, result.kind, result.data)


def channels(result: Imported) -> list[dict[str, Any]]:
    value: list[dict[str, Any]] = result.data["cach_thuc_thuc_hien"]
    return value


def documents(result: Imported) -> list[dict[str, Any]]:
    return [doc for group in result.data["thanh_phan_ho_so"] for doc in group["giay_to"]]


def laws(result: Imported) -> dict[str, dict[str, Any]]:
    return {law["so_ky_hieu"]: law for law in result.data["can_cu_phap_ly"]}


GOLDEN = sorted(records("records.jsonl"))
IMPORTABLE = [*GOLDEN, "1.013196", "1.013591", "1.013194", "1.013616"]


# ------------------------------------------------------------------ golden, schema, determinism

@pytest.mark.parametrize("ma", GOLDEN)
def test_golden(ma: str) -> None:
    text = render(imported(record(ma)))
    golden = DATA / "golden" / f"{ma}.yaml"
    if REGEN:
        golden.write_text(text, encoding="utf-8")
    assert golden.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("ma", IMPORTABLE)
def test_output_passes_the_procedure_schema(ma: str) -> None:
    validator = SchemaSet(ROOT / "schemas").validators["procedure"]
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in validator.iter_errors(imported(record(ma)).data)]
    assert errors == []


@pytest.mark.parametrize("ma", IMPORTABLE)
def test_same_input_gives_the_same_text(ma: str) -> None:
    first, second = imported(record(ma)), imported(record(ma))
    assert render(first) == render(second)
    assert (first.unsplit, first.missing, first.labels) == \
        (second.unsplit, second.missing, second.labels)


def test_path_agency_and_labels() -> None:
    result = imported(record("1.013124"))
    assert result.kind == "procedure"
    assert result.path == "content/procedures/bo-quoc-phong/1.013124.yaml"
    assert result.data["co_quan_cong_bo"] == "bo-quoc-phong"
    assert result.data["quyet_dinh_cong_bo"] == "6225/QĐ-BQP"
    assert result.labels["agency"] == {"bo-quoc-phong": "Bộ Quốc phòng"}
    assert result.labels["linh_vuc"] == {"ung-pho-su-co-tran-dau": "Ứng phó sự cố tràn dầu"}
    assert result.labels["doi_tuong"]["to-chuc-khong-bao-gom-doanh-nghiep-htx"] == \
        "Tổ chức (không bao gồm doanh nghiệp, HTX)"
    assert result.data["doi_tuong_thuc_hien"] == list(result.labels["doi_tuong"])


def test_applicant_names_with_commas_stay_whole() -> None:
    result = imported(record("1.013617"))
    assert result.data["doi_tuong_thuc_hien"] == ["can-bo-cong-chuc-vien-chuc"]
    assert result.labels["doi_tuong"] == \
        {"can-bo-cong-chuc-vien-chuc": "Cán bộ, công chức, viên chức"}


# ------------------------------------------------------------------ channels: time and fees

def test_time_with_unit() -> None:
    assert channels(imported(record("1.013124")))[0]["thoi_han"] == \
        {"so": 30, "don_vi": "ngay_lam_viec"}
    assert channels(imported(record("1.013575")))[0]["thoi_han"] == {"so": 0, "don_vi": "gio"}


def test_time_without_unit_is_kept_in_words_and_reported() -> None:
    result = imported(record("1.013629"))
    for channel in channels(result):
        assert channel["thoi_han"] == {"mo_ta": "10-25"}
        assert channel["mo_ta"] == "10-25 ngày kể từ ngày nhận được hồ sơ hợp lệ."
    assert any("'10-25' không có đơn vị" in note for note in result.unsplit)


def test_time_in_words_is_kept_verbatim() -> None:
    result = imported(record("1.013577"))
    assert channels(result)[0]["thoi_han"] == \
        {"mo_ta": "Chậm nhất là ngay trước khi tàu rời cảng"}
    assert not [note for note in result.unsplit if "thoi_han" in note]


def test_empty_time_and_fee_are_reported_not_invented() -> None:
    result = imported(record("3.000421"))
    channel = channels(result)[0]
    assert channel["thoi_han"] == {"mo_ta": "Không có thông tin"}
    assert channel["phi_le_phi"] == []
    assert "cach_thuc_thuc_hien[0].thoi_han: để trống" in result.missing
    assert "cach_thuc_thuc_hien[0].phi_le_phi: để trống, ghi []" in result.missing


def test_thousands_separators_in_fees() -> None:
    fees = channels(imported(record("1.013541")))[0]["phi_le_phi"]
    assert [fee["so_tien"] for fee in fees] == [2000000, 3500000, 4000000, 5000000]
    assert all(isinstance(fee["so_tien"], int) and fee["don_vi_tien"] == "VND" for fee in fees)
    assert fees[0]["mo_ta"] == ("2.000.000 Đồng (Thẩm định cấp phép sử dụng vật liệu nổ công "
                                "nghiệp phục vụ nghiên cứu, kiểm định, thử nghiệm)")


def test_fees_in_usd_and_decimals() -> None:
    fees = channels(imported(record("1.013575")))[0]["phi_le_phi"]
    assert [(f["loai"], f["so_tien"], f["don_vi_tien"]) for f in fees] == \
        [("le_phi", 1, "USD"), ("le_phi", 0.5, "USD"), ("le_phi", 20000, "VND")]


def test_fee_without_condition_has_no_description() -> None:
    fee = {"hinh_thuc": "Trực tiếp", "thoi_han_giai_quyet": "5 Ngày", "mo_ta": "",
           "phi_le_phi": "Lệ phí : 1.5 USD\nPhí : 50.000 Đồng"}
    source = record("1.013124")
    source["tables"]["hinh_thuc_nop"] = [fee]
    assert channels(imported(source))[0]["phi_le_phi"] == [
        {"loai": "le_phi", "so_tien": 1.5, "don_vi_tien": "USD"},
        {"loai": "phi", "so_tien": 50000, "don_vi_tien": "VND"}]


def test_fee_written_as_khong_is_zero() -> None:
    assert channels(imported(record("1.013577")))[0]["phi_le_phi"] == \
        [{"loai": "phi", "so_tien": 0, "don_vi_tien": "VND"}]


def test_fee_that_is_not_a_number_stays_in_words() -> None:
    result = imported(record("1.013194"))
    assert channels(result)[3]["phi_le_phi"] == \
        [{"loai": "phi", "don_vi_tien": "VND", "mo_ta": "o Đồng"}]
    assert "cach_thuc_thuc_hien[3].phi_le_phi: không tách được số tiền, giữ ở mo_ta" in \
        result.unsplit


def test_unreadable_fee_text_is_kept_in_the_channel() -> None:
    source = record("1.013124")
    source["tables"]["hinh_thuc_nop"][0]["phi_le_phi"] = "Theo quy định của Bộ Tài chính"
    result = imported(source)
    assert channels(result)[0]["phi_le_phi"] == []
    assert channels(result)[0]["mo_ta"] == "Theo quy định của Bộ Tài chính"
    assert not [note for note in result.missing if "phi_le_phi" in note]


def test_attached_file_line_joins_the_fee_above() -> None:
    source = record("1.013124")
    source["tables"]["hinh_thuc_nop"][0]["phi_le_phi"] = (
        "Phí :  Đồng (Theo quy định của Bộ Tài chính)\nFile đính kèm: 62-btc.signed.pdf")
    assert channels(imported(source))[0]["phi_le_phi"] == [
        {"loai": "phi", "don_vi_tien": "VND",
         "mo_ta": "Theo quy định của Bộ Tài chính\nFile đính kèm: 62-btc.signed.pdf"}]


# ------------------------------------------------------------------ dossier

def test_form_file_becomes_mau_don() -> None:
    docs = documents(imported(record("1.013124")))
    assert docs[1]["mau_don"] == {"ten": "5-PHLCII.doc", "tep": "5-PHLCII.doc"}
    assert (docs[1]["so_ban_chinh"], docs[1]["so_ban_sao"]) == (1, 0)
    assert "mau_don" not in docs[0]


def test_zero_zero_heading_rows_become_cases_not_documents() -> None:
    source = record("1.013616")
    result = imported(source)
    groups = result.data["thanh_phan_ho_so"]
    assert [group["truong_hop"].split(":")[0] for group in groups] == \
        ["Trường hợp 1", "Trường hợp 2"]
    names = [doc["ten"] for doc in documents(result)]
    assert not any(name.startswith("Trường hợp") for name in names)
    assert len(names) == len(source["tables"]["thanh_phan_ho_so"]) - 2
    assert groups[0]["truong_hop"].endswith("\nTệp mẫu: Mus03.docx; Mus01a.docx")


def test_zero_zero_rows_that_name_documents_stay_documents() -> None:
    result = imported(record("1.013645"))
    counts = [(doc["so_ban_chinh"], doc["so_ban_sao"]) for doc in documents(result)]
    assert counts == [(0, 0), (0, 0), (0, 0), (0, 1), (0, 0)]
    assert "thanh_phan_ho_so: 4 giấy tờ ghi 0 bản chính, 0 bản sao (giữ như đã công bố)" in \
        result.unsplit


def test_zero_zero_note_row_is_a_note_never_a_document() -> None:
    source = record("1.013124")
    rows = source["tables"]["thanh_phan_ho_so"]
    rows.append({"ten_giay_to": "Lưu ý: nộp kèm bản điện tử nếu có.", "so_luong": "",
                 "ghi_chu": "Bản chính: 0\nBản sao: 0"})
    docs = documents(imported(source))
    assert len(docs) == 2
    assert docs[-1]["ghi_chu"] == "Lưu ý: nộp kèm bản điện tử nếu có."


def test_several_form_files() -> None:
    result = imported(record("1.013196"))
    multiple = [doc for doc in documents(result) if "ghi_chu" in doc]
    assert multiple and multiple[0]["ghi_chu"].startswith("Tệp mẫu khác: ")
    assert "mau_don" in multiple[0]


# ------------------------------------------------------------------ legal basis

def test_number_only_symbol_is_completed_from_the_title() -> None:
    law = laws(imported(record("1.013124")))["12/2021/QĐ-TTg"]
    assert law["ngay_ban_hanh"] == "2021-03-24"
    assert law["co_quan_ban_hanh"] == "Thủ tướng Chính phủ"
    assert "34/2023/NĐ-CP" in laws(imported(record("1.013591")))


def test_date_contradicting_the_title_is_kept_and_reported() -> None:
    result = imported(record("1.013196"))
    assert laws(result)["13/2024/TT-BQP"]["ngay_ban_hanh"] == "2024-04-18"
    assert any("13/2024/TT-BQP: ngày ban hành 2024-04-18 khác ngày trong trích yếu (18/3/2024)"
               in note for note in result.unsplit)


def test_unrecoverable_symbols_are_kept_as_published() -> None:
    result = imported(record("1.013577"))
    found = laws(result)
    assert found["54"] == {"so_ky_hieu": "54", "trich_yeu": "Luật Hải quan 2014",
                           "ngay_ban_hanh": "2014-06-23"}
    assert found["BỘ LUẬT HÀNG HẢI VIỆT NAM"] == \
        {"so_ky_hieu": "BỘ LUẬT HÀNG HẢI VIỆT NAM", "ngay_ban_hanh": "2015-11-25"}
    assert "can_cu_phap_ly: số ký hiệu '54' không đủ, giữ như đã công bố" in result.unsplit


def test_prefixed_symbols_and_iso_dates() -> None:
    result = imported(record("1.013645"))
    assert laws(result)["10/2025/QĐ-TTg"] == {"so_ky_hieu": "10/2025/QĐ-TTg",
                                               "ngay_ban_hanh": "2025-04-19",
                                               "co_quan_ban_hanh": "Thủ tướng Chính phủ"}
    for ma in IMPORTABLE:
        for law in imported(record(ma)).data.get("can_cu_phap_ly", []):
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", law.get("ngay_ban_hanh", "2000-01-01"))


def test_no_legal_basis_is_listed_as_not_published() -> None:
    result = imported(record("1.013555"))
    assert "can_cu_phap_ly" not in result.data
    assert result.data["thieu_thong_tin"] == ["can_cu_phap_ly"]
    assert "can_cu_phap_ly" in result.missing


# ------------------------------------------------------------------ other sections

def test_steps_are_split_on_buoc_and_kept_verbatim() -> None:
    source = record("1.013124")
    steps = imported(source).data["trinh_tu_thuc_hien"]
    assert len(steps) == 1 and len(steps[0]["buoc"]) == 3
    assert steps[0]["buoc"][1].startswith("Bước 2: Trong thời hạn 30 ngày làm việc")
    assert " ".join(steps[0]["buoc"]) == tidy(source["content"]["trình_tự_thực_hiện"])


def test_steps_without_buoc_are_one_verbatim_step() -> None:
    result = imported(record("1.013541"))
    assert len(result.data["trinh_tu_thuc_hien"][0]["buoc"]) == 1
    assert "trinh_tu_thuc_hien: không có 'Bước N:', giữ nguyên văn một mục" in result.unsplit


def test_no_information_leaves_optional_fields_out() -> None:
    data = imported(record("1.013124")).data
    for key in ("co_quan_duoc_uy_quyen", "co_quan_phoi_hop", "dia_chi_tiep_nhan", "tu_khoa"):
        assert key not in data
    assert data["yeu_cau_dieu_kien"] is None  # published as "Không"
    assert "thieu_thong_tin" not in data


def test_kind_and_levels() -> None:
    assert imported(record("1.013124")).data["loai"] == "duoc_luat_giao"
    source = record("1.013124")
    source["metadata"]["loại_thủ_tục"] = ("TTHC không được luật giao cho địa phương quy định "
                                          "hoặc quy định chi tiết")
    source["metadata"]["cấp_thực_hiện"] = "Cấp Bộ, Cấp Tỉnh, Cấp Xã, Cơ quan khác"
    data = imported(source).data
    assert data["loai"] == "khong_duoc_luat_giao"
    assert data["cap_thuc_hien"] == ["bo", "tinh", "xa", "khac"]


def test_district_level_of_a_pre_2025_record() -> None:
    source = record("1.013124")
    source["metadata"]["cấp_thực_hiện"] = "Cấp Tỉnh, Cấp Huyện, Cấp Xã"
    result = imported(source)
    assert result.data["cap_thuc_hien"] == ["tinh", "huyen", "xa"]
    validator = SchemaSet(ROOT / "schemas").validators["procedure"]
    assert list(validator.iter_errors(result.data)) == []


def test_empty_required_fields_go_to_thieu_thong_tin() -> None:
    source = record("1.013124")
    source["metadata"]["loại_thủ_tục"] = ""
    source["content"]["kết_quả_thực_hiện"] = "Không có thông tin"
    source["content"]["cơ_quan_thực_hiện"] = ""
    result = imported(source)
    assert result.data["thieu_thong_tin"] == ["loai", "co_quan_thuc_hien", "ket_qua_thuc_hien"]
    assert result.missing == ["loai", "co_quan_thuc_hien", "ket_qua_thuc_hien"]
    validator = SchemaSet(ROOT / "schemas").validators["procedure"]
    assert list(validator.iter_errors(result.data)) == []


def test_decision_number_without_symbol_takes_the_announcing_ministry_and_says_so() -> None:
    """"Quyết định số 4777": every record of this export is announced by Bộ Quốc phòng."""
    result = import_word_export_record(record("1.013199"), "test.jsonl:4")
    assert isinstance(result, Imported)
    assert result.data["quyet_dinh_cong_bo"] == "4777/QĐ-BQP"
    assert any("Quyết định số 4777" in note and "suy" in note for note in result.unsplit)


def test_decision_number_without_any_number_fails() -> None:
    source = record("1.013199")
    source["metadata"]["số_quyết_định"] = "Quyết định số"
    result = import_word_export_record(source, "test.jsonl:4")
    assert isinstance(result, Failed)


def test_bad_code_fails() -> None:
    source = record("1.013124")
    source["metadata"]["mã_thủ_tục"] = "1.01312"
    assert isinstance(import_word_export_record(source, "x"), Failed)


# ------------------------------------------------------------------ text helpers used here

@pytest.mark.parametrize(("text", "number"), [
    ("2.000.000", 2000000), ("50.000", 50000), ("50,000", 50000), ("20000", 20000),
    ("07", 7), ("0", 0), ("1.5", 1.5), ("1,5", 1.5), ("0.5", 0.5), ("o", None), ("", None),
    ("12.5.3", None), ("0.500", 0.5), ("1.500", 1500)])
def test_parse_number(text: str, number: float | None) -> None:
    assert parse_number(text) == number
    assert type(parse_number(text)) is type(number)


def test_iso_date_and_tidy_and_split() -> None:
    assert iso_date("24-03-2021") == "2021-03-24"
    assert iso_date("3/8/2020") == "2020-08-03"
    assert iso_date("31-02-2021") is None
    assert tidy("1.\tĐơn  khiếu nại\n-\tGiấy uỷ quyền ") == "1. Đơn khiếu nại\n- Giấy uỷ quyền"
    assert tidy("Không có thông tin") is None
    assert split_list_keeping("Công dân Việt Nam, Cán bộ, công chức, viên chức",
                              ("Cán bộ, công chức, viên chức",)) == \
        ["Công dân Việt Nam", "Cán bộ, công chức, viên chức"]
