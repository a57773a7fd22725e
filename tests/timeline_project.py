"""A real repository for the time-aware catalogue: the example catalogue with the site's
templates and three more procedures of Bộ Tư pháp (first commit, 2026-03-02), then a
decision announced on 2026-05-04 that takes effect on 2026-06-15 (second commit):

- 300/QĐ-BTP amends 2.000815 (a fee 2,000 → 3,000 đồng, the decision it names),
  abolishes 2.000101 and replaces 2.000102 by the new 2.000202.

`correct_decision` adds a third commit: the decision's effective date was mistyped and is
corrected after merge to 2026-06-20.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from review_project import PROCEDURES, TEMPLATE, add_procedures, name_of
from site_project import FIRST, PROJECT, git

from generator import owners

AMENDED, ABOLISHED, REPLACED, REPLACEMENT = "2.000815", "2.000101", "2.000102", "2.000202"
ANNOUNCED = "2026-05-04T09:00:00+07:00"
EFFECTIVE, CORRECTED = "2026-06-15", "2026-06-20"
CORRECTED_ON = "2026-05-20T10:00:00+07:00"
DECISION = "content/decisions/bo-tu-phap/2026/300-qd-btp.yaml"
TEXT = f"""\
# yaml-language-server: $schema=../../../../schemas/decision.schema.json
so_ky_hieu: 300/QĐ-BTP
trich_yeu: Về việc công bố thủ tục hành chính sửa đổi, bổ sung, thay thế, bãi bỏ (chứng thực)
co_quan_ban_hanh: bo-tu-phap
nguoi_ky:
  ho_ten: Nguyễn Văn D
  chuc_vu: Thứ trưởng
ngay_ban_hanh: '{{signed}}'
ngay_hieu_luc: '{{effective}}'
can_cu:
  - Nghị định số 63/2010/NĐ-CP
danh_muc:
  sua_doi_bo_sung:
    - ma: '{AMENDED}'
      ten: {{amended}}
  thay_the:
    - ma_cu: '{REPLACED}'
      ma_moi: '{REPLACEMENT}'
      ten: {name_of(REPLACEMENT)}
  bai_bo:
    - ma: '{ABOLISHED}'
      ten: {name_of(ABOLISHED)}
"""


def make_timeline_project(folder: Path, signed: str = "2026-05-04", effective: str = EFFECTIVE,
                          announced: str = ANNOUNCED) -> Path:
    """The repository; other dates tell the same story at another time (`announced`: the
    date of the decision's commit)."""
    from examples import make_tree

    root = make_tree(folder)
    shutil.copy(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(PROJECT / "site_templates", root / "site_templates")
    shutil.copytree(PROJECT / "content" / "pages", root / "content" / "pages")
    add_procedures(root, (ABOLISHED, REPLACED))
    owners.write(root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "catalogue", when=FIRST)
    amended = root / PROCEDURES / f"{AMENDED}.yaml"
    text = amended.read_text("utf-8")
    name = text.split("\nten: ", 1)[1].split("\n", 1)[0]
    amended.write_text(text.replace("quyet_dinh_cong_bo: 3152/QĐ-BTP",
                                    "quyet_dinh_cong_bo: 300/QĐ-BTP")
                       .replace("so_tien: 2000", "so_tien: 3000"), "utf-8")
    new = (root / TEMPLATE).read_text("utf-8").replace(f"ma: '{AMENDED}'",
                                                        f"ma: '{REPLACEMENT}'")
    new = new.replace(f"\nten: {name}\n", f"\nten: {name_of(REPLACEMENT)}\n")
    (root / PROCEDURES / f"{REPLACEMENT}.yaml").write_text(
        new.replace("so_tien: 3000", "so_tien: 5000"), "utf-8")
    decision = root / DECISION.replace("/2026/", f"/{signed[:4]}/")
    decision.parent.mkdir(parents=True)
    decision.write_text(TEXT.format(amended=name, signed=signed, effective=effective), "utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Công bố 300/QĐ-BTP", when=announced)
    return root


def correct_decision(root: Path) -> None:
    """The decision's effective date, mistyped, corrected after merge."""
    path = root / DECISION
    path.write_text(path.read_text("utf-8").replace(EFFECTIVE, CORRECTED), "utf-8")
    git(root, "commit", "-q", "-am", "Đính chính ngày hiệu lực 300/QĐ-BTP", when=CORRECTED_ON)
