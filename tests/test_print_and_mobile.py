"""The report tables on a phone, and what a printed page shows, in Chromium.

Same fixtures as tests/test_browser.py (tests/browser_support.py): the real site built once
and served on 127.0.0.1, a second site with two policy versions for the redline.
"""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("browser_support")
from browser_support import languages, mkdocs_config, visiting  # noqa: E402

pytest_plugins = ["browser_support"]
pytestmark = pytest.mark.browser

LANGUAGES = languages()
PREFIX = dict(LANGUAGES)
SITE_URL = mkdocs_config()["site_url"].rstrip("/") + "/"
PHONE = {"width": 390, "height": 844}

REPORT_PAGES = ["reports/", "reports/server-report/", "reports/crash-report/"]

# Every element of the page's tables, and the page itself, with the parts that do not fit
# into the viewport, and cells a reader cannot see.
_OVERFLOW = """scripts => {
    const width = document.documentElement.clientWidth;
    const out = [];
    // Without JavaScript Material's closed language menu sticks out past the right edge
    // on every page (not a table matter): the page as a whole is checked with it only.
    if (scripts && document.documentElement.scrollWidth > width) out.push('page scrolls sideways');
    const tables = [...document.querySelectorAll('article table')];
    for (const table of tables) {
        const wrap = table.closest('.md-typeset__scrollwrap');
        if (wrap && wrap.scrollWidth > wrap.clientWidth) out.push('table wrapper scrolls sideways');
        if (table.scrollWidth > table.clientWidth) out.push('table scrolls sideways');
        for (const e of [table, ...table.querySelectorAll('*')]) {
            if (e.closest('.visually-hidden')) continue;
            const r = e.getBoundingClientRect();
            if (r.left < 0 || r.right > width + 0.5) {
                const text = e.textContent.trim().slice(0, 30);
                out.push(`${e.tagName} "${text}" at ${r.left}..${r.right}`);
            }
        }
        for (const cell of table.querySelectorAll('th, td')) {
            const r = cell.getBoundingClientRect();
            if (!cell.checkVisibility({visibilityProperty: true}) || r.width < 1 || r.height < 1) {
                out.push(`hidden cell "${cell.textContent.trim().slice(0, 30)}"`);
            }
        }
    }
    return {tables: tables.length, out};
}"""


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", [x for x, _ in LANGUAGES])
@pytest.mark.parametrize("path", REPORT_PAGES)
def test_report_tables_fit_a_phone_without_hidden_columns(browser, served, path, lang, javascript):
    with visiting(browser, served, PREFIX[lang] + path, viewport=PHONE,
                  java_script_enabled=javascript) as visit:
        result = visit.page.evaluate(_OVERFLOW, javascript)
        # Each item's long text has the whole width, not a column a quarter of it.
        narrowest = visit.page.evaluate("""() => Math.min(...[...document.querySelectorAll(
            'article table tbody td')].filter(td => td.textContent.trim().length > 60)
            .map(td => td.getBoundingClientRect().width))""")
        assert visit.problems() == []
    assert result["tables"] >= 1
    assert result["out"] == []
    assert narrowest > 0.75 * PHONE["width"]


def test_report_tables_are_unchanged_on_a_wide_screen(browser, served):
    with visiting(browser, served, "reports/") as visit:
        layout = visit.page.evaluate("""() => {
            const table = document.querySelector('article table');
            return [getComputedStyle(table).display,
                    getComputedStyle(table.querySelector('tr')).display]}""")
    assert layout == ["inline-block", "table-row"]


# ----------------------------------------------------------------------------------------
# Print
# ----------------------------------------------------------------------------------------

def _shown(page, selector: str) -> list[str]:
    return page.evaluate("""selector => [...document.querySelectorAll(selector)]
        .filter(e => e.checkVisibility({visibilityProperty: true}))
        .map(e => e.textContent.trim())""", selector)


def _print_pages():
    for _, prefix in LANGUAGES:
        for path in ["", "policy/", "policy/versions/{old}/", "policy/changes/", "reports/",
                     "reports/server-report/", "contact/"]:
            yield pytest.param("real", prefix + path,
                               id=(prefix + path).replace("{old}", "old") or "/")
        yield pytest.param("redline", prefix + "policy/versions/{new}/changes/",
                           id=f"{prefix}policy/versions/new/changes/")


@pytest.mark.parametrize("site, path", list(_print_pages()))
def test_printed_page_names_its_permanent_address(browser, served, served_redline, site, path):
    where = served if site == "real" else served_redline
    prefix = next((p for _, p in LANGUAGES if p and path.startswith(p)), "")
    slugs = sorted(p.parent.name for p in where.site.glob(prefix + "policy/versions/*/index.html"))
    path = path.format(old=slugs[0], new=slugs[-1])
    address = SITE_URL + path
    # The current policy prints the permanent address of the version it shows.
    current = path in {prefix + "policy/" for _, prefix in LANGUAGES}
    expected = address + f"versions/{slugs[-1]}/" if current else address
    with visiting(browser, where, path) as visit:
        page = visit.page
        canonical = page.get_attribute("link[rel=canonical]", "href")
        on_screen = page.evaluate("document.body.innerText")
        assert _shown(page, ".policy-print-address") == []
        page.emulate_media(media="print")
        printed = _shown(page, ".policy-print-address")
        above = page.evaluate("""() => document.querySelector('.policy-print-address')
            .getBoundingClientRect().bottom <= document.querySelector('article h1')
            .getBoundingClientRect().top""")
        assert visit.problems() == []
    assert canonical == address
    assert expected not in on_screen  # nothing new to read on screen
    assert printed == [expected]
    assert above


def test_404_page_prints_no_address(browser, served):
    with visiting(browser, served, "404.html") as visit:
        visit.page.emulate_media(media="print")
        assert visit.page.locator(".policy-print-address").count() == 0


@pytest.mark.parametrize("lang", [x for x, _ in LANGUAGES])
def test_print_leaves_out_the_feedback_form_with_its_heading(browser, served, lang):
    with visiting(browser, served, PREFIX[lang] + "contact/") as visit:
        page = visit.page
        # The form's section: the last h2 before the form up to the next h2 (or the end).
        section = page.evaluate("""() => {
            const form = document.querySelector('.feedback-form');
            let start = form;
            while (start.tagName !== 'H2') start = start.previousElementSibling;
            const all = [];
            for (let e = start; e && (e === start || e.tagName !== 'H2');
                 e = e.nextElementSibling) {
                all.push(e);
            }
            all.forEach((e, i) => e.dataset.testSection = i);
            return all.map(e => e.tagName);
        }""")
        assert section[0] == "H2" and "FORM" in section and len(section) >= 4
        selector = "[data-test-section]"
        screen = _shown(page, selector)
        page.emulate_media(media="print")
        printed = _shown(page, selector)
        channels = _shown(page, ".contact-channels, h2")
    assert len(screen) == len(section)  # all there on screen
    assert printed == []
    assert channels  # the contact channels and their heading still print
