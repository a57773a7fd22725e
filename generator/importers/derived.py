"""Files an import derives from the procedures it imported.

* vocabularies (`content/vocab/linh_vuc.yaml`, `doi_tuong.yaml`) built from the ids and names
  the records use, merged with what the files already hold;
* one agency file per agency involved, with only what is known (id, name, type) — contact
  data is never invented;
* for every decision number a procedure names that has no decision file, a minimal
  decision marked `chua_day_du`, listing those procedures under `chua_phan_loai`, so that
  every procedure's announcing decision resolves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ..crosscheck import decision_slug
from .records import Imported

VOCAB_TITLES = {"linh_vuc": "Lĩnh vực", "doi_tuong": "Đối tượng thực hiện"}
UNKNOWN_YEAR = "khong-ro-nam"
MINIMAL_NOTE = ("Chỉ biết số ký hiệu từ hồ sơ thủ tục đã công bố; chưa có văn bản quyết định, "
                "ngày ký, ngày hiệu lực, người ký và phụ lục đầy đủ.")
_NGANG_BO = {"ngan-hang-nha-nuoc-viet-nam", "thanh-tra-chinh-phu", "van-phong-chinh-phu",
             "uy-ban-dan-toc"}
_THUOC_CHINH_PHU = {"bao-hiem-xa-hoi-viet-nam", "ngan-hang-chinh-sach-xa-hoi",
                    "ngan-hang-phat-trien-viet-nam"}


def labels(records: Iterable[Imported], name: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for record in records:
        for ident, text in record.labels.get(name, {}).items():
            found.setdefault(ident, text)
    return found


def vocabulary(name: str, known: dict[str, Any] | None, new: dict[str, str]) -> dict[str, Any]:
    items = {item["id"]: item for item in (known or {}).get("muc", []) if "id" in item}
    for ident, text in new.items():
        items.setdefault(ident, {"id": ident, "ten": text})
    title = (known or {}).get("ten", VOCAB_TITLES[name])
    return {"ten": title, "muc": [items[key] for key in sorted(items)]}


def agency(ident: str, name: str, kind: str | None) -> dict[str, Any]:
    return {"id": ident, "ten": name, "loai": kind or agency_type(ident)}


def agency_type(ident: str) -> str:
    if ident.startswith(("tinh-", "thanh-pho-")):
        return "tinh"
    if ident in _NGANG_BO:
        return "co_quan_ngang_bo"
    if ident in _THUOC_CHINH_PHU:
        return "co_quan_thuoc_chinh_phu"
    return "bo" if ident.startswith("bo-") else "khac"


def announced_by(procedures: Iterable[Imported]) -> dict[tuple[str, str], list[dict[str, str]]]:
    """(agency, decision number) → the annex items of the procedures naming it."""
    found: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for record in procedures:
        data = record.data
        number, owner = data.get("quyet_dinh_cong_bo"), data.get("co_quan_cong_bo")
        if isinstance(number, str) and isinstance(owner, str):
            found[(owner, number)].append({"ma": data["ma"], "ten": data["ten"]})
    return found


def minimal_decision(agency_id: str, number: str, items: list[dict[str, str]],
                     known: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """Path and data of the incomplete decision file for `number`, merged with `known`."""
    merged = {item["ma"]: item for item in
              (known or {}).get("danh_muc", {}).get("chua_phan_loai", []) if "ma" in item}
    merged.update({item["ma"]: item for item in items})
    data = {"so_ky_hieu": number, "co_quan_ban_hanh": agency_id,
            "chua_day_du": (known or {}).get("chua_day_du", MINIMAL_NOTE),
            "danh_muc": {"chua_phan_loai": [merged[code] for code in sorted(merged)]}}
    path = f"content/decisions/{agency_id}/{UNKNOWN_YEAR}/{decision_slug(number)}.yaml"
    return path, data
