"""Procedure, decision and home pages of the built site in a real headless Chromium.

What a reader needs from each page: the procedure's sections and status, the decision's
annex and where its links lead, province-specific details, a usable phone layout, no serious
accessibility violation, and nothing fetched from outside the site. The pages are picked
from content/ (see the constants below), so the expectations come from the same YAML the
site is built from. How these tests run: docs/testing.md.
"""

from __future__ import annotations

import json
import re
from functools import cache
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from axe_check import describe, run_axe
from bundled_content import CONTENT, agency_name, procedure, procedure_files

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

# A procedure with steps, a dossier, channels and legal grounds, in force.
PROCEDURE = "1.001193"
# The decision whose annex the brief names; its annex lists provincial details.
DECISION_NUMBER = "1766/QĐ-UBND"
PHONE_WIDTH = 375
CODE = re.compile(r"\b\d\.\d{6}\b")


# --- content: what the pages must show -------------------------------------------------------





@cache
def decision_file(number: str) -> Path:
    found = [path for path in CONTENT.glob("decisions/*/*/*.yaml")
             if f"so_ky_hieu: {number}\n" in path.read_text("utf-8")]
    assert len(found) == 1, f"expected one decision {number} in content/decisions: {found}"
    return found[0]


@cache
def decision(number: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(decision_file(number).read_text("utf-8"))
    return data


def decision_url(number: str) -> str:
    """`content/decisions/<agency>/<year>/<slug>.yaml` → `quyet-dinh/<agency>/<year>/<slug>/`."""
    agency, year, name = decision_file(number).with_suffix("").parts[-3:]
    return f"quyet-dinh/{agency}/{year}/{name}/"




def localised_item() -> dict[str, Any]:
    """The first annex item of the decision that has provincial details and a procedure page."""
    for items in decision(DECISION_NUMBER)["danh_muc"].values():
        for item in items:
            if item.get("thong_tin_dia_phuong") and str(item.get("ma")) in procedure_files():
                return dict(item)
    raise AssertionError(f"no annex item of {DECISION_NUMBER} with thong_tin_dia_phuong has a "
                         "procedure file in content/procedures")


# --- browser helpers -------------------------------------------------------------------------

def _open(page: Page, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"


def _text(page: Page, selector: str) -> str:
    return " ".join(page.locator(selector).inner_text().split())


# --- procedure page --------------------------------------------------------------------------

def test_procedure_heading_is_the_procedure_name(page: Page, site_server: str) -> None:
    _open(page, f"{site_server}thu-tuc/{PROCEDURE}/")
    assert page.locator("h1").count() == 1
    assert _text(page, "h1") == procedure(PROCEDURE)["ten"]
    assert page.locator("[data-tthc-code]").get_attribute("data-tthc-code") == PROCEDURE
    assert page.title().startswith(procedure(PROCEDURE)["ten"])


def test_procedure_contents_links_lead_to_its_sections(page: Page, site_server: str) -> None:
    _open(page, f"{site_server}thu-tuc/{PROCEDURE}/")
    links = page.locator("nav.tthc-contents a")
    assert links.count() >= 4, "the 'Nội dung trang' box lists too few sections"
    assert _text(page, "nav.tthc-contents h2") == "Nội dung trang"
    for link in links.all():
        href = link.get_attribute("href") or ""
        assert href.startswith("#"), f"contents link {href!r} is not a link into the page"
        target = page.locator(f'[id="{href[1:]}"]')
        assert target.count() == 1, f"{href}: {target.count()} elements carry this id"
        assert target.evaluate("e => e.tagName") == "H2", f"{href} is not a section heading"
        assert " ".join(target.inner_text().split()) == " ".join(link.inner_text().split())
    # Following a link brings its section to the top of the window.
    links.first.click()
    first = (links.first.get_attribute("href") or "")[1:]
    page.wait_for_function("id => location.hash === '#' + id", arg=first)
    assert page.locator(f'[id="{first}"]').bounding_box()["y"] < 200  # type: ignore[index]


def test_procedure_shows_steps_dossier_channels_and_legal_grounds(page: Page,
                                                                  site_server: str) -> None:
    data = procedure(PROCEDURE)
    _open(page, f"{site_server}thu-tuc/{PROCEDURE}/")
    headings = [" ".join(h.split()) for h in page.locator("article h2").all_inner_texts()]
    for heading in ("Các bước thực hiện", "Hồ sơ cần chuẩn bị", "Cách nộp, thời hạn và phí",
                    "Căn cứ pháp lý"):
        assert heading in headings, f"section {heading!r} missing; the page has {headings}"

    # Steps: one ordered list per case, numbered 1, 2, 3… as in the YAML.
    lists = page.locator("section", has=page.locator("h2#trinh-tu")).locator("ol.tthc-steps")
    groups = data["trinh_tu_thuc_hien"]
    assert lists.count() == len(groups)
    for ol, group in zip(lists.all(), groups, strict=True):
        numbers = ol.locator(":scope > li > .tthc-steps__n").all_inner_texts()
        assert numbers == [str(n) for n in range(1, len(group["buoc"]) + 1)]

    # Dossier: a table per case, with original and copy counts as columns.
    tables = page.locator("table.tthc-dossier")
    assert tables.count() == len(data["thanh_phan_ho_so"])
    for table in tables.all():
        columns = [" ".join(c.split()) for c in table.locator("thead th").all_inner_texts()]
        assert "Bản chính" in columns and "Bản sao" in columns, columns
        assert table.locator("tbody tr").count() >= 1
    rows = sum(len(group["giay_to"]) for group in data["thanh_phan_ho_so"])
    assert page.locator("table.tthc-dossier tbody tr").count() == rows

    # Channels: one box per way of submitting, each with its time limit and fees.
    channels = page.locator(".tthc-channel")
    assert channels.count() == len(data["cach_thuc_thuc_hien"])
    for channel in channels.all():
        terms = channel.locator("dt").all_inner_texts()
        assert "Thời hạn giải quyết" in terms and "Phí, lệ phí" in terms, terms

    legal = page.locator("table.tthc-legal tbody tr")
    assert legal.count() == len(data["can_cu_phap_ly"])
    numbers_shown = legal.locator("td:first-child").all_inner_texts()
    assert [n.strip() for n in numbers_shown] == [g["so_ky_hieu"] for g in data["can_cu_phap_ly"]]


def test_procedure_status_box_says_in_force(page: Page, site_server: str) -> None:
    _open(page, f"{site_server}thu-tuc/{PROCEDURE}/")
    status = page.locator(".tthc-status")
    assert status.count() == 1
    assert status.get_attribute("role") == "status"
    assert _text(page, ".tthc-status strong") == "Đang có hiệu lực"
    assert procedure(PROCEDURE)["quyet_dinh_cong_bo"] in _text(page, ".tthc-status")


def test_procedure_facts_never_show_a_missing_value_as_none(page: Page,
                                                            site_server: str) -> None:
    # A procedure whose publication lacks an implementing agency (`thieu_thong_tin`).
    data = procedure(PROCEDURE)
    assert "co_quan_thuc_hien" in data.get("thieu_thong_tin", []), "pick another procedure"
    _open(page, f"{site_server}thu-tuc/{PROCEDURE}/")
    facts = {" ".join(dt.split()): " ".join(dd.split()) for dt, dd in zip(
        page.locator(".tthc-facts dt").all_inner_texts(),
        page.locator(".tthc-facts dd").all_inner_texts(), strict=True)}
    shown_as_none = [term for term, value in facts.items() if value in {"None", "", "null"}]
    assert shown_as_none == [], (f"facts printed without a value: {shown_as_none} "
                                 f"(all facts: {facts})")


def test_procedure_structured_data_is_a_government_service(page: Page,
                                                           site_server: str) -> None:
    _open(page, f"{site_server}thu-tuc/{PROCEDURE}/")
    scripts = page.locator('script[type="application/ld+json"]').all_text_contents()
    assert scripts, "no JSON-LD on the procedure page"
    documents = [json.loads(text) for text in scripts]
    services = [d for d in documents if d.get("@type") == "GovernmentService"]
    assert len(services) == 1, documents
    service = services[0]
    assert service["@context"] == "https://schema.org"
    assert service["name"] == procedure(PROCEDURE)["ten"]
    identifiers = service["identifier"]
    identifiers = identifiers if isinstance(identifiers, list) else [identifiers]
    codes = [i["value"] for i in identifiers
             if isinstance(i, dict) and i.get("propertyID") == "ma_thu_tuc"]
    assert codes == [PROCEDURE], identifiers
    assert service["provider"]["name"] == agency_name(procedure(PROCEDURE)["co_quan_cong_bo"])


# --- decision page ---------------------------------------------------------------------------

def test_decision_page_lists_its_whole_annex(page: Page, site_server: str) -> None:
    data = decision(DECISION_NUMBER)
    _open(page, site_server + decision_url(DECISION_NUMBER))
    assert _text(page, "h1") == f"Quyết định {DECISION_NUMBER}"
    assert agency_name(data["co_quan_ban_hanh"]) in _text(page, ".tthc-facts")
    tables = page.locator("table.tthc-annex")
    groups = list(data["danh_muc"].values())
    assert tables.count() == len(groups)
    for table, items in zip(tables.all(), groups, strict=True):
        assert table.locator("tbody tr").count() == len(items)
    codes_shown = set(CODE.findall(" ".join(
        page.locator("table.tthc-annex td.tthc-code").all_inner_texts())))
    assert codes_shown == {str(i["ma"]) for items in groups for i in items if i.get("ma")}
    local = sum(1 for items in groups for i in items if i.get("thong_tin_dia_phuong"))
    assert page.locator("table.tthc-annex details.tthc-local").count() == local


def test_every_annex_link_leads_to_that_procedure(page: Page, site_server: str) -> None:
    _open(page, site_server + decision_url(DECISION_NUMBER))
    links: list[dict[str, Any]] = page.eval_on_selector_all(
        "table.tthc-annex a",
        """links => links.map(a => ({href: a.href, text: a.innerText.trim(),
            codes: a.closest('tr').querySelector('td.tthc-code').innerText}))""")
    with_pages = {c for items in decision(DECISION_NUMBER)["danh_muc"].values() for i in items
                  if (c := str(i.get("ma"))) in procedure_files()}
    assert with_pages, f"no annex item of {DECISION_NUMBER} has a procedure page to link to"
    linked = {c for link in links for c in CODE.findall(link["codes"])}
    assert with_pages <= linked, f"annex items not linked to their page: {with_pages - linked}"
    problems = []
    for link in links:
        response = page.request.get(link["href"])
        if response.status != 200:
            problems.append(f"{link['href']}: HTTP {response.status}")
            continue
        html = response.text()
        h1 = re.search(r"<h1>(.*?)</h1>", html, re.S)
        code = re.search(r'data-tthc-code="([^"]+)"', html)
        heading = " ".join(unescape(h1.group(1)).split()) if h1 else None
        if code is None or (code.group(1) not in CODE.findall(link["codes"])
                            and heading != link["text"]):
            problems.append(f"{link['text']!r} ({link['codes']}) → {link['href']}: "
                            f"page of {code and code.group(1)} {heading!r}")
    assert problems == [], "annex links that do not lead to their procedure:\n" + "\n".join(
        problems)


def test_localised_procedure_shows_the_provinces_details(page: Page, site_server: str) -> None:
    item = localised_item()
    data = decision(DECISION_NUMBER)
    province = agency_name(data["co_quan_ban_hanh"])
    _open(page, f"{site_server}thu-tuc/{item['ma']}/")
    section = page.locator("section", has=page.locator("h2#dia-phuong"))
    assert " ".join(section.locator("h2").inner_text().split()) == "Thông tin tại địa phương"
    details = section.locator("details.tthc-local", has_text=province)
    assert details.count() == 1, f"no provincial details of {province} on {item['ma']}"
    decision_link = details.locator("a", has_text=DECISION_NUMBER)
    assert decision_link.count() == 1
    target = decision_link.evaluate("a => a.href")
    assert target == site_server + decision_url(DECISION_NUMBER)
    # Closed at first; opening it (keyboard, as the summary holds links) shows the details.
    assert details.locator("dl").is_hidden()
    details.locator("summary").focus()
    page.keyboard.press("Enter")
    assert details.evaluate("d => d.open")
    terms = [" ".join(t.split()) for t in details.locator("dt").all_inner_texts()]
    assert "Phí, lệ phí" in terms, terms
    fee = details.locator("dd").nth(terms.index("Phí, lệ phí"))
    assert fee.is_visible()
    local = item["thong_tin_dia_phuong"]
    assert " ".join(fee.inner_text().split()) == " ".join(str(local["phi_le_phi"]).split())


# --- phone width -----------------------------------------------------------------------------

@pytest.mark.parametrize("url", [f"thu-tuc/{PROCEDURE}/", "decision"],
                         ids=["procedure", "decision"])
def test_page_does_not_scroll_sideways_on_a_phone(mobile_page: Page, site_server: str,
                                                  url: str) -> None:
    url = decision_url(DECISION_NUMBER) if url == "decision" else url
    _open(mobile_page, site_server + url)
    widths = mobile_page.evaluate(
        "() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})")
    assert widths["inner"] == PHONE_WIDTH, widths
    assert widths["scroll"] <= widths["inner"], f"horizontal page scroll at 375px: {widths}"
    tables: list[dict[str, Any]] = mobile_page.eval_on_selector_all(
        "article table",
        """tables => tables.map(t => {const r = t.getBoundingClientRect();
            return {cls: t.className, left: r.left, right: r.right, scroll: t.scrollWidth,
                    client: t.clientWidth, overflow: getComputedStyle(t).overflowX};})""")
    assert tables, "expected tables on this page"
    for table in tables:
        assert table["left"] >= 0 and table["right"] <= PHONE_WIDTH, f"table off screen: {table}"
        if table["scroll"] > table["client"]:
            assert table["overflow"] in {"auto", "scroll"}, f"wide table cut off: {table}"


def test_navigation_drawer_opens_from_the_menu_button(mobile_page: Page,
                                                      site_server: str) -> None:
    from playwright.sync_api import expect

    _open(mobile_page, f"{site_server}thu-tuc/{PROCEDURE}/")
    drawer = mobile_page.locator(".md-sidebar--primary")
    search_link = drawer.locator("a.md-nav__link", has_text="Tìm kiếm").first
    expect(drawer).not_to_be_in_viewport()
    menu = mobile_page.locator('label.md-header__button[for="__drawer"]')
    expect(menu).to_be_visible()
    menu.click()
    expect(mobile_page.locator("#__drawer")).to_be_checked()
    expect(drawer).to_be_in_viewport(ratio=1)  # fully slid in, not just moving
    expect(search_link).to_be_in_viewport(ratio=1)
    search_link.click()
    mobile_page.wait_for_url("**/tim-kiem/")


# --- accessibility and privacy ---------------------------------------------------------------

PAGES = {
    "home": lambda: "",
    "procedure": lambda: f"thu-tuc/{PROCEDURE}/",
    "procedure-with-local-details": lambda: f"thu-tuc/{localised_item()['ma']}/",
    "decision": lambda: decision_url(DECISION_NUMBER),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_accessibility_violation(page: Page, site_server: str,
                                                     name: str) -> None:
    _open(page, site_server + PAGES[name]())
    violations = run_axe(page)
    assert violations == [], "axe-core found:\n" + describe(violations)


@pytest.mark.parametrize("name", list(PAGES))
def test_page_fetches_nothing_from_other_hosts(page: Page, site_server: str,
                                               blocked_requests: list[str], name: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    _open(page, site_server + PAGES[name]())
    page.evaluate("() => document.fonts.ready.then(() => true)")  # web fonts come last
    assert requested, "the page loaded nothing at all"
    assert blocked_requests == [], f"the page tried to reach other hosts: {blocked_requests}"
    assert all(url.startswith(site_server) or url.startswith("data:") for url in requested), (
        [url for url in requested if not url.startswith(site_server)])
