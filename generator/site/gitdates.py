"""When each content file last changed, from git: one `git log` over the whole tree.

Dates come from commits, never from the clock or file times, so the same commit always
gives the same sitemap. Outside a git repository (a downloaded archive) there are none,
and pages are listed without `lastmod`. A shallow clone knows only its newest commit: build
with the full history (`fetch-depth: 0` in CI).
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger("tthc.build")


def last_changed(root: Path, folder: str = "content") -> dict[str, str]:
    """`content/...` path (relative to `root`) → ISO 8601 date of the last commit touching it."""
    try:
        import git
    except ImportError:  # pragma: no cover - GitPython is part of the site extra
        return {}
    try:
        repo = git.Repo(root, search_parent_directories=True)
        top = Path(repo.working_tree_dir or root).resolve()
        prefix = root.resolve().relative_to(top).as_posix()
        output = repo.git.log("--format=%x00%cI", "--name-only", "--no-renames",
                              "--", (f"{prefix}/" if prefix != "." else "") + folder)
    except (git.exc.InvalidGitRepositoryError, git.exc.NoSuchPathError,
            git.exc.GitCommandError, ValueError) as exc:
        log.info("không đọc được lịch sử git (%s): sitemap không ghi lastmod", exc)
        return {}
    dates: dict[str, str] = {}
    strip = len(prefix) + 1 if prefix != "." else 0
    for block in output.split("\0")[1:]:
        lines = block.strip().splitlines()
        if not lines:
            continue
        when = lines[0]
        for name in lines[1:]:
            if name:
                dates.setdefault(name[strip:], when)
    return dates
