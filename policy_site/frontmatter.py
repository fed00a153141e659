"""Front matter of Markdown sources: split it from the body, with line numbers for errors.

MkDocs parses front matter itself, but history, lint and redlines read old revisions of a
file that MkDocs never sees, so the package needs its own small, strict reader.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import PolicySiteError

_FENCE = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*\r?\n?", re.S | re.M)


@dataclass(frozen=True)
class Source:
    """A Markdown file split into its front matter and its body."""

    meta: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    """The 1-based line number in the file where the body starts."""


def decode(data: bytes, path: str) -> str:
    """The text of a Markdown file's bytes, as MkDocs reads it (UTF-8, a byte-order mark
    dropped); bytes that are not UTF-8 stop with the line they are on, where MkDocs stopped
    with a traceback and the history would have kept U+FFFD in their place."""
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PolicySiteError(
            f"the file is not in UTF-8: byte 0x{data[exc.start]:02X} on line {line} is no "
            "letter in UTF-8 (the file was saved in another encoding, such as Latin-1 or "
            "Windows-1252).", path=path, line=line,
            fix="save the file as UTF-8 (in most editors: 'Save with encoding' or 'Reopen "
                "with encoding', then UTF-8) and check its accented letters.") from exc


# libyaml's loader when PyYAML was built with it: the same results, many times faster.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse(text: str, path: str = "<text>") -> Source:
    """Split `text` into front matter and body; a broken YAML block names the file and line.

    A long history parses the same few front matters thousands of times, so the results
    are kept, and so is the YAML of each front matter: a commit that changes only the body
    leaves it as it was (a `Source` is immutable, but its `meta` dict must not be changed
    by callers: texts with the same front matter share it).
    """
    source = _parsed.get(text)
    if source is None:
        source = _parse(text, path)
        if len(_parsed) > 64:  # the same text is asked for a few times in a row
            _parsed.clear()
        _parsed[text] = source
    return source


_parsed: dict[str, Source] = {}


_BOM = "\ufeff"
_LONE_CR = re.compile(r"\r(?!\n)")
_OPENED = re.compile(r"\A---[ \t]*\r?\n[ \t]*[A-Za-z_][\w-]*[ \t]*:")


def _parse(text: str, path: str) -> Source:
    # What MkDocs reads as it would: a byte-order mark at the start is not text, and a lone
    # carriage return (an old Mac file) ends a line. Read from git, both hid the front matter.
    text = text.removeprefix(_BOM)
    if "\r" in text:
        text = _LONE_CR.sub("\n", text)
    match = _FENCE.match(text)
    if not match:
        if unclosed(text):
            raise PolicySiteError(
                "the front matter that starts on line 1 is not closed: no '---' line ends it, "
                "so its lines would be shown as text and its fields (summary, title) ignored.",
                path=path, line=1,
                fix="add a line with only '---' after the last 'key: value' line, before the "
                    "text of the page.")
        return Source({}, text, 1)
    block = match.group(1)
    meta = _meta.get(block)  # most commits leave the front matter as it was
    if meta is None:
        meta = _meta[block] = _load(block, path)
        if len(_meta) > 256:
            _meta.clear()
            _meta[block] = meta
    body_line = text.count("\n", 0, match.end()) + 1
    return Source(meta, text[match.end():], body_line)


_meta: dict[str, dict[str, Any]] = {}


def unclosed(text: str) -> bool:
    """Whether `text` opens a front matter ('---', then a 'key:' line) that no '---' closes."""
    text = text.removeprefix(_BOM)
    return bool(_OPENED.match(text)) and not _FENCE.match(text)


def _load(block: str, path: str) -> dict[str, Any]:
    try:
        try:
            meta = yaml.load(block, Loader=_Loader) or {}
        except yaml.YAMLError:
            # Parse again with the Python loader: its messages are the ones editors are shown.
            meta = yaml.load(block, Loader=yaml.SafeLoader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        raise PolicySiteError(
            f"the front matter is not valid YAML ({getattr(exc, 'problem', exc)}).",
            path=path, line=line,
            fix="check the lines between the two '---' lines: 'key: value', one per line; "
                "quote values that contain a colon.",
        ) from exc
    if not isinstance(meta, dict):
        raise PolicySiteError("the front matter is not a list of 'key: value' lines.", path=path,
                              line=2, fix="write one 'key: value' per line between the '---' lines.")
    return meta
