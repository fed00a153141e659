"""Translation status: does each translated policy page still say what its source says?

One language is the source (`extra.policies.source_language`); every other language is a
translation. A translated page records which version of its source it translates in the
front-matter field `translation_of`, the source version's slug (`translation_of: 2017-06-28`;
YAML may read that as a date, which is accepted). The editor updates it in the pull request
that translates a change.

A translation lags when its `translation_of` is missing, names an older version than the
source page's current one, or names no version at all (a day on which the source did not
change: the translation claims what nobody can check). One relief, because an editor cannot
know the day a pull request will be merged, which is the day (and slug) of the new source
version: when the translated page's current version comes from the same commit as the
source's current version and that commit changed `translation_of`, the translation counts as
up to date whatever day it names. On main a pull request lands as one (merge or squash)
commit, so a translation done in the same pull request as the change is never reported as
lagging.

Pure: works on `PolicyDoc`s (and the strings); the hook shows `banner()` on lagging pages and
`scripts/translation-status` prints `statuses()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError

from . import frontmatter
from .errors import PolicySiteError
from .policies import PolicyDoc, relative_url, version_day
from .render import render
from .strings import Strings
from .versions import TRANSLATION_FIELD, Version, field_text

if TYPE_CHECKING:
    from .site import Site

FIELD = TRANSLATION_FIELD
"""The front-matter field of a translated page that names the source version it translates."""

_SLUG = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:-(\d+))?$")


class _Committed:
    def __repr__(self) -> str:
        return "COMMITTED"


COMMITTED = _Committed()
"""Default of `translation_of=`: read the field from the translation's newest committed version."""


@dataclass(frozen=True)
class Lag:
    """A translated page that does not (or not provably) reflect its source's current version."""

    source: PolicyDoc
    translation: PolicyDoc
    translation_of: str | None
    """The field as written (a date turned into its ISO text), or None when it is missing."""
    translated: Version | None
    """The source version the translation reflects: the one `translation_of` names, or the
    newest before that day; None when the field is missing, not a slug, or older than all."""
    missing: tuple[Version, ...]
    """The source versions the translation does not reflect yet, oldest first (never empty)."""

    @property
    def current(self) -> Version:
        """The source's current version."""
        return self.source.versions[-1]

    @property
    def names_a_version(self) -> bool:
        """Whether `translation_of` is the name of one of the source's versions."""
        return _named(self.source, self.translation_of, self.translation) is not None

    @property
    def since(self) -> Version:
        """The first source version the translation lacks: it lags since this one."""
        return self.missing[0]

    def describe(self) -> str:
        """One line for `scripts/translation-status`."""
        if self.translation_of is None:
            why = f"it has no '{FIELD}:' field"
        elif slug_key(self.translation_of) is None:
            why = f"'{FIELD}: {self.translation_of}' is not a version name (YYYY-MM-DD)"
        elif not self.names_a_version:
            why = f"'{FIELD}: {self.translation_of}' names no version of {self.source.source}"
        else:
            why = f"it translates {self.translation_of}"
        return (f"lags since {self.since.slug}: {why}; the source {self.source.source} has "
                f"changed since (current version {self.current.slug}, commit "
                f"{self.current.commit[:12]}). Fix: translate the changes and set "
                f"'{FIELD}: {self.current.slug}'.")


def normalize(value: object) -> str | None:
    """`translation_of` as text: a YAML date becomes '2017-06-28'; empty or missing is None."""
    return field_text(value)


def slug_key(slug: str) -> tuple[date, int] | None:
    """'2024-03-01-2' -> (date(2024, 3, 1), 2): versions in order; None for anything else."""
    match = _SLUG.match(slug)
    if not match:
        return None
    try:
        day = date.fromisoformat(match.group(1))
    except ValueError:
        return None
    return day, int(match.group(2) or 1)


def _field(version: Version | None) -> str | None:
    """The committed `translation_of` of `version`, learnt with its other facts: no text is
    read again."""
    return None if version is None else version.translation_of


def lag(source: PolicyDoc, translation: PolicyDoc, *,
        translation_of: object = COMMITTED, uncommitted: bool = False) -> Lag | None:
    """How far `translation` lags behind `source`, or None when it is up to date.

    Args:
        source: the page in the source language.
        translation: the same page in another language.
        translation_of: the field's value when it is known better than from the committed
            history (the hook passes the page's front matter, so `make serve` shows an edit
            at once); by default it is read from the translation's newest committed version.
        uncommitted: the translation's file has changes that are not committed: a day after
            the source's current version may then be the day of a source change that is
            not committed either (both pages edited under `make serve`).
    """
    if not source.versions:
        return None  # nothing of the source is published: nothing to lag behind
    committed = _field(translation.current)
    value = committed if translation_of is COMMITTED else normalize(translation_of)
    current = source.versions[-1]
    key = slug_key(value) if value else None
    named = _named(source, value, translation)
    if named is current:
        return None
    if value is not None and value == committed and _changed_with(translation, current):
        return None
    if key is not None and key > slug_key(current.slug) and uncommitted:
        return None  # an edit not committed yet, made for a source change not committed yet
    translated = named
    if translated is None and key is not None and key < slug_key(current.slug):
        older = [v for v in source.versions if slug_key(v.slug) <= key]
        translated = older[-1] if older else None
    missing = source.versions[translated.number:] if translated else source.versions
    return Lag(source, translation, value, translated, tuple(missing))


def _named(source: PolicyDoc, value: str | None, translation: PolicyDoc) -> Version | None:
    """The source version `value` names: the one of that slug, or for a bare day on which
    the source has several versions ('2026-12-05' for -2 and -3 too) the newest of that day
    that the translation's newest version can have seen. An editor writes the day the source
    page shows and cannot know a version's number before the merge. None when no version
    has that name or day."""
    if value is None:
        return None
    exact = next((v for v in source.versions if v.slug == value), None)
    match = _SLUG.match(value)
    if exact is None or match is None or match.group(2):  # not a bare day: the slug it is
        return exact
    that_day = [v for v in source.versions if v.day == exact.day]
    mine = translation.current
    seen = [v for v in that_day if mine is None or v.published <= mine.published]
    return seen[-1] if seen else exact


def _changed_with(translation: PolicyDoc, source_version: Version) -> bool:
    """True when the translation's newest version comes from the commit of `source_version`
    and that commit set `translation_of` (a translation done in the same pull request)."""
    mine = translation.current
    if mine is None or mine.commit != source_version.commit:
        return False
    before = translation.previous(mine)
    return before is None or _field(before) != _field(mine)


def source_of(doc: PolicyDoc, docs: list[PolicyDoc], source_language: str) -> PolicyDoc | None:
    """The same page in the source language; None when `doc` is itself the source."""
    if doc.language == source_language:
        return None
    return next((d for d in docs if d.language == source_language and d.page == doc.page), None)


def lag_for(doc: PolicyDoc, docs: list[PolicyDoc], source_language: str, *,
            translation_of: object = COMMITTED, uncommitted: bool = False) -> Lag | None:
    """`lag()` of `doc` behind its source page among `docs`; None for a source page."""
    source = source_of(doc, docs, source_language)
    return None if source is None else lag(source, doc, translation_of=translation_of,
                                           uncommitted=uncommitted)


# --- the banner on a lagging page -----------------------------------------------------------

@cache
def language_name(language: str, in_language: str) -> str:
    """'German' for ('de', 'en'), 'Deutsch' for ('de', 'de'), with Babel's names."""
    try:
        name = Locale.parse(language).get_display_name(in_language)
    except (UnknownLocaleError, ValueError):
        name = None
    return name or language


def banner(lag: Lag, strings: Strings, page_url: str, *, links: bool = True) -> str:
    """The note a lagging page shows below its title, in the page's own language.

    Args:
        lag: what `lag()` found.
        strings: the texts of the translation's language.
        page_url: the URL of the page that shows the banner, relative to the site root.
        links: link the changes of the source too (off when the archive is not built).
    """
    lang = strings.language
    values = {
        "date": version_day(lag.source, lag.current, strings),
        "translated": version_day(lag.source, lag.translated, strings) if lag.translated else "",
        "source_language_name": language_name(lag.source.language, lang),
    }
    key = "translation_lag" if lag.translated else "translation_lag_unknown"
    changes_url = None
    if links:
        if lag.translated is not None:
            changes_url = lag.source.compare_url(lag.translated)
        else:
            changes_url = lag.source.redline_url(lag.current)
    return render(
        "translation_banner.html", text=strings.format(key, **values),
        source_language=lag.source.language,
        source_href=relative_url(page_url, lag.source.base),
        source_label=strings.format("translation_lag_links", **values),
        changes_href=relative_url(page_url, changes_url) if changes_url else None,
        changes_label=strings.format("translation_lag_changes", **values),
        day=lag.current.day)


# --- the status of every page -----------------------------------------------------------------

@dataclass(frozen=True)
class PageStatus:
    """One policy page in one language, for `scripts/translation-status`."""

    doc: PolicyDoc
    is_source: bool
    lag: Lag | None = None
    note: str | None = None
    """A remark that does not make the page lag (no version yet, uncommitted changes)."""

    @property
    def lagging(self) -> bool:
        return self.lag is not None

    def describe(self) -> str:
        """'docs/en/policy.md: up to date (translates 2017-06-28).' and the like."""
        doc = self.doc
        if self.is_source:
            text = (f"source ({doc.language}), current version {doc.current.slug}."
                    if doc.current else f"source ({doc.language}), no published version yet.")
        elif self.lag is not None:
            text = self.lag.describe()
        else:
            text = self.note or "up to date."
        return f"{doc.source}: {text}"


def statuses(docs: list[PolicyDoc], source_language: str,
             translation_of: dict[str, object] | None = None,
             uncommitted: frozenset[str] = frozenset()) -> list[PageStatus]:
    """The status of every page in `docs`: sources first, then their translations.

    `translation_of` maps a page's source path to the field as the working tree has it (the
    script reads the files); pages not in it use their committed front matter. `uncommitted`
    holds the source paths of the files with changes that are not committed.
    """
    overrides = translation_of or {}
    out: list[PageStatus] = []
    for doc in sorted(docs, key=lambda d: (d.page, d.language != source_language, d.language)):
        source = source_of(doc, docs, source_language)
        if doc.language == source_language:
            out.append(PageStatus(doc, True))
            continue
        if source is None or not source.versions:
            out.append(PageStatus(doc, False, note="up to date (the source has no published "
                                                   "version yet)."))
            continue
        value = overrides[doc.source] if doc.source in overrides else COMMITTED
        found = lag(source, doc, translation_of=value,
                    uncommitted=doc.source in uncommitted and value is not COMMITTED)
        if found is not None:
            out.append(PageStatus(doc, False, found))
            continue
        written = _field(doc.current) if value is COMMITTED else normalize(value)
        current = source.versions[-1]
        if _named(source, written, doc) is current:
            note = f"up to date (translates {written})."
        elif doc.source in uncommitted and value is not COMMITTED:
            note = (f"up to date once committed with the source's change ('{FIELD}: "
                    f"{written}' is not committed yet).")
        else:
            note = (f"up to date (translated in the commit of the source's current version "
                    f"{current.slug}, commit {current.commit[:12]}; '{FIELD}: {written}').")
        out.append(PageStatus(doc, False, note=note))
    return out


def site_statuses(site: Site, *, working_tree: bool = True) -> list[PageStatus]:
    """`statuses()` of a site, read from git and the working tree.

    With `working_tree`, a translation's `translation_of` is read from the file as it is now
    (an edit not committed yet counts); the source versions always come from git.
    """
    hist = site.read_history()
    docs = site.policy_docs(hist)
    overrides: dict[str, object] = {}
    if working_tree:
        for doc in docs:
            path = hist.root / doc.source
            if doc.language != site.settings.source_language and path.is_file():
                text = path.read_text(encoding="utf-8", errors="replace")
                try:
                    overrides[doc.source] = frontmatter.parse(text, doc.source).meta.get(FIELD)
                except PolicySiteError:
                    continue  # the lint reports it; the committed value stands
    return statuses(docs, site.settings.source_language, overrides, hist.dirty)
