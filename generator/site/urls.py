"""Where every page lives. URLs are folders (`thu-tuc/1.001193/`) relative to the site root;
links inside a page are made relative to it, so the site works under any base path."""

from __future__ import annotations

from functools import cache
from pathlib import PurePosixPath

SEARCH = "tim-kiem/"
PROCEDURES = "thu-tuc/"
DECISIONS = "quyet-dinh/"
AGENCIES = "co-quan/"
FIELDS = "linh-vuc/"
LEVELS = "cap/"
DECISION_FEED = "quyet-dinh/feed.xml"
UPCOMING = "sap-hieu-luc/"          # every change taking effect in the next 30 days


def procedure(code: str) -> str:
    return f"{PROCEDURES}{code}/"


def procedure_upcoming(code: str) -> str:
    """The text of a procedure that takes effect later (an amendment announced)."""
    return f"{PROCEDURES}{code}/sap-hieu-luc/"


def procedure_history(code: str) -> str:
    return f"{PROCEDURES}{code}/lich-su/"


@cache  # every procedure page links its decisions: a few thousand paths
def decision(path: str) -> str:
    """`content/decisions/<agency>/<year>/<slug>.yaml` → `quyet-dinh/<agency>/<year>/<slug>/`."""
    parts = PurePosixPath(path).with_suffix("").parts[2:]
    return DECISIONS + "/".join(parts) + "/"


def agency(agency_id: str) -> str:
    return f"{AGENCIES}{agency_id}/"


def field(field_id: str) -> str:
    return f"{FIELDS}{field_id}/"


def level(level_id: str) -> str:
    return f"{LEVELS}{level_id}/"


def page_number(url: str, number: int) -> str:
    """The URL of page `number` (from 1) of a paginated list at `url`."""
    return url if number == 1 else f"{url}trang-{number}/"


def depth(url: str) -> int:
    """How many folders deep a page URL is (`""` is the home page, depth 0)."""
    return url.count("/")


def relative(from_url: str, to_url: str) -> str:
    """A link from the page at `from_url` to `to_url` (both site-relative)."""
    return "../" * depth(from_url) + to_url or "./"


def output_file(url: str) -> str:
    """The file that serves `url`."""
    return url + "index.html" if url.endswith("/") or not url else url
