"""Write the generated pages (and the search documents of shards being re-indexed), on both
cores when there is enough to do.

A page whose key is the previous build's is left as it is in the published site (see
publish.py); any other page is built, rendered and written. A page in a shard that is
being re-indexed also writes its search document. With many pages to build, the work is
split between forked worker processes, which inherit the resolved catalogue for free.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import urls
from .manifest import Manifest
from .render import Renderer
from .search import SearchPlan
from .specs import PageSpec

PARALLEL_FROM = 2_000              # pages to build before a second process pays off


@dataclass
class Job:
    specs: list[PageSpec]
    renderer: Renderer
    plan: SearchPlan
    root: Path
    staging: Path


_JOB: Job | None = None            # set before forking; workers read it


def write_pages(job: Job, out: Path, previous: Manifest, manifest: Manifest) -> int:
    """Link unchanged pages, build the others; returns how many pages were rendered."""
    todo: list[tuple[int, bool]] = []          # (spec index, render?)
    for n, spec in enumerate(job.specs):
        name = urls.output_file(spec.url)
        manifest.pages[name] = spec.key
        unchanged = previous.pages.get(name) == spec.key and (out / name).is_file()
        if unchanged:
            (job.staging / name).unlink(missing_ok=True)   # a section stub's shell
        if not unchanged or job.plan.wants(spec):
            todo.append((n, not unchanged))
    _run(job, todo)
    return sum(1 for _, render in todo if render)


def _run(job: Job, todo: list[tuple[int, bool]]) -> None:
    global _JOB
    workers = min(2, os.cpu_count() or 1)
    if len(todo) < PARALLEL_FROM or workers < 2:
        _build(job, todo)
        return
    _JOB = job
    try:
        chunks = [todo[i::workers] for i in range(workers)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pool.map(_build_in_worker, chunks)
    finally:
        _JOB = None


def _build_in_worker(todo: list[tuple[int, bool]]) -> None:
    assert _JOB is not None
    _build(_JOB, todo)


def _build(job: Job, todo: list[tuple[int, bool]]) -> None:
    for n, render in todo:
        page = job.specs[n].page()
        if render:
            target = job.staging / urls.output_file(page.url)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)     # a section stub's shell: replace, never append
            target.write_text(job.renderer.render(page), "utf-8")
            for source, name in page.files:
                if (job.root / source).is_file():
                    shutil.copyfile(job.root / source, job.staging / name)
        if job.plan.wants(job.specs[n]):
            job.plan.write(page)
