"""Smoke tests of the built site in a real headless Chromium (see docs/testing.md).

Kept generic on purpose: they hold for any home page the site build produces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from axe_check import describe, run_axe

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

def _open(page: Page, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"


def test_home_page_loads_in_vietnamese_with_a_heading(page: Page, site_server: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _open(page, site_server)
    assert page.title().strip()
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").count() >= 1
    assert page.locator("h1").first.inner_text().strip()
    assert errors == [], f"uncaught script errors: {errors}"


def test_home_page_has_no_serious_accessibility_violation(page: Page, site_server: str) -> None:
    _open(page, site_server)
    violations = run_axe(page)
    assert violations == [], "axe-core found:\n" + describe(violations)


def test_home_page_does_not_scroll_sideways_on_a_phone(mobile_page: Page,
                                                       site_server: str) -> None:
    _open(mobile_page, site_server)
    widths = mobile_page.evaluate(
        "() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth,"
        " client: document.documentElement.clientWidth})"
    )
    # innerWidth 375 proves the page sets a device-width viewport (else it would be 980).
    assert widths["inner"] == 375, widths
    assert widths["scroll"] <= widths["inner"], f"horizontal scroll at 375px: {widths}"
