"""Province site importer: local details of national procedures, matched by exact name.

The input is a real slice of the Phú Thọ provincial police site (see
tests/data/import/province_site/README.md); the national catalogue is built in a temporary
folder from four minimal procedure files carrying the real names of Bộ Công an records. The
golden file is the exact text `tthc import` writes. To regenerate it after a deliberate
change, then review the diff:

    TTHC_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_import_province_site.py
"""

from __future__ import annotations

import copy
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.importers import derived
from generator.importers.province_site import (
    NOTE,
    build_catalogue,
    import_province_site,
    lookup,
)
from generator.importers.records import Failed, Imported
from generator.importers.run import national_records
from generator.importers.writer import Writer
from generator.schemas import SchemaSet, schema_folder
from generator.validate import validate

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "import" / "province_site"
SLICE = DATA / "province_police_phutho_slice.json"
REGEN = os.environ.get("TTHC_REGEN_GOLDEN") == "1"
AGENCY = "tinh-phu-tho"
DECISION = ("content/decisions/tinh-phu-tho/khong-ro-nam/"
            "tinh-phu-tho-trang-thong-tin-dien-tu-cong-an-tinh-phu-tho.yaml")
# (code, name, announcing decision) of real Bộ Công an records, as in content/procedures/
NATIONAL = (
    ("3.000400", "Cấp mới Giấy phép sử dụng thiết bị phát tín hiệu của xe ưu tiên",
     "1842/QĐ-BCA"),
    ("1.014900", "Cấp tem “AB” cho công dân Việt Nam xuất cảnh sang Cộng hòa dân chủ nhân dân "
     "Lào", "783/QĐ-BCA-QLXNC"),
    ("3.000409", "Cấp Giấy phép sửa chữa vũ khí quân dụng, vũ khí thể thao", "885/QĐ-BCA-C06"),
    ("1.004194", "Đăng ký tạm trú", "9354/QĐ-BCA-C06"),
)
UNMATCHED = {
    "province_police_phutho_slice.json:2":
        "không khớp được mã quốc gia: Cấp Giấy phép vận chuyển vũ khí quân dụng, vũ khí thể thao",
    "province_police_phutho_slice.json:4":
        "không khớp được mã quốc gia: Cấp giấy chứng nhận tên định danh",
    "province_police_phutho_slice.json:5":
        "không khớp được mã quốc gia: Cấp lại Giấy phép sử dụng thiết bị phát tín hiệu của xe ưu "
        "tiên",
}


@cache
def _slice() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SLICE.read_text(encoding="utf-8"))
    return data


def site() -> dict[str, Any]:
    return copy.deepcopy(_slice())


def write_catalogue(root: Path) -> Path:
    """A valid project holding only the NATIONAL records, each as a minimal file."""
    writer = Writer(root, schema_folder(root))
    writer.write("content/agencies/bo-cong-an.yaml", "agency",
                 {"id": "bo-cong-an", "ten": "Bộ Công an", "loai": "bo"})
    for code, name, number in NATIONAL:
        writer.write(f"content/procedures/bo-cong-an/{code}.yaml", "procedure",
                     {"ma": code, "ten": name, "co_quan_cong_bo": "bo-cong-an",
                      "quyet_dinh_cong_bo": number,
                      "thieu_thong_tin": ["loai", "linh_vuc", "cap_thuc_hien",
                                          "doi_tuong_thuc_hien", "co_quan_thuc_hien",
                                          "trinh_tu_thuc_hien", "cach_thuc_thuc_hien",
                                          "thanh_phan_ho_so", "ket_qua_thuc_hien",
                                          "can_cu_phap_ly"]})
        path, data = derived.minimal_decision("bo-cong-an", number,
                                              [{"ma": code, "ten": name}], None)
        writer.write(path, "decision", data)
    return root


@pytest.fixture
def catalogue_root(tmp_path: Path) -> Path:
    return write_catalogue(tmp_path)


def run(data: dict[str, Any], root: Path, *, agency: str = AGENCY,
        with_names: bool = True) -> list[Imported | Failed]:
    records = national_records(root)
    names = {code: name for name, code, _ in records} if with_names else None
    return import_province_site(data, agency=agency, catalogue=build_catalogue(records),
                                source=SLICE.name, names=names)


def decision(results: list[Imported | Failed]) -> Imported:
    found = [r for r in results if isinstance(r, Imported) and r.kind == "decision"]
    assert len(found) == 1, results
    return found[0]


def notes(results: list[Imported | Failed]) -> dict[str, str]:
    found = {}
    for result in results:
        if isinstance(result, Imported) and result.kind == NOTE:
            assert result.path == "" and result.data == {} and len(result.unsplit) == 1
            found[result.source] = result.unsplit[0]
    return found


def render(root: Path, result: Imported) -> str:
    return Writer(root, schema_folder(root)).text(result.path, result.kind, result.data)


# ------------------------------------------------------------------ golden, schema, determinism

def test_golden(catalogue_root: Path) -> None:
    result = decision(run(site(), catalogue_root))
    assert result.path == DECISION
    text = render(catalogue_root, result)
    golden = DATA / "golden" / Path(DECISION).name
    if REGEN:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.read_text(encoding="utf-8") == text


def test_the_decision_passes_the_schema(catalogue_root: Path) -> None:
    validator = SchemaSet(ROOT / "schemas").validators["decision"]
    data = decision(run(site(), catalogue_root)).data
    assert [e.message for e in validator.iter_errors(data)] == []


def test_same_input_gives_the_same_text(catalogue_root: Path) -> None:
    first, second = run(site(), catalogue_root), run(site(), catalogue_root)
    assert render(catalogue_root, decision(first)) == render(catalogue_root, decision(second))
    assert notes(first) == notes(second)


def test_record_order_does_not_change_the_decision(catalogue_root: Path) -> None:
    shuffled = site()
    shuffled["procedures"].reverse()
    assert render(catalogue_root, decision(run(shuffled, catalogue_root))) == \
        render(catalogue_root, decision(run(site(), catalogue_root)))


# ------------------------------------------------------------------ matching

def test_matched_records_are_listed_by_code_with_the_national_names(
        catalogue_root: Path) -> None:
    items = decision(run(site(), catalogue_root)).data["danh_muc"]["chua_phan_loai"]
    assert [(item["ma"], item["ten"]) for item in items] == \
        sorted((code, name) for code, name, _ in NATIONAL[:3])
    tem = items[0]
    assert tem["ghi_chu"] == (
        "Tên trên trang công bố: Thủ tục: cấp tem “AB” cho công dân Việt Nam xuất cảnh sang "
        "Cộng hòa dân chủ nhân dân Lào. Trang thủ tục: https://congan.phutho.gov.vn/article/"
        "thu-tuc-hanh-chinh/Thu-tuc-cap-tem-AB-cho-cong-dan-Viet-Nam-xuat-2458-17")
    same_name = items[1]  # published exactly as the national name: only the page is noted
    assert same_name["ghi_chu"] == ("Trang thủ tục: https://congan.phutho.gov.vn/article/"
                                    "thu-tuc-hanh-chinh/Cap-moi-Giay-phep-su-dung-thiet-bi-phat-"
                                    "tin-hieu-2387-56")


def test_local_details_are_kept_as_published(catalogue_root: Path) -> None:
    items = decision(run(site(), catalogue_root)).data["danh_muc"]["chua_phan_loai"]
    by_code = {item["ma"]: item["thong_tin_dia_phuong"] for item in items}
    assert by_code["3.000400"]["phi_le_phi"] == "Không."  # "no fee" is what was announced
    assert by_code["3.000400"]["muc_do_dich_vu_cong"] == "Toàn trình"
    assert by_code["3.000400"]["thoi_han"] == "02 ngày làm việc, kể từ ngày nhận đủ hồ sơ hợp lệ."
    weapons, published = by_code["3.000409"], _slice()["procedures"][0]
    assert "muc_do_dich_vu_cong" not in weapons  # the site leaves it empty
    assert weapons["thoi_han"] == published["processing_time"].strip()
    assert weapons["dia_diem"].startswith("Phòng Cảnh sát quản lý hành chính về trật tự xã hội")
    assert weapons["phi_le_phi"].startswith("10.000 đồng/01 khẩu/chiếc\n- Từ ngày 01/7/2025")
    assert weapons["can_cu_phap_ly"] == published["legal_basis"].strip()


def test_unmatched_records_are_noted_and_not_written(catalogue_root: Path) -> None:
    results = run(site(), catalogue_root)
    assert notes(results) == UNMATCHED
    assert not any(isinstance(r, Failed) for r in results)
    assert {r.kind for r in results if isinstance(r, Imported)} == {"decision", NOTE}


@pytest.mark.parametrize("title", [
    "Cấp mới Giấy phép sử dụng thiết bị phát tín hiệu xe ưu tiên",  # a word dropped
    "Cấp mới Giấy phép sử dụng thiết bị phát tín hiệu của xe ưu tiên tại cấp tỉnh",  # added
    "Cấp tem AB cho công dân Việt Nam xuất cảnh sang Lào",  # shortened
    "Cấp Giấy phép sửa chữa vũ khí quân dụng",  # a prefix of the national name
    "Đăng ký tạm trú, thường trú",
])
def test_a_near_miss_never_matches(title: str, catalogue_root: Path) -> None:
    data = site()
    data["procedures"] = [dict(data["procedures"][5], title=title)]
    results = run(data, catalogue_root)
    assert notes(results) == {f"{SLICE.name}:1": f"không khớp được mã quốc gia: {title}"}
    assert not any(isinstance(r, Imported) and r.kind == "decision" for r in results)


@pytest.mark.parametrize("title", [
    "CẤP MỚI GIẤY PHÉP SỬ DỤNG THIẾT BỊ PHÁT TÍN HIỆU CỦA XE ƯU TIÊN.",
    "Thủ tục cấp mới Giấy phép sử dụng thiết bị phát tín hiệu của xe ưu tiên",
    "Thủ tục: Cấp mới Giấy phép sử dụng thiết bị phát tín hiệu của xe ưu tiên",
])
def test_case_punctuation_and_a_leading_thu_tuc_still_match(title: str,
                                                            catalogue_root: Path) -> None:
    data = site()
    data["procedures"] = [dict(data["procedures"][5], title=title)]
    items = decision(run(data, catalogue_root)).data["danh_muc"]["chua_phan_loai"]
    assert [item["ma"] for item in items] == ["3.000400"]
    assert items[0]["ghi_chu"].startswith(f"Tên trên trang công bố: {title}. ")


def test_a_name_two_national_records_share_matches_neither() -> None:
    catalogue = build_catalogue([("Đăng ký tạm trú", "1.000001", "bo-cong-an"),
                                 ("Đăng ký tạm trú.", "1.000002", "bo-cong-an"),
                                 ("Thủ tục đăng ký thường trú", "1.000003", "bo-cong-an"),
                                 ("Đăng ký thường trú", "1.000004", "bo-cong-an")])
    assert lookup("Đăng ký tạm trú", catalogue) is None
    # the name as written wins over the same name found by dropping "Thủ tục"
    assert lookup("Đăng ký thường trú", catalogue) == ("1.000004", "bo-cong-an")
    assert lookup("Thủ tục đăng ký thường trú", catalogue) == ("1.000003", "bo-cong-an")


def test_a_province_never_localises_its_own_record() -> None:
    data = site()
    catalogue = build_catalogue([(data["procedures"][5]["title"], "1.000001", AGENCY)])
    results = import_province_site(data, agency=AGENCY, catalogue=catalogue, source="x")
    assert [r.kind for r in results if isinstance(r, Imported)] == [NOTE] * 6


# ------------------------------------------------------------------ the decision's header

def test_incomplete_note_names_the_source_and_credits_it(catalogue_root: Path) -> None:
    result = decision(run(site(), catalogue_root))
    data = result.data
    assert set(data) == {"co_quan_ban_hanh", "chua_day_du", "danh_muc"}  # no so_ky_hieu
    assert data["co_quan_ban_hanh"] == AGENCY
    note = data["chua_day_du"]
    assert note.startswith("Thông tin tại địa phương của các thủ tục hành chính do Trang thông "
                           "tin điện tử Công an tỉnh Phú Thọ đăng (https://congan.phutho.gov.vn/"
                           "TTHC.aspx, truy cập ngày 15/07/2026), không kèm quyết định công bố "
                           "của Chủ tịch Ủy ban nhân dân tỉnh")
    assert "Danh mục gồm 3 trong 6 thủ tục trang đăng" in note
    assert note.endswith("Khi sử dụng lại thông tin, ghi rõ nguồn Trang thông tin điện tử Công "
                         "an tỉnh Phú Thọ.")
    assert result.labels == {"agency": {AGENCY: "Ủy ban nhân dân tỉnh Phú Thọ"},
                             "agency_type": {AGENCY: "tinh"}}


def test_without_national_names_the_published_title_is_kept(catalogue_root: Path) -> None:
    items = decision(run(site(), catalogue_root, with_names=False)).data["danh_muc"][
        "chua_phan_loai"]
    assert items[0]["ten"].startswith("Thủ tục: cấp tem “AB”")
    assert items[0]["ghi_chu"].startswith("Trang thủ tục: ")


def test_record_without_local_details_or_title(catalogue_root: Path) -> None:
    data = site()
    bare = {key: "" for key in ("processing_time", "fee", "service_level", "agency",
                                "legal_basis")}
    data["procedures"] = [dict(data["procedures"][5], **bare), {"title": " "}]
    results = run(data, catalogue_root)
    assert notes(results) == {f"{SLICE.name}:1": "không có thông tin địa phương: Cấp mới Giấy "
                              "phép sử dụng thiết bị phát tín hiệu của xe ưu tiên"}
    assert [(r.source, r.reason) for r in results if isinstance(r, Failed)] == \
        [(f"{SLICE.name}:2", "bản ghi không có tên thủ tục (`title`)")]


def test_agency_must_be_a_province(catalogue_root: Path) -> None:
    results = run(site(), catalogue_root, agency="bo-cong-an")
    assert len(results) == 1 and isinstance(results[0], Failed)
    assert "không phải mã tỉnh" in results[0].reason


# ------------------------------------------------------------------ end to end

def test_import_then_validate(catalogue_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = {p.relative_to(catalogue_root).as_posix()
              for p in catalogue_root.rglob("*") if p.is_file()}
    args = ["import", "province-site", str(SLICE), "--into", str(catalogue_root),
            "--agency", AGENCY]
    assert main(args) == 0
    summary = capsys.readouterr().out
    for source, note in UNMATCHED.items():
        assert source in summary and note in summary
    assert "Tổng: 4 bản ghi — 1 đã nhập (0 có ghi chú), 3 không ghi tệp (chỉ ghi chú)" in summary
    after = {p.relative_to(catalogue_root).as_posix()
             for p in catalogue_root.rglob("*") if p.is_file()}
    assert after - before == {DECISION, "content/agencies/tinh-phu-tho.yaml"}
    written = (catalogue_root / DECISION).read_text(encoding="utf-8")
    assert written == (DATA / "golden" / Path(DECISION).name).read_text(encoding="utf-8")
    report = validate(catalogue_root)
    assert [str(p) for p in report.errors] == []
    assert {p.code for p in report.warnings} == {"incomplete-decision", "incomplete-record"}
    assert main(args) == 0
    assert "Ghi 0 tệp," in capsys.readouterr().out


def test_strict_fails_when_a_record_matched_nothing(catalogue_root: Path) -> None:
    assert main(["import", "province-site", str(SLICE), "--into", str(catalogue_root),
                 "--agency", AGENCY, "--strict"]) == 1


def test_agency_is_required(catalogue_root: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["import", "province-site", str(SLICE), "--into", str(catalogue_root)])
    assert exited.value.code == 2
