"""Render a page's prepared context with our templates and paste it into its shell."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import escape

from .page import Page
from .shell import Shells
from .text import inline_html, text_html


class _Environment(Environment):
    """Contexts are plain dicts: `{{ page.name }}` reads the key first (Jinja's default
    tries an attribute first, which costs a failed lookup on every field of every page)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


class Renderer:
    def __init__(self, templates: Path, shells: Shells) -> None:
        self.env = _Environment(loader=FileSystemLoader(templates / "pages"),
                               undefined=StrictUndefined, autoescape=select_autoescape(["html"]),
                               trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                               auto_reload=False)  # templates never change during a build
        self.env.filters["text"] = text_html
        self.env.filters["inline"] = inline_html
        self.shells = shells
        self.fingerprint = _fingerprint(templates / "pages", shells.fingerprint)

    def render(self, page: Page) -> bytes:
        """The page's HTML file, encoded as UTF-8."""
        article = self.env.get_template(page.template).render(page.context)
        return self.shells.for_url(page.url).fill({
            "TITLE": str(escape(page.title)), "DESCRIPTION": str(escape(page.description)),
            "URL": str(escape(page.url)), "HEAD": _json_ld(page.json_ld), "ARTICLE": article})

    def page_hash(self, page: Page) -> str:
        """Changes when anything the page shows changes (its context, templates or shell)."""
        digest = hashlib.sha256(self.fingerprint.encode())
        # repr: contexts are dicts, lists and strings built in a fixed order
        digest.update(repr([page.url, page.template, page.title, page.description,
                            page.context, page.json_ld]).encode())
        return digest.hexdigest()


def _json_ld(data: dict[str, Any] | None) -> str:
    if data is None:
        return ""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # `</` cannot close the script element when escaped as `<\/` (nothing else can)
    return '<script type="application/ld+json">' + text.replace("</", "<\\/") + "</script>"


def _fingerprint(folder: Path, shell: str) -> str:
    digest = hashlib.sha256(shell.encode())
    for path in sorted(folder.rglob("*.html")):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
