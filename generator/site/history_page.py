"""A procedure's "Lịch sử thay đổi" page: every text it has had, newest first, each with the
decision that announced it, its dates, and what changed against the text before, field by
field (`semdiff`). The texts come from git (`versions`), read when the page is built."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from ..catalog import Entry
from ..crosscheck import resolve_announcing_decision
from ..schema_index import SchemaIndex
from ..schemas import schema_folder
from ..semdiff import describe, diff_documents
from ..versions import Version
from . import urls
from .page import Page
from .resolve import Resolved
from .text import date_vi

STATES = {"in_force": "Đang có hiệu lực", "upcoming": "Sắp có hiệu lực",
          "past": "Đã hết hiệu lực", "correction": "Đính chính"}
KINDS = {"added": "Thêm", "changed": "Sửa", "removed": "Bỏ"}
MAX_VALUE = 400                          # characters of an added or removed value shown


def history_page(code: str, found: Resolved) -> Page:
    url = urls.procedure_history(code)
    line = found.timelines[code]
    assert found.blobs is not None
    texts = found.blobs.entries(line.versions)
    shown = found.upcoming.get(code) or line.in_force
    in_force = found.digest(line.in_force) if line.in_force is not None else None
    schemas = _schemas(schema_folder(found.catalog.root))
    rows: list[dict[str, Any]] = []
    previous: Entry | None = None
    previous_decision: str | None = None
    for number, version in enumerate(line.versions, start=1):
        entry = texts.get(version.blob)
        if entry is None:
            continue
        decision = resolve_announcing_decision(entry, found.index)
        named = entry.data.get("quyet_dinh_cong_bo")
        row = _row(number, version, entry, decision, named, url, found)
        row["state"] = _state(entry, decision, in_force, named == previous_decision, found)
        row["changes"] = ([_change(c, schemas) for c in diff_documents(
            previous.data, entry.data, "procedure", schemas)] if previous is not None else None)
        rows.append(row)
        previous, previous_decision = entry, named if isinstance(named, str) else None
    name = str((shown.data if shown is not None else {}).get("ten", code))
    ctx = {"code": code, "name": name, "back": urls.relative(url, urls.procedure(code)),
           "versions": list(reversed(rows))}
    return Page(url, "history.html", f"Lịch sử thay đổi: {name}",
                f"Các lần công bố, sửa đổi thủ tục {code} và nội dung thay đổi mỗi lần.", ctx,
                sources=tuple(sorted({v.path for v in line.versions})))


def _row(number: int, version: Version, entry: Entry, decision: Entry | None, named: Any,
         here: str, found: Resolved) -> dict[str, Any]:
    return {
        "number": number,
        "commit": version.commit[:10],
        "committed": date_vi(version.committed[:10]),
        "decision": ({"number": str(decision.data.get("so_ky_hieu")),
                      "href": urls.relative(here, urls.decision(decision.path))}
                     if decision is not None else
                     {"number": str(named), "href": None} if isinstance(named, str) else None),
        "signed": date_vi(decision.data.get("ngay_ban_hanh")) if decision else None,
        "effective": date_vi(decision.data.get("ngay_hieu_luc")) if decision else None,
    }


def _state(entry: Entry, decision: Entry | None, in_force: str | None, same_decision: bool,
           found: Resolved) -> dict[str, str]:
    effective = decision.data.get("ngay_hieu_luc") if decision is not None else None
    if found.digest(entry) == in_force:
        kind = "in_force"
    elif isinstance(effective, str) and effective > found.as_of.isoformat():
        kind = "upcoming"
    elif same_decision:
        kind = "correction"
    else:
        kind = "past"
    return {"kind": kind, "label": STATES[kind]}


def _change(change: Any, schemas: SchemaIndex) -> dict[str, Any]:
    out: dict[str, Any] = {"label": change.label, "kind": change.kind,
                           "kind_label": KINDS[change.kind], "old": None, "new": None,
                           "words": None}
    if change.is_text:
        out["words"] = [{"op": op, "text": text} for op, text in change.words()]
        return out
    for side in ("old", "new"):
        value = getattr(change, side)
        if value is not None:
            text = describe(value, "procedure", change.path, schemas)
            out[side] = text if len(text) <= MAX_VALUE else text[:MAX_VALUE] + " …"
    return out


@cache
def _schemas(folder: Path) -> SchemaIndex:
    return SchemaIndex(folder)
