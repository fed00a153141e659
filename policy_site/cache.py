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
from collections.abc import Callable
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

    def place(self, key: str, dest: Path, make: Callable[[], str]) -> None:
        """Put the page `key` at `dest`, calling `make` only when the cache lacks it."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        if self.folder is None:
            dest.write_text(make(), encoding="utf-8")
            return
        stored = self.folder / key[:2] / f"{key}.html"
        self.used.add(key)
        if stored.exists():
            self.hits += 1
        else:
            self.misses += 1
            stored.parent.mkdir(exist_ok=True)
            partial = stored.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(make(), encoding="utf-8")
            partial.replace(stored)  # atomic: a killed build leaves no half page behind
        if dest.exists():
            dest.unlink()
        try:
            os.link(stored, dest)
        except OSError:
            shutil.copyfile(stored, dest)

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
