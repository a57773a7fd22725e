"""Every page of the generated site, with a key that changes whenever what it shows changes.

A rebuild compares each page's key with the previous build's and renders only pages whose
key changed. For procedure pages, the bulk of the site, the key is computed from their
inputs (the record's bytes, the decisions that touch it, the names it shows, its status on
the build date, the templates and the shell) without building the page at all; the page
itself is built only when it must be rendered or indexed. Decision and index pages are few:
they are built every time and keyed by their prepared context.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import PurePosixPath
from typing import Any

from ..catalog import Entry
from ..crosscheck import procedure_code
from . import urls
from .decision_page import decision_page
from .history_page import history_page
from .list_pages import list_pages
from .page import Page
from .procedure_page import has_history, procedure_page
from .render import Renderer
from .resolve import Resolved


@dataclass
class PageSpec:
    url: str
    key: str
    sources: tuple[str, ...]
    searchable: bool
    make: Callable[[], Page] = field(repr=False)
    attachments: bool = False      # files are published beside the page
    built: Page | None = field(default=None, repr=False)

    def page(self) -> Page:
        if self.built is None:
            self.built = self.make()
        return self.built


def page_specs(found: Resolved, renderer: Renderer) -> Iterator[PageSpec]:
    decisions = hashlib.sha256(repr([(d.path, found.digest(d)) for d in found.decisions])
                               .encode()).hexdigest()
    for entry in found.procedures:
        code = str(procedure_code(entry))
        forms = _forms(entry, found)
        key = _procedure_key(entry, code, forms, found, renderer)
        yield PageSpec(urls.procedure(code), key, (entry.path,), True,
                       _later(procedure_page, entry, found),
                       attachments=any(exists for _, exists in forms))
        coming = found.upcoming.get(code)
        if coming is not None:
            yield PageSpec(urls.procedure_upcoming(code),
                           _procedure_key(coming, code, _forms(coming, found), found, renderer,
                                          "upcoming"),
                           (coming.path,), False, partial(procedure_page, coming, found, True),
                           attachments=any(exists for _, exists in _forms(coming, found)))
        if has_history(code, found):
            yield PageSpec(urls.procedure_history(code),
                           _history_key(code, found, renderer, decisions),
                           (entry.path,), False, _later_history(code, found))
    for entry in found.decisions:
        yield _eager(decision_page(entry, found), renderer)
    for page in list_pages(found):
        yield _eager(page, renderer)


def _later(make: Callable[[Entry, Resolved], Page], entry: Entry,
           found: Resolved) -> Callable[[], Page]:
    return lambda: make(entry, found)


def _eager(page: Page, renderer: Renderer) -> PageSpec:
    return PageSpec(page.url, renderer.page_hash(page), page.sources, page.search is not None,
                    lambda: page, attachments=bool(page.files), built=page)


def _later_history(code: str, found: Resolved) -> Callable[[], Page]:
    return lambda: history_page(code, found)


def _history_key(code: str, found: Resolved, renderer: Renderer, decisions: str) -> str:
    """The texts, the decisions that could name them, the date's in-force text."""
    line = found.timelines[code]
    parts: list[Any] = [
        renderer.fingerprint, "history", found.as_of.isoformat() if code in found.upcoming
        else None, [(v.blob, v.commit, v.committed) for v in line.versions],
        decisions, found.digest(line.in_force) if line.in_force is not None else None]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _procedure_key(entry: Entry, code: str, forms: list[tuple[str, bool]], found: Resolved,
                   renderer: Renderer, variant: str = "") -> str:
    status = found.status[code]
    related = [str(c) for c in entry.data.get("thu_tuc_lien_quan", [])]
    if status.replacement:
        related.append(status.replacement)
    parts: list[Any] = [
        renderer.fingerprint, entry.path, found.digest(entry), found.names_digest,
        variant, has_history(code, found),
        [status.kind, status.since, _path(status.decision), status.replacement,
         _path(status.pending.decision) if status.pending else None, status.pending_since,
         _path(status.coming), status.coming_since],
        [(t.decision.path, found.digest(t.decision), t.list_name)
         for t in found.touches.get(code, [])],
        [(c, _digest(found.index.procedures.get(c), found)) for c in related],
        forms,
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()   # repr: lists, str, None only


def _path(entry: Entry | None) -> str | None:
    return entry.path if entry is not None else None


def _digest(entry: Entry | None, found: Resolved) -> str | None:
    return found.digest(entry) if entry is not None else None


def _forms(entry: Entry, found: Resolved) -> list[tuple[str, bool]]:
    """Which form files named by the record exist (a new file gives its row a link)."""
    named = [form["tep"] for group in entry.data.get("thanh_phan_ho_so", [])
             for document in group.get("giay_to", [])
             if isinstance(form := document.get("mau_don"), dict)
             and isinstance(form.get("tep"), str)]
    if not named:
        return []
    folder = found.catalog.root / PurePosixPath(entry.path).parent
    return [(name, (folder / name).is_file()) for name in named]
