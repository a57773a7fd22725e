"""Announcement decisions (Quyết định công bố) from structured decision records.

Each record (`number`, `title`, `issuing_body`, `signer_*`, `signed_date`, `effective_*`,
`legal_grounds`, `annex_items` …, see `tests/data/import/decisions/`) becomes one decision file
`content/decisions/<agency>/<year>/<number-slug>.yaml`. A record whose text is only partly
known is written with what is known and `chua_day_du` saying, in Vietnamese, what is missing
and where the rest came from; nothing is invented. A decision with no known annex item cannot
be written (the schema needs at least one) and is returned as `Failed`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..crosscheck import decision_slug
from .records import Failed, Imported
from .text import CODE, DECISION_NUMBER, decision_number, iso_date, nfc, slug, tidy

UNKNOWN_YEAR = "khong-ro-nam"
LISTS = ("moi_ban_hanh", "sua_doi_bo_sung", "thay_the", "bai_bo", "chua_phan_loai")
LOCAL = (("thoi_han", "processing_time"), ("dia_diem", "place_of_implementation"),
         ("phi_le_phi", "fees"), ("muc_do_dich_vu_cong", "online_service_level_as_published"),
         ("can_cu_phap_ly", "legal_basis"))
FULL_KEYS = (("trich_yeu", "trích yếu"), ("nguoi_ky", "người ký"),
             ("ngay_ban_hanh", "ngày ban hành"), ("ngay_hieu_luc", "ngày hiệu lực"),
             ("can_cu", "căn cứ"))
# what the source record's `source.kind` says, in words for `chua_day_du`
SOURCE_KINDS = (("secondary citation", "các thủ tục được trích lại trong phụ lục {cited}"),
                ("news summary", "trang tin tóm tắt văn bản"),
                ("legal-text site", "trang văn bản pháp luật trên mạng"),
                ("dataset viewer", "trang xem một bộ dữ liệu văn bản pháp luật"),
                ("manifest", "bản chép lại phụ lục của bên thứ ba, chưa đối chiếu với bản gốc"),
                ("copy of published decision", "bản sao văn bản đã công bố"))

_CODE = CODE
_SO_KY_HIEU = DECISION_NUMBER
_PROVINCE = re.compile(r"(?i)(?:(?:ủy|uỷ) ban nhân dân|ubnd)?\s*(tỉnh|thành phố)\s+(.+)")
_CITED = re.compile(r"Quyết định số\s+(\S+)\s+ngày\s+(\d{1,2}/\d{1,2}/\d{4})")
_HEADING_COUNT = re.compile(r"\((\d+)\s*TTHC\)")
_ABBREVIATION = re.compile(r"(?:KT|TM|TL|TUQ|Q)\.")


@dataclass
class _Report:
    unsplit: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def import_decisions(records: list[dict[str, Any]], source: str) -> list[Imported | Failed]:
    """Every record as a decision file, or why it cannot be written."""
    return [import_decision(record, f"{source}:{index}")
            for index, record in enumerate(records, start=1)]


def import_decision(record: dict[str, Any], source: str) -> Imported | Failed:
    published = _text(record.get("number"))
    number = decision_number(published)
    if number is None or not _SO_KY_HIEU.fullmatch(number):
        return Failed(source, f"số ký hiệu {published!r} không đúng dạng …/QĐ-…")
    agency = _agency(_text(record.get("issuing_body")))
    if agency is None:
        return Failed(source, f"{number}: không nhận ra cơ quan ban hành "
                              f"{record.get('issuing_body')!r}")
    ident, name, kind = agency
    types = {ident: kind} if kind else {}
    report = _Report()
    annex = _annex(record, report)
    if not annex:
        report.missing.append(_no_annex(record))
    data: dict[str, Any] = {"so_ky_hieu": number, "co_quan_ban_hanh": ident}
    data.update(_header(record, report))
    if note := _incomplete(record, data, annex):
        data["chua_day_du"] = note
    if annex:
        data["danh_muc"] = annex
    year = str(data.get("ngay_ban_hanh", ""))[:4] or UNKNOWN_YEAR
    return Imported(kind="decision",
                    path=f"content/decisions/{ident}/{year}/{decision_slug(number)}.yaml",
                    data=data, source=source, unsplit=report.unsplit, missing=report.missing,
                    labels={"agency": {ident: name}, "agency_type": types})


# ------------------------------------------------------------------ agency

def _agency(body: str) -> tuple[str, str, str | None] | None:
    """(id, name, type) of the issuing body: a ministry (`bo`), a province (`tinh`) or another
    central body (type left to the agency file's own rules)."""
    text = tidy(re.sub(r"\s*\(.*?\)", "", body))
    if text is None:
        return None
    if text.lower().startswith("bộ "):
        return slug(text), text, "bo"
    match = _PROVINCE.fullmatch(text)
    if match is None:
        return slug(text), text, None
    unit, place = match.group(1).lower(), match.group(2).strip()
    return f"{slug(unit)}-{slug(place)}", f"Ủy ban nhân dân {unit} {place}", "tinh"


# ------------------------------------------------------------------ header

def _header(record: dict[str, Any], report: _Report) -> dict[str, Any]:
    """trich_yeu, nguoi_ky, dates, can_cu, thay_the_quyet_dinh: only what the record gives."""
    header: dict[str, Any] = {}
    title = tidy(_text(record.get("title")))
    if title and not _site_title(title):
        header["trich_yeu"] = title
    signer, position = tidy(_text(record.get("signer_name"))), _text(record.get("signer_title"))
    if signer and tidy(position):
        header["nguoi_ky"] = {"ho_ten": signer, "chuc_vu": _as_written(position)}
    signed = iso_date(_text(record.get("signed_date")))
    effective = _effective(record, signed, report)
    header.update({key: value for key, value in (("ngay_ban_hanh", signed),
                                                 ("ngay_hieu_luc", effective)) if value})
    if grounds := _grounds(record):
        header["can_cu"] = grounds
        _check_citations(record, report)
    if replaced := _replaced(record, report):
        header["thay_the_quyet_dinh"] = replaced
    return header


def _site_title(title: str) -> bool:
    """A web page's title for the decision, not the decision's own trích yếu."""
    return "(site title)" in title or bool(re.match(r"(?i)quyết định\s+\d+/", title))


def _as_written(position: str) -> str:
    """`CHỦ TỊCH` (the signature block's capitals) → `Chủ tịch`; other text unchanged."""
    text = tidy(position) or ""
    if not text.isupper():
        return text
    words = [word if _ABBREVIATION.fullmatch(word) else word.lower() for word in text.split(" ")]
    lowered = " ".join(words).replace("chủ tịch", "Chủ tịch")  # as in "Phó Chủ tịch"
    return re.sub(r"(^|[,\n]\s*|\.\s+)(\w)", lambda m: m.group(1) + m.group(2).upper(), lowered)


def _effective(record: dict[str, Any], signed: str | None, report: _Report) -> str | None:
    """The effective date given, or the signing date when the text says it takes effect then."""
    given = iso_date(_text(record.get("effective_date")))
    articles = _mapping(record.get("articles"))
    wording = " ".join([_text(record.get("effective_text")), *map(_text, articles.values())])
    if signed and re.search(r"(?i)hiệu lực (?:thi hành )?kể từ ngày ký", nfc(wording)):
        if given and given != signed:
            report.unsplit.append(f"ngay_hieu_luc: văn bản ghi có hiệu lực kể từ ngày ký "
                                  f"({signed}) nhưng nguồn ghi {given}; giữ {given}")
        return given or signed
    return given


def _grounds(record: dict[str, Any]) -> list[str]:
    """Each `Căn cứ …` as published (mis-cited numbers included), without the word `Căn cứ`."""
    parents = _text(record.get("parent_decisions_as_published"))
    texts = [*_list(record.get("legal_grounds")), parents]
    grounds = [re.sub(r"(?i)^căn cứ\s+", "", tidy(text) or "").rstrip(" ;") for text in texts]
    return [ground for ground in grounds if ground]


def _replaced(record: dict[str, Any], report: _Report) -> list[str]:
    numbers: list[str] = []
    for text in _list(record.get("replaces_decisions")):
        if (number := decision_number(text)) is None:
            report.unsplit.append(f"thay_the_quyet_dinh: không đọc được số ký hiệu '{text}'")
        elif number not in numbers:
            numbers.append(number)
    return numbers


def _check_citations(record: dict[str, Any], report: _Report) -> None:
    """Flag a decision the annex cites by a number the căn cứ writes differently, same date."""
    text = nfc(_text(record.get("parent_decisions_as_published")))
    grounds = [(decision_number(raw) or raw, iso_date(day)) for raw, day in _CITED.findall(text)]
    numbers = {number for number, _ in grounds}
    for number, day in _annex_citations(record):
        same_day = [written for written, when in grounds if when == iso_date(day)]
        if number not in numbers and len(same_day) == 1:
            report.unsplit.append(f"can_cu: căn cứ ghi {same_day[0]} ngày {day}, phụ lục ghi "
                                  f"{number} cùng ngày; giữ như đã công bố")


def _annex_citations(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(decision number, date) pairs the annex notes cite, in order, once each."""
    found: dict[tuple[str, str], None] = {}
    for item in _items(record):
        cited = item.get("abolished_by")
        if isinstance(cited, dict) and (number := decision_number(_text(cited.get("number")))):
            found[(number, _text(cited.get("date")))] = None
    return list(found)


# ------------------------------------------------------------------ annex

def _annex(record: dict[str, Any], report: _Report) -> dict[str, list[dict[str, Any]]]:
    lists: dict[str, list[dict[str, Any]]] = {name: [] for name in LISTS}
    for item in _items(record):
        entry = _entry(item, report)
        if entry is None:
            continue
        name = _list_name(_text(item.get("change_kind")))
        if name == "bai_bo" and "ma" not in entry and "ghi_chu" not in entry:
            entry["ghi_chu"] = "Phụ lục không ghi mã số"
        lists[name].append(entry)
        if "ma" not in entry and not _text(item.get("code_as_published")).strip():
            report.missing.append(f"danh_muc.{name}[{len(lists[name]) - 1}].ma: "
                                  f"phụ lục không ghi mã ({entry['ten'][:60]})")
    if record.get("annex_complete") is True:
        _check_counts(record, report)
    return {name: items for name, items in lists.items() if items}


def _entry(item: dict[str, Any], report: _Report) -> dict[str, Any] | None:
    name = nfc(_text(item.get("name"))).strip()
    if not name:
        report.unsplit.append(f"danh_muc: bỏ một dòng không có tên thủ tục ({item!r:.60})")
        return None
    entry: dict[str, Any] = {"ten": name}
    code = _text(item.get("code")).strip()
    if _CODE.fullmatch(code):
        entry["ma"] = code
    if note := _note(item, code if "ma" in entry else None, report):
        entry["ghi_chu"] = note
    if local := _local(item, report):
        entry["thong_tin_dia_phuong"] = local
    return entry


def _note(item: dict[str, Any], code: str | None, report: _Report) -> str | None:
    """The annex's note; a published code that is not a code is kept here, in words."""
    parts = []
    published = nfc(_text(item.get("code_as_published"))).strip()
    if published and published != code:
        if re.search(r"\d", published):
            parts.append(f"Mã số như đã công bố: {published} (không đúng dạng mã thủ tục)")
            report.unsplit.append(f"danh_muc: mã '{published}' không đúng dạng, ghi ở ghi_chu")
        else:
            parts.append(published)
    note = nfc(_text(item.get("note"))).strip()
    if note and not note.isascii():  # ASCII-only notes are the dataset's, not the annex's
        parts.append(note)
    return "; ".join(parts) or None


def _local(item: dict[str, Any], report: _Report) -> dict[str, Any]:
    """The province's own columns (time, place, fee, online level, postal, legal basis)."""
    details = item.get("local_details")
    if not isinstance(details, dict):
        return {}
    local: dict[str, Any] = {}
    for key, name in LOCAL:
        if text := nfc(_text(details.get(name))).strip():
            local[key] = text
    postal = nfc(_text(details.get("via_public_postal_service"))).strip()
    if postal.lower() in ("có", "không"):
        local["buu_chinh_cong_ich"] = postal.lower() == "có"
    elif postal:
        report.unsplit.append(f"danh_muc: cột bưu chính công ích ghi '{postal}', bỏ qua")
    order = [key for key, _ in LOCAL[:4]] + ["buu_chinh_cong_ich", "can_cu_phap_ly"]
    if empty := [key for key in order if key not in local]:
        report.missing.append(f"danh_muc: '{_text(item.get('name'))[:40]}…': phụ lục để trống "
                              + ", ".join(empty))
    return {key: local[key] for key in order if key in local}


def _list_name(kind: str) -> str:
    text = re.sub(r"\s*\(.*?\)", "", nfc(kind)).strip().lower()
    if "sửa đổi" in text:
        return "sua_doi_bo_sung"
    if "bãi bỏ" in text or "hủy bỏ" in text or "huỷ bỏ" in text:
        return "bai_bo"
    if "mới" in text:
        return "moi_ban_hanh"
    return "chua_phan_loai"  # kind unknown (a replacement without its old code included)


def _check_counts(record: dict[str, Any], report: _Report) -> None:
    """Published totals (per list and per heading `… (17 TTHC)`) against the rows given."""
    items = _items(record)
    rows = Counter(_text(item.get("change_kind")) for item in items)
    counts = record.get("annex_counts_as_published")
    for kind, announced in (counts.items() if isinstance(counts, dict) else []):
        if isinstance(announced, int) and announced != rows[kind]:
            report.unsplit.append(f"danh_muc: phụ lục công bố {announced} TTHC {kind} nhưng "
                                  f"chỉ liệt kê {rows[kind]} dòng")
    headings = Counter((_text(item.get("change_kind")), _text(item.get(key)))
                       for item in items for key in ("field_heading", "level_heading"))
    for (kind, heading), found in headings.items():
        match = _HEADING_COUNT.search(heading)
        if match and int(match.group(1)) != found:
            report.unsplit.append(f"danh_muc: mục '{heading}' ({kind}) ghi {int(match.group(1))}"
                                  f" TTHC nhưng chỉ liệt kê {found} dòng")


# ------------------------------------------------------------------ incomplete records

def _incomplete(record: dict[str, Any], data: dict[str, Any],
                annex: dict[str, list[dict[str, Any]]]) -> str | None:
    """`chua_day_du`: what the decision file lacks and where its content came from."""
    lacking = [words for key, words in FULL_KEYS if key not in data]
    partial_annex = record.get("annex_complete") is not True or "chua_phan_loai" in annex
    if not lacking and not partial_annex:
        return None
    known = sum(len(items) for items in annex.values())
    parts = [f"Chưa có văn bản quyết định đầy đủ; nguồn: {_source(record)}."]
    if lacking:
        parts.append("Chưa có " + ", ".join(lacking) + ".")
    if partial_annex:
        parts.append(f"Phụ lục chưa đầy đủ: mới biết {known} thủ tục." if known
                     else "Chưa biết thủ tục nào trong phụ lục.")
    if uncoded := sum(1 for items in annex.values() for item in items if "ma" not in item):
        parts.append(f"{uncoded} thủ tục trong danh mục chưa có mã.")
    if (name := tidy(_text(record.get("signer_name")))) and "nguoi_ky" not in data:
        parts.append(f"Người ký theo nguồn: {name}, chưa rõ chức vụ.")
    return " ".join(parts)


def _source(record: dict[str, Any]) -> str:
    source = _mapping(record.get("source"))
    kind = _text(source.get("kind"))
    words = next((text for key, text in SOURCE_KINDS if key in kind.lower()), "nguồn thứ cấp")
    cited = decision_number(kind)
    words = words.format(cited=f"Quyết định số {cited}" if cited else "một quyết định khác")
    where = _text(source.get("url")) or " ".join(
        part for part in (_text(source.get("repo")), _text(source.get("path"))) if part)
    return f"{words} ({where})" if where else words


def _no_annex(record: dict[str, Any]) -> str:
    counts = record.get("annex_counts_as_published")
    announced = ", ".join(f"{kind}: {count}" for kind, count in counts.items()) \
        if isinstance(counts, dict) and counts else ""
    told = f"; phụ lục công bố {announced} nhưng không có tên" if announced else ""
    return f"danh_muc: chưa biết thủ tục nào trong phụ lục{told}"


# ------------------------------------------------------------------ helpers

def _items(record: dict[str, Any]) -> list[dict[str, Any]]:
    items = record.get("annex_items")
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
