"""Smoke tests of the built site in a real headless Chromium (see docs/testing.md).

Kept generic on purpose: they hold for any home page the site build produces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from axe_check import describe, run_axe

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

# Serious violations that come from the mkdocs-material theme's own styling, not from our
# content or templates; reported, never hidden: while the site is built with that theme and
# these are ALL axe finds, the test is an xfail whose reason lists them. Any other violation,
# or any violation once the site no longer uses mkdocs-material, fails the test.
#   color-contrast on .md-copyright: footer "Made with Material for MkDocs", #7f7f7f on
#     #171717 = 4.47:1 < 4.5:1.
#   link-in-text-block: body links are #4051b5 without underline, 2.34:1 against the #212121
#     text around them (needs 3:1 or a non-colour cue).
MKDOCS_MATERIAL_THEME_VIOLATIONS = {"color-contrast": {".md-copyright"},
                                    "link-in-text-block": None}  # None: any link in the text


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
    generator = page.locator('meta[name="generator"]').get_attribute("content") or ""
    if violations and "mkdocs-material" in generator and all(
            _known_theme_violation(v) for v in violations):
        pytest.xfail("mkdocs-material theme violations (see MKDOCS_MATERIAL_THEME_VIOLATIONS):\n"
                     + describe(violations))
    assert violations == [], "axe-core found:\n" + describe(violations)


def _known_theme_violation(violation: dict[str, Any]) -> bool:
    if violation["id"] not in MKDOCS_MATERIAL_THEME_VIOLATIONS:
        return False
    targets = MKDOCS_MATERIAL_THEME_VIOLATIONS[violation["id"]]
    return targets is None or all(" ".join(map(str, node["target"])) in targets
                                  for node in violation["nodes"])


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
