"""What the reader's browser gets: every kind of page, in every language, in Chromium.

The real site is built once and served on 127.0.0.1; a second site, built from a temporary
git repository with two versions of the policy, supplies the redline and the comparison with
the current version. Each check opens the page in a fresh browser context of one Chromium.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

pytest.register_assert_rewrite("browser_support")
from browser_support import AXE, Served, languages, mkdocs_config, visiting  # noqa: E402

pytest_plugins = ["browser_support"]
pytestmark = pytest.mark.browser

LANGUAGES = languages()
DEFAULT = LANGUAGES[0][0]
PREFIX = dict(LANGUAGES)
CONFIG = mkdocs_config()
SITE_URL = CONFIG["site_url"].rstrip("/") + "/"
EMAIL = CONFIG["extra"]["policies"]["contact"]["email"]

# Every kind of page: its path inside the language folder. The archived ones are found in
# the built site ({old}: the oldest version, {new}: the newest).
KINDS = {
    "home": "",
    "policy": "policy/",
    "server-report": "reports/server-report/",
    "crash-report": "reports/crash-report/",
    "report-comparison": "reports/",
    "contact": "contact/",
    "change-log": "policy/changes/",
    "archived-version": "policy/versions/{old}/",
    "redline": "policy/versions/{new}/changes/",
    "compare-with-current": "policy/versions/{old}/compare/",
    "404": "404.html",
}
ARCHIVE_KINDS = {"archived-version", "redline", "compare-with-current"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Rules outside those tags that Material's defaults failed and the overrides fix.
AXE_ALSO = {"aria-dialog-name": {"enabled": True}}
PAGES = [pytest.param(kind, lang, id=f"{kind}-{lang}") for kind in KINDS for lang, _ in LANGUAGES]


@pytest.fixture(scope="session")
def sites(served, served_redline):
    """Where each kind of page is: the archive's pages come from the two-version site, whose
    policy has two versions in every language whatever the real one has (a redline exists
    only from the second version on, and a translation may lag behind); the others from the
    real site."""

    def slugs(served: Served) -> list[str]:
        return sorted(p.parent.name for p in served.site.glob("policy/versions/*/index.html"))

    result = {}
    for kind, path in KINDS.items():
        where = served_redline if kind in ARCHIVE_KINDS else served
        found = slugs(where)
        assert found, f"no archived version in {where.site}"
        result[kind] = (where, path.format(old=found[0], new=found[-1]))
    return result


def target(sites, kind: str, lang: str) -> tuple[Served, str]:
    served, path = sites[kind]
    return served, PREFIX[lang] + path


def other_languages(lang: str) -> list[str]:
    return [x for x, _ in LANGUAGES if x != lang]


# ----------------------------------------------------------------------------------------
# Requests and console
# ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, lang", PAGES)
def test_page_loads_only_from_its_own_origin_without_errors(browser, sites, kind, lang):
    served, path = target(sites, kind, lang)
    with visiting(browser, served, path, wait_until="networkidle") as visit:
        assert visit.page.evaluate("document.documentElement.lang") == lang
        assert visit.problems() == []
        assert all(url.startswith(served.origin + "/") for url in visit.requests)
        # overrides/main.html hides the hreflang links from Material while it starts; they
        # must be back afterwards, for whoever reads the rendered page.
        restored = visit.page.evaluate("document.querySelectorAll('link[rel=alternate][hreflang]').length")
        assert restored == len([x for x in head(served, path).links if "hreflang" in x])


# ----------------------------------------------------------------------------------------
# Accessibility
# ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind, lang", PAGES)
def test_no_accessibility_violations(browser, sites, kind, lang, scheme):
    served, path = target(sites, kind, lang)
    with visiting(browser, served, path, color_scheme=scheme) as visit:
        page = visit.page
        expected = "slate" if scheme == "dark" else "default"
        assert page.evaluate("document.body.dataset.mdColorScheme") == expected
        # Material switches to the dark palette with a colour transition: measure after it.
        page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "([tags, rules]) => axe.run(document, {runOnly: {type: 'tag', values: tags}, rules})",
            [AXE_TAGS, AXE_ALSO])
    assert [_describe(v) for v in result["violations"]] == []


def _describe(violation: dict) -> str:
    nodes = "; ".join(
        f"{' '.join(map(str, n['target']))}: {n['failureSummary'].splitlines()[-1].strip()}"
        for n in violation["nodes"][:5])
    return f"{violation['id']} ({violation['help']}): {nodes}"


# ----------------------------------------------------------------------------------------
# Languages: the switcher, and what search engines read in the head
# ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, lang", PAGES)
def test_language_switcher_leads_to_the_same_page(browser, sites, kind, lang):
    served, path = target(sites, kind, lang)
    inner = sites[kind][1]
    for other in other_languages(lang):
        if kind == "404":
            allowed = [PREFIX[other], PREFIX[other] + "404.html"]
        elif kind in ARCHIVE_KINDS:  # that version if the language has it, else its change log
            allowed = [PREFIX[other] + inner, PREFIX[other] + KINDS["change-log"]]
        else:
            allowed = [PREFIX[other] + inner]
        with visiting(browser, served, path) as visit:
            page = visit.page
            page.hover(".md-select")
            link = page.locator(f".md-select__link[hreflang='{other}']")
            with page.expect_navigation():
                link.click()
            landed = urlsplit(page.url).path.lstrip("/")
            assert landed in allowed, f"{path} -> {other}: {page.url}"
            assert page.evaluate("document.documentElement.lang") == other
            assert visit.problems() == []


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[dict] = []
        self.meta: dict[str, str] = {}
        self.lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "meta" and "name" in attrs:
            self.meta[attrs["name"]] = attrs.get("content", "")


def head(served: Served, path: str) -> _Head:
    file = served.site / (path + "index.html" if path.endswith("/") or not path else path)
    html = file.read_text(encoding="utf-8")
    parser = _Head()
    parser.feed(html[:html.index("</head>")])
    return parser


@pytest.mark.parametrize("kind, lang", PAGES)
def test_head_names_the_page_in_every_language(sites, kind, lang):
    served, path = target(sites, kind, lang)
    page = head(served, path)
    assert page.lang == lang
    canonical = [x["href"] for x in page.links if x.get("rel") == "canonical"]
    hreflang = {x["hreflang"]: x["href"] for x in page.links
                if x.get("rel") == "alternate" and "hreflang" in x}
    description = page.meta.get("description", "")
    assert description.strip(), "no meta description"
    for other in other_languages(lang):  # each language describes the page in its own words
        assert head(*target(sites, kind, other)).meta.get("description") != description
    if kind == "404":  # not a page of the site: no address of its own, no translations
        assert canonical == [] and hreflang == {}
        return
    assert canonical == [SITE_URL + path]
    expected = {x: SITE_URL + PREFIX[x] + sites[kind][1] for x, _ in LANGUAGES}
    expected["x-default"] = expected[DEFAULT]
    if kind in ARCHIVE_KINDS:
        # An archived page names only the languages that have the same page; the build
        # may know none, then it names none.
        assert {k: v for k, v in hreflang.items() if expected.get(k) != v} == {}
        for href in hreflang.values():
            assert (served.site / href[len(SITE_URL):] / "index.html").is_file(), href
        assert ("x-default" in hreflang) == (DEFAULT in hreflang)
    else:
        assert hreflang == expected
        for href in hreflang.values():
            assert (served.site / href[len(SITE_URL):] / "index.html").is_file(), href


def test_each_language_root_has_a_sitemap_of_its_pages(served):
    """Material fetches sitemap.xml beside each language's feed (a <link rel="alternate">)."""
    for lang, prefix in LANGUAGES:
        sitemap = (served.site / prefix / "sitemap.xml").read_text(encoding="utf-8")
        locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
        assert locs, lang
        assert all(loc.startswith(SITE_URL + prefix) for loc in locs), lang
        if not prefix:  # the root one, for search engines, names every language's pages
            assert any(loc.startswith(SITE_URL + p) for _, p in LANGUAGES[1:] for loc in locs)


# ----------------------------------------------------------------------------------------
# Search
# ----------------------------------------------------------------------------------------

# A word on pages of every language (so mixed results would show), and one of the language.
SEARCH_WORDS = {"de": ["Helpdesk", "Absturzbericht"], "en": ["Helpdesk", "crash"]}


@pytest.mark.parametrize("lang", [x for x, _ in LANGUAGES])
def test_search_finds_pages_of_the_readers_language_only(browser, sites, lang):
    served, path = target(sites, "policy", lang)
    for word in SEARCH_WORDS[lang]:
        with visiting(browser, served, path) as visit:
            page = visit.page
            page.locator(".md-search__input").click()
            page.keyboard.type(word, delay=20)
            page.locator(".md-search-result__item").first.wait_for()
            hrefs = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")
            assert hrefs, word
            paths = [urlsplit(h).path for h in hrefs]
            if PREFIX[lang]:
                assert [p for p in paths if not p.startswith("/" + PREFIX[lang])] == [], word
            else:
                others = tuple("/" + PREFIX[x] for x in other_languages(lang))
                assert [p for p in paths if p.startswith(others)] == [], word
            assert all(h.startswith(served.origin + "/") for h in hrefs)
            for href in set(hrefs):  # every result is a page that exists
                file = urlsplit(href).path.lstrip("/")
                assert (served.site / file / "index.html").is_file() or (served.site / file).is_file(), href
            assert visit.problems() == []


# ----------------------------------------------------------------------------------------
# The feedback form
# ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", [x for x, _ in LANGUAGES])
def test_feedback_form_prepares_a_message_with_page_language_and_version(browser, sites, lang):
    served, path = target(sites, "contact", lang)
    with visiting(browser, served, path) as visit:
        page = visit.page
        # A mailto: address is no request; Chromium reports it as a requested navigation.
        cdp = page.context.new_cdp_session(page)
        requested: list[str] = []
        cdp.on("Page.frameRequestedNavigation", lambda event: requested.append(event["url"]))
        cdp.send("Page.enable")
        page.fill("#feedback-message", "Ein Test – a test.")
        page.locator(".feedback-form button[type=submit]").click()
        for _ in range(60):
            if requested:
                break
            page.wait_for_timeout(50)
        assert visit.problems() == []
    mailto = [u for u in requested if u.startswith("mailto:")]
    assert len(mailto) == 1, requested
    address, _, query = mailto[0][len("mailto:"):].partition("?")
    assert address == EMAIL
    fields = {k: v[0] for k, v in parse_qs(query.replace("+", "%2B")).items()}
    assert fields.get("subject", "").strip(), f"no subject: {mailto[0]}"
    body = fields.get("body", "")
    assert "Ein Test – a test." in body
    assert SITE_URL + path in body  # the page
    assert re.search(rf"\b{lang}\b", body)  # the language
    assert _current_version(served, lang) in body  # the policy version


def _current_version(served: Served, lang: str) -> str:
    versions = served.site.glob(f"{PREFIX[lang]}policy/versions/*/index.html")
    return sorted(p.parent.name for p in versions)[-1]


@pytest.mark.parametrize("lang", [x for x, _ in LANGUAGES])
def test_without_javascript_the_plain_mail_link_is_there(browser, sites, lang):
    served, path = target(sites, "contact", lang)
    with visiting(browser, served, path, java_script_enabled=False) as visit:
        href = visit.page.get_attribute("#feedback-mailto", "href")
        assert visit.page.locator("#feedback-mailto").is_visible()
    assert href and href.startswith(f"mailto:{EMAIL}")
    assert unquote(href).startswith(f"mailto:{EMAIL}?subject=")


# ----------------------------------------------------------------------------------------
# Print
# ----------------------------------------------------------------------------------------

PRINT_HIDDEN = [".md-header", ".md-sidebar--primary", ".md-search", ".md-footer"]


@pytest.mark.parametrize("kind, lang", [p for p in PAGES if p.values[0] in ("policy", "redline")])
def test_print_shows_the_text_without_navigation_header_search_and_footer(browser, sites, kind, lang):
    served, path = target(sites, kind, lang)
    with visiting(browser, served, path) as visit:
        page = visit.page
        page.emulate_media(media="print")
        shown = page.evaluate("""selectors => selectors.flatMap(s =>
            [...document.querySelectorAll(s)].filter(e => {
                const style = getComputedStyle(e);
                return style.display !== 'none' && style.visibility !== 'hidden'
                    && e.checkVisibility({visibilityProperty: true});
            }).map(() => s))""", PRINT_HIDDEN)
        assert shown == []
        assert page.locator("article h1").first.is_visible()
        if kind == "policy":
            assert page.locator(".policy-stamp").is_visible()
        else:  # on paper nothing unfolds: the unchanged passages are printed too
            folded = page.locator(".redline-fold > :not(summary)")
            assert folded.count() > 0
            assert all(folded.nth(i).is_visible() for i in range(folded.count()))
