"""The shell: mkdocs-material builds the hand-written pages (home, guides, search) plus one
empty page per URL depth; every generated page is pasted into the shell of its depth.

mkdocs sees only `content/pages/` and a few stubs, never a procedure: its cost stays flat
however large the catalogue grows. Section pages in the navigation (`thu-tuc/`, …) are stubs
too, so the navigation marks them; their output file is the shell of their own URL.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import urls

SHELL_FOLDER = "_vo"
MAX_DEPTH = 6
MARKERS = ("TITLE", "DESCRIPTION", "URL", "HEAD", "ARTICLE")
_MARKER = re.compile(r"@@TTHC:(" + "|".join(MARKERS) + ")@@")
_INDENT = re.compile(r"\n\s+")
_KEEPS_WHITESPACE = re.compile(r"<(pre|textarea)\b", re.IGNORECASE)
SECTION_STUBS = {urls.PROCEDURES: "Thủ tục hành chính", urls.FIELDS: "Theo lĩnh vực",
                 urls.LEVELS: "Theo cấp thực hiện", urls.DECISIONS: "Quyết định công bố",
                 urls.AGENCIES: "Cơ quan"}


@dataclass(frozen=True)
class Shell:
    """A page split at its markers: pieces[0] marker[0] pieces[1] marker[1] …"""

    pieces: tuple[str, ...]
    markers: tuple[str, ...]
    encoded: tuple[bytes, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # encoded once: every page repeats them
        object.__setattr__(self, "encoded", tuple(p.encode() for p in self.pieces))

    def fill(self, values: dict[str, str]) -> bytes:
        """The page as UTF-8, each marker replaced by its value."""
        out = [self.encoded[0]]
        for marker, piece in zip(self.markers, self.encoded[1:], strict=True):
            out.append(values[marker].encode())
            out.append(piece)
        return b"".join(out)

    @classmethod
    def parse(cls, html: str) -> Shell:
        parts = _MARKER.split(_compact(html))
        return cls(tuple(parts[0::2]), tuple(parts[1::2]))


def _compact(html: str) -> str:
    """The theme's indentation and blank lines, each run cut to one line break (a third of
    the shell, written again with every page). Outside `<pre>` and `<textarea>` a browser
    shows any run of whitespace as one space, so the page looks the same."""
    return html if _KEEPS_WHITESPACE.search(html) else _INDENT.sub("\n", html)


@dataclass
class Shells:
    by_depth: dict[int, Shell]
    by_url: dict[str, Shell]
    fingerprint: str = ""          # changes whenever any shell changes
    inputs: str = ""               # fingerprint of what mkdocs read (see `inputs_fingerprint`)
    site_url: str = ""             # from mkdocs.yml, ending with "/" (or empty)
    site_name: str = ""
    files: list[str] = field(default_factory=list)  # what mkdocs wrote into the site

    def for_url(self, url: str) -> Shell:
        return self.by_url.get(url) or self.by_depth[urls.depth(url)]

    def to_dict(self) -> dict[str, Any]:
        return {"by_depth": {str(d): [list(s.pieces), list(s.markers)]
                             for d, s in self.by_depth.items()},
                "by_url": {u: [list(s.pieces), list(s.markers)] for u, s in self.by_url.items()},
                "fingerprint": self.fingerprint, "inputs": self.inputs,
                "site_url": self.site_url, "site_name": self.site_name, "files": self.files}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Shells:
        return cls({int(d): Shell(tuple(p), tuple(m)) for d, (p, m) in data["by_depth"].items()},
                   {u: Shell(tuple(p), tuple(m)) for u, (p, m) in data["by_url"].items()},
                   data["fingerprint"], data["inputs"], data["site_url"], data["site_name"],
                   list(data["files"]))


def inputs_fingerprint(root: Path) -> str:
    """Everything mkdocs reads: when it is unchanged, a rebuild reuses the previous shells
    and the hand-written pages already in the site instead of running mkdocs again."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    digest.update(f"{version('mkdocs')} {version('mkdocs-material')}".encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(json.dumps(sorted((k, v) for k, v in os.environ.items()
                                    if k.startswith("TTHC_"))).encode())
    digest.update((root / "mkdocs.yml").read_bytes())
    for folder in (root / "content" / "pages", root / "site_templates"):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


def build_shell_site(root: Path, target: Path, work: Path) -> Shells:
    """Run mkdocs on `content/pages/` plus the stubs into `target`; return the shells."""
    docs = work / "docs"
    shutil.copytree(root / "content" / "pages", docs)
    for url, title in SECTION_STUBS.items():
        _stub(docs / url / "index.md", title)
    for depth in range(1, MAX_DEPTH + 1):
        _stub(docs / _shell_url(depth) / "index.md", "")
    config = _run_mkdocs(root, docs, target)
    shells = Shells({}, {}, inputs=inputs_fingerprint(root), site_name=str(config.site_name))
    shells.site_url = str(config.site_url or "")
    if shells.site_url and not shells.site_url.endswith("/"):
        shells.site_url += "/"
    digest = hashlib.sha256()
    for depth in range(1, MAX_DEPTH + 1):
        html = (target / _shell_url(depth) / "index.html").read_text("utf-8")
        shells.by_depth[depth] = Shell.parse(html)
        digest.update(html.encode())
    for url in SECTION_STUBS:
        html = (target / url / "index.html").read_text("utf-8")
        shells.by_url[url] = Shell.parse(html)
        digest.update(html.encode())
    shells.fingerprint = digest.hexdigest()
    shutil.rmtree(target / SHELL_FOLDER)
    for generated in ("sitemap.xml", "sitemap.xml.gz"):
        (target / generated).unlink(missing_ok=True)
    shells.files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*")
                          if p.is_file())
    return shells


def _shell_url(depth: int) -> str:
    return "/".join([SHELL_FOLDER, *map(str, range(1, depth))]) + "/"


def _stub(path: Path, title: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntemplate: tthc-shell.html\ntitle: \"{title}\"\n---\n", "utf-8")


def _run_mkdocs(root: Path, docs: Path, target: Path) -> Any:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(root / "mkdocs.yml"), docs_dir=str(docs), site_dir=str(target))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return config
