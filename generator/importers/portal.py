"""Importer for procedure records as published on the national portal (Cổng DVCQG).

One crawled detail page (a JSON object with `ma_thu_tuc`, `so_quyet_dinh`, flattened
section texts and the whole page in `raw_text`) becomes one procedure file
`content/procedures/<agency-id>/<ma>.yaml`. Structure is recovered where the page's cells
can be told apart; everything else is kept verbatim and noted in `unsplit`. Nothing is
invented: fields the page leaves empty are listed in `thieu_thong_tin` and `missing`.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from .portal_dossier import DOSSIER_HEADER, parse_dossier
from .portal_sections import (
    CHANNEL_HEADER,
    Notes,
    clean_text,
    parse_channels,
    parse_legal_basis,
    parse_steps,
)
from .records import Failed, Imported
from .text import CODE, decision_number, slug, split_list

AGENCIES = {
    "bo-tai-chinh": "Bộ Tài chính",
    "bo-nong-nghiep-va-moi-truong": "Bộ Nông nghiệp và Môi trường",
    "bo-xay-dung": "Bộ Xây dựng",
    "bo-cong-an": "Bộ Công an",
    "bo-tu-phap": "Bộ Tư pháp",
    "ngan-hang-nha-nuoc-viet-nam": "Ngân hàng Nhà nước Việt Nam",
    "toa-an-nhan-dan-toi-cao": "Tòa án nhân dân tối cao",
    "bo-y-te": "Bộ Y tế",
    "bo-giao-duc-va-dao-tao": "Bộ Giáo dục và Đào tạo",
    "bo-lao-dong-thuong-binh-va-xa-hoi": "Bộ Lao động - Thương binh và Xã hội",
    "bo-noi-vu": "Bộ Nội vụ",
    "bo-cong-thuong": "Bộ Công Thương",
    "bo-khoa-hoc-va-cong-nghe": "Bộ Khoa học và Công nghệ",
    "bo-van-hoa-the-thao-va-du-lich": "Bộ Văn hóa, Thể thao và Du lịch",
    "bo-ngoai-giao": "Bộ Ngoại giao",
    "bo-quoc-phong": "Bộ Quốc phòng",
    "bo-dan-toc-va-ton-giao": "Bộ Dân tộc và Tôn giáo",
    "bo-giao-thong-van-tai": "Bộ Giao thông vận tải",
    "bo-ke-hoach-va-dau-tu": "Bộ Kế hoạch và Đầu tư",
    "bo-thong-tin-va-truyen-thong": "Bộ Thông tin và Truyền thông",
    "bo-tai-nguyen-va-moi-truong": "Bộ Tài nguyên và Môi trường",
    "bo-nong-nghiep-va-phat-trien-nong-thon": "Bộ Nông nghiệp và Phát triển nông thôn",
    "uy-ban-dan-toc": "Ủy ban Dân tộc",
    "thanh-tra-chinh-phu": "Thanh tra Chính phủ",
    "van-phong-chinh-phu": "Văn phòng Chính phủ",
    "bao-hiem-xa-hoi-viet-nam": "Bảo hiểm xã hội Việt Nam",
    "vien-kiem-sat-nhan-dan-toi-cao": "Viện kiểm sát nhân dân tối cao",
    "ngan-hang-chinh-sach-xa-hoi": "Ngân hàng Chính sách xã hội",
    "ngan-hang-phat-trien-viet-nam": "Ngân hàng Phát triển Việt Nam",
}
# the crawl's folder names
FOLDERS = {
    "bo-tai-chinh": "bo-tai-chinh", "bo-nong-nghiep-mt": "bo-nong-nghiep-va-moi-truong",
    "bo-cong-an": "bo-cong-an", "bo-xay-dung": "bo-xay-dung", "bo-tu-phap": "bo-tu-phap",
    "ngan-hang-nha-nuoc": "ngan-hang-nha-nuoc-viet-nam",
    "toa-an-nhan-dan": "toa-an-nhan-dan-toi-cao",
}
# the issuer in a decision number (…/QĐ-BYT) → the announcing agency; a general department
# (TCHQ, TCT) announces through its ministry
ISSUERS = {
    "BTC": "bo-tai-chinh", "TCHQ": "bo-tai-chinh", "TCT": "bo-tai-chinh",
    "BNNMT": "bo-nong-nghiep-va-moi-truong", "BXD": "bo-xay-dung", "BCA": "bo-cong-an",
    "BTP": "bo-tu-phap", "NHNN": "ngan-hang-nha-nuoc-viet-nam",
    "TANDTC": "toa-an-nhan-dan-toi-cao", "BYT": "bo-y-te", "BGDĐT": "bo-giao-duc-va-dao-tao",
    "BLĐTBXH": "bo-lao-dong-thuong-binh-va-xa-hoi", "BNV": "bo-noi-vu",
    "BCT": "bo-cong-thuong", "BKHCN": "bo-khoa-hoc-va-cong-nghe",
    "BVHTTDL": "bo-van-hoa-the-thao-va-du-lich", "BNG": "bo-ngoai-giao",
    "BQP": "bo-quoc-phong", "BDTTG": "bo-dan-toc-va-ton-giao",
    "BGTVT": "bo-giao-thong-van-tai", "BKHĐT": "bo-ke-hoach-va-dau-tu",
    "BTTTT": "bo-thong-tin-va-truyen-thong", "BTNMT": "bo-tai-nguyen-va-moi-truong",
    "BNNPTNT": "bo-nong-nghiep-va-phat-trien-nong-thon", "UBDT": "uy-ban-dan-toc",
    "TTCP": "thanh-tra-chinh-phu", "VPCP": "van-phong-chinh-phu",
    "BHXH": "bao-hiem-xa-hoi-viet-nam", "VKSNDTC": "vien-kiem-sat-nhan-dan-toi-cao",
    "NHCSXH": "ngan-hang-chinh-sach-xa-hoi", "NHPT": "ngan-hang-phat-trien-viet-nam",
}
LOAI = {
    "tthc được giao luật quy định chi tiết": "duoc_luat_giao",
    "tthc được luật giao quy định chi tiết": "duoc_luat_giao",
    "tthc không được luật giao cho địa phương quy định": "khong_duoc_luat_giao",
    "tthc không được luật giao quy định chi tiết": "khong_duoc_luat_giao",
    "loại khác": "khac",
    "thủ tục hành chính nội bộ": "noi_bo",
}
CAP = {"cấp bộ": "bo", "cấp tỉnh": "tinh", "cấp huyện": "huyen", "cấp xã": "xa",
       "cơ quan khác": "khac"}
TEXT_FIELDS = {"co_quan_thuc_hien": "co_quan_thuc_hien",
               "co_quan_co_tham_quyen": "co_quan_co_tham_quyen",
               "co_quan_duoc_uy_quyen": "co_quan_duoc_uy_quyen",
               "co_quan_phoi_hop": "co_quan_phoi_hop", "dia_chi_tiep_nhan": "dia_chi_tiep_nhan",
               "yeu_cau_dieu_kien": "yeu_cau_dieu_kien"}

_MA = CODE
_PLACEHOLDERS = (  # "QĐ/0001-BCA" → 0001/QĐ-BCA, "01/QĐCB" → 01/QĐ-CB
    re.compile(r"Q[ĐD] */ *(\d+) *- *([A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*)", re.IGNORECASE),
    re.compile(r"(\d+) */ *Q[ĐD] *([A-ZĐ][A-ZĐ0-9]*(?:-[A-ZĐ0-9]+)*)", re.IGNORECASE),
)
_RESULT_CODE = re.compile(r"Mã: *(KQ\.[A-Z]\d{2}\.\d{6}|[A-Z0-9][A-Z0-9.\-]*"
                          r"(?=[A-ZĐ][^A-Z0-9.\-\s]|\s|$))")
_PAGE_CHROME = "Chọn cơ quan thực hiện"


class _Draft:
    """The procedure being built, with what could not be split and what the page lacks."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.notes: Notes = []
        self.missing: list[str] = []
        self.labels: dict[str, dict[str, str]] = {}

    def put(self, key: str, value: Any, *, required: bool = False) -> None:
        if value not in (None, [], ""):
            self.data[key] = value
        elif required:
            self.data.setdefault("thieu_thong_tin", []).append(key)
            self.missing.append(key)


def import_portal_record(record: dict[str, Any], source: str) -> Imported | Failed:
    """One portal detail page → one procedure (or why it cannot be imported)."""
    ma = clean_text(record.get("ma_thu_tuc"))
    if ma is None or not _MA.fullmatch(ma):
        return Failed(source, f"Không có mã thủ tục hợp lệ dạng N.dddddd ('{ma or ''}'): "
                              "thủ tục chưa có mã trên Cơ sở dữ liệu quốc gia")
    if clean_text(record.get("ten_thu_tuc")) is None:
        return Failed(source, f"{ma}: không có tên thủ tục")
    draft = _Draft()
    decision = _decision(record.get("so_quyet_dinh"), draft.notes)
    if decision is None:
        return Failed(source, f"{ma}: không có số quyết định công bố "
                              f"('{clean_text(record.get('so_quyet_dinh')) or ''}')")
    agency = _agency(record, decision)
    if agency is None:
        return Failed(source, f"{ma}: không xác định được cơ quan công bố từ thư mục nguồn "
                              f"hoặc ký hiệu quyết định {decision}")
    draft.labels["agency"] = {agency: AGENCIES[agency]}
    _identity(draft, record, ma, agency, decision)
    _classification(draft, record, ma)
    _sections(draft, record)
    _results(draft, record)
    draft.notes = list(dict.fromkeys(draft.notes))
    return Imported(kind="procedure", path=f"content/procedures/{agency}/{ma}.yaml",
                    data=draft.data, source=source, unsplit=draft.notes,
                    missing=list(dict.fromkeys(draft.missing)), labels=draft.labels)


# ------------------------------------------------------------------ identity

def _decision(value: Any, notes: Notes) -> str | None:
    """Canonical decision number; placeholders are reordered and noted, never dropped."""
    text = clean_text(value)
    if text is None:
        return None
    for pattern in _PLACEHOLDERS:
        match = pattern.fullmatch(text)
        if match:
            placeholder = f"{match.group(1)}/QĐ-{match.group(2).upper()}"
            notes.append(f"quyet_dinh_cong_bo: số quyết định trên Cổng không đúng dạng "
                         f"('{text}'), ghi lại thành {placeholder}")
            return placeholder
    number = decision_number(text)
    bare = re.sub(r"^(?:quyết định )?(?:số)?[ :]*", "", text, flags=re.IGNORECASE)
    if number is not None and bare != number:
        notes.append(f"quyet_dinh_cong_bo: số quyết định trên Cổng ('{text}') "
                     f"được chuẩn hóa thành {number}")
    return number


def _agency(record: dict[str, Any], decision: str) -> str | None:
    path = record.get("_source_path")
    if isinstance(path, str) and path:
        folder = PurePosixPath(path).parent.name
        if folder in FOLDERS:
            return FOLDERS[folder]
    issuer = decision.split("/QĐ-", 1)[1].split("-")
    return ISSUERS.get(issuer[0])


def _identity(draft: _Draft, record: dict[str, Any], ma: str, agency: str,
              decision: str) -> None:
    draft.put("ma", ma)
    draft.put("ten", clean_text(record.get("ten_thu_tuc")))
    draft.put("co_quan_cong_bo", agency)
    draft.put("quyet_dinh_cong_bo", decision)


def _classification(draft: _Draft, record: dict[str, Any], ma: str) -> None:
    draft.put("loai", _loai(clean_text(record.get("loai_thu_tuc")), ma, draft.notes),
              required=True)
    draft.put("linh_vuc", _vocabulary(draft, "linh_vuc", record.get("linh_vuc")),
              required=True)
    draft.put("cap_thuc_hien", _levels(record.get("cap_thuc_hien"), draft.notes),
              required=True)
    draft.put("doi_tuong_thuc_hien",
              _vocabulary(draft, "doi_tuong", record.get("doi_tuong_thuc_hien")),
              required=True)
    for key, field in TEXT_FIELDS.items():
        draft.put(field, clean_text(record.get(key)), required=field == "co_quan_thuc_hien")
    draft.put("thu_tuc_lien_quan", _related(record.get("thu_tuc_lien_quan"), ma, draft.notes))


def _loai(text: str | None, ma: str, notes: Notes) -> str | None:
    value = LOAI.get(text.lower()) if text else None
    if ma[0] in "56":
        if value not in (None, "noi_bo"):
            notes.append(f"loai: mã {ma} là thủ tục nội bộ nhưng Cổng ghi '{text}'; "
                         "ghi noi_bo")
        return "noi_bo"
    if text and value is None:
        notes.append(f"loai: loại thủ tục '{text}' không có trong danh mục, chưa ghi")
    if value == "noi_bo":
        notes.append(f"loai: Cổng ghi thủ tục nội bộ nhưng mã {ma} không bắt đầu bằng 5. "
                     "hoặc 6., chưa ghi")
        return None
    return value


def _names(value: Any) -> list[str]:
    """"A, B, c, D" → ["A", "B, c", "D"]: a part starting in lower case continues a name."""
    names: list[str] = []
    for part in split_list(clean_text(value)):
        if names and part[:1].islower():
            names[-1] += ", " + part
        else:
            names.append(part)
    return names


def _vocabulary(draft: _Draft, kind: str, value: Any) -> list[str]:
    ids: list[str] = []
    for name in _names(value):
        key = slug(name)
        if key and key not in ids:
            ids.append(key)
            draft.labels.setdefault(kind, {})[key] = name
    return ids


def _levels(value: Any, notes: Notes) -> list[str]:
    levels: list[str] = []
    for name in _names(value):
        level = CAP.get(name.lower())
        if level is None:
            notes.append(f"cap_thuc_hien: cấp '{name}' không có trong danh mục, chưa ghi")
        elif level not in levels:
            levels.append(level)
    return levels


def _related(value: Any, ma: str, notes: Notes) -> list[str]:
    text = clean_text(value)
    if text is None:
        return []
    codes = [code for code in dict.fromkeys(re.findall(r"(?<![\d.])\d\.\d{6}(?!\d)", text))
             if code != ma]
    if not codes:
        notes.append(f"thu_tuc_lien_quan: thủ tục liên quan không có mã, chưa ghi: {text}")
    return codes


# ------------------------------------------------------------------ flattened sections

def _sections(draft: _Draft, record: dict[str, Any]) -> None:
    steps, channels, dossier = _section_texts(record)
    legal = clean_text(_strip_next_label(record.get("can_cu_phap_ly"), record))
    draft.put("trinh_tu_thuc_hien", parse_steps(steps) if steps else None, required=True)
    context = "\n".join(text for text in (channels, steps) if text)
    parsed = parse_channels(channels, context, draft.notes, draft.missing) if channels else []
    draft.put("cach_thuc_thuc_hien", parsed, required=True)
    groups = parse_dossier(dossier, draft.notes) if dossier else None
    draft.put("thanh_phan_ho_so", groups, required=True)
    draft.put("can_cu_phap_ly", parse_legal_basis(legal, draft.notes) if legal else None,
              required=True)


def _section_texts(record: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """Steps, channels and dossier texts; re-cut from `raw_text` where the crawl cut a
    section at a label quoted inside the previous one ("…theo mục Thành phần hồ sơ")."""
    steps = clean_text(record.get("trinh_tu_thuc_hien"))
    channels = clean_text(record.get("cach_thuc_thuc_hien"))
    dossier = clean_text(record.get("thanh_phan_ho_so"))
    raw = clean_text(record.get("raw_text"))  # normalised like the sections it holds
    if raw is None or CHANNEL_HEADER not in raw:
        return steps, channels, dossier
    begin = raw.find("Trình Tự Thực Hiện")
    header = raw.find("Cách Thức Thực Hiện" + CHANNEL_HEADER)
    if 0 <= begin < header:
        whole = clean_text(raw[begin + len("Trình Tự Thực Hiện"):header])
        if whole and steps and len(whole) > len(steps) and whole.startswith(steps):
            steps = whole
    whole = _dossier_from_raw(raw, header, channels, record)
    if whole and (dossier is None or DOSSIER_HEADER not in dossier
                  or (len(whole) > len(dossier) and whole.startswith(dossier))):
        dossier = whole
    return steps, channels, dossier


def _dossier_from_raw(raw: str, header: int, channels: str | None,
                      record: dict[str, Any]) -> str | None:
    found = raw.find(channels, header) if channels and header >= 0 else -1
    start = raw.find("Thành phần hồ sơ", found + len(channels or "")) if found >= 0 else -1
    legal = clean_text(record.get("can_cu_phap_ly")) or ""
    stop = raw.find("Căn cứ pháp lý" + legal[:40], start) if start >= 0 else -1
    if stop < 0:
        return None
    text = clean_text(raw[start + len("Thành phần hồ sơ"):stop])
    return text if text and DOSSIER_HEADER in text else None


def _strip_next_label(value: Any, record: dict[str, Any]) -> Any:
    """Drop "Cơ quan thực hiện<…>" that the crawl left at the end of the legal basis."""
    agency = record.get("co_quan_thuc_hien")
    if isinstance(value, str) and isinstance(agency, str):
        tail = "Cơ quan thực hiện" + agency
        if agency and value.rstrip().endswith(tail):
            return value.rstrip()[:-len(tail)]
    return value


# ------------------------------------------------------------------ results, keywords

def _results(draft: _Draft, record: dict[str, Any]) -> None:
    text = clean_text(record.get("ket_qua_xu_ly")) or ""
    text = text.split(_PAGE_CHROME, 1)[0]
    body, _, extra = text.rpartition("Từ khóa") if "Từ khóa" in text else (text, "", "")
    keywords, _, description = extra.partition("Mô tả")
    draft.put("ket_qua_thuc_hien", _result_items(body, draft.notes), required=True)
    draft.put("tu_khoa", list(dict.fromkeys(_names(keywords))))
    described = clean_text(description)
    if described:
        draft.notes.append("mo_ta: ô 'Mô tả' của trang không có trường tương ứng, "
                           f"chưa ghi; nội dung công bố: {described}")


def _result_items(body: str, notes: Notes) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    start = 0
    for match in _RESULT_CODE.finditer(body):
        name = clean_text(body[start:match.start()])
        code = match.group(1)
        start = match.end()
        if name is None:
            notes.append(f"ket_qua_thuc_hien: mã kết quả {code} không có tên, chưa ghi")
            continue
        item: dict[str, Any] = {"ten": name}
        if re.fullmatch(r"KQ\.[A-Z]\d{2}\.\d{6}", code):
            item["ma"] = code
        else:
            notes.append(f"ket_qua_thuc_hien: mã kết quả '{code}' không đúng dạng "
                         "KQ.X00.000000, chưa ghi")
        items.append(item)
    rest = clean_text(body[start:])
    if rest:
        items.append({"ten": rest})
    return items
