"""The time-aware pages in a real browser: a procedure with an amendment announced, its
upcoming text, its history, and the changes of the next 30 days; built from the real
repository of tests/timeline_project.py ten days before the decision takes effect."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from axe_check import describe, run_axe
from site_project import build
from static_server import serve
from timeline_project import AMENDED, make_timeline_project

if TYPE_CHECKING:
    from playwright.sync_api import Page

PAGES = {"notice": f"thu-tuc/{AMENDED}/", "upcoming": f"thu-tuc/{AMENDED}/sap-hieu-luc/",
         "history": f"thu-tuc/{AMENDED}/lich-su/", "next-30-days": "sap-hieu-luc/"}


@pytest.fixture(scope="module")
def timeline_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("timeline-browser")
    root = make_timeline_project(folder / "project")
    site = folder / "site"
    build(root, site, as_of="2026-06-05")
    with serve(Path(site), "timeline-server") as url:
        yield url


def _open(page: Page, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"


def test_the_notice_leads_to_the_upcoming_text_and_back(page: Page, timeline_server: str) -> None:
    _open(page, timeline_server + PAGES["notice"])
    status = page.locator("#tinh-trang")
    assert "Sắp sửa đổi, bổ sung" in status.inner_text()
    status.get_by_role("link", name="Xem nội dung sắp có hiệu lực").click()
    page.wait_for_url(f"**/{PAGES['upcoming']}")
    assert "Nội dung sắp có hiệu lực từ ngày 15/06/2026" in page.locator(
        "#tinh-trang").inner_text()
    assert page.get_by_text("Phí: 3.000 đồng").count() == 1
    page.get_by_role("link", name="nội dung đang có hiệu lực").click()
    page.wait_for_url(f"**/{PAGES['notice']}")
    assert page.get_by_text("Phí: 2.000 đồng").count() == 1


def test_the_history_shows_both_versions_newest_first(page: Page, timeline_server: str) -> None:
    _open(page, timeline_server + PAGES["notice"])
    page.get_by_role("link", name="Lịch sử thay đổi").click()
    page.wait_for_url(f"**/{PAGES['history']}")
    headings = page.locator(".tthc-version h2").all_inner_texts()
    assert headings == ["Phiên bản 2 Sắp có hiệu lực", "Phiên bản 1 Đang có hiệu lực"]
    change = page.locator(".tthc-change").filter(has_text="Số tiền")
    assert change.locator("del").inner_text() == "2000"
    assert change.locator("ins").inner_text() == "3000"


@pytest.mark.parametrize("name", list(PAGES))
def test_the_time_aware_pages_have_no_serious_accessibility_violation(
        page: Page, timeline_server: str, name: str) -> None:
    _open(page, timeline_server + PAGES[name])
    violations = run_axe(page)
    assert violations == [], "axe-core found:\n" + describe(violations)
