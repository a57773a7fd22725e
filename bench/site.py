"""Benchmark `tthc build` on generated trees of real-sized procedures.

    .venv/bin/python bench/site.py [--n 1000 10000] [--out bench/out] [--mkdocs-max 10000]
                                   [--repeat 2] [--reuse] [--json FILE]

For each N it writes a content tree of N procedures (`content_tree.py`, as bench/validate.py
does) plus the project's mkdocs.yml, site_templates/ and content/pages/, commits it to a
fresh git repository (the sitemap's lastmod dates come from git), then measures:

* full build       `python -m generator build --root TREE --out TREE/site --stats … --quiet`
                   as a subprocess, TREE/site and TREE/.cache deleted first and the content
                   read once (warm, as after a checkout): wall time, peak RSS, the stage
                   seconds of --stats, pages, output size;
* rebuild          the same command after appending " (sửa)" to one step of one procedure,
                   keeping site/ and .cache/; then once more with no change at all;
* floor            a bare jinja2 template (FLOOR_TEMPLATE, autoescape on) rendering every
                   procedure from its parsed record and writing thu-tuc/<ma>/index.html;
* our pages        the build's own code on the validated catalogue: procedure_page() +
                   Renderer.render() + write for every procedure (and, separately, the page
                   keys of page_specs()); the floor and our pages run in one child process
                   on the same parsed records, their passes interleaved, each into a folder
                   no pass used before; loading is not timed; best of --repeat passes each;
* mkdocs plain     every procedure as a Markdown page, mkdocs-material with a navigation of
                   four section pages and no plugins, `mkdocs build` as a subprocess (only
                   for N ≤ --mkdocs-max: it is slow).

The builds run from a copy of generator/, schemas/, site_templates/, mkdocs.yml and
content/pages/ taken when the script starts (OUT/code/), so that edits to the working tree
during a long run do not change the code half-way; the floor and our pages run in a child
process that imports that copy. Trees stay in OUT/n<N>/ (bench/out/ is ignored by git); the
results go to OUT/site.json (or --json) and Markdown tables to stdout; progress to stderr.
Never run by the test suite: N = 100,000 takes about an hour.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import jinja2
import yaml
from content_tree import Sample, build_tree, load_sample, schema_comment, to_yaml

from generator.loadcache import LoadCache
from generator.schemas import schema_folder
from generator.site import urls
from generator.site.build import today_in_vietnam
from generator.site.procedure_page import procedure_page
from generator.site.render import Renderer
from generator.site.resolve import Resolved, resolve
from generator.site.shell import build_shell_site
from generator.site.specs import page_specs
from generator.validate import validate_catalog

REPO = Path(__file__).resolve().parents[1]
COPIED = ("mkdocs.yml", "site_templates", "content/pages")  # into every tree
CODE = ("generator", "schemas")  # what the builds run
STAGES = ("validate", "resolve", "shell", "pages", "search", "sitemap")
CHANGE = " (sửa)"
T = TypeVar("T")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# a child process: wall time and peak memory ------------------------------------------------


@dataclass
class Run:
    seconds: float
    returncode: int
    maxrss_mb: float  # wait4: the child, or its largest waited-for descendant if larger
    own_peak_mb: float  # VmHWM of the child process alone, sampled every 0.1 s
    output: str


class PeakSampler(threading.Thread):
    """Reads /proc/<pid>/status VmHWM (the process's own high-water mark) until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.status = Path(f"/proc/{pid}/status")
        self.peak_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.1):
            self.peak_kb = max(self.peak_kb, self.read())

    def read(self) -> int:
        try:
            text = self.status.read_text()
        except OSError:
            return 0
        for line in text.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0


def run_measured(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                   env=env)
        sampler = PeakSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read()
    return Run(seconds, process.returncode, usage.ru_maxrss / 1024, sampler.peak_kb / 1024, output)


def checked(run: Run, what: str) -> Run:
    if run.returncode != 0:
        raise SystemExit(f"{what} exited {run.returncode}; its output, verbatim:\n{run.output}")
    return run


# the code measured -------------------------------------------------------------------------


def pin_code(out: Path) -> Path:
    """Copy what a build runs and reads (CODE and COPIED) to OUT/code."""
    code = out / "code"
    shutil.rmtree(code, ignore_errors=True)
    for name in (*CODE, *COPIED):
        source, target = REPO / name, code / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    (code / "HEAD").write_text(git_head(), "utf-8")
    return code


def git_head() -> str:
    try:
        return subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"


def code_digest(base: Path) -> str:
    digest = hashlib.sha256()
    for name in (*CODE, *COPIED):
        paths = sorted((base / name).rglob("*")) if (base / name).is_dir() else [base / name]
        for path in paths:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(base).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def code_version(code: Path) -> str:
    """The commit checked out when the run started, and a digest of the pinned code."""
    head = (code / "HEAD").read_text("utf-8")
    same = code_digest(code) == code_digest(REPO)
    return (f"{head} (code digest {code_digest(code)}"
            + ("" if same else "; the working tree has changed since") + ")")


# the tree ----------------------------------------------------------------------------------


def prepare_tree(root: Path, n: int, sample: Sample, reuse: bool, code: Path) -> int:
    """Write (or, with --reuse, keep) the tree of N procedures; returns its content files."""
    if reuse and (root / ".git").is_dir():
        say(f"  reusing {root}")
        copy_project_files(root, code)
        git_commit(root, first=False)
    else:
        generate(root, n, sample)
        copy_project_files(root, code)
        git_commit(root, first=True)
    return sum(1 for _ in (root / "content").rglob("*.yaml"))


def generate(root: Path, n: int, sample: Sample) -> None:
    if root.exists():
        shutil.rmtree(root)
    start = time.perf_counter()

    def show(done: int) -> None:
        say(f"  generated {done:,}/{n:,} procedures ({time.perf_counter() - start:.1f} s)")

    build_tree(root, n, sample, show)


def copy_project_files(root: Path, code: Path) -> None:
    for name in COPIED:
        source, target = code / name, root / name
        if source.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target)
        else:
            shutil.copyfile(source, target)
    (root / ".gitignore").write_text("site/\n.site.*/\n.cache/\n*.json\nfloor/\nours/\n"
                                     "mkdocs-plain/\n", "utf-8")


def git_commit(root: Path, first: bool) -> None:
    """The first commit of a new tree; on a reused tree, a commit of whatever differs."""
    start = time.perf_counter()
    git = ["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@example.org",
           "-c", "commit.gpgsign=false"]
    if first:
        subprocess.run([*git, "init", "-q"], check=True)
    else:
        subprocess.run([*git, "checkout", "-q", "--", "content"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    if subprocess.run([*git, "diff", "--cached", "--quiet"], check=False).returncode:
        subprocess.run([*git, "commit", "-q", "-m", "benchmark tree"], check=True)
        say(f"  git: committed ({time.perf_counter() - start:.1f} s)")


def procedure_files(root: Path) -> list[Path]:
    return sorted((root / "content/procedures").rglob("*.yaml"))


def change_one(path: Path) -> str:
    """Append CHANGE to the first step of one procedure; returns the original text."""
    original = path.read_text("utf-8")
    data = yaml.load(original, Loader=yaml.CSafeLoader)
    data["trinh_tu_thuc_hien"][0]["buoc"][0] += CHANGE
    path.write_text(schema_comment("procedure", 3) + to_yaml(data), "utf-8")
    return original


def folder_size(folder: Path) -> tuple[int, int]:
    """Bytes and number of files under `folder`."""
    sizes = [p.stat().st_size for p in folder.rglob("*") if p.is_file()]
    return sum(sizes), len(sizes)


# tthc build --------------------------------------------------------------------------------


@dataclass
class Build:
    seconds: float
    stages: dict[str, float]
    pages: int
    rendered: int
    parsed: int  # content files parsed (the others came from the build's parse cache)
    shards: int
    indexed: int
    own_peak_mb: float  # the build's python process
    maxrss_mb: float  # wait4 (python or its largest pagefind, whichever is larger)
    pagefind_peak_mb: float
    pagefind_total_mb: float

    @property
    def ms_per_page(self) -> float:
        return 1000 * self.seconds / self.pages

    @property
    def resolve_pages_ms(self) -> float:
        return 1000 * (self.stages["resolve"] + self.stages["pages"]) / self.pages


def tthc_build(root: Path, label: str, fresh: bool, code: Path) -> Build:
    if fresh:
        for folder in ("site", ".cache"):
            shutil.rmtree(root / folder, ignore_errors=True)
        warm(root)
    quiet_disk(root)
    stats_file = root / f"stats-{label}.json"
    command = [sys.executable, "-m", "generator", "build", "--root", str(root), "--out",
               str(root / "site"), "--stats", str(stats_file), "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(code)}
    run = checked(run_measured(command, root, env), f"tthc build ({label})")
    stats = json.loads(stats_file.read_text("utf-8"))
    search = stats["search"]
    build = Build(run.seconds, {s: stats["seconds"].get(s, 0.0) for s in STAGES},
                  stats["pages"], stats["rendered"], stats.get("parsed", -1), search["shards"],
                  search["indexed"], run.own_peak_mb, run.maxrss_mb, search["peak_rss_mb"],
                  search["peak_total_mb"])
    say(f"  tthc build, {label}: {build.seconds:.1f} s, {build.pages:,} pages "
        f"({build.rendered:,} rendered), {build.parsed:,} files parsed, "
        f"search {build.indexed}/{build.shards} shards, "
        f"peak RSS {build.own_peak_mb:,.0f} MB; stages "
        + ", ".join(f"{s} {build.stages[s]:.1f}" for s in STAGES))
    return build


@dataclass
class Builds:
    full: Build
    changed: Build
    unchanged: Build
    output_bytes: int
    output_files: int


def measure_builds(root: Path, code: Path) -> Builds:
    full = tthc_build(root, "full", fresh=True, code=code)
    size, files = folder_size(root / "site")
    target = procedure_files(root)[0]
    original = change_one(target)
    try:
        changed = tthc_build(root, "changed", fresh=False, code=code)
        unchanged = tthc_build(root, "unchanged", fresh=False, code=code)
    finally:
        target.write_text(original, "utf-8")  # the tree is back at its commit
    return Builds(full, changed, unchanged, size, files)


# the floor: bare jinja2 --------------------------------------------------------------------

FLOOR_TEMPLATE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>{{ p.ten }}</title></head><body><article>
<p>Mã {{ p.ma }} · {{ p.co_quan_cong_bo }} · Quyết định {{ p.quyet_dinh_cong_bo }}</p>
<h1>{{ p.ten }}</h1>
<dl><dt>Loại</dt><dd>{{ p.loai }}</dd><dt>Cấp</dt><dd>{{ p.cap_thuc_hien|join(", ") }}</dd>
<dt>Lĩnh vực</dt><dd>{{ p.linh_vuc|join(", ") }}</dd>
<dt>Đối tượng</dt><dd>{{ p.doi_tuong_thuc_hien|join(", ") }}</dd>
<dt>Cơ quan thực hiện</dt><dd>{{ p.co_quan_thuc_hien }}</dd></dl>
<h2>Các bước thực hiện</h2>
{% for g in p.trinh_tu_thuc_hien %}{% if g.truong_hop %}<h3>{{ g.truong_hop }}</h3>{% endif %}
<ol>{% for s in g.buoc %}<li>{% for line in s.splitlines() if line.strip() %}<p>{{ line }}</p>
{% endfor %}</li>{% endfor %}</ol>{% endfor %}
<h2>Hồ sơ</h2>{% if p.so_bo_ho_so %}<p>Số bộ hồ sơ: {{ p.so_bo_ho_so }}</p>{% endif %}
{% for g in p.thanh_phan_ho_so %}{% if g.truong_hop %}<h3>{{ g.truong_hop }}</h3>{% endif %}
<table><tr><th>Giấy tờ</th><th>Bản chính</th><th>Bản sao</th><th>Mẫu</th></tr>
{% for d in g.giay_to %}<tr><td>{{ d.ten }}{% if d.ghi_chu %}<div>{{ d.ghi_chu }}</div>{% endif %}
</td><td>{{ d.so_ban_chinh }}</td><td>{{ d.so_ban_sao }}</td>
<td>{% if d.mau_don %}{{ d.mau_don.ten }}{% endif %}</td></tr>{% endfor %}</table>{% endfor %}
<h2>Cách thức, thời hạn, phí</h2>
{% for c in p.cach_thuc_thuc_hien %}{% set t = c.thoi_han or {} %}<h3>{{ c.kenh }}</h3>
<dl><dt>Thời hạn</dt><dd>{{ t.so }} {{ t.don_vi }} {{ t.mo_ta }}</dd><dt>Phí, lệ phí</dt><dd>
{% for f in c.phi_le_phi %}<p>{{ f.loai }}: {{ f.so_tien }} {{ f.don_vi_tien }} {{ f.mo_ta }}</p>
{% else %}Không có{% endfor %}</dd></dl>{% if c.mo_ta %}<p>{{ c.mo_ta }}</p>{% endif %}
{% endfor %}
<h2>Nơi nộp hồ sơ</h2><dl>{% for label, key in where %}{% if p[key] %}<dt>{{ label }}</dt>
<dd>{{ p[key] }}</dd>{% endif %}{% endfor %}</dl>
{% for o in p.dich_vu_cong_truc_tuyen %}<p><a href="{{ o.url }}">{{ o.muc_do }}</a></p>{% endfor %}
{% if p.yeu_cau_dieu_kien %}<h2>Yêu cầu, điều kiện</h2>
{% for line in p.yeu_cau_dieu_kien.splitlines() if line.strip() %}<p>{{ line }}</p>{% endfor %}
{% endif %}
<h2>Kết quả</h2><ul>{% for r in p.ket_qua_thuc_hien %}<li>{{ r.ten }}
{% if r.ma %} ({{ r.ma }}){% endif %}</li>{% endfor %}</ul>
<h2>Căn cứ pháp lý</h2><table>{% for law in p.can_cu_phap_ly %}<tr><td>{{ law.so_ky_hieu }}</td>
<td>{{ law.trich_yeu }}</td><td>{{ law.ngay_ban_hanh }}</td><td>{{ law.co_quan_ban_hanh }}</td>
</tr>{% endfor %}</table>
</article></body></html>
"""
WHERE = (("Địa chỉ tiếp nhận", "dia_chi_tiep_nhan"), ("Cơ quan thực hiện", "co_quan_thuc_hien"),
         ("Cơ quan có thẩm quyền", "co_quan_co_tham_quyen"),
         ("Cơ quan phối hợp", "co_quan_phoi_hop"))


def floor_pass(docs: list[dict[str, Any]], template: jinja2.Template, out: Path) -> float:
    start = time.perf_counter()
    for data in docs:
        target = out / urls.procedure(str(data["ma"])) / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(template.render(p=data, where=WHERE), "utf-8")
    return time.perf_counter() - start


def fresh(folder: Path, timed: Callable[[Path], T]) -> T:
    """`timed(folder)` into a folder no earlier pass used, after the disk has settled."""
    os.sync()
    gc.collect()
    return timed(folder)


def warm(root: Path) -> None:
    """Read the tree's content once, as a build in CI finds it right after the checkout
    wrote it. Otherwise whether the files are still in memory depends on what ran before
    (100,000 procedures validate in 92 s warm, 126 s cold), and N = 100,000 would pay for
    the 10,000 build's output pushing its tree out of memory."""
    for path in sorted((root / "content").rglob("*")):
        if path.is_file():
            path.read_bytes()


def quiet_disk(root: Path, patience: float = 900.0) -> None:
    """Wait until the builds' background removals in `root` are done, then flush the disk,
    so that the next measurement does not pay for the previous one's clean-up."""
    deadline = time.monotonic() + patience
    while any(root.glob(".tthc-discard.*")) and time.monotonic() < deadline:
        time.sleep(1.0)
    os.sync()


# our procedure pages, in process -----------------------------------------------------------

PARTS = ("context", "render", "write")


@dataclass
class OurPages:
    pages: int
    ms: dict[str, float] = field(default_factory=dict)  # per page: PARTS and key
    load_seconds: float = 0.0  # validate_catalog + resolve, once, not in the per-page figure

    @property
    def total_ms(self) -> float:
        return sum(self.ms[p] for p in PARTS)


def our_pass(found: Resolved, renderer: Renderer, out: Path) -> dict[str, float]:
    spent = dict.fromkeys(PARTS, 0.0)
    clock = time.perf_counter
    for entry in found.procedures:
        t0 = clock()
        page = procedure_page(entry, found)
        t1 = clock()
        html = renderer.render(page)
        t2 = clock()
        target = out / urls.output_file(page.url)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(html)
        t3 = clock()
        spent["context"] += t1 - t0
        spent["render"] += t2 - t1
        spent["write"] += t3 - t2
    return spent


def key_pass(found: Resolved, renderer: Renderer) -> float:
    """The page keys of every procedure (page_specs yields the procedures first, lazily);
    a build computes them for every page, rendered or not."""
    start = time.perf_counter()
    for _ in itertools.islice(page_specs(found, renderer), len(found.procedures)):
        pass
    return time.perf_counter() - start


def loaded(root: Path) -> tuple[Resolved, Renderer]:
    cache = LoadCache(root / "no-such-cache.pickle", schema_folder(root))  # as the build does
    report, catalog = validate_catalog(root, cache=cache)
    if not report.ok:
        raise SystemExit(f"{root}: the tree is not valid ({len(report.problems)} problems)")
    found = resolve(catalog, today_in_vietnam(), cache.digests())
    with tempfile.TemporaryDirectory(prefix="tthc-bench-shell-") as tmp:
        shells = build_shell_site(root, Path(tmp) / "site", Path(tmp) / "work")
    return found, Renderer(root / "site_templates", shells)


def measure_pages(root: Path, repeat: int) -> tuple[float, OurPages]:
    """The floor's ms per page and ours, best of `repeat` passes each.

    Both run in this one process on the same parsed records, their passes interleaved
    (floor then ours, then ours then floor, …), each pass into a folder no pass used
    before. Writing a page is mostly creating its folder and file, and on this machine that
    costs anything from 0.03 to 0.4 ms depending on what the disk did just before (ext4
    mounted with `discard`: removing a tree of pages slows the writes after it): measured
    apart, minutes apart, the two would not face the same disk."""
    start = time.perf_counter()
    found, renderer = loaded(root)
    ours = OurPages(len(found.procedures), load_seconds=time.perf_counter() - start)
    docs = [entry.data for entry in found.procedures]
    template = jinja2.Environment(autoescape=True).from_string(FLOOR_TEMPLATE)
    floor_out, ours_out = root / "floor", root / "ours"
    for folder in (floor_out, ours_out):
        shutil.rmtree(folder, ignore_errors=True)
    quiet_disk(root)
    floor_seconds: list[float] = []
    ours_spent: list[dict[str, float]] = []
    for n in range(repeat):
        for which in (("floor", "ours") if n % 2 == 0 else ("ours", "floor")):
            if which == "floor":
                floor_seconds.append(fresh(floor_out / f"pass-{n}",
                                           lambda out: floor_pass(docs, template, out)))
            else:
                ours_spent.append(fresh(ours_out / f"pass-{n}",
                                        lambda out: our_pass(found, renderer, out)))
    for folder in (floor_out, ours_out):
        shutil.rmtree(folder, ignore_errors=True)
    best = min(ours_spent, key=lambda spent: sum(spent.values()))
    ours.ms = {part: 1000 * seconds / ours.pages for part, seconds in best.items()}
    ours.ms["key"] = 1000 * key_pass(found, renderer) / ours.pages
    return 1000 * min(floor_seconds) / len(docs), ours


def measure_pages_pinned(root: Path, repeat: int, code: Path) -> tuple[float, OurPages]:
    """measure_pages in a child process that imports the pinned code (the tree's templates
    are the pinned ones too); it also frees the catalogue when it exits."""
    command = [sys.executable, __file__, "--pages-of", str(root), "--repeat", str(repeat)]
    done = subprocess.run(command, env={**os.environ, "PYTHONPATH": str(code)},
                          stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the in-process page measurement exited {done.returncode}")
    floor_ms, ours = json.loads(done.stdout.splitlines()[-1])
    return floor_ms, OurPages(**ours)


# plain mkdocs-material ---------------------------------------------------------------------

PLAIN_CONFIG = """site_name: Thủ tục hành chính (benchmark)
site_url: http://127.0.0.1:8000/
theme:
  name: material
  language: vi
  font: false
  features:
    - navigation.sections
plugins: []
markdown_extensions:
  - tables
  - attr_list
  - toc
nav:
  - Trang chủ: index.md
  - Thủ tục hành chính: thu-tuc/index.md
  - Cơ quan: co-quan/index.md
  - Quyết định công bố: quyet-dinh/index.md
"""
SECTIONS = {"index.md": "Trang chủ", "thu-tuc/index.md": "Thủ tục hành chính",
            "co-quan/index.md": "Cơ quan", "quyet-dinh/index.md": "Quyết định công bố"}


def cell(value: Any) -> str:
    return " ".join(str(value if value is not None else "").split()).replace("|", "\\|")


def lines(text: Any) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


def md_steps(data: dict[str, Any]) -> Iterator[str]:
    yield "## Các bước thực hiện\n"
    for group in data.get("trinh_tu_thuc_hien", []):
        if group.get("truong_hop"):
            yield f"### {cell(group['truong_hop'])}\n"
        for n, step in enumerate(group.get("buoc", []), start=1):
            yield f"{n}. " + "\n\n    ".join(lines(step)) + "\n"


def md_dossier(data: dict[str, Any]) -> Iterator[str]:
    yield "\n## Hồ sơ cần chuẩn bị\n"
    for group in data.get("thanh_phan_ho_so", []):
        if group.get("truong_hop"):
            yield f"### {cell(group['truong_hop'])}\n"
        yield "| Giấy tờ | Bản chính | Bản sao | Mẫu |\n|---|---|---|---|"
        for d in group.get("giay_to", []):
            form = d.get("mau_don") or {}
            yield (f"| {cell(d.get('ten'))} {cell(d.get('ghi_chu'))} | "
                   f"{cell(d.get('so_ban_chinh'))} | {cell(d.get('so_ban_sao'))} | "
                   f"{cell(form.get('ten'))} |")
        yield ""


def md_channels(data: dict[str, Any]) -> Iterator[str]:
    yield "\n## Cách nộp, thời hạn và phí\n"
    for c in data.get("cach_thuc_thuc_hien", []):
        t = c.get("thoi_han") or {}
        yield f"### {c.get('kenh')}\n"
        yield f"- Thời hạn: {cell(t.get('so'))} {cell(t.get('don_vi'))} {cell(t.get('mo_ta'))}"
        for f in c.get("phi_le_phi", []):
            yield (f"- {cell(f.get('loai'))}: {cell(f.get('so_tien'))} "
                   f"{cell(f.get('don_vi_tien'))} {cell(f.get('mo_ta'))}")
        yield "\n" + "\n\n".join(lines(c.get("mo_ta"))) + "\n"


def md_rest(data: dict[str, Any]) -> Iterator[str]:
    yield "\n## Nơi nộp hồ sơ\n"
    yield from (f"- **{label}:** {cell(data[key])}" for label, key in WHERE if data.get(key))
    if data.get("yeu_cau_dieu_kien"):
        yield "\n## Yêu cầu, điều kiện\n\n" + "\n\n".join(lines(data["yeu_cau_dieu_kien"]))
    yield "\n## Kết quả\n"
    yield from (f"- {cell(r.get('ten'))} {cell(r.get('ma'))}"
                for r in data.get("ket_qua_thuc_hien", []))
    yield "\n## Căn cứ pháp lý\n\n| Số, ký hiệu | Trích yếu | Ngày | Cơ quan |\n|---|---|---|---|"
    yield from (f"| {cell(law.get('so_ky_hieu'))} | {cell(law.get('trich_yeu'))} | "
                f"{cell(law.get('ngay_ban_hanh'))} | {cell(law.get('co_quan_ban_hanh'))} |"
                for law in data.get("can_cu_phap_ly", []))


def to_markdown(data: dict[str, Any]) -> str:
    head = [f"# {cell(data.get('ten'))}\n",
            f"Mã **{cell(data.get('ma'))}** · {cell(data.get('co_quan_cong_bo'))} · "
            f"Quyết định {cell(data.get('quyet_dinh_cong_bo'))}\n",
            f"- Cấp thực hiện: {', '.join(map(str, data.get('cap_thuc_hien', [])))}",
            f"- Lĩnh vực: {', '.join(map(str, data.get('linh_vuc', [])))}",
            f"- Đối tượng: {', '.join(map(str, data.get('doi_tuong_thuc_hien', [])))}\n"]
    parts = (md_steps, md_dossier, md_channels, md_rest)
    return "\n".join(itertools.chain(head, *(part(data) for part in parts))) + "\n"


def write_plain_docs(root: Path, folder: Path) -> None:
    docs = folder / "docs"
    for name, title in SECTIONS.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(f"# {title}\n\nMục lục của phần này.\n", "utf-8")
    for path in procedure_files(root):
        data = yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)
        (docs / "thu-tuc" / f"{data['ma']}.md").write_text(to_markdown(data), "utf-8")
    (folder / "mkdocs.yml").write_text(PLAIN_CONFIG, "utf-8")


@dataclass
class Mkdocs:
    seconds: float
    peak_mb: float
    output_bytes: int
    output_files: int


def measure_mkdocs(root: Path) -> Mkdocs:
    folder = root / "mkdocs-plain"
    shutil.rmtree(folder, ignore_errors=True)
    write_plain_docs(root, folder)
    say("  mkdocs build (plain material) …")
    command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(folder / "mkdocs.yml")]
    run = checked(run_measured(command, folder), "mkdocs build")
    size, files = folder_size(folder / "site")
    result = Mkdocs(run.seconds, run.maxrss_mb, size, files)
    say(f"  mkdocs plain: {result.seconds:.1f} s, peak RSS {result.peak_mb:,.0f} MB")
    return result


# one N -------------------------------------------------------------------------------------


@dataclass
class Result:
    n: int
    content_files: int
    builds: Builds
    floor_ms: float
    ours: OurPages
    mkdocs: Mkdocs | None
    code: str  # the commit at start, the pinned code's digest, whether the repo moved on

    @property
    def floor_ratio(self) -> float:
        return self.ours.total_ms / self.floor_ms


def measure(root: Path, n: int, args: argparse.Namespace, sample: Sample,
            code: Path) -> Result:
    say(f"N = {n:,}: tree {root}")
    files = prepare_tree(root, n, sample, args.reuse, code)
    builds = measure_builds(root, code)
    say("  floor (bare jinja2) and our procedure pages, interleaved in one child process "
        "running the pinned code …")
    floor_ms, ours = measure_pages_pinned(root, args.repeat, code)
    say(f"  floor: {floor_ms:.2f} ms/page; ours: {ours.total_ms:.2f} ms/page "
        f"(+ key {ours.ms['key']:.2f})")
    plain = measure_mkdocs(root) if n <= args.mkdocs_max else None
    return Result(n, files, builds, floor_ms, ours, plain, code_version(code))


# report ------------------------------------------------------------------------------------


def row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def header(cells: list[str]) -> list[str]:
    return [row(cells), "|" + "---:|" * len(cells)]


def summary_table(results: list[Result]) -> str:
    out = header(["N", "pages", "full build s", "ms/page", "(resolve+pages)/page ms",
                  "rebuild, 1 change s", "rebuild / full", "no-change s", "floor ms/page",
                  "ours ms/page", "ours / floor", "mkdocs plain s", "output MB (files)",
                  "build RSS MB", "pagefind peak MB (2 shards)"])
    for r in results:
        b = r.builds
        plain = f"{r.mkdocs.seconds:.1f}" if r.mkdocs else "not measured"
        out.append(row([
            f"{r.n:,}", f"{b.full.pages:,}", f"{b.full.seconds:.1f}", f"{b.full.ms_per_page:.2f}",
            f"{b.full.resolve_pages_ms:.2f}", f"{b.changed.seconds:.1f}",
            f"{b.changed.seconds / b.full.seconds:.2f}", f"{b.unchanged.seconds:.1f}",
            f"{r.floor_ms:.2f}", f"{r.ours.total_ms:.2f}", f"{r.floor_ratio:.2f}×", plain,
            f"{b.output_bytes / 1e6:,.0f} ({b.output_files:,})", f"{b.full.own_peak_mb:,.0f}",
            f"{b.full.pagefind_peak_mb:,.0f} ({b.full.pagefind_total_mb:,.0f})"]))
    return "\n".join(out)


def stage_table(results: list[Result]) -> str:
    out = header(["N", "build", "wall s", *STAGES, "files parsed", "pages rendered",
                  "shards indexed"])
    for r in results:
        for label in ("full", "changed", "unchanged"):
            b: Build = getattr(r.builds, label)
            out.append(row([f"{r.n:,}", label, f"{b.seconds:.1f}",
                            *(f"{b.stages[s]:.1f}" for s in STAGES), f"{b.parsed:,}",
                            f"{b.rendered:,}", f"{b.indexed}/{b.shards}"]))
    return "\n".join(out)


def per_page_table(results: list[Result]) -> str:
    out = header(["N", "procedures", "floor", *PARTS, "ours (sum)", "ours / floor",
                  "page key", "mkdocs plain ms/page", "mkdocs peak MB"])
    for r in results:
        plain = r.mkdocs
        out.append(row([f"{r.n:,}", f"{r.ours.pages:,}", f"{r.floor_ms:.2f}",
                        *(f"{r.ours.ms[p]:.2f}" for p in PARTS), f"{r.ours.total_ms:.2f}",
                        f"{r.floor_ratio:.2f}×", f"{r.ours.ms['key']:.2f}",
                        f"{1000 * plain.seconds / r.n:.2f}" if plain else "—",
                        f"{plain.peak_mb:,.0f}" if plain else "—"]))
    return "\n".join(out)


def scaling(results: list[Result]) -> Iterator[str]:
    for small, large in itertools.pairwise(results):
        ratio = large.builds.full.seconds / small.builds.full.seconds
        yield (f"full build {large.n:,} / {small.n:,}: {ratio:.2f}× for "
               f"{large.n / small.n:.0f}× the procedures")


def save(results: list[Any], path: Path) -> None:
    """Dataclass results with the machine and date, as JSON (bench/feeds.py uses it too)."""
    data = {"python": sys.version.split()[0],
            "cpus": os.cpu_count(), "date": time.strftime("%Y-%m-%d %H:%M"),
            "results": [asdict(r) for r in results]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")


# main --------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000],
                        help="numbers of procedures (default: 1000 10000)")
    parser.add_argument("--out", type=Path, default=REPO / "bench/out",
                        help="folder for the trees (default: bench/out)")
    parser.add_argument("--mkdocs-max", type=int, default=10_000,
                        help="largest N for the plain mkdocs build (default: 10000)")
    parser.add_argument("--repeat", type=int, default=2,
                        help="in-process passes (floor, our pages); the best is kept")
    parser.add_argument("--reuse", action="store_true",
                        help="keep a tree already in OUT/n<N> instead of generating it again")
    parser.add_argument("--json", type=Path, help="results file (default: OUT/site.json)")
    parser.add_argument("--pages-of", type=Path, help=argparse.SUPPRESS)  # measure_pages_pinned
    args = parser.parse_args(argv)
    args.out = args.out.resolve()  # the builds run with the tree as working directory
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.pages_of:
        floor_ms, ours = measure_pages(args.pages_of, args.repeat)
        print(json.dumps([floor_ms, asdict(ours)]))
        return
    sample = load_sample()
    code = pin_code(args.out)
    say(f"code {code_version(code)}; Python {sys.version.split()[0]}; trees in {args.out}")
    results = [measure(args.out / f"n{n}", n, args, sample, code) for n in args.n]
    save(results, args.json or args.out / "site.json")
    print(f"\n{summary_table(results)}\n\n{stage_table(results)}\n\n{per_page_table(results)}\n")
    for line in scaling(results):
        print(line)
    for r in results:
        print(f"N = {r.n:,}: code {r.code}")


if __name__ == "__main__":
    main()
