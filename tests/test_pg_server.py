"""The throw-away PostgreSQL server of tests/pg_server.py is a real one: transactions commit,
roll back and stay invisible to other connections until committed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pg_server import postgres_server

if TYPE_CHECKING:
    from psycopg import Connection

psycopg = pytest.importorskip("psycopg", reason="the sync extra (psycopg) is not installed")


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    with postgres_server(tmp_path) as url:
        yield url


def test_server_commits_rolls_back_and_isolates(pg_url: str) -> None:
    with psycopg.connect(pg_url) as writer, psycopg.connect(pg_url, autocommit=True) as reader:
        writer.execute("CREATE TABLE procedures (code text PRIMARY KEY, name text NOT NULL)")
        writer.execute("INSERT INTO procedures VALUES ('1.001', 'Đăng ký khai sinh')")
        writer.commit()

        writer.execute("INSERT INTO procedures VALUES ('1.002', 'Đăng ký kết hôn')")
        assert _codes(reader) == ["1.001"], "an open transaction leaked to another connection"
        writer.rollback()

        writer.execute("INSERT INTO procedures VALUES ('1.003', 'Cấp bản sao trích lục')")
        assert _codes(writer) == ["1.001", "1.003"]
        assert _codes(reader) == ["1.001"]
        writer.commit()

        assert _codes(reader) == ["1.001", "1.003"]
        name = reader.execute("SELECT name FROM procedures WHERE code = '1.001'").fetchone()
        assert name == ("Đăng ký khai sinh",)


def test_server_is_gone_after_exit(tmp_path: Path) -> None:
    with postgres_server(tmp_path) as url:
        psycopg.connect(url).close()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)


def _codes(conn: Connection[Any]) -> list[str]:
    return [code for (code,) in conn.execute("SELECT code FROM procedures ORDER BY code")]
