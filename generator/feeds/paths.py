"""Where each feed document lives, as a path under `api/v1/targets/` (its TUF target path).

Records and decisions sit in a folder named after the agency whose folder holds their
content file, so that a key delegated to that agency can sign exactly those paths. With
consistent snapshots the file itself is stored as `<sha256>.<name>`: `href` gives that
location, which never changes while the bytes stay the same.
"""

from __future__ import annotations

import posixpath

FEED = "api/v1/"                   # under the site
TARGETS = FEED + "targets/"
METADATA = FEED + "metadata/"
PAGE_SIZE = 500                    # change log entries per page


def record(agency: str, code: str) -> str:
    return f"records/{agency}/{code}.json"


def decision(content_path: str) -> str:
    """`content/decisions/<agency>/<year>/<slug>.yaml` → `decisions/<agency>/<year>/<slug>.json`."""
    stem = content_path.removeprefix("content/decisions/").removesuffix(".yaml")
    return f"decisions/{stem}.json"


def decision_id(content_path: str) -> str:
    return content_path.removeprefix("content/decisions/").removesuffix(".yaml")


def index(scope: str) -> str:
    return f"index/{scope}.json"


def changes(page: int) -> str:
    return f"changes/{page:06d}.json"


def schema(kind: str) -> str:
    return f"schemas/{kind}.schema.json"


def href(target: str, sha256: str) -> str:
    """Where the file with these bytes is published, relative to `api/v1/`."""
    folder, name = posixpath.split(target)
    return "targets/" + posixpath.join(folder, f"{sha256}.{name}")
