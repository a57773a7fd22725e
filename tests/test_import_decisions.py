"""Decision importer: 1766/QĐ-UBND complete, partial decisions, hazards, determinism.

Inputs are real records copied into tests/data/import/decisions/ (see its README), with the
full published text of 1766/QĐ-UBND to check the annex against. The golden files are the exact
text `tthc import` writes. To regenerate them after a deliberate change, then review the diff:

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

from generator.crosscheck import decision_slug
from generator.importers.decisions import import_decision, import_decisions
from generator.importers.records import Imported
from generator.importers.text import nfc
from generator.importers.writer import Writer
from generator.schemas import SchemaSet, schema_folder

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "import" / "decisions"
REGEN = os.environ.get("TTHC_REGEN_GOLDEN") == "1"
GOLDEN = ["1766/QĐ-UBND", "1329/QĐ-BTP", "4245/QĐ-BCA-QLXNC"]


@cache
def _records() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads((DATA / "decisions.json").read_text(encoding="utf-8")))


def records() -> list[dict[str, Any]]:
    return copy.deepcopy(list(_records()))


def source(number: str) -> dict[str, Any]:
    return next(item for item in records() if item["number"] == number)


def imported(number: str) -> Imported:
    result = import_decision(source(number), "decisions.json:1")
    assert isinstance(result, Imported), result
    return result


def render(result: Imported) -> str:
    """The file text exactly as `tthc import` writes it."""
    return Writer(ROOT, schema_folder(ROOT)).text(result.path, result.kind, result.data)


def annex_rows() -> list[list[str]]:
    """Numbered rows of the annex tables in the published text of 1766/QĐ-UBND."""
    text = nfc((DATA / "decision_1766_QD-UBND_binh_thuan_2020.md").read_text(encoding="utf-8"))
    return [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in text.splitlines() if re.match(r"\| \d+ \|", line)]


# ------------------------------------------------------------------ golden, schema, determinism

@pytest.mark.parametrize("number", GOLDEN)
def test_golden(number: str) -> None:
    text = render(imported(number))
    golden = DATA / "golden" / f"{decision_slug(number)}.yaml"
    if REGEN:
        golden.write_text(text, encoding="utf-8")
    assert golden.read_text(encoding="utf-8") == text


def test_every_written_decision_passes_the_schema() -> None:
    validator = SchemaSet(ROOT / "schemas").validators["decision"]
    results = import_decisions(records(), "decisions.json")
    written = [result for result in results if isinstance(result, Imported)]
    assert len(written) == len(results)  # every decision gets a file, partial ones marked
    for result in written:
        assert [e.message for e in validator.iter_errors(result.data)] == [], result.path


def test_same_input_gives_the_same_text() -> None:
    first = import_decisions(records(), "decisions.json")
    second = import_decisions(records(), "decisions.json")
    assert [render(r) if isinstance(r, Imported) else r.reason for r in first] == \
        [render(r) if isinstance(r, Imported) else r.reason for r in second]


def test_decision_without_any_known_annex_item_is_written_as_incomplete() -> None:
    """Known only by its header: a file that says so, with no invented annex."""
    result = import_decision(source("712/QĐ-UBND"), "decisions.json:5")
    assert isinstance(result, Imported)
    assert "danh_muc" not in result.data
    assert "Chưa biết thủ tục nào trong phụ lục" in result.data["chua_day_du"]
    assert any(note.startswith("danh_muc: chưa biết thủ tục nào") for note in result.missing)


# ------------------------------------------------------------------ 1766/QĐ-UBND, complete

def test_1766_is_complete() -> None:
    result = imported("1766/QĐ-UBND")
    data = result.data
    assert result.path == "content/decisions/tinh-binh-thuan/2020/1766-qd-ubnd.yaml"
    assert "chua_day_du" not in data
    assert data["trich_yeu"].startswith("Về việc công bố danh mục thủ tục hành chính được sửa")
    assert data["nguoi_ky"] == {"ho_ten": "Nguyễn Ngọc Hai", "chuc_vu": "Chủ tịch"}
    assert data["ngay_ban_hanh"] == data["ngay_hieu_luc"] == "2020-08-03"
    assert len(data["can_cu"]) == 5
    assert not any(ground.startswith("Căn cứ") for ground in data["can_cu"])
    assert result.labels == {"agency": {"tinh-binh-thuan": "Ủy ban nhân dân tỉnh Bình Thuận"},
                             "agency_type": {"tinh-binh-thuan": "tinh"}}


def test_1766_effective_date_follows_the_text_when_the_record_has_none() -> None:
    record = source("1766/QĐ-UBND")
    record["effective_date"] = None
    result = import_decision(record, "x")
    assert isinstance(result, Imported)
    assert result.data["ngay_hieu_luc"] == "2020-08-03"  # "có hiệu lực kể từ ngày ký ban hành"


def test_1766_annex_matches_the_published_tables() -> None:
    annex = imported("1766/QĐ-UBND").data["danh_muc"]
    assert sorted(annex) == ["bai_bo", "sua_doi_bo_sung"]
    assert (len(annex["sua_doi_bo_sung"]), len(annex["bai_bo"])) == (50, 21)
    rows = annex_rows()
    assert len(rows) == 71
    for item, row in zip(annex["sua_doi_bo_sung"], rows[:50], strict=True):
        local = item["thong_tin_dia_phuong"]
        postal = {True: "Có", False: "Không", None: ""}[local.get("buu_chinh_cong_ich")]
        assert [item.get("ma", ""), item["ten"], local["thoi_han"],
                local.get("muc_do_dich_vu_cong", ""), postal, local["dia_diem"],
                local["phi_le_phi"], local["can_cu_phap_ly"]] == row[1:9]
    for item, row in zip(annex["bai_bo"], rows[50:], strict=True):
        code = item.get("ma", "Không có mã số")
        assert [code, item["ten"]] == row[1:3]
        assert item["ghi_chu"].endswith(row[3])


def test_1766_local_details_as_published() -> None:
    items = imported("1766/QĐ-UBND").data["danh_muc"]["sua_doi_bo_sung"]
    local = [item["thong_tin_dia_phuong"] for item in items]
    assert {entry.get("muc_do_dich_vu_cong") for entry in local} == {"2", "3", "4", None}
    assert {entry.get("buu_chinh_cong_ich") for entry in local} == {True, False, None}
    assert local[0]["buu_chinh_cong_ich"] is False and local[6 + 5 + 5]["buu_chinh_cong_ich"]
    # 2.002039 (Thủ tục nhập quốc tịch Việt Nam) leaves both columns empty in the annex
    assert items[17]["ma"] == "2.002039" and "muc_do_dich_vu_cong" not in local[17]
    assert ("danh_muc: 'Thủ tục nhập quốc tịch Việt Nam…': phụ lục để trống muc_do_dich_vu_cong, "
            "buu_chinh_cong_ich") in imported("1766/QĐ-UBND").missing
    assert items[31]["ten"].startswith("Chuyển đổi công ty luật trách nhiệm hữu hạn")
    assert "ma" not in items[31]  # the published row has no code


def test_1766_count_mismatch_is_reported() -> None:
    result = imported("1766/QĐ-UBND")
    assert "danh_muc: phụ lục công bố 51 TTHC sửa đổi, bổ sung nhưng chỉ liệt kê 50 dòng" in \
        result.unsplit
    assert ("danh_muc: mục 'LĨNH VỰC CHỨNG THỰC (17 TTHC)' (sửa đổi, bổ sung) ghi 17 TTHC "
            "nhưng chỉ liệt kê 16 dòng") in result.unsplit


def test_1766_mis_cited_numbers_are_kept_as_published_and_reported() -> None:
    result = imported("1766/QĐ-UBND")
    assert result.data["can_cu"][-1].startswith(
        "Quyết định số 1217/QĐ-BT ngày 22/5/2020, Quyết định số 1183/QĐ-BTP ngày 20/5/2020, "
        "Quyết định số 1472/QĐ-BTP ngày 25/6/2020")
    assert ("can_cu: căn cứ ghi 1217/QĐ-BT ngày 22/5/2020, phụ lục ghi 1217/QĐ-BTP cùng ngày; "
            "giữ như đã công bố") in result.unsplit
    assert ("can_cu: căn cứ ghi 1472/QĐ-BTP ngày 25/6/2020, phụ lục ghi 1427/QĐ-BTP cùng ngày; "
            "giữ như đã công bố") in result.unsplit


def test_1766_district_level_items_keep_their_published_names() -> None:
    abolished = imported("1766/QĐ-UBND").data["danh_muc"]["bai_bo"]
    district = [item for item in abolished if "cấp huyện" in item["ten"]]
    assert [item["ma"] for item in district] == ["2.001489", "2.001475"]
    assert district[1] == {
        "ma": "2.001475", "ten": "Thủ tục miễn nhiệm báo cáo viên pháp luật cấp huyện",
        "ghi_chu": "TTHC cấp huyện và TTHC bị bãi bỏ tại Quyết định số 1427/QĐ-BTP ngày "
                   "25/6/2020 của Bộ Tư pháp"}


# ------------------------------------------------------------------ partial decisions

def test_partial_ministry_decision_known_from_a_province_annex() -> None:
    result = imported("1329/QĐ-BTP")
    data = result.data
    assert result.path == "content/decisions/bo-tu-phap/2020/1329-qd-btp.yaml"
    assert data["ngay_ban_hanh"] == "2020-06-01"
    for key in ("trich_yeu", "nguoi_ky", "ngay_hieu_luc", "can_cu"):
        assert key not in data
    assert data["chua_day_du"].startswith(
        "Chưa có văn bản quyết định đầy đủ; nguồn: các thủ tục được trích lại trong phụ lục "
        "Quyết định số 1766/QĐ-UBND")
    assert "Chưa có trích yếu, người ký, ngày hiệu lực, căn cứ." in data["chua_day_du"]
    assert list(data["danh_muc"]) == ["bai_bo"]
    uncoded = data["danh_muc"]["bai_bo"][1]
    assert "ma" not in uncoded and uncoded["ghi_chu"].startswith("Không có mã số; ")
    assert result.labels["agency_type"] == {"bo-tu-phap": "bo"}


def test_partial_decision_with_unknown_year_and_a_malformed_code() -> None:
    result = imported("4245/QĐ-BCA-QLXNC")
    data = result.data
    assert result.path == "content/decisions/bo-cong-an/khong-ro-nam/4245-qd-bca-qlxnc.yaml"
    assert data["ngay_hieu_luc"] == "2026-07-01" and "ngay_ban_hanh" not in data
    assert "bản chép lại phụ lục của bên thứ ba" in data["chua_day_du"]
    changed = data["danh_muc"]["sua_doi_bo_sung"]
    assert len(changed) == 8 and data["danh_muc"]["bai_bo"] == \
        [{"ma": "1.010385", "ten": "Trình báo mất hộ chiếu phổ thông"}]
    malformed = next(item for item in changed if "ma" not in item)
    assert malformed["ghi_chu"] == "Mã số như đã công bố: 2.00048 (không đúng dạng mã thủ tục)"
    assert "danh_muc: mã '2.00048' không đúng dạng, ghi ở ghi_chu" in result.unsplit
    assert not any("level key" in item.get("ghi_chu", "") for item in changed)


def test_partial_decision_with_names_only() -> None:
    result = imported("2433/QĐ-BGTVT")
    data = result.data
    assert result.path.endswith("/bo-giao-thong-van-tai/khong-ro-nam/2433-qd-bgtvt.yaml")
    assert len(data["danh_muc"]["sua_doi_bo_sung"]) == 6
    assert "6 thủ tục trong danh mục chưa có mã." in data["chua_day_du"]
    assert "trang tin tóm tắt văn bản" in data["chua_day_du"]
    assert len(result.missing) == 6


def test_unknown_change_kind_goes_to_chua_phan_loai() -> None:
    record = source("1766/QĐ-UBND")
    record["annex_items"][0]["change_kind"] = None
    result = import_decision(record, "x")
    assert isinstance(result, Imported)
    assert result.data["danh_muc"]["chua_phan_loai"][0]["ma"] == "2.000815"
    assert "chua_day_du" in result.data  # the schema allows chua_phan_loai only then
    validator = SchemaSet(ROOT / "schemas").validators["decision"]
    assert list(validator.iter_errors(result.data)) == []


def test_province_named_without_ubnd() -> None:
    record = source("1329/QĐ-BTP")
    record["issuing_body"] = "Tỉnh Vĩnh Long (Chủ tịch Ủy ban nhân dân tỉnh Vĩnh Long)"
    result = import_decision(record, "x")
    assert isinstance(result, Imported)
    assert result.labels == {"agency": {"tinh-vinh-long": "Ủy ban nhân dân tỉnh Vĩnh Long"},
                             "agency_type": {"tinh-vinh-long": "tinh"}}


def test_signature_block_capitals_are_written_as_titles() -> None:
    record = source("1766/QĐ-UBND")
    record["signer_title"] = "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    result = import_decision(record, "x")
    assert isinstance(result, Imported)
    assert result.data["nguoi_ky"]["chuc_vu"] == "KT. Chủ tịch\nPhó Chủ tịch"


def test_signer_without_position_is_not_half_written() -> None:
    record = source("1766/QĐ-UBND")
    record["signer_title"] = None
    result = import_decision(record, "x")
    assert isinstance(result, Imported)
    assert "nguoi_ky" not in result.data
    assert "Người ký theo nguồn: Nguyễn Ngọc Hai, chưa rõ chức vụ." in result.data["chua_day_du"]
