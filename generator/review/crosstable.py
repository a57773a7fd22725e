"""The cross-check table: for each decision a change adds or edits, every annex item against
the procedure file it touches, rule by rule, as the reviewer's checklist (data model,
cross-checks 1, 3 and 6, plus what only the change can say: was the file updated with it).

A cell is True (✓), False (✗) or None (the rule does not apply to this item). The
validator reports the same facts as problems with a file and line; the table lays them out
per annex item, so that a reviewer sees at a glance that every row is green.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..catalog import Entry
from ..crosscheck import DEFAULT_NOTICE_DAYS, NOTICE_DAYS, AnnexItem, annex_items
from ..workdays import working_days_between

RULES = {
    "co_tep": "Có tệp thủ tục",
    "ten_khop": "Tên khớp phụ lục",
    "ghi_quyet_dinh": "Tệp ghi quyết định này",
    "dung_co_quan": "Đúng cơ quan",
    "cap_nhat": "Tệp cập nhật trong thay đổi",
}
ROW_KINDS = {  # (annex list, code field) → how the row reads
    ("moi_ban_hanh", "ma"): "Mới ban hành",
    ("sua_doi_bo_sung", "ma"): "Sửa đổi, bổ sung",
    ("chua_phan_loai", "ma"): "Công bố (chưa rõ loại)",
    ("thay_the", "ma_moi"): "Thay thế (mã mới)",
    ("thay_the", "ma_cu"): "Bị thay thế (mã cũ)",
    ("bai_bo", "ma"): "Bãi bỏ",
}

Record = tuple[str, dict[str, Any]]         # a procedure file on the head side: path, data
FindProcedure = Callable[[str], Record | None]


@dataclass
class Row:
    kind: str                      # a ROW_KINDS value
    code: str | None
    name: str | None
    procedure: str | None          # the procedure file's path, when there is one
    checks: dict[str, bool | None]
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(value is not False for value in self.checks.values())

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "code": self.code, "name": self.name,
                "procedure": self.procedure, "checks": self.checks, "notes": self.notes,
                "ok": self.ok}


@dataclass
class DecisionCheck:
    path: str
    status: str                    # added | modified | renamed
    number: str | None
    agency: str | None
    signed: str | None
    effective: str | None
    notice_days: int | None        # working days between signing and effect
    notice_required: int
    rows: list[Row]
    dropped: list[str]             # annex codes the change took out of the decision

    @property
    def notice_ok(self) -> bool | None:
        return None if self.notice_days is None else self.notice_days >= self.notice_required

    @property
    def ok(self) -> bool:
        return self.notice_ok is not False and all(row.ok for row in self.rows)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "status": self.status, "number": self.number,
                "agency": self.agency, "signed": self.signed, "effective": self.effective,
                "notice": {"working_days": self.notice_days, "required": self.notice_required,
                           "ok": self.notice_ok},
                "rows": [row.to_dict() for row in self.rows], "dropped": self.dropped,
                "ok": self.ok}


@dataclass(frozen=True)
class ChangeFacts:
    """What the table needs to know about the change besides the decision itself."""

    find: FindProcedure            # a procedure by code, on the head side
    updated: frozenset[str]        # paths added, modified or renamed by the change
    removed: frozenset[str]        # paths the change deletes
    agency_type: Callable[[str], str | None]


def check_decision(decision: Entry, status: str, before: Entry | None,
                   facts: ChangeFacts) -> DecisionCheck:
    """The table for one decision of the change (`before`: its base version, if any)."""
    data = decision.data
    agency = _str(data.get("co_quan_ban_hanh"))
    kind = facts.agency_type(agency or "")
    required = NOTICE_DAYS.get(kind or "", DEFAULT_NOTICE_DAYS)
    signed, effective = _date(data.get("ngay_ban_hanh")), _date(data.get("ngay_hieu_luc"))
    notice = (working_days_between(signed, effective)
              if signed and effective and effective >= signed else None)
    earlier = _keys(before) if before is not None else set()
    rows = [_row(item, (item.list_name, item.field, item.code) not in earlier,
                 kind == "tinh", facts) for item in annex_items(decision)]
    dropped = sorted({code for (_, _, code) in earlier - _keys(decision) if code})
    return DecisionCheck(decision.path, status, _str(data.get("so_ky_hieu")), agency,
                         _str(data.get("ngay_ban_hanh")), _str(data.get("ngay_hieu_luc")),
                         notice, required, rows, dropped)


def annex_codes(decision: Entry) -> set[str]:
    """Every code a decision's annex names, in any list."""
    return {item.code for item in annex_items(decision) if item.code}


def _keys(decision: Entry) -> set[tuple[str, str, str | None]]:
    return {(item.list_name, item.field, item.code) for item in annex_items(decision)}


def _row(annexed: AnnexItem, new_here: bool, province: bool, facts: ChangeFacts) -> Row:
    code, item, decision = annexed.code, annexed.item, annexed.decision.data
    name = _str(item.get("ten"))
    found = facts.find(code) if code else None
    checks: dict[str, bool | None] = dict.fromkeys(RULES)
    row = Row(ROW_KINDS[(annexed.list_name, annexed.field)], code, name,
              found[0] if found else None, checks)
    if code is None:
        row.notes.append("chưa có mã: chưa đối chiếu được")
        return row
    checks["co_tep"] = found is not None
    if found is None:
        gone = [p for p in facts.removed if p.endswith(f"/{code}.yaml")]
        row.notes.append(f"tệp {gone[0]} bị xóa trong thay đổi: thủ tục bãi bỏ vẫn giữ tệp"
                         if gone else f"chưa có tệp content/procedures/…/{code}.yaml")
        return row
    path, procedure = found
    owner, agency = _str(procedure.get("co_quan_cong_bo")), _str(decision.get("co_quan_ban_hanh"))
    if name is not None:
        checks["ten_khop"] = name == _str(procedure.get("ten"))
    local = province and "thong_tin_dia_phuong" in item and owner != agency
    checks["dung_co_quan"] = owner == agency or local
    if local:
        row.notes.append(f"địa phương hóa hồ sơ của {owner}")
        return row
    if annexed.announces:
        checks["ghi_quyet_dinh"] = (_str(procedure.get("quyet_dinh_cong_bo"))
                                    == _str(decision.get("so_ky_hieu")))
        if new_here:
            checks["cap_nhat"] = path in facts.updated
    return row


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
