"""Real-browser fixtures: build the site once, serve it on 127.0.0.1, drive headless Chromium.

How these tests run, and how to get a Chromium, is in docs/testing.md. Every test in this
folder is marked `browser` (select them with `pytest -m browser`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit

import pytest
from static_server import LOCAL_HOST, serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route

REPO_ROOT = Path(__file__).resolve().parents[2]
BROWSER_DIR = Path(__file__).resolve().parent

# Flags the brief fixes for every launch; Playwright adds its own automation flags.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 740}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder `browser`, so `-m browser` / `-m "not browser"` work."""
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> NoReturn:
    """Fail in CI (a missing browser must not turn the suite green); skip locally."""
    hint = " Run scripts/ensure-chromium.sh or set TTHC_CHROMIUM (docs/testing.md)."
    if _in_ci():
        pytest.fail(f"browser tests cannot run in CI: {reason}.{hint}", pytrace=False)
    pytest.skip(f"{reason}.{hint}")


def find_chromium() -> str | None:
    """The same search as scripts/ensure-chromium.sh: $TTHC_CHROMIUM, then the usual places."""
    override = os.environ.get("TTHC_CHROMIUM")
    if override:
        return override if os.access(override, os.X_OK) and Path(override).is_file() else None
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("google-chrome")):
        if candidate and os.access(candidate, os.X_OK) and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once per session through the CLI into a temporary folder."""
    out = tmp_path_factory.mktemp("browser") / "site"
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--root", str(REPO_ROOT), "--out", str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"site build failed ({done.returncode}):\n{done.stdout}\n{done.stderr}",
                    pytrace=False)
    assert (out / "index.html").is_file(), f"the build wrote no index.html into {out}"
    return out


@pytest.fixture(scope="session")
def site_server(built_site: Path) -> Iterator[str]:
    """Base URL (ending in '/') of a static server for the built site on 127.0.0.1."""
    with serve(built_site, "site-server") as url:
        yield url


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        override = os.environ.get("TTHC_CHROMIUM")
        unavailable(f"TTHC_CHROMIUM={override} is not an executable file" if override
                    else "no Chromium found (/usr/bin/chromium, chromium, google-chrome)")
    return path


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package playwright is not installed (pip install -e '.[dev]')")
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()


@pytest.fixture(scope="session")
def browser(playwright: Playwright, chromium_path: str) -> Iterator[Browser]:
    """One headless Chromium per session: the system's, never a downloaded build."""
    from playwright.sync_api import Error

    try:
        launched = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS, timeout=60_000,
        )
    except Error as error:
        unavailable(f"{chromium_path} did not start: {error.message.splitlines()[0]}")
    try:
        yield launched
    finally:
        launched.close()


class OfflineLog:
    """What the page tried to fetch from anywhere but the local test server (all aborted)."""

    def __init__(self) -> None:
        self.blocked: list[str] = []

    def route(self, route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname == LOCAL_HOST:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")


@pytest.fixture
def blocked_requests() -> list[str]:
    """URLs the page under test asked for on other hosts; each was blocked, never sent."""
    return []


def _context(browser: Browser, blocked: list[str], **options: Any) -> BrowserContext:
    context = browser.new_context(locale="vi-VN", service_workers="block", **options)
    context.set_default_timeout(15_000)
    log = OfflineLog()
    log.blocked = blocked
    context.route("**/*", log.route)
    return context


@pytest.fixture
def page(browser: Browser, blocked_requests: list[str]) -> Iterator[Page]:
    """A fresh desktop page (1280x800) that can reach only 127.0.0.1."""
    context = _context(browser, blocked_requests, viewport=DESKTOP)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def mobile_page(browser: Browser, blocked_requests: list[str]) -> Iterator[Page]:
    """A fresh phone-sized page (375x740, mobile, touch) that can reach only 127.0.0.1."""
    context = _context(browser, blocked_requests, viewport=MOBILE, is_mobile=True,
                       has_touch=True, device_scale_factor=2)
    try:
        yield context.new_page()
    finally:
        context.close()
