"""Local details a province publishes on its own site for national procedures.

A provincial site (e.g. Trang thông tin điện tử Công an tỉnh Phú Thọ) lists the ministry's
procedures with the province's processing time, fee, online level, place and legal basis,
but no national code and no announcing decision. The input is one JSON document
(`source_name`, `source_url`, `fetched_at`, `reuse_notice`, `procedures: [{title,
processing_time, fee, service_level, agency, legal_basis, source_url, …}]`).

Each record is matched to a national record of the catalogue by its name, normalised with
`text.slug` (case, accents and punctuation ignored), also without a leading word "Thủ tục";
only an exact match of the normalised names counts — no fuzzy matching, a name two national
records share matches neither. All matched records become ONE decision of the province,
`content/decisions/<agency>/khong-ro-nam/<agency>-<slug of source_name>.yaml`, marked
`chua_day_du` (no number, date, signer: the Chủ tịch's announcing decision is not known), its
`danh_muc.chua_phan_loai` listing each national code with the province's
`thong_tin_dia_phuong` as published. Records that match nothing are only reported (an
`Imported` of kind `note`, never written): without a code they cannot be filed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .derived import UNKNOWN_YEAR
from .records import Failed, Imported
from .text import iso_date, nfc, slug

NOTE = "note"  # kind of an Imported that only carries a summary note; run.py writes no file
LOCAL = (("thoi_han", "processing_time"), ("dia_diem", "agency"), ("phi_le_phi", "fee"),
         ("muc_do_dich_vu_cong", "service_level"), ("can_cu_phap_ly", "legal_basis"))
UNITS = {"tinh": "tỉnh", "thanh-pho": "thành phố"}

_AGENCY_ID = re.compile(r"(tinh|thanh-pho)-[a-z0-9]+(-[a-z0-9]+)*")
_THU_TUC = re.compile(r"(?i)^\s*thủ\s+tục\b[\s:.\-–]*")
_PLACE = re.compile(r"(?i)\b(tỉnh|thành phố)\s+([^,.;:()\n]+)")

Catalogue = Mapping[str, tuple[str, str]]


@dataclass
class _Match:
    code: str
    record: dict[str, Any]
    index: int


@dataclass
class _Matches:
    found: dict[str, _Match] = field(default_factory=dict)
    notes: list[Imported | Failed] = field(default_factory=list)


# ------------------------------------------------------------------ catalogue

def name_keys(name: str) -> list[str]:
    """The normalised forms a name is matched under: as written, then without "Thủ tục"."""
    keys = [slug(name), slug(_THU_TUC.sub("", nfc(name)))]
    return [key for i, key in enumerate(keys) if key and key not in keys[:i]]


def build_catalogue(records: Iterable[tuple[str, str, str]]) -> dict[str, tuple[str, str]]:
    """Normalised name → (code, owner) from (ten, code, owner) of the national records.

    A name as written wins over the same name found only by dropping "Thủ tục"; a normalised
    name that two different records share is left out, so it never matches (no guessing).
    """
    exact: dict[str, set[tuple[str, str]]] = defaultdict(set)
    loose: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for ten, code, owner in records:
        first, *rest = name_keys(ten) or [""]
        exact[first].add((code, owner))
        for key in rest:
            loose[key].add((code, owner))
    catalogue: dict[str, tuple[str, str]] = {}
    for key in sorted((set(exact) | set(loose)) - {""}):
        found = exact[key] if key in exact else loose[key]
        if len(found) == 1:
            catalogue[key] = next(iter(found))
    return catalogue


def lookup(title: str, catalogue: Catalogue) -> tuple[str, str] | None:
    """The (code, owner) whose normalised name equals the title's, or None."""
    return next((catalogue[key] for key in name_keys(title) if key in catalogue), None)


# ------------------------------------------------------------------ import

def import_province_site(data: dict[str, Any], *, agency: str,
                         catalogue: dict[str, tuple[str, str]], source: str,
                         names: Mapping[str, str] | None = None) -> list[Imported | Failed]:
    """The province's decision file of matched records, plus one note per unmatched record.

    `names` maps a code to the national record's `ten` (written as the item's name; without
    it the published title is used, and the validator warns where the two differ).
    """
    problem = _check_input(data, agency)
    if problem:
        return [Failed(source, problem)]
    records = data["procedures"]
    matches = _match(records, agency, catalogue, source)
    results: list[Imported | Failed] = []
    if matches.found:
        results.append(_decision(data, agency, matches, names or {}, source))
    return results + matches.notes


def _check_input(data: dict[str, Any], agency: str) -> str | None:
    if not _AGENCY_ID.fullmatch(agency):
        return f"--agency {agency!r} không phải mã tỉnh, thành phố (ví dụ tinh-phu-tho)"
    if not isinstance(data.get("procedures"), list):
        return "tệp không có danh sách `procedures`"
    if not slug(_text(data.get("source_name"))):
        return "tệp không ghi `source_name` (tên trang công bố)"
    return None


def _match(records: list[Any], agency: str, catalogue: Catalogue, source: str) -> _Matches:
    matches = _Matches()
    for index, record in enumerate(records, start=1):
        where = f"{source}:{index}"
        title = _verbatim(record.get("title")) if isinstance(record, dict) else None
        if title is None:
            matches.notes.append(Failed(where, "bản ghi không có tên thủ tục (`title`)"))
            continue
        found = lookup(title, catalogue)
        if found is None or found[1] == agency:  # a province never localises its own record
            matches.notes.append(_note(where, f"không khớp được mã quốc gia: {title}"))
        elif not _local(record):
            matches.notes.append(_note(where, f"không có thông tin địa phương: {title}"))
        elif found[0] in matches.found:
            first = matches.found[found[0]].index
            matches.notes.append(_note(where, f"trùng mã {found[0]} với bản ghi {first}, "
                                              f"không ghi lại: {title}"))
        else:
            matches.found[found[0]] = _Match(found[0], record, index)
    return matches


def _note(source: str, text: str) -> Imported:
    return Imported(kind=NOTE, path="", data={}, source=source, unsplit=[text])


# ------------------------------------------------------------------ the decision

def _decision(data: dict[str, Any], agency: str, matches: _Matches, names: Mapping[str, str],
              source: str) -> Imported:
    items = [_item(matches.found[code], names) for code in sorted(matches.found)]
    decision = {"co_quan_ban_hanh": agency,
                "chua_day_du": _incomplete(data, agency, len(items)),
                "danh_muc": {"chua_phan_loai": items}}
    path = (f"content/decisions/{agency}/{UNKNOWN_YEAR}/"
            f"{agency}-{slug(_text(data.get('source_name')))}.yaml")
    labels: dict[str, dict[str, str]] = {"agency_type": {agency: "tinh"}}
    missing: list[str] = []
    if name := _province_name(agency, data):
        labels["agency"] = {agency: name}
    else:
        missing.append(f"co_quan_ban_hanh: nguồn không ghi tên của {agency}; "
                       f"cần tệp content/agencies/{agency}.yaml")
    return Imported(kind="decision", path=path, data=decision, source=source,
                    missing=missing, labels=labels)


def _item(match: _Match, names: Mapping[str, str]) -> dict[str, Any]:
    title = _verbatim(match.record.get("title")) or ""
    ten = names.get(match.code) or title
    notes = [f"Tên trên trang công bố: {title}."] if title != ten else []
    if url := _verbatim(match.record.get("source_url")):
        notes.append(f"Trang thủ tục: {url}")
    item: dict[str, Any] = {"ma": match.code, "ten": ten}
    if notes:
        item["ghi_chu"] = " ".join(notes)
    item["thong_tin_dia_phuong"] = _local(match.record)
    return item


def _local(record: dict[str, Any]) -> dict[str, str]:
    """The province's own details, verbatim; a field left empty is left out."""
    local = {key: _verbatim(record.get(name)) for key, name in LOCAL}
    return {key: value for key, value in local.items() if value}


def _incomplete(data: dict[str, Any], agency: str, matched: int) -> str:
    """`chua_day_du`: where the details come from, what is not known, the credit line."""
    site = _text(data.get("source_name")).strip()
    where = ", ".join(part for part in (_verbatim(data.get("source_url")),
                                        _fetched(data.get("fetched_at"))) if part)
    unit = UNITS["tinh" if agency.startswith("tinh-") else "thanh-pho"]
    total = len(data["procedures"])
    parts = [f"Thông tin tại địa phương của các thủ tục hành chính do {site} đăng"
             + (f" ({where})" if where else "") + ", không kèm quyết định công bố của Chủ "
             f"tịch Ủy ban nhân dân {unit}: chưa có số ký hiệu, trích yếu, người ký, ngày ban "
             "hành, ngày hiệu lực, căn cứ; chưa rõ thủ tục mới ban hành hay sửa đổi, bổ sung.",
             f"Danh mục gồm {matched} trong {total} thủ tục trang đăng, là những thủ tục có tên "
             "khớp đúng tên thủ tục quốc gia trong kho."]
    if notice := _verbatim(data.get("reuse_notice")):
        parts.append(notice)
    return " ".join(parts)


def _fetched(value: Any) -> str | None:
    day = iso_date(_text(value)[:10])
    return f"truy cập ngày {day[8:]}/{day[5:7]}/{day[:4]}" if day else None


def _province_name(agency: str, data: dict[str, Any]) -> str | None:
    """`Ủy ban nhân dân tỉnh Phú Thọ` when the source names the place the id spells."""
    texts = [_text(data.get("source_name")), _text(data.get("reuse_notice"))]
    texts += [_text(r.get("agency")) for r in data["procedures"] if isinstance(r, dict)]
    for text in texts:
        for match in _PLACE.finditer(nfc(text)):
            unit, words = match.group(1).lower(), match.group(2).split()
            for count in range(1, len(words) + 1):
                place = " ".join(words[:count])
                if slug(f"{unit} {place}") == agency:
                    return f"Ủy ban nhân dân {unit} {place}"
    return None


# ------------------------------------------------------------------ helpers

def _verbatim(value: Any) -> str | None:
    """The text as published (NFC, line ends and trailing spaces tidied); None if empty.

    Unlike `text.clean`, "Không." stays: for a fee it is what the province announced.
    """
    text = nfc(_text(value)).replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    text = "\n".join(line.rstrip() for line in text.strip().split("\n"))
    return text or None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
