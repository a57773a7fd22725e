"""Put a finished build in place of the previous site.

A full build swaps the whole new folder in by renames. A rebuild holds only what changed
(rendered pages, re-indexed search shards, and the small hand-written part that mkdocs
rebuilds every time); it is moved into the existing site file by file, each move atomic,
and only after every step of the build succeeded. Pages the catalogue no longer has are
then deleted. Folders deleted wholesale are removed in the background.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .manifest import Manifest
from .search import BUNDLE


def static_files(staging: Path, manifest: Manifest) -> list[str]:
    """Files of the build that are neither generated pages nor search shards (the mkdocs
    part, sitemap, feed): a rebuild rewrites all of them and deletes the ones that went."""
    names: list[str] = []
    for folder, dirnames, files in os.walk(staging):
        here = Path(folder).relative_to(staging).as_posix()
        if here == BUNDLE.rstrip("/"):
            dirnames.clear()
        names.extend(f if here == "." else f"{here}/{f}" for f in files)
    return sorted(set(names) - manifest.pages.keys() - manifest.feeds.keys())


def swap(staging: Path, out: Path) -> None:
    """Replace `out` by `staging` with renames only (no window with a half-written site)."""
    discard = _discard_folder(out)
    if out.exists():
        out.rename(discard / out.name)
    staging.rename(out)
    remove_in_background(discard)


def patch(staging: Path, out: Path, previous: Manifest, manifest: Manifest) -> None:
    """Move the changed files of `staging` into `out`; delete what the new build dropped."""
    discard = _discard_folder(out)
    bundle = staging / BUNDLE
    for shard in sorted(bundle.iterdir()) if bundle.is_dir() else []:
        if shard.is_dir():                # a re-indexed shard replaces the old one whole
            old = out / BUNDLE / shard.name
            if old.exists():
                old.rename(discard / f"shard-{shard.name}")
            (out / BUNDLE).mkdir(parents=True, exist_ok=True)
            shard.rename(old)
    for folder, _, files in os.walk(staging):
        for name in files:
            source = Path(folder) / name
            target = out / source.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    gone_pages = previous.pages.keys() - manifest.pages.keys()
    gone_feeds = previous.feeds.keys() - manifest.feeds.keys()   # content-addressed files
    gone = ((set(previous.static) - set(manifest.static) - manifest.pages.keys()
             - manifest.feeds.keys()) | gone_pages | gone_feeds)
    for name in sorted(gone):
        (out / name).unlink(missing_ok=True)
    for name in sorted(gone_pages):    # files published beside a page go with it
        _remove_page_folder(out / name)
    for name in sorted(gone, reverse=True):
        _prune_empty((out / name).parent, out)
    wanted = {s.split("/")[1] for s in manifest.shards}
    for shard in sorted((out / BUNDLE).iterdir()) if (out / BUNDLE).is_dir() else []:
        if shard.is_dir() and shard.name not in wanted:
            shard.rename(discard / f"stale-{shard.name}")
    shutil.rmtree(staging, ignore_errors=True)
    remove_in_background(discard)


def _remove_page_folder(page: Path) -> None:
    folder = page.parent
    if not folder.is_dir():
        return
    for child in folder.iterdir():
        if child.is_file():
            child.unlink()
    if not any(folder.iterdir()):     # kept when it still holds other pages
        folder.rmdir()


def _prune_empty(folder: Path, out: Path) -> None:
    """Remove folders left empty, up to (not including) the site's root."""
    while folder != out and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _discard_folder(out: Path) -> Path:
    return Path(tempfile.mkdtemp(prefix=".tthc-discard.", dir=out.parent))


def remove_in_background(folder: Path) -> None:
    """Delete `folder` without waiting: unlinking tens of thousands of files is
    housekeeping, not part of the build (`rm` keeps running after the build returns)."""
    shell = shutil.which("sh")
    if shell is None or os.name != "posix":
        shutil.rmtree(folder, ignore_errors=True)
        return
    subprocess.run([shell, "-c", 'rm -rf -- "$1" >/dev/null 2>&1 &', "sh", str(folder)],
                   check=False, stdin=subprocess.DEVNULL)
