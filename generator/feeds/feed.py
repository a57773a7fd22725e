"""Assemble every feed document of a build: records, decisions, the snapshot index of the
whole catalogue and of each scope, the change log in pages, the JSON Schemas, and the
root document that links them.

Scopes: every agency has one. A ministry's (or any non-provincial agency's) scope holds its
own records and decisions; a province's holds the national ones (every non-provincial
agency's) plus its own, so that a provincial portal mirrors only what applies to it. The
local details a province publishes for a national procedure travel inside that record
(`local_details`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalog import Entry
from ..crosscheck import procedure_code
from ..site.resolve import Resolved
from . import paths
from .documents import agency_of, decision_document, dumps, record_document
from .history import Change, History, with_switches

API_VERSION = 1
SCHEMA_KINDS = ("feed", "record", "decision", "index", "changes", "checkpoint")
PROVINCE = "tinh"
CHANGELOG = [  # the API's own changes, newest first
    {"version": "1", "date": "2026-12-01",
     "text": "First version: records, decisions, scope indexes, change log, TUF metadata, "
             "JWS checkpoint. Records carry the text in force on the build date and the "
             "text to come (`upcoming`); the change log records each switch on the day it "
             "takes effect (`reason: hieu_luc`, `at`)."},
]


@dataclass
class Feed:
    targets: dict[str, bytes] = field(default_factory=dict)   # target path → bytes
    root: bytes = b""                                         # api/v1/index.json
    sequence: int = 0                                         # the change log's head
    head_page: str = ""                                       # target path of the head page
    digests: dict[str, str] = field(default_factory=dict)     # target path → sha256

    def add(self, target: str, document: Any) -> bytes:
        data = dumps(document)
        self.targets[target] = data
        self.digests[target] = hashlib.sha256(data).hexdigest()
        return data


def assemble(found: Resolved, history: History, schemas: Path, development: bool) -> Feed:
    feed = Feed()
    entries: dict[str, list[dict[str, Any]]] = {"all": []}
    scope_of: dict[str, list[str]] = {}          # agency → scopes its documents belong to
    provinces = sorted(a for a, e in found.agencies.items() if e.data.get("loai") == PROVINCE)
    for entry in found.procedures:
        code = str(procedure_code(entry))
        target = paths.record(agency_of(entry), code)
        data = feed.add(target, record_document(entry, found, history.last_commit))
        _list(entries, scope_of, provinces, entry,
              _entry("procedure", code, entry, target, data, found, found.status[code].kind))
    for entry in sorted(found.decisions, key=lambda e: e.path):
        target = paths.decision(entry.path)
        data = feed.add(target, decision_document(entry, found, history.last_commit))
        _list(entries, scope_of, provinces, entry,
              _entry("decision", paths.decision_id(entry.path), entry, target, data, found,
                     None))
    effective = {paths.decision_id(d.path): _text(d.data.get("ngay_hieu_luc"))
                 for d in found.decisions}
    _change_log(feed, with_switches(history.changes, found.as_of, effective))
    for kind in SCHEMA_KINDS:
        feed.targets[paths.schema(kind)] = (schemas / f"{kind}.schema.json").read_bytes()
        feed.digests[paths.schema(kind)] = hashlib.sha256(
            feed.targets[paths.schema(kind)]).hexdigest()
    scopes = {"all": "Toàn quốc", **{a: found.agency_name(a) for a in found.agencies}}
    for scope, name in scopes.items():
        listed = sorted(entries.get(scope, []), key=lambda e: (e["type"], e["id"]))
        feed.add(paths.index(scope), {
            "type": "index", "scope": scope, "name": name, "as_of": found.as_of.isoformat(),
            "commit": history.head, "sequence": feed.sequence, "entries": listed})
    members = {scope: sorted({e["agency"] for e in entries.get(scope, [])}) for scope in scopes}
    root = _root_document(feed, history, found, scopes, members, development)
    feed.root = feed.add("index.json", root)
    return feed


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _entry(kind: str, ident: str, entry: Entry, target: str, data: bytes, found: Resolved,
           status: str | None) -> dict[str, Any]:
    digest = hashlib.sha256(data).hexdigest()
    return {"type": kind, "id": ident, "agency": agency_of(entry), "path": target,
            "href": paths.href(target, digest), "sha256": digest, "length": len(data),
            "version": found.digest(entry), "status": status}


def _list(entries: dict[str, list[dict[str, Any]]], scope_of: dict[str, list[str]],
          provinces: list[str], entry: Entry, item: dict[str, Any]) -> None:
    agency = agency_of(entry)
    if agency not in scope_of:
        scope_of[agency] = (["all", agency] if agency in provinces
                            else ["all", agency, *provinces])
    for scope in scope_of[agency]:
        entries.setdefault(scope, []).append(item)


def _change_log(feed: Feed, changes: list[Change]) -> None:
    """Pages of PAGE_SIZE entries; each names the page before it and its SHA-256, so one
    trusted head vouches for the whole log. Only the last page changes between builds."""
    previous: dict[str, str] | None = None
    pages = max(1, -(-len(changes) // paths.PAGE_SIZE))
    for number in range(1, pages + 1):
        chunk = changes[(number - 1) * paths.PAGE_SIZE:number * paths.PAGE_SIZE]
        target = paths.changes(number)
        data = feed.add(target, {
            "type": "changes", "page": number,
            "first": chunk[0].seq if chunk else 0, "last": chunk[-1].seq if chunk else 0,
            "complete": len(chunk) == paths.PAGE_SIZE, "previous": previous,
            "entries": [c.to_dict() for c in chunk]})
        previous = {"path": target, "sha256": hashlib.sha256(data).hexdigest()}
        feed.head_page = target
    feed.sequence = len(changes)


def _root_document(feed: Feed, history: History, found: Resolved, scopes: dict[str, str],
                   members: dict[str, list[str]], development: bool) -> dict[str, Any]:
    def link(target: str) -> str:
        return paths.href(target, feed.digests[target])

    return {
        "type": "feed", "api": f"v{API_VERSION}", "version": API_VERSION,
        "deprecated": False, "development": development,
        "commit": history.head, "history": history.source, "as_of": found.as_of.isoformat(),
        "sequence": feed.sequence, "page_size": paths.PAGE_SIZE,
        "links": {
            "tuf_metadata": "metadata/", "targets": "targets/",
            "checkpoint": "checkpoint.jws.json", "checkpoint_keys": "checkpoint-keys.json",
            "test_vectors": "test-vectors/", "changes_head": link(feed.head_page),
            "indexes": {scope: link(paths.index(scope)) for scope in scopes},
            "schemas": {kind: link(paths.schema(kind)) for kind in SCHEMA_KINDS},
        },
        # a mirror of a scope follows the change log entries of these agencies only
        "scopes": [{"id": scope, "name": name, "agencies": members[scope]}
                   for scope, name in scopes.items()],
        "changelog": CHANGELOG,
    }
