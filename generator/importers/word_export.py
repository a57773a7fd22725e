"""Procedures from the official CSDL Word export (`ChiTietTTHC_<mã>.doc`), parsed to JSON.

One record (keys `metadata`, `content`, `tables`, see `tests/data/import/word_export/`) becomes
one procedure of Bộ Quốc phòng. What the export gives as a table keeps its structure: channels
with time and fee, dossier rows with counts of originals and copies, legal basis with date and
issuer. Nothing is invented: a section whose structure cannot be recovered is kept verbatim
(`mo_ta`, `ghi_chu`) and named in `unsplit`; a required field the record leaves empty is left
out and listed in `thieu_thong_tin` (and `missing`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .records import Failed, Imported
from .text import (
    CODE,
    clean,
    decision_number,
    iso_date,
    nfc,
    parse_number,
    slug,
    split_list,
    split_list_keeping,
    tidy,
)

AGENCY_ID = "bo-quoc-phong"
AGENCY_NAME = "Bộ Quốc phòng"
NO_TIME = "Không có thông tin"  # thoi_han.mo_ta when the export leaves the time empty

LEVELS = {"cấp bộ": "bo", "cấp tỉnh": "tinh", "cấp huyện": "huyen", "cấp xã": "xa"}
CHANNELS = {"trực tiếp": "truc_tiep", "trực tuyến": "truc_tuyen",
            "dịch vụ bưu chính": "buu_chinh", "bưu chính": "buu_chinh",
            "qua dịch vụ bưu chính": "buu_chinh"}
TIME_UNITS = {"ngày làm việc": "ngay_lam_viec", "ngày": "ngay", "giờ": "gio", "tháng": "thang"}
# applicant types of the national database whose own name contains commas
APPLICANT_NAMES = ("Cán bộ, công chức, viên chức",)

_CODE = CODE
_STEP = re.compile(r"(?<![^\s.;:])Bước\s*(\d+)\s*[:.]")
_SECTION_TITLE = re.compile(r"(?i)trình tự thực hiện\s*:?")
_TIME = re.compile(r"(?i)(\d+(?:[.,]\d+)?)\s*(ngày làm việc|ngày|giờ|tháng)")
_FEE = re.compile(r"(?i)(lệ phí|phí)\s*:\s*(.*)", re.S)
_FEE_BODY = re.compile(r"(?i)(.*?)\s*(đồng|vnđ|vnd|usd)?\s*(?:\((.*)\))?", re.S)
_COUNTS = re.compile(r"(?i)bản chính\s*:\s*(\d+)\s*bản sao\s*:\s*(\d+)")
_FILE = re.compile(r"[^\n]+\.[A-Za-z0-9]{2,5}")
_SAFE_FILE = re.compile(r"[^/\\:]+")
_HEADING = re.compile(r"(?i)(?:\d+(?:\.\d+)*\.?\s*)?trường hợp\s*\d+")
_NOTE = re.compile(r"(?i)(?:lưu ý|ghi chú|chú ý|ngoài ra|\(\*\))")
_SYMBOL = r"\d+/(?:\d{4}/)?[A-ZĐ][A-ZĐa-zđ0-9]*(?:[-/][A-ZĐ][A-ZĐa-zđ0-9]*)*"
_PREFIXED = re.compile(r"(?i)(?:(?:bộ luật|luật|nghị định|nghị quyết|thông tư(?: liên tịch)?"
                       r"|quyết định|pháp lệnh)\s+)?(?:số\s+)?(" + _SYMBOL + ")")
_DATE_AFTER = r"\s*,?\s*ngày\s+(\d{1,2}/\d{1,2}/\d{4})"  # the date written after a symbol


@dataclass
class _Report:
    unsplit: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # thieu_thong_tin


_BARE_NUMBER = re.compile(r"(?:Quyết định số\s*)?(\d+)")


def import_word_export_record(record: dict[str, Any], source: str) -> Imported | Failed:
    """One Word-export record as a procedure file of Bộ Quốc phòng, or why it cannot be."""
    meta, content = _part(record, "metadata"), _part(record, "content")
    ma = tidy(_text(meta.get("mã_thủ_tục")) or _text(record.get("thu_tuc_id")))
    if ma is None or not _CODE.fullmatch(ma):
        return Failed(source, f"Mã thủ tục không đúng dạng N.NNNNNN: {ma!r}")
    ten = tidy(_text(meta.get("tên_thủ_tục")))
    if ten is None:
        return Failed(source, f"{ma}: hồ sơ không có tên thủ tục")
    published = tidy(_text(meta.get("số_quyết_định")))
    number = decision_number(published)
    report = _Report()
    bare = _BARE_NUMBER.fullmatch(published or "")
    if number is None and bare:
        # Every record of this export is announced by Bộ Quốc phòng, whose announcement
        # decisions are numbered N/QĐ-BQP; the symbol is inferred and said so.
        number = f"{bare.group(1)}/QĐ-BQP"
        report.unsplit.append(f"quyet_dinh_cong_bo: hồ sơ chỉ ghi {published!r}; ký hiệu "
                              "QĐ-BQP suy từ cơ quan công bố, cần đối chiếu văn bản")
    if number is None:
        return Failed(source, f"{ma}: số quyết định công bố {published!r} không có ký hiệu "
                              "(…/QĐ-…); không tự đoán ký hiệu")
    data: dict[str, Any] = {"ma": ma, "ten": ten, "co_quan_cong_bo": AGENCY_ID,
                            "quyet_dinh_cong_bo": number}
    labels = _classify(data, meta, content, report)
    _describe(data, content, _part(record, "tables"), report)
    if report.absent:
        data["thieu_thong_tin"] = report.absent
    return Imported(kind="procedure", path=f"content/procedures/{AGENCY_ID}/{ma}.yaml",
                    data=data, source=source, unsplit=report.unsplit, missing=report.missing,
                    labels=labels)


def _classify(data: dict[str, Any], meta: dict[str, Any], content: dict[str, Any],
              report: _Report) -> dict[str, dict[str, str]]:
    """loai, linh_vuc, cap_thuc_hien, doi_tuong_thuc_hien; returns the names of the ids."""
    _put(data, report, "loai", _kind(_text(meta.get("loại_thủ_tục")), data["ma"], report))
    fields = [part.strip() for part in re.split(r"[;\n]", tidy(_text(meta.get("lĩnh_vực"))) or "")
              if clean(part)]
    applicants = split_list_keeping(tidy(_text(content.get("đối_tượng_thực_hiện"))),
                                    APPLICANT_NAMES)
    _put(data, report, "linh_vuc", _unique(slug(name) for name in fields))
    _put(data, report, "cap_thuc_hien", _levels(_text(meta.get("cấp_thực_hiện"))))
    _put(data, report, "doi_tuong_thuc_hien", _unique(slug(name) for name in applicants))
    return {"agency": {AGENCY_ID: AGENCY_NAME}, "agency_type": {AGENCY_ID: "bo"},
            "linh_vuc": {slug(name): name for name in fields},
            "doi_tuong": {slug(name): name for name in applicants}}


def _describe(data: dict[str, Any], content: dict[str, Any], tables: dict[str, Any],
              report: _Report) -> None:
    """Everything after the classification, in the schema's order."""
    text = {key: tidy(_text(content.get(key))) for key in content}
    _put(data, report, "co_quan_thuc_hien", text.get("cơ_quan_thực_hiện"))
    for key, name in (("co_quan_co_tham_quyen", "cơ_quan_có_thẩm_quyền"),
                      ("co_quan_duoc_uy_quyen", "cơ_quan_được_ủy_quyền"),
                      ("co_quan_phoi_hop", "cơ_quan_phối_hợp"),
                      ("dia_chi_tiep_nhan", "địa_chỉ_tiếp_nhận_hs")):
        if text.get(name):
            data[key] = text[name]
    _put(data, report, "trinh_tu_thuc_hien", _steps(text.get("trình_tự_thực_hiện"), report))
    _put(data, report, "cach_thuc_thuc_hien", _channels(_rows(tables, "hinh_thuc_nop"), report))
    _put(data, report, "thanh_phan_ho_so", _dossier(_rows(tables, "thanh_phan_ho_so"), report))
    result = text.get("kết_quả_thực_hiện")
    _put(data, report, "ket_qua_thuc_hien", [{"ten": result}] if result else None)
    _put(data, report, "can_cu_phap_ly", _legal(_rows(tables, "can_cu_phap_ly"), report))
    condition = nfc(_text(content.get("yêu_cầu_điều_kiện_thực_hiện")))
    if condition.strip().lower().rstrip(".") == "không":
        data["yeu_cau_dieu_kien"] = None  # published as "Không": no requirement
    elif text.get("yêu_cầu_điều_kiện_thực_hiện"):
        data["yeu_cau_dieu_kien"] = text["yêu_cầu_điều_kiện_thực_hiện"]
    if keywords := split_list(text.get("từ_khóa")):
        data["tu_khoa"] = _unique(keywords)
    for name in ("cách_thức_thực_hiện", "mô_tả"):
        if text.get(name):
            report.unsplit.append(f"{name}: có nội dung nhưng không có trường tương ứng")


# ------------------------------------------------------------------ classification

def _kind(text: str, ma: str, report: _Report) -> str | None:
    value = (tidy(text) or "").lower()
    kind = ("khong_duoc_luat_giao" if "không được luật giao" in value
            else "duoc_luat_giao" if "được luật giao" in value
            else "noi_bo" if "nội bộ" in value
            else "khac" if value in ("loại khác", "khác") else None)
    if ma.startswith(("5.", "6.")):
        if kind not in (None, "noi_bo"):
            report.unsplit.append(f"loai: mã {ma} là thủ tục nội bộ, hồ sơ ghi '{text}'")
        return "noi_bo"
    if value and kind is None:
        report.unsplit.append(f"loai: không nhận ra loại thủ tục '{text}'")
    return kind


def _levels(text: str) -> list[str]:
    parts = [part.strip().lower() for part in (tidy(text) or "").split(",")]
    return _unique(LEVELS.get(part, "khac") for part in parts if part)


# ------------------------------------------------------------------ steps

def _steps(text: str | None, report: _Report) -> list[dict[str, Any]] | None:
    """`Bước N:` paragraphs, each kept verbatim; anything else kept as one step."""
    if text is None:
        return None
    marks = list(_STEP.finditer(text))
    if not marks:
        report.unsplit.append("trinh_tu_thuc_hien: không có 'Bước N:', giữ nguyên văn một mục")
        return [{"buoc": [text]}]
    starts = [mark.start() for mark in marks]
    steps = [text[a:b].strip() for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    preamble = text[:starts[0]].strip()
    if _SECTION_TITLE.fullmatch(preamble):
        preamble = ""  # the section's own title, repeated
    numbers = [int(mark.group(1)) for mark in marks]
    if preamble or numbers != list(range(1, len(numbers) + 1)):
        report.unsplit.append("trinh_tu_thuc_hien: các bước đánh số lại hoặc có đoạn mở đầu "
                              "(nhiều trường hợp?); giữ nguyên văn theo từng 'Bước'")
    return [{"buoc": [preamble, *steps] if preamble else steps}]


# ------------------------------------------------------------------ channels

def _channels(rows: list[dict[str, Any]], report: _Report) -> list[dict[str, Any]] | None:
    channels: list[dict[str, Any]] = []
    for row in rows:
        name = tidy(_text(row.get("hinh_thuc")))
        kenh = CHANNELS.get((name or "").lower())
        if kenh is None:
            report.unsplit.append(f"cach_thuc_thuc_hien: bỏ qua hình thức nộp không rõ {name!r}")
            continue
        where, unread = f"cach_thuc_thuc_hien[{len(channels)}]", list[str]()
        channel: dict[str, Any] = {
            "kenh": kenh,
            "thoi_han": _time(tidy(_text(row.get("thoi_han_giai_quyet"))), where, report),
            "phi_le_phi": _fees(_text(row.get("phi_le_phi")), where, report, unread)}
        if description := "\n".join(filter(None, [tidy(_text(row.get("mo_ta"))), *unread])):
            channel["mo_ta"] = description
        channels.append(channel)
    return channels or None


def _time(value: str | None, where: str, report: _Report) -> dict[str, Any]:
    """`30 Ngày làm việc` → {so: 30, don_vi: ngay_lam_viec}; anything else kept as mo_ta."""
    if value is None:
        report.missing.append(f"{where}.thoi_han: để trống")
        return {"mo_ta": NO_TIME}
    match = _TIME.fullmatch(value)
    if match and (number := parse_number(match.group(1))) is not None:
        return {"so": number, "don_vi": TIME_UNITS[match.group(2).lower()]}
    if re.fullmatch(r"[\d.,\s–-]+", value):
        report.unsplit.append(f"{where}.thoi_han: '{value}' không có đơn vị, giữ ở mo_ta")
    return {"mo_ta": value}


def _fees(text: str, where: str, report: _Report, unread: list[str]) -> list[dict[str, Any]]:
    """`Phí : 50.000 Đồng (điều kiện)` lines; `File đính kèm: …` lines join the fee above.

    Lines that are no fee at all are added to `unread` (kept in the channel's mo_ta)."""
    fees: list[dict[str, Any]] = []
    bodies: list[str] = []
    for line in (tidy(text) or "").split("\n"):
        match = _FEE.fullmatch(line)
        if match is not None:
            if fee := _fee(match.group(1), match.group(2).strip(), where, report):
                fees.append(fee)
                bodies.append(match.group(2).strip())
        elif fees:
            fees[-1]["mo_ta"] = "\n".join([fees[-1].get("mo_ta") or bodies[-1], line])
        elif line:
            unread.append(line)
            report.unsplit.append(f"{where}.phi_le_phi: không đọc được '{line}', giữ ở mo_ta")
    if not fees and not unread:
        report.missing.append(f"{where}.phi_le_phi: để trống, ghi []")
    return fees


def _fee(kind: str, body: str, where: str, report: _Report) -> dict[str, Any] | None:
    match = _FEE_BODY.fullmatch(body)
    amount, unit, condition = match.groups() if match else (body, None, None)
    currency = "USD" if (unit or "").upper() == "USD" else "VND"
    fee: dict[str, Any] = {"loai": "le_phi" if kind.lower() == "lệ phí" else "phi"}
    number = 0 if amount.lower() == "không" else parse_number(amount)
    if number is not None and (unit or number == 0):
        fee.update(so_tien=number, don_vi_tien=currency)
        if condition:
            fee["mo_ta"] = body  # amount and its condition, as published
        return fee
    if not amount and not condition:
        return None
    if amount:
        report.unsplit.append(f"{where}.phi_le_phi: không tách được số tiền, giữ ở mo_ta")
    fee.update(don_vi_tien=currency, mo_ta=body if amount else condition)
    return fee


# ------------------------------------------------------------------ dossier

def _dossier(rows: list[dict[str, Any]], report: _Report) -> list[dict[str, Any]] | None:
    """Documents, grouped by case where 0/0 heading rows name the cases."""
    groups: list[dict[str, Any]] = [{"giay_to": []}]
    empty = 0
    for index, row in enumerate(rows):
        ten = tidy(_text(row.get("ten_giay_to")))
        if ten is None:
            if any(tidy(_text(value)) for value in row.values()):
                report.unsplit.append(f"thanh_phan_ho_so: bỏ một dòng không có tên giấy tờ {row}")
            continue
        counts = _counts(_text(row.get("ghi_chu")), report)
        files = _files(_text(row.get("so_luong")), report)
        documents = groups[-1]["giay_to"]
        if counts == (0, 0) and _is_heading(ten) and _next_is_document(rows, index):
            groups.append({"truong_hop": _with_files(ten, files, report), "giay_to": []})
        elif counts == (0, 0) and _NOTE.match(ten) and documents:
            previous = documents[-1]
            previous["ghi_chu"] = "\n".join(filter(None, [previous.get("ghi_chu"), ten]))
        else:
            empty += counts == (0, 0)
            documents.append(_document(ten, counts, files, report))
    if empty:
        report.unsplit.append(f"thanh_phan_ho_so: {empty} giấy tờ ghi 0 bản chính, 0 bản sao "
                              "(giữ như đã công bố)")
    groups = [group for group in groups if group["giay_to"]]
    return groups or None


def _document(ten: str, counts: tuple[int, int], files: list[str],
              report: _Report) -> dict[str, Any]:
    document: dict[str, Any] = {"ten": ten, "so_ban_chinh": counts[0], "so_ban_sao": counts[1]}
    if files:
        form = {"ten": files[0], "tep": files[0]} if _SAFE_FILE.fullmatch(files[0]) \
            else {"ten": files[0]}
        document["mau_don"] = form
    if len(files) > 1:
        document["ghi_chu"] = "Tệp mẫu khác: " + "; ".join(files[1:])
        report.unsplit.append("thanh_phan_ho_so: giấy tờ có nhiều tệp mẫu, từ tệp thứ hai "
                              "ghi ở ghi_chu")
    return document


def _counts(text: str, report: _Report) -> tuple[int, int]:
    match = _COUNTS.search(" ".join(text.split()))
    if match is None:
        report.unsplit.append(f"thanh_phan_ho_so: không đọc được số bản '{text}', ghi 0/0")
        return (0, 0)
    return (int(match.group(1)), int(match.group(2)))


def _files(text: str, report: _Report) -> list[str]:
    lines = [line for line in (tidy(text) or "").split("\n") if line]
    if lines and not all(_FILE.fullmatch(line) for line in lines):
        report.unsplit.append(f"thanh_phan_ho_so: cột số lượng ghi '{text}', không phải tệp mẫu")
        return []
    return lines


def _is_heading(ten: str) -> bool:
    end = ten.rstrip(" ,.;")
    return end.endswith(":") or end.lower().endswith("gồm") or bool(_HEADING.match(ten))


def _next_is_document(rows: list[dict[str, Any]], index: int) -> bool:
    for row in rows[index + 1:]:
        ten = tidy(_text(row.get("ten_giay_to")))
        if ten is not None:
            counts = _COUNTS.search(" ".join(_text(row.get("ghi_chu")).split()))
            zero = counts is not None and counts.groups() == ("0", "0")
            return not (zero and _is_heading(ten))
    return False


def _with_files(heading: str, files: list[str], report: _Report) -> str:
    if not files:
        return heading
    report.unsplit.append("thanh_phan_ho_so: tệp mẫu ghi ở dòng tiêu đề trường hợp, "
                          "giữ trong truong_hop")
    return f"{heading}\nTệp mẫu: {'; '.join(files)}"


# ------------------------------------------------------------------ legal basis

def _legal(rows: list[dict[str, Any]], report: _Report) -> list[dict[str, Any]] | None:
    documents = [_law(row, report) for row in rows]
    return [document for document in documents if document] or None


def _law(row: dict[str, Any], report: _Report) -> dict[str, Any] | None:
    raw = tidy(_text(row.get("so_ky_hieu")))
    title = tidy(_text(row.get("trich_yeu")))
    symbol = _symbol(raw, title, report)
    if symbol is None:
        return None
    law: dict[str, Any] = {"so_ky_hieu": symbol}
    if title and title.lower() not in {(raw or "").lower(), symbol.lower()}:
        law["trich_yeu"] = title
    if day := iso_date(_text(row.get("ngay_ban_hanh"))):
        law["ngay_ban_hanh"] = day
        _check_date(symbol, day, title, report)
    elif published := tidy(_text(row.get("ngay_ban_hanh"))):
        report.unsplit.append(f"can_cu_phap_ly: {symbol}: ngày ban hành '{published}' không đọc "
                              "được")
    if issuer := tidy(_text(row.get("co_quan_ban_hanh"))):
        law["co_quan_ban_hanh"] = issuer
    return law


def _symbol(raw: str | None, title: str | None, report: _Report) -> str | None:
    """The document's number and symbol; a bare number is completed from the title."""
    if raw and (match := _PREFIXED.fullmatch(raw)):
        return match.group(1)
    if raw and re.match(r"\d+/\S", raw) and not re.fullmatch(r"\d+/\d{4}", raw):
        return raw  # a full symbol written a little differently (`TTLT- BQP`): as published
    partial = raw if raw and re.fullmatch(r"\d+(?:/\d{4})?", raw) else None
    if (partial is not None or raw is None) and (found := _find_symbol(partial, title)):
        return found
    if raw is None and title is None:
        report.unsplit.append("can_cu_phap_ly: bỏ một dòng không có số ký hiệu và trích yếu")
        return None
    report.unsplit.append(f"can_cu_phap_ly: số ký hiệu '{raw or title}' không đủ, "
                          "giữ như đã công bố")
    return raw or title


def _find_symbol(partial: str | None, title: str | None) -> str | None:
    for match in re.finditer(_SYMBOL, title or ""):
        start = match.start()
        boundary = start == 0 or not re.match(r"[\d/]", (title or "")[start - 1])
        if boundary and (partial is None or match.group().startswith(partial + "/")):
            return match.group()
    return None


def _check_date(symbol: str, day: str, title: str | None, report: _Report) -> None:
    """Flag a table date that contradicts the date written in the title (kept as published)."""
    match = re.search(re.escape(symbol) + _DATE_AFTER, title or "")
    if match and iso_date(match.group(1)) not in (None, day):
        report.unsplit.append(f"can_cu_phap_ly: {symbol}: ngày ban hành {day} khác ngày trong "
                              f"trích yếu ({match.group(1)})")


# ------------------------------------------------------------------ helpers

def _put(data: dict[str, Any], report: _Report, key: str, value: Any) -> None:
    """Set a required field, or list it as not published when the record leaves it empty."""
    if value:
        data[key] = value
        return
    report.absent.append(key)
    report.missing.append(key)


def _part(record: dict[str, Any], key: str) -> dict[str, Any]:
    value = record.get(key)
    return {nfc(name): item for name, item in value.items()} if isinstance(value, dict) else {}


def _rows(tables: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = tables.get(key)
    return [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _unique(values: Any) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))
