"""Parsed content files kept between builds, keyed by the file's bytes.

Parsing YAML is most of what validation costs. A rebuild after a small change would
otherwise parse thousands of unchanged files again; with this cache it reads and hashes
them, and parses only the files whose bytes changed. The cache is a local speed-up only:
it is keyed by each file's SHA-256 and by a fingerprint of the loader's and the schema
checker's code and of the schemas, lives in `.cache/tthc-build/`, and a missing, stale or
unreadable cache just means a full parse.

Each file's entry is pickled on its own, so saving after a small change rewrites the
unchanged entries as they are, without pickling the whole catalogue again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from .loader import Document
from .problems import Problem

_CODE = ("loader.py", "problems.py", "codes.py", "schemas.py", "fastcheck.py", "loadcache.py")
Stored = tuple[str, bytes, tuple[int, int, int]]  # digest, pickled entry, (size, mtime, inode)
Loaded = tuple[Any, list[Problem], list[Problem] | None, bool]  # …, angle brackets


class LoadCache:
    """Parsed data and the loader's and schema's problems of each file, by its bytes."""

    def __init__(self, path: Path, schemas: Path | None = None) -> None:
        self.path = path
        self.delta_path = path.with_name(path.stem + ".delta" + path.suffix)
        self.fingerprint = _fingerprint(schemas)
        self.base: dict[str, Stored] = {}            # the full file
        self.generation = ""                         # which full file the delta applies to
        self.stored: dict[str, Stored] = {}          # the full file with the delta applied
        self.kept: dict[str, Stored] = {}            # unchanged entries, as stored
        self.fresh: dict[str, tuple[str, Loaded, tuple[int, int, int]]] = {}  # this run
        self.hits = 0
        self.changed = False
        saved = _read_pickle(path)
        if saved.get("fingerprint") == self.fingerprint:
            self.base, self.generation = saved["entries"], saved["generation"]
            self.stored = dict(self.base)
            delta = _read_pickle(self.delta_path)
            if delta.get("generation") == self.generation:
                self.stored.update(delta["changed"])
                for gone in delta["deleted"]:
                    self.stored.pop(gone, None)

    def get(self, display: str, path: Path) -> Document | None:
        """The file's cached document when its bytes are the cached ones. Like git's index,
        an unchanged size, modification time and inode vouch for unchanged bytes; the file
        is read and hashed only when they differ."""
        found = self.stored.get(display)
        if found is None:
            return None
        signature = _signature(path)
        if signature != found[2]:
            if hashlib.sha256(path.read_bytes()).hexdigest() != found[0]:
                return None
            found = (found[0], found[1], signature)
        try:
            data, problems, schema, angle = pickle.loads(found[1])
        except Exception:              # a damaged entry is a miss, never a failed build
            return None
        self.hits += 1
        self.kept[display] = found
        self.fresh[display] = (found[0], (data, problems, schema, angle), signature)
        document = _UnreadDocument(display, data, path, list(problems))
        document.angle_brackets = angle
        return document

    def put(self, display: str, path: Path, raw: bytes, document: Document) -> None:
        digest = hashlib.sha256(raw).hexdigest()
        self.fresh[display] = (digest, (document.data, list(document.problems), None,
                                        document.angle_brackets), _signature(path))
        self.changed = True

    def schema_problems(self, display: str) -> list[Problem] | None:
        found = self.fresh.get(display)
        return None if found is None or found[1][2] is None else list(found[1][2])

    def put_schema_problems(self, display: str, problems: list[Problem]) -> None:
        found = self.fresh.get(display)
        if found is not None:
            digest, (data, loaded, _, angle), signature = found
            self.fresh[display] = (digest, (data, loaded, list(problems), angle), signature)
            self.kept.pop(display, None)
            self.changed = True

    def digests(self) -> dict[str, str]:
        """SHA-256 of every file loaded in this run, by display path."""
        return {display: found[0] for display, found in self.fresh.items()}

    def save(self) -> None:
        """Keep what this run loaded (files deleted since are dropped); skipped when
        nothing changed. A few changed files go into a small delta file next to the full
        one, which is rewritten only when the delta has grown past a tenth of it."""
        if not self.changed and self.fresh.keys() == self.stored.keys():
            return
        entries = {display: self.kept.get(display) or
                   (digest, pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL), signature)
                   for display, (digest, loaded, signature) in self.fresh.items()}
        changed = {d: e for d, e in entries.items() if self.base.get(d) is not e}
        deleted = sorted(self.base.keys() - entries.keys())
        if self.generation and len(changed) + len(deleted) <= max(100, len(entries) // 10):
            _write_pickle(self.delta_path, {"generation": self.generation, "changed": changed,
                                            "deleted": deleted})
            return
        _write_pickle(self.path, {"fingerprint": self.fingerprint, "entries": entries,
                                  "generation": os.urandom(8).hex()})
        self.delta_path.unlink(missing_ok=True)


def _read_pickle(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            saved = pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            IndexError, TypeError, ValueError):
        return {}
    return saved if isinstance(saved, dict) else {}


def _write_pickle(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as stream:
        pickle.dump(data, stream, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def _signature(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


class _UnreadDocument(Document):
    """A cached document whose text is read from its file only if a position is asked for
    (that is, for files with problems)."""

    _text: str

    def __init__(self, path: str, data: Any, source: Path, problems: list[Problem]) -> None:
        super().__init__(path, data, "", problems)
        self._source = source

    @property
    def text(self) -> str:
        if not self._text:
            self._text = self._source.read_bytes().decode("utf-8")
        return self._text

    @text.setter
    def text(self, value: str) -> None:
        self._text = value


def _fingerprint(schemas: Path | None) -> str:
    """Changes with the code that parses and checks files, and with the schemas."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in _CODE:
        digest.update((here / name).read_bytes())
    for schema in sorted(schemas.glob("*.json")) if schemas else []:
        digest.update(schema.name.encode() + schema.read_bytes())
    return digest.hexdigest()
