"""From revisions to versions: which commits changed what a reader sees, and when.

A version of a page is a point in its history where the text a reader sees changed. Pure: it
takes the `Revision`s that `history` read and decides, without git, which of them count:

- whitespace and line-wrapping do not count (a paragraph re-wrapped reads the same);
- front-matter fields that are not displayed do not count (only `title` is shown);
- a rename does not count (history follows it, and the text did not change);
- a commit whose message has the trailer `Editorial: yes` does not count (a typo fix).

A version's date is decided by one function, `version_date`, so that a later "takes effect
on" date has one place to go.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from . import dates, frontmatter
from .errors import PolicySiteError
from .files import write_json
from .history import Revision, read_ahead

DISPLAYED_FIELDS = ("title",)
"""Front-matter fields a reader sees on the page; a change to any other field is invisible."""

SUMMARY_FIELD = "summary"
"""The front-matter field that holds the summary of the change a version makes."""

TRANSLATION_FIELD = "translation_of"
"""The front-matter field of a translated page that names the source version it translates
(policy_site.translations reads it; it is kept with the other facts of a text)."""

_TRAILER = re.compile(r"^(Editorial|Published)[ \t]*:[ \t]*(.+?)[ \t\r]*$", re.I | re.M)
"""A trailer line; a message written with Windows line ends ('\r\n') has the same ones."""

_MENTIONED = re.compile(r"\b(?:published|ver[öo]ffentlicht)\b[ \t]*(?:on|am)?[ \t]*:?[ \t]*"
                        r"\d{4}-\d{1,2}-\d{1,2}", re.I)
"""A publication day written into a message where it is no trailer ('… PDF. Published:
2020-01-01', 'Veröffentlicht: …'): the text would be dated by its commit instead."""


@dataclass(frozen=True)
class Version:
    """One version of one page in one language."""

    source: str
    """The page's path at HEAD, relative to the repository root."""
    number: int
    slug: str
    """The permanent name in its URL: the day, with '-2', '-3' for a second one that day."""
    published: datetime
    """The instant the version took effect, in UTC (see `version_date`)."""
    day: date
    """`published` as a calendar day in the site's time zone: what readers are shown."""
    imported: bool
    commit: str
    path: str
    """The file's path at `commit` (older versions of a renamed page have their old path)."""
    revision: Revision = field(repr=False, compare=False)
    """Where the text comes from; read only when asked for (a warm build never asks)."""
    summary: str | None
    """The editor's summary of what this version changed, or None when none was written."""
    title: str | None
    """The page title this version shows."""
    sha256: str
    """The SHA-256 of the file's bytes at `commit`: `git show COMMIT:PATH | sha256sum`."""
    translation_of: str | None = None
    """The version's `translation_of` field as text (`field_text`), or None."""

    @property
    def data(self) -> bytes:
        return self.revision.data

    @property
    def blob(self) -> str:
        """The git blob id of the text: equal ids, equal bytes."""
        return self.revision.blob

    @property
    def text(self) -> str:
        return self.revision.text

    @property
    def body(self) -> str:
        return frontmatter.parse(self.text, self.path).body



@dataclass(frozen=True)
class Facts:
    """What versions need to know of one file text; kept between builds by its blob id."""

    view: str
    """A digest of `reader_view`: equal digests, the same for a reader."""
    title: str | None
    summary: str | None
    sha256: str
    translation_of: str | None


class FactStore:
    """`Facts` by blob id, read from and saved to a JSON file when given one.

    A blob id names its bytes, so what was learnt of a blob is true for ever: a warm build
    decides every page's versions without reading a single old revision.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._facts: dict[str, Facts] = {}
        self._changed = False
        if path is not None and path.exists():
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                self._facts = {k: Facts(*v) for k, v in raw.items()}
            except (ValueError, TypeError):
                self._facts = {}  # a damaged file is only a slower build

    def of(self, rev: Revision) -> Facts:
        found = self._facts.get(rev.blob)
        if found is None:
            source = frontmatter.parse(rev.text, rev.path)  # parsed once, for all four facts
            title = source.meta.get("title")
            found = Facts(
                _view_digest(source),
                str(title) if title is not None else None,
                _summary_of(source.meta),
                rev.sha256,
                field_text(source.meta.get(TRANSLATION_FIELD)))
            self._facts[rev.blob] = found
            self._changed = True
        return found

    def learn(self, revisions: Iterable[Revision]) -> None:
        """Learn the facts of every revision not known yet, their texts read in one stream.

        What `of` learns one revision at a time, without waiting for git between one and the
        next (`history.read_ahead`): a build that shows every version needs them all.
        """
        unknown = [rev for rev in revisions if rev.blob not in self._facts]
        for rev in read_ahead(unknown):
            self.of(rev)

    def save(self) -> None:
        if self.path is not None and self._changed:
            write_json(self.path, {k: list(vars(v).values()) for k, v in self._facts.items()})
            self._changed = False


def trailers(message: str) -> dict[str, str]:
    """The trailers of a commit message that the site understands, keys lower-cased."""
    return {m.group(1).lower(): m.group(2) for m in _TRAILER.finditer(message)}


def _says_editorial(found: dict[str, str]) -> bool:
    return found.get("editorial", "").lower() in {"yes", "true", "ja"}


def commit_trailers(rev: Revision) -> dict[str, str]:
    """What the commit of `rev` declares, its merged branch included.

    A merge is editorial when it says so or when every commit it brings in does. It is
    published on the one `Published:` day that it or the commits it brings in declare.
    Main sees a merge as one revision, with one text: two days declared there (two old texts
    imported in one pull request, or one message with two lines) would date that text by a
    guess, so they stop the build.
    """
    own = trailers(rev.message)
    for message in (rev.message, *rev.merged):
        read = [m.span() for m in _TRAILER.finditer(message) if m.group(1).lower() == "published"]
        for mention in _MENTIONED.finditer(message):
            if not any(start <= mention.start() and mention.end() <= end for start, end in read):
                raise PolicySiteError(
                    f"commit {rev.commit[:12]}" + (" (or a commit it merges)" if rev.merged else "")
                    + f" says '{mention.group(0).strip()}' where it is no 'Published:' line, so "
                    "the text would be dated by the commit instead.", path=rev.path,
                    fix="write 'Published: YYYY-MM-DD' alone on the last line of the commit "
                        "message (git commit --amend), in English, before it is merged. If "
                        "the commit is already on main, ask a developer.")
    declared = sorted({m.group(2) for message in (rev.message, *rev.merged)
                       for m in _TRAILER.finditer(message) if m.group(1).lower() == "published"})
    if len(declared) > 1:
        raise PolicySiteError(
            f"commit {rev.commit[:12]}" + (" and the commits it merges" if rev.merged else "")
            + f" declare more than one 'Published:' day ({', '.join(declared)}); the text "
            "it leaves cannot have been published on all of them.", path=rev.path,
            fix="import each old text in a pull request of its own, oldest first, with one "
                "'Published:' line. If the commit is already on main, ask a developer.")
    if declared:
        own["published"] = declared[0]
    if rev.merged and "editorial" not in own and all(
            _says_editorial(trailers(m)) for m in rev.merged):
        own["editorial"] = "yes"
    return own


def is_editorial(rev: Revision) -> bool:
    return _says_editorial(commit_trailers(rev))


def reader_view(text: str, path: str = "<text>") -> str:
    """What a reader of the page sees, reduced so that invisible edits compare equal.

    Keeps the displayed front-matter fields and the body's blocks; inside a block, runs of
    white space (line breaks included) become one space. A line that starts a list item, a
    heading, a quote, a table row or HTML keeps its own line, so turning a list into prose
    still counts as a change.
    """
    source = frontmatter.parse(text, path)
    body = "\n\n".join(view for view in map(_VIEWS, _chunks(source.body)) if view)
    return _shown(source) + "\n\n" + body


def _view_digest(source: frontmatter.Source) -> str:
    """The SHA-256 of `reader_view` in UTF-8, put together from its chunks' encoded views."""
    chunks = _chunks(source.body)
    views = list(map(_SPACED.new.get, chunks))  # one dict look-up per chunk, most of them found
    if not all(views):  # a chunk not seen lately (or one that shows nothing)
        with contextlib.suppress(ValueError):
            i = -1
            while True:  # only the few chunks not found, not a Python step for each chunk
                i = views.index(None, i + 1)
                views[i] = _SPACED(chunks[i])
    digest = hashlib.sha256(_shown(source).encode("utf-8"))
    digest.update(b"".join(views) or b"\n\n")  # what reader_view has between title and body
    return digest.hexdigest()


def _shown(source: frontmatter.Source) -> str:
    return "\n".join(f"{k}: {source.meta[k]}" for k in DISPLAYED_FIELDS
                     if source.meta.get(k) is not None)


# Why the body is cut into chunks: a blank line ends a block, so the view of a body is the
# views of the pieces between its blank lines, the empty ones left out, joined by a blank
# line. Successive revisions of a page share nearly all of their pieces, so each piece is
# reduced once and looked up after; a long history is then read at the speed of `str.split`,
# not of a Python loop over every line of every revision.

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def _chunks(body: str) -> list[str]:
    """The body cut at blank lines: at all of them or only at some, the view is the same."""
    if "\r" in body:  # CRLF line ends: a blank line holds a CR, it is not empty
        return _BLANK_LINE.split(body)
    return body.split("\n\n")


class _Memo:
    """Values by key, each made once and kept for a while.

    When full, what it holds becomes the older generation (still found, and kept again when
    it is) and what was older is forgotten: the pieces of the page being read stay.
    """

    def __init__(self, make, size: int = 4096) -> None:
        self.make = make
        self.size = size
        self.new: dict = {}
        self.old: dict = {}

    def __call__(self, key):
        found = self.new.get(key)
        if found is None:
            found = self.old.get(key)
            if found is None:
                found = self.make(key)
            if len(self.new) >= self.size:
                self.old, self.new = self.new, {}
            self.new[key] = found
        return found


def _reduce(text: str) -> str:
    """The `reader_view` of a body (or of a piece of one), line by line: a blank line ends a
    block, a wrapped line joins the one before it, and runs of white space become one space."""
    lines: list[str] = []
    for line in text.split("\n"):
        words = line.split()
        if not words:
            if lines and lines[-1]:
                lines.append("")  # a blank line ends a block
            continue
        joined = " ".join(words)
        if lines and lines[-1] and not _BLOCK_START.match(joined):
            lines[-1] += " " + joined  # a wrapped line joins the line before it
        else:
            lines.append(joined)
    return "\n".join(lines).strip().replace("\n\n\n", "\n\n")


_VIEWS = _Memo(_reduce)
"""The view of a chunk of a body."""
_SPACED = _Memo(lambda chunk: ("\n\n" + view).encode("utf-8") if (view := _VIEWS(chunk)) else b"")
"""The view of a chunk in UTF-8, after the blank line that separates it from the one before
(nothing for a chunk that shows nothing): the views of a body's chunks, joined, are the
body's view after the blank line under the title."""


# A line that starts one of these starts a block of its own, so joining it to the line
# before would hide a change (a list turned into prose).
_BLOCK_START = re.compile(r"[-*+] |\d+[.)] |#|>|\||```|~~~|<")


def version_date(revision: Revision, tz: ZoneInfo) -> tuple[datetime, bool]:
    """When the version a revision starts took effect, and whether the date was declared.

    Normally the committer date: on main that is when the pull request was merged, which is
    when the text was published (the author date is when someone first wrote the change).
    A commit that imports a text published before this repository existed declares the
    day with the trailer `Published: YYYY-MM-DD`; that day cannot lie after the commit.
    (`build_versions` allows it only before the page's first version dated here.)
    """
    declared = commit_trailers(revision).get("published")
    if declared is None:
        return revision.committed, False
    try:
        day = date.fromisoformat(declared)
    except ValueError as exc:
        raise PolicySiteError(
            f"commit {revision.commit[:12]} declares 'Published: {declared}', which is not a "
            "date.", path=revision.path, fix="write the day as YYYY-MM-DD, e.g. "
            "'Published: 2017-06-28', in a new commit that imports the text again.",
        ) from exc
    instant = dates.start_of_day(day, tz)
    if instant > revision.committed:
        raise PolicySiteError(
            f"commit {revision.commit[:12]} declares 'Published: {declared}', a day after the "
            "commit itself; a text cannot be published before it exists here.",
            path=revision.path, fix="declare the day on which the text was really published.",
        )
    return instant, True


def build_versions(revisions: Sequence[Revision], tz: ZoneInfo,
                   facts: FactStore | None = None) -> tuple[Version, ...]:
    """The versions of one page, oldest first, from its revisions (oldest first).

    A version's summary is the `summary` field as the last revision before the next version
    left it, when that differs from the one before: so a summary forgotten in the pull
    request can still be written in a later one (a change to the summary alone is invisible
    to readers and makes no version).
    """
    facts = facts or FactStore()
    facts.learn(revisions)  # every revision is looked at: read them in one stream
    starts: list[int] = []
    seen_view: str | None = None
    for i, rev in enumerate(revisions):
        view = facts.of(rev).view
        if view == seen_view:
            continue
        seen_view = view
        if starts and is_editorial(rev):
            continue
        starts.append(i)
    found: list[Version] = []
    live: Version | None = None  # the first version dated by its own commit, not imported
    previous_field: str | None = None
    for n, start in enumerate(starts):
        rev = revisions[start]
        end = starts[n + 1] - 1 if n + 1 < len(starts) else len(revisions) - 1
        published, imported = version_date(rev, tz)
        day = dates.local_day(published, tz)
        if imported and live is not None:
            # Old texts are imported before the page changes here; a `Published:` on a
            # later change would date it before it was merged, which readers cannot check.
            raise PolicySiteError(
                f"commit {rev.commit[:12]}" + (" (in a commit it merges)" if rev.merged and
                                               not trailers(rev.message).get("published")
                                               else "")
                + f" declares 'Published: {day.isoformat()}' for a change to a page published "
                f"here since {live.day.isoformat()} (commit {live.commit[:12]}); the change "
                "would be dated before it was merged.",
                path=rev.path,
                fix="remove the 'Published:' line from the commit message (with Squash and "
                    "merge: from its Extended description); only the commits that import a "
                    "page's old texts, before anything else changes it, may carry one. If "
                    "the commit is already on main, ask a developer to correct its message.")
        if found and published < found[-1].published:
            raise PolicySiteError(
                f"commit {rev.commit[:12]} starts a version dated {day.isoformat()}, "
                f"before the version it follows ({found[-1].day.isoformat()}, commit "
                f"{found[-1].commit[:12]}); the versions would be out of order.",
                path=rev.path,
                fix="import a page's old texts oldest first, each in its own commit with "
                    "its 'Published:' day; check the dates of both commits.")
        summary_now = facts.of(revisions[end]).summary
        own = facts.of(rev)
        found.append(Version(
            source=revisions[-1].path, number=n + 1,
            slug=_slug(day, found), published=published, day=day,
            imported=imported, commit=rev.commit, path=rev.path, revision=rev,
            summary=summary_now if summary_now != previous_field else None,
            title=own.title, sha256=own.sha256, translation_of=own.translation_of,
        ))
        previous_field = summary_now
        if live is None and not imported:
            live = found[-1]
    return tuple(found)


def latest_version(revisions: Sequence[Revision], tz: ZoneInfo,
                   facts: FactStore | None = None) -> Version | None:
    """The newest version alone, reading only the revisions needed to find it.

    For a build that shows dates only: walking back from the newest revision, the first one
    that changed what a reader sees (and is not editorial) starts the newest version. Its
    `number` is 0 and its summary unknown, since the versions before it are not counted.
    """
    facts = facts or FactStore()

    def view(i: int) -> str:
        return facts.of(revisions[i]).view

    for i in range(len(revisions) - 1, -1, -1):
        rev = revisions[i]
        if i == 0 or (view(i) != view(i - 1) and not is_editorial(rev)):
            published, imported = version_date(rev, tz)
            if imported and i > 0:  # allowed after other imports only, which build_versions checks
                build_versions(revisions, tz, facts)
            day = dates.local_day(published, tz)
            own = facts.of(rev)
            return Version(source=revisions[-1].path, number=0, slug=day.isoformat(),
                           published=published, day=day, imported=imported, commit=rev.commit,
                           path=rev.path, revision=rev, summary=None, title=own.title,
                           sha256=own.sha256, translation_of=own.translation_of)
    return None


def field_text(value: object) -> str | None:
    """A front-matter value as text: a YAML date becomes '2017-06-28'; empty or missing is None."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _summary_of(meta: dict) -> str | None:
    summary = meta.get(SUMMARY_FIELD)
    if not isinstance(summary, str) or not summary.strip():
        return None
    return " ".join(summary.split())


def _slug(day: date, earlier: Sequence[Version]) -> str:
    """The slug of a version on `day` after the versions `earlier` (in order, none later than
    `day`): those of the same day are the last ones, so only they are counted."""
    same_day = 0
    while same_day < len(earlier) and earlier[-1 - same_day].day == day:
        same_day += 1
    return day.isoformat() if same_day == 0 else f"{day.isoformat()}-{same_day + 1}"
