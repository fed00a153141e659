"""A cache of archived pages (and parts of pages) between builds, keyed by content.

A version that was published never changes, nor does its redline, so a build need not make
them again: each page is stored under a digest of everything it is made from, and the next
build links the stored file into the site instead of rendering it. A change to the code, a
template, a text of the site or the theme changes the digest, so a stale page cannot be
served. CI can keep the folder between runs (actions/cache); deleting it is always safe.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from .files import write_text


class PageCache:
    """Finished pages by key, placed into the site by hard link (or copy across devices).

    With `folder=None` nothing is kept: every page is made and written.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[str] = set()
        self._folders: set[Path] = set()
        """Folders this process knows exist: each system call counts at 15,000 pages."""
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    def is_empty(self) -> bool:
        """Whether no page is kept (no folder, or nothing in it)."""
        if self.folder is None:
            return True
        with os.scandir(self.folder) as entries:
            return next(entries, None) is None

    def link(self, key: str, dest: Path) -> bool:
        """Put the stored page `key` at `dest`; False when the cache lacks it."""
        if self.folder is None:
            return False
        stored = self._stored(key)
        try:
            if stored.stat().st_size == 0:  # cut short by a power cut before it reached disk
                return False
        except FileNotFoundError:
            return False
        self.used.add(key)
        self._folder(dest.parent)
        try:
            _replace_with_link(stored, dest)
        except FileNotFoundError:  # pruned meanwhile by another build sharing the folder
            return False
        except OSError:  # another file system: a copy (never into a file left there)
            dest.unlink(missing_ok=True)
            try:
                shutil.copyfile(stored, dest)
            except FileNotFoundError:
                return False
        return True

    def store(self, key: str, dest: Path, html: str) -> None:
        """Put the page `key` at `dest` and keep it (with no cache folder, only the first).

        The page is written at `dest` and then linked into the cache: a link appears whole
        or not at all, so a killed build leaves no half page in the cache."""
        self._folder(dest.parent)
        _write_new(dest, html)
        if self.folder is None:
            return
        self.used.add(key)
        stored = self._stored(key)
        self._folder(stored.parent)
        try:
            os.link(dest, stored)
        except FileExistsError:
            pass  # the same key is the same page
        except OSError:  # another file system: a copy, renamed into place whole
            partial = stored.with_suffix(f".{os.getpid()}.tmp")
            shutil.copyfile(dest, partial)
            partial.replace(stored)

    def text(self, key: str, make: Callable[[], str]) -> str:
        """The text kept under `key` (a part of a page, such as a change log's list), or
        `make()`, then kept: for what a warm build would make again the same."""
        if self.folder is None:
            return make()
        stored = self._stored(key)
        try:  # as written: no line ends translated
            found = stored.read_bytes().decode("utf-8")
        except (FileNotFoundError, UnicodeError):
            found = ""
        self.used.add(key)
        if found:  # (empty: cut short by a power cut; made again)
            return found
        found = make()
        self._folder(stored.parent)
        write_text(stored, found)
        return found

    def _stored(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.html"

    def _folder(self, path: Path) -> None:
        if path not in self._folders:
            path.mkdir(parents=True, exist_ok=True)
            self._folders.add(path)

    def keep(self, key: str) -> None:
        """Note that the site still holds the page `key` from the last build: not pruned."""
        self.used.add(key)

    def prune(self) -> int:
        """Delete the stored pages this build did not use; returns how many.

        With os.scandir, not Path.glob: 15,000 Path objects cost a warm build 0.1 s."""
        if self.folder is None or not self.used:
            return 0
        removed = 0
        now = time.time()
        with os.scandir(self.folder) as folders:
            shards = [entry.path for entry in folders if entry.is_dir()]
        for shard in shards:
            with os.scandir(shard) as entries:
                for entry in entries:
                    name = entry.name
                    if name.endswith(".html"):
                        if name[:-5] not in self.used:
                            _unlink(entry.path)
                            removed += 1
                    elif name.endswith(".tmp"):  # left by a build killed mid-copy
                        try:
                            if now - entry.stat().st_mtime > 3600:  # not another build's
                                _unlink(entry.path)
                        except FileNotFoundError:
                            pass
        return removed


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:  # removed meanwhile by another build sharing the folder
        pass


def _write_new(path: Path, text: str) -> None:
    """Write `path` as a new file: one left there (perhaps a link to a stored page, which
    must never be written into) is removed first."""
    try:
        handle = open(path, "x", encoding="utf-8")  # noqa: SIM115
    except FileExistsError:
        path.unlink()
        handle = open(path, "x", encoding="utf-8")  # noqa: SIM115
    with handle:
        handle.write(text)


def _replace_with_link(stored: Path, dest: Path) -> None:
    try:
        os.link(stored, dest)
    except FileExistsError:
        dest.unlink()
        os.link(stored, dest)
