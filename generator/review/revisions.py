"""The two sides of a change, read from git with GitPython: which files differ between the
base and the head, and the bytes of any file on either side.

A pull request's change is what its head adds to the point where it left the base (the
merge base), as GitHub shows it: commits merged into the base meanwhile are not the
author's. Paths are relative to the project (which may be a folder inside the repository).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import git

STATUS = {"A": "added", "M": "modified", "D": "removed", "R": "renamed", "T": "modified"}


class ReviewError(Exception):
    """The change cannot be read: says why and what to do."""


@dataclass(frozen=True)
class ChangedFile:
    path: str                 # on the head side (the base side for a removed file)
    status: str               # added | modified | removed | renamed
    old_path: str | None      # on the base side (None for an added file)

    @property
    def on_head(self) -> bool:
        return self.status != "removed"


class Revisions:
    """Base and head of one change in the repository holding `root`."""

    def __init__(self, root: Path, base: str, head: str = "HEAD") -> None:
        try:
            import git
        except ImportError:
            raise ReviewError("cần GitPython: pip install 'tthc[review]'") from None
        try:
            self.repo = git.Repo(root, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise ReviewError(f"{root}: không nằm trong một kho git") from None
        top = Path(self.repo.working_tree_dir or root).resolve()
        prefix = root.resolve().relative_to(top).as_posix()
        self.prefix = "" if prefix == "." else prefix + "/"
        self.head: git.Commit = self._commit(head)
        tip = self._commit(base)
        bases = self.repo.merge_base(tip, self.head)
        if not bases:
            raise ReviewError(f"`{base}` và `{head}` không có lịch sử chung")
        self.base: git.Commit = self.repo.commit(bases[0])
        self._listings: dict[str, dict[str, str]] = {}

    def changed(self) -> list[ChangedFile]:
        """Every file that differs, sorted by path."""
        found = []
        for diff in self.base.diff(self.head, paths=self.prefix or None):
            status = STATUS.get((diff.change_type or "M")[0], "modified")
            new, old = self._relative(diff.b_path), self._relative(diff.a_path)
            if status == "removed":
                found.append(ChangedFile(old or "", status, old))
            else:
                found.append(ChangedFile(new or "", status, None if status == "added" else old))
        return sorted(found, key=lambda f: f.path)

    def head_paths(self, folder: str) -> list[str]:
        """Every file under `folder` on the head side."""
        prefix = folder.rstrip("/") + "/"
        return sorted(p for p in self._listing(self.head) if p.startswith(prefix))

    def read_head(self, path: str) -> bytes | None:
        return self._read(self.head, path)

    def read_base(self, path: str) -> bytes | None:
        return self._read(self.base, path)

    def _read(self, commit: git.Commit, path: str) -> bytes | None:
        sha = self._listing(commit).get(path)
        if sha is None:
            return None
        data: bytes = self.repo.odb.stream(bytes.fromhex(sha)).read()
        return data

    def _listing(self, commit: git.Commit) -> dict[str, str]:
        """The blobs of the project's files in `commit`, by path: one `git ls-tree` per
        side (walking trees object by object costs a parse per folder per file)."""
        if commit.hexsha not in self._listings:
            found = {}
            raw = self.repo.git.ls_tree("-r", "-z", "--full-tree", commit.hexsha, "--",
                                        self.prefix or ".")
            for entry in raw.split("\0"):
                meta, _, path = entry.partition("\t")
                parts = meta.split()
                if len(parts) == 3 and parts[1] == "blob":
                    found[self._relative(path) or ""] = parts[2]
            self._listings[commit.hexsha] = found
        return self._listings[commit.hexsha]

    def _commit(self, rev: str) -> git.Commit:
        import git

        try:
            commit = self.repo.commit(rev)
            self.repo.git.cat_file("-e", f"{commit.hexsha}^{{commit}}")
            return commit
        except (git.BadName, ValueError, git.GitCommandError):
            raise ReviewError(f"không tìm thấy phiên bản `{rev}` trong kho git (với bản sao "
                              "nông, lấy đủ lịch sử: git fetch --unshallow, hoặc "
                              "actions/checkout với fetch-depth: 0)") from None

    def _relative(self, path: str | None) -> str | None:
        if path is None:
            return None
        return path[len(self.prefix):] if path.startswith(self.prefix) else path
