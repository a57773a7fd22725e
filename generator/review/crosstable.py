"""The cross-check table: for each decision a change adds or edits, every annex item against
the procedure file it touches, rule by rule, as the reviewer's checklist (data model,
cross-checks 1, 3 and 6, plus what only the change can say: was the file updated with it).

A cell is True (✓), False (✗) or None (the rule does not apply to this item). The
validator reports the same facts as problems with a file and line; the table lays them out
per annex item, so that a reviewer sees at a glance that every row is green.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..crosscheck import DEFAULT_NOTICE_DAYS, NOTICE_DAYS
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
ANNOUNCING = {("moi_ban_hanh", "ma"), ("sua_doi_bo_sung", "ma"), ("chua_phan_loai", "ma"),
              ("thay_the", "ma_moi")}

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


def check_decision(path: str, status: str, data: dict[str, Any],
                   before: dict[str, Any] | None, facts: ChangeFacts) -> DecisionCheck:
    """The table for one decision of the change (`before`: its base version, if any)."""
    agency = _str(data.get("co_quan_ban_hanh"))
    kind = facts.agency_type(agency or "")
    required = NOTICE_DAYS.get(kind or "", DEFAULT_NOTICE_DAYS)
    signed, effective = _date(data.get("ngay_ban_hanh")), _date(data.get("ngay_hieu_luc"))
    notice = (working_days_between(signed, effective)
              if signed and effective and effective >= signed else None)
    earlier = set(_items(before)) if before else set()
    rows = [_row(list_name, code_field, item, data, (list_name, code_field, code) not in
                 earlier, kind == "tinh", facts)
            for list_name, code_field, code, item in _items_full(data)]
    dropped = sorted({code for (_, _, code) in earlier - set(_items(data)) if code})
    return DecisionCheck(path, status, _str(data.get("so_ky_hieu")), agency,
                         _str(data.get("ngay_ban_hanh")), _str(data.get("ngay_hieu_luc")),
                         notice, required, rows, dropped)


def annex_codes(data: dict[str, Any]) -> set[str]:
    """Every code a decision's annex names, in any list."""
    return {code for _, _, code in _items(data) if code}


def _row(list_name: str, code_field: str, item: dict[str, Any], decision: dict[str, Any],
         new_here: bool, province: bool, facts: ChangeFacts) -> Row:
    code = _code(item.get(code_field))
    name = _str(item.get("ten"))
    kind = ROW_KINDS[(list_name, code_field)]
    found = facts.find(code) if code else None
    checks: dict[str, bool | None] = dict.fromkeys(RULES)
    row = Row(kind, code, name, found[0] if found else None, checks)
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
    if (list_name, code_field) in ANNOUNCING:
        checks["ghi_quyet_dinh"] = (_str(procedure.get("quyet_dinh_cong_bo"))
                                    == _str(decision.get("so_ky_hieu")))
        if new_here:
            checks["cap_nhat"] = path in facts.updated
    return row


def _items_full(data: dict[str, Any]) -> Iterator[tuple[str, str, str | None, dict[str, Any]]]:
    annex = data.get("danh_muc")
    if not isinstance(annex, dict):
        return
    for (list_name, code_field) in ROW_KINDS:
        for item in annex.get(list_name) or []:
            if not isinstance(item, dict):
                continue
            if code_field == "ma_moi" and item.get("ma_moi") is None:
                continue
            yield list_name, code_field, _code(item.get(code_field)), item


def _items(data: dict[str, Any]) -> Iterator[tuple[str, str, str | None]]:
    for list_name, code_field, code, _ in _items_full(data):
        yield list_name, code_field, code


def _code(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int | float) and value != "" else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
