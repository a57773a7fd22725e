"""`tthc review`: what a pull request changes, as a reviewer reads it.

For every file the change touches: its owner and, for content, the field-level diff. For
every decision it adds or edits: the cross-check table. Then what needs a person's
attention: procedure files changed without any decision in the change, procedure files
deleted (an abolished procedure keeps its file), and files outside the author's agency.

The author's agency is given (`--agency`) or, failing that, read from the change: the one
agency whose decisions it adds or edits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalog import KIND_BY_FOLDER, Entry
from ..loader import Document, LoadError, load_bytes
from ..owners import owner_of
from ..schema_index import SchemaIndex
from ..schemas import schema_folder
from ..semdiff import FieldChange, diff_documents
from .crosstable import ChangeFacts, DecisionCheck, Record, annex_codes, check_decision
from .revisions import ChangedFile, Revisions

NATIONAL = "quản trị quốc gia"


@dataclass
class FileReview:
    path: str
    status: str                      # added | modified | removed | renamed
    old_path: str | None
    kind: str | None                 # procedure | decision | agency | vocab | None (not content)
    owner: str | None                # agency id; None: the national administrator
    title: str | None = None         # the procedure's name or the decision's number
    changes: list[FieldChange] = field(default_factory=list)
    lines: list[int | None] = field(default_factory=list)   # of each change, on its side
    error: str | None = None         # a side that cannot be read as YAML

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "status": self.status, "old_path": self.old_path,
                "kind": self.kind, "owner": self.owner, "title": self.title,
                "error": self.error,
                "changes": [{**c.to_dict(), "line": line}
                            for c, line in zip(self.changes, self.lines, strict=True)]}


@dataclass
class Review:
    base: str
    head: str
    agency: str | None
    agency_inferred: bool
    files: list[FileReview]
    decisions: list[DecisionCheck]
    without_decision: list[str]      # procedure files changed with no decision in the change
    deleted_procedures: list[str]
    outside_agency: list[str]        # files the author's agency does not own

    @property
    def flags(self) -> int:
        """How many things need a reviewer's attention."""
        rows = sum(not row.ok for d in self.decisions for row in d.rows)
        notices = sum(d.notice_ok is False for d in self.decisions)
        return (rows + notices + len(self.without_decision) + len(self.deleted_procedures)
                + len(self.outside_agency) + sum(f.error is not None for f in self.files))

    def to_dict(self) -> dict[str, Any]:
        return {"base": self.base, "head": self.head, "agency": self.agency,
                "agency_inferred": self.agency_inferred, "flags": self.flags,
                "files": [f.to_dict() for f in self.files],
                "decisions": [d.to_dict() for d in self.decisions],
                "without_decision": self.without_decision,
                "deleted_procedures": self.deleted_procedures,
                "outside_agency": self.outside_agency}


def review_change(root: Path, base: str, head: str = "HEAD",
                  agency: str | None = None) -> Review:
    revisions = Revisions(root, base, head)
    schemas = SchemaIndex(schema_folder(root))
    changed = revisions.changed()
    docs = {f.path: _sides(revisions, f) for f in changed}
    files = [_file_review(f, docs[f.path], schemas) for f in changed]
    facts = ChangeFacts(find=_ProcedureFinder(revisions),
                        updated=frozenset(f.path for f in changed if f.on_head),
                        removed=frozenset(f.path for f in changed if not f.on_head),
                        agency_type=lambda a: _agency_type(revisions, a))
    heads = {f.path: entry for f in files if f.kind == "decision"
             and (entry := _entry(f.path, docs[f.path][1])) is not None}
    decisions = [check_decision(entry, f.status, _entry(f.old_path or "", docs[f.path][0]),
                                facts)
                 for f in files if (entry := heads.get(f.path)) is not None]
    announced = set().union(*(annex_codes(entry) for entry in heads.values()))
    procedures = [f for f in files if f.kind == "procedure"]
    if agency is None:
        issuers = {d.agency for d in decisions if d.agency}
        agency = issuers.pop() if len(issuers) == 1 else None
        inferred = agency is not None
    else:
        inferred = False
    outside = sorted({p for f in files for p in (f.path, f.old_path)
                      if p and agency is not None and owner_of(p) != agency})
    return Review(
        base=revisions.base.hexsha, head=revisions.head.hexsha, agency=agency,
        agency_inferred=inferred, files=files, decisions=decisions,
        without_decision=[f.path for f in procedures if Path(f.path).stem not in announced
                          and (f.old_path is None or Path(f.old_path).stem not in announced)],
        deleted_procedures=[f.path for f in procedures if f.status == "removed"],
        outside_agency=outside if agency is not None else [])


Sides = tuple[Document | str | None, Document | str | None]   # base, head: a str is an error


def _sides(revisions: Revisions, changed: ChangedFile) -> Sides:
    if not changed.path.endswith(".yaml") or _kind(changed.path) is None:
        return None, None
    before = revisions.read_base(changed.old_path) if changed.old_path else None
    after = revisions.read_head(changed.path) if changed.on_head else None
    return _load(before, changed.old_path or ""), _load(after, changed.path)


def _load(raw: bytes | None, path: str) -> Document | str | None:
    if raw is None:
        return None
    try:
        return load_bytes(raw, path)
    except LoadError as exc:
        return "; ".join(str(p) for p in exc.problems)


def _entry(path: str, side: Document | str | None) -> Entry | None:
    """A decision's side as the validator's `Entry` (None: absent or unreadable)."""
    if _data(side) is None or not isinstance(side, Document):
        return None
    return Entry("decision", path, side, tuple(path.split("/")[2:-1]))


def _data(side: Document | str | None) -> dict[str, Any] | None:
    if isinstance(side, Document) and isinstance(side.data, dict):
        return side.data
    return None


def _file_review(changed: ChangedFile, sides: Sides, schemas: SchemaIndex) -> FileReview:
    kind = _kind(changed.path)
    review = FileReview(changed.path, changed.status, changed.old_path, kind,
                        owner_of(changed.path))
    if kind is None:
        return review
    before, after = sides
    errors = [side for side in sides if isinstance(side, str)]
    if errors:
        review.error = errors[0]
        return review
    old, new = _data(before), _data(after)
    shown = new or old or {}
    review.title = _title(kind, shown)
    review.changes = diff_documents(old or {}, new or {}, kind, schemas)
    for change in review.changes:
        doc = before if change.kind == "removed" else after
        line = doc.position(change.path, key=True)[0] if isinstance(doc, Document) else None
        review.lines.append(line)
    return review


def _title(kind: str, data: dict[str, Any]) -> str | None:
    key = {"procedure": "ten", "decision": "so_ky_hieu", "agency": "ten"}.get(kind)
    value = data.get(key) if key else None
    return value if isinstance(value, str) else None


def _kind(path: str) -> str | None:
    parts = path.split("/")
    if len(parts) < 3 or parts[0] != "content" or not path.endswith(".yaml"):
        return None
    return KIND_BY_FOLDER.get(parts[1])


class _ProcedureFinder:
    """Procedure files on the head side, by code (the file name): listed once, read when
    asked, so that the review reads what the change touches, not the whole catalogue."""

    def __init__(self, revisions: Revisions) -> None:
        self.revisions = revisions
        self.paths: dict[str, list[str]] | None = None

    def __call__(self, code: str) -> Record | None:
        if self.paths is None:
            self.paths = {}
            for path in self.revisions.head_paths("content/procedures"):
                self.paths.setdefault(Path(path).stem, []).append(path)
        for path in self.paths.get(code, []):
            data = _data(_load(self.revisions.read_head(path), path))
            if data is not None and str(data.get("ma")) == code:
                return path, data
        return None


def _agency_type(revisions: Revisions, agency: str) -> str | None:
    path = f"content/agencies/{agency}.yaml"
    data = _data(_load(revisions.read_head(path), path)) if agency else None
    kind = data.get("loai") if data else None
    return kind if isinstance(kind, str) else None
