"""The context of a decision page: what it is, who signed it, when it takes effect, and its
annex with every item linked to the procedure it touches."""

from __future__ import annotations

from functools import partial
from pathlib import PurePosixPath
from typing import Any

from ..catalog import Entry
from . import labels, urls
from .page import Page, SearchDoc
from .resolve import Resolved
from .text import date_vi, one_line, plain

LISTS = ("moi_ban_hanh", "sua_doi_bo_sung", "thay_the", "bai_bo", "chua_phan_loai")


def decision_page(entry: Entry, found: Resolved) -> Page:
    data = entry.data
    url = urls.decision(entry.path)
    number = str(data.get("so_ky_hieu") or entry.stem)
    signer = data.get("nguoi_ky") if isinstance(data.get("nguoi_ky"), dict) else {}
    effective = data.get("ngay_hieu_luc")
    ctx: dict[str, Any] = {
        "number": number,
        "title": data.get("trich_yeu"),
        "agency": {"name": found.agency_name(data.get("co_quan_ban_hanh")),
                   "href": urls.relative(url, urls.agency(str(data.get("co_quan_ban_hanh"))))},
        "signer": {"name": signer.get("ho_ten"), "role": signer.get("chuc_vu")} if signer else None,
        "signed": date_vi(data.get("ngay_ban_hanh")),
        "effective": date_vi(effective),
        "in_effect": isinstance(effective, str) and effective <= found.as_of.isoformat(),
        "incomplete": bool(data.get("chua_day_du")),
        "grounds": [plain(g) for g in data.get("can_cu", [])],
        "replaces": list(data.get("thay_the_quyet_dinh", [])),
        "original": _original(data.get("van_ban_goc")),
        "annex": [_annex_list(name, items, url, found)
                  for name, items in _lists(data.get("danh_muc"))],
    }
    title = f"Quyết định {number}"
    description = one_line(f"{title} của {ctx['agency']['name']}: "
                           f"{ctx['title'] or 'công bố thủ tục hành chính'}", 300)
    return Page(url, "decision.html", title, description, ctx,
                json_ld=_json_ld(ctx, title, data),
                search=partial(_search, ctx, title, description),
                sources=(entry.path,), files=_original_file(entry, url))


def _lists(annex: Any) -> list[tuple[str, list[dict[str, Any]]]]:
    if not isinstance(annex, dict):
        return []
    return [(name, annex[name]) for name in LISTS if isinstance(annex.get(name), list)]


def _annex_list(name: str, items: list[dict[str, Any]], here: str,
                found: Resolved) -> dict[str, Any]:
    return {"label": labels.ANNEX_LISTS[name], "kind": name,
            "items": [_item(i, n, here, found) for n, i in enumerate(items, start=1)]}


def _item(item: dict[str, Any], n: int, here: str, found: Resolved) -> dict[str, Any]:
    code = item.get("ma") or item.get("ma_moi") or item.get("ma_cu")
    old = item.get("ma_cu") if item.get("ma_moi") and item.get("ma_cu") != item.get("ma_moi") \
        else None
    details = item.get("thong_tin_dia_phuong") or {}
    return {"n": n, "code": code, "name": item.get("ten"),
            "href": _href(code, here, found), "old_code": old,
            "old_href": _href(old, here, found), "note": plain(item.get("ghi_chu")),
            "local": [{"label": label, "text": plain(_plain(details[key]))}
                      for key, label in labels.LOCAL_FIELDS.items() if key in details]}


def _href(code: Any, here: str, found: Resolved) -> str:
    if isinstance(code, str) and code in found.index.procedures:
        return urls.relative(here, urls.procedure(code))
    return ""


def _plain(value: Any) -> Any:
    return ("Có" if value else "Không") if isinstance(value, bool) else value


def _original(original: Any) -> dict[str, str] | None:
    if not isinstance(original, dict) or not isinstance(original.get("tep"), str):
        return None
    return {"href": PurePosixPath(original["tep"]).name, "sha256": str(original.get("sha256"))}


def _original_file(entry: Entry, url: str) -> tuple[tuple[str, str], ...]:
    original = entry.data.get("van_ban_goc")
    if not isinstance(original, dict) or not isinstance(original.get("tep"), str):
        return ()
    name = PurePosixPath(original["tep"])
    return ((str(PurePosixPath(entry.path).parent / name), url + name.name),)


def _json_ld(ctx: dict[str, Any], title: str, data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Legislation", "name": title,
        "legislationIdentifier": ctx["number"], "legislationType": "Quyết định",
        "legislationJurisdiction": "VN", "inLanguage": "vi",
        "legislationPassedBy": {"@type": "GovernmentOrganization", "name": ctx["agency"]["name"]},
    }
    if ctx["title"]:
        out["abstract"] = ctx["title"]
    if data.get("ngay_ban_hanh"):
        out["legislationDate"] = data["ngay_ban_hanh"]
    if data.get("ngay_hieu_luc"):
        out["legislationDateOfApplicability"] = data["ngay_hieu_luc"]
    return out


def _search(ctx: dict[str, Any], title: str, description: str) -> SearchDoc:
    names = [str(i["name"]) for group in ctx["annex"] for i in group["items"]]
    codes = sorted({str(i["code"]) for group in ctx["annex"] for i in group["items"]
                    if isinstance(i["code"], str)})
    return SearchDoc(title=title, heading=f"{title} {ctx['title'] or ''}",
                     body=[ctx["agency"]["name"]], mentions=names,
                     filters={"Cơ quan": [ctx["agency"]["name"]],
                              "Loại trang": ["Quyết định công bố"]},
                     excerpt=description, mentioned_codes=codes)
