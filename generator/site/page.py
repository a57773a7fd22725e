"""One page of the generated part of the site: where it goes, what it shows, how it is found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SearchDoc:
    """What pagefind indexes for a page: weighted text and filter values."""

    title: str
    heading: str                                   # weighted like a page title
    body: list[str] = field(default_factory=list)  # normal weight
    mentions: list[str] = field(default_factory=list)  # low weight (names of other records)
    filters: dict[str, list[str]] = field(default_factory=dict)
    excerpt: str = ""                              # shown when no better excerpt exists
    code: str = ""                                 # a procedure's code, weighted highest
    mentioned_codes: list[str] = field(default_factory=list)  # codes of records it lists


@dataclass
class Page:
    url: str                       # site-relative folder URL, e.g. thu-tuc/1.001193/
    template: str                  # file under site_templates/pages/
    title: str
    description: str
    context: dict[str, Any]
    json_ld: dict[str, Any] | None = None
    search: Callable[[], SearchDoc] | None = None   # made only when the page is indexed
    sources: tuple[str, ...] = ()  # content files whose last commit dates the page
    files: tuple[tuple[str, str], ...] = ()  # (content file, output file) copied beside it
    in_sitemap: bool = True
