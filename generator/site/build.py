"""`tthc build`: validate, resolve, render and index the public site into `site/`.

The build gathers everything before it writes anything: it validates first, builds into a
temporary folder beside the output, and publishes only when every step succeeded, so a
failed build leaves the previous site untouched. A first build swaps the whole folder in;
a rebuild writes only pages and search shards whose inputs changed and moves them into
the published site (publish.py).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ..feeds.feed import assemble
from ..feeds.history import read_history
from ..feeds.output import write_feed
from ..feeds.signing import Signing, sign_feed, signing_keys
from ..feeds.trust import TrustError
from ..loadcache import LoadCache
from ..reporting import render as render_report
from ..schemas import schema_folder
from ..validate import collector_paused, validate_catalog
from ..versions import read_index
from . import urls
from .atom import decision_feed
from .gitdates import last_changed
from .manifest import Manifest, manifest_path
from .output import Job, write_pages
from .publish import patch, remove_in_background, static_files, swap
from .render import Renderer
from .resolve import Resolved, resolve
from .search import SearchStats, index_search, plan_search
from .shell import Shells, build_shell_site, inputs_fingerprint
from .sitemap import write_sitemaps
from .specs import PageSpec, page_specs

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class BuildStats:
    as_of: str = ""
    files_checked: int = 0
    parsed: int = 0                # content files parsed (the rest came from the cache)
    pages: int = 0
    rendered: int = 0              # pages rendered in this build (the rest were kept)
    feed_files: int = 0            # feed documents of this build
    feed_written: int = 0          # … written (the rest were published already)
    feed_sequence: int = 0         # the change log's head
    feed_version: int = 0          # the TUF version signed
    feed_development: bool = True  # signed with the throw-away development key
    mkdocs: bool = True            # mkdocs ran (False: a rebuild reused the shells)
    page_cpu: float = 0.0          # processor seconds building, rendering, writing pages
    document_cpu: float = 0.0      # processor seconds writing search documents
    seconds: dict[str, float] = field(default_factory=dict)
    search: SearchStats = field(default_factory=SearchStats)


def today_in_vietnam() -> date:
    return datetime.now(VIETNAM).date()


def build_site(root: Path, out: Path, *, as_of: date | None = None,
               stats_file: Path | None = None, quiet: bool = False,
               require_keys: bool = False) -> int:
    """Build the site; 0 on success, 1 when the content is invalid or a step failed."""
    with collector_paused():           # the catalogue is millions of long-lived objects
        return _build_site(root, out, as_of, stats_file, quiet, require_keys)


def _build_site(root: Path, out: Path, as_of: date | None, stats_file: Path | None,
                quiet: bool, require_keys: bool) -> int:
    say: Callable[[str], None] = (lambda _: None) if quiet else _say
    stats = BuildStats(as_of=(as_of or today_in_vietnam()).isoformat())
    cache = LoadCache(root / ".cache" / "tthc-build" / "parsed.pickle", schema_folder(root))
    with _timed(stats, "validate"):
        report, catalog = validate_catalog(root, cache=cache)
    stats.parsed = stats.files_checked = report.files_checked
    stats.parsed -= cache.hits
    stats.files_checked = report.files_checked
    if not report.ok:
        sys.stdout.write(render_report(report, "text"))
        print(f"tthc build: nội dung không hợp lệ; giữ nguyên {out}.", file=sys.stderr)
        return 1
    say(f"tthc build: {report.files_checked} tệp nội dung hợp lệ")
    try:
        signing = signing_keys(sorted(e.stem for e in catalog.of_kind("agency")), require_keys)
        stats.feed_development = signing.development
    except TrustError as exc:
        print(f"tthc build: {exc}; giữ nguyên {out}.", file=sys.stderr)
        return 1
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site.", dir=out.parent))
    staging.chmod(0o755)
    state = manifest_path(root, out)
    work = Path(tempfile.mkdtemp(prefix="tthc-build-"))
    try:
        with _timed(stats, "history"):
            versions = read_index(root, root / ".cache" / "tthc-build" / "versions.pickle")
        with _timed(stats, "resolve"):
            found = resolve(catalog, date.fromisoformat(stats.as_of), cache.digests(),
                            versions, root / ".cache" / "tthc-build" / "texts.pickle")
        previous = Manifest.load(state) if out.is_dir() else Manifest()
        manifest = _build(root, out, staging, work, found, previous, stats, say, signing)
        if found.blobs is not None:
            found.blobs.close()
    except Exception as exc:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
        print(f"tthc build: dựng trang thất bại ({type(exc).__name__}: {exc}); "
              f"giữ nguyên {out}.", file=sys.stderr)
        return 1
    remove_in_background(work)         # one search document per page: many small files
    if previous.pages:
        patch(staging, out, previous, manifest)
    else:
        swap(staging, out)
    manifest.save(state, out)
    cache.save()
    if stats_file is not None:
        stats_file.write_text(json.dumps(asdict(stats), indent=2) + "\n", "utf-8")
    say(f"tthc build: {stats.pages} trang ({stats.rendered} dựng lại), "
        f"tìm kiếm {stats.search.indexed}/{stats.search.shards} phần lập lại; "
        f"xong trong {sum(stats.seconds.values()):.1f} s → {out}")
    return 0


def _build(root: Path, out: Path, staging: Path, work: Path, found: Resolved,
           previous: Manifest, stats: BuildStats, say: Callable[[str], None],
           signing: Signing) -> Manifest:
    with _timed(stats, "shell"):
        shells, stats.mkdocs = _shells(root, staging, work, previous)
        renderer = Renderer(root / "site_templates", shells)
    with _timed(stats, "resolve"):
        specs = list(page_specs(found, renderer))
        plan = plan_search(specs, out, previous.shards, work / "search")
    stats.pages = len(specs)
    manifest = Manifest(shards=plan.hashes, shell=shells.to_dict())
    with _timed(stats, "pages"):
        job = Job(specs, renderer, plan, root, staging)
        done = write_pages(job, out, previous, manifest)
        stats.rendered = done.rendered
        stats.page_cpu = round(done.page_seconds, 3)
        stats.document_cpu = round(done.document_seconds, 3)
    with _timed(stats, "search"):
        stats.search = index_search(plan, staging, say)
    with _timed(stats, "feeds"):
        history = read_history(root, [e.path for e in found.catalog.entries])
        feed = assemble(found, history, schema_folder(root) / "feeds",
                        development=stats.feed_development)
        stats.feed_files, stats.feed_sequence = len(feed.targets), feed.sequence
        stats.feed_written = write_feed(feed, staging, out, previous, manifest)
        stats.feed_version = sign_feed(feed, history, root, staging, out, signing)
    with _timed(stats, "sitemap"):
        _write_sitemap_and_feed(root, staging, found, specs, shells)
    manifest.static = sorted((set(shells.files) | set(static_files(staging, manifest)))
                             - manifest.pages.keys())
    return manifest


def _shells(root: Path, staging: Path, work: Path, previous: Manifest) -> tuple[Shells, bool]:
    """mkdocs builds the hand-written part and the shells, unless a rebuild finds what it
    reads unchanged: the site then keeps that part and the previous shells are reused.
    Returns the shells and whether mkdocs ran."""
    if previous.pages and previous.shell.get("inputs") == inputs_fingerprint(root):
        return Shells.from_dict(previous.shell), False
    return build_shell_site(root, staging, work), True


def _write_sitemap_and_feed(root: Path, staging: Path, found: Resolved,
                            pages: list[PageSpec], shells: Shells) -> None:
    site_url = shells.site_url
    changed = last_changed(root)
    entries: list[tuple[str, str | None]] = []
    for page in pages:
        dates = [changed[s] for s in page.sources if s in changed]
        entries.append((page.url, _day(max(dates)) if dates else None))
    pages_dir = root / "content" / "pages"
    for md in sorted(pages_dir.rglob("*.md")):
        rel = md.relative_to(pages_dir).with_suffix("").as_posix()
        url = "" if rel == "index" else rel[:-len("index")] if rel.endswith("/index") else rel + "/"
        when = changed.get(md.relative_to(root).as_posix())
        entries.append((url, _day(when) if when else None))
    write_sitemaps(staging, site_url, entries)
    feed = staging / urls.DECISION_FEED
    feed.parent.mkdir(parents=True, exist_ok=True)
    feed.write_text(decision_feed(found.decisions, site_url, shells.site_name, changed), "utf-8")


def _day(iso: str) -> str:
    return iso[:10]


@contextmanager
def _timed(stats: BuildStats, stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        spent = time.perf_counter() - started
        stats.seconds[stage] = round(stats.seconds.get(stage, 0.0) + spent, 3)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
