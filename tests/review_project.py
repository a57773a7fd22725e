"""A real repository for review tests: the example catalogue plus five procedures of Bộ Tư
pháp (base commit), then one pull request's worth of change (head commit):

- a new decision 200/QĐ-BTP amends 2.000101, 2.000102 and 2.000103 and abolishes 2.000104;
- 2.000101 is updated as it should be (a fee raised, a condition reworded, two fees and two
  levels swapped: a reordering, not a change);
- 2.000102 is updated but keeps its old name while the annex announces a new one;
- 2.000103 is not updated at all;
- 2.000104 keeps its file (an abolished procedure stays as a tombstone);
- 2.000105 gets a keyword although no decision in the change touches it;
- 1.013124 belongs to Bộ Quốc phòng: outside the author's agency.
"""

from __future__ import annotations

from pathlib import Path

from examples import make_tree
from site_project import FIRST, SECOND, git

from generator import owners

PROCEDURES = "content/procedures/bo-tu-phap"
TEMPLATE = f"{PROCEDURES}/2.000815.yaml"
OLD_DECISION = "content/decisions/bo-tu-phap/2025/3152-qd-btp.yaml"
NEW_DECISION = "content/decisions/bo-tu-phap/2026/200-qd-btp.yaml"
ADDED_CODES = ("2.000101", "2.000102", "2.000103", "2.000104", "2.000105")
NAMES = {code: f"Thủ tục thử nghiệm {code} về chứng thực bản sao" for code in ADDED_CODES}
NEW_NAME_B = "Thủ tục thử nghiệm 2.000102 về chứng thực bản sao điện tử"
OLD_CONDITION = "Bản chính giấy tờ, văn bản cần chứng thực."
NEW_CONDITION = ("Bản chính giấy tờ, văn bản cần chứng thực, còn nguyên vẹn và không bị tẩy "
                 "xóa, sửa chữa.")

DECISION = """\
# yaml-language-server: $schema=../../../../schemas/decision.schema.json
so_ky_hieu: 200/QĐ-BTP
trich_yeu: Về việc công bố thủ tục hành chính sửa đổi, bổ sung, bãi bỏ (chứng thực)
co_quan_ban_hanh: bo-tu-phap
nguoi_ky:
  ho_ten: Nguyễn Văn C
  chuc_vu: Thứ trưởng
ngay_ban_hanh: '2026-03-02'
ngay_hieu_luc: '2026-04-15'
can_cu:
  - Nghị định số 63/2010/NĐ-CP ngày 08/6/2010 của Chính phủ về kiểm soát thủ tục hành chính
danh_muc:
  sua_doi_bo_sung:
    - ma: '2.000101'
      ten: {a}
    - ma: '2.000102'
      ten: {b}
    - ma: '2.000103'
      ten: {c}
  bai_bo:
    - ma: '2.000104'
      ten: {d}
"""


def make_review_project(folder: Path, nested: str | None = None) -> Path:
    """The repository (branch `main` = base, branch `de-nghi` = head), ready to review;
    with `nested`, the project is that folder of a larger repository at `folder`."""
    root = make_tree(folder / nested if nested else folder)
    add_procedures(root, ADDED_CODES)
    owners.write(root)
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "catalogue")
    git(folder, "checkout", "-q", "-b", "de-nghi")
    _propose(root)
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "Công bố 200/QĐ-BTP", when=SECOND)
    return root


def add_procedures(root: Path, codes: tuple[str, ...]) -> None:
    """Copies of 2.000815 under new codes and names (NAMES), announced by 3152/QĐ-BTP."""
    template = (root / TEMPLATE).read_text("utf-8")
    for code in codes:
        text = template.replace("ma: '2.000815'", f"ma: '{code}'", 1)
        text = _set_name(text, name_of(code))
        (root / PROCEDURES / f"{code}.yaml").write_text(text, "utf-8")
    decision = root / OLD_DECISION
    decision.write_text(decision.read_text("utf-8") + "".join(
        f"    - ma: '{code}'\n      ten: {name_of(code)}\n" for code in codes), "utf-8")


def name_of(code: str) -> str:
    return f"Thủ tục thử nghiệm {code} về chứng thực bản sao"


def _propose(root: Path) -> None:
    (root / NEW_DECISION).parent.mkdir(parents=True)
    (root / NEW_DECISION).write_text(DECISION.format(
        a=NAMES["2.000101"], b=NEW_NAME_B, c=NAMES["2.000103"], d=NAMES["2.000104"]), "utf-8")
    a = root / PROCEDURES / "2.000101.yaml"
    text = _announce(a.read_text("utf-8"))
    text = text.replace("  - xa\n  - khac\n", "  - khac\n  - xa\n", 1)        # reorder only
    fees = text.index("      - loai: phi\n        so_tien: 2000")
    second = text.index("      - loai: phi\n        so_tien: 10\n")
    end = text.index("thanh_phan_ho_so:")
    first_fee, second_fee = text[fees:second], text[second:end]
    text = text[:fees] + second_fee + first_fee.replace("so_tien: 2000", "so_tien: 3000") \
        + text[end:]
    text = text.replace(OLD_CONDITION, NEW_CONDITION)
    a.write_text(text, "utf-8")
    b = root / PROCEDURES / "2.000102.yaml"
    b.write_text(_announce(b.read_text("utf-8")), "utf-8")
    for path, word in ((PROCEDURES + "/2.000105.yaml", "sao y"),
                       ("content/procedures/bo-quoc-phong/1.013124.yaml", "quân sự")):
        with (root / path).open("a", encoding="utf-8") as file:   # the last key in order
            file.write(f"tu_khoa:\n  - {word}\n")


def _announce(text: str) -> str:
    return text.replace("quyet_dinh_cong_bo: 3152/QĐ-BTP", "quyet_dinh_cong_bo: 200/QĐ-BTP", 1)


def _set_name(text: str, name: str) -> str:
    start = text.index("\nten: ") + len("\nten: ")
    return text[:start] + name + text[text.index("\n", start):]


__all__ = ["FIRST", "make_review_project"]
