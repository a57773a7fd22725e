"""Every version of every procedure, from git history, and which one is in force on a date.

A decision is announced weeks before it takes effect; the file in git holds the newest
text from the day the pull request is merged. Git keeps the earlier texts, so the version
in force on a date D is found there: the newest version whose announcing decision
(`quyet_dinh_cong_bo`, resolved among the decisions as they are now, so a decision
corrected after merge counts with its corrected dates) took effect on or before D. A newer
text whose decision takes effect after D is *upcoming*.

One pass over the first-parent history lists, for the whole tree, which blob each commit
gave each procedure file (`git log --raw`: no file is read). The list is cached by commit
(`.cache/tthc-build/versions.pickle`): a later build reads only the commits since. Blobs
are read only when needed, through one `git cat-file --batch` process: the texts behind a
procedure whose newest version is not yet in force, and the versions a history page shows.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import re
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from .catalog import Entry
from .gitrepo import NoHistory, Objects, git, is_ancestor, repository
from .loader import Document, LoadError, load_bytes

log = logging.getLogger("tthc.versions")
FOLDER = "content/procedures"
CACHE_VERSION = 1
_ZERO = "0" * 40


@dataclass(frozen=True)
class Version:
    """One committed text of a procedure file."""

    path: str                      # content path in that commit
    blob: str                      # git blob id of the text
    commit: str
    committed: str                 # the commit's date, ISO 8601


@dataclass
class VersionIndex:
    """Each procedure's committed versions, oldest first, by code (its file name)."""

    head: str | None = None
    prefix: str = ""
    versions: dict[str, list[Version]] = field(default_factory=dict)

    def of(self, code: str) -> list[Version]:
        return self.versions.get(code, [])


@dataclass
class VersionEntry(Entry):
    """A procedure as one earlier commit held it (an `Entry` like the current file's)."""

    version: Version | None = None
    sha256: str = ""


@dataclass
class Timeline:
    """A procedure on the build date: the text in force, and the text coming next."""

    code: str
    in_force: Entry | None         # None: no version has taken effect yet
    upcoming: Entry | None         # a newer text whose decision takes effect later
    versions: list[Version]


def read_index(root: Path, cache_file: Path | None = None) -> VersionIndex:
    """Every committed version of every procedure under `root` (empty outside git)."""
    try:
        top, prefix = repository(root)
        head = git(top, "rev-parse", "HEAD").strip()
    except NoHistory as why:   # outside git, or a shallow clone: the current files only
        log.info("không đọc được lịch sử phiên bản (%s): chỉ dùng các tệp hiện có", why)
        return VersionIndex()
    except (OSError, subprocess.CalledProcessError):      # no commit yet
        return VersionIndex()
    cached = _load_cache(cache_file, prefix)
    if cached is not None and cached.head == head:
        return cached
    if cached is not None and cached.head and is_ancestor(top, cached.head, head):
        index, since = cached, cached.head
    else:
        index, since = VersionIndex(prefix=prefix), None
    _walk(top, prefix, since, index)
    index.head = head
    _save_cache(cache_file, index)
    return index


def timelines(current: Iterable[tuple[str, Entry]], index: VersionIndex, blobs: Blobs,
              effective: Callable[[Header], str | None], as_of: date) -> dict[str, Timeline]:
    """Each procedure's texts in force and upcoming on `as_of`. `effective` gives the date
    the decision a text names takes effect (None: unknown, counted as in force). Older
    texts are looked at through their header lines only; the one in force is parsed."""
    today = as_of.isoformat()
    homes = dict(current)                      # code → the current file
    found: dict[str, Timeline] = {}
    waiting: dict[str, list[Version]] = {}     # code → older versions still to look at
    for code, entry in homes.items():
        when = effective(Header.of(entry))
        if when is None or when <= today:
            found[code] = Timeline(code, entry, None, index.of(code))
        else:
            found[code] = Timeline(code, None, entry, index.of(code))
            waiting[code] = list(reversed(index.of(code)))
    chosen: dict[str, Version] = {}
    while waiting:       # one level of older versions at a time, read in one batch
        heads = {code: older.pop(0) for code, older in waiting.items() if older}
        headers = blobs.headers(heads.values())
        for code in list(waiting):
            version = heads.get(code)
            if version is None:
                del waiting[code]              # nothing older has taken effect: a new text
                continue
            header = headers.get(version.blob)
            when = effective(header) if header is not None else None
            if header is not None and (when is None or when <= today):
                chosen[code] = version
                del waiting[code]
    texts = blobs.entries(chosen.values())
    for code, version in chosen.items():
        text = texts.get(version.blob)
        if text is not None:       # the older text lives where the file is now (a merger
            home = homes[code]     # moves it): its page, forms and feed record stay put
            found[code].in_force = replace(text, path=home.path, folders=home.folders)
    return found


@dataclass(frozen=True)
class Header:
    """What finds a text's announcing decision: its code, agency and decision number."""

    code: str | None
    agency: str | None
    decision: str | None

    @classmethod
    def of(cls, entry: Entry) -> Header:
        data = entry.data
        return cls(*(str(v) if isinstance(v := data.get(k), str | int | float) else None
                     for k in ("ma", "co_quan_cong_bo", "quyet_dinh_cong_bo")))

    @classmethod
    def scan(cls, raw: bytes) -> Header | None:
        """The three top-level lines of a text in the canonical layout (`tthc fmt`); a text
        laid out otherwise is parsed whole."""
        found = {}
        for key in ("ma", "co_quan_cong_bo", "quyet_dinh_cong_bo"):
            match = re.search(rb"^" + key.encode() + rb": *(.*?) *$", raw, re.M)
            if match is None:
                return None
            value = match.group(1).decode("utf-8", "replace")
            if value[:1] in ("'", '"'):
                if len(value) < 2 or value[-1] != value[0] or value[0] in value[1:-1]:
                    return None
                value = value[1:-1]
            found[key] = value or None
        return cls(found["ma"], found["co_quan_cong_bo"], found["quyet_dinh_cong_bo"])


class Blobs:
    """Texts by blob id, read through `gitrepo.Objects` (a forked page worker starts its
    own `git cat-file`) and parsed once."""

    def __init__(self, root: Path, cache_file: Path | None = None) -> None:
        self.objects = Objects(root)
        self._parsed: dict[str, VersionEntry | None] = {}
        self.cache_file = cache_file
        self.stored = _load_texts(cache_file)      # blob → parsed text, from earlier builds

    def keep(self, entries: Iterable[Entry]) -> None:
        """Store these parsed texts for the next build (a blob's text never changes), in
        place of what was stored: the texts in force and upcoming, not every history."""
        if self.cache_file is None:
            return
        texts = {e.version.blob: (e.sha256, e.doc) for e in entries
                 if isinstance(e, VersionEntry) and e.version is not None}
        if texts.keys() != self.stored.keys():
            _save_texts(self.cache_file, texts)

    def headers(self, versions: Iterable[Version]) -> dict[str, Header]:
        """The header of each version's text, by blob id (read, not parsed)."""
        versions = list(versions)
        raw = self._read(sorted({v.blob for v in versions}))
        out = {}
        for version in versions:
            data = raw.get(version.blob)
            header = Header.scan(data) if data is not None else None
            if header is None and data is not None:       # not canonical: parse it
                entry = self.entries([version]).get(version.blob)
                header = Header.of(entry) if entry is not None else None
            if header is not None:
                out[version.blob] = header
        return out

    def entries(self, versions: Iterable[Version]) -> dict[str, VersionEntry]:
        """The parsed text of each version, by blob id (unreadable ones left out)."""
        versions = list(versions)
        for version in versions:
            if version.blob not in self._parsed and version.blob in self.stored:
                self._parsed[version.blob] = _entry_of(version, self.stored[version.blob])
        wanted = {v.blob: v for v in versions if v.blob not in self._parsed}
        if wanted:
            raw = self._read(list(wanted))
            for blob, version in wanted.items():
                data = raw.get(blob)
                self._parsed[blob] = None if data is None else _entry(version, data)
        return {v.blob: entry for v in versions if (entry := self._parsed.get(v.blob))}

    def close(self) -> None:
        self.objects.close()

    def _read(self, blobs: list[str]) -> dict[str, bytes]:
        return self.objects.read(blobs)


def _entry(version: Version, raw: bytes) -> VersionEntry | None:
    try:
        doc = load_bytes(raw, version.path)
    except LoadError:
        return None
    return _entry_of(version, (hashlib.sha256(raw).hexdigest(), doc))


def _entry_of(version: Version, text: Text) -> VersionEntry | None:
    sha256, doc = text
    if not isinstance(doc.data, dict):
        return None
    folders = tuple(version.path.split("/")[2:-1])
    return VersionEntry("procedure", version.path, doc, folders, version, sha256)


Text = tuple[str, Document]        # a parsed text and the SHA-256 of its bytes


def _load_texts(path: Path | None) -> dict[str, Text]:
    texts = _unpickle(path, "texts")
    return texts if isinstance(texts, dict) else {}


def _save_texts(path: Path, texts: dict[str, Text]) -> None:
    _pickle(path, "texts", texts)


def _walk(top: Path, prefix: str, since: str | None, index: VersionIndex) -> None:
    """Add the versions of the commits after `since` (all, when None)."""
    span = [f"{since}..HEAD"] if since else ["HEAD"]
    output = git(top, "-c", "core.quotePath=false", "log", "--first-parent", "--reverse",
                  "--no-renames", "--raw", "--no-abbrev", "--format=%x00%H %cI", *span,
                  "--", prefix + FOLDER)
    for block in output.split("\0")[1:]:
        lines = block.strip("\n").splitlines()
        commit, when = lines[0].split(" ", 1)
        deleted, written = set(), []
        for line in lines[1:]:
            if not line.startswith(":") or "\t" not in line:
                continue
            meta, path = line.split("\t", 1)
            parts = meta.split()
            if not path.endswith(".yaml") or len(parts) < 5:
                continue
            relative = path[len(prefix):]
            code = relative.rsplit("/", 1)[1].removesuffix(".yaml")
            blob, status = parts[3], parts[4][0]
            if status == "D" or blob == _ZERO:
                deleted.add(code)
            else:
                written.append(Version(relative, blob, commit, when))
        # a file moved to another agency's folder (a merger) keeps its history; a file
        # withdrawn starts afresh if it ever comes back
        for code in deleted - {_code(v) for v in written}:
            index.versions.pop(code, None)
        for version in written:
            index.versions.setdefault(_code(version), []).append(version)


def _code(version: Version) -> str:
    return version.path.rsplit("/", 1)[1].removesuffix(".yaml")


def _load_cache(path: Path | None, prefix: str) -> VersionIndex | None:
    index = _unpickle(path, "index")
    return index if isinstance(index, VersionIndex) and index.prefix == prefix else None


def _save_cache(path: Path | None, index: VersionIndex) -> None:
    if path is not None:
        _pickle(path, "index", index)


def _unpickle(path: Path | None, key: str) -> Any:
    """What `_pickle` stored under `key`; None when missing, damaged or from another
    version of the code."""
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as file:
            stored: Any = pickle.load(file)
    except Exception:
        return None
    if not isinstance(stored, dict) or stored.get("version") != CACHE_VERSION:
        return None
    return stored.get(key)


def _pickle(path: Path, key: str, value: Any) -> None:
    """Write atomically: a build stopped half-way leaves the previous file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with temporary.open("wb") as file:
        pickle.dump({"version": CACHE_VERSION, key: value}, file,
                    protocol=pickle.HIGHEST_PROTOCOL)
    temporary.replace(path)
