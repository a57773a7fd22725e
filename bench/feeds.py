"""Benchmark the signed feeds (`site/api/v1/`): what building and signing them costs, and what
a portal downloads with `tthc sync`, first in full and then after a few changes.

    .venv/bin/python bench/feeds.py [--n 1000 10000] [--out bench/out-feeds] [--reuse]
                                    [--scope all] [--json FILE]
    .venv/bin/python bench/feeds.py --n 10000 100000 --out DIR     # the figures of the issue

For each N it writes a content tree of N procedures as bench/site.py does (`content_tree.py`,
the project's mkdocs.yml, site_templates/ and content/pages/, one git commit), runs
`tthc keys init` into OUT/n<N>.keys (outside the tree, as the keys must be) and commits
`trust/`; then it measures, every command a subprocess (interpreter start included):

* first build      `python -m generator build --root TREE --out TREE/site --stats …
                   --quiet --require-keys` with TTHC_KEYS_DIR set, TREE/site and TREE/.cache
                   deleted first: wall time, the `feeds` stage of --stats (assembling,
                   writing and signing every document), `feed_files`, and the size of
                   site/api/v1/ (and of its metadata/);
* first sync       TREE/site/api/v1/ served over HTTP/1.1 on 127.0.0.1 by this process, with
                   a handler that counts requests and response-body bytes (as
                   tests/test_sync.py does; headers are not counted, a 404 is a request of
                   0 bytes); `tthc sync init --root TREE/trust/1.root.json --url URL` into
                   OUT/n<N>.mirror, then `tthc sync run` into SQLite: requests, bytes, seconds;
* 1 change         a `tu_khoa` entry appended to one procedure (as tests/test_sync.py does),
                   committed, the site rebuilt (wall time and its feeds stage), then
                   `tthc sync run` again: requests, bytes, and their ratio to the first sync;
* 100 changes      the same for 100 procedures changed in one commit, spread evenly over the
                   sorted procedure files, so over all 20 agencies: every agency's delegated
                   TUF role changes (the worst case for metadata; a decision usually amends
                   procedures of one agency);

and finally `tthc sync verify` (not measured): the mirror must match the signed feed. Each
sync's bytes are also split by kind of file (TUF metadata by role, the root document, the
indexes, the change log, records, decisions), which says what an incremental sync pays for.

The goal of the issue: an incremental sync after 1 change in 10,000 procedures downloads
under 1 % of the bytes of a first sync. The commands run from a copy of the code taken when
the script starts (OUT/code/, bench/site.py's `pin_code`), so edits to the working tree
during a long run change nothing. Trees stay in OUT/n<N>/ (bench/out-*/ is ignored by git);
results go to OUT/feeds.json (or --json) and Markdown tables to stdout; progress to stderr.
Figures: docs/performance.md. Never run by the test suite: N = 100,000 builds the whole site
three times (a full build took 6 minutes on the 2-CPU machine of bench/site.py) and needs
about 12 GB of disk for the tree, its site and the mirror (extrapolated from N = 2,000).

Reading the figures: an incremental sync fetches the whole head page of the change log
(500 entries a page, about 290 bytes an entry), so its bytes depend on where the sequence
number falls in a page; and the whole metadata file of each agency role that changed,
which lists every record of that agency, so it grows with the catalogue, not the changes.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

from content_tree import load_sample

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
API = "api/v1"
ROUNDS = (1, 100)  # procedures changed in one commit before each incremental sync
KEYWORD = "thử đồng bộ"
GOAL_N, GOAL_RATIO = 10_000, 0.01


def load_site_bench() -> ModuleType:
    """bench/site.py, for its tree, git, pinned-code and child-process helpers. It cannot be
    imported by name: `site` is the standard library's module, imported at start-up."""
    spec = importlib.util.spec_from_file_location("bench_site", BENCH / "site.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {BENCH / 'site.py'}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while decorating
    spec.loader.exec_module(module)
    return module


sitebench = load_site_bench()
say = sitebench.say


# the tree, its keys and its commits --------------------------------------------------------


def child_env(code: Path, keys: Path) -> dict[str, str]:
    """Every command runs the pinned code; builds sign with the benchmark's keys."""
    return {**os.environ, "PYTHONPATH": str(code), "TTHC_KEYS_DIR": str(keys)}


TTHC = ("-m", "generator")


def tthc(code: Path, keys: Path, *args: str, cwd: Path) -> str:
    """A short `tthc` command whose time does not matter; its output, or exit with it."""
    done = subprocess.run([sys.executable, *TTHC, *args], cwd=cwd,
                          env=child_env(code, keys), capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise SystemExit(f"tthc {args[0]} {args[1]} exited {done.returncode}:\n"
                         f"{done.stdout}{done.stderr}")
    return done.stdout


def commit(root: Path, message: str, path: str, force: bool = False) -> None:
    """Commit `path` (force: even when the tree's .gitignore hides it, as it hides
    trust/*.json); always a new commit, so that the signing time, the commit's time, is now
    and the timestamp has not expired even on a reused tree."""
    git = ["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@example.org",
           "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "add", "-f" if force else "-A", "--", path], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", message], check=True)


def prepare(root: Path, keys: Path, n: int, reuse: bool, code: Path) -> int:
    """The tree of N procedures with its signing keys and trust/ committed; returns the
    number of content files."""
    files = sitebench.prepare_tree(root, n, load_sample(), reuse, code)
    if reuse and (root / "trust/1.root.json").is_file() and any(keys.glob("*")):
        say(f"  reusing the keys in {keys}")
    else:
        shutil.rmtree(keys, ignore_errors=True)
        shutil.rmtree(root / "trust", ignore_errors=True)
        tthc(code, keys, "keys", "init", "--dir", str(keys), "--root", str(root), cwd=root)
    commit(root, "benchmark: trust root", "trust", force=True)
    return int(files)


def add_keyword(path: Path) -> None:
    """Append a `tu_khoa` entry, as tests/test_sync.py does: the procedure changes and
    nothing else. The block is the file's last key (the generated files have none), so a
    reused tree gets one more entry, each unique."""
    text = path.read_text("utf-8")
    count = text.count(f"\n  - {KEYWORD} ")
    block = "" if count else "tu_khoa:\n"
    path.write_text(f"{text}{block}  - {KEYWORD} {count + 1}\n", "utf-8")


def spread(files: list[Path], count: int) -> list[Path]:
    """`count` files evenly spaced over the sorted list: every agency gets its share."""
    return [files[i * len(files) // count] for i in range(count)]


# tthc build --------------------------------------------------------------------------------


@dataclass
class FeedBuild:
    label: str
    seconds: float  # the whole `tthc build`, wall time
    feeds_seconds: float  # --stats seconds.feeds: assemble, write and sign
    stages: dict[str, float]
    feed_files: int
    feed_written: int
    feed_sequence: int
    feed_version: int
    api_bytes: int  # site/api/v1/ after the build
    api_files: int
    metadata_bytes: int  # site/api/v1/metadata/ (every version kept)
    metadata_files: int
    peak_mb: float

    @property
    def feeds_ms_per_file(self) -> float:
        return 1000 * self.feeds_seconds / self.feed_files


def build(root: Path, label: str, fresh: bool, code: Path, keys: Path) -> FeedBuild:
    if fresh:
        for folder in ("site", ".cache"):
            shutil.rmtree(root / folder, ignore_errors=True)
        sitebench.warm(root)
    sitebench.quiet_disk(root)
    stats_file = root / f"stats-{label}.json"
    command = [sys.executable, "-m", "generator", "build", "--root", str(root), "--out",
               str(root / "site"), "--stats", str(stats_file), "--quiet", "--require-keys"]
    run = sitebench.checked(sitebench.run_measured(command, root, child_env(code, keys)),
                            f"tthc build ({label})")
    stats = json.loads(stats_file.read_text("utf-8"))
    if stats["feed_development"]:
        raise SystemExit(f"tthc build ({label}) signed with the development key")
    api_bytes, api_files = sitebench.folder_size(root / "site" / API)
    meta_bytes, meta_files = sitebench.folder_size(root / "site" / API / "metadata")
    result = FeedBuild(label, run.seconds, stats["seconds"]["feeds"], stats["seconds"],
                       stats["feed_files"], stats["feed_written"], stats["feed_sequence"],
                       stats["feed_version"], api_bytes, api_files, meta_bytes, meta_files,
                       run.own_peak_mb)
    say(f"  tthc build, {label}: {result.seconds:.1f} s, feeds {result.feeds_seconds:.2f} s "
        f"for {result.feed_files:,} documents ({result.feed_written:,} written), "
        f"sequence {result.feed_sequence:,}, version {result.feed_version}; api/v1 "
        f"{api_bytes / 1e6:,.1f} MB in {api_files:,} files")
    return result


# the feed over HTTP ------------------------------------------------------------------------


@dataclass
class Request:
    path: str
    status: int
    bytes: int = 0  # the response body


@dataclass
class Traffic:
    """What the server answered since the last `take()`; the handlers run in threads."""

    requests: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, request: Request) -> None:
        with self.lock:
            self.requests.append(request)

    def take(self) -> list[Request]:
        with self.lock:
            taken, self.requests = self.requests, []
        return taken


class Counting(SimpleHTTPRequestHandler):
    """A static file server that records each request and the bytes of its body. HTTP/1.1
    keeps the connection open, as any real web server does: 100,000 downloads on fresh
    connections would measure TCP set-up and could run out of local ports. Without Nagle's
    algorithm: the handler writes headers and body apart, and on a kept-alive connection
    the body would wait for the client's delayed ACK, 40 ms a request."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    traffic: Traffic
    current: Request | None = None

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        self.current = Request(self.path, int(code) if isinstance(code, int) else 0)
        self.traffic.add(self.current)

    def copyfile(self, source: Any, outputfile: Any) -> None:
        data = source.read()
        if self.current is not None:
            self.current.bytes = len(data)
        outputfile.write(data)


@contextmanager
def serving(folder: Path) -> Iterator[tuple[str, Traffic]]:
    """Serve `folder` (it may be replaced by a rebuild: paths are resolved per request)."""
    traffic = Traffic()
    handler = type("Handler", (Counting,), {"traffic": traffic})
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", traffic
    finally:
        server.shutdown()
        server.server_close()


KINDS = ("timestamp", "snapshot", "targets", "agency roles", "root", "root document",
         "indexes", "change log", "records", "decisions", "schemas", "other")
TARGET_KINDS = {"index": "indexes", "changes": "change log", "records": "records",
                "decisions": "decisions", "schemas": "schemas"}


def kind(path: str) -> str:
    """What a request fetched: a TUF role's metadata, or a kind of feed document."""
    folder, _, name = path.split("?")[0].lstrip("/").rpartition("/")
    if folder == "metadata":
        role = "timestamp" if name == "timestamp.json" else name.split(".")[-2]
        return role if role in ("timestamp", "snapshot", "targets", "root") else "agency roles"
    if folder == "targets":
        return "root document" if name.endswith(".index.json") else "other"
    top = folder.split("/")[1] if folder.startswith("targets/") else ""
    return TARGET_KINDS.get(top, "other")


# tthc sync ---------------------------------------------------------------------------------


@dataclass
class Sync:
    label: str
    seconds: float
    requests: int
    bytes: int
    not_found: int  # 404s: ngclient asks for the next root version on every run
    applied: int  # documents the client says it applied
    peak_mb: float
    by_kind: dict[str, list[int]]  # kind → [requests, bytes]
    largest: list[tuple[str, int]]  # the ten largest responses: path, bytes

    @property
    def top_kind(self) -> tuple[str, int]:
        name = max(self.by_kind, key=lambda k: self.by_kind[k][1])
        return name, self.by_kind[name][1]


def summarise(label: str, run: Any, requests: list[Request]) -> Sync:
    by_kind: dict[str, list[int]] = {}
    for request in requests:
        counts = by_kind.setdefault(kind(request.path), [0, 0])
        counts[0] += 1
        counts[1] += request.bytes
    found = re.search(r"đồng bộ (?:lần đầu|gia tăng): (\d+) tài liệu", run.output)
    largest = sorted(requests, key=lambda r: -r.bytes)[:10]
    return Sync(label, run.seconds, len(requests), sum(r.bytes for r in requests),
                sum(r.status == 404 for r in requests), int(found[1]) if found else -1,
                run.own_peak_mb, by_kind, [(r.path, r.bytes) for r in largest])


def sync_run(state: Path, label: str, traffic: Traffic, code: Path, keys: Path) -> Sync:
    traffic.take()
    command = [sys.executable, "-m", "generator", "sync", "run", "--dir", str(state)]
    run = sitebench.checked(sitebench.run_measured(command, state.parent, child_env(code, keys)),
                            f"tthc sync run ({label})")
    result = summarise(label, run, traffic.take())
    top, top_bytes = result.top_kind
    say(f"  tthc sync run, {label}: {result.seconds:.1f} s, {result.applied:,} documents, "
        f"{result.requests:,} requests, {result.bytes:,} bytes (most: {top}, {top_bytes:,})")
    return result


def verify(state: Path, code: Path, keys: Path) -> bool:
    done = subprocess.run([sys.executable, "-m", "generator", "sync", "verify", "--dir",
                           str(state)], env=child_env(code, keys), capture_output=True,
                          text=True, check=False)
    say(f"  {(done.stdout + done.stderr).strip().splitlines()[-1]}")
    return done.returncode == 0


# one N -------------------------------------------------------------------------------------


@dataclass
class Result:
    n: int
    content_files: int
    scope: str
    builds: list[FeedBuild]  # first, then one per round
    syncs: list[Sync]  # first, then one per round
    verified: bool
    code: str  # the commit at start, the pinned code's digest, whether the repo moved on

    def ratio(self, sync: Sync) -> float:
        return sync.bytes / self.syncs[0].bytes


def changed_round(root: Path, count: int, code: Path, keys: Path) -> FeedBuild:
    """Change `count` procedures in one commit and rebuild."""
    for path in spread(sitebench.procedure_files(root), count):
        add_keyword(path)
    commit(root, f"benchmark: {count} procedures changed", "content")
    return build(root, label(count), fresh=False, code=code, keys=keys)


def label(count: int) -> str:
    return f"{count} change" + ("s" if count > 1 else "")


def measure(out: Path, n: int, args: argparse.Namespace, code: Path) -> Result:
    root, keys, state = out / f"n{n}", out / f"n{n}.keys", out / f"n{n}.mirror"
    say(f"N = {n:,}: tree {root}")
    files = prepare(root, keys, n, args.reuse, code)
    builds = [build(root, "first", fresh=True, code=code, keys=keys)]
    shutil.rmtree(state, ignore_errors=True)
    with serving(root / "site" / API) as (url, traffic):
        tthc(code, keys, "sync", "init", "--root", str(root / "trust/1.root.json"), "--url", url,
             "--dir", str(state), "--scope", args.scope, cwd=out)
        syncs = [sync_run(state, "first", traffic, code, keys)]
        for count in ROUNDS:
            builds.append(changed_round(root, count, code, keys))
            syncs.append(sync_run(state, label(count), traffic, code, keys))
            if syncs[-1].applied != count:
                say(f"  WARNING: the sync applied {syncs[-1].applied} documents, not {count}")
        verified = verify(state, code, keys)
    return Result(n, files, args.scope, builds, syncs, verified,
                  sitebench.code_version(code))


# report ------------------------------------------------------------------------------------

row, header = sitebench.row, sitebench.header


def build_table(results: list[Result]) -> str:
    out = header(["N", "build", "feed documents", "written", "build s", "feeds stage s",
                  "feeds ms/document", "api/v1 MB (files)", "metadata MB (files)",
                  "sequence", "version"])
    for r in results:
        for b in r.builds:
            out.append(row([f"{r.n:,}", b.label, f"{b.feed_files:,}", f"{b.feed_written:,}",
                            f"{b.seconds:.1f}", f"{b.feeds_seconds:.2f}",
                            f"{b.feeds_ms_per_file:.3f}",
                            f"{b.api_bytes / 1e6:,.1f} ({b.api_files:,})",
                            f"{b.metadata_bytes / 1e6:,.2f} ({b.metadata_files:,})",
                            f"{b.feed_sequence:,}", str(b.feed_version)]))
    return "\n".join(out)


def sync_table(results: list[Result]) -> str:
    out = header(["N", "scope", "sync", "documents applied", "requests", "bytes",
                  "bytes / first sync", "seconds", "largest part (bytes, share)"])
    for r in results:
        for s in r.syncs:
            top, top_bytes = s.top_kind
            out.append(row([f"{r.n:,}", r.scope, s.label, f"{s.applied:,}", f"{s.requests:,}",
                            f"{s.bytes:,}", f"{100 * r.ratio(s):.3f} %", f"{s.seconds:.1f}",
                            f"{top} ({top_bytes:,}, {100 * top_bytes / max(s.bytes, 1):.0f} %)"]))
    return "\n".join(out)


def kind_table(results: list[Result]) -> str:
    """Bytes (requests) of each sync by kind of file: what an incremental sync pays for."""
    kinds = [k for k in KINDS if any(k in s.by_kind for r in results for s in r.syncs)]
    out = header(["N", "sync", *kinds])
    for r in results:
        for s in r.syncs:
            cells = [f"{s.by_kind[k][1]:,} ({s.by_kind[k][0]:,})" if k in s.by_kind else "—"
                     for k in kinds]
            out.append(row([f"{r.n:,}", s.label, *cells]))
    return "\n".join(out)


def goal(results: list[Result]) -> Iterator[str]:
    for r in results:
        ratio = r.ratio(r.syncs[1])
        verdict = ("met" if ratio < GOAL_RATIO else "NOT met") if r.n == GOAL_N else "for reference"
        yield (f"N = {r.n:,}: an incremental sync after 1 change downloads {100 * ratio:.3f} % "
               f"of the first sync's bytes (goal at N = {GOAL_N:,}: < {100 * GOAL_RATIO:.0f} %, "
               f"{verdict}); mirror verified: {'yes' if r.verified else 'NO'}")


# main --------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000],
                        help="numbers of procedures (default: 1000 10000)")
    parser.add_argument("--out", type=Path, default=REPO / "bench/out-feeds",
                        help="folder for the trees, keys and mirrors (default: bench/out-feeds)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep a tree (and its keys) already in OUT/n<N> instead of "
                             "generating it again")
    parser.add_argument("--scope", default="all",
                        help="the scope the mirror follows (default: all, the whole catalogue)")
    parser.add_argument("--json", type=Path, help="results file (default: OUT/feeds.json)")
    args = parser.parse_args(argv)
    args.out = args.out.resolve()  # the commands run with the tree as working directory
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    code = sitebench.pin_code(args.out)
    say(f"code {sitebench.code_version(code)}; Python {sys.version.split()[0]}; "
        f"trees in {args.out}")
    results = [measure(args.out, n, args, code) for n in args.n]
    sitebench.save(results, args.json or args.out / "feeds.json")
    print(f"\n{build_table(results)}\n\n{sync_table(results)}\n\n{kind_table(results)}\n")
    for line in goal(results):
        print(line)
    for r in results:
        print(f"N = {r.n:,}: code {r.code}")


if __name__ == "__main__":
    main()
