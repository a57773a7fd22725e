"""The search page (tim-kiem/) in a real headless Chromium: pagefind's interface over the
shards of the built index, the way a citizen types (often without diacritics).

Every test types into the real interface and waits for pagefind to render (no sleeps): the
status line "N kết quả cho <query>" proves the search for that query finished, then each
result's data is awaited. Expected pages are picked from content/. How these tests run:
docs/testing.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import pytest
from axe_check import describe, run_axe
from bundled_content import CONTENT, agency_name, procedure, procedure_files

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

pytestmark = pytest.mark.browser


INPUT = ".pagefind-ui__search-input"
RESULT = ".pagefind-ui__result"
MESSAGE = ".pagefind-ui__message"
LOAD_MORE = ".pagefind-ui__button"
FILTER_BLOCK = "details.pagefind-ui__filter-block"
WAIT = 15_000  # ms, for pagefind to load its index and render
LOCAL_HOST = "127.0.0.1"

SEPARATOR = "§"  # generator/site/search.py: starts the folded đ-words in the index
WORD = re.compile(r"\w+")
# Queries a reader types; the readable-excerpt tests run over all of them.
QUERIES = ["dang ky", "đăng ký", "dat dai", "doanh nghiep", "1.001193",
           "dang ky hoat dong cua chi nhanh, cong ty luat nuoc ngoai"]


@dataclass(frozen=True)
class Hit:
    title: str
    path: str      # site path of the result, e.g. /thu-tuc/1.001193/
    excerpt: str   # the excerpt as text
    html: str      # the excerpt as rendered (with <mark>)
    tags: list[str]


# --- content ---------------------------------------------------------------------------------







def decisions_listing(code: str) -> list[str]:
    """Site paths of the decisions whose annex lists `code`."""
    found = []
    for path in sorted(CONTENT.glob("decisions/*/*/*.yaml")):
        if f"'{code}'" in path.read_text("utf-8"):
            agency, year, name = path.with_suffix("").parts[-3:]
            found.append(f"/quyet-dinh/{agency}/{year}/{name}/")
    return found


def fold(text: str) -> str:
    """Vietnamese as typed without diacritics: `Đăng ký` → `dang ky`."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(c)).lower()


# --- driving the search page -----------------------------------------------------------------

def _open(page: Page, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"


def _finished(page: Page, query: str) -> int:
    """Wait for pagefind's status line for `query`; the number of results it reports."""
    from playwright.sync_api import expect

    message = page.locator(MESSAGE)
    expect(message).to_have_text(re.compile(rf"^\d+ kết quả cho {re.escape(query)}\s*$"),
                                 timeout=WAIT)
    _rendered(page)
    return int(message.inner_text().split()[0])


def _rendered(page: Page) -> None:
    """Each shown result has loaded its data (pagefind fills them in one by one)."""
    page.wait_for_function(
        """() => { const shown = [...document.querySelectorAll('.pagefind-ui__result')];
                   return shown.length > 0 && shown.every(
                       r => r.querySelector('.pagefind-ui__result-link')); }""",
        timeout=WAIT)


def _hits(page: Page) -> list[Hit]:
    rows: list[dict[str, Any]] = page.eval_on_selector_all(
        RESULT,
        """results => results.map(r => {
            const link = r.querySelector('.pagefind-ui__result-link');
            const excerpt = r.querySelector('.pagefind-ui__result-excerpt');
            return {title: link.innerText, path: new URL(link.href).pathname,
                    excerpt: excerpt ? excerpt.innerText : '',
                    html: excerpt ? excerpt.innerHTML : '',
                    tags: [...r.querySelectorAll('.pagefind-ui__result-tag')]
                          .map(t => t.innerText)}; })""")
    return [Hit(" ".join(r["title"].split()), r["path"], " ".join(r["excerpt"].split()),
                r["html"], r["tags"]) for r in rows]


def search(page: Page, site_server: str, query: str) -> list[Hit]:
    """Type `query` into the search page; the results pagefind shows first."""
    _open(page, site_server + "tim-kiem/")
    page.locator(INPUT).fill(query)
    _finished(page, query)
    return _hits(page)


def load_all(page: Page, count: int) -> list[Hit]:
    """Press "Xem thêm kết quả" until all `count` results are shown."""
    from playwright.sync_api import expect

    results = page.locator(RESULT)
    while results.count() < count:
        shown = results.count()
        page.locator(LOAD_MORE).click()
        expect(results).not_to_have_count(shown, timeout=WAIT)
    expect(results).to_have_count(count, timeout=WAIT)
    _rendered(page)
    return _hits(page)


@dataclass
class Searcher:
    """One search page, kept open for the module: each query is typed into the same box
    (as a reader retypes), so pagefind loads its index once. Results are kept per query."""

    page: Page
    blocked: list[str]
    typed: dict[str, list[Hit]] = field(default_factory=dict)

    def __call__(self, query: str) -> list[Hit]:
        if query not in self.typed:
            from playwright.sync_api import expect

            box = self.page.locator(INPUT)
            box.fill("")  # clears the results: the next ones are rendered afresh
            expect(self.page.locator(RESULT)).to_have_count(0, timeout=WAIT)
            box.fill(query)
            _finished(self.page, query)
            self.typed[query] = _hits(self.page)
        return self.typed[query]


@pytest.fixture(scope="module")
def searcher(browser: Browser, site_server: str) -> Iterator[Searcher]:
    """The module's search page; like `page`, it reaches only 127.0.0.1."""
    blocked: list[str] = []

    def offline(route: Route) -> None:
        if urlsplit(route.request.url).hostname == LOCAL_HOST:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("blockedbyclient")

    context = browser.new_context(locale="vi-VN", service_workers="block",
                                  viewport={"width": 1280, "height": 800})
    context.set_default_timeout(WAIT)
    context.route("**/*", offline)
    try:
        page = context.new_page()
        _open(page, site_server + "tim-kiem/")
        yield Searcher(page, blocked)
        assert blocked == [], f"the search page tried to reach other hosts: {blocked}"
    finally:
        context.close()


def _listing(hits: list[Hit]) -> str:
    return "\n".join(f"  {n}. {h.title} <{h.path}>" for n, h in enumerate(hits, 1))


# --- finding what was typed ------------------------------------------------------------------

def test_dang_ky_without_diacritics_finds_dang_ky(searcher: Searcher) -> None:
    hits = searcher("dang ky")
    assert len(hits) >= 3
    for hit in hits[:3]:
        # Not a page that merely has "dân … ký" (or any other word folding to "dan…").
        assert "đăng ký" in hit.title.lower(), f"top result without 'đăng ký':\n{_listing(hits)}"
    for hit in hits:
        assert "đăng ký" in f"{hit.title} {hit.excerpt}".lower(), _listing(hits)


def test_dang_ky_with_diacritics_finds_dang_ky(searcher: Searcher) -> None:
    hits = searcher("đăng ký")
    assert len(hits) >= 3
    for hit in hits:
        assert "đăng ký" in hit.title.lower(), f"result without 'đăng ký':\n{_listing(hits)}"


@pytest.mark.parametrize(("query", "code"), [
    ("dang ky thanh lap ho kinh doanh", "1.001612"),
    ("đăng ký thành lập hộ kinh doanh", "1.001612"),
    ("dang ky khai sinh", "1.001193"),
    ("đăng ký khai sinh", "1.001193"),
])
def test_a_dang_ky_procedure_is_among_the_first_results(searcher: Searcher,
                                                        query: str, code: str) -> None:
    name = procedure(code)["ten"]
    assert fold(query) in fold(name), "the query must be the procedure's name, folded or not"
    hits = searcher(query)
    first = [h.path for h in hits[:3]]
    assert f"/thu-tuc/{code}/" in first, f"{code} {name} not in the top 3:\n{_listing(hits)}"
    assert next(h.title for h in hits if h.path == f"/thu-tuc/{code}/") == name


@pytest.mark.parametrize("code", ["1.001193", "1.001612", "1.002181"])
def test_a_procedure_code_finds_that_procedure_first(searcher: Searcher,
                                                     code: str) -> None:
    assert code in procedure_files()
    hits = searcher(code)
    assert hits[0].path == f"/thu-tuc/{code}/", _listing(hits)
    assert hits[0].title == procedure(code)["ten"]


def test_a_query_in_the_address_searches_at_once(page: Page, site_server: str) -> None:
    _open(page, f"{site_server}tim-kiem/?q=1.001193")
    _finished(page, "1.001193")
    hits = _hits(page)
    assert hits[0].path == "/thu-tuc/1.001193/", _listing(hits)
    assert page.locator(INPUT).input_value() == "1.001193"


@pytest.mark.parametrize("folded", [False, True], ids=["with-diacritics", "without"])
def test_exact_name_ranks_the_procedure_above_decisions_listing_it(page: Page, site_server: str,
                                                                   folded: bool) -> None:
    code = "1.002181"
    name = procedure(code)["ten"]
    listing = decisions_listing(code)
    assert listing, f"pick a procedure that a decision's annex lists ({code} is in none)"
    query = fold(name) if folded else name
    search(page, site_server, query)
    hits = load_all(page, _finished(page, query))
    paths = [h.path for h in hits]
    assert paths[0] == f"/thu-tuc/{code}/", _listing(hits)
    shown = [p for p in listing if p in paths]
    assert shown, f"none of the decisions listing {code} ({listing}) was found:\n{_listing(hits)}"


def test_a_d_word_typed_without_d_is_found(searcher: Searcher) -> None:
    # "dat dai" for "đất đai": pagefind folds tone marks but not đ; the index adds d-forms.
    hits = searcher("dat dai")
    assert any("đất đai" in h.title.lower() for h in hits[:3]), (
        f"no 'đất đai' page in the top 3 for 'dat dai':\n{_listing(hits)}")
    assert any(h.path.startswith("/thu-tuc/") and "đất đai" in h.title.lower() for h in hits), (
        f"no procedure named with 'đất đai' among the first results:\n{_listing(hits)}")


# --- what the results look like --------------------------------------------------------------

@pytest.mark.parametrize("query", QUERIES)
def test_excerpts_never_show_the_separator(searcher: Searcher, query: str) -> None:
    hits = searcher(query)
    shown = [f"{h.path}: {h.excerpt}" for h in hits if SEPARATOR in h.html]
    assert shown == [], f"excerpts with {SEPARATOR!r}:\n" + "\n".join(shown)


@pytest.mark.parametrize("query", QUERIES)
def test_excerpts_are_the_pages_own_words(searcher: Searcher, query: str) -> None:
    """The folded copies in the index help matching only: an excerpt must not show them
    (e.g. "quan tri doanh nghiep" for "quản trị doanh nghiệp")."""
    hits = searcher(query)
    problems = []
    for hit in hits:
        words = _page_words(searcher.page, urljoin(searcher.page.url, hit.path))
        folded = {fold(w) for w in words}
        stripped = sorted({w for w in WORD.findall(hit.excerpt.lower())
                           if w not in words and w in folded})
        if stripped:
            problems.append(f"{hit.path}: {stripped} in {hit.excerpt!r}")
    assert problems == [], "excerpts showing diacritic-stripped copies:\n" + "\n".join(problems)


def _page_words(page: Page, url: str) -> set[str]:
    """Lower-cased words a reader sees on `url` (its text and its description)."""
    response = page.request.get(url)
    assert response.ok, f"{url}: HTTP {response.status}"
    html = response.text()
    described = re.findall(r'<meta name="description" content="([^"]*)"', html)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", " ", html) + " " + " ".join(described))
    return {w.lower() for w in WORD.findall(text)}


def test_results_show_no_untranslated_metadata(searcher: Searcher) -> None:
    hits = searcher("đăng ký")
    raw = [f"{h.path}: {t}" for h in hits for t in h.tags if t.lower().startswith("excerpt")]
    assert raw == [], "results show pagefind's raw 'excerpt' metadata as a tag:\n" + "\n".join(
        raw)


# --- filters ---------------------------------------------------------------------------------

def test_the_filter_groups_are_offered(searcher: Searcher) -> None:
    from playwright.sync_api import expect

    searcher("đăng ký")
    names = searcher.page.locator(f"{FILTER_BLOCK} > summary")
    for name in ("Cơ quan", "Lĩnh vực", "Cấp thực hiện", "Trực tuyến"):
        expect(names.filter(has_text=re.compile(rf"^{name}$"))).to_have_count(1, timeout=WAIT)


def test_an_agency_filter_keeps_only_that_agencys_pages(page: Page, site_server: str) -> None:
    from playwright.sync_api import expect

    agency = "bo-tu-phap"
    name = agency_name(agency)
    codes = set(p.stem for p in (CONTENT / "procedures" / agency).glob("*.yaml"))
    query = "đăng ký"
    search(page, site_server, query)
    total = _finished(page, query)
    assert any(h.path.startswith("/thu-tuc/") and h.path.split("/")[2] not in codes
               for h in load_all(page, min(total, 20))), "no other agency to filter out"

    block = page.locator(FILTER_BLOCK, has=page.locator("summary", has_text=re.compile(
        r"^Cơ quan$")))
    block.locator("summary").click()
    label = block.locator("label.pagefind-ui__filter-label",
                          has_text=re.compile(rf"^{re.escape(name)} \(\d+\)$"))
    expected = int(re.findall(r"\((\d+)\)", label.inner_text())[-1])
    assert 0 < expected < total, (expected, total)
    label.click()
    assert block.locator(f'input[type="checkbox"][value="{name}"]').is_checked()
    expect(page.locator(MESSAGE)).to_have_text(
        re.compile(rf"^{expected} kết quả cho {re.escape(query)}\s*$"), timeout=WAIT)
    hits = load_all(page, expected)
    foreign = [h for h in hits
               if not (h.path.startswith("/thu-tuc/") and h.path.split("/")[2] in codes)
               and not h.path.startswith(f"/quyet-dinh/{agency}/")]
    assert foreign == [], f"results of other agencies under the filter {name!r}:\n" + _listing(
        foreign)


# --- phone, accessibility, privacy -----------------------------------------------------------

def test_search_page_does_not_scroll_sideways_on_a_phone(mobile_page: Page,
                                                         site_server: str) -> None:
    search(mobile_page, site_server, "đăng ký")
    widths = mobile_page.evaluate(
        "() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})")
    assert widths["inner"] == 375, widths
    assert widths["scroll"] <= widths["inner"], f"horizontal page scroll at 375px: {widths}"


def test_search_page_with_results_has_no_serious_accessibility_violation(
        page: Page, site_server: str) -> None:
    search(page, site_server, "đăng ký")
    violations = run_axe(page)
    assert violations == [], "axe-core found:\n" + describe(violations)


def test_search_fetches_nothing_from_other_hosts(page: Page, site_server: str,
                                                 blocked_requests: list[str]) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    search(page, site_server, "dang ky")
    load_all(page, 10)
    assert any("/pagefind/" in url for url in requested), "the index was not fetched"
    assert blocked_requests == [], f"the search page tried to reach other hosts: {blocked_requests}"
    assert [u for u in requested if not u.startswith(site_server)] == []
