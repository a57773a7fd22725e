"""`tthc fmt`: one canonical layout, idempotent, data-preserving, refusing what it can't keep."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from examples import BASE, make_tree
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.fmt import (
    MODELINE,
    canonical_text,
    emit,
    format_source,
    render_scalar,
    same_data,
    write_atomic,
)
from generator.loader import load_bytes
from generator.schema_index import SchemaIndex
from generator.schemas import PACKAGED_SCHEMAS
from generator.validate import validate

INDEX = SchemaIndex(PACKAGED_SCHEMAS)
PROC = "content/procedures/bo-tu-phap/2.000815.yaml"
NFD_UY = unicodedata.normalize("NFD", "Ủy ban nhân dân cấp xã")

MESSY = f"""# Ghi chú giữ lại: nguồn dữ liệu từ Cổng DVC
ten:   "Chứng thực bản sao"      # chú thích cuối dòng bị bỏ
ghi_chu_noi_bo: khóa lạ giữ lại, xếp cuối
ma: "2.000815"
loai: 'khong_duoc_luat_giao'

# chú thích giữa tệp bị bỏ
co_quan_cong_bo: bo-tu-phap
quyet_dinh_cong_bo: 3152/QĐ-BTP
linh_vuc: [chung-thuc]
cap_thuc_hien: [xa, khac]
doi_tuong_thuc_hien: ['cong-dan-viet-nam']
co_quan_thuc_hien: "{NFD_UY}"
trinh_tu_thuc_hien:
- buoc:
  - "Bước 1: Nộp hồ sơ.\\nBước 2: Nhận kết quả.\\n"
  - '+ Kiểm tra'
cach_thuc_thuc_hien:
- phi_le_phi: []
  thoi_han: {{don_vi: ngay_lam_viec, so: 1}}
  kenh: truc_tiep
thanh_phan_ho_so:
- giay_to:
  - {{so_ban_sao: 0, so_ban_chinh: 1, ten: Bản chính}}
ket_qua_thuc_hien:
- ten: Bản sao được chứng thực
can_cu_phap_ly:
- {{so_ky_hieu: 23/2015/NĐ-CP, ngay_ban_hanh: 2015-02-16}}
yeu_cau_dieu_kien: |-
    Dòng một
    Dòng hai
tu_khoa: [sao y, "yes", '1.5', "a: b", '#x', ' lead', '', '-', ~, 2.50]
"""

EXPECTED = """\
# yaml-language-server: $schema=../../../schemas/procedure.schema.json
# Ghi chú giữ lại: nguồn dữ liệu từ Cổng DVC
ma: '2.000815'
ten: Chứng thực bản sao
co_quan_cong_bo: bo-tu-phap
quyet_dinh_cong_bo: 3152/QĐ-BTP
loai: khong_duoc_luat_giao
linh_vuc:
  - chung-thuc
cap_thuc_hien:
  - xa
  - khac
doi_tuong_thuc_hien:
  - cong-dan-viet-nam
co_quan_thuc_hien: Ủy ban nhân dân cấp xã
trinh_tu_thuc_hien:
  - buoc:
      - |
        Bước 1: Nộp hồ sơ.
        Bước 2: Nhận kết quả.
      - '+ Kiểm tra'
cach_thuc_thuc_hien:
  - kenh: truc_tiep
    thoi_han:
      so: 1
      don_vi: ngay_lam_viec
    phi_le_phi: []
thanh_phan_ho_so:
  - giay_to:
      - ten: Bản chính
        so_ban_chinh: 1
        so_ban_sao: 0
ket_qua_thuc_hien:
  - ten: Bản sao được chứng thực
can_cu_phap_ly:
  - so_ky_hieu: 23/2015/NĐ-CP
    ngay_ban_hanh: '2015-02-16'
yeu_cau_dieu_kien: |-
  Dòng một
  Dòng hai
tu_khoa:
  - sao y
  - 'yes'
  - '1.5'
  - 'a: b'
  - '#x'
  - ' lead'
  - ''
  - '-'
  - null
  - 2.50
ghi_chu_noi_bo: khóa lạ giữ lại, xếp cuối
"""


def _write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


# ------------------------------------------------------------------ canonical output

def test_messy_file_becomes_the_canonical_text(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    root = make_tree(tmp_path)
    path = _write(root, PROC, MESSY)
    assert main(["fmt", "--root", str(root)]) == 0
    assert path.read_text(encoding="utf-8") == EXPECTED
    assert f"{PROC}: đã định dạng lại" in capsys.readouterr().out
    original = load_bytes(MESSY.encode(), PROC)
    assert [p.code for p in original.problems] == ["not-nfc"]
    formatted = load_bytes(path.read_bytes(), PROC)
    assert formatted.problems == []
    nfc = unicodedata.normalize("NFC", NFD_UY)
    assert same_data(formatted.data, {**original.data, "co_quan_thuc_hien": nfc})


def test_formatting_is_idempotent_on_the_messy_file() -> None:
    once = format_source(MESSY.encode(), PROC, "procedure", INDEX)
    assert once == EXPECTED
    assert format_source(once.encode(), PROC, "procedure", INDEX) == once


@pytest.mark.parametrize(("value", "expected"), [
    ("1.001193", "'1.001193'"), ("2020-08-03", "'2020-08-03'"), ("yes", "'yes'"),
    ("No", "'No'"), ("null", "'null'"), ("true", "'true'"), ("~", "'~'"), ("", "''"),
    ("1e5", "'1e5'"), ("y", "'y'"), ("a: b", "'a: b'"), ("a #b", "'a #b'"), ("#x", "'#x'"),
    ("-", "'-'"), ("- x", "'- x'"), ("x:", "'x:'"), (" lead", "' lead'"),
    ("trail ", "'trail '"), ("...", "'...'"), ("it's", "it's"), ("'q'", "'''q'''"),
    ("Bước 1 - nộp hồ sơ", "Bước 1 - nộp hồ sơ"), ("https://moj.gov.vn", "https://moj.gov.vn"),
    ("1766/QĐ-UBND", "1766/QĐ-UBND"), ("bell\x07", '"bell\\x07"'), ("a\tb", '"a\\tb"'),
    ("a\rb", '"a\\rb"'),
    ("\ufeffx", '"\\uFEFFx"'), ("\n", '"\\n"'), (1, "1"), (-3, "-3"), (True, "true"),
    (False, "false"), (None, "null"), (2.5, "2.5"), (1e16, "1.0e+16"), (float("inf"), ".inf"),
    ([], "[]"), ({}, "{}"),
])
def test_scalar_style(value: Any, expected: str) -> None:
    assert render_scalar(value) == expected


def test_multiline_text_uses_literal_blocks_with_exact_chomping() -> None:
    data = {"a": "x\ny\n", "b": "x\ny", "c": "x\n\n", "d": " x\ny", "e": "\tx\n", "f": "x\n\ny"}
    assert emit(data) == [
        "a: |", "  x", "  y",
        "b: |-", "  x", "  y",
        "c: |+", "  x", "",
        "d: |2-", "   x", "  y",
        "e: |2", "  \tx",
        "f: |-", "  x", "", "  y",
    ]
    text = canonical_text(data, [])
    assert same_data(yaml.load(text, Loader=yaml.CSafeLoader), data)


def test_long_lines_are_never_folded() -> None:
    long = "Thủ tục " * 60
    assert canonical_text({"ten": long.strip()}, []) == f"ten: {long.strip()}\n"


def test_numbers_keep_their_digits_so_an_unquoted_code_stays_visible() -> None:
    raw = b"ma: 2.000100\nso_bo_ho_so: 01\n"
    text = format_source(raw, PROC, "procedure", INDEX)
    assert text.endswith("ma: 2.000100\nso_bo_ho_so: 01\n")


def test_modeline_is_added_or_corrected_and_top_comments_are_kept() -> None:
    raw = ("# yaml-language-server: $schema=../schemas/wrong.json\n# Nguồn: Cổng DVC\n"
           "# dòng hai\n\n# bị bỏ\nten: A\nid: a\n").encode()
    text = format_source(raw, "content/agencies/a.yaml", "agency", INDEX)
    assert text == ("# yaml-language-server: $schema=../../schemas/agency.schema.json\n"
                    "# Nguồn: Cổng DVC\n# dòng hai\nid: a\nten: A\n")


def test_crlf_and_bom_become_plain_unix_utf8() -> None:
    raw = "\ufeffid: a\r\nten: |\r\n  x\r\n  y\r\n".encode()
    text = format_source(raw, "content/agencies/a.yaml", "agency", INDEX)
    assert text == MODELINE + "../../schemas/agency.schema.json\nid: a\nten: |\n  x\n  y\n"


# ------------------------------------------------------------------ properties

_TRICKY = ["1.001193", "2.000100", "yes", "no", "null", "true", "~", "a: b", "#x", " lead",
           "trail ", "line1\nline2\n", "line1\nline2", "x\n\n", "\nx", " x\ny", "", "-", "- a",
           "...", "---", "'", '"', "a\tb", "\t", "1e5", "2020-08-03", "=", "<<", "+ Bước 1",
           "Bước 1: Nộp hồ sơ", unicodedata.normalize("NFD", "Ủy ban"),
           "a\rb", "\ufeff", "…", "@tthc/bo-tu-phap"]
_VIET = "aăâbcdđeêghiklmnoôơpqrstuưvxyÁÀẢÃẠắằẳẵặếềểễệốồổỗộớờởỡợứừửữựý\u0301\u0300\u0303"
_text = st.one_of(
    st.sampled_from(_TRICKY),
    st.text(alphabet=_VIET + " :#-'\"\n\t.0123", max_size=20),
    # the loader rejects control characters and U+2028/2029 (control-character), so the
    # formatter only ever sees text without them
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"),
                          include_characters="\t\n"), max_size=10),
)
_keys = st.one_of(
    st.sampled_from(["ma", "ten", "loai", "linh_vuc", "thanh_phan_ho_so", "giay_to", "so"]),
    _text,
).map(lambda key: unicodedata.normalize("NFC", key))
_scalars = st.one_of(st.none(), st.booleans(), st.integers(),
                     st.floats(allow_nan=False, allow_infinity=False), _text)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=4)),
    max_leaves=25,
)
_documents = st.dictionaries(_keys, _values, max_size=6)


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(item) for item in value]
    if isinstance(value, dict):
        return {key: _nfc(item) for key, item in value.items()}
    return value


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents)
def test_fmt_round_trips_data_and_is_idempotent(data: dict[str, Any]) -> None:
    source = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")
    assume(same_data(load_bytes(source, PROC).data, data))  # PyYAML's own dump is the messy input
    once = format_source(source, PROC, "procedure", INDEX)
    loaded = load_bytes(once.encode("utf-8"), PROC)
    assert loaded.problems == []
    assert same_data(loaded.data, _nfc(data))
    assert format_source(once.encode("utf-8"), PROC, "procedure", INDEX) == once
    assert once.endswith("\n") and "\r" not in once


@settings(max_examples=400, deadline=None)
@given(_documents)
def test_canonical_text_reads_back_as_the_same_data(data: dict[str, Any]) -> None:
    data = _nfc(data)
    text = canonical_text(data, ["# chú thích"])
    loaded = load_bytes(text.encode("utf-8"), PROC)
    assert loaded.problems == []
    assert same_data(loaded.data, data)


# ------------------------------------------------------------------ the command

def test_base_examples_are_in_canonical_layout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", "--check", "--root", str(BASE)]) == 0, capsys.readouterr().out


def test_check_lists_files_and_writes_nothing(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    root = make_tree(tmp_path)
    assert main(["fmt", "--check", "--root", str(root)]) == 0
    path = _write(root, PROC, MESSY)
    before = path.stat()
    assert main(["fmt", "--check", "--root", str(root)]) == 1
    assert path.read_text(encoding="utf-8") == MESSY
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    out = capsys.readouterr().out
    assert out.splitlines() == [f"{PROC}: cần định dạng lại (chạy tthc fmt)"]
    assert main(["fmt", "--check", str(path)]) == 1
    assert main(["fmt", str(path)]) == 0
    assert main(["fmt", "--check", str(root / "content")]) == 0


def test_files_are_only_written_when_bytes_change(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    path = root / PROC
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert main(["fmt", "--root", str(root)]) == 0
    assert path.stat().st_mtime_ns == 1_000_000_000


def test_refuses_a_file_with_a_duplicate_key(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    root = make_tree(tmp_path)
    text = (root / PROC).read_text(encoding="utf-8") + "ma: '2.000815'\n"
    path = _write(root, PROC, text)
    for args in (["fmt"], ["fmt", "--check"]):
        assert main([*args, "--root", str(root)]) == 1
        assert path.read_text(encoding="utf-8") == text
        assert "[duplicate-key]" in capsys.readouterr().err


def test_refuses_keys_that_collide_after_nfc(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = make_tree(tmp_path)
    nfd = unicodedata.normalize("NFD", "ghi_chú")
    path = _write(root, "content/agencies/a.yaml", f"id: a\nghi_chú: x\n{nfd}: y\n")
    before = path.read_bytes()
    assert main(["fmt", "--root", str(root), str(path)]) == 1
    assert path.read_bytes() == before
    assert "[duplicate-key]" in capsys.readouterr().err


def test_nfd_text_is_fixed(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    path = root / PROC
    path.write_text(unicodedata.normalize("NFD", path.read_text(encoding="utf-8")),
                    encoding="utf-8")
    assert "not-nfc" in {p.code for p in validate(root)}
    assert main(["fmt", "--root", str(root)]) == 0
    assert [str(p) for p in validate(root)] == []
    assert path.read_bytes() == (BASE / PROC).read_bytes()


def test_atomic_write_leaves_no_temporary_files(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    path = _write(root, PROC, MESSY)
    path.chmod(0o640)
    listing = sorted(p.name for p in path.parent.iterdir())
    assert main(["fmt", "--root", str(root)]) == 0
    assert sorted(p.name for p in path.parent.iterdir()) == listing
    assert path.stat().st_mode & 0o777 == 0o640


def test_failed_write_keeps_the_original_and_no_temporary_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"old\n")

    def broken(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(path, b"new\n")
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]
    assert path.read_bytes() == b"old\n"


def test_bad_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_tree(tmp_path)
    assert main(["fmt", "--root", str(root), str(root / "content" / "missing.yaml")]) == 2
    stray = _write(root, "content/pages/x.yaml", "a: 1\n")
    assert main(["fmt", "--root", str(root), str(stray)]) == 1
    assert "không phải tệp nội dung" in capsys.readouterr().err
    assert stray.read_text(encoding="utf-8") == "a: 1\n"


def test_not_a_mapping_is_refused(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    path = _write(root, "content/vocab/rong.yaml", "# chỉ có chú thích\n")
    assert main(["fmt", "--root", str(root)]) == 1
    assert path.read_text(encoding="utf-8") == "# chỉ có chú thích\n"


def test_runs_as_a_module(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    _write(root, PROC, MESSY)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    check = subprocess.run([sys.executable, "-m", "generator", "fmt", "--check"], cwd=root,
                           capture_output=True, text=True, env=env, check=False)
    assert check.returncode == 1, check.stderr
    assert check.stdout == f"{PROC}: cần định dạng lại (chạy tthc fmt)\n"
    fix = subprocess.run([sys.executable, "-m", "generator", "fmt", PROC], cwd=root,
                         capture_output=True, text=True, env=env, check=False)
    assert fix.returncode == 0, fix.stderr
    assert (root / PROC).read_text(encoding="utf-8") == EXPECTED
