"""Index pages: procedures by lĩnh vực, by level and by agency, agency pages, the recent
decisions, and the section hubs. Long lists are split into pages of `PER_PAGE` items."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from functools import partial
from typing import Any

from ..catalog import Entry
from ..crosscheck import procedure_code
from . import labels, urls
from .page import Page, SearchDoc
from .resolve import Resolved
from .text import date_vi, one_line

PER_PAGE = 200
UPCOMING_DAYS = 30
CONTACTS = [("dia_chi", "Địa chỉ"), ("dien_thoai", "Điện thoại"),
            ("duong_day_nong", "Đường dây nóng"), ("email", "Thư điện tử"),
            ("website", "Trang thông tin điện tử"), ("cong_dich_vu_cong", "Cổng dịch vụ công"),
            ("ma_dinh_danh", "Mã định danh điện tử")]


def list_pages(found: Resolved) -> Iterator[Page]:
    by_field: dict[str, list[Entry]] = defaultdict(list)
    by_level: dict[str, list[Entry]] = defaultdict(list)
    by_agency: dict[str, list[Entry]] = defaultdict(list)
    for entry in found.procedures:
        for field_id in entry.data.get("linh_vuc", []):
            by_field[str(field_id)].append(entry)
        for level in entry.data.get("cap_thuc_hien", []):
            by_level[str(level)].append(entry)
        by_agency[str(entry.data.get("co_quan_cong_bo"))].append(entry)
    decisions_of: dict[str, list[Entry]] = defaultdict(list)
    for decision in found.decisions:
        decisions_of[str(decision.data.get("co_quan_ban_hanh"))].append(decision)

    fields = sorted(by_field, key=lambda f: found.label("linh_vuc", f))
    yield from _hub(found, fields, by_field, by_level, by_agency)
    for field_id in fields:
        name = found.label("linh_vuc", field_id)
        yield from _procedure_list(urls.field(field_id), f"Lĩnh vực {name}",
                                   by_field[field_id], found)
    for level in sorted(by_level, key=list(labels.LEVELS).index):
        yield from _procedure_list(urls.level(level), f"Thủ tục {labels.LEVELS[level].lower()}",
                                   by_level[level], found)
    for agency_id, agency in found.agencies.items():
        yield from _agency(agency_id, agency, by_agency[agency_id], decisions_of[agency_id],
                           found)
    yield from _decision_list(found)
    yield _upcoming_changes(found)


def _upcoming_changes(found: Resolved) -> Page:
    """Every change taking effect in the next UPCOMING_DAYS days, soonest first: amended
    texts, new procedures, abolitions and replacements."""
    url = urls.UPCOMING
    today = found.as_of.isoformat()
    until = (found.as_of + timedelta(days=UPCOMING_DAYS)).isoformat()
    rows: list[tuple[str, str, dict[str, Any]]] = []
    for entry in found.procedures:
        code = str(procedure_code(entry))
        status = found.status[code]
        changes = [(status.coming_since, "Sửa đổi, bổ sung", status.coming,
                    urls.procedure_upcoming(code)),
                   (status.since if status.kind == "upcoming" else None, "Mới ban hành",
                    status.decision, urls.procedure(code)),
                   (status.pending_since, labels.ANNEX_LISTS[status.pending.list_name]
                    .removeprefix("Thủ tục ").capitalize() if status.pending else "",
                    status.pending.decision if status.pending else None, urls.procedure(code))]
        for when, kind, decision, target in changes:
            if when is not None and today < when <= until:
                meta = [f"Từ ngày {date_vi(when)}", kind, code]
                if decision is not None:
                    meta.append(f"Quyết định {decision.data.get('so_ky_hieu')}")
                rows.append((when, code, {"href": urls.relative(url, target),
                                          "title": str(entry.data.get("ten")), "meta": meta,
                                          "badge": None}))
    rows.sort(key=lambda row: (row[0], row[1]))
    return _page(url, "Thay đổi sắp có hiệu lực",
                 f"Các thủ tục được sửa đổi, ban hành mới, bãi bỏ hoặc thay thế có hiệu lực "
                 f"trong {UPCOMING_DAYS} ngày tới (sau ngày {date_vi(today)}).",
                 [{"heading": None, "items": [item for _, _, item in rows]}])


def _hub(found: Resolved, fields: list[str], by_field: dict[str, list[Entry]],
         by_level: dict[str, list[Entry]], by_agency: dict[str, list[Entry]]) -> Iterator[Page]:
    def links(here: str, pairs: list[tuple[str, str, int]]) -> list[dict[str, Any]]:
        return [{"href": urls.relative(here, url), "title": title,
                 "meta": [f"{count} thủ tục"], "badge": None} for url, title, count in pairs]

    field_pairs = [(urls.field(f), found.label("linh_vuc", f), len(by_field[f])) for f in fields]
    level_pairs = [(urls.level(v), labels.LEVELS[v], len(by_level[v]))
                   for v in labels.LEVELS if v in by_level]
    agency_pairs = [(urls.agency(a), found.agency_name(a), len(by_agency.get(a, [])))
                    for a in found.agencies]
    total = len(found.procedures)
    upcoming = [{"href": urls.relative(urls.PROCEDURES, urls.UPCOMING),
                 "title": "Thay đổi sắp có hiệu lực", "meta": ["30 ngày tới"], "badge": None}]
    yield _page(urls.PROCEDURES, "Thủ tục hành chính",
                f"{total} thủ tục hành chính, tra cứu theo lĩnh vực, cấp thực hiện hoặc cơ quan.",
                [{"heading": "Sắp thay đổi", "items": upcoming},
                 {"heading": "Theo cấp thực hiện", "items": links(urls.PROCEDURES, level_pairs)},
                 {"heading": "Theo cơ quan công bố",
                  "items": links(urls.PROCEDURES, agency_pairs)},
                 {"heading": "Theo lĩnh vực", "items": links(urls.PROCEDURES, field_pairs)}])
    yield _page(urls.FIELDS, "Thủ tục theo lĩnh vực",
                f"{len(fields)} lĩnh vực có thủ tục hành chính.",
                [{"heading": None, "items": links(urls.FIELDS, field_pairs)}])
    yield _page(urls.LEVELS, "Thủ tục theo cấp thực hiện",
                "Thủ tục do cấp bộ, cấp tỉnh hay cấp xã giải quyết. Từ 01/7/2025 chính quyền "
                "địa phương có hai cấp (tỉnh, xã).",
                [{"heading": None, "items": links(urls.LEVELS, level_pairs)}])
    groups = defaultdict(list)
    for agency_id, agency in found.agencies.items():
        groups[str(agency.data.get("loai"))].append(
            (urls.agency(agency_id), found.agency_name(agency_id),
             len(by_agency.get(agency_id, []))))
    yield _page(urls.AGENCIES, "Cơ quan", "Các bộ, ngành và địa phương công bố thủ tục hành chính.",
                [{"heading": labels.AGENCY_KINDS.get(kind, kind),
                  "items": links(urls.AGENCIES, pairs)}
                 for kind, pairs in sorted(groups.items(),
                                           key=lambda kv: list(labels.AGENCY_KINDS).index(kv[0])
                                           if kv[0] in labels.AGENCY_KINDS else 99)])


def _page(url: str, title: str, intro: str, groups: list[dict[str, Any]],
          pagination: dict[str, Any] | None = None, extra: dict[str, Any] | None = None,
          sources: tuple[str, ...] = ()) -> Page:
    ctx = {"title": title, "intro": intro, "groups": groups, "pagination": pagination,
           "feed": None, "agency": None, **(extra or {})}
    return Page(url, "list.html", title, one_line(intro, 300), ctx, sources=sources,
                search=partial(SearchDoc, title=title, heading=title, body=[intro],
                               filters={"Loại trang": ["Danh mục"]}, excerpt=intro)
                if pagination is None or pagination["current"] == 1 else None)


def _procedure_item(entry: Entry, here: str, found: Resolved) -> dict[str, Any]:
    code = str(procedure_code(entry))
    status = found.status[code]
    return {"href": urls.relative(here, urls.procedure(code)), "title": str(entry.data["ten"]),
            "meta": [code, found.agency_name(entry.data.get("co_quan_cong_bo"))],
            "badge": None if status.kind == "in_force" else
            {"kind": status.kind, "label": labels.STATUS[status.kind]}}


def _paginate(base: str, count: int) -> list[tuple[int, str, slice]]:
    pages = max(1, -(-count // PER_PAGE))
    return [(n, urls.page_number(base, n), slice((n - 1) * PER_PAGE, n * PER_PAGE))
            for n in range(1, pages + 1)]


def _pagination(here: str, base: str, current: int, total: int) -> dict[str, Any] | None:
    if total == 1:
        return None
    return {"current": current, "total": total,
            "pages": [{"n": n, "href": urls.relative(here, urls.page_number(base, n)),
                       "current": n == current} for n in range(1, total + 1)],
            "prev": urls.relative(here, urls.page_number(base, current - 1))
            if current > 1 else None,
            "next": urls.relative(here, urls.page_number(base, current + 1))
            if current < total else None}


def _procedure_list(base: str, title: str, entries: list[Entry],
                    found: Resolved) -> Iterator[Page]:
    chunks = _paginate(base, len(entries))
    for n, url, part in chunks:
        shown = title if n == 1 else f"{title} (trang {n})"
        yield _page(url, shown, f"{len(entries)} thủ tục.",
                    [{"heading": None,
                      "items": [_procedure_item(e, url, found) for e in entries[part]]}],
                    _pagination(url, base, n, len(chunks)))


def _agency(agency_id: str, agency: Entry, procedures: list[Entry], decisions: list[Entry],
            found: Resolved) -> Iterator[Page]:
    data = agency.data
    base = urls.agency(agency_id)
    chunks = _paginate(base, len(procedures))
    merged = data.get("sap_nhap_vao")
    for n, url, part in chunks:
        info = {"kind": labels.AGENCY_KINDS.get(str(data.get("loai")), ""),
                "contacts": [{"label": label, "value": str(data[key]),
                              "link": str(data[key]).startswith(("http://", "https://"))}
                             for key, label in CONTACTS if data.get(key)],
                "merged_into": {"name": found.agency_name(merged),
                                "href": urls.relative(url, urls.agency(str(merged)))}
                if isinstance(merged, str) else None,
                "decisions": [_decision_item(d, url, found) for d in decisions]
                if n == 1 else [],
                "hotlines": urls.relative(url, "duong-day-nong/")}
        title = str(data.get("ten"))
        yield _page(url, title if n == 1 else f"{title} (trang {n})",
                    f"{len(procedures)} thủ tục hành chính do {title} công bố.",
                    [{"heading": "Thủ tục hành chính",
                      "items": [_procedure_item(e, url, found) for e in procedures[part]]}],
                    _pagination(url, base, n, len(chunks)), {"agency": info},
                    sources=(agency.path,))


def _decision_item(decision: Entry, here: str, found: Resolved) -> dict[str, Any]:
    data = decision.data
    meta = [found.agency_name(data.get("co_quan_ban_hanh"))]
    if data.get("ngay_ban_hanh"):
        meta.append(f"ký ngày {date_vi(data['ngay_ban_hanh'])}")
    if data.get("ngay_hieu_luc"):
        meta.append(f"hiệu lực {date_vi(data['ngay_hieu_luc'])}")
    number = str(data.get("so_ky_hieu") or decision.stem)
    return {"href": urls.relative(here, urls.decision(decision.path)),
            "title": f"Quyết định {number}" + (f": {one_line(data['trich_yeu'], 160)}"
                                              if data.get("trich_yeu") else ""),
            "meta": meta,
            "badge": {"kind": "incomplete", "label": "Chưa đủ thông tin"}
            if data.get("chua_day_du") else None}


def _decision_list(found: Resolved) -> Iterator[Page]:
    base = urls.DECISIONS
    chunks = _paginate(base, len(found.decisions))
    for n, url, part in chunks:
        feed = {"href": urls.relative(url, urls.DECISION_FEED)}
        yield _page(url, "Quyết định công bố mới nhất" if n == 1 else
                    f"Quyết định công bố (trang {n})",
                    "Các quyết định công bố thủ tục hành chính, mới nhất trước.",
                    [{"heading": None,
                      "items": [_decision_item(d, url, found) for d in found.decisions[part]]}],
                    _pagination(url, base, n, len(chunks)), {"feed": feed})
