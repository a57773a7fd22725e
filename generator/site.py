"""`tthc build`: validate the content, then build the public site into `site/`.

The build gathers everything before it writes anything: it validates first, renders into
a temporary folder beside the output, and swaps that folder into place only when every
step succeeded, so a failed build leaves the previous site untouched.
"""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
from pathlib import Path

from .reporting import render
from .validate import validate

log = logging.getLogger("tthc.build")


def build_site(root: Path, out: Path) -> int:
    report = validate(root)
    if not report.ok:
        sys.stdout.write(render(report, "text"))
        print(f"tthc build: nội dung không hợp lệ; giữ nguyên {out}.", file=sys.stderr)
        return 1
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site.", dir=out.parent))
    staging.chmod(0o755)
    try:
        _render_mkdocs(root, staging)
    except Exception as exc:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"tthc build: dựng trang thất bại ({exc}); giữ nguyên {out}.", file=sys.stderr)
        return 1
    _swap(staging, out)
    print(f"tthc build: {report.files_checked} tệp nội dung hợp lệ; trang đã dựng vào {out}.",
          file=sys.stderr)
    return 0


def _render_mkdocs(root: Path, target: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(root / "mkdocs.yml"), site_dir=str(target))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


def _swap(staging: Path, out: Path) -> None:
    """Replace `out` by `staging` with renames only (no window with a half-written site)."""
    old = out.with_name(out.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    if old.exists():
        shutil.rmtree(old)
