"""The JSON Schemas in schemas/ are well formed and keep the project's conventions.

Conventions checked here (docs: shared spec data-model.md):

* every file is a valid Draft 2020-12 schema, with no ``$id`` and only relative ``$ref``s
  that resolve through a ``referencing.Registry`` keyed by each file's ``file://`` URI;
* every declared property (and every ``$defs`` entry) has a Vietnamese ``title`` and
  ``description``: that is the help text officials see in their editor;
* every object shape is closed (``additionalProperties: false``);
* every pattern, enum and cross-field rule carries an ``x-goi-y`` fix hint, placed on the
  subschema that holds the failing keyword (that is ``error.schema`` in jsonschema);
* files are UTF-8, 2-space indented, not ``\\u``-escaped, NFC, with a trailing newline.

"Declared" means reached from the schema root through ``properties``, ``$defs``, ``items``,
``prefixItems``, ``allOf`` and ``additionalProperties``. The ``properties`` written inside
``if``/``then``/``contains`` of a cross-field rule are assertions about keys declared
elsewhere, not new fields, so they need no help text of their own.
"""

import copy
import datetime
import json
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
EXPECTED_FILES = {
    "common.schema.json",
    "procedure.schema.json",
    "decision.schema.json",
    "agency.schema.json",
    "vocab.schema.json",
}
SCHEMA_FILES = sorted(SCHEMA_DIR.glob("*.schema.json"))
SCHEMA_IDS = [p.name for p in SCHEMA_FILES]
DRAFT_URI = "https://json-schema.org/draft/2020-12/schema"

# Keywords whose subschemas declare shape (fields, list items, shared definitions).
DECLARING_MAPS = ("properties", "$defs")
DECLARING_SINGLE = ("items", "additionalProperties", "unevaluatedProperties")
DECLARING_LISTS = ("allOf", "prefixItems")
# Keywords whose subschemas only assert something about what is declared elsewhere.
ASSERTING_MAPS = ("patternProperties", "dependentSchemas")
ASSERTING_SINGLE = ("if", "then", "else", "not", "contains", "propertyNames", "unevaluatedItems")
ASSERTING_LISTS = ("anyOf", "oneOf")

JsonObj = dict[str, Any]


def _uri(path: Path) -> str:
    return path.resolve().as_uri()


@cache
def _load(path: Path) -> JsonObj:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@cache
def _registry() -> Registry[Any]:
    return Registry().with_resources(
        (_uri(path), DRAFT202012.create_resource(_load(path))) for path in SCHEMA_FILES
    )


def _validator(name: str) -> Draft202012Validator:
    """A validator for ``schemas/<name>.schema.json``, resolving refs through the registry."""
    root = {"$ref": _uri(SCHEMA_DIR / f"{name}.schema.json")}
    return Draft202012Validator(
        root, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


class Node:
    """One subschema met while walking a schema file."""

    def __init__(self, pointer: str, schema: Any, via: str, declared: bool, in_if: bool):
        self.pointer = pointer
        self.schema = schema
        self.via = via  # the keyword of the parent that led here
        self.declared = declared  # reached only through declaring keywords
        self.in_if = in_if  # somewhere below an ``if`` (a condition, not an assertion)


def _walk(
    schema: Any, pointer: str = "#", via: str = "", declared: bool = True, in_if: bool = False
) -> Iterator[Node]:
    yield Node(pointer, schema, via, declared, in_if)
    if not isinstance(schema, dict):
        return
    for kw, is_declaring in (
        *((k, True) for k in DECLARING_MAPS),
        *((k, False) for k in ASSERTING_MAPS),
    ):
        for key, sub in schema.get(kw, {}).items():
            yield from _walk(sub, f"{pointer}/{kw}/{key}", kw, declared and is_declaring, in_if)
    for kw, is_declaring in (
        *((k, True) for k in DECLARING_SINGLE),
        *((k, False) for k in ASSERTING_SINGLE),
    ):
        if isinstance(schema.get(kw), dict):
            yield from _walk(
                schema[kw], f"{pointer}/{kw}", kw, declared and is_declaring, in_if or kw == "if"
            )
    for kw, is_declaring in (
        *((k, True) for k in DECLARING_LISTS),
        *((k, False) for k in ASSERTING_LISTS),
    ):
        for i, sub in enumerate(schema.get(kw, [])):
            yield from _walk(sub, f"{pointer}/{kw}/{i}", kw, declared and is_declaring, in_if)


def _all_nodes() -> Iterator[tuple[str, Node]]:
    for path in SCHEMA_FILES:
        for node in _walk(_load(path)):
            yield path.name, node


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)


def _is_vietnamese_text(value: Any) -> bool:
    """Non-empty, trimmed text with at least one letter outside ASCII (a diacritic)."""
    return (
        isinstance(value, str)
        and value.strip() == value
        and len(value) > 1
        and any(ord(ch) > 127 and ch.isalpha() for ch in value)
    )


def _types(schema: JsonObj) -> set[str]:
    t = schema.get("type", [])
    return {t} if isinstance(t, str) else set(t)


# ------------------------------------------------------------------ files and syntax


def test_expected_schema_files_exist() -> None:
    assert {p.name for p in SCHEMA_FILES} == EXPECTED_FILES


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=SCHEMA_IDS)
def test_is_valid_draft_2020_12(path: Path) -> None:
    schema = _load(path)
    assert schema.get("$schema") == DRAFT_URI
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=SCHEMA_IDS)
def test_file_is_canonical_json(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n", (
        "format with json.dumps(..., ensure_ascii=False, indent=2) plus a trailing newline"
    )
    for s in _strings(_load(path)):
        assert unicodedata.is_normalized("NFC", s), f"not NFC: {s!r}"


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=SCHEMA_IDS)
def test_top_level_title_and_description(path: Path) -> None:
    schema = _load(path)
    assert _is_vietnamese_text(schema.get("title")), path.name
    assert _is_vietnamese_text(schema.get("description")), path.name


def test_no_id_anywhere() -> None:
    for name, node in _all_nodes():
        if isinstance(node.schema, dict):
            assert "$id" not in node.schema, f"{name} {node.pointer}"
            assert "$anchor" not in node.schema, f"{name} {node.pointer}"


def test_refs_are_relative_and_resolve() -> None:
    seen = 0
    for name, node in _all_nodes():
        if not isinstance(node.schema, dict) or "$ref" not in node.schema:
            continue
        ref = node.schema["$ref"]
        assert ":" not in ref.split("#")[0], f"{name} {node.pointer}: absolute $ref {ref}"
        resolver = _registry().resolver(base_uri=_uri(SCHEMA_DIR / name))
        resolved = resolver.lookup(ref).contents
        assert isinstance(resolved, dict) and resolved, f"{name} {node.pointer}: {ref}"
        seen += 1
    assert seen > 0


# ------------------------------------------------------------------ help text


def test_every_declared_property_has_vietnamese_title_and_description() -> None:
    missing = []
    checked = 0
    for name, node in _all_nodes():
        if node.declared and node.via in DECLARING_MAPS:
            checked += 1
            schema = node.schema
            if not (
                isinstance(schema, dict)
                and _is_vietnamese_text(schema.get("title"))
                and _is_vietnamese_text(schema.get("description"))
            ):
                missing.append(f"{name} {node.pointer}")
    assert checked > 80
    assert not missing, "missing Vietnamese title/description:\n" + "\n".join(missing)


def test_properties_live_only_on_object_shapes() -> None:
    for name, node in _all_nodes():
        s = node.schema
        if node.declared and isinstance(s, dict) and "properties" in s:
            assert "object" in _types(s), f"{name} {node.pointer} declares properties"


# ------------------------------------------------------------------ shape conventions


def test_every_object_is_closed() -> None:
    for name, node in _all_nodes():
        s = node.schema
        if isinstance(s, dict) and "object" in _types(s):
            assert (
                s.get("additionalProperties") is False or s.get("unevaluatedProperties") is False
            ), f"{name} {node.pointer} is open"


def test_required_keys_are_declared() -> None:
    for name, node in _all_nodes():
        s = node.schema
        if node.declared and isinstance(s, dict) and "required" in s:
            declared = set(s.get("properties", {}))
            assert set(s["required"]) <= declared, f"{name} {node.pointer}"


def test_text_strings_cannot_be_empty() -> None:
    for name, node in _all_nodes():
        s = node.schema
        if node.declared and isinstance(s, dict) and "string" in _types(s):
            constrained = any(k in s for k in ("pattern", "enum", "const", "format"))
            assert constrained or s.get("minLength", 0) >= 1, f"{name} {node.pointer}"


def test_no_oneof_anyof() -> None:
    for name, node in _all_nodes():
        if isinstance(node.schema, dict):
            assert not {"oneOf", "anyOf"} & set(node.schema), f"{name} {node.pointer}"


def test_fix_hints_are_where_the_validator_looks() -> None:
    for name, node in _all_nodes():
        s = node.schema
        if not isinstance(s, dict):
            continue
        where = f"{name} {node.pointer}"
        assert "x-goi-y" not in s.get("properties", {}), f"{where}: x-goi-y is not a property"
        if "x-goi-y" in s:
            assert _is_vietnamese_text(s["x-goi-y"]), where
            # On an object shape the hint would be shown for every error of the shape.
            assert "object" not in _types(s), f"{where}: put the hint on the rule, not the shape"
        if node.in_if:
            continue  # conditions select, they never fail
        if {"pattern", "enum", "if", "contains", "minProperties"} & set(s):
            assert "x-goi-y" in s, f"{where}: pattern/enum/rule without x-goi-y"
        if "then" in s:
            assert "x-goi-y" in s["then"] or all(
                "x-goi-y" in sub for sub in s["then"].get("properties", {}).values()
            ), f"{where}/then: rule without x-goi-y"


PROCEDURE_ORDER = [
    "ma", "ten", "co_quan_cong_bo", "quyet_dinh_cong_bo", "loai", "linh_vuc", "cap_thuc_hien",
    "doi_tuong_thuc_hien", "co_quan_thuc_hien", "co_quan_co_tham_quyen",
    "co_quan_duoc_uy_quyen", "co_quan_phoi_hop", "dia_chi_tiep_nhan", "trinh_tu_thuc_hien",
    "cach_thuc_thuc_hien", "thanh_phan_ho_so", "so_bo_ho_so", "ket_qua_thuc_hien",
    "can_cu_phap_ly", "yeu_cau_dieu_kien", "dich_vu_cong_truc_tuyen", "thu_tuc_lien_quan",
    "tu_khoa", "thieu_thong_tin",
]  # fmt: skip
DECISION_ORDER = [
    "so_ky_hieu", "trich_yeu", "co_quan_ban_hanh", "nguoi_ky", "ngay_ban_hanh",
    "ngay_hieu_luc", "can_cu", "thay_the_quyet_dinh", "van_ban_goc", "chua_day_du", "danh_muc",
]  # fmt: skip
AGENCY_ORDER = [
    "id", "ten", "loai", "ma_dinh_danh", "dia_chi", "dien_thoai", "email", "duong_day_nong",
    "website", "cong_dich_vu_cong", "nhom_bien_tap", "hieu_luc_tu", "hieu_luc_den",
    "sap_nhap_vao",
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "order"),
    [("procedure", PROCEDURE_ORDER), ("decision", DECISION_ORDER), ("agency", AGENCY_ORDER)],
)
def test_canonical_key_order(name: str, order: list[str]) -> None:
    assert list(_load(SCHEMA_DIR / f"{name}.schema.json")["properties"]) == order


def test_nested_identifying_keys_come_first() -> None:
    proc = _load(SCHEMA_DIR / "procedure.schema.json")["properties"]
    channel = proc["cach_thuc_thuc_hien"]["items"]["properties"]
    assert list(channel) == ["kenh", "thoi_han", "phi_le_phi", "mo_ta"]
    assert next(iter(channel["phi_le_phi"]["items"]["properties"])) == "loai"
    defs = _load(SCHEMA_DIR / "decision.schema.json")["$defs"]
    assert list(defs["muc_thay_the"]["properties"])[:3] == ["ma_cu", "ma_moi", "ten"]


# ------------------------------------------------------------------ instances

DELETE = object()


def _set(doc: JsonObj, path: tuple[Any, ...], value: Any) -> JsonObj:
    doc = copy.deepcopy(doc)
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


def _errors(name: str, doc: Any) -> list[ValidationError]:
    return list(_validator(name).iter_errors(doc))


def _hints(errors: list[ValidationError]) -> list[str]:
    return [
        e.schema["x-goi-y"] for e in errors if isinstance(e.schema, dict) and "x-goi-y" in e.schema
    ]


def valid_procedure() -> JsonObj:
    return {
        "ma": "2.000913",
        "ten": "Thủ tục chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch",
        "co_quan_cong_bo": "bo-tu-phap",
        "quyet_dinh_cong_bo": "1329/QĐ-BTP",
        "loai": "khong_duoc_luat_giao",
        "linh_vuc": ["chung-thuc"],
        "cap_thuc_hien": ["huyen", "xa"],
        "doi_tuong_thuc_hien": ["cong-dan-viet-nam", "nguoi-nuoc-ngoai"],
        "co_quan_thuc_hien": "Ủy ban nhân dân cấp xã; Phòng Tư pháp",
        "dia_chi_tiep_nhan": "Bộ phận Tiếp nhận và trả kết quả của Ủy ban nhân dân cấp xã",
        "trinh_tu_thuc_hien": [
            {
                "buoc": [
                    "Bước 1: Người yêu cầu chứng thực nộp hồ sơ.",
                    "Bước 2: Người thực hiện chứng thực kiểm tra giấy tờ.\n- Trường hợp hồ sơ "
                    "đầy đủ thì thực hiện chứng thực.",
                ]
            }
        ],
        "cach_thuc_thuc_hien": [
            {
                "kenh": "truc_tiep",
                "thoi_han": {
                    "don_vi": "ngay_lam_viec",
                    "mo_ta": "Trong ngày (hoặc trong ngày làm việc tiếp theo, nếu tiếp nhận "
                    "yêu cầu sau 15 giờ)",
                },
                "phi_le_phi": [
                    {
                        "loai": "phi",
                        "so_tien": 25000,
                        "don_vi_tien": "VND",
                        "mo_ta": "25.000 đồng/hợp đồng, giao dịch",
                    }
                ],
            },
            {
                "kenh": "buu_chinh",
                "thoi_han": {"so": 2, "don_vi": "ngay_lam_viec"},
                "phi_le_phi": [],
            },
        ],
        "thanh_phan_ho_so": [
            {
                "giay_to": [
                    {
                        "ten": "Phiếu yêu cầu chứng thực",
                        "so_ban_chinh": 1,
                        "so_ban_sao": 0,
                        "mau_don": {
                            "ten": "Phiếu yêu cầu chứng thực hợp đồng, giao dịch",
                            "tep": "mau/phieu-yeu-cau-chung-thuc.docx",
                        },
                    },
                    {"ten": "Dự thảo hợp đồng, giao dịch", "so_ban_chinh": 1, "so_ban_sao": 0},
                ]
            }
        ],
        "so_bo_ho_so": 1,
        "ket_qua_thuc_hien": [
            {"ma": "KQ.G15.000033", "ten": "Hợp đồng, giao dịch được chứng thực"}
        ],
        "can_cu_phap_ly": [
            {
                "so_ky_hieu": "23/2015/NĐ-CP",
                "trich_yeu": "Nghị định về cấp bản sao từ sổ gốc, chứng thực bản sao từ bản "
                "chính, chứng thực chữ ký và chứng thực hợp đồng, giao dịch",
                "ngay_ban_hanh": "2015-02-16",
                "co_quan_ban_hanh": "Chính phủ",
            }
        ],
        "yeu_cau_dieu_kien": None,
        "thu_tuc_lien_quan": ["2.000815"],
        "tu_khoa": ["công chứng hợp đồng"],
    }


def valid_decision() -> JsonObj:
    return {
        "so_ky_hieu": "1766/QĐ-UBND",
        "trich_yeu": "Về việc công bố danh mục thủ tục hành chính được sửa đổi, bổ sung, bãi bỏ "
        "thuộc phạm vi chức năng quản lý của ngành Tư pháp trên địa bàn tỉnh",
        "co_quan_ban_hanh": "tinh-binh-thuan",
        "nguoi_ky": {"ho_ten": "Nguyễn Ngọc Hai", "chuc_vu": "Chủ tịch"},
        "ngay_ban_hanh": "2020-08-03",
        "ngay_hieu_luc": "2020-08-03",
        "can_cu": [
            "Nghị định số 63/2010/NĐ-CP ngày 08/6/2010 của Chính phủ về Kiểm soát thủ tục "
            "hành chính"
        ],
        "van_ban_goc": {"tep": "1766-qd-ubnd.pdf", "sha256": "ab" * 32},
        "danh_muc": {
            "sua_doi_bo_sung": [
                {
                    "ma": "1.002234",
                    "ten": "Sáp nhập công ty luật",
                    "thong_tin_dia_phuong": {
                        "thoi_han": "09 ngày",
                        "dia_diem": "Tiếp nhận và trả kết quả tại Trung tâm HCC tỉnh (Quầy Sở "
                        "Tư pháp)",
                        "phi_le_phi": "Không",
                        "muc_do_dich_vu_cong": "3",
                        "buu_chinh_cong_ich": True,
                        "can_cu_phap_ly": "Nghị định số 123/2013/NĐ-CP ngày 14/10/2013 của "
                        "Chính phủ",
                    },
                },
                {
                    "ten": "Chuyển đổi công ty luật trách nhiệm hữu hạn và công ty luật hợp "
                    "danh, chuyển đổi văn phòng luật sư thành công ty luật",
                    "thong_tin_dia_phuong": {"thoi_han": "06 ngày"},
                },
            ],
            "thay_the": [
                {"ma_cu": "1.002251", "ma_moi": "1.008888", "ten": "Chuyển đổi công ty luật"}
            ],
            "bai_bo": [
                {"ma": "1.004866", "ten": "Thủ tục thông báo có quốc tịch nước ngoài"},
                {
                    "ten": "Chứng thực chữ ký trong các giấy tờ, văn bản",
                    "ghi_chu": "Không có mã số; TTHC bị bãi bỏ tại Quyết định số 1329/QĐ-BTP "
                    "ngày 01/6/2020 của Bộ Tư pháp",
                },
            ],
        },
    }


def valid_agency() -> JsonObj:
    return {
        "id": "bo-tu-phap",
        "ten": "Bộ Tư pháp",
        "loai": "bo",
        "ma_dinh_danh": "000.00.00.G15",
        "email": "vanphong@moj.gov.vn",
        "website": "https://moj.gov.vn/",
        "nhom_bien_tap": ["@tthc/bo-tu-phap"],
        "hieu_luc_tu": "2007-08-01",
    }


def valid_vocab() -> JsonObj:
    return {
        "ten": "Lĩnh vực thủ tục hành chính",
        "muc": [{"id": "chung-thuc", "ten": "Chứng thực"}, {"id": "quoc-tich", "ten": "Quốc tịch"}],
    }


VALID = {
    "procedure": valid_procedure,
    "decision": valid_decision,
    "agency": valid_agency,
    "vocab": valid_vocab,
}


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_examples_pass(name: str) -> None:
    errors = _errors(name, VALID[name]())
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


@pytest.mark.parametrize(
    ("name", "path", "value"),
    [
        ("procedure", ("ma",), "1.000123"),
        ("procedure", ("ma",), "6.000001"),  # still fine as long as loai is noi_bo...
        ("procedure", ("yeu_cau_dieu_kien",), "Người yêu cầu có năng lực hành vi dân sự."),
        ("procedure", ("yeu_cau_dieu_kien",), DELETE),
        ("procedure", ("thanh_phan_ho_so",), []),
        ("decision", ("so_ky_hieu",), "4245/QĐ-BCA-QLXNC"),
        ("decision", ("so_ky_hieu",), "12a/QĐ-UBND"),
        ("decision", ("danh_muc",), {"bai_bo": [{"ma": "1.000460", "ten": "Chấm dứt"}]}),
        ("decision", ("van_ban_goc", "tep"), "van-ban/1766 QĐ-UBND.pdf"),
        ("agency", ("sap_nhap_vao",), "bo-xay-dung"),
    ],
)
def test_other_valid_variants(name: str, path: tuple[Any, ...], value: Any) -> None:
    doc = _set(VALID[name](), path, value)
    if path == ("ma",) and str(value).startswith("6."):
        doc["loai"] = "noi_bo"
    errors = _errors(name, doc)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


@pytest.mark.parametrize(
    ("name", "path", "value"),
    [
        # the national code: a string, never a YAML float
        ("procedure", ("ma",), 2.0001),
        ("procedure", ("ma",), "1.1193"),
        ("procedure", ("ma",), DELETE),
        ("procedure", ("ten",), ""),
        ("procedure", ("ghi_chu_noi_bo",), "khóa không có trong mô hình"),
        ("procedure", ("quyet_dinh_cong_bo",), "QĐ/0001-BCA"),
        ("procedure", ("co_quan_cong_bo",), "Bộ Tư pháp"),
        ("procedure", ("linh_vuc",), []),
        ("procedure", ("linh_vuc",), ["Chứng thực"]),
        ("procedure", ("cap_thuc_hien",), ["huyện"]),
        ("procedure", ("loai",), "TTHC được luật giao quy định chi tiết"),
        ("procedure", ("co_quan_thuc_hien",), DELETE),
        ("procedure", ("cach_thuc_thuc_hien",), []),
        ("procedure", ("cach_thuc_thuc_hien", 0, "kenh"), "Trực tiếp"),
        ("procedure", ("cach_thuc_thuc_hien", 0, "phi_le_phi"), DELETE),
        ("procedure", ("cach_thuc_thuc_hien", 0, "thoi_han"), {"don_vi": "ngay"}),
        ("procedure", ("cach_thuc_thuc_hien", 1, "thoi_han", "so"), -1),
        ("procedure", ("cach_thuc_thuc_hien", 0, "phi_le_phi", 0, "so_tien"), -5),
        ("procedure", ("cach_thuc_thuc_hien", 0, "phi_le_phi", 0, "don_vi_tien"), "đồng"),
        (
            "procedure",
            ("cach_thuc_thuc_hien", 0, "phi_le_phi"),
            [{"loai": "le_phi", "don_vi_tien": "VND"}],
        ),
        ("procedure", ("thanh_phan_ho_so", 0, "giay_to", 0, "so_ban_chinh"), 1.5),
        ("procedure", ("thanh_phan_ho_so", 0, "giay_to", 0, "so_ban_sao"), "1 bản sao"),
        ("procedure", ("thanh_phan_ho_so", 0, "giay_to"), []),
        ("procedure", ("thanh_phan_ho_so", 0, "giay_to", 0, "mau_don", "tep"), "/etc/mau.doc"),
        ("procedure", ("thanh_phan_ho_so", 0, "giay_to", 0, "mau_don", "tep"), "../mau.doc"),
        ("procedure", ("ket_qua_thuc_hien",), []),
        ("procedure", ("ket_qua_thuc_hien", 0, "ma"), "KQ-G10"),
        # an unquoted YAML date is loaded as datetime.date, which is not text
        ("procedure", ("can_cu_phap_ly", 0, "ngay_ban_hanh"), datetime.date(2015, 2, 16)),
        ("procedure", ("can_cu_phap_ly", 0, "ngay_ban_hanh"), "16/02/2015"),
        ("procedure", ("can_cu_phap_ly", 0, "ngay_ban_hanh"), "2015-02-30"),
        ("procedure", ("can_cu_phap_ly", 0, "url"), "vbpl.vn/van-ban"),
        ("procedure", ("yeu_cau_dieu_kien",), ""),
        ("procedure", ("thu_tuc_lien_quan",), []),
        ("procedure", ("so_bo_ho_so",), -1),
        ("decision", ("so_ky_hieu",), "Số: 1766/QĐ-UBND"),
        ("decision", ("so_ky_hieu",), "1766/QD-UBND"),
        ("decision", ("so_ky_hieu",), "2267./QĐ-BXD"),
        ("decision", ("co_quan_ban_hanh",), "UBND tỉnh Bình Thuận"),
        ("decision", ("nguoi_ky", "chuc_vu"), DELETE),
        ("decision", ("can_cu",), []),
        ("decision", ("ngay_hieu_luc",), DELETE),
        ("decision", ("thay_the_quyet_dinh",), ["2669/QĐ-UBND", "2669/QĐ-UBND"]),
        ("decision", ("van_ban_goc", "sha256"), "AB" * 32),
        ("decision", ("van_ban_goc", "sha256"), "ab" * 31),
        ("decision", ("danh_muc",), {}),
        ("decision", ("danh_muc", "moi_ban_hanh"), []),
        ("decision", ("danh_muc", "huy_bo"), [{"ten": "Thủ tục"}]),
        ("decision", ("danh_muc", "thay_the", 0, "ma_cu"), DELETE),
        ("decision", ("danh_muc", "bai_bo", 1, "ghi_chu"), DELETE),
        ("decision", ("danh_muc", "sua_doi_bo_sung", 0, "thong_tin_dia_phuong"), {}),
        (
            "decision",
            ("danh_muc", "sua_doi_bo_sung", 0, "thong_tin_dia_phuong", "muc_do_dich_vu_cong"),
            3,
        ),
        (
            "decision",
            ("danh_muc", "sua_doi_bo_sung", 0, "thong_tin_dia_phuong", "buu_chinh_cong_ich"),
            "Có",
        ),
        ("agency", ("loai",), "bộ"),
        ("agency", ("id",), "Bo-Tu-Phap"),
        ("agency", ("email",), "vanphong"),
        ("agency", ("ma_dinh_danh",), "G15"),
        ("agency", ("nhom_bien_tap",), ["tthc/bo-tu-phap"]),
        ("agency", ("website",), "moj.gov.vn"),
        ("agency", ("ten",), DELETE),
        ("vocab", ("muc",), []),
        ("vocab", ("muc", 0, "id"), "Chứng thực"),
        ("vocab", ("muc", 0, "ma"), "chung-thuc"),
    ],
)
def test_invalid_variants_fail(name: str, path: tuple[Any, ...], value: Any) -> None:
    assert _errors(name, _set(VALID[name](), path, value))


# ------------------------------------------------------------------ cross-field rules


@pytest.mark.parametrize(
    ("ma", "loai", "ok"),
    [
        ("5.000123", "noi_bo", True),
        ("6.000001", "noi_bo", True),
        ("1.000123", "khong_duoc_luat_giao", True),
        ("5.000123", "khac", False),  # an internal code announced as a public procedure
        ("6.000001", "duoc_luat_giao", False),
        ("1.000123", "noi_bo", False),  # an internal procedure with a public code
        ("2.000913", "noi_bo", False),
    ],
)
def test_rule_noi_bo_iff_code_starts_with_5_or_6(ma: str, loai: str, ok: bool) -> None:
    doc = valid_procedure() | {"ma": ma, "loai": loai}
    errors = _errors("procedure", doc)
    if ok:
        assert not errors, [e.message for e in errors]
    else:
        assert errors
        assert any("noi_bo" in h for h in _hints(errors)), [e.message for e in errors]


def _online_service() -> list[JsonObj]:
    return [
        {
            "muc_do": "toan_trinh",
            "url": "https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-hanh-chinh.html",
            "noi_cung_cap": "Cổng Dịch vụ công quốc gia",
        }
    ]


def test_rule_online_service_needs_an_online_channel() -> None:
    doc = valid_procedure() | {"dich_vu_cong_truc_tuyen": _online_service()}
    errors = _errors("procedure", doc)
    assert errors, "online service declared without a truc_tuyen channel must fail"
    assert any("truc_tuyen" in h for h in _hints(errors)), [e.message for e in errors]

    doc["cach_thuc_thuc_hien"].append(
        {
            "kenh": "truc_tuyen",
            "thoi_han": {"so": 1, "don_vi": "ngay_lam_viec"},
            "phi_le_phi": [{"loai": "phi", "so_tien": 25000, "don_vi_tien": "VND"}],
        }
    )
    assert not _errors("procedure", doc)


def test_online_channel_without_online_service_is_fine() -> None:
    doc = valid_procedure()
    doc["cach_thuc_thuc_hien"][0]["kenh"] = "truc_tuyen"
    assert not _errors("procedure", doc)


def test_online_service_list_cannot_be_empty() -> None:
    doc = valid_procedure() | {"dich_vu_cong_truc_tuyen": []}
    assert _errors("procedure", doc)


@pytest.mark.parametrize(
    ("name", "path", "value", "hint_word"),
    [
        ("procedure", ("ma",), 2.0001, "dấu nháy"),
        ("procedure", ("cap_thuc_hien", 0), "huyện", "huyen"),
        ("procedure", ("cach_thuc_thuc_hien", 0, "thoi_han"), {"don_vi": "ngay"}, "mo_ta"),
        ("procedure", ("can_cu_phap_ly", 0, "ngay_ban_hanh"), datetime.date(2015, 2, 16),
         "năm-tháng-ngày"),
        ("decision", ("so_ky_hieu",), "1766/QD-UBND", "QĐ"),
        ("decision", ("danh_muc",), {}, "bai_bo"),
        ("decision", ("danh_muc", "sua_doi_bo_sung", 0, "thong_tin_dia_phuong"), {},
         "thong_tin_dia_phuong"),
        ("decision", ("danh_muc", "bai_bo", 1, "ghi_chu"), DELETE, "ghi_chu"),
    ],
)  # fmt: skip
def test_failures_carry_a_fix_hint(
    name: str, path: tuple[Any, ...], value: Any, hint_word: str
) -> None:
    errors = _errors(name, _set(VALID[name](), path, value))
    assert errors
    assert any(hint_word in h for h in _hints(errors)), [e.message for e in errors]
