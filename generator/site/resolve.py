"""Resolve the validated catalogue into what the pages show: each procedure's status at the
build date, the decisions that touched it, the local details provinces published for it,
and the names behind every id (agencies, lĩnh vực, đối tượng)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..catalog import Catalog, Entry
from ..crosscheck import Index, announcing_decision, procedure_code, resolve_announcing_decision
from ..versions import Blobs, Header, Timeline, VersionEntry, VersionIndex, timelines


@dataclass(frozen=True)
class Touch:
    """One annex item of a decision that names a procedure."""

    decision: Entry
    list_name: str                 # moi_ban_hanh, sua_doi_bo_sung, thay_the, bai_bo, …
    item: dict[str, Any]


@dataclass
class Status:
    """A procedure's standing at the build date."""

    kind: str                      # in_force, upcoming, abolished, replaced
    since: str | None = None       # ISO date it took (or takes) effect
    decision: Entry | None = None  # the decision behind the status
    replacement: str | None = None  # code of the replacing procedure
    pending: Touch | None = None   # a future abolition or replacement, already announced
    pending_since: str | None = None
    coming: Entry | None = None    # the decision of an amended text not yet in force
    coming_since: str | None = None


@dataclass
class Resolved:
    catalog: Catalog
    index: Index
    as_of: date
    procedures: list[Entry] = field(default_factory=list)
    decisions: list[Entry] = field(default_factory=list)
    agencies: dict[str, Entry] = field(default_factory=dict)
    vocab: dict[str, dict[str, str]] = field(default_factory=dict)
    touches: dict[str, list[Touch]] = field(default_factory=lambda: defaultdict(list))
    status: dict[str, Status] = field(default_factory=dict)
    announcing: dict[str, Entry | None] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)   # content path → SHA-256 of bytes
    names_digest: str = ""         # changes when any agency or vocabulary file changes
    timelines: dict[str, Timeline] = field(default_factory=dict)
    upcoming: dict[str, Entry] = field(default_factory=dict)   # code → text not yet in force
    blobs: Blobs | None = None     # earlier texts, for history pages (None outside git)

    def digest(self, entry: Entry) -> str:
        """SHA-256 of the file's bytes (computed by the parse cache, else read here)."""
        if isinstance(entry, VersionEntry):
            return entry.sha256
        known = self.digests.get(entry.path)
        if known is None:
            known = hashlib.sha256((self.catalog.root / entry.path).read_bytes()).hexdigest()
            self.digests[entry.path] = known
        return known

    def agency_name(self, agency_id: Any) -> str:
        entry = self.agencies.get(agency_id) if isinstance(agency_id, str) else None
        return str(entry.data.get("ten")) if entry else str(agency_id)

    def label(self, vocab: str, item_id: Any) -> str:
        return self.vocab.get(vocab, {}).get(str(item_id), str(item_id))


def resolve(catalog: Catalog, as_of: date, digests: dict[str, str] | None = None,
            versions: VersionIndex | None = None, texts: Path | None = None) -> Resolved:
    """What the pages show on `as_of`; with `versions` (git history), each procedure as
    the text in force that day, the newer text (if any) as upcoming. Earlier texts parsed
    are kept in `texts` for the next build."""
    index = Index(catalog)
    found = Resolved(catalog, index, as_of, digests=digests or {})
    current = sorted(index.procedures.items())
    if versions is not None and versions.head is not None:
        found.blobs = Blobs(catalog.root, texts)

        def effective(header: Header) -> str | None:
            decision = announcing_decision(header.decision, header.agency, header.code, index)
            return _iso(decision, "ngay_hieu_luc")

        found.timelines = timelines(current, versions, found.blobs, effective, as_of)
        shown = []
        for code, line in found.timelines.items():
            shown.append(line.in_force or line.upcoming)
            if line.in_force is not None and line.upcoming is not None:
                found.upcoming[code] = line.upcoming
        found.procedures = [e for e in shown if e is not None]
        found.blobs.keep(found.procedures)
    else:
        found.procedures = [entry for _, entry in current]
    found.procedures.sort(key=lambda e: str(procedure_code(e)))
    found.decisions = sorted(index.decisions, key=_decision_order)
    found.agencies = dict(sorted(index.agencies.items()))
    for entry in catalog.of_kind("vocab"):
        found.vocab[entry.stem] = {str(m.get("id")): str(m.get("ten"))
                                   for m in entry.data.get("muc", []) if isinstance(m, dict)}
    names = hashlib.sha256()
    for entry in [*found.agencies.values(), *catalog.of_kind("vocab")]:
        names.update(f"{entry.path}\0{found.digest(entry)}\0".encode())
    found.names_digest = names.hexdigest()
    for decision in found.decisions:
        for touch in _touches(decision):
            found.touches[touch[0]].append(Touch(decision, touch[1], touch[2]))
    for procedure in found.procedures:
        code = str(procedure_code(procedure))
        found.announcing[code] = resolve_announcing_decision(procedure, index)
        found.status[code] = _status(code, found)
    return found


def _touches(decision: Entry) -> list[tuple[str, str, dict[str, Any]]]:
    annex = decision.data.get("danh_muc")
    out: list[tuple[str, str, dict[str, Any]]] = []
    if not isinstance(annex, dict):
        return out
    for list_name, items in annex.items():
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            for key in ("ma", "ma_cu", "ma_moi"):
                code = item.get(key)
                if isinstance(code, str) and not (key == "ma_moi" and code == item.get("ma_cu")):
                    out.append((code, list_name if key != "ma_moi" else "thay_the_moi", item))
    return out


def _status(code: str, found: Resolved) -> Status:
    announcing = found.announcing[code]
    start = _iso(announcing, "ngay_hieu_luc")
    ends: list[tuple[Touch, str]] = []
    for touch in found.touches.get(code, []):
        when = _iso(touch.decision, "ngay_hieu_luc")
        if touch.list_name in ("bai_bo", "thay_the") and when and (start is None or when > start):
            ends.append((touch, when))
    ends.sort(key=lambda pair: pair[1])
    today = found.as_of.isoformat()
    for touch, when in ends:
        if when <= today:
            replacement = touch.item.get("ma_moi") if touch.list_name == "thay_the" else None
            kind = "replaced" if touch.list_name == "thay_the" else "abolished"
            return Status(kind, when, touch.decision,
                          replacement if isinstance(replacement, str) else None)
    if start and start > today:
        return Status("upcoming", start, announcing)
    status = Status("in_force", start, announcing)
    if ends:
        status.pending, status.pending_since = ends[0]
    coming = found.upcoming.get(code)
    if coming is not None:
        status.coming = resolve_announcing_decision(coming, found.index)
        status.coming_since = _iso(status.coming, "ngay_hieu_luc")
    return status


def _iso(entry: Entry | None, key: str) -> str | None:
    value = entry.data.get(key) if entry else None
    return value if isinstance(value, str) else None


def _decision_order(entry: Entry) -> tuple[str, str]:
    """Newest first: by signing date (undated last), then by path."""
    return (_newest_first(entry.data.get("ngay_ban_hanh")), entry.path)


def _newest_first(signed: Any) -> str:
    if not isinstance(signed, str):
        return "~"                  # undated decisions sort after every dated one
    return "".join(chr(ord("9") - ord(c) + ord("0")) if c.isdigit() else c for c in signed)

