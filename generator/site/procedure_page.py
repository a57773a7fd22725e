"""The context of a procedure page, laid out like a step-by-step guide: what to do, what to
bring, how to submit, how long it takes and what it costs, where, and on what legal basis."""

from __future__ import annotations

import os
import posixpath
from functools import partial
from typing import Any

from ..catalog import Entry
from ..crosscheck import procedure_code
from . import labels, urls
from .page import Page, SearchDoc
from .resolve import Resolved, Touch
from .text import date_vi, money, one_line, plain, strip_bullet

SECTIONS = [("trinh-tu", "Các bước thực hiện"), ("ho-so", "Hồ sơ cần chuẩn bị"),
            ("cach-thuc", "Cách nộp, thời hạn và phí"), ("noi-nop", "Nơi nộp hồ sơ"),
            ("truc-tuyen", "Dịch vụ công trực tuyến"), ("dieu-kien", "Yêu cầu, điều kiện"),
            ("ket-qua", "Kết quả"), ("dia-phuong", "Thông tin tại địa phương"),
            ("can-cu", "Căn cứ pháp lý"), ("quyet-dinh", "Quyết định công bố"),
            ("lien-quan", "Thủ tục liên quan")]


def procedure_page(entry: Entry, found: Resolved, upcoming: bool = False) -> Page:
    """The page of the text in force; with `upcoming`, of the amended text announced to
    take effect later (its own page, linked from the notice, not searched)."""
    data = entry.data
    code = str(procedure_code(entry))
    url = urls.procedure_upcoming(code) if upcoming else urls.procedure(code)
    ctx: dict[str, Any] = {
        "code": code,
        "name": str(data.get("ten")),
        "agency": _agency(data.get("co_quan_cong_bo"), url, found),
        "status": _status(code, url, found),
        "upcoming": _upcoming_text(code, url, found) if upcoming else None,
        "history": (urls.relative(url, urls.procedure_history(code))
                    if has_history(code, found) else None),
        "facts": _facts(data, url, found),
        "steps": [{"case": g.get("truong_hop"), "steps": [strip_bullet(str(s))
                                                           for s in g.get("buoc", [])]}
                  for g in data.get("trinh_tu_thuc_hien", [])],
        "dossier": [_dossier_case(g, entry, found) for g in data.get("thanh_phan_ho_so", [])],
        "sets": data.get("so_bo_ho_so"),
        "channels": [_channel(c) for c in data.get("cach_thuc_thuc_hien", [])],
        "where": _where(data),
        "online": [{"level": labels.ONLINE_LEVELS[s["muc_do"]], "url": s["url"],
                    "provider": s["noi_cung_cap"]}
                   for s in data.get("dich_vu_cong_truc_tuyen", [])],
        "requirements": plain(data.get("yeu_cau_dieu_kien")),
        "results": [{"name": r["ten"], "code": r.get("ma"), "form": r.get("mau")}
                    for r in data.get("ket_qua_thuc_hien", [])],
        "legal": [_law(law) for law in data.get("can_cu_phap_ly", [])],
        "local": _local(code, url, found),
        "decisions": _decisions(code, url, found),
        "related": _related(data.get("thu_tuc_lien_quan", []), url, found),
        "missing": list(data.get("thieu_thong_tin", [])),
    }
    ctx["sections"] = [{"id": key, "label": label} for key, label in SECTIONS
                       if _shown(key, ctx)]
    description = _description(ctx)
    if upcoming:
        return Page(url, "procedure.html", ctx["name"], description, ctx, sources=(entry.path,),
                    files=_attachments(entry, url))
    return Page(url, "procedure.html", ctx["name"], description, ctx,
                json_ld=_json_ld(entry, ctx, description, found),
                search=partial(_search, entry, ctx, description, found),
                sources=(entry.path,), files=_attachments(entry, url))


def has_history(code: str, found: Resolved) -> bool:
    """A history page exists once a procedure has more than one text."""
    line = found.timelines.get(code)
    return line is not None and (len(line.versions) > 1 or code in found.upcoming)


def _upcoming_text(code: str, here: str, found: Resolved) -> dict[str, Any]:
    status = found.status[code]
    return {"since": date_vi(status.coming_since),
            "decision": _decision_link(status.coming, here) if status.coming else None,
            "current": urls.relative(here, urls.procedure(code))}


def _agency(agency_id: Any, here: str, found: Resolved) -> dict[str, str]:
    return {"name": found.agency_name(agency_id),
            "href": urls.relative(here, urls.agency(str(agency_id)))}


def _status(code: str, here: str, found: Resolved) -> dict[str, Any]:
    status = found.status[code]
    out: dict[str, Any] = {"kind": status.kind, "label": labels.STATUS[status.kind],
                           "since": date_vi(status.since), "decision": None,
                           "replacement": None, "pending": None}
    if status.decision is not None:
        out["decision"] = _decision_link(status.decision, here)
    if status.replacement:
        out["replacement"] = _procedure_link(status.replacement, here, found)
    if status.pending is not None:
        out["pending"] = {"kind": labels.ANNEX_LISTS[status.pending.list_name],
                          "since": date_vi(status.pending_since),
                          "decision": _decision_link(status.pending.decision, here)}
    out["coming"] = None
    if status.coming_since is not None:
        out["coming"] = {"since": date_vi(status.coming_since),
                         "decision": (_decision_link(status.coming, here)
                                      if status.coming else None),
                         "href": urls.relative(here, urls.procedure_upcoming(code))}
    return out


def _facts(data: dict[str, Any], here: str, found: Resolved) -> dict[str, Any]:
    return {
        "kind": labels.PROCEDURE_KINDS.get(str(data.get("loai")), str(data.get("loai"))),
        "levels": [{"label": labels.LEVELS[v], "href": urls.relative(here, urls.level(v))}
                   for v in data.get("cap_thuc_hien", [])],
        "fields": [{"label": found.label("linh_vuc", v),
                    "href": urls.relative(here, urls.field(str(v)))}
                   for v in data.get("linh_vuc", [])],
        "subjects": [found.label("doi_tuong", v) for v in data.get("doi_tuong_thuc_hien", [])],
        "implementing": data.get("co_quan_thuc_hien") or "Chưa công bố",
        "online": _online_short(data),
    }


def _online_short(data: dict[str, Any]) -> str:
    levels = [s.get("muc_do") for s in data.get("dich_vu_cong_truc_tuyen", [])]
    if "toan_trinh" in levels or "mot_phan" in levels:
        return labels.ONLINE_SHORT["toan_trinh" if "toan_trinh" in levels else "mot_phan"]
    online = any(c.get("kenh") == "truc_tuyen" for c in data.get("cach_thuc_thuc_hien", []))
    return labels.ONLINE_SHORT["chua_ro" if online else ""]


def _dossier_case(group: dict[str, Any], entry: Entry, found: Resolved) -> dict[str, Any]:
    return {"case": group.get("truong_hop"),
            "documents": [{"name": strip_bullet(str(d["ten"])),
                           "originals": d.get("so_ban_chinh"), "copies": d.get("so_ban_sao"),
                           "form": _form(d.get("mau_don"), entry, found),
                           "note": plain(d.get("ghi_chu"))}
                          for d in group.get("giay_to", [])]}


def _form(form: Any, entry: Entry, found: Resolved) -> dict[str, str] | None:
    """A form to download: the file kept beside the record (copied next to the page), else
    its published address; a file named but not in the repository gets no link."""
    if not isinstance(form, dict):
        return None
    href = form.get("url")
    if isinstance(form.get("tep"), str) and _attachment(entry, form["tep"], found):
        href = posixpath.basename(form["tep"])
    return {"name": str(form.get("ten")), "href": str(href) if href else ""}


def _attachment(entry: Entry, name: str, found: Resolved) -> bool:
    return os.path.isfile(os.path.join(found.catalog.root, posixpath.dirname(entry.path), name))


def _channel(channel: dict[str, Any]) -> dict[str, Any]:
    return {"label": labels.CHANNELS[channel["kenh"]], "kind": channel["kenh"],
            "time": _time(channel.get("thoi_han") or {}),
            "fees": [_fee(f) for f in channel.get("phi_le_phi", [])],
            "note": plain(channel.get("mo_ta"))}


def _time(time: dict[str, Any]) -> dict[str, Any]:
    amount = time.get("so")
    text = (f"{_number(amount)} {labels.TIME_UNITS.get(str(time.get('don_vi')), '')}".strip()
            if amount is not None else "")
    return {"text": text, "note": plain(time.get("mo_ta"))}


def _fee(fee: dict[str, Any]) -> dict[str, Any]:
    amount = fee.get("so_tien")
    shown = ("Không thu" if amount == 0 else money(amount, str(fee.get("don_vi_tien", "VND")))
             if amount is not None else "")
    return {"kind": labels.FEE_KINDS.get(str(fee.get("loai")), "Phí, lệ phí"),
            "amount": shown, "note": plain(fee.get("mo_ta"))}


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _where(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [("Địa chỉ tiếp nhận", "dia_chi_tiep_nhan"), ("Cơ quan thực hiện", "co_quan_thuc_hien"),
            ("Cơ quan có thẩm quyền", "co_quan_co_tham_quyen"),
            ("Cơ quan được ủy quyền", "co_quan_duoc_uy_quyen"),
            ("Cơ quan phối hợp", "co_quan_phoi_hop")]
    return [{"label": label, "text": plain(data[key])} for label, key in rows if data.get(key)]


def _law(law: dict[str, Any]) -> dict[str, Any]:
    return {"number": law.get("so_ky_hieu"), "title": law.get("trich_yeu"),
            "date": date_vi(law.get("ngay_ban_hanh")), "issuer": law.get("co_quan_ban_hanh"),
            "url": law.get("url")}


def _local(code: str, here: str, found: Resolved) -> list[dict[str, Any]]:
    out = []
    for touch in found.touches.get(code, []):
        details = touch.item.get("thong_tin_dia_phuong")
        if not isinstance(details, dict):
            continue
        province = touch.decision.data.get("co_quan_ban_hanh")
        rows = [{"label": label, "text": plain(_local_value(details[key]))}
                for key, label in labels.LOCAL_FIELDS.items() if key in details]
        out.append({"province": found.agency_name(province),
                    "province_href": urls.relative(here, urls.agency(str(province))),
                    "decision": _decision_link(touch.decision, here), "rows": rows})
    return out


def _local_value(value: Any) -> Any:
    return ("Có" if value else "Không") if isinstance(value, bool) else value


def _decisions(code: str, here: str, found: Resolved) -> list[dict[str, Any]]:
    return [{**_decision_link(t.decision, here), "change": _change(t)}
            for t in found.touches.get(code, [])]


def _change(touch: Touch) -> str:
    if touch.list_name == "thay_the_moi":
        return "Thay thế thủ tục " + str(touch.item.get("ma_cu"))
    return labels.ANNEX_LISTS.get(touch.list_name, touch.list_name)


def _decision_link(decision: Entry, here: str) -> dict[str, str]:
    data = decision.data
    return {"number": str(data.get("so_ky_hieu") or decision.stem),
            "href": urls.relative(here, urls.decision(decision.path)),
            "effective": date_vi(data.get("ngay_hieu_luc")),
            "signed": date_vi(data.get("ngay_ban_hanh"))}


def _procedure_link(code: str, here: str, found: Resolved) -> dict[str, str]:
    entry = found.index.procedures.get(code)
    return {"code": code, "name": str(entry.data.get("ten")) if entry else "",
            "href": urls.relative(here, urls.procedure(code)) if entry else ""}


def _related(codes: list[Any], here: str, found: Resolved) -> list[dict[str, str]]:
    return [_procedure_link(str(c), here, found) for c in codes]


def _shown(section: str, ctx: dict[str, Any]) -> bool:
    key = {"trinh-tu": "steps", "ho-so": "dossier", "cach-thuc": "channels", "noi-nop": "where",
           "truc-tuyen": "online", "dieu-kien": "requirements", "ket-qua": "results",
           "dia-phuong": "local", "can-cu": "legal", "quyet-dinh": "decisions",
           "lien-quan": "related"}[section]
    return bool(ctx[key])


def _description(ctx: dict[str, Any]) -> str:
    facts = ctx["facts"]
    levels = ", ".join(v["label"].lower() for v in facts["levels"])
    return one_line(f"Thủ tục {ctx['code']} của {ctx['agency']['name']} ({levels}): các bước, "
                    f"hồ sơ, thời hạn, phí, lệ phí và nơi nộp.", 300)


def _attachments(entry: Entry, url: str) -> tuple[tuple[str, str], ...]:
    files = []
    for group in entry.data.get("thanh_phan_ho_so", []):
        for document in group.get("giay_to", []):
            form = document.get("mau_don")
            if isinstance(form, dict) and isinstance(form.get("tep"), str):
                name = form["tep"]   # the schema allows no "." or ".." segment
                files.append((posixpath.join(posixpath.dirname(entry.path), name),
                              url + posixpath.basename(name)))
    return tuple(sorted(set(files)))


def _json_ld(entry: Entry, ctx: dict[str, Any], description: str,
             found: Resolved) -> dict[str, Any]:
    data = entry.data
    return {
        "@context": "https://schema.org", "@type": "GovernmentService",
        "name": ctx["name"], "description": description,
        "identifier": [
            {"@type": "PropertyValue", "propertyID": "ma_thu_tuc", "value": ctx["code"]},
            {"@type": "PropertyValue", "propertyID": "phien_ban",
             "value": str(data.get("quyet_dinh_cong_bo"))},
            {"@type": "PropertyValue", "propertyID": "sha256", "value": found.digest(entry)}],
        "serviceType": [f["label"] for f in ctx["facts"]["fields"]],
        "provider": {"@type": "GovernmentOrganization", "name": ctx["agency"]["name"]},
        "areaServed": {"@type": "Country", "name": "Việt Nam"},
        "audience": [{"@type": "Audience", "audienceType": s} for s in ctx["facts"]["subjects"]],
        "availableChannel": [{"@type": "ServiceChannel", "name": c["label"]}
                             for c in ctx["channels"]]
                            + [{"@type": "ServiceChannel", "name": o["level"],
                                "serviceUrl": o["url"]} for o in ctx["online"]],
    }


def _search(entry: Entry, ctx: dict[str, Any], description: str,
            found: Resolved) -> SearchDoc:
    data = entry.data
    body = [str(ctx["facts"]["implementing"] or ""), *map(str, data.get("tu_khoa", []))]
    for group in ctx["steps"]:
        body.extend(group["steps"])
    for group in ctx["dossier"]:
        body.extend(d["name"] for d in group["documents"])
    body.extend(r["name"] for r in ctx["results"])
    return SearchDoc(
        title=ctx["name"], heading=f"{ctx['name']} {ctx['code']}", body=body,
        filters={"Cơ quan": [ctx["agency"]["name"]],
                 "Lĩnh vực": [f["label"] for f in ctx["facts"]["fields"]],
                 "Cấp thực hiện": [v["label"] for v in ctx["facts"]["levels"]],
                 "Trực tuyến": [ctx["facts"]["online"]],
                 "Loại trang": ["Thủ tục"]},
        excerpt=description, code=ctx["code"])
