"""The text of every page the build adds or completes, rendered from `templates/`.

Pure: each function takes the site's data (policy docs, report catalog, strings, settings)
and returns Markdown that MkDocs renders like any page. The hook decides where it goes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from . import dates
from .errors import PolicySiteError
from .policies import PolicyDoc, Status, relative_url, version_day
from .render import render
from .reports import Catalog, ReportType
from .settings import Contact
from .strings import Strings


@dataclass(frozen=True)
class GeneratedPage:
    """A page the build adds: its path inside the language folder, its URL, its Markdown."""

    page: str
    url: str
    markdown: str
    in_nav: bool = False
    in_every_language: bool = False
    """True when every language has this page at the same path (report types, change log);
    an archived version exists only in its own language."""
    html: str = ""
    """HTML that takes the place of the line `HTML_MARKER` once Markdown has rendered the
    page: long generated lists need no Markdown, and parsing them as raw HTML blocks cost a
    change log 7 ms."""


HTML_MARKER = "<!-- policy-site: generated html -->"


# --- stamps ----------------------------------------------------------------------------

_H1 = re.compile(r"^# .*$", re.M)


def insert_after_title(markdown: str, html: str) -> str:
    """Put `html` right below the page's first H1 (or at the top when it has none)."""
    match = _H1.search(markdown)
    at = match.end() if match else 0
    return f"{markdown[:at]}\n\n{html.strip()}\n\n{markdown[at:].lstrip()}"


def stamp(doc: PolicyDoc, strings: Strings, page_url: str, *, links: bool = True) -> str:
    """The "last updated" line of a page (or its unpublished / preview marker).

    `links` adds the links to the change log and the feed (off when they are not built).
    """
    version = doc.current
    context: dict[str, object] = {"status": doc.status.value, "strings": strings.texts}
    if doc.status is Status.PUBLISHED and version is not None:
        before, found, after = strings["last_updated"].partition("{date}")
        if not found:  # the date would not show: a wrong date is worse than a failed build
            strings.format("last_updated")  # names the placeholder it has instead
            raise PolicySiteError(f"the '{strings.language}' text of 'last_updated' has no "
                                  "{date}: the page would show no date.", path=strings.source,
                                  fix="write {date} where the date goes, in every language.")
        context.update(
            day=version.day, date_text=dates.long_date(version.day, strings.language),
            last_updated_before=before, last_updated_after=after,
            feed_href=relative_url(page_url, doc.feed_url) if links else None)
    context["changelog_href"] = (relative_url(page_url, doc.changelog_url)
                                 if doc.versions and links else None)
    return render("stamp.html", **context)


# --- archive, redlines, change log ------------------------------------------------------

def changelog_page(doc: PolicyDoc, strings: Strings, html: str | None = None) -> GeneratedPage:
    """'Changes to this document': every version, newest first, with its summary and links.

    `html` is the list (`changelog_html`) when it was kept from an earlier build."""
    current = doc.current
    title = current.title if current and current.title else doc.page
    markdown = render("changelog.md", strings=strings.texts, marker=HTML_MARKER,
                      intro=strings.format("changelog_intro", title=title))
    return GeneratedPage(_page_of(doc.changelog_url, doc), doc.changelog_url, markdown,
                         in_nav=True, in_every_language=True,
                         html=changelog_html(doc, strings) if html is None else html)


def changelog_html(doc: PolicyDoc, strings: Strings) -> str:
    """The change log's list of versions (HTML), which takes the place of its marker."""
    url = doc.changelog_url
    current = doc.current
    entries = []
    for version in reversed(doc.versions):
        redline_url, compare_url = doc.redline_url(version), doc.compare_url(version)
        summary = version.summary or (strings["first_version"] if version.number == 1
                                      else strings["no_summary"])
        entries.append({
            "version": version, "date_text": version_day(doc, version, strings),
            "summary": summary, "current": version is current,
            "version_href": relative_url(url, doc.version_url(version)),
            "redline_href": relative_url(url, redline_url) if redline_url else None,
            "compare_href": relative_url(url, compare_url) if compare_url else None,
        })
    return render("changelog.html", strings=strings.texts, entries=entries,
                  current_href=relative_url(url, doc.base),
                  feed_href=relative_url(url, doc.feed_url))


def with_generated_html(content: str, html: str) -> str:
    """The rendered page `content` with `html` where Markdown left the marker."""
    return content.replace(HTML_MARKER, html, 1)


def _page_of(url: str, doc: PolicyDoc) -> str:
    """The page path inside the language folder for a URL: 'en/policy/x/' -> 'policy/x.md'."""
    return url[len(doc.prefix):].rstrip("/") + ".md"


# --- report types -----------------------------------------------------------------------


def report_pages(catalog: Catalog, strings: Strings, prefix: str) -> list[GeneratedPage]:
    """One page per report type, in the language of `strings`."""
    lang = strings.language
    return [
        GeneratedPage(report.page, prefix + report.page[: -len(".md")] + "/",
                      render("report.md", report=report, items=catalog.items_of(report),
                             lang=lang, strings=strings.texts), in_nav=True,
                      in_every_language=True)
        for report in catalog.report_types.values()
    ]


def report_comparison(catalog: Catalog, strings: Strings) -> str:
    """The side-by-side table of every item in every report type (Markdown)."""
    reports: list[ReportType] = list(catalog.report_types.values())
    return render("report_comparison.md", reports=reports, items=list(catalog.items.values()),
                  lang=strings.language, strings=strings.texts)


# --- contact ----------------------------------------------------------------------------


def contact_channels(contact: Contact, strings: Strings) -> str:
    return render("contact.html", contact=contact, strings=strings.texts)


def feedback_form(contact: Contact, strings: Strings, *, page_url: str, version: str) -> str:
    """A form that opens the reader's mail program: no backend, no third party.

    The page, language and policy version go into the message; without JavaScript the form
    still submits to `mailto:` and the plain link below it still works.
    """
    context = strings.format("form_context", page=page_url, language=strings.language,
                             version=version)
    mailto = (f"mailto:{contact.email}?subject={quote(strings['form_subject'])}"
              f"&body={quote(chr(10) + chr(10) + '---' + chr(10) + context)}")
    return render("feedback_form.html", contact=contact, strings=strings.texts,
                  context_text=context, mailto=mailto)


# --- inserts ----------------------------------------------------------------------------

_INSERT = re.compile(r"^[ \t]*<!--\s*insert:\s*([\w-]+)\s*-->[ \t]*$", re.M)


def expand_inserts(markdown: str, path: str, blocks: dict[str, Callable[[], str]]) -> str:
    """Replace each `<!-- insert: NAME -->` line with the block the build renders for NAME."""
    if "insert:" not in markdown:  # most pages: one scan instead of a match at every line
        return markdown

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in blocks:
            line = markdown.count("\n", 0, match.start()) + 1
            raise PolicySiteError(
                f"'<!-- insert: {name} -->' names no block the site knows.", path=path,
                line=line, fix=f"use one of: {', '.join(sorted(blocks))}.")
        return blocks[name]().strip()

    return _INSERT.sub(replace, markdown)
