"""The archive: every version at its permanent URL, its redline, its comparison with today.

A long history means thousands of these pages, and pushing each through the site generator
costs it a whole page build (navigation, theme, search): measured, the build then grows with
the square of the page count. So the generator renders one *shell* page per language and
depth, with tokens where the title, the content and the language switcher's links go, and
this module fills a copy of the shell for each archived page of every policy at that depth.
Everything else around the content (header, navigation, footer) is the same for all pages of
one shell, and all of them sit at the same depth, so relative links stay right.

Pure but for `salt`, which reads this package's files (once), and the redlines another
process made ahead (`made_ahead`), which are the same function of the same texts: the caller
hands in the shell's HTML and writes what `fill` returns (`archive_output` decides which
pages need it).
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from .markdown_html import MarkdownRenderer, strip_title
from .pages import GeneratedPage
from . import dates
from .policies import PolicyDoc, relative_url, version_day
from .render import render
from .strings import Strings
from .versions import Version

if TYPE_CHECKING:
    from .redline import Labels, Redline

SHELL_SLUG = "policy-shell"
"""The version slug of the shells; never a real one (slugs are dates)."""

KINDS = ("version", "redline")
"""A version page sits at versions/<slug>/; redlines and comparisons one level deeper."""


class Token:
    """The markers the shells carry where each page's own text goes."""

    title = "POLICYSHELLTITLE"
    description = "POLICYSHELLDESCRIPTION"
    heading = "POLICYSHELLHEADING"
    content = "POLICYSHELLCONTENT"


_ALTERNATE = "policy-shell-alternate-"


def alternate_token_url(language: str) -> str:
    """Where a shell's language switcher points for `language`; `fill` puts the change log of
    the page's own policy in that language there, so one shell serves every policy."""
    return f"{_ALTERNATE}{language}/"


@dataclass(frozen=True)
class ArchivePage:
    """One archived version, redline or comparison, before it is put into its shell."""

    url: str
    kind: str
    title: str
    heading: str
    description: str
    key: str
    """A digest of everything the content depends on: equal keys, equal content."""
    content: Callable[[], str]
    """The HTML below the heading; called only when the page must be made (neither the site
    folder nor the page cache has it under its `page_key`)."""


def shell_owners(docs: list[PolicyDoc]) -> dict[str, PolicyDoc]:
    """Each policy's source -> the policy whose shells it is filled into.

    Everything around an archived page's content depends only on its language and its depth
    (relative links), so the first policy of each language and depth lends its shells to the
    others: a site of 20 policies in 5 languages renders 10 shells, not 200."""
    owners: dict[tuple[str, int], PolicyDoc] = {}
    return {doc.source: owners.setdefault((doc.language, doc.base.count("/")), doc) for doc in docs}


def shell_url(owner: PolicyDoc, kind: str) -> str:
    url = f"{owner.base}versions/{SHELL_SLUG}/"
    return url if kind == "version" else url + "changes/"


def shells(owner: PolicyDoc) -> list[GeneratedPage]:
    """The shell pages of `owner` (see `shell_owners`), for the generator to render."""
    markdown = render("shell.md", token=Token)
    return [GeneratedPage(shell_url(owner, kind)[len(owner.prefix):].rstrip("/") + ".md",
                          shell_url(owner, kind), markdown) for kind in KINDS]


def is_shell(url: str) -> bool:
    return f"/versions/{SHELL_SLUG}/" in "/" + url


@dataclass(frozen=True)
class Shell:
    """A shell's HTML cut where each page's own text goes: filling a page is one join, not
    six passes over 30 KB (0.1 ms a page, 1.5 s of CPU at 15,000 pages)."""

    parts: tuple[str, ...]
    slots: tuple[tuple[str, str], ...]
    """What goes between parts[i] and parts[i + 1]: ('url', ''), ('alternate', language),
    ('title', ''), ('description', ''), ('heading', '') or ('content', '')."""


_VERBATIM = re.compile(r"<(pre|textarea|script|style)\b.*?</\1\s*>", re.S | re.I)
"""Elements whose white space is their content."""
_INDENTED_LINES = re.compile(r"[ \t]*\n\s*")


def compact(html: str) -> str:
    """`html` with each run of white space that holds a line break cut to one line break,
    except inside pre, textarea, script and style: it renders the same. The theme indents
    its navigation deeply: 6.7 KB of each 80 KB archived page was indentation and blank
    lines, and a long history has tens of thousands of these pages to write."""
    out, at = [], 0
    for match in _VERBATIM.finditer(html):
        out += [_INDENTED_LINES.sub("\n", html[at:match.start()]), match.group()]
        at = match.end()
    out.append(_INDENTED_LINES.sub("\n", html[at:]))
    return "".join(out)


def compile_shell(html: str, shell_page_url: str) -> Shell:
    """Cut the HTML the theme rendered for the shell at `shell_page_url` at its slots: the
    shell's own URL (in its canonical link), the language switcher's links and the tokens.
    The shell is `compact`ed first; the texts that fill the slots are not."""
    html = compact(html)
    slots = re.compile("|".join([
        f"(?P<url>{re.escape(shell_page_url)})",
        r'(?P<alternate>href="(?:\.\./)*' + _ALTERNATE + r'(?P<language>[^/"]+)/")',
        f"(?P<title>{Token.title})", f"(?P<description>{Token.description})",
        f"(?P<heading>{Token.heading})",
        f'(?P<content><div class="policy-shell">{Token.content}</div>)']))
    parts, found, at = [], [], 0
    for match in slots.finditer(html):
        parts.append(html[at:match.start()])
        kind = match.lastgroup if match.lastgroup != "language" else "alternate"
        found.append((kind, match.group("language") if kind == "alternate" else ""))
        at = match.end()
    parts.append(html[at:])
    return Shell(tuple(parts), tuple(found))


def fill(shell: Shell, page: ArchivePage, content: str, alternates: dict[str, str]) -> str:
    """The shell's HTML with the page's URL (in its canonical link), title, heading, content,
    and its language switcher leading to `alternates` (language -> URL from the site root)."""
    values = {"url": page.url, "title": escape(page.title),
              "description": escape(page.description), "heading": escape(page.heading),
              "content": content}
    out = [shell.parts[0]]
    for (kind, language), part in zip(shell.slots, shell.parts[1:]):
        if kind == "alternate":
            out.append(f'href="{escape(relative_url(page.url, alternates[language]))}"')
        else:
            out.append(values[kind])
        out.append(part)
    return "".join(out)


def archive_pages(doc: PolicyDoc, strings: Strings, url_of: Callable[[str], str | None],
                  renderer: MarkdownRenderer, salt: str) -> list[ArchivePage]:
    """Every version of `doc` with its redline and its comparison with the current one.

    Args:
        url_of: the URL of a page (path inside the language folder), or None if it is gone.
        renderer: renders the archived Markdown like the site does.
        salt: a digest of the code, templates and texts the pages are made with.
    """
    pages: list[ArchivePage] = []
    labels = _labels(strings)
    chains = along_keys(doc)
    for version in doc.versions:
        url = doc.version_url(version)
        date_text = version_day(doc, version, strings)
        following = doc.following(version)
        if following is None:
            notice = strings.format("archived_current", start=date_text)
        else:
            notice = strings.format("archived_notice", start=date_text,
                                    end=dates.long_date(following.day, strings.language))
        redline_url, compare_url = doc.redline_url(version), doc.compare_url(version)
        links = {
            "current_href": relative_url(url, doc.base),
            "changelog_href": relative_url(url, doc.changelog_url),
            "redline_href": relative_url(url, redline_url) if redline_url else None,
            "compare_href": relative_url(url, compare_url) if compare_url else None,
        }

        def version_content(version=version, url=url, notice=notice, links=links) -> str:
            body = rebase_links(strip_title(version.body), doc.page, url, url_of)
            return (render("archive_notice.html", notice=notice, strings=strings.texts, **links)
                    + renderer.render(body))

        pages.append(ArchivePage(
            url, "version",
            title=strings.format("version_title", title=version.title or doc.page, date=date_text),
            heading=version.title or doc.page, description=notice,
            key=_digest(salt, url, notice, version.blob, repr(sorted(links.items()))),
            content=version_content))
        previous, current = _compared_with(doc, version)
        if previous is not None:
            pages.append(_redline(doc, strings, labels, salt, redline_url, previous, version,
                                  heading=strings.format("redline_title", date=date_text),
                                  intro=strings.format("redline_intro", date=date_text,
                                                       previous=version_day(doc, previous, strings)),
                                  summary=version.summary, about=version))
        if current is not None:
            current_date = version_day(doc, current, strings)
            pages.append(_redline(doc, strings, labels, salt, compare_url, version, current,
                                  heading=strings.format("compare_title", date=date_text),
                                  intro=strings.format("compare_intro", date=date_text,
                                                       current=current_date),
                                  summary=None, about=version,
                                  along=chains[version.number - 1]))
    return pages


def _compared_with(doc: PolicyDoc, version: Version) -> tuple[Version | None, Version | None]:
    """The versions `version` has a redline page against: (the one before it, the current
    one), None for each it has none against (the first version, the current one)."""
    previous = doc.previous(version) if doc.redline_url(version) else None
    current = doc.current if doc.compare_url(version) else None
    return previous, current


def _redline(doc: PolicyDoc, strings: Strings, labels: Labels, salt: str, url: str,
             old: Version, new: Version, *, heading: str, intro: str, summary: str | None,
             about: Version, along: str | None = None) -> ArchivePage:
    """A redline page: `new` against `old` directly, or, with `along` (the `along_keys` entry
    of `old`), the current version `new` against `old` along the history between them."""
    links = {"version_href": relative_url(url, doc.version_url(about)),
             "current_href": relative_url(url, doc.base),
             "changelog_href": relative_url(url, doc.changelog_url)}

    def content() -> str:
        if along is None:
            result = _AHEAD.get((old.blob, new.blob, labels)) or _redline_of(old.body, new.body,
                                                                              labels)
        else:
            result = _AHEAD.get((along, labels)) or _along_of(doc, old, labels)
        return render("redline.html", intro=intro, summary=summary, strings=strings.texts,
                      result=result, **links)

    return ArchivePage(
        url, "redline", title=f"{heading} – {new.title or doc.page}", heading=heading,
        description=intro,
        key=_digest(salt, url, intro, summary or "", old.blob, new.blob, along or "",
                    repr(sorted(links.items()))),
        content=content)


def along_keys(doc: PolicyDoc) -> list[str | None]:
    """For each version of `doc`, the key of its comparison with the current version when that
    is made along the history (`redline.lineage`): a digest of the texts of every version
    from it to the current one, all of which the comparison depends on. None for the current
    version (it has no comparison) and for the one before it, compared directly: that
    comparison is also the current version's redline, made once for both pages."""
    keys: list[str | None] = [None] * len(doc.versions)
    chain = ""
    for index in range(len(doc.versions) - 1, -1, -1):
        chain = _digest("along", doc.versions[index].blob, chain)
        if index < len(doc.versions) - 2:
            keys[index] = chain
    return keys


def _labels(strings: Strings) -> Labels:
    # Imported here, when pages are made: compiling the redline's patterns takes 11 ms, which
    # a build that makes no archived page (dates only, or every version kept) need not pay.
    from .redline import Labels

    return Labels(folded=strings["folded"], folded_one=strings["folded_one"])


def _redline_of(old: str, new: str, labels: Labels) -> Redline:
    from .redline import redline  # see _labels

    return redline(old, new, labels=labels)


_LINEAGES: dict[tuple[str, ...], list[tuple[int, ...]]] = {}
"""What `redline.lineage` found for a policy's versions, by the blob ids of their texts: one
pass over the history serves the comparisons of all its versions with the current one.
About 200 numbers per version."""


def _along_of(doc: PolicyDoc, old: Version, labels: Labels) -> Redline:
    """The current version of `doc` compared with `old` along the history."""
    from .redline import redline_along  # see _labels

    return redline_along(old.body, doc.current.body, _lineage_of(doc)[old.number - 1],
                         labels=labels)


_BLOBS: dict[int, tuple[tuple[Version, ...], tuple[str, ...]]] = {}
"""`_blobs` of each policy met in this build, by the identity of its versions' tuple (which
it holds, so that the identity cannot pass to another tuple)."""


def _blobs(doc: PolicyDoc) -> tuple[str, ...]:
    """The key of a policy's lineage: the blob ids of its versions' texts, oldest first.
    Made once per policy: each of its comparisons asks for it, and making it anew each time
    grew with the square of the versions (0.4 s at C=2000, 1.7 s at 4000, profiled)."""
    known = _BLOBS.get(id(doc.versions))
    if known is None or known[0] is not doc.versions:
        known = _BLOBS[id(doc.versions)] = (doc.versions,
                                            tuple(version.blob for version in doc.versions))
    return known[1]


def _lineage_of(doc: PolicyDoc) -> list[tuple[int, ...]]:
    """`redline.lineage` of `doc`'s versions, found once per process (or sent by the worker
    ahead, `made_ahead`)."""
    from .redline import lineage  # see _labels

    key = _blobs(doc)
    matchings = _LINEAGES.get(key)
    if matchings is None:
        matchings = _LINEAGES[key] = lineage([version.body for version in doc.versions])
    return matchings


# --- redlines made ahead ---------------------------------------------------------------------

_AHEAD: dict[tuple, Redline] = {}
"""Redlines made by another process before the pages were (see `redlines_ahead`), by the
blob ids of their two texts and their labels, or for a comparison along the history by its
`along_keys` entry and labels. (One can serve two pages: the version before
the current one compared with the current one is also the current one's redline.)"""

AHEAD_BATCH = 16
"""How many consecutive redlines of one policy `redlines_ahead` lists before the next policy."""


def redlines_ahead(docs: list[PolicyDoc], strings: dict[str, Strings]) -> list[tuple]:
    """The redlines `archive_pages` makes of `docs`, for a process that makes them ahead,
    while the build renders the site: (old version, new version, labels) items, (old, current,
    labels, doc, along key) for a comparison along the history, and before those of a policy
    ("lineage", doc), what they follow.

    In turns of `AHEAD_BATCH` per policy, so that what is done when the build asks for it is
    spread over every policy, and so over the processes that then make the rest. Only
    redlines whose texts are in memory: that process must not ask git for anything.
    """
    lists = []
    for doc in docs:
        labels = _labels(strings[doc.language])
        all_read = all(version.revision.is_read for version in doc.versions)
        chains = along_keys(doc)
        unique: dict[tuple, tuple] = {}
        if all_read and any(chains):  # first: every comparison along the history needs it
            unique[("lineage",)] = ("lineage", doc)
        for version in doc.versions:
            previous, current = _compared_with(doc, version)
            if previous is not None and previous.revision.is_read and version.revision.is_read:
                unique[(previous.blob, version.blob)] = (previous, version, labels)
            along = chains[version.number - 1]
            if current is None:
                continue
            if along is None:
                if version.revision.is_read and current.revision.is_read:
                    unique[(version.blob, current.blob)] = (version, current, labels)
            elif all_read:
                unique[(along,)] = (version, current, labels, doc, along)
        lists.append(list(unique.values()))
    longest = max(map(len, lists), default=0)
    return [item for start in range(0, longest, AHEAD_BATCH) for items in lists
            for item in items[start:start + AHEAD_BATCH]]


def redline_ahead(item: tuple) -> tuple[tuple, Redline]:
    """Make one redline listed by `redlines_ahead`: (its key, the redline); or the lineage
    of a policy's versions that its comparisons with the current version follow."""
    if item[0] == "lineage":
        doc = item[1]
        return ("lineage", _blobs(doc)), _lineage_of(doc)
    if len(item) == 5:  # a comparison with the current version along the history
        old, _, labels, doc, along = item
        return (along, labels), _along_of(doc, old, labels)
    old, new, labels = item
    return (old.blob, new.blob, labels), _redline_of(old.body, new.body, labels)


def made_ahead(results: dict[tuple, Redline] | None) -> None:
    """Take the redlines another process made (`redline_ahead`): pages use them as they are,
    the same function of the same texts. None lets them go (the pages are made), and what
    was found along the histories with them."""
    if results is None:
        _AHEAD.clear()
        _LINEAGES.clear()
        _BLOBS.clear()
        return
    for key, result in results.items():
        if key[0] == "lineage":
            _LINEAGES[key[1]] = result
        else:
            _AHEAD[key] = result


def archive_key(doc: PolicyDoc, made_with: list[str]) -> str:
    """A digest of everything `doc`'s archived pages are made from: its versions (text,
    dates, summaries) and `made_with` (the salt, the shells, the links). Equal keys, equal
    pages: a build can then leave the whole archive of the policy as the last one wrote it
    without planning a single page (at 100 policies of 50 versions, 0.3 s of a warm build)."""
    facts = [repr((v.slug, v.number, v.day.isoformat(), v.published.isoformat(), v.blob,
                   v.title, v.summary, v.commit))
             for v in doc.versions]
    return _digest(doc.base, doc.page, *made_with, *facts)


def part_key(kind: str, policy_keys: list[str], strings: Strings, salt: str,
             *made_with: str) -> str:
    """The key of a part of a page made from whole policies in the language of `strings`,
    such as a change log's list ('changelog', its policy) or a feed ('feed', the language's
    policies): their `policy_keys` (`archive_key(doc, [salt])` of each, made once for both),
    the language (Babel writes its dates), `salt` (code, templates, the site's words) and
    `made_with` (the site's name, say)."""
    return _digest(kind, strings.language, salt, *made_with, *policy_keys)


def shell_key(shell: str) -> str:
    """A digest of a shell's HTML, made once per shell rather than once per page."""
    return _digest(shell)


def page_key(shell_digest: str, page: ArchivePage, alternates: dict[str, str]) -> str:
    """The key of a finished page: its content's key, the shell and the switcher's links."""
    return _digest(shell_digest, page.key, repr(sorted(alternates.items())))


_MADE_WITH = ("markdown", "babel", "jinja2", "diff-match-patch", "fast-diff-match-patch")
"""The libraries whose output is in an archived page's content (the shell, which the theme
renders, has its own digest)."""


def salt(texts: dict[str, str], extensions: object, configs: object) -> str:
    """A digest of what every archived page is made with besides its own text: this
    package's code and templates, the libraries that write its content, the site's words,
    and the Markdown settings."""
    return _digest(code_digest(), repr(sorted(texts.items())), repr(extensions), repr(configs))


def fresh() -> None:
    """Read this package's files again at the next `salt`: `mkdocs serve` reloads the
    templates for each build (render.fresh), so their digest must follow. Redlines made ahead
    for another build are dropped."""
    code_digest.cache_clear()
    _AHEAD.clear()
    _BLOBS.clear()


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """The digest of this package's files and of the libraries' versions: read once per
    build, not once per language. (The one function here that reads files.)"""
    package = Path(__file__).parent
    files = sorted([*package.glob("*.py"), *(package / "templates").glob("*")])
    libraries = [f"{name} {_version(name)}" for name in _MADE_WITH]
    return _digest(*(f.read_bytes() for f in files), *libraries)


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


def salt_with(salt: str, *more: str) -> str:
    """`salt` with more of what every page is made from (e.g. the pages links can lead to)."""
    return _digest(salt, *more)


def _digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)((?:\s+\"[^\"]*\")?\))")
"""An inline link `[words](target "title")`; an image is one with a `!` just before it. The
pattern starts with a plain `[` so that the search skips ahead to each one (with `!?` in
front it tried every position: 0.6 ms for a 47 KB text without a link)."""


def rebase_links(body: str, from_page: str, page_url: str,
                 url_of: Callable[[str], str | None]) -> str:
    """Point the relative links of an archived text at today's pages, from its new URL.

    An archived text was written as `from_page` (a path inside the language folder); shown at
    `page_url`, its relative links would break. A link whose target page no longer exists
    keeps its words and loses its link (an image is dropped), so an old version never fails
    the build.
    """
    base = posixpath.dirname(from_page)
    out: list[str] = []
    at = 0
    for match in _LINK.finditer(body):
        words, target, closing = match.groups()
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:|/|#)", target, re.I):
            continue
        image = match.start() > 0 and body[match.start() - 1] == "!"
        path, _, anchor = target.partition("#")
        url = url_of(posixpath.normpath(posixpath.join(base, path)))
        if url is None:  # the target is gone: keep the words, drop the link (or the image)
            out.append(body[at:match.start() - 1] if image else body[at:match.start()])
            out.append("" if image else words)
        else:
            out.append(body[at:match.start()])
            out.append(f"[{words}]({relative_url(page_url, url)}"
                       f"{'#' + anchor if anchor else ''}{closing}")
        at = match.end()
    out.append(body[at:])
    return "".join(out)
