"""The change log, read from git: one pass over the first-parent history of the content.

Every commit on the main line that adds, changes or deletes a procedure or decision file
gives entries, in commit order, numbered without gaps from 1. Git already keeps the
history, so the log is never stored: the same commit always gives the same log, and a
page of the log, once full, never changes. Each entry names its commit and the decision
behind it, with the date the change takes effect:

* a decision file added or changed: an `upsert` of the decision, then a `tombstone` for
  every procedure its annex abolishes (`bai_bo`) or replaces (`thay_the`, naming the new
  code), each once per decision;
* a procedure file added or changed: an `upsert`, citing the decision of the same commit
  whose annex names the procedure (none when the commit has no such decision: review
  flags that);
* a file deleted: a `tombstone` with the reason `go_bo` (withdrawn from the catalogue).

Uncommitted changes to content files (a local build) come last, with no commit. Without
git (a downloaded archive) the log is the current files, one `upsert` each.
"""

from __future__ import annotations

import logging
import subprocess
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..gitrepo import NoHistory, Objects, git, repository
from ..loader import LoadError, load_bytes

log = logging.getLogger("tthc.feeds")

_FOLDERS = ("content/procedures", "content/decisions")
_TOMBSTONE_LISTS = {"bai_bo": "bai_bo", "thay_the": "thay_the"}


@dataclass(frozen=True)
class Change:
    seq: int
    op: str                        # upsert | tombstone
    type: str                      # procedure | decision
    id: str                        # a procedure's code or a decision's id
    agency: str
    commit: str | None
    committed: str | None          # the commit's date (ISO 8601)
    decision: str | None           # the decision behind the change
    effective_from: str | None     # when it takes effect (the decision's ngay_hieu_luc)
    reason: str | None = None      # tombstones: bai_bo | thay_the | go_bo; hieu_luc: a switch
    replacement: str | None = None  # thay_the: the new code
    at: str | None = None          # when it was logged: the commit, or the day it took effect

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = self.at if self.at is not None else self.committed
        return data


def with_switches(changes: list[Change], as_of: date,
                  effective: dict[str, str | None]) -> list[Change]:
    """The log as it stands on `as_of`: a change committed before it takes effect is logged
    twice, when committed (the record then carries the text to come, or the abolition
    ahead) and again on the day it takes effect (`reason: hieu_luc` for a new text; the
    tombstone itself for an abolition or replacement), once that day has come. The day is
    the decision's as it is now (`effective`, by decision id), so a date corrected after
    merge moves the switch. Entries are ordered by when they were logged and renumbered;
    a later build date only appends."""
    today = as_of.isoformat()
    logged: list[tuple[datetime, int, Change]] = []
    for order, change in enumerate(changes):
        when = (effective.get(change.decision, change.effective_from) if change.decision
                else change.effective_from)
        committed = _instant(change.committed)
        if (committed is not None and when is not None and change.type == "procedure"
                and when > _vietnam_day(committed)):
            first = (replace(change, op="upsert", reason=None, replacement=None)
                     if change.op == "tombstone" and change.reason != "go_bo" else change)
            logged.append((committed, order, first))
            if when <= today:
                at = datetime.fromisoformat(f"{when}T00:00:00+07:00")
                logged.append((at, order, replace(
                    change, at=at.isoformat(), effective_from=when,
                    reason=change.reason if change.op == "tombstone" else "hieu_luc")))
            continue
        logged.append((committed or _LAST, order, change))
    logged.sort(key=lambda item: (item[0], item[1]))
    return [replace(change, seq=seq) for seq, (_, _, change) in enumerate(logged, start=1)]


_LAST = datetime.max.replace(tzinfo=UTC)       # uncommitted changes come last
_VIETNAM = timezone(timedelta(hours=7))


def _instant(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _vietnam_day(moment: datetime) -> str:
    return moment.astimezone(_VIETNAM).date().isoformat()


@dataclass
class History:
    changes: list[Change]
    last_commit: dict[str, str]    # content path → the last commit that changed it
    head: str | None               # the commit built (None outside git)
    source: str                    # "git" or "files"


def read_history(root: Path, current: list[str]) -> History:
    """The change log of the content under `root`; `current` lists the content files of
    the tree being built (used without git, and to find uncommitted changes)."""
    try:
        repo_top, prefix = repository(root)
    except NoHistory as why:
        log.info("không đọc được lịch sử git (%s): nhật ký thay đổi lập từ các tệp hiện có", why)
        return _from_files(current)
    commits = _first_parent_log(repo_top, prefix)
    wanted = [(c, p) for c, _, files in commits for s, p in files
              if s != "D" and p.startswith("content/decisions/")]
    builder = _Builder(repo_top, prefix, _blobs(repo_top, prefix, wanted))
    for commit, when, files in commits:
        builder.commit(commit, when, files)
    builder.worktree(_uncommitted(repo_top, prefix))
    head = git(repo_top, "rev-parse", "HEAD").strip() if commits else None
    return History(builder.changes, builder.last_commit, head, "git")


def _first_parent_log(top: Path, prefix: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(commit, date, [(status, path)]) oldest first; paths relative to the content root."""
    try:
        output = git(top, "-c", "core.quotePath=false", "log", "--first-parent", "--reverse",
                      "--no-renames", "--format=%x00%H %cI", "--name-status", "--",
                      *(prefix + folder for folder in _FOLDERS))
    except subprocess.CalledProcessError:       # no commit yet
        return []
    out = []
    for block in output.split("\0")[1:]:
        lines = block.strip("\n").splitlines()
        commit, when = lines[0].split(" ", 1)
        files = []
        for line in lines[1:]:
            if "\t" in line:
                status, path = line.split("\t", 1)
                if path.endswith(".yaml"):
                    files.append((status[0], path[len(prefix):]))
        out.append((commit, when, sorted(files, key=lambda f: f[1])))
    return out


def _uncommitted(top: Path, prefix: str) -> list[tuple[str, str]]:
    output = git(top, "-c", "core.quotePath=false", "status", "--porcelain=v1",
                  "--untracked-files=all", "--no-renames", "--",
                  *(prefix + folder for folder in _FOLDERS))
    files = []
    for line in output.splitlines():
        status, path = line[:2], line[3:]
        if path.endswith(".yaml"):
            files.append(("D" if "D" in status else "M", path[len(prefix):]))
    return sorted(files, key=lambda f: f[1])


def _blobs(top: Path, prefix: str, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], bytes]:
    """The bytes of each (commit, path), from one `git cat-file --batch`."""
    if not wanted:
        return {}
    objects = Objects(top)
    try:
        found = objects.read([f"{commit}:{prefix}{path}" for commit, path in wanted])
    finally:
        objects.close()
    return {(commit, path): found[f"{commit}:{prefix}{path}"] for commit, path in wanted
            if f"{commit}:{prefix}{path}" in found}


class _Builder:
    def __init__(self, top: Path, prefix: str,
                 blobs: dict[tuple[str, str], bytes] | None = None) -> None:
        self.top, self.prefix = top, prefix
        self.blobs = blobs or {}
        self.changes: list[Change] = []
        self.last_commit: dict[str, str] = {}
        self.tombstoned: set[tuple[str, str]] = set()   # (decision, code) already logged
        self.agency: dict[str, str] = {}                 # procedure code → its folder

    def commit(self, commit: str | None, when: str | None, files: list[tuple[str, str]]) -> None:
        decisions = [(s, p) for s, p in files if p.startswith("content/decisions/")]
        procedures = [(s, p) for s, p in files if p.startswith("content/procedures/")]
        annexes = {p: self._decision_at(commit, p) for s, p in decisions if s != "D"}
        cites: dict[str, tuple[str, str | None]] = {}   # code → (decision id, effective)
        for path, data in annexes.items():
            for _, code, _ in _annex(data):
                cites.setdefault(code, (_decision_id(path), _date(data, "ngay_hieu_luc")))
        for status, path in decisions:
            decision = _decision_id(path)
            data = annexes.get(path, {})
            self._add(op="tombstone" if status == "D" else "upsert", type="decision",
                      id=decision, agency=_agency(path), commit=commit, committed=when,
                      decision=decision, effective_from=_date(data, "ngay_hieu_luc"),
                      reason="go_bo" if status == "D" else None)
            self._remember(path, commit, status)
        kept = {_code(p) for s, p in procedures if s != "D"}
        for status, path in procedures:
            code = _code(path)
            if status == "D" and code in kept:
                self._remember(path, commit, status)
                continue            # moved to another agency's folder: its upsert follows
            self.agency[code] = _agency(path)
            cited, effective = cites.get(code, (None, None))
            self._add(op="tombstone" if status == "D" else "upsert", type="procedure",
                      id=code, agency=_agency(path), commit=commit, committed=when,
                      decision=cited, effective_from=effective,
                      reason="go_bo" if status == "D" else None)
            self._remember(path, commit, status)
        for path, data in annexes.items():
            decision = _decision_id(path)
            for list_name, code, item in _annex(data):
                if list_name not in _TOMBSTONE_LISTS or (decision, code) in self.tombstoned:
                    continue
                self.tombstoned.add((decision, code))
                new = item.get("ma_moi") if list_name == "thay_the" else None
                # a code the catalogue never held: the abolishing agency's, so that the
                # mirrors of its scope hear of it
                self._add(op="tombstone", type="procedure", id=code,
                          agency=self.agency.get(code) or _agency(path),
                          commit=commit, committed=when, decision=decision,
                          effective_from=_date(data, "ngay_hieu_luc"), reason=list_name,
                          replacement=new if isinstance(new, str) else None)

    def worktree(self, files: list[tuple[str, str]]) -> None:
        if files:
            self.commit(None, None, files)

    def _add(self, *, agency: str | None, **fields: Any) -> None:
        self.changes.append(Change(seq=len(self.changes) + 1, agency=agency or "", **fields))

    def _remember(self, path: str, commit: str | None, status: str) -> None:
        if commit is None or status == "D":
            self.last_commit.pop(path, None)
        else:
            self.last_commit[path] = commit

    def _decision_at(self, commit: str | None, path: str) -> dict[str, Any]:
        """The decision as it was in `commit` (None: as it is on disk), parsed by the
        content loader (dates stay text); an unreadable version reads as empty."""
        try:
            raw = (self.blobs.get((commit, path)) if commit is not None
                   else (self.top / (self.prefix + path)).read_bytes())
            data = load_bytes(raw, path).data if raw is not None else None
        except (OSError, LoadError):
            return {}
        return data if isinstance(data, dict) else {}


def _from_files(current: list[str]) -> History:
    builder = _Builder(Path("."), "")
    for path in sorted(current):
        if path.startswith(_FOLDERS):
            kind = "decision" if path.startswith("content/decisions/") else "procedure"
            name = (_decision_id(path) if kind == "decision"
                    else path.rsplit("/", 1)[1].removesuffix(".yaml"))
            builder._add(op="upsert", type=kind, id=name, agency=_agency(path), commit=None,
                         committed=None, decision=name if kind == "decision" else None,
                         effective_from=None)
    return History(builder.changes, {}, None, "files")


def _annex(data: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    annex = data.get("danh_muc")
    out = []
    for list_name, items in sorted(annex.items()) if isinstance(annex, dict) else []:
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                code = item.get("ma") or item.get("ma_cu")
                if isinstance(code, str):
                    out.append((list_name, code, item))
                new = item.get("ma_moi")
                if isinstance(new, str) and new != code:
                    out.append(("thay_the_moi", new, item))
    return out


def _code(path: str) -> str:
    return path.rsplit("/", 1)[1].removesuffix(".yaml")


def _decision_id(path: str) -> str:
    return path.removeprefix("content/decisions/").removesuffix(".yaml")


def _agency(path: str) -> str:
    return path.split("/")[2]


def _date(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None
