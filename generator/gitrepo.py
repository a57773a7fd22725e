"""The git repository a project lives in, read with the `git` command: the one place that
finds it, refuses a shallow clone, and reads objects through `git cat-file --batch`.

The change log (`feeds/history.py`) and the versions of each procedure (`versions.py`)
both read history here.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import IO

BATCH = 500                        # object requests written at once (about 41 bytes each)


class NoHistory(Exception):
    """The project has no usable history: says why, in Vietnamese."""


def repository(root: Path) -> tuple[Path, str]:
    """(top folder of the repository, the project's folder inside it with a final `/`, or
    "" when the project is the repository)."""
    try:
        top = Path(git(root, "rev-parse", "--show-toplevel").strip()).resolve()
        shallow = git(root, "rev-parse", "--is-shallow-repository").strip()
    except (OSError, subprocess.CalledProcessError) as exc:
        raise NoHistory(str(exc).strip() or "không phải kho git") from exc
    if shallow == "true":
        raise NoHistory("bản sao git nông (shallow): cần toàn bộ lịch sử, fetch-depth: 0")
    prefix = root.resolve().relative_to(top).as_posix()
    return top, "" if prefix == "." else prefix + "/"


def git(where: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(where), *args], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def is_ancestor(top: Path, older: str, newer: str) -> bool:
    done = subprocess.run(["git", "-C", str(top), "merge-base", "--is-ancestor", older, newer],
                          capture_output=True, check=False)
    return done.returncode == 0


class Objects:
    """Blobs by name (`<blob id>` or `<commit>:<path>`), through one long-lived
    `git cat-file --batch` per process (a forked worker starts its own)."""

    def __init__(self, top: Path) -> None:
        self.top = top
        self._process: subprocess.Popen[bytes] | None = None
        self._pid = 0

    def read(self, names: list[str]) -> dict[str, bytes]:
        """The bytes of each name that is a blob (missing ones left out)."""
        if self._process is None or self._pid != os.getpid():
            self._process = subprocess.Popen(["git", "-C", str(self.top), "cat-file",
                                              "--batch"], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE)
            self._pid = os.getpid()
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        found = {}
        for start in range(0, len(names), BATCH):    # requests within the pipe's buffer:
            chunk = names[start:start + BATCH]       # git stops reading while we do not
            stdin.write("".join(f"{n}\n" for n in chunk).encode("utf-8"))
            stdin.flush()
            found.update({name: data for name in chunk if (data := _one(stdout)) is not None})
        return found

    def close(self) -> None:
        """Stop the `git cat-file` process (a later read starts another)."""
        process, self._process = self._process, None
        if process is not None and self._pid == os.getpid():
            assert process.stdin is not None and process.stdout is not None
            process.stdin.close()
            process.stdout.close()
            process.wait()

    def __del__(self) -> None:
        self.close()


def _one(stdout: IO[bytes]) -> bytes | None:
    """One answer of `cat-file --batch`: `<id> blob <size>` and the bytes, or `<name>
    missing` (a single line)."""
    header = stdout.readline().split()
    if len(header) != 3:
        return None
    data = stdout.read(int(header[2]))
    stdout.read(1)
    return data if header[1] == b"blob" else None
