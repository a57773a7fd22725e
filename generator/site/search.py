"""Search with pagefind, in shards.

Each page gets a small search document (its title weighted high, its text, the names of
other records it merely mentions weighted low, its filters, and its đ-words folded to `d`).
Pages are dealt into shards by a hash of their URL; each shard is indexed by its own
pagefind process, two at a time, so peak memory is bounded by the shard size and not by the
catalogue. The search page merges the shards in the browser (`mergeIndex`). A rebuild
re-indexes only the shards whose documents changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import threading
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import escape

from . import urls
from .folding import d_words, fold
from .page import Page, SearchDoc
from .pagefind_canon import canonicalise
from .specs import PageSpec

BUNDLE = "pagefind/"
SHARD_TARGET = 320                # pages per shard, while there are at most MAX_SHARDS
MAX_SHARDS = 32
SEPARATOR = "§"                   # not a word: marks the folded list for the search page's JS


@dataclass
class SearchStats:
    shards: int = 0
    indexed: int = 0              # shards indexed in this build (the rest were kept)
    pages: int = 0
    peak_rss_mb: float = 0.0      # the largest pagefind process
    peak_total_mb: float = 0.0    # upper bound of concurrent pagefind memory
    seconds: list[float] = field(default_factory=list)


def shard_count(pages: int) -> int:
    return max(1, min(MAX_SHARDS, -(-pages // SHARD_TARGET)))


def shard_of(url: str, shards: int) -> int:
    return zlib.crc32(url.encode()) % shards


def code_token(code: str) -> str:
    """`1.001193` → `ma1001193`: one word pagefind cannot split. The search page turns a
    typed code into this word (`processTerm` in search.js)."""
    return "ma" + code.replace(".", "")


def document(page: Page) -> str:
    """The HTML pagefind indexes for one page (never served to readers).

    The page's own words come first; everything after the first `§` only helps matching
    (the title without diacritics, the code as one word, the đ-words folded to `d`), and the
    search page never shows it in an excerpt."""
    assert page.search is not None
    doc: SearchDoc = page.search()
    folded_heading = fold(doc.heading) if "đ" in doc.heading.lower() else ""
    extra = d_words([*doc.body, *doc.mentions])
    parts = ['<!doctype html><html lang="vi"><head><meta charset="utf-8">',
             f"<title>{escape(doc.title)}</title></head><body>",
             f'<span data-pagefind-meta="excerpt">{escape(doc.excerpt)}</span>',
             *(f'<span data-pagefind-filter="{escape(name)}">{escape(value)}</span>'
               for name, values in doc.filters.items() for value in values),
             f'<main data-pagefind-body><h1 data-pagefind-meta="title">{escape(doc.title)}</h1>',
             f"<p>{escape(doc.heading)}</p>"]
    parts.extend(f"<p>{escape(text)}</p>" for text in doc.body if text)
    if doc.mentions:
        parts.append('<ul data-pagefind-weight="0.5">'
                     + "".join(f"<li>{escape(m)}</li>" for m in doc.mentions) + "</ul>")
    if folded_heading:
        parts.append(f'<p data-pagefind-weight="7">{SEPARATOR} {escape(folded_heading)}</p>')
    if doc.code:                      # a typed code finds its own page first
        parts.append(f'<p data-pagefind-weight="10">{SEPARATOR} {code_token(doc.code)}</p>')
    if doc.mentioned_codes:
        parts.append(f'<p data-pagefind-weight="0.5">{SEPARATOR} '
                     + " ".join(code_token(c) for c in doc.mentioned_codes) + "</p>")
    if extra:
        chunks = [" ".join(extra[i:i + 8]) for i in range(0, len(extra), 8)]
        parts.append(f"<p>{SEPARATOR} " + f" {SEPARATOR} ".join(chunks) + "</p>")
    parts.append("</main></body></html>")
    return "".join(parts)


@dataclass
class SearchPlan:
    """Which shard each page falls in, and which shards this build must index."""

    count: int
    shard: dict[str, int]          # URL of every searchable page → its shard
    hashes: dict[str, str]         # "<count>/<k>" → hash of the shard's page keys
    todo: list[int]                # shards to index in this build
    documents: Path                # search documents of shard k go under documents/k/
    sizes: list[int] = field(default_factory=list)

    def wants(self, spec: PageSpec) -> bool:
        """Must this page's search document be written (its shard is being indexed)?"""
        k = self.shard.get(spec.url)
        return k is not None and k in self._todo

    def write(self, page: Page) -> None:
        path = self.documents / str(self.shard[page.url]) / urls.output_file(page.url)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document(page), "utf-8")

    @property
    def _todo(self) -> set[int]:
        return set(self.todo)


def plan_search(specs: list[PageSpec], published: Path, previous: dict[str, str],
                documents: Path) -> SearchPlan:
    """Deal the searchable pages into shards; a shard is kept when its hash (made of its
    pages' keys) is the previous build's and its bundle is in the published site, so pages
    of kept shards are never built for search."""
    searchable = [s for s in specs if s.searchable]
    count = shard_count(len(searchable))
    members: list[list[PageSpec]] = [[] for _ in range(count)]
    for spec in searchable:
        members[shard_of(spec.url, count)].append(spec)
    hashes = {f"{count}/{k}": _shard_hash(group) for k, group in enumerate(members)}
    keep = {f"{k}/" for k in range(count)
            if previous.get(f"{count}/{k}") == hashes[f"{count}/{k}"]
            and (published / BUNDLE / f"{k}" / "pagefind-entry.json").is_file()}
    return SearchPlan(count, {s.url: shard_of(s.url, count) for s in searchable}, hashes,
                      [k for k in range(count) if f"{k}/" not in keep], documents,
                      [len(m) for m in members])


def index_search(plan: SearchPlan, target: Path,
                 progress: Callable[[str], None]) -> SearchStats:
    """Run pagefind on the shards to index, two at a time; write `pagefind/shards.json`."""
    stats = SearchStats(shards=plan.count, pages=len(plan.shard), indexed=len(plan.todo))
    if plan.todo:
        progress(f"tìm kiếm: lập chỉ mục {len(plan.todo)}/{plan.count} phần "
                 f"({sum(plan.sizes[k] for k in plan.todo)} trang)")
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        results = list(pool.map(
            lambda k: _index_shard(plan.documents / str(k), target / BUNDLE / str(k)),
            plan.todo))
    for seconds, rss in results:
        stats.seconds.append(round(seconds, 3))
        stats.peak_rss_mb = max(stats.peak_rss_mb, rss)
    stats.peak_total_mb = sum(sorted((rss for _, rss in results), reverse=True)[:2])
    (target / BUNDLE).mkdir(parents=True, exist_ok=True)
    (target / BUNDLE / "shards.json").write_text(
        json.dumps({"shards": [f"{k}/" for k in range(plan.count)]}) + "\n", "utf-8")
    return stats


def _shard_hash(group: list[PageSpec]) -> str:
    digest = hashlib.sha256()
    for url, key in sorted((s.url, s.key) for s in group):
        digest.update(f"{url}\0{key}\0".encode())
    return digest.hexdigest()


def _index_shard(documents: Path, out: Path) -> tuple[float, float]:
    import time

    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None:
        raise RuntimeError("không tìm thấy chương trình pagefind (cài gói pagefind[bin])")
    documents.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(binary), "--site", str(documents), "--output-path", str(out), "--force-language",
         "vi", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    watcher = _PeakMemory(process.pid)
    with process.stdout or open(os.devnull, "rb") as stream:
        output = stream.read()
    process.wait()
    watcher.stop()
    if process.returncode != 0:
        raise RuntimeError("pagefind thất bại: " + output.decode("utf-8", "replace")[-2000:])
    canonicalise(out)                 # pagefind writes filters in arbitrary order
    return time.perf_counter() - started, watcher.peak_mb


class _PeakMemory:
    """pagefind's own peak resident memory, read from /proc while it runs (Linux).

    `ru_maxrss` of a child cannot be used: Linux carries the parent's resident size (the
    whole loaded catalogue) into the child's at `exec`. `VmHWM` belongs to the program after
    `exec` and only grows, so the last reading before it exits is its peak.
    """

    def __init__(self, pid: int) -> None:
        self.path = Path(f"/proc/{pid}/status")
        self.peak_mb = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._done.wait(0.02):
            try:
                status = self.path.read_text()
            except OSError:
                return
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_mb = max(self.peak_mb, int(line.split()[1]) / 1024)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()
