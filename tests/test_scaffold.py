"""`tthc new`: commented scaffolds at the right path, built from the schemas."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from examples import make_tree

from generator.cli import main
from generator.fmt import MODELINE, canonical_text
from generator.loader import load_file
from generator.scaffold import PLACEHOLDER, WIDTH
from generator.schema_index import SchemaIndex
from generator.schemas import PACKAGED_SCHEMAS, SchemaSet
from generator.validate import validate

KINDS = {
    "procedure": (["--agency", "bo-tu-phap", "--ma", "1.001193"],
                  "content/procedures/bo-tu-phap/1.001193.yaml"),
    "decision": (["--agency", "tinh-binh-thuan", "--so", "4245/QĐ-UBND", "--year", "2021"],
                 "content/decisions/tinh-binh-thuan/2021/4245-qd-ubnd.yaml"),
    "agency": (["--agency", "tinh-lam-dong"], "content/agencies/tinh-lam-dong.yaml"),
}
DEPTH = {"procedure": 3, "decision": 4, "agency": 2}

# Real values for every placeholder of a procedure scaffold, by key path (list indexes left out).
REAL: dict[str, Any] = {
    "quyet_dinh_cong_bo": "3152/QĐ-BTP",
    "loai": "khong_duoc_luat_giao",
    "linh_vuc": "chung-thuc",
    "cap_thuc_hien": "xa",
    "doi_tuong_thuc_hien": "cong-dan-viet-nam",
    "co_quan_thuc_hien": "Ủy ban nhân dân cấp xã",
    "trinh_tu_thuc_hien.buoc": "Bước 1: Người yêu cầu nộp hồ sơ.",
    "cach_thuc_thuc_hien.kenh": "truc_tiep",
    "cach_thuc_thuc_hien.thoi_han.so": 1,
    "cach_thuc_thuc_hien.thoi_han.don_vi": "ngay_lam_viec",
    "cach_thuc_thuc_hien.phi_le_phi.loai": "phi",
    "cach_thuc_thuc_hien.phi_le_phi.so_tien": 2000,
    "cach_thuc_thuc_hien.phi_le_phi.don_vi_tien": "VND",
    "thanh_phan_ho_so.giay_to.ten": "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực.",
    "thanh_phan_ho_so.giay_to.so_ban_chinh": 1,
    "thanh_phan_ho_so.giay_to.so_ban_sao": 0,
    "ket_qua_thuc_hien.ten": "Bản sao được chứng thực từ bản chính",
    "can_cu_phap_ly.so_ky_hieu": "23/2015/NĐ-CP",
}


def _fill(value: Any, path: tuple[str, ...], real: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, (*path, k), real) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, path, real) for v in value]
    if value == PLACEHOLDER:
        return real[".".join(path)]
    return value


def _uncomment_examples(text: str) -> str:
    """Remove the `# ` of commented-out example lines (not of the help notes)."""
    return re.sub(r"(?m)^(\s*)# (?=[a-z_0-9]+:( |$)|\s+\S|- )", r"\1", text)


@pytest.mark.parametrize("kind", list(KINDS))
def test_new_writes_a_commented_scaffold(kind: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    args, relative = KINDS[kind]
    (tmp_path / "content").mkdir()
    assert main(["new", kind, *args, "--root", str(tmp_path)]) == 0
    assert capsys.readouterr().out == relative + "\n"
    path = tmp_path / relative
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == f"{MODELINE}{'../' * DEPTH[kind]}schemas/{kind}.schema.json"
    assert all(len(line) <= WIDTH for line in lines if line.lstrip().startswith("#"))
    assert load_file(path, relative).problems == []
    schema = SchemaIndex(PACKAGED_SCHEMAS).files[f"{kind}.schema.json"]
    data = load_file(path, relative).data
    # keys a full record needs: required, plus the `else` keys of an `if X … else` rule
    needed = set(schema["required"]) | {key for rule in schema.get("allOf", [])
                                        for key in rule.get("else", {}).get("required", [])}
    assert needed <= set(data)
    for key, prop in schema["properties"].items():
        if key in needed:
            assert re.search(rf"(?m)^# {re.escape(prop['title'])} — ", text), key
        else:
            assert f"\n# {key}:" in text, key
    full = _uncomment_examples(text)
    path.write_text(full, encoding="utf-8")
    assert load_file(path, relative).problems == []
    assert set(load_file(path, relative).data) == set(schema["properties"])


def test_filled_procedure_scaffold_passes_every_check(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    relative = "content/procedures/bo-tu-phap/2.000815.yaml"
    decision = load_file(root / "content/decisions/bo-tu-phap/2025/3152-qd-btp.yaml", "d").data
    (root / relative).unlink()
    assert main(["new", "procedure", "--agency", "bo-tu-phap", "--ma", "2.000815",
                 "--root", str(root)]) == 0
    raw = load_file(root / relative, relative)
    schemas = SchemaSet(PACKAGED_SCHEMAS)
    assert schemas.check("procedure", raw), "an unfilled scaffold must not pass"
    real = {**REAL, "ten": decision["danh_muc"]["sua_doi_bo_sung"][0]["ten"]}
    filled = _fill(raw.data, (), real)
    header = [MODELINE + "../../../schemas/procedure.schema.json"]
    (root / relative).write_text(canonical_text(filled, header), encoding="utf-8")
    assert [str(p) for p in validate(root)] == []
    assert main(["fmt", "--check", "--root", str(root)]) == 0


def test_new_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_tree(tmp_path)
    path = root / "content/procedures/bo-tu-phap/2.000815.yaml"
    before = path.read_bytes()
    code = main(["new", "procedure", "--agency", "bo-tu-phap", "--ma", "2.000815",
                 "--root", str(root)])
    assert code == 1
    assert path.read_bytes() == before
    assert "không ghi đè" in capsys.readouterr().err


@pytest.mark.parametrize("args", [
    ["procedure", "--agency", "Bo Tu Phap", "--ma", "1.001193"],
    ["procedure", "--agency", "bo-tu-phap", "--ma", "1.1193"],
    ["procedure", "--agency", "bo-tu-phap", "--ma", "1.001193\n"],
    ["procedure", "--agency", "bo-tu-phap"],
    ["procedure", "--agency", "bo-tu-phap", "--ma", "1.001193", "--year", "2020"],
    ["decision", "--agency", "bo-tu-phap", "--so", "1766/QD-UBND", "--year", "2020"],
    ["decision", "--agency", "bo-tu-phap", "--so", "Số: 1766/QĐ-UBND", "--year", "2020"],
    ["decision", "--agency", "bo-tu-phap", "--so", "1766/QĐ-UBND", "--year", "20"],
    ["decision", "--agency", "bo-tu-phap", "--so", "1766/QĐ-UBND"],
    ["agency", "--agency", "../etc"],
    ["agency", "--agency", "bo-tu-phap", "--ma", "1.001193"],
    ["vocab", "--agency", "bo-tu-phap"],
    ["procedure", "--ma", "1.001193"],
])
def test_bad_arguments_exit_2_and_write_nothing(args: list[str], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "content").mkdir()
    try:
        code = main(["new", *args, "--root", str(tmp_path)])
    except SystemExit as exc:  # argparse rejects unknown kinds and missing options itself
        code = int(str(exc.code))
    assert code == 2
    assert "lỗi" in capsys.readouterr().err
    assert list((tmp_path / "content").iterdir()) == []


def test_new_runs_as_a_module(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    args, relative = KINDS["decision"]
    result = subprocess.run([sys.executable, "-m", "generator", "new", "decision", *args],
                            cwd=root / "content", capture_output=True, text=True, env=env,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == relative + "\n"
    assert (root / relative).read_text(encoding="utf-8").startswith(MODELINE)
    again = subprocess.run([sys.executable, "-m", "generator", "new", "decision", *args],
                           cwd=root, capture_output=True, text=True, env=env, check=False)
    assert again.returncode == 1
