"""The semantic diff: field-level changes with schema titles; reorderings are not changes."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.schema_index import SchemaIndex
from generator.schemas import PACKAGED_SCHEMAS
from generator.semdiff import FieldChange, describe, diff_documents, pair_items, word_diff

SCHEMAS = SchemaIndex(PACKAGED_SCHEMAS)
BASE = Path(__file__).parent / "data" / "base" / "content"
PROCEDURE = BASE / "procedures" / "bo-tu-phap" / "2.000815.yaml"
DECISION = BASE / "decisions" / "bo-tu-phap" / "2025" / "3152-qd-btp.yaml"
FEE = ("cach_thuc_thuc_hien", 0, "phi_le_phi")
FEE_LABEL = "Cách thức thực hiện › Cách nộp 1 › Phí, lệ phí › Khoản phí, lệ phí"


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def diff(old: Any, new: Any, kind: str = "procedure") -> list[FieldChange]:
    return diff_documents(old, new, kind, SCHEMAS)


def shuffled(value: Any, rng: random.Random) -> Any:
    """A deep copy with every list (nested too) shuffled and every mapping's keys reordered."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {k: shuffled(value[k], rng) for k in keys}
    if isinstance(value, list):
        items = [shuffled(v, rng) for v in value]
        rng.shuffle(items)
        return items
    return value


def rejoin(runs: list[tuple[str, str]], keep: str) -> str:
    return "".join(text for op, text in runs if op in ("=", keep))


scalars = st.one_of(st.text(max_size=8), st.integers(-1000, 1000))
keys = st.text(min_size=1, max_size=6)
# Lists hold scalars or records named by a `ma` unique within the list, as in real documents.
trees = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.dictionaries(keys, inner, max_size=4),
        st.lists(scalars, max_size=5),
        st.lists(inner, max_size=4),          # lists of lists, of groups without a key
        st.lists(st.dictionaries(keys, inner, max_size=3), max_size=4).map(
            lambda items: [{**item, "ma": f"M{i}"} for i, item in enumerate(items)]),
    ),
    max_leaves=25,
)
list_free = st.recursive(scalars, lambda inner: st.dictionaries(keys, inner, max_size=4),
                         max_leaves=15)


@pytest.mark.parametrize("path,kind", [(PROCEDURE, "procedure"), (DECISION, "decision")])
def test_identical_and_reordered_documents_have_no_changes(path: Path, kind: str) -> None:
    doc = load(path)
    assert diff(doc, copy.deepcopy(doc), kind) == []
    for seed in range(10):
        other = shuffled(doc, random.Random(seed))
        assert diff(doc, other, kind) == []
        assert diff(other, doc, kind) == []


@settings(max_examples=200, deadline=None)
@given(trees, st.integers(0, 2**32))
def test_reordering_a_keyed_tree_is_no_change(tree: Any, seed: int) -> None:
    assert diff(tree, tree) == []
    assert diff(tree, shuffled(tree, random.Random(seed))) == []


def test_reordering_nested_lists_of_scalars_is_no_change() -> None:
    # [1, 2] must meet [2, 1], not the first most-alike [3, 1]
    assert diff({"x": [[1, 2], [1, 3]]}, {"x": [[3, 1], [2, 1]]}) == []


@settings(max_examples=200, deadline=None)
@given(list_free, list_free)
def test_different_mappings_always_differ(a: Any, b: Any) -> None:
    changes = diff(a, b)
    assert (changes == []) == (a == b)
    assert all(c.kind in ("added", "changed", "removed") for c in changes)


def test_changed_fee_is_one_labelled_change() -> None:
    old = load(PROCEDURE)
    new = copy.deepcopy(old)
    new["cach_thuc_thuc_hien"][0]["phi_le_phi"][0]["so_tien"] = 3000
    [change] = diff(old, new)
    assert change.kind == "changed"
    assert change.path == (*FEE, 0, "so_tien")
    assert change.label == f"{FEE_LABEL} 1 › Số tiền"
    assert (change.old, change.new) == (2000, 3000)
    assert not change.is_text
    assert change.to_dict() == {"path": [*FEE, 0, "so_tien"], "label": change.label,
                                "kind": "changed", "old": 2000, "new": 3000}


def test_changed_fee_moved_is_one_change_at_its_new_place() -> None:
    old = load(PROCEDURE)
    new = copy.deepcopy(old)
    fees = new["cach_thuc_thuc_hien"][0]["phi_le_phi"]
    fees[0]["so_tien"] = 3000
    fees.reverse()
    [change] = diff(old, new)
    assert (change.kind, change.path) == ("changed", (*FEE, 1, "so_tien"))
    assert change.label == f"{FEE_LABEL} 2 › Số tiền"
    assert (change.old, change.new) == (2000, 3000)


def test_long_text_change_is_shown_word_by_word() -> None:
    old = load(PROCEDURE)
    new = copy.deepcopy(old)
    before = old["yeu_cau_dieu_kien"] = "Bản chính giấy tờ, văn bản cần chứng thực phải còn rõ chữ."
    after = new["yeu_cau_dieu_kien"] = "Bản chính giấy tờ, tài liệu cần chứng thực phải còn rõ chữ."
    assert len(before) <= 60
    assert diff(old, new)[0].is_text is False  # short: shown whole
    before = old["yeu_cau_dieu_kien"] = before + " Không nhận bản đã bị tẩy xóa, sửa chữa."
    after = new["yeu_cau_dieu_kien"] = after + " Không nhận bản bị tẩy xóa hoặc sửa chữa."
    [change] = diff(old, new)
    assert change.label == "Yêu cầu, điều kiện"
    assert change.is_text
    runs = change.words()
    assert runs == [("=", "Bản chính giấy tờ, "), ("-", "văn bản "), ("+", "tài liệu "),
                    ("=", "cần chứng thực phải còn rõ chữ. Không nhận bản "), ("-", "đã "),
                    ("=", "bị tẩy "), ("-", "xóa, "), ("+", "xóa hoặc "), ("=", "sửa chữa.")]
    assert rejoin(runs, "+") == after and rejoin(runs, "-") == before
    assert change.to_dict()["words"] == [list(run) for run in runs]


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text())
def test_word_diff_rebuilds_both_texts(old: str, new: str) -> None:
    runs = word_diff(old, new)
    assert rejoin(runs, "-") == old and rejoin(runs, "+") == new
    assert all(op in "=-+" and text for op, text in runs)


def test_added_and_removed_fields() -> None:
    old = load(PROCEDURE)
    new = copy.deepcopy(old)
    new["so_bo_ho_so"] = 1
    del new["yeu_cau_dieu_kien"]
    added, removed = diff(old, new)
    assert (added.kind, added.path, added.label, added.new) == (
        "added", ("so_bo_ho_so",), "Số bộ hồ sơ", 1)
    assert added.to_dict() == {"path": ["so_bo_ho_so"], "label": "Số bộ hồ sơ",
                               "kind": "added", "new": 1}
    assert (removed.kind, removed.path, removed.old) == (
        "removed", ("yeu_cau_dieu_kien",), old["yeu_cau_dieu_kien"])
    assert "new" not in removed.to_dict()


def test_added_group_reads_field_by_field() -> None:
    new = load(PROCEDURE)
    old = copy.deepcopy(new)
    del old["cach_thuc_thuc_hien"][0]["thoi_han"]
    del old["ket_qua_thuc_hien"]
    new["ket_qua_thuc_hien"].append({"ma": "KQ.2", "ten": "Giấy xác nhận"})
    got = [(c.kind, c.path, c.label, c.new) for c in diff(old, new)]
    prefix = "Cách thức thực hiện › Cách nộp 1 › Thời hạn giải quyết"
    assert got == [
        ("added", ("cach_thuc_thuc_hien", 0, "thoi_han", "don_vi"),
         f"{prefix} › Đơn vị thời gian", "ngay_lam_viec"),
        ("added", ("cach_thuc_thuc_hien", 0, "thoi_han", "mo_ta"),
         f"{prefix} › Mô tả thời hạn", "Không có thông tin"),
        ("added", ("ket_qua_thuc_hien", 0), "Kết quả thực hiện › Kết quả 1",
         new["ket_qua_thuc_hien"][0]),
        ("added", ("ket_qua_thuc_hien", 1), "Kết quả thực hiện › Kết quả 2",
         {"ma": "KQ.2", "ten": "Giấy xác nhận"}),
    ]


def test_added_and_removed_list_items() -> None:
    old = load(PROCEDURE)
    new = copy.deepcopy(old)
    channel = {"kenh": "truc_tuyen", "thoi_han": {"don_vi": "ngay", "so_luong": 3}}
    new["cach_thuc_thuc_hien"].append(channel)
    new["cap_thuc_hien"].append("tinh")
    gone = new["cach_thuc_thuc_hien"][0]["phi_le_phi"].pop(0)
    got = [(c.kind, c.path, c.label, c.old, c.new) for c in diff(old, new)]
    assert got == [
        ("added", ("cap_thuc_hien", 2), "Cấp thực hiện", None, "tinh"),
        ("removed", (*FEE, 0), f"{FEE_LABEL} 1", gone, None),
        ("added", ("cach_thuc_thuc_hien", 1), "Cách thức thực hiện › Cách nộp 2", None, channel),
    ]


def test_decision_items_pair_by_code_before_likeness() -> None:
    old = load(DECISION)
    new = copy.deepcopy(old)
    items = new["danh_muc"]["sua_doi_bo_sung"]
    [item] = items
    title = item["ten"]
    item["ten"] = title.replace("Chứng thực bản sao", "Chứng thực bản sao điện tử")
    # a new item that looks more like the old one than the edited one does
    items.insert(0, {"ma": "2.000999", "ten": title})
    added, changed = diff(old, new, "decision")
    label = "Danh mục thủ tục › Thủ tục được sửa đổi, bổ sung"
    assert (added.kind, added.path, added.label) == (
        "added", ("danh_muc", "sua_doi_bo_sung", 0), f"{label} 1")
    assert added.new == {"ma": "2.000999", "ten": title}
    assert (changed.kind, changed.path, changed.label) == (
        "changed", ("danh_muc", "sua_doi_bo_sung", 1, "ten"), f"{label} 2 › Tên thủ tục")
    assert (changed.old, changed.new) == (title, item["ten"])
    assert changed.is_text and changed.words()[:2] == [("=", "Chứng thực bản sao "),
                                                   ("+", "điện tử ")]


def test_pair_items() -> None:
    a = {"loai": "phi", "so_tien": 2000, "don_vi_tien": "VND"}
    b = {"kenh": "truc_tiep", "mo_ta": "Nộp tại bộ phận một cửa"}
    c = {"ten": "Tờ khai đề nghị cấp lại giấy phép hoạt động"}
    assert pair_items([a, b, c, a], [c, a, a, b]) == []
    assert pair_items([a, b], [a, b, a]) == [(None, 2)]
    like_a = {**a, "so_tien": 3000}
    assert pair_items([a, b], [like_a, c]) == [(0, 0), (None, 1), (1, None)]
    assert pair_items([b, {**c, "ghi_chu": "x"}], [c]) == [(1, 0), (0, None)]


def test_describe_uses_schema_titles() -> None:
    doc = load(PROCEDURE)
    fee = doc["cach_thuc_thuc_hien"][0]["phi_le_phi"][1]
    text = describe(fee, "procedure", (*FEE, 1), SCHEMAS)
    assert text == ("Loại khoản thu: phi; Số tiền: 10; Đơn vị tiền: USD; "
                    "Mô tả phí, lệ phí: Tại cơ quan đại diện: 10 USD/bản.")
    assert describe(["xa", "tinh"], "procedure", ("cap_thuc_hien",), SCHEMAS) == "xa | tinh"
    assert describe({"zz": 1}, "procedure", (), SCHEMAS) == "zz: 1"
