"""The mirror's database: SQLite by default, PostgreSQL given a `postgresql://` URL.

Two tables. `tthc_documents` holds every record and decision of the scope as published
(its JSON in `body`, its SHA-256, and the change log entry that last touched it), with
tombstones kept as rows (`tombstone` says why). `tthc_state` holds the high-water marks:
the change log sequence applied, the feed's version and commit. A sync writes both inside
one transaction, so a mirror is always some published state, never half of one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS tthc_documents (
        type TEXT NOT NULL,
        id TEXT NOT NULL,
        agency TEXT NOT NULL,
        sha256 TEXT,
        version TEXT,
        status TEXT,
        tombstone TEXT,
        replacement TEXT,
        decision TEXT,
        effective_from TEXT,
        body TEXT,
        seq INTEGER NOT NULL,
        PRIMARY KEY (type, id))""",
    """CREATE TABLE IF NOT EXISTS tthc_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL)""",
)
COLUMNS = ("type", "id", "agency", "sha256", "version", "status", "tombstone", "replacement",
           "decision", "effective_from", "body", "seq")


class StoreError(Exception):
    """The database cannot be opened or written; says which and why."""


@dataclass
class Row:
    type: str
    id: str
    agency: str
    sha256: str | None
    version: str | None
    status: str | None
    tombstone: str | None
    replacement: str | None
    decision: str | None
    effective_from: str | None
    body: str | None
    seq: int

    def values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, c) for c in COLUMNS)


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith(("postgresql://", "postgres://"))
        self.mark = "%s" if self.postgres else "?"
        try:
            if self.postgres:
                import psycopg

                self.connection: Any = psycopg.connect(url)
            else:
                path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
                Path(path).parent.mkdir(parents=True, exist_ok=True)
                self.connection = sqlite3.connect(path, isolation_level=None)
                self.connection.execute("PRAGMA journal_mode=WAL")
        except Exception as exc:
            raise StoreError(f"không mở được cơ sở dữ liệu {safe_url(url)}: {exc}") from None

    def close(self) -> None:
        self.connection.close()

    def create(self) -> None:
        with self.transaction() as cursor:
            for statement in SCHEMA:
                cursor.execute(statement)

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """One transaction: committed when the block ends, rolled back if it raises (or
        never committed, if the process dies inside it)."""
        if self.postgres:
            with self.connection.transaction(), self.connection.cursor() as cursor:
                yield cursor
            return
        cursor = self.connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            yield cursor
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def state(self) -> dict[str, str]:
        try:
            with self.transaction() as cursor:
                cursor.execute("SELECT key, value FROM tthc_state")
                return {k: v for k, v in cursor.fetchall()}
        except Exception as exc:
            raise StoreError(f"{safe_url(self.url)}: chưa khởi tạo bản sao ({exc}); chạy "
                             "`tthc sync init` trước") from None

    def rows(self) -> list[Row]:
        with self.transaction() as cursor:
            cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM tthc_documents ORDER BY type, id")
            return [Row(*values) for values in cursor.fetchall()]

    def put(self, cursor: Any, row: Row) -> None:
        marks = ", ".join([self.mark] * len(COLUMNS))
        updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[2:])
        cursor.execute(f"INSERT INTO tthc_documents ({', '.join(COLUMNS)}) VALUES ({marks}) "
                       f"ON CONFLICT (type, id) DO UPDATE SET {updates}", row.values())

    def get(self, cursor: Any, kind: str, ident: str) -> Row | None:
        cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM tthc_documents "
                       f"WHERE type = {self.mark} AND id = {self.mark}", (kind, ident))
        found = cursor.fetchone()
        return Row(*found) if found else None

    def clear(self, cursor: Any) -> None:
        cursor.execute("DELETE FROM tthc_documents")

    def set_state(self, cursor: Any, values: dict[str, str]) -> None:
        for key, value in sorted(values.items()):
            cursor.execute(f"INSERT INTO tthc_state (key, value) VALUES ({self.mark}, "
                           f"{self.mark}) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           (key, value))


def safe_url(url: str) -> str:
    """The URL without a password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
    return url
