"""A cache of archived pages between builds, keyed by content.

A version that was published never changes, nor does its redline, so a build need not make
them again: each page is stored under a digest of everything it is made from, and the next
build links the stored file into the site instead of rendering it. A change to the code, a
template, a text of the site or the theme changes the digest, so a stale page cannot be
served. CI can keep the folder between runs (actions/cache); deleting it is always safe.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


class PageCache:
    """Finished pages by key, placed into the site by hard link (or copy across devices).

    With `folder=None` nothing is kept: every page is made and written.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    def link(self, key: str, dest: Path) -> bool:
        """Put the stored page `key` at `dest`; False when the cache lacks it."""
        if self.folder is None:
            return False
        stored = self._stored(key)
        if not stored.exists():
            return False
        self.used.add(key)
        self.hits += 1
        self._link(stored, dest)
        return True

    def store(self, key: str, dest: Path, html: str) -> None:
        """Keep the page `key` and put it at `dest` (with no cache folder, just write it)."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        if self.folder is None:
            dest.unlink(missing_ok=True)  # it may be a link to another copy: never write into it
            dest.write_text(html, encoding="utf-8")
            return
        stored = self._stored(key)
        self.used.add(key)
        self.misses += 1
        stored.parent.mkdir(exist_ok=True)
        partial = stored.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(html, encoding="utf-8")
        partial.replace(stored)  # atomic: a killed build leaves no half page behind
        self._link(stored, dest)

    def _stored(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.html"

    @staticmethod
    def _link(stored: Path, dest: Path) -> None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            dest.unlink()
        try:
            os.link(stored, dest)
        except OSError:
            shutil.copyfile(stored, dest)

    def keep(self, key: str) -> None:
        """Note that the site still holds the page `key` from the last build: not pruned."""
        self.used.add(key)

    def prune(self) -> int:
        """Delete the stored pages this build did not use; returns how many."""
        if self.folder is None or not self.used:
            return 0
        removed = 0
        for path in self.folder.glob("*/*.html"):
            if path.stem not in self.used:
                path.unlink()
                removed += 1
        return removed
