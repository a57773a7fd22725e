"""Write the generated pages (and the search documents of shards being re-indexed), on both
cores when there is enough to do.

A page whose key is the previous build's is left as it is in the published site (see
publish.py); any other page is built, rendered and written. A page in a shard that is
being re-indexed also writes its search document. With many pages to build, the work is
split between forked worker processes, which inherit the resolved catalogue for free.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from . import urls
from .manifest import Manifest
from .render import Renderer
from .search import SearchPlan
from .shell import SECTION_STUBS
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


@dataclass
class Work:
    """What the pages step did, and the processor time it spent on each part."""

    rendered: int = 0
    page_seconds: float = 0.0          # building contexts, rendering and writing pages
    document_seconds: float = 0.0      # writing search documents (work for the search step)

    def add(self, other: Work) -> None:
        self.rendered += other.rendered
        self.page_seconds += other.page_seconds
        self.document_seconds += other.document_seconds


def write_pages(job: Job, out: Path, previous: Manifest, manifest: Manifest) -> Work:
    """Keep unchanged pages, build the others (and the search documents of shards to
    index)."""
    todo: list[tuple[int, bool]] = []          # (spec index, render?)
    for n, spec in enumerate(job.specs):
        name = urls.output_file(spec.url)
        manifest.pages[name] = spec.key
        unchanged = previous.pages.get(name) == spec.key and (out / name).is_file()
        if unchanged and spec.url in SECTION_STUBS:
            (job.staging / name).unlink(missing_ok=True)   # mkdocs wrote its shell there
        if not unchanged or job.plan.wants(spec):
            todo.append((n, not unchanged))
    return _run(job, todo)


def _run(job: Job, todo: list[tuple[int, bool]]) -> Work:
    global _JOB
    workers = min(2, os.cpu_count() or 1)
    if len(todo) < PARALLEL_FROM or workers < 2:
        return _build(job, todo)
    _JOB = job
    gc.freeze()    # the workers' collector leaves the inherited catalogue alone: its pages
    try:           # stay shared instead of being copied into each worker
        chunks = [todo[i::workers] for i in range(workers)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            done = Work()
            for part in pool.map(_build_in_worker, chunks):
                done.add(part)
            return done
    finally:
        gc.unfreeze()
        _JOB = None


def _build_in_worker(todo: list[tuple[int, bool]]) -> Work:
    assert _JOB is not None
    return _build(_JOB, todo)


def _build(job: Job, todo: list[tuple[int, bool]]) -> Work:
    done = Work()
    clock = time.perf_counter
    for n, render in todo:
        started = clock()
        page = job.specs[n].page()
        if render:
            done.rendered += 1
            target = job.staging / urls.output_file(page.url)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)     # a section stub's shell: replace, never append
            target.write_bytes(job.renderer.render(page))
            for source, name in page.files:
                if (job.root / source).is_file():
                    shutil.copyfile(job.root / source, job.staging / name)
        middle = clock()
        done.page_seconds += middle - started
        if job.plan.wants(job.specs[n]):
            job.plan.write(page)
            done.document_seconds += clock() - middle
    return done
