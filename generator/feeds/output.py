"""Write a build's feed into the site: each document under its content-addressed name,
only when a file with those bytes is not already published (a rebuild writes what
changed), and the root document at `api/v1/index.json`."""

from __future__ import annotations

from pathlib import Path

from ..site.manifest import Manifest
from . import paths
from .feed import Feed


def write_feed(feed: Feed, staging: Path, out: Path, previous: Manifest,
               manifest: Manifest) -> int:
    """Write the feed's new files into `staging`; return how many were written."""
    written = 0
    for target, data in feed.targets.items():
        digest = feed.digests[target]
        name = paths.FEED + paths.href(target, digest)
        manifest.feeds[name] = digest
        if previous.feeds.get(name) == digest and (out / name).is_file():
            continue
        path = staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written += 1
    (staging / paths.FEED).mkdir(parents=True, exist_ok=True)
    (staging / paths.FEED / "index.json").write_bytes(feed.root)
    return written
