"""A real, throw-away PostgreSQL server for the sync tests (STYLE.md: real parts in tests).

Each server gets its own data directory from `initdb`, listens only on 127.0.0.1 on a free
port (no Unix socket: pytest's deep temporary paths can exceed the 107-byte socket limit),
runs with durability switched off because the data is thrown away, and is stopped and
deleted on exit even when the test fails. `scripts/ensure-postgres.sh` installs the
programs; this module only finds them.

PostgreSQL refuses to run as root, so when the tests run as root (CI containers) the server
runs as an unprivileged account — `$TTHC_POSTGRES_USER`, else `postgres`, else `nobody` —
through subprocess's own setuid, with no su/runuser/sudo involved. Its data then lives in a
fresh directory that account can reach, since pytest's root-owned temporary tree is 0700.

Example fixture::

    @pytest.fixture
    def pg_url(tmp_path: Path) -> Iterator[str]:
        with postgres_server(tmp_path) as url:
            yield url
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
SUPERUSER = "tthc"
DATABASE = "tthc"
PROGRAMS = ("initdb", "pg_ctl", "postgres")
ENSURE_HINT = "run `bash scripts/ensure-postgres.sh` (it installs Debian's postgresql package)"
START_ATTEMPTS = 3  # a free port can be taken between choosing it and the server binding it

# Nothing here has to survive a crash, so skip every wait for the disk.
FAST_SETTINGS = {
    "listen_addresses": f"'{HOST}'",
    "unix_socket_directories": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_connections": "20",
    "shared_buffers": "16MB",
    "autovacuum": "off",
    "logging_collector": "off",
}


@dataclass(frozen=True)
class _Account:
    """Whom the server runs as: ourselves, or an unprivileged account when we are root."""

    uid: int
    gid: int

    def popen_args(self) -> dict[str, Any]:
        if self.uid == os.geteuid():
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


def find_postgres() -> Path | None:
    """The directory holding `initdb`, `pg_ctl` and `postgres`, searched in the same order as
    scripts/ensure-postgres.sh so that the script's answer is the one the tests use."""
    override = os.environ.get("TTHC_POSTGRES_BIN")
    if override:
        return Path(override) if _complete(Path(override)) else None
    on_path = shutil.which("pg_ctl")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_major, reverse=True)
    candidates += [Path("/usr/local/pgsql/bin")]
    return next((c for c in candidates if _complete(c)), None)


def _complete(bin_dir: Path) -> bool:
    return all(os.access(bin_dir / name, os.X_OK) for name in PROGRAMS)


def _major(bin_dir: Path) -> tuple[int, ...]:
    """`/usr/lib/postgresql/9.6/bin` -> (9, 6): numeric, so 16 sorts above 9.6."""
    return tuple(int(p) for p in bin_dir.parent.name.split(".") if p.isdigit())


@contextmanager
def postgres_server(tmp: Path) -> Iterator[str]:
    """Start a private server with an empty database; yields its libpq URL
    (`postgresql://tthc:PASSWORD@127.0.0.1:PORT/tthc`)."""
    bin_dir = find_postgres()
    if bin_dir is None:
        raise RuntimeError(f"PostgreSQL server programs not found: {ENSURE_HINT}")
    account = _server_account()
    run_dir = _run_dir(tmp, account)
    try:
        password = _initdb(bin_dir, run_dir, account)
        port = _start(bin_dir, run_dir, account)
        try:
            _create_database(f"postgresql://{SUPERUSER}:{password}@{HOST}:{port}/postgres")
            yield f"postgresql://{SUPERUSER}:{password}@{HOST}:{port}/{DATABASE}"
        finally:
            _stop(bin_dir, run_dir, account)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def _server_account() -> _Account:
    if os.geteuid() != 0:
        return _Account(os.geteuid(), os.getegid())
    names = [os.environ.get("TTHC_POSTGRES_USER", ""), "postgres", "nobody"]
    for name in filter(None, names):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        if entry.pw_uid != 0:
            return _Account(entry.pw_uid, entry.pw_gid)
    raise RuntimeError(f"running as root and no unprivileged account among {names} exists")


def _run_dir(tmp: Path, account: _Account) -> Path:
    """A new directory owned by the server's account, under `tmp` when that account can
    reach it, else under the system temporary directory."""
    bases = [tmp, Path(tempfile.gettempdir()), Path("/tmp")]
    base = next((b for b in bases if _reachable(b, account)), None)
    if base is None:
        raise RuntimeError(f"no directory reachable by uid {account.uid} among {bases}")
    run_dir = Path(tempfile.mkdtemp(prefix="postgres-", dir=base))
    os.chown(run_dir, account.uid, account.gid)
    return run_dir


def _reachable(path: Path, account: _Account) -> bool:
    """Whether `account` could reach a directory made in `path`: we create it (as root when
    the account is another one) and hand it over, so only the search bits on the way count."""
    if account.uid == os.geteuid():
        return os.access(path, os.W_OK | os.X_OK)
    for parent in [path.resolve(), *path.resolve().parents]:
        mode = parent.stat()
        if mode.st_uid == account.uid:
            bit = stat.S_IXUSR
        elif mode.st_gid == account.gid:
            bit = stat.S_IXGRP
        else:
            bit = stat.S_IXOTH
        if not mode.st_mode & bit:
            return False
    return True


def _initdb(bin_dir: Path, run_dir: Path, account: _Account) -> str:
    """Create the cluster; returns the superuser's password (password auth, because any
    local user could otherwise connect to 127.0.0.1)."""
    password = secrets.token_hex(16)
    pwfile = run_dir / "pwfile"
    pwfile.write_text(password + "\n", encoding="utf-8")
    os.chown(pwfile, account.uid, account.gid)
    _run(
        [
            str(bin_dir / "initdb"), "--pgdata", str(run_dir / "data"),
            "--username", SUPERUSER, f"--pwfile={pwfile}", "--auth=scram-sha-256",
            "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions",
        ],
        run_dir, account,
    )  # fmt: skip
    pwfile.unlink()
    settings = "".join(f"{name} = {value}\n" for name, value in FAST_SETTINGS.items())
    with (run_dir / "data" / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write("\n# tests/pg_server.py: throw-away server\n" + settings)
    return password


def _start(bin_dir: Path, run_dir: Path, account: _Account) -> int:
    """Start on a free port; returns the port once the server accepts connections."""
    log = run_dir / "server.log"
    failure = ""
    for _ in range(START_ATTEMPTS):
        log.unlink(missing_ok=True)  # so the next failure reports its own cause
        port = _free_port()
        command = [
            str(bin_dir / "pg_ctl"), "start", "--pgdata", str(run_dir / "data"),
            "--log", str(log), "--wait", "--timeout=30", "--silent", f"--options=-p {port}",
        ]  # fmt: skip
        try:
            _run(command, run_dir, account)
            return port
        except RuntimeError as error:
            failure = f"{error}\nserver log:\n{_tail(log)}"
            if "already in use" not in failure:
                break
    raise RuntimeError(failure)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _create_database(admin_url: str) -> None:
    """A database of its own, so a test may drop and recreate it; psycopg is imported here
    because only the sync extra installs it."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {DATABASE}")


def _stop(bin_dir: Path, run_dir: Path, account: _Account) -> None:
    """Stop at once (the data is thrown away); kill the postmaster if pg_ctl cannot."""
    data = run_dir / "data"
    try:
        _run([str(bin_dir / "pg_ctl"), "stop", "--pgdata", str(data), "--mode=immediate",
              "--wait", "--silent"], run_dir, account)  # fmt: skip
    except RuntimeError:
        pid_file = data / "postmaster.pid"
        if pid_file.exists():
            os.kill(int(pid_file.read_text(encoding="utf-8").split()[0]), signal.SIGKILL)
        raise


def _run(command: list[str], run_dir: Path, account: _Account) -> None:
    """Run one PostgreSQL program as the server's account, with a clean environment: a
    stray PGDATA or PGPORT from the caller must not redirect it."""
    completed = subprocess.run(
        command, cwd=run_dir, env=_environment(os.environ), capture_output=True, text=True,
        check=False, timeout=60, **account.popen_args(),
    )  # fmt: skip
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr).strip()
        raise RuntimeError(f"{' '.join(command)} failed ({completed.returncode}): {output}")


def _environment(parent: Mapping[str, str]) -> dict[str, str]:
    kept = {name: value for name, value in parent.items() if not name.startswith("PG")}
    return {**kept, "LC_ALL": "C"}


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
