"""The feed's record and decision documents: the content model as officials wrote it, plus
what a portal would otherwise have to work out (status on the build date, the announcing
decision, when it takes effect, local details of each province) and where it came from
(the file's SHA-256 and the last commit that changed it).

Every document is canonical JSON (sorted keys, no spaces, UTF-8, one final newline), so
the same commit and date give the same bytes, and the bytes give the file's name.
"""

from __future__ import annotations

import json
from typing import Any

from ..catalog import Entry
from ..crosscheck import procedure_code
from ..site.resolve import Resolved, Status
from ..versions import VersionEntry
from . import paths


def dumps(document: Any) -> bytes:
    """Canonical JSON: the one serialisation every feed file uses."""
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                       allow_nan=False) + "\n").encode("utf-8")


def agency_of(entry: Entry) -> str:
    """The agency whose folder holds the file (`content/<kind>/<agency>/…`)."""
    return entry.path.split("/")[2]


def record_document(entry: Entry, found: Resolved, commits: dict[str, str]) -> dict[str, Any]:
    """The text in force on the build date (`data`), and the text to come (`upcoming`)."""
    code = str(procedure_code(entry))
    announcing = found.announcing.get(code)
    status = found.status[code]
    coming = found.upcoming.get(code)
    return {
        "type": "procedure",
        "id": code,
        "agency": agency_of(entry),
        "version": found.digest(entry),
        "commit": _commit(entry, commits),
        "upcoming": None if coming is None else {
            "version": found.digest(coming), "commit": _commit(coming, commits),
            "announced_by": (paths.decision_id(status.coming.path)
                             if status.coming is not None else None),
            "effective_from": status.coming_since, "data": coming.data},
        "status": _status(status),
        "announced_by": paths.decision_id(announcing.path) if announcing else None,
        "effective_from": _text(announcing.data.get("ngay_hieu_luc")) if announcing else None,
        "local_details": [
            {"agency": str(t.decision.data.get("co_quan_ban_hanh")),
             "decision": paths.decision_id(t.decision.path),
             "effective_from": _text(t.decision.data.get("ngay_hieu_luc")),
             "details": t.item["thong_tin_dia_phuong"]}
            for t in found.touches.get(code, [])
            if isinstance(t.item.get("thong_tin_dia_phuong"), dict)],
        "data": entry.data,
    }


def _commit(entry: Entry, commits: dict[str, str]) -> str | None:
    """The commit of that text: an earlier version's own, else the file's last."""
    if isinstance(entry, VersionEntry) and entry.version is not None:
        return entry.version.commit
    return commits.get(entry.path)


def decision_document(entry: Entry, found: Resolved,
                      commits: dict[str, str]) -> dict[str, Any]:
    data = entry.data
    items = []
    annex = data.get("danh_muc")
    for list_name, listed in sorted(annex.items()) if isinstance(annex, dict) else []:
        for item in listed if isinstance(listed, list) else []:
            if not isinstance(item, dict):
                continue
            for key in ("ma", "ma_cu", "ma_moi"):
                code = item.get(key)
                if isinstance(code, str):
                    record = found.index.procedures.get(code)
                    items.append({"code": code, "list": list_name, "role": key,
                                  "record": paths.record(agency_of(record), code)
                                  if record else None})
    return {
        "type": "decision",
        "id": paths.decision_id(entry.path),
        "agency": agency_of(entry),
        "number": _text(data.get("so_ky_hieu")),
        "version": found.digest(entry),
        "commit": commits.get(entry.path),
        "signed": _text(data.get("ngay_ban_hanh")),
        "effective_from": _text(data.get("ngay_hieu_luc")),
        "procedures": items,
        "data": data,
    }


def _status(status: Status) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": status.kind, "since": status.since,
        "decision": paths.decision_id(status.decision.path) if status.decision else None,
        "replacement": status.replacement, "pending": None}
    if status.pending is not None:
        touch = status.pending
        replacement = touch.item.get("ma_moi") if touch.list_name == "thay_the" else None
        out["pending"] = {"kind": "replaced" if touch.list_name == "thay_the" else "abolished",
                          "from": status.pending_since,
                          "decision": paths.decision_id(touch.decision.path),
                          "replacement": replacement if isinstance(replacement, str) else None}
    return out


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
