"""The editors' lint: mistakes in the Markdown sources, each named by file and line.

`scripts/lint` (and `make lint`) prints one `path:line: message` per problem and exits 1 when
there is any. It finds what the strict build would not say clearly, or not at all:

- front matter that does not parse, or that has a field outside `KNOWN_FIELDS` (a misspelt
  `summery:` would otherwise be dropped without a word), or a field of the wrong kind;
- a hand-typed "last updated" line ("Zuletzt aktualisiert: 28. Juni 2017", "Stand: …"): the
  build stamps every policy page with the date of its version, and a typed date goes stale;
- a translation whose headings differ from its source in number, order or level (a sign
  that a section was left out or added);
- a relative link to a page that does not exist in that language's folder, and is not one
  the build generates (`GENERATED`);
- a policy page whose newest version (or uncommitted change) has no change summary.

Reads the working tree and, for the summaries, the git history; knows nothing of MkDocs.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from . import frontmatter, reports, strings, translations
from .errors import PolicySiteError
from .history import History, NotAGitCheckout
from .policies import PolicyDoc
from .site import Site
from .versions import SUMMARY_FIELD, reader_view

KNOWN_FIELDS: dict[str, str] = {
    "title": "the page's title (shown, and in the browser tab)",
    "description": "one sentence for search engines and link previews",
    "summary": "what the newest change of a policy page does, in one or two sentences",
    "translation_of": "in a translation: the version of the source page it translates",
    "stamp": "'true' shows a \"last updated\" date on a page that is not a policy page",
    "search": "Material: 'exclude: true' keeps a page out of the site search",
    "hide": "Material: hide the navigation, the table of contents or the footer",
    "template": "MkDocs: render the page with another template of overrides/",
    "status": "Material: a page status such as 'new'",
}
"""The front-matter fields a page may have, and what each is for (also in EDITING.md)."""

TEXT_FIELDS = ("title", "description", "summary")

GENERATED = ("reports/<id>.md for each report type in data/report-types.yml",
             "<policy page>/changes.md (the change log)", "feed.xml")
"""Pages and files the build adds to every language folder: links to them are fine."""


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What could not be checked, and why (not a problem of the text)."""

    def add(self, path: str, line: int | None, message: str) -> None:
        self.problems.append(Problem(path, line or 1, message))


def lint(site: Site, *, history: bool = True) -> Report:
    """Every problem in the Markdown sources of `site`, sorted by file and line.

    Args:
        site: the site, as `policy_site.site.load` read it.
        history: also check the change summaries against the git history.
    """
    report = Report()
    files = _sources(site)
    generated = _generated_pages(site, report)
    _check_strings(site, report)
    parsed: dict[Path, _Page] = {}
    for path in files:
        page = _read(site, path, report)
        if page is None:
            continue
        parsed[path] = page
        _check_fields(site, page, report)
        _check_typed_date(page, report)
        _check_links(site, page, generated, report)
    _check_headings(site, parsed, report)
    if history:
        _check_summaries(site, report)
    report.problems.sort()
    return report


# --- reading ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Page:
    path: Path
    name: str
    """The path shown in messages, relative to the folder of mkdocs.yml."""
    language: str
    inner: str
    """The path inside the language folder: 'reports/index.md'."""
    text: str
    source: frontmatter.Source

    def body_lines(self) -> list[tuple[int, str]]:
        """(line number in the file, line) of the body, fenced code left out."""
        out, fence = [], None
        for n, line in enumerate(self.source.body.split("\n"), start=self.source.body_line):
            opening = _FENCE.match(line)
            if fence is None and opening:
                fence = opening.group(1)[0] * 3
                continue
            if fence is not None:
                if line.strip().startswith(fence):
                    fence = None
                continue
            out.append((n, line))
        return out


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _sources(site: Site) -> list[Path]:
    return sorted(p for lang in site.languages if site.language_dir(lang).is_dir()
                  for p in site.language_dir(lang).rglob("*.md"))


def _name(site: Site, path: Path) -> str:
    try:
        return path.relative_to(site.root).as_posix()
    except ValueError:
        return path.as_posix()


def _read(site: Site, path: Path, report: Report) -> _Page | None:
    name = _name(site, path)
    try:
        text = frontmatter.decode(path.read_bytes(), name)
        source = frontmatter.parse(text, name)
    except PolicySiteError as exc:
        report.add(name, exc.line, _message(exc))
        return None
    language = path.relative_to(site.docs_dir).parts[0]
    inner = path.relative_to(site.language_dir(language)).as_posix()
    return _Page(path, name, language, inner, text, source)


def _message(exc: PolicySiteError) -> str:
    return f"{exc.message} Fix: {exc.fix}" if exc.fix else exc.message


_KEY = re.compile(r"^([^\s:#][^:]*?)[ \t]*:")


def _field_lines(text: str) -> dict[str, int]:
    """The line of each top-level front-matter key ('summary' -> 4)."""
    lines: dict[str, int] = {}
    for n, line in enumerate(text.split("\n")[1:], start=2):
        if re.match(r"^(?:---|\.\.\.)[ \t]*$", line):
            break
        match = _KEY.match(line)
        if match:
            lines.setdefault(match.group(1).strip("'\""), n)
    return lines


# --- front matter ----------------------------------------------------------------------------

def _check_fields(site: Site, page: _Page, report: Report) -> None:
    lines = _field_lines(page.text)
    meta = page.source.meta
    for key in meta:
        line = lines.get(str(key), 2)
        if key not in KNOWN_FIELDS:
            close = difflib.get_close_matches(str(key), KNOWN_FIELDS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            report.add(page.name, line,
                       f"unknown front-matter field '{key}'{hint}. Fix: use one of "
                       f"{', '.join(KNOWN_FIELDS)}, or remove the line.")
        elif key in TEXT_FIELDS and not isinstance(meta[key], str):
            report.add(page.name, line,
                       f"the front-matter field '{key}' must be text. Fix: write it on one line "
                       f"after '{key}: ', in quotes if it contains a colon.")
        elif key == "stamp" and not isinstance(meta[key], bool):
            report.add(page.name, line,
                       f"'stamp: {meta[key]}' is neither true nor false, so the page shows no "
                       "date. Fix: write 'stamp: true' (without quotes) to show one, or remove "
                       "the line.")
    if translations.FIELD in meta:
        line = lines.get(translations.FIELD, 2)
        value = translations.normalize(meta[translations.FIELD])
        if page.language == site.settings.source_language:
            report.add(page.name, line,
                       f"'{translations.FIELD}' is for translations; this page is in the source "
                       f"language ({page.language}). Fix: remove the line.")
        elif value is None or translations.slug_key(value) is None:
            report.add(page.name, line,
                       f"'{translations.FIELD}: {value or ''}' names no version. Fix: write the "
                       "date of the source version this page translates, as YYYY-MM-DD (e.g. "
                       "'translation_of: 2017-06-28').")


# --- typed dates -----------------------------------------------------------------------------

_MONTH = r"[A-Za-zÄÖÜäöüé]{3,}\.?"
_DATE = (rf"(?:\d{{1,2}}\.\s*(?:{_MONTH}|\d{{1,2}}\.)\s*\d{{2,4}}"   # 28. Juni 2017, 28.06.2017
         rf"|\d{{4}}-\d{{2}}-\d{{2}}"                                # 2017-06-28
         rf"|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}"                          # 06/28/2017
         rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"        # June 28, 2017
         rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\s+\d{{4}}"          # 28 June 2017
         rf"|{_MONTH}\s+\d{{4}})")                                   # Juni 2017
_TYPED_DATE = re.compile(
    rf"(?:(?<![^\W_])(?:Zuletzt\s+(?:aktualisiert|geändert|überarbeitet)(?:\s+am)?"
    rf"|Letzte\s+(?:Aktualisierung|Änderung)(?:\s+am)?"
    rf"|Last\s+(?:updated|modified|changed|revised)(?:\s+on)?)\s*:?"
    rf"|(?<![^\W_])Stand(?:\s*:|\s+vom\s*:?))"
    rf"[\s*_]*(?:am\s+|on\s+)?{_DATE}", re.I)


def _check_typed_date(page: _Page, report: Report) -> None:
    for n, line in page.body_lines():
        match = _TYPED_DATE.search(line)
        if match:
            report.add(page.name, n,
                       f"a typed \"last updated\" date ('{match.group(0).strip(' *_')}'). Fix: "
                       "delete it; the site shows the date of each version, taken from git.")


# --- headings --------------------------------------------------------------------------------

_ATX = re.compile(r"^ {0,3}(#{1,6})(?!#)[ \t]*(.*?)(?:[ \t]+#+)?[ \t]*$")
"""A heading as Python-Markdown reads it: '###Crash report' is one too (no space needed)."""
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_BLOCK = re.compile(r"^ {0,3}(?:[-*+]\s|\d+[.)]\s|>|\||<|!!!|\?\?\?|#)")


@dataclass(frozen=True)
class _Heading:
    level: int
    text: str
    line: int

    def describe(self) -> str:
        return f"'{'#' * self.level} {self.text}'"


def headings(page: _Page) -> list[_Heading]:
    """The Markdown headings of a page (ATX and setext), outside fenced code."""
    found: list[_Heading] = []
    previous: tuple[int, str] | None = None
    for n, line in page.body_lines():
        atx = _ATX.match(line)
        if atx:
            found.append(_Heading(len(atx.group(1)), (atx.group(2) or "").strip(), n))
            previous = None
            continue
        setext = _SETEXT.match(line)
        if setext and previous is not None and previous[1].strip() and not _BLOCK.match(previous[1]):
            found.append(_Heading(1 if setext.group(1)[0] == "=" else 2, previous[1].strip(),
                                  previous[0]))
            previous = None
            continue
        previous = (n, line)
    return found


def _check_headings(site: Site, pages: dict[Path, _Page], report: Report) -> None:
    source_language = site.settings.source_language
    by_key = {(p.language, p.inner): p for p in pages.values()}
    for (language, inner), source in sorted(by_key.items()):
        if language != source_language:
            continue
        expected = headings(source)
        for other in site.languages:
            translation = by_key.get((other, inner))
            if other == source_language or translation is None:
                continue
            actual = headings(translation)
            if [h.level for h in actual] == [h.level for h in expected]:
                continue
            k = next(i for i in range(max(len(actual), len(expected)))
                     if i >= len(actual) or i >= len(expected)
                     or actual[i].level != expected[i].level)
            mine = actual[k] if k < len(actual) else None
            theirs = expected[k] if k < len(expected) else None
            line = mine.line if mine else (actual[-1].line if actual else translation.source.body_line)
            count = ("" if len(actual) == len(expected) else
                     f"{len(actual)} headings where the source has {len(expected)}; ")
            here = f"heading {k + 1} is {mine.describe()}" if mine else f"there is no heading {k + 1}"
            there = (f"{source.name} has {theirs.describe()} (line {theirs.line})" if theirs
                     else f"{source.name} has no heading {k + 1}")
            report.add(translation.name, line,
                       f"the headings differ from the source: {count}{here}, {there}. Fix: give "
                       "the translation the same headings as the source, at the same levels "
                       "(number of '#') and in the same order.")


# --- links -----------------------------------------------------------------------------------

_INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]"                      # [text], one level of [] inside
    r"\(\s*(<[^>]*>|[^)\s]+)"                                 # (target or (<target>
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")          # an optional "title")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
_CODE_SPAN = re.compile(r"(`+).+?\1")
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|/|#)", re.I)


def _check_strings(site: Site, report: Report) -> None:
    """The site's words (data/strings.yml), as the build reads them: a text missing in a
    language, or a placeholder translated or dropped."""
    try:
        strings.load(site.settings.strings, site.languages)
    except PolicySiteError as exc:
        report.add(_name(site, Path(exc.path)) if exc.path else "mkdocs.yml", exc.line,
                   _message(exc))


_ANY_REPORT = "reports/*"
"""In `_generated_pages` when the report types could not be read (reported on their own)."""


def _generated_pages(site: Site, report: Report) -> set[str]:
    """Paths inside a language folder that the build generates (see `GENERATED`)."""
    out: set[str] = set()
    try:
        catalog = reports.load(site.settings.report_types, site.languages)
    except PolicySiteError as exc:
        report.add(_name(site, Path(exc.path)) if exc.path else "mkdocs.yml", exc.line,
                   _message(exc))
        out.add(_ANY_REPORT)  # which pages it makes is unknown: their links are not wrong
    else:
        out.update(r.page for r in catalog.report_types.values())
    if site.settings.archive:
        out.update(f"{page[:-len('.md')]}/changes.md" for page in site.settings.pages)
        out.add("feed.xml")
    return out


def _check_links(site: Site, page: _Page, generated: set[str], report: Report) -> None:
    base = posixpath.dirname(f"{page.language}/{page.inner}")
    for n, line in page.body_lines():
        scan = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        targets = [m.group(1) for m in _INLINE_LINK.finditer(scan)]
        reference = _REFERENCE.match(scan)
        if reference:
            targets.append(reference.group(1))
        for raw in targets:
            target = raw[1:-1] if raw.startswith("<") and raw.endswith(">") else raw
            if not target or _EXTERNAL.match(target):
                continue
            path = unquote(target.split("#", 1)[0].split("?", 1)[0])
            if not path:
                continue
            resolved = posixpath.normpath(posixpath.join(base, path))
            if resolved.startswith("../") or resolved == "..":
                report.add(page.name, n,
                           f"the link '{target}' points outside the docs folder. Fix: link "
                           "to a page of the site, relative to this page's folder.")
                continue
            if (site.docs_dir / resolved).exists():
                continue
            lang, _, inner = resolved.partition("/")
            if lang == page.language and (inner in generated or (
                    _ANY_REPORT in generated and inner.startswith("reports/"))):
                continue
            shown = _name(site, site.docs_dir / resolved)
            report.add(page.name, n,
                       f"the link '{target}' points to {shown}, which does not exist. Fix: "
                       "correct the link (it is relative to this page's folder), or add the "
                       "page in this language.")


# --- change summaries ------------------------------------------------------------------------

def _check_summaries(site: Site, report: Report) -> None:
    try:
        hist = site.read_history()
    except NotAGitCheckout:
        report.notes.append("not a git checkout: the change summaries were not checked.")
        return
    except PolicySiteError as exc:
        report.add(_name(site, Path(exc.path)) if exc.path else ".", exc.line, _message(exc))
        return
    docs = site.policy_docs(hist)
    _check_translated_versions(site, hist, docs, report)
    for doc in docs:
        path = hist.root / doc.source
        name = _name(site, path)
        version = doc.current
        fix = ("Fix: write what changed, in one or two sentences, in the 'summary:' field of "
               "the front matter, in the same pull request.")
        if version is not None and version.number > 1 and version.summary is None:
            now = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else version.text
            line = _field_lines(now).get(SUMMARY_FIELD)
            kept = " keeps the summary of the version before it" if line else " has no change summary"
            report.add(name, line or 1, f"the newest version ({version.slug}, commit "
                                        f"{version.commit[:12]}){kept}. {fix}")
        revisions = hist.revisions(doc.source)
        if doc.source in hist.dirty and revisions and path.is_file():
            _check_pending(name, path, revisions[-1].text, fix, report)


def _check_translated_versions(site: Site, hist: History, docs: list[PolicyDoc],
                               report: Report) -> None:
    """A translation's `translation_of` must name a version of its source, unless it is
    changed in the same commit as the source (translations.lag decides that): a day on which
    the source did not change would count as up to date."""
    root = hist.root
    for doc in docs:
        source = translations.source_of(doc, docs, site.settings.source_language)
        path = root / doc.source
        if source is None or not source.versions or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            value = frontmatter.parse(text, doc.source).meta.get(translations.FIELD)
        except PolicySiteError:
            continue  # reported with the front matter
        lag = translations.lag(source, doc, translation_of=value,
                               uncommitted=doc.source in hist.dirty)
        if (lag is None or lag.names_a_version
                or translations.slug_key(lag.translation_of or "") is None):
            continue  # up to date, lagging behind a real version, or reported as no date
        name = _name(site, path)
        language = translations.language_name(source.language, "en")
        report.add(name, _field_lines(text).get(translations.FIELD, 2),
                   f"'{translations.FIELD}: {lag.translation_of}' names no version of "
                   f"{_name(site, root / source.source)}: the {language} page did not change "
                   f"that day. Fix: write the date of the {language} version this page "
                   f"translates (the newest is {lag.current.slug}; the others are in its "
                   "change log).")


def _check_pending(name: str, path: Path, committed: str, fix: str,
                   report: Report) -> None:
    """An uncommitted change a reader would see must come with a new summary: one that
    differs from the `committed` text's (the page at HEAD, which may carry a summary written
    after its version, or an editorial change)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        if reader_view(text, name) == reader_view(committed, name):
            return
        now = frontmatter.parse(text, name).meta.get(SUMMARY_FIELD)
        before = frontmatter.parse(committed, name).meta.get(SUMMARY_FIELD)
    except PolicySiteError:
        return  # reported with the front matter
    if isinstance(now, str) and now.strip() and " ".join(now.split()) != " ".join(str(before or "").split()):
        return
    line = _field_lines(text).get(SUMMARY_FIELD, 1)
    report.add(name, line, f"the uncommitted change to the text has no new change summary. {fix}")
