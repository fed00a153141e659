"""Where the archive lands in the site folder: kept from the last build, linked from the
page cache, or made now.

A published version never changes, so a build makes as little of the archive as it can.
For each policy it first asks whether the site folder kept its whole archive under the same
key (`kept`), then, page by page, whether the page kept its key, whether the page cache has
it (`cache`), and only then makes it. Making is returned as tasks, one per policy, for
`parallel` to share between processes.

The hook hands in what the theme rendered (the shells) and which pages exist; nothing here
knows the site generator.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import archive, parallel
from .cache import PageCache
from .kept import KeptArchive, KeptFolder, remove_pages
from .markdown_html import MarkdownRenderer
from .policies import PolicyDoc
from .strings import Strings

Task = tuple[int, Callable[[], None]]
"""(how many pages, what makes them)."""


@dataclass
class ArchiveOutput:
    """The archive of one build, written into `site_dir`."""

    site_dir: Path
    kept: KeptArchive
    cache: PageCache
    renderer: MarkdownRenderer
    making: set[str] = field(default_factory=set)
    """The sources of the policies that have pages to make."""

    def plan(self, docs: list[PolicyDoc], strings: Strings, shells: dict[str, str],
             owners: dict[str, PolicyDoc], links: dict[str, str], salt: str,
             alternates_of: Callable[[PolicyDoc], dict[str, str]]) -> list[Task]:
        """Put back or link what need not be made of `docs` (one language); the rest as tasks.

        Args:
            shells: shell URL -> the HTML the theme rendered for it (archive.shells).
            owners: each policy's source -> the policy whose shells it uses.
            links: each page of the language (path in its folder) -> its URL.
            salt: archive.salt of the language.
            alternates_of: a policy -> its change log in each language (the switcher's links).
        """
        keys = {url: archive.shell_key(html) for url, html in shells.items()}
        compiled = {url: archive.compile_shell(html, url) for url, html in shells.items()}
        for owner in {owners[doc.source].source: owners[doc.source] for doc in docs}.values():
            shutil.rmtree(self.site_dir / archive.shell_url(owner, "version"), ignore_errors=True)
        # An archived text's links lead to today's pages (archive.rebase_links): which pages
        # exist is part of what each page is made from.
        salt = archive.salt_with(salt, repr(sorted(links.items())))
        tasks = []
        for doc in docs:
            owner = owners[doc.source]
            alternates = alternates_of(doc)
            made_with = [salt, repr(sorted(alternates.items()))]
            made_with += [keys[archive.shell_url(owner, kind)] for kind in archive.KINDS]
            key = archive.archive_key(doc, made_with)
            folder = doc.base + "versions/"
            before = self.kept.restore(folder)
            if before.key == key:  # nothing it is made from has changed: all is as it was
                for page_key in before.pages.values():
                    self.cache.keep(page_key)
                self.kept.written(folder, before)
                continue
            after = {}
            to_make = []
            for page in archive.archive_pages(doc, strings, links.get, self.renderer, salt):
                shell_url = archive.shell_url(owner, page.kind)
                page_key = after[page.url] = archive.page_key(keys[shell_url], page, alternates)
                if before.pages.pop(page.url, None) == page_key:
                    self.cache.keep(page_key)
                elif not self.cache.link(page_key, self._page_file(page)):
                    self.cache.keep(page_key)  # made (maybe in a worker) and stored
                    to_make.append((page, page_key, compiled[shell_url]))
            remove_pages(self.site_dir, list(before.pages))
            self.kept.written(folder, KeptFolder(key, after))
            if to_make:
                self.making.add(doc.source)
                tasks.append((len(to_make), functools.partial(self._make, to_make, alternates)))
        return tasks

    def make(self, tasks: list[Task], docs: list[PolicyDoc], jobs: int) -> None:
        """Run the tasks in `jobs` processes (`parallel`), having read from git first every
        text they need: a worker must not use the build's git process."""
        if jobs > 1:
            for doc in docs:
                if doc.source in self.making:
                    for version in doc.versions:
                        version.body  # noqa: B018 - reads the text
        parallel.run(tasks, jobs)

    def _make(self, to_make: list, alternates: dict[str, str]) -> None:
        for page, page_key, shell in to_make:
            self.cache.store(page_key, self._page_file(page),
                             archive.fill(shell, page, page.content(), alternates))

    def _page_file(self, page: archive.ArchivePage) -> Path:
        return self.site_dir / page.url / "index.html"
