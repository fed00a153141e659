"""Markdown to HTML for archived versions, each distinct section rendered once.

A policy with a long history has thousands of versions, and each differs from the one
before in a few paragraphs. Rendering every version whole repeats the same work thousands
of times; rendering it section by section (a section runs from one heading to the next)
and keeping each section's HTML by its text renders every distinct section once.

Sections are independent for the Markdown this site uses (headings, paragraphs, lists,
tables, admonitions, inline links). Reference-style links defined in another section would
not resolve; the editors' lint keeps to inline links.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import markdown

_SECTION = re.compile(r"^(?=#{1,6} )", re.M)
_FENCE = re.compile(r"^(```|~~~)", re.M)


class MarkdownRenderer:
    """Renders Markdown with the site's extensions, caching the HTML of each section."""

    def __init__(self, extensions: Iterable[Any], configs: Mapping[str, dict] | None = None) -> None:
        self._md = markdown.Markdown(extensions=list(extensions), extension_configs=dict(configs or {}))
        self._sections: dict[str, str] = {}

    def render(self, text: str) -> str:
        return "\n".join(self._section(s) for s in _sections(text))

    def _section(self, text: str) -> str:
        html = self._sections.get(text)
        if html is None:
            html = self._md.reset().convert(text)
            self._sections[text] = html
        return html


def _sections(text: str) -> list[str]:
    """Split at headings; a text with fenced code is kept whole (a fence may hold '##')."""
    if _FENCE.search(text):
        return [text]
    return [s for s in _SECTION.split(text) if s.strip()]


def strip_title(body: str) -> str:
    """The body without its first `# ` heading (the archive page shows the title itself)."""
    return re.sub(r"\A\s*# [^\n]*\n?", "", body, count=1)
