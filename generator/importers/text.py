"""Small text helpers shared by the importers (Vietnamese slugs, numbers, lists)."""

from __future__ import annotations

import re
import unicodedata

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
