"""The archive a finished build left in the site folder, kept for the next build.

MkDocs empties the site folder at the start of every build, so a build of a long history
would delete and write again thousands of archived pages that cannot have changed (measured
at 15,000 pages: 1.8 s to delete them, 1.2 s to write them again, for nothing). Instead, before
MkDocs cleans, each policy's `versions/` folder is moved aside, one rename each, into a hidden
folder that MkDocs's cleaning skips; after the build it is moved back, and only the pages whose
key changed are written again, and those no longer made are deleted.

The kept pages are trusted only through the record of the last build that finished: each
page's URL and key, kept in the cache folder, not in the site (it would be published). This
site folder's entry is removed from the record before anything is moved and written again
only when the archive is complete, so a build that stops half-way leaves none, and the next
one keeps nothing. The entry also names each folder as the file system knows it (device,
inode, change time): a build that keeps no record (with the cache off, or an older version of
this code) and rewrote the folder since leaves a different one, which is not trusted.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .files import write_json

HIDDEN = ".policy-site-kept"
"""The folder inside the site folder where the kept archive waits while MkDocs cleans."""


@dataclass
class KeptFolder:
    """One policy's `versions/` folder as a build left it."""

    key: str | None = None
    """The key of the whole archive of the policy (archive.archive_key); None: unknown."""
    pages: dict[str, str] = field(default_factory=dict)
    """Each page's URL -> its key (archive.page_key)."""


class KeptArchive:
    """The archive folders of the previous build, moved aside and given back one by one.

    With `record=None` (no cache folder) nothing is kept: every page is written.
    """

    def __init__(self, site_dir: Path, record: Path | None) -> None:
        self.site_dir = site_dir
        self.record = record
        self._kept: dict[str, tuple[Path, KeptFolder]] = {}
        self._written: dict[str, KeptFolder] = {}

    def has_record(self) -> bool:
        """Whether an earlier build left a record (of any site folder); the file is not read."""
        return self.record is not None and self.record.exists()

    def set_aside(self) -> None:
        """Move each archive folder the record lists out of MkDocs's way (before it cleans)."""
        hidden = self.site_dir / HIDDEN
        shutil.rmtree(hidden, ignore_errors=True)  # left by a build that stopped half-way
        records = self._records()
        mine = records.pop(str(self.site_dir.resolve()), None) if records else None
        if self.record is not None and self.record.exists():
            self._save(records)  # from here on, until the archive is complete, no record
        if not mine:
            return
        for number, (folder, record) in enumerate(sorted(mine.items())):
            source = self.site_dir / folder
            try:
                kept = KeptFolder(record["key"], dict(record["pages"]))
                same = record["folder"] == _identity(source)
            except (KeyError, TypeError, ValueError):
                continue  # not a record this code wrote: MkDocs cleans the folder
            if not same or not source.is_dir():
                continue  # gone, or written since by a build that kept no record
            hidden.mkdir(exist_ok=True)
            os.rename(source, hidden / str(number))
            self._kept[folder] = (hidden / str(number), kept)

    def restore(self, folder: str) -> KeptFolder:
        """Put `folder` (e.g. 'en/policy/versions/') back and say what it holds.

        An empty `KeptFolder` comes back when nothing was kept, or when the build has written
        into the folder meanwhile (then the kept copy is dropped and every page is written)."""
        kept, record = self._kept.pop(folder, (None, KeptFolder()))
        if kept is None:
            return record
        target = self.site_dir / folder
        if target.is_dir():
            try:
                target.rmdir()  # empty once the shells are gone
            except OSError:
                shutil.rmtree(kept, ignore_errors=True)
                return KeptFolder()
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(kept, target)
        return KeptFolder(record.key, dict(record.pages))

    def written(self, folder: str, record: KeptFolder) -> None:
        """Note that `folder` now holds exactly the pages of `record`."""
        self._written[folder] = record

    def finish(self) -> None:
        """Drop what was kept and not given back, and record what the site folder now holds."""
        shutil.rmtree(self.site_dir / HIDDEN, ignore_errors=True)
        self._kept.clear()
        if self.record is None:
            return
        records = {site: pages for site, pages in self._records().items() if Path(site).is_dir()}
        records[str(self.site_dir.resolve())] = {
            folder: {"key": record.key, "pages": record.pages,
                     "folder": _identity(self.site_dir / folder)}
            for folder, record in self._written.items()}
        self._save(records)

    def _records(self) -> dict[str, dict[str, dict[str, str]]]:
        if self.record is None:
            return {}
        try:
            data = json.loads(self.record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _save(self, records: dict) -> None:
        write_json(self.record, records)


def _identity(folder: Path) -> list[int] | None:
    """The folder as the file system knows it; None when there is none. MkDocs's cleaning
    deletes it, so a folder made again has another inode (or at least another change time)."""
    try:
        found = folder.stat()
    except OSError:
        return None
    return [found.st_dev, found.st_ino, found.st_ctime_ns]


def remove_pages(site_dir: Path, urls: list[str]) -> None:
    """Delete the pages at `urls` and the folders they leave empty (deepest first)."""
    for url in sorted(urls, key=len, reverse=True):
        page = site_dir / url / "index.html"
        page.unlink(missing_ok=True)
        try:
            (site_dir / url).rmdir()
        except OSError:
            pass  # still holds a deeper page (a version's redline): it stays
