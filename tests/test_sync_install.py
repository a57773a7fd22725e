"""The sync client installs without the site's dependencies (the `sync` extra): `tthc sync`
must never import mkdocs, jinja2, GitPython or pagefind. Checked in a fresh interpreter in
which importing any of them fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BLOCKED = ("mkdocs", "material", "jinja2", "git", "pagefind", "markupsafe")
PROGRAM = f"""
import importlib.abc, sys

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {BLOCKED!r}:
            raise ImportError(f"{{name}} is a site dependency")
        return None

sys.meta_path.insert(0, Block())
from generator.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_tthc_sync_runs_without_the_site_dependencies(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", PROGRAM, "sync", "status", "--dir",
                           str(tmp_path / "nowhere")], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 1, done.stderr
    assert "chưa khởi tạo" in done.stderr and "site dependency" not in done.stderr
