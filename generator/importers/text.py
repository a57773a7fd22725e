"""Small text helpers shared by the importers (Vietnamese slugs, numbers, lists)."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date

from ..schemas import PACKAGED_SCHEMAS

_COMMON = json.loads((PACKAGED_SCHEMAS / "common.schema.json").read_text(encoding="utf-8"))
# The schema's own patterns, so that what an importer accepts is what the validator accepts.
CODE = re.compile(_COMMON["$defs"]["ma_thu_tuc"]["pattern"])
DECISION_NUMBER = re.compile(_COMMON["$defs"]["so_ky_hieu"]["pattern"])
AGENCY_ID = re.compile(_COMMON["$defs"]["agency_id"]["pattern"])

NO_INFO = {"", "không có thông tin", "không", "không có", "none", "null", "-", "--", "…"}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean(text: str | None) -> str | None:
    """Trimmed NFC text with normalised line ends, or None for "no information"."""
    if text is None:
        return None
    value = nfc(text).replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    value = "\n".join(line.rstrip() for line in value.strip().split("\n"))
    return None if value.strip().lower().rstrip(".") in NO_INFO else value


def slug(text: str) -> str:
    """ASCII slug of Vietnamese text: `Đăng ký, quản lý cư trú` → `dang-ky-quan-ly-cu-tru`."""
    value = nfc(text).replace("đ", "d").replace("Đ", "D")
    value = unicodedata.normalize("NFD", value)
    value = "".join(ch for ch in value if unicodedata.category(ch) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "-", value).strip("-")


def split_list(text: str | None) -> list[str]:
    """Split "A, B (x, y), C" on commas and semicolons outside parentheses."""
    if not text:
        return []
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch in ",;\n" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if clean(p)]


_DECISION = re.compile(
    r"(\d+)\s*[a-z]?\s*\.?\s*/\s*(?:QĐ|QD)\s*-\s*([A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*)",
    re.IGNORECASE)


def decision_number(text: str | None) -> str | None:
    """A decision number in canonical form (`1766/QĐ-UBND`), or None if it has none.

    Real records write `Quyết định số 6225/QĐ-BQP`, `1766 /QĐ-UBND`, `2267./QĐ-BXD`,
    `2628/QD-BTC`; `QĐ/0001-BCA` and `01/QĐCB` are placeholders with no real number.
    """
    if not text:
        return None
    match = _DECISION.search(nfc(text))
    if match is None:
        return None
    return f"{match.group(1)}/QĐ-{match.group(2).upper()}"


def tidy(text: str | None) -> str | None:
    """`clean`, plus whitespace tidied inside each line: tabs and runs of spaces become one space.

    Only whitespace changes (`1.\\tĐơn khiếu nại` → `1. Đơn khiếu nại`); None for no information.
    """
    value = clean(text)
    if value is None:
        return None
    lines = (" ".join(line.replace("\t", " ").split()) for line in value.split("\n"))
    return clean("\n".join(lines))


_NUMBER = re.compile(r"[1-9]\d{0,2}(?:([.,])\d{3})(?:\1\d{3})*|\d+(?:[.,]\d+)?")


def parse_number(text: str | None) -> int | float | None:
    """A number written the Vietnamese way, or None if `text` is not just a number.

    A dot or comma followed by groups of exactly three digits separates thousands
    (`2.000.000` → 2000000, `50,000` → 50000); otherwise it is the decimal mark
    (`1.5`, `1,5` → 1.5; `0.5` → 0.5). Leading zeros are fine (`07` → 7).
    """
    value = (text or "").strip()
    match = _NUMBER.fullmatch(value)
    if match is None:
        return None
    if match.group(1):
        return int(value.replace(match.group(1), ""))
    number = float(value.replace(",", "."))
    return int(number) if number.is_integer() and not re.search(r"[.,]", value) else number


def iso_date(text: str | None) -> str | None:
    """`24-03-2021`, `24/3/2021` or `2021-03-24` as ISO `2021-03-24`; None if not a real date."""
    value = (text or "").strip()
    day_first = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", value)
    year_first = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
    if day_first:
        day, month, year = (int(part) for part in day_first.groups())
    elif year_first:
        year, month, day = (int(part) for part in year_first.groups())
    else:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def split_list_keeping(text: str | None, phrases: tuple[str, ...]) -> list[str]:
    """`split_list`, but never inside one of `phrases` (e.g. "Cán bộ, công chức, viên chức")."""
    if not text:
        return []
    value = nfc(text)
    for phrase in sorted(phrases, key=len, reverse=True):
        value = value.replace(phrase, phrase.replace(",", "\x00"))
    return [part.replace("\x00", ",") for part in split_list(value)]
