"""The policy pages of the site as readers get them: current status, versions, URLs.

`PolicyDoc` joins what history and versions found for one page in one language with where
its pages live on the site. Pure: the hook builds these once per build from the `History`
and hands them to the page generators.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from . import dates
from .errors import PolicySiteError
from .history import History
from .settings import Settings
from .strings import Strings
from .versions import FactStore, Version, build_versions, latest_version


class Status(Enum):
    PUBLISHED = "published"
    """Committed and unchanged in the working tree: the date of the last version shows."""
    UNPUBLISHED = "unpublished"
    """Changed in the working tree (or never committed): 'unpublished changes' shows."""
    PREVIEW = "preview"
    """Built outside git with the preview switch: 'preview, not published' shows."""


@dataclass(frozen=True)
class PolicyDoc:
    """One policy page in one language, with its versions, oldest first."""

    language: str
    page: str
    """The page inside a language folder, e.g. 'policy.md'."""
    source: str
    """The file's path relative to the repository root, e.g. 'docs/de/policy.md'."""
    prefix: str
    """The language's URL prefix: '' for the default language, 'en/' for the others."""
    versions: tuple[Version, ...]
    status: Status

    @property
    def current(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    @property
    def base(self) -> str:
        """The page's URL relative to the site root, e.g. 'en/policy/'."""
        stem = self.page[: -len(".md")]
        stem = "" if stem == "index" else (stem[: -len("/index")] if stem.endswith("/index") else stem) + "/"
        return self.prefix + stem

    @property
    def changelog_url(self) -> str:
        return self.base + "changes/"

    @property
    def feed_url(self) -> str:
        return self.prefix + "feed.xml"

    def version_url(self, version: Version) -> str:
        return f"{self.base}versions/{version.slug}/"

    def redline_url(self, version: Version) -> str | None:
        """The redline against the previous version; the first version has none."""
        return None if version.number == 1 else self.version_url(version) + "changes/"

    def compare_url(self, version: Version) -> str | None:
        """The redline of this version against the current one; the current has none."""
        return None if version is self.current else self.version_url(version) + "compare/"

    def previous(self, version: Version) -> Version | None:
        return self.versions[version.number - 2] if version.number > 1 else None

    def following(self, version: Version) -> Version | None:
        return self.versions[version.number] if version.number < len(self.versions) else None


def policy_docs(history: History | None, settings: Settings, docs_dir: str,
                facts: FactStore | None = None) -> list[PolicyDoc]:
    """Every policy page in every language, with its versions and status.

    Args:
        history: what git knows, or None for a preview build outside git.
        docs_dir: the docs folder relative to the repository root (e.g. 'docs').
    """
    facts = facts or FactStore()
    return [page_doc(history, settings, docs_dir, language, page, facts)
            for language in settings.languages for page in settings.pages]


def check_pages(settings: Settings, docs_dir: str, exists: Callable[[str, str], bool], *,
                where: str = "mkdocs.yml") -> None:
    """Stop when a policy page that `extra.policies.pages` lists is missing from a language
    folder. Its versions would be left out of the site without a word, and with them their
    permanent addresses: a page renamed or moved without its setting, or deleted by mistake,
    must not lose its archive.

    Args:
        docs_dir: the docs folder relative to the repository root (e.g. 'docs').
        exists: whether a language's folder holds a page: (language, page) -> bool.
        where: the configuration file, for the message.
    """
    for page in settings.pages:
        missing = [posixpath.join(docs_dir, lang, page) for lang in settings.languages
                   if not exists(lang, page)]
        if not missing:
            continue
        raise PolicySiteError(
            f"extra.policies.pages lists '{page}', but {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not there: the page's published versions "
            "and their permanent addresses would be left out of the site.",
            path=where,
            fix=f"if you renamed or moved '{page}', rename it the same way in every language "
                "and write its new name in extra.policies.pages (its versions follow it: git "
                f"keeps the rename); if it was deleted by mistake, restore it "
                f"(git checkout HEAD -- {missing[0]}).")


def page_doc(history: History | None, settings: Settings, docs_dir: str, language: str,
             page: str, facts: FactStore | None = None) -> PolicyDoc:
    """One page in one language with its versions: a policy page, or a page that opts in to
    a "last updated" date through its front matter."""
    source = posixpath.join(docs_dir, language, page)
    if history is None:
        versions, status = (), Status.PREVIEW
    else:
        revisions = history.revisions(source)
        if settings.archive:
            versions = build_versions(revisions, settings.timezone, facts)
        else:  # dates only: the newest version is all that is shown
            latest = latest_version(revisions, settings.timezone, facts)
            versions = (latest,) if latest else ()
        dirty = source in history.dirty or not versions
        status = Status.UNPUBLISHED if dirty else Status.PUBLISHED
    return PolicyDoc(language, page, source, settings.url_prefix(language), versions, status)


def version_day(doc: PolicyDoc, version: Version, strings: Strings) -> str:
    """The day of `version` as titles, notices, change logs and feeds name it: '5. Dezember
    2026', and, when the page has more than one version that day, which one it is ('5.
    Dezember 2026 (2. Fassung des Tages)'): two versions of one day were otherwise told
    apart nowhere but by their addresses."""
    text = dates.long_date(version.day, strings.language)
    _, _, number = version.slug.partition(version.day.isoformat())
    n = int(number[1:]) if number else 1
    following = doc.following(version)
    if n == 1 and (following is None or following.day != version.day):
        return text
    return strings.format("same_day_version", date=text, n=n)


def relative_url(from_url: str, to_url: str) -> str:
    """A link from the page at `from_url` to `to_url`, both relative to the site root.

    By segments rather than with `posixpath.relpath`, which costs ten times as much: the
    archive asks for tens of thousands of these links."""
    here = from_url.split("/")[:-1]  # the folder of the page ('a/b/' -> ['a', 'b'])
    there = to_url.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    target = "../" * (len(here) - common) + "/".join(there[common:])
    return target or "./"
