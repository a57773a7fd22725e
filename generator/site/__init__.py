"""The public site: prepared page contexts rendered into a mkdocs-material shell.

    load + validate → resolve (status, local details, links) → shell (mkdocs-material builds
    the hand-written pages and one empty page per URL depth) → pages (our templates, pasted
    into the shell) → search (pagefind shards) → sitemap, Atom feed → swap into place.
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_site"]


def __getattr__(name: str) -> Any:
    """`build_site` is imported on first use: the feeds import `site.resolve` and the build
    imports the feeds, so importing the package must not import the build."""
    if name == "build_site":
        from .build import build_site

        return build_site
    raise AttributeError(name)
