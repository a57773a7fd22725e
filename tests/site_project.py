"""A real project for build tests: the example catalogue with the site's templates, in a git
repository of two commits, and `build()`, which runs `tthc build` on it and returns its
statistics."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

from examples import make_tree

from generator.site import build_site

PROJECT = Path(__file__).parent.parent
FIRST = "2026-03-02T10:00:00+07:00"
SECOND = "2026-04-15T09:30:00+07:00"


def git(root: Path, *args: str, when: str = FIRST) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
           "GIT_AUTHOR_NAME": "Cán bộ", "GIT_AUTHOR_EMAIL": "cb@example.vn",
           "GIT_COMMITTER_NAME": "Cán bộ", "GIT_COMMITTER_EMAIL": "cb@example.vn"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def make_project(folder: Path) -> Path:
    """The example catalogue with the site's templates, in a git repository of two commits:
    everything on FIRST, then 2.000815 amended on SECOND."""
    root = make_tree(folder)
    shutil.copy(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(PROJECT / "site_templates", root / "site_templates")
    shutil.copytree(PROJECT / "content" / "pages", root / "content" / "pages")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "catalogue")
    procedure = root / "content/procedures/bo-tu-phap/2.000815.yaml"
    procedure.write_text(procedure.read_text("utf-8").replace(
        "\ntrinh_tu_thuc_hien:", "\ntu_khoa:\n  - sao y\ntrinh_tu_thuc_hien:", 1), "utf-8")
    git(root, "commit", "-q", "-am", "amend 2.000815", when=SECOND)
    return root


def build(root: Path, out: Path, as_of: str = "2026-06-01") -> dict[str, object]:
    stats = out.parent / f"{out.name}.stats.json"
    assert build_site(root, out, as_of=date.fromisoformat(as_of), stats_file=stats,
                      quiet=True) == 0
    result: dict[str, object] = json.loads(stats.read_text("utf-8"))
    return result


THIRD_COMMIT = "2026-05-04T08:00:00+07:00"


def make_signed_project(folder: Path) -> tuple[Path, Path]:
    """make_project plus signing keys from `tthc keys init` (in `folder/keys`, outside the
    repository) and their public root committed under trust/: (project, key folder)."""
    from generator.cli import main

    root = make_project(folder / "project")
    keys = folder / "keys"
    assert main(["keys", "init", "--dir", str(keys), "--root", str(root)]) == 0
    git(root, "add", "trust")
    git(root, "commit", "-q", "-m", "trust root", when=THIRD_COMMIT)
    return root, keys


def keys_secret(keys: Path) -> str:
    """The key folder as the one CI secret `TTHC_KEYS` holds: {file name: PEM}."""
    return json.dumps({p.name: p.read_text("ascii") for p in sorted(keys.iterdir())})
