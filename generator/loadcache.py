"""Parsed content files kept between builds, keyed by the file's bytes.

Parsing YAML is most of what validation costs. A rebuild after a small change would
otherwise parse thousands of unchanged files again; with this cache it reads and hashes
them, and parses only the files whose bytes changed. The cache is a local speed-up only:
it is keyed by each file's SHA-256 and by a fingerprint of the loader's own code, lives in
`.cache/tthc-build/`, and a missing, stale or unreadable cache just means a full parse.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import Any

from .loader import Document
from .problems import Problem

_CODE = ("loader.py", "problems.py", "codes.py", "schemas.py", "fastcheck.py")


Cached = tuple[str, Any, list[Problem], list[Problem] | None]  # digest, data, load, schema


class LoadCache:
    """Parsed data and the loader's and schema's problems of each file, by its bytes."""

    def __init__(self, path: Path, schemas: Path | None = None) -> None:
        self.path = path
        self.fingerprint = _fingerprint(schemas)
        self.entries: dict[str, Cached] = {}
        self.fresh: dict[str, Cached] = {}
        self.hits = 0
        try:
            with path.open("rb") as stream:
                stored = pickle.load(stream)
            if stored.get("fingerprint") == self.fingerprint:
                self.entries = stored["entries"]
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, KeyError,
                TypeError, ValueError):
            self.entries = {}

    def get(self, display: str, raw: bytes) -> Document | None:
        digest = hashlib.sha256(raw).hexdigest()
        found = self.entries.get(display)
        if found is None or found[0] != digest:
            return None
        self.hits += 1
        self.fresh[display] = found
        return Document(display, found[1], raw.decode("utf-8"), list(found[2]))

    def put(self, display: str, raw: bytes, document: Document) -> None:
        digest = hashlib.sha256(raw).hexdigest()
        self.fresh[display] = (digest, document.data, list(document.problems), None)

    def schema_problems(self, display: str) -> list[Problem] | None:
        found = self.fresh.get(display)
        return None if found is None or found[3] is None else list(found[3])

    def put_schema_problems(self, display: str, problems: list[Problem]) -> None:
        found = self.fresh.get(display)
        if found is not None:
            self.fresh[display] = (found[0], found[1], found[2], list(problems))

    def digests(self) -> dict[str, str]:
        """SHA-256 of every file loaded in this run, by display path."""
        return {display: found[0] for display, found in self.fresh.items()}

    def save(self) -> None:
        """Keep what this run loaded (files deleted since are dropped)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("wb") as stream:
            pickle.dump({"fingerprint": self.fingerprint, "entries": self.fresh}, stream,
                        protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(self.path)


def _fingerprint(schemas: Path | None) -> str:
    """Changes with the code that parses and checks files, and with the schemas."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in _CODE:
        digest.update((here / name).read_bytes())
    for schema in sorted(schemas.glob("*.json")) if schemas else []:
        digest.update(schema.name.encode() + schema.read_bytes())
    return digest.hexdigest()
