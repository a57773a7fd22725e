"""Cross-checks between files: what a JSON Schema cannot say.

These are the data model's "kiểm tra, rà soát, đối chiếu" rules, numbered as there:
(1) annex item ↔ procedure file, (2) procedure ↔ its announcing decision, (3) abolished
items, (4) uniqueness, folders and references, (5) dates and the 20/5 working-day notice,
(6) agency scope. Every check reads the loaded catalogue and returns problems; none
raises on malformed data (the schema check has already reported that).
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .catalog import Catalog, Entry
from .problems import Problem
from .workdays import working_days_between

REFORM_DATE = date(2025, 7, 1)  # two-tier local government: no more cấp huyện
NOTICE_DAYS = {"tinh": 5}       # NĐ 48/2013: provinces 5 working days, others 20
DEFAULT_NOTICE_DAYS = 20
ANNOUNCING_LISTS = ("moi_ban_hanh", "sua_doi_bo_sung", "chua_phan_loai")
ANNEX_LISTS = ("moi_ban_hanh", "sua_doi_bo_sung", "chua_phan_loai", "thay_the", "bai_bo")
FULL_DECISION_KEYS = ("trich_yeu", "nguoi_ky", "ngay_ban_hanh", "ngay_hieu_luc", "can_cu")
_SAFE_PATH = re.compile(r"^(?!/)(?!.*(^|/)\.\.(/|$))[^\\:]+$")
_THOUSANDS = re.compile(r"^[0-9]{1,3}(\.[0-9]{3})+$")
_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")


def decision_slug(number: str) -> str:
    """File name of a decision: `1766/QĐ-UBND` → `1766-qd-ubnd`."""
    text = number.lower().replace("đ", "d").replace("/", "-")
    return re.sub(r"[^a-z0-9-]", "", text)


@dataclass
class AnnexItem:
    decision: Entry
    list_name: str
    index: int
    code: str | None
    field: str  # "ma", "ma_cu" or "ma_moi"

    @property
    def item(self) -> dict[str, Any]:
        items = self.decision.data.get("danh_muc", {}).get(self.list_name, [])
        return items[self.index] if isinstance(items[self.index], dict) else {}

    @property
    def path(self) -> tuple[str | int, ...]:
        return ("danh_muc", self.list_name, self.index, self.field)

    @property
    def announces(self) -> bool:
        return self.list_name in ANNOUNCING_LISTS or self.field == "ma_moi"


class Index:
    """Look-ups over the catalogue that the checks share."""

    def __init__(self, catalog: Catalog) -> None:
        self.agencies = {e.stem: e for e in catalog.of_kind("agency")}
        self.procedures: dict[str, Entry] = {}
        self.duplicate_procedures: list[Entry] = []
        for entry in catalog.of_kind("procedure"):
            code = procedure_code(entry)
            if code is None:
                continue
            if code in self.procedures:
                self.duplicate_procedures.append(entry)
            else:
                self.procedures[code] = entry
        self.decisions = catalog.of_kind("decision")
        self.by_number: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.decisions:
            number = _str(entry.data.get("so_ky_hieu"))
            if number:
                self.by_number[number].append(entry)
        self.vocab = {e.stem: _vocab_ids(e) for e in catalog.of_kind("vocab")}
        self.paths = {e.path for e in catalog.entries}
        # files that exist but could not be read: do not also call them missing
        unreadable = [Path(p) for p in catalog.unreadable]
        self.unreadable_codes = {p.stem for p in unreadable if p.parts[1] == "procedures"}
        self.unreadable_slugs = {p.stem for p in unreadable if p.parts[1] == "decisions"}
        self.items = {id(d): list(annex_items(d)) for d in self.decisions}

    def agency_type(self, agency_id: str | None) -> str | None:
        entry = self.agencies.get(agency_id or "")
        return _str(entry.data.get("loai")) if entry else None

    def is_province(self, decision: Entry) -> bool:
        return self.agency_type(_str(decision.data.get("co_quan_ban_hanh"))) == "tinh"

    def annex(self, decision: Entry) -> list[AnnexItem]:
        return self.items[id(decision)]


def check_catalog(catalog: Catalog) -> list[Problem]:
    index = Index(catalog)
    problems: list[Problem] = []
    for check in (_check_files, _check_references, _check_incomplete_records,
                  _check_decision_dates, _check_annexes,
                  _check_announcements, _check_abolished_in_force, _check_raw_html,
                  _check_amounts, _check_originals):
        problems.extend(check(catalog, index))
    return problems


# (4) files where they belong, unique ------------------------------------------------------

def _check_files(catalog: Catalog, index: Index) -> Iterator[Problem]:
    for entry in index.duplicate_procedures:
        first = index.procedures[procedure_code(entry) or ""]
        yield entry.problem(("ma",), "duplicate-code",
                            f"Mã `{entry.data['ma']}` đã dùng cho {first.path}.",
                            "Mỗi thủ tục có một mã duy nhất; kiểm tra lại mã trên quyết định.")
    for entry in catalog.of_kind("procedure"):
        yield from _folder_matches(entry, "co_quan_cong_bo")
        yield from _name_matches(entry, procedure_code(entry), "ma")
    for entry in catalog.of_kind("decision"):
        yield from _folder_matches(entry, "co_quan_ban_hanh")
        number = _str(entry.data.get("so_ky_hieu"))
        yield from _name_matches(entry, decision_slug(number) if number else None, "so_ky_hieu")
        signed = _str(entry.data.get("ngay_ban_hanh"))
        if signed and len(entry.folders) > 1 and entry.folders[1] != signed[:4]:
            yield entry.problem(("ngay_ban_hanh",), "wrong-folder",
                                f"Quyết định ký năm {signed[:4]} nhưng nằm trong thư mục "
                                f"`{entry.folders[1]}`.",
                                f"Chuyển tệp vào thư mục năm `{signed[:4]}/`.")
    yield from _duplicate_decisions(index)
    for entry in catalog.of_kind("agency"):
        yield from _name_matches(entry, _str(entry.data.get("id")), "id")
    for entry in catalog.of_kind("vocab"):
        yield from _duplicate_vocab_ids(entry)


def _folder_matches(entry: Entry, key: str) -> Iterator[Problem]:
    agency = _str(entry.data.get(key))
    if agency and entry.folders and entry.folders[0] != agency:
        yield entry.problem((key,), "wrong-folder",
                            f"Tệp nằm trong thư mục `{entry.folders[0]}` nhưng `{key}` là "
                            f"`{agency}`.",
                            "Thư mục là cơ quan sở hữu tệp: chuyển tệp hoặc sửa "
                            f"`{key}`.")


def _name_matches(entry: Entry, expected: str | None, key: str) -> Iterator[Problem]:
    if expected and entry.stem != expected:
        yield entry.problem((key,), "wrong-filename",
                            f"Tên tệp `{entry.stem}.yaml` không khớp `{key}` (cần "
                            f"`{expected}.yaml`).",
                            f"Đổi tên tệp thành `{expected}.yaml`, hoặc sửa `{key}` nếu "
                            "chính giá trị trong tệp bị gõ sai.")


def _duplicate_decisions(index: Index) -> Iterator[Problem]:
    seen: dict[tuple[str | None, str | None, str], Entry] = {}
    for entry in index.decisions:
        number = _str(entry.data.get("so_ky_hieu"))
        if not number:
            continue
        key = (_str(entry.data.get("co_quan_ban_hanh")),
               (_str(entry.data.get("ngay_ban_hanh")) or "")[:4] or None, number)
        if key in seen:
            yield entry.problem(("so_ky_hieu",), "duplicate-decision",
                                f"Quyết định `{number}` cùng năm đã có ở {seen[key].path}.",
                                "Mỗi quyết định chỉ khai báo một lần; gộp hai tệp.")
        else:
            seen[key] = entry


def _duplicate_vocab_ids(entry: Entry) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, item in enumerate(_list(entry.data.get("muc"))):
        ident = _str(item.get("id")) if isinstance(item, dict) else None
        if ident in seen:
            yield entry.problem(("muc", i, "id"), "duplicate-id",
                                f"Mã danh mục `{ident}` trùng.", "Mỗi mục có một `id` riêng.")
        if ident:
            seen.add(ident)


# (4) references resolve -------------------------------------------------------------------

def _check_references(catalog: Catalog, index: Index) -> Iterator[Problem]:
    for entry in catalog.of_kind("procedure"):
        yield from _agency_ref(entry, "co_quan_cong_bo", index)
        yield from _vocab_refs(entry, "linh_vuc", "linh_vuc", index)
        yield from _vocab_refs(entry, "doi_tuong_thuc_hien", "doi_tuong", index)
        for i, code in enumerate(_list(entry.data.get("thu_tuc_lien_quan"))):
            if isinstance(code, str) and code not in index.procedures:
                yield entry.problem(("thu_tuc_lien_quan", i), "unknown-related",
                                    f"Thủ tục liên quan `{code}` không có trong danh mục.",
                                    "Kiểm tra lại mã, hoặc bỏ mã nếu thủ tục đã bãi bỏ.",
                                    warning=True)
    for entry in catalog.of_kind("decision"):
        yield from _agency_ref(entry, "co_quan_ban_hanh", index)
        for i, number in enumerate(_list(entry.data.get("thay_the_quyet_dinh"))):
            if isinstance(number, str) and number not in index.by_number:
                yield entry.problem(("thay_the_quyet_dinh", i), "unknown-decision",
                                    f"Quyết định bị thay thế `{number}` không có trong kho.",
                                    "Kiểm tra số ký hiệu; nếu quyết định cũ chưa được nhập, "
                                    "có thể bỏ qua cảnh báo này.", warning=True)
    for entry in catalog.of_kind("agency"):
        if entry.data.get("sap_nhap_vao") is not None:
            yield from _agency_ref(entry, "sap_nhap_vao", index)
        yield from _date_order(entry, "hieu_luc_tu", "hieu_luc_den")


def _agency_ref(entry: Entry, key: str, index: Index) -> Iterator[Problem]:
    agency = _str(entry.data.get(key))
    if agency and agency not in index.agencies:
        yield entry.problem((key,), "unknown-agency",
                            f"Cơ quan `{agency}` chưa có tệp content/agencies/{agency}.yaml.",
                            "Kiểm tra mã cơ quan hoặc tạo tệp bằng `tthc new agency`.")


def _vocab_refs(entry: Entry, key: str, vocab: str, index: Index) -> Iterator[Problem]:
    known = index.vocab.get(vocab, set())
    for i, ident in enumerate(_list(entry.data.get(key))):
        if isinstance(ident, str) and ident not in known:
            close = difflib.get_close_matches(ident, sorted(known), n=1)
            suggestion = f"Có phải ý bạn là `{close[0]}`? " if close else ""
            yield entry.problem((key, i), "unknown-vocab",
                                f"`{ident}` không có trong danh mục content/vocab/{vocab}.yaml.",
                                suggestion + "Dùng `id` có trong danh mục, hoặc đề nghị quản "
                                "trị quốc gia bổ sung mục mới.")


# (5) dates --------------------------------------------------------------------------------

def _check_incomplete_records(catalog: Catalog, index: Index) -> Iterator[Problem]:
    for entry in catalog.of_kind("procedure"):
        listed = [k for k in _list(entry.data.get("thieu_thong_tin")) if isinstance(k, str)]
        if listed:
            yield entry.problem(("thieu_thong_tin",), "incomplete-record",
                                "Hồ sơ công bố để trống: " + ", ".join(f"`{k}`" for k in listed)
                                + ".", "Bổ sung từ quyết định công bố rồi xóa khỏi "
                                "`thieu_thong_tin`.", key=True, warning=True)


def _check_decision_dates(catalog: Catalog, index: Index) -> Iterator[Problem]:
    for entry in index.decisions:
        if entry.data.get("chua_day_du"):
            missing = [k for k in FULL_DECISION_KEYS if k not in entry.data]
            yield entry.problem(("chua_day_du",), "incomplete-decision",
                                "Quyết định chưa đầy đủ" + (": thiếu " + ", ".join(
                                    f"`{k}`" for k in missing) if missing else "") + ".",
                                "Bổ sung từ văn bản đã ký rồi xóa `chua_day_du`.", warning=True)
        yield from _date_order(entry, "ngay_ban_hanh", "ngay_hieu_luc")
        signed, effective = _date(entry, "ngay_ban_hanh"), _date(entry, "ngay_hieu_luc")
        if signed is None or effective is None or effective < signed:
            continue
        agency_type = index.agency_type(_str(entry.data.get("co_quan_ban_hanh")))
        required = NOTICE_DAYS.get(agency_type or "", DEFAULT_NOTICE_DAYS)
        notice = working_days_between(signed, effective)
        if notice < required:
            yield entry.problem(("ngay_hieu_luc",), "short-notice",
                                f"Quyết định ký {signed:%d/%m/%Y}, có hiệu lực "
                                f"{effective:%d/%m/%Y}: chỉ {notice} ngày làm việc, "
                                f"dưới mức {required} ngày.",
                                "NĐ 48/2013/NĐ-CP: công bố chậm nhất 20 ngày làm việc (bộ) "
                                "hoặc 05 ngày làm việc (tỉnh) trước ngày hiệu lực.",
                                warning=True)


def _date_order(entry: Entry, first: str, second: str) -> Iterator[Problem]:
    start, end = _date(entry, first), _date(entry, second)
    if start and end and end < start:
        yield entry.problem((second,), "date-order",
                            f"`{second}` ({end.isoformat()}) sớm hơn `{first}` "
                            f"({start.isoformat()}).",
                            "Kiểm tra lại ngày trên văn bản gốc.")


# (1) (3) (6) every annex item against the procedure files ---------------------------------

def _check_annexes(catalog: Catalog, index: Index) -> Iterator[Problem]:
    for decision in index.decisions:
        seen: dict[str, AnnexItem] = {}
        for item in index.annex(decision):
            if item.code is not None and item.field != "ma_cu":
                if item.code in seen:
                    yield decision.problem(item.path, "duplicate-annex-item",
                                           f"Mã `{item.code}` có hai lần trong danh mục.",
                                           "Mỗi thủ tục chỉ xuất hiện ở một mục của phụ lục.")
                seen[item.code] = item
            yield from _check_item(item, index)


def _check_item(item: AnnexItem, index: Index) -> Iterator[Problem]:
    decision, code = item.decision, item.code
    if code is None:
        yield from _check_uncoded(item)
        return
    if item.field == "ma_moi" and code == _str(item.item.get("ma_cu")):
        yield decision.problem(item.path, "replace-self", "`ma_moi` trùng `ma_cu`.",
                               "Thủ tục thay thế phải có mã mới; nếu chỉ sửa đổi thì "
                               "đưa vào `sua_doi_bo_sung`.")
    procedure = index.procedures.get(code)
    local = "thong_tin_dia_phuong" in item.item and index.is_province(decision)
    if procedure is None:
        if code not in index.unreadable_codes:
            yield _missing_procedure(item, local, index)
        return
    owner = _str(procedure.data.get("co_quan_cong_bo"))
    if not item.announces:
        return
    if _str(decision.data.get("co_quan_ban_hanh")) != owner:
        if not local:
            yield decision.problem(item.path, "outside-scope",
                                   f"Thủ tục `{code}` thuộc {owner}; quyết định chỉ được "
                                   "công bố thủ tục của cơ quan mình.",
                                   "Tỉnh chỉ công bố thông tin địa phương: thêm "
                                   "`thong_tin_dia_phuong`, không sửa hồ sơ của bộ.")
        elif _str(item.item.get("ten")) != _str(procedure.data.get("ten")):
            yield _name_mismatch(item, procedure, warning=True)
        return
    yield from _check_own_announcement(item, procedure, index)


def _check_own_announcement(item: AnnexItem, procedure: Entry, index: Index) -> Iterator[Problem]:
    named = resolve_announcing_decision(procedure, index)
    if named is None:
        return  # the procedure's own check reports the unresolved decision
    if named is item.decision:
        if _str(item.item.get("ten")) != _str(procedure.data.get("ten")):
            yield _name_mismatch(item, procedure, warning=False)
        return
    here, there = _date(item.decision, "ngay_hieu_luc"), _date(named, "ngay_hieu_luc")
    if here is None or there is None or there >= here:
        return  # a later decision amended it again, or the dates are not known
    named_number = procedure.data.get("quyet_dinh_cong_bo")
    this_number = item.decision.data.get("so_ky_hieu")
    yield item.decision.problem(item.path, "stale-procedure",
                                f"Phụ lục công bố `{item.code}` nhưng tệp {procedure.path} ghi "
                                f"`quyet_dinh_cong_bo: {named_number}`.",
                                "Cập nhật tệp thủ tục theo quyết định này và sửa "
                                f"`quyet_dinh_cong_bo` thành `{this_number}`.")


def _missing_procedure(item: AnnexItem, local: bool, index: Index) -> Problem:
    agency = item.decision.data.get("co_quan_ban_hanh")
    expected = f"content/procedures/{agency}/{item.code}.yaml"
    if expected in index.paths:
        return item.decision.problem(item.path, "missing-procedure",
                                     f"Tệp {expected} có, nhưng `ma` trong tệp không phải "
                                     f"`{item.code}`.",
                                     "Sửa `ma` trong tệp thủ tục (hoặc mã trong phụ lục) cho "
                                     "khớp với quyết định.")
    if item.announces and not local:
        return item.decision.problem(item.path, "missing-procedure",
                                     f"Chưa có tệp thủ tục cho mã `{item.code}`.",
                                     f"Tạo content/procedures/{agency}/{item.code}.yaml "
                                     "(`tthc new procedure`), hoặc sửa mã trong phụ lục.",
                                     warning=bool(item.decision.data.get("chua_day_du")))
    # An abolished, replaced or localised record may predate the catalogue (it holds current
    # records, not every tombstone): say so, and let the reviewer check the code.
    return item.decision.problem(item.path, "unknown-procedure",
                                 f"Mã `{item.code}` không có trong danh mục thủ tục.",
                                 "Kiểm tra mã trên văn bản: mã sai, hoặc hồ sơ thủ tục chưa được "
                                 "nhập vào danh mục (thủ tục đã bãi bỏ trước khi có danh mục).",
                                 warning=True)


def _check_uncoded(item: AnnexItem) -> Iterator[Problem]:
    if item.announces:
        yield item.decision.problem(item.path[:-1], "no-code",
                                    "Mục chưa có mã thủ tục nên chưa đối chiếu được với tệp thủ "
                                    "tục.", "Bổ sung mã khi CSDL quốc gia cấp mã.", warning=True)


def _name_mismatch(item: AnnexItem, procedure: Entry, *, warning: bool) -> Problem:
    return item.decision.problem(("danh_muc", item.list_name, item.index, "ten"), "name-mismatch",
                                 f"Tên trong phụ lục khác tên trong {procedure.path}: "
                                 f"«{procedure.data.get('ten')}».",
                                 "Tên thủ tục phải khớp từng chữ với quyết định công bố.",
                                 warning=warning)


# (2) (6) every procedure against its announcing decision ----------------------------------

def resolve_announcing_decision(procedure: Entry, index: Index) -> Entry | None:
    """The decision a procedure names, among its own agency's decisions that list it."""
    return announcing_decision(_str(procedure.data.get("quyet_dinh_cong_bo")),
                               _str(procedure.data.get("co_quan_cong_bo")),
                               procedure_code(procedure), index)


def announcing_decision(number: str | None, agency: str | None, code: str | None,
                        index: Index) -> Entry | None:
    """Decision `number` of `agency` whose annex announces `code`, when exactly one does."""
    own = [d for d in index.by_number.get(number or "", [])
           if _str(d.data.get("co_quan_ban_hanh")) == agency]
    listing = [d for d in own if any(i.code == code and i.announces for i in index.annex(d))]
    return listing[0] if len(listing) == 1 else None


def _check_announcements(catalog: Catalog, index: Index) -> Iterator[Problem]:
    for procedure in catalog.of_kind("procedure"):
        number = _str(procedure.data.get("quyet_dinh_cong_bo"))
        if number is None:
            continue
        agency = _str(procedure.data.get("co_quan_cong_bo"))
        code = procedure_code(procedure)
        candidates = index.by_number.get(number, [])
        own = [d for d in candidates if _str(d.data.get("co_quan_ban_hanh")) == agency]
        listing = [d for d in own if any(i.code == code and i.announces for i in index.annex(d))]
        where = ("quyet_dinh_cong_bo",)
        if not candidates and decision_slug(number) in index.unreadable_slugs:
            continue  # the decision file exists but could not be read: reported already
        if not candidates:
            yield procedure.problem(where, "unknown-decision",
                                    f"Không có quyết định `{number}` trong content/decisions/.",
                                    f"Thêm tệp quyết định vào content/decisions/{agency}/<năm>/ "
                                    "(`tthc new decision`) hoặc sửa số ký hiệu.")
        elif not own:
            other = _str(candidates[0].data.get("co_quan_ban_hanh"))
            yield procedure.problem(where, "foreign-decision",
                                    f"`{number}` do {other} ban hành, không phải {agency}.",
                                    "Chỉ cơ quan công bố mới sửa được hồ sơ thủ tục của mình; "
                                    "tỉnh ghi thông tin địa phương trong phụ lục quyết định.")
        elif not listing:
            yield procedure.problem(where, "not-in-annex",
                                    f"Phụ lục quyết định `{number}` không có mã `{code}` ở mục "
                                    "mới ban hành, sửa đổi bổ sung hay thay thế.",
                                    f"Thêm `{code}` vào `danh_muc` của {own[0].path}, hoặc "
                                    "sửa `quyet_dinh_cong_bo`.")
        elif len(listing) > 1:
            yield procedure.problem(where, "ambiguous-decision",
                                    f"Có {len(listing)} quyết định `{number}` cùng công bố "
                                    f"`{code}`.",
                                    "Số ký hiệu trùng giữa các năm; kiểm tra và gộp/sửa.")
        else:
            yield from _check_levels(procedure, listing[0])


def _check_levels(procedure: Entry, decision: Entry) -> Iterator[Problem]:
    effective = _date(decision, "ngay_hieu_luc")
    levels = _list(procedure.data.get("cap_thuc_hien"))
    if effective and effective >= REFORM_DATE and "huyen" in levels:
        yield procedure.problem(("cap_thuc_hien", levels.index("huyen")), "huyen-after-reform",
                                f"Cấp huyện không còn từ {REFORM_DATE:%d/%m/%Y} (chính quyền địa "
                                f"phương hai cấp), nhưng bản này có hiệu lực {effective:%d/%m/%Y}.",
                                "Chuyển nhiệm vụ cấp huyện sang `xa` hoặc `tinh` theo quyết định.")


# (3) nothing both abolished and in force --------------------------------------------------

def _check_abolished_in_force(catalog: Catalog, index: Index) -> Iterator[Problem]:
    abolished: dict[str, list[tuple[date, Entry]]] = defaultdict(list)
    for decision in index.decisions:
        effective = _date(decision, "ngay_hieu_luc")
        for item in index.annex(decision):
            replaced_by_itself = item.field == "ma_cu" and item.code == item.item.get("ma_moi")
            if item.code and not item.announces and effective and not replaced_by_itself:
                abolished[item.code].append((effective, decision))
    for code, events in abolished.items():
        procedure = index.procedures.get(code)
        named = resolve_announcing_decision(procedure, index) if procedure else None
        start = _date(named, "ngay_hieu_luc") if named else None
        if procedure is None or named is None or start is None:
            continue
        owner = _str(procedure.data.get("co_quan_cong_bo"))
        for when, decision in events:
            if _str(decision.data.get("co_quan_ban_hanh")) == owner and start >= when:
                yield procedure.problem(("quyet_dinh_cong_bo",), "abolished-and-in-force",
                                        f"`{code}` bị bãi bỏ/thay thế từ {when:%d/%m/%Y} "
                                        f"({decision.data.get('so_ky_hieu')}) nhưng bản này có "
                                        f"hiệu lực từ {start:%d/%m/%Y}.",
                                        "Một thủ tục không thể vừa bãi bỏ vừa có hiệu lực: kiểm "
                                        "tra phụ lục hai quyết định.")


# text hygiene and the signed original ------------------------------------------------------

def _check_raw_html(catalog: Catalog, index: Index) -> Iterator[Problem]:
    for entry in catalog.entries:
        if not entry.doc.angle_brackets:
            continue
        for path, text in _strings(entry.data, ()):
            if "<" in text and _HTML.search(text):
                yield entry.problem(path, "raw-html",
                                    "Văn bản chứa thẻ HTML; trang công khai sẽ hiển thị nguyên "
                                    "văn, không định dạng.",
                                    "Bỏ thẻ HTML; xuống dòng bằng dòng mới, liệt kê bằng `-`.",
                                    warning=True)


def _check_amounts(catalog: Catalog, index: Index) -> Iterator[Problem]:
    """`so_tien: 50.000` is 50 to YAML: a Vietnamese thousands separator silently lost."""
    for entry in catalog.of_kind("procedure"):
        for i, channel in enumerate(_list(entry.data.get("cach_thuc_thuc_hien"))):
            fees = _list(channel.get("phi_le_phi")) if isinstance(channel, dict) else []
            for j, fee in enumerate(fees):
                if not (isinstance(fee, dict) and isinstance(fee.get("so_tien"), float)):
                    continue  # only a float can hide a separator; never recompose otherwise
                path = ("cach_thuc_thuc_hien", i, "phi_le_phi", j, "so_tien")
                written = entry.doc.scalar_source(path)
                if written and _THOUSANDS.match(written):
                    meant = written.replace(".", "")
                    yield entry.problem(path, "amount-separator",
                                        f"`so_tien: {written}` được đọc thành "
                                        f"{fee['so_tien']:g}, không phải {meant}.",
                                        f"Viết liền, không dấu chấm: `so_tien: {meant}`.")


def _attachment(root: Path, entry: Entry, relative: str) -> Path | None:
    """The file `relative` names beside `entry`, only if it stays inside the project."""
    if not _SAFE_PATH.match(relative):
        return None
    file = (root / entry.path).parent / relative
    try:
        resolved = file.resolve()
    except (OSError, RuntimeError):
        return None
    return file if resolved.is_relative_to(root.resolve()) else None


def _check_originals(catalog: Catalog, index: Index) -> Iterator[Problem]:
    for decision in index.decisions:
        original = decision.data.get("van_ban_goc")
        if not isinstance(original, dict) or not isinstance(original.get("tep"), str):
            continue
        file = _attachment(catalog.root, decision, original["tep"])
        if file is None:
            continue  # not a safe relative path: the schema reports it; never read outside
        if not file.is_file():
            yield decision.problem(("van_ban_goc", "tep"), "original-missing",
                                   f"Không tìm thấy văn bản gốc `{original['tep']}`.",
                                   "Đặt tệp PDF cạnh tệp quyết định, đường dẫn tính từ thư mục "
                                   "của tệp quyết định.")
        elif hashlib.sha256(file.read_bytes()).hexdigest() != original.get("sha256"):
            yield decision.problem(("van_ban_goc", "sha256"), "original-hash",
                                   "Mã băm SHA-256 không khớp văn bản gốc.",
                                   f"Tính lại bằng `sha256sum {Path(original['tep']).name}`; "
                                   "nếu tệp bị thay, kiểm tra lại bản ký.")


# small readers -----------------------------------------------------------------------------

def procedure_code(entry: Entry) -> str | None:
    """A procedure's code; an unquoted code (reported already) is read as written."""
    return _code_at(entry, entry.data.get("ma"), ("ma",))


def _code_at(entry: Entry, value: Any, path: tuple[str | int, ...]) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return entry.doc.scalar_source(path)
    return None


def annex_items(decision: Entry) -> Iterator[AnnexItem]:
    """Every coded place of a decision's annex, list by list (a replacement gives `ma_cu`
    and `ma_moi`)."""
    annex = decision.data.get("danh_muc")
    if not isinstance(annex, dict):
        return
    for list_name in ANNEX_LISTS:
        for i, item in enumerate(_list(annex.get(list_name))):
            if not isinstance(item, dict):
                continue
            fields = ("ma_cu", "ma_moi") if list_name == "thay_the" else ("ma",)
            for name in fields:
                if name == "ma_moi" and item.get(name) is None:
                    continue
                path = ("danh_muc", list_name, i, name)
                code = _code_at(decision, item.get(name), path)
                yield AnnexItem(decision, list_name, i, code, name)


KeyPath = tuple[str | int, ...]


def _strings(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*path, i))


def _vocab_ids(entry: Entry) -> set[str]:
    return {item["id"] for item in _list(entry.data.get("muc"))
            if isinstance(item, dict) and isinstance(item.get("id"), str)}


def _date(entry: Entry | None, key: str) -> date | None:
    text = _str(entry.data.get(key)) if entry else None
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
