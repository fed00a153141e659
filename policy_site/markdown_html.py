"""Markdown to HTML for archived versions, each distinct block rendered once.

A policy with a long history has thousands of versions, and each differs from the one
before in a few paragraphs. Rendering every version whole repeats the same work thousands
of times; rendering it piece by piece (a heading, a paragraph, a list, a table) and keeping
each piece's HTML by its text renders every distinct piece once.

Pieces are independent for the Markdown this site uses (headings, paragraphs, lists,
tables, admonitions, inline links). Reference-style links defined in another piece would
not resolve; the editors' lint keeps to inline links.

Most pieces of a policy are paragraphs of plain words, for which Markdown's answer is known
without asking it: `<p>`, the text, `</p>`. Such a piece (`_PLAIN`) is not handed to the
library, which spends a fifth of a millisecond on one trying every pattern it knows (at
2,000 commits, three quarters of the pieces and 2.8 s of a cold build's CPU). Only with
the extensions in `_PLAIN_SAFE`, which leave such a paragraph alone; tests/test_markdown_html.py
holds the shortcut to the library's own answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import markdown

_FENCE = re.compile(r"^(```|~~~)", re.M)
_RAW_HTML = re.compile(r"^\s*<", re.M)
_BLANK = re.compile(r"\n[^\S\n]*\n")
_LIST_ITEM = re.compile(r"[-*+] |\d+[.)] ")

_PLAIN = re.compile(r"(?!\d+[.)])[^\W_][^\x00-\x1f\x7f\\`*_\[\]<>&{}|#~=^!]*"
                    r"(?:\n(?!\d+[.)])[^\W_][^\x00-\x1f\x7f\\`*_\[\]<>&{}|#~=^!]*)*")
"""A paragraph of plain words: every line starts with a letter or a digit (not a numbered
list's "1."), and no character anywhere could start Markdown's syntax (emphasis, code,
links, HTML, entities, tables, attributes, escapes) or a control character that the
library reads as its own placeholder. A line ending in white space (a hard line break) is
ruled out apart."""

_PLAIN_SAFE = frozenset({"toc", "tables", "fenced_code", "attr_list", "md_in_html",
                         "admonition", "footnotes", "def_list", "sane_lists"})
"""The extensions (Markdown's own) that render a `_PLAIN` paragraph as `<p>text</p>`: with
any other (smarty turns quotes, nl2br line breaks, abbr a glossary's words, magiclink
addresses) every piece goes to the library; so too when toc's marker is not its "[TOC]"."""


class MarkdownRenderer:
    """Renders Markdown with the site's extensions, caching the HTML of each piece."""

    def __init__(self, extensions: Iterable[Any], configs: Mapping[str, dict] | None = None) -> None:
        extensions = list(extensions)
        self._md = markdown.Markdown(extensions=extensions, extension_configs=dict(configs or {}))
        self._sections: dict[str, str] = {}
        self._plain_safe = all(isinstance(e, str) and e.removeprefix("markdown.extensions.")
                               in _PLAIN_SAFE for e in extensions) and all(
            "marker" not in options for name, options in dict(configs or {}).items()
            if name.removeprefix("markdown.extensions.") == "toc")

    def render(self, text: str) -> str:
        return _unique_heading_ids("\n".join(self._section(s) for s in _sections(text)))

    def _section(self, text: str) -> str:
        html = self._sections.get(text)
        if html is None:
            if self._plain_safe and _is_plain(text):
                html = f"<p>{text}</p>"
            else:
                html = self._md.reset().convert(text)
            self._sections[text] = html
        return html


def _is_plain(text: str) -> bool:
    """Whether Markdown renders `text` (a piece: no blank line) as `<p>text</p>`."""
    return (_PLAIN.fullmatch(text) is not None and not text[-1].isspace()
            and " \n" not in text and "\xa0\n" not in text)


def _sections(text: str) -> list[str]:
    """Split into pieces that Markdown renders the same alone as in the whole text.

    A piece ends at a blank line, unless what follows continues it: an indented line (a list
    item's or an admonition's body), or a list item after a list item (one loose list). A text
    with fenced code or raw HTML is kept whole: a fence or an HTML block may hold blank lines.
    """
    # Each pattern only where its character occurs: matching at every line of a long text
    # costs 0.2 ms, and most texts have neither.
    if (("```" in text or "~~~" in text) and _FENCE.search(text)) or (
            "<" in text and _RAW_HTML.search(text)):
        return [text]
    pieces: list[str] = []
    for block in _BLANK.split(text):
        if not block.strip():
            continue
        continues = block[:1].isspace() or (
            pieces and _LIST_ITEM.match(block) and _LIST_ITEM.match(pieces[-1].lstrip("\n")))
        if pieces and continues:
            pieces[-1] += "\n\n" + block
        else:
            pieces.append(block)
    return pieces


_HEADING_ID = re.compile(r'(<h[1-6][^>]*\bid=")([^"]*)(")')


def _unique_heading_ids(html: str) -> str:
    """Give repeated heading ids the suffixes `_1`, `_2` … as Markdown's toc does for a whole
    text: rendered apart, two pieces with the same heading would both get the plain id."""
    seen: set[str] = set()

    def unique(match: re.Match) -> str:
        anchor = match.group(2)
        while anchor in seen:
            numbered = re.match(r"^(.*)_([0-9]+)$", anchor)
            anchor = f"{numbered.group(1)}_{int(numbered.group(2)) + 1}" if numbered else f"{anchor}_1"
        seen.add(anchor)
        return f"{match.group(1)}{anchor}{match.group(3)}"

    return _HEADING_ID.sub(unique, html)


def strip_title(body: str) -> str:
    """The body without its first `# ` heading (the archive page shows the title itself)."""
    return re.sub(r"\A\s*# [^\n]*\n?", "", body, count=1)
