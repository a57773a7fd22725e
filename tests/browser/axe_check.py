"""axe-core in the page under test: inject the registry-installed axe.min.js, run it, report.

axe.min.js comes from the PyPI package `axe-playwright-python` (a `dev` extra), which
bundles it; only its file is used, never a download at run time.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

BLOCKING_IMPACTS = frozenset({"serious", "critical"})


@cache
def axe_script() -> Path:
    """Path of axe.min.js inside the installed axe-playwright-python package."""
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("axe-playwright-python is not installed (pip install -e '.[dev]')")
    script = Path(next(iter(spec.submodule_search_locations))) / "axe.min.js"
    if not script.is_file():
        raise RuntimeError(f"axe-playwright-python ships no axe.min.js at {script}")
    return script


def axe_results(page: Page, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """The full `axe.run()` result for the whole document of `page`."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(axe_script()))
    result: dict[str, Any] = page.evaluate(
        "async (options) => await window.axe.run(document, options)",
        options or {"resultTypes": ["violations"]},
    )
    return result


def run_axe(page: Page) -> list[dict[str, Any]]:
    """The violations of impact `serious` or `critical` on the page (empty when clean)."""
    return [v for v in axe_results(page)["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    """A readable assertion message: rule, impact, help and the offending elements."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}"
                     f" <{violation['helpUrl']}>")
        for node in violation["nodes"][:5]:
            target = " ".join(map(str, node["target"]))
            html = " ".join(node["html"].split())
            lines.append(f"    {target}: {html[:160]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)
