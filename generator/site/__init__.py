"""The public site: prepared page contexts rendered into a mkdocs-material shell.

    load + validate → resolve (status, local details, links) → shell (mkdocs-material builds
    the hand-written pages and one empty page per URL depth) → pages (our templates, pasted
    into the shell) → search (pagefind shards) → sitemap, Atom feed → swap into place.
"""

from .build import build_site

__all__ = ["build_site"]
