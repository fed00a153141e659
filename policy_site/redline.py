"""Redlines: what one version of a policy changed against the version before it, as HTML.

A reader of a legal text is owed exactly what changed, and an editor has to check it before
it is published. A line diff of the Markdown does neither: re-wrapping a paragraph marks all
of it, and nobody reads a policy line by line. So the comparison works the way it is read,
at two levels, with well-kept diff libraries rather than a diff algorithm of our own:

1. Blocks. Each side is split into blocks: headings, paragraphs, list items, table rows and
   quotes, a fenced code block as one. The two sequences of blocks are aligned with
   `difflib.SequenceMatcher` (with `autojunk=False`, so a block that occurs often, such as a
   repeated "Not applicable.", is still matched). A paragraph moved elsewhere is then one
   deletion and one insertion, and nothing around it is marked.
2. Words. Inside each region the alignment could not match, an old and a new block of the
   same kind that share at least half their words are paired, and their words are compared
   with diff-match-patch in word mode. Blocks left over are wholly deleted or inserted.

diff-match-patch runs with `Diff_Timeout = 0`. With a time limit its answer depends on how
fast the machine building the site is, and a published redline must not.

Inline Markdown (emphasis, code, links) is shown as plain text: the words are what a reader
agrees to. A change of a link's target alone therefore shows no change. The result is one
`<div class="redline">` with one block per line and no blank line, so that it can stand in a
Markdown page as a raw HTML block. The HTML is built by code, not a template: its only rule
is "exactly one line per block", and a template would need white-space control on every tag.

Pure: two Markdown bodies in, a `Redline` out. It knows nothing of MkDocs or git.
"""

from __future__ import annotations

import difflib
import html
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from diff_match_patch import diff_match_patch

from .errors import PolicySiteError

__all__ = ["Labels", "Redline", "redline"]

PAIR_SIMILARITY = 0.5
"""Share of words (Dice coefficient) an old and a new block need in common to be compared
word by word; below it, the old one is shown deleted and the new one inserted, which reads
better than a paragraph of confetti."""

PAIR_SEARCH_LIMIT = 400
"""Above this many old × new blocks in one unmatched region (a rewrite), blocks are paired
by position among blocks of the same kind instead of by best similarity, to stay fast."""


@dataclass(frozen=True)
class Labels:
    """The few words a redline shows, in the reader's language (English by default)."""

    folded: str = "{n} unchanged paragraphs"
    """Summary of a folded run of `n` unchanged blocks: a format string with `{n}`."""
    folded_one: str = "1 unchanged paragraph"
    """Summary of a folded run of one block (only a one-block text that did not change)."""

    def __post_init__(self) -> None:
        try:
            self.folded.format(n=2)
        except (KeyError, IndexError, ValueError) as exc:
            raise PolicySiteError(
                f"the redline label folded={self.folded!r} is not a format string with "
                "'{n}' as its only field.",
                fix="write it like '{n} unchanged paragraphs'; to show a brace, double it.",
            ) from exc


@dataclass(frozen=True)
class Redline:
    """What a new version changed against an old one."""

    html: str
    """One `<div class="redline">` fragment, one block per line, without a blank line."""
    inserted_words: int
    deleted_words: int
    changed_blocks: int
    """Blocks shown with any insertion or deletion; a wholly inserted block counts once."""

    @property
    def unchanged(self) -> bool:
        """True when nothing was inserted or deleted (white space and links do not count)."""
        return self.changed_blocks == 0


def redline(old_markdown: str, new_markdown: str, *, context: int = 1,
            labels: Labels = Labels()) -> Redline:
    """The redline of `new_markdown` against `old_markdown`, two bodies without front matter.

    Args:
        old_markdown: the Markdown body of the previous version.
        new_markdown: the Markdown body of the version whose changes are shown.
        context: how many unchanged blocks to show before and after each change; longer
            runs of unchanged blocks are folded into a `<details>` a reader can open.
        labels: the visible words, in the reader's language.
    """
    if isinstance(context, bool) or not isinstance(context, int) or context < 0:
        raise PolicySiteError(f"the redline context must be a whole number >= 0, not {context!r}.",
                              fix="pass context=1 (one unchanged block around each change).")
    entries = list(_entries(_blocks(old_markdown), _blocks(new_markdown)))
    lines: list[str] = []
    shown: list[_Entry] = []  # rendered together, so that a list is not cut between runs
    for folded, run in _folds(entries, context):
        if not folded:
            shown.extend(run)
            continue
        lines.extend(_render(shown))
        shown = []
        summary = labels.folded_one if len(run) == 1 else labels.folded.format(n=len(run))
        lines.append(f'<details class="redline-fold"><summary>{_escape(summary)}</summary>')
        lines.extend(_render(run))
        lines.append("</details>")
    lines.extend(_render(shown))
    body = "\n".join(lines)
    return Redline(
        html=f'<div class="redline">\n{body}\n</div>' if body else '<div class="redline"></div>',
        inserted_words=sum(e.inserted for e in entries),
        deleted_words=sum(e.deleted for e in entries),
        changed_blocks=sum(e.status != "equal" for e in entries),
    )


# --- blocks --------------------------------------------------------------------------------

class _Block(NamedTuple):
    """One block as a reader sees it.

    A named tuple, not a frozen dataclass like the public types: both versions of a 200 KB
    policy make thousands of blocks, and a frozen dataclass is several times slower to make.
    """

    kind: str
    """'h', 'p', 'li', 'quote', 'row' (of a table), 'code' or 'hr'."""
    level: int
    """The level of a heading; the nesting depth (0 = top) of a list item; else 0."""
    ordered: bool
    text: str
    """The words shown: inline Markdown removed and white space collapsed (kept in code)."""
    number: int = 1
    """The number a reader sees on an ordered list item."""

    @property
    def shape(self) -> tuple[str, int, bool]:
        """Blocks of one shape may be compared word by word; a heading of another level may not."""
        return self[:3]

    @property
    def key(self) -> tuple[str, int, bool, str]:
        """What makes two blocks the same block: everything but the number of a list item."""
        return self[:4]


_FENCE = re.compile(r"^([ ]*)(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HR = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_ITEM = re.compile(r"^([ ]*)(?:[-*+]|(\d{1,9})[.)])(?:[ \t]+(.*)|[ \t]*$)")
_QUOTE = re.compile(r"^ {0,3}>(?:[ \t]?>)*[ \t]?(.*)$")
_TABLE_DELIMITER = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_DEFINITION = re.compile(r"^ {0,3}(?:\[(?!\^)([^\]]+)\]|\*\[[^\]]+\]):")
_ATTRIBUTES = re.compile(r"^[ \t]*\{:?[^{}]*\}[ \t]*$")
_HEADING_ATTRIBUTES = re.compile(r"[ \t]*\{[:#.][^{}]*\}[ \t]*$")
_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")
_SPACES = re.compile(r"[ \t\n\r\f\v]+")
_BLOCK_START_CHARS = frozenset("#-*+0123456789>|`~=_<[{ ")


def _blocks(markdown: str) -> list[_Block]:
    """The blocks of a Markdown body, in order: CommonMark's block rules, kept to what a
    policy uses. Link definitions, HTML comments and attribute lists are invisible, so they
    are skipped; the lines of one paragraph are joined, so re-wrapping changes nothing.

    Written for speed on the common case (a line of running text goes through three cheap
    tests), because it reads every block of both versions on every build.
    """
    if not unicodedata.is_normalized("NFC", markdown):
        markdown = unicodedata.normalize("NFC", markdown)  # "ä" typed as "a" + "¨" is "ä"
    text = markdown.replace("\r\n", "\n").replace("\r", "\n")
    lines = (text.expandtabs(4) if "\t" in text else text).split("\n")
    built: list[list] = []  # [kind, level, ordered, number, parts]
    refs: set[str] = set()  # labels of link definitions: "[label]" is then a link
    current: list | None = None  # the block that takes a continuation line
    last_item: list | None = None  # the list item that an indented paragraph continues
    lists: list[list] = []  # open lists, outermost first: [indent, ordered, next number]
    blank = True  # the line before was blank (or there was none)
    in_table = False
    skip = 0  # lines up to here were taken by a fence or a comment

    def paragraph(line: str) -> tuple[list, list | None]:
        """After a blank line or a block: an indented paragraph that continues the last
        list item, or a new paragraph. Returns the open block and the last list item."""
        if (last_item is not None and lists and built[-1] is last_item
                and len(line) - len(line.lstrip(" ")) >= 2):
            last_item[4].append(line)
            return last_item, last_item
        lists.clear()
        block = ["p", 0, False, 1, [line]]
        built.append(block)
        return block, None

    for i, line in enumerate(lines):
        if i < skip:
            continue
        if not line:
            blank, current, in_table = True, None, False
            continue
        if line[0] not in _BLOCK_START_CHARS and not in_table and "|" not in line:
            # The common case, kept fast: a line of running text.
            if current is not None and not blank:
                current[4].append(line)
            else:
                current, last_item = paragraph(line)
            blank = False
            continue
        stripped = line.strip()
        if not stripped:
            blank, current, in_table = True, None, False
            continue
        fence = _FENCE.match(line)
        if fence:
            indent, mark = len(fence.group(1)), fence.group(2)
            closing = re.compile(rf"^[ ]*{re.escape(mark[0])}{{{len(mark)},}}[ \t]*$")
            end = i + 1
            while end < len(lines) and not closing.match(lines[end]):
                end += 1
            code = [x[indent:] if not x[:indent].strip() else x.lstrip() for x in lines[i + 1:end]]
            skip = end + 1  # past the closing fence; an unclosed one runs to the end
            built.append(["code", 0, False, 1, ["\n".join(code).rstrip("\n")]])
            if indent < 2:
                lists.clear()
                last_item = None
            blank, current, in_table = False, None, False
            continue
        if stripped.startswith("<!--"):
            end = i
            while end < len(lines) - 1 and "-->" not in lines[end]:
                end += 1
            skip = end + 1
            blank, current = False, None
            continue
        if in_table or ("|" in stripped and current is None and (
                stripped.startswith("|") or (i + 1 < len(lines) and "|" in lines[i + 1]
                                             and _TABLE_DELIMITER.match(lines[i + 1])))):
            if not in_table:
                lists.clear()
                last_item = None
            in_table = "|" in stripped
            if in_table:
                if not _TABLE_DELIMITER.match(stripped):
                    row = stripped.removeprefix("|")
                    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
                    built.append(["row", 0, False, 1, _CELL_SEPARATOR.split(row)])
                blank, current = False, None
                continue
        if current is not None and current[0] == "p" and not blank:
            setext = _SETEXT.match(line)
            if setext:
                current[0], current[1] = "h", 1 if setext.group(1)[0] == "=" else 2
                blank, current = False, None
                continue
        if _HR.match(line):
            built.append(["hr", 0, False, 1, []])
            lists.clear()
            blank, current, last_item = False, None, None
            continue
        heading = _ATX.match(line)
        if heading:
            built.append(["h", len(heading.group(1)), False, 1, [heading.group(2) or ""]])
            lists.clear()
            blank, current, last_item = False, None, None
            continue
        item = _ITEM.match(line)
        if item:
            indent, digits = len(item.group(1)), item.group(2)
            ordered = digits is not None
            while lists and lists[-1][0] > indent + 1:
                lists.pop()  # back out of deeper lists
            if not lists or indent >= lists[-1][0] + 2:
                lists.append([indent, ordered, int(digits) if ordered else 1])  # a new level
            elif lists[-1][1] != ordered:
                lists[-1] = [indent, ordered, int(digits) if ordered else 1]  # another list
            number = lists[-1][2]
            lists[-1][2] += 1
            current = last_item = ["li", len(lists) - 1, ordered, number, [item.group(3) or ""]]
            built.append(current)
            blank = False
            continue
        quote = _QUOTE.match(line)
        if quote:
            content = quote.group(1)
            if not content.strip():
                current = None  # ">" alone separates two paragraphs of a quote
            elif current is not None and current[0] == "quote" and not blank:
                current[4].append(content)
            else:
                current = ["quote", 0, False, 1, [content]]
                built.append(current)
            lists.clear()
            blank, last_item = False, None
            continue
        if current is None or blank:
            if _ATTRIBUTES.match(line):
                continue
            definition = _DEFINITION.match(line)
            if definition:
                if definition.group(1):
                    refs.add(definition.group(1).strip().lower())
                blank, current = False, None
                continue
        # Running text that happens to start with one of the block-start characters.
        if current is not None and not blank:
            current[4].append(line)
        else:
            current, last_item = paragraph(line)
        blank = False
    odd = any(c in text for c in _ODD_SPACES)
    return [block for b in built if (block := _finish(b, refs, odd)) is not None]


def _finish(built: list, refs: set[str], odd: bool) -> _Block | None:
    kind, level, ordered, number, parts = built
    if kind == "code":
        return _Block("code", 0, False, parts[0])
    if kind == "hr":
        return _Block("hr", 0, False, "")
    if kind == "row":
        return _Block("row", 0, False, " | ".join(_plain(cell, refs, odd) for cell in parts))
    joined = "\n".join(parts)
    if "\\\n" in joined:
        joined = joined.replace("\\\n", "\n")  # a backslash at the end of a line breaks it
    if kind == "h":
        joined = _HEADING_ATTRIBUTES.sub("", joined)
    text = _plain(joined, refs, odd)
    if not text and kind != "li":
        return None
    return _Block(kind, level, ordered, text, number)


_INLINE_MARK = re.compile(r"[`\[<\\*_~]")
_INLINE = re.compile(
    r"(?=[`!\[<\\*_~])(?:"
    r"(?P<tick>`+)(?P<code>.+?)(?<!`)(?P=tick)(?!`)"
    r"|!?\[(?P<link>(?:[^\[\]]|\[[^\[\]]*\])*)\](?:\((?:[^()]|\([^()]*\))*\)|\[[^\[\]]*\])"
    r"|\[(?P<shortcut>[^\[\]]+)\](?![(\[:])"
    r"|<(?P<autolink>(?:https?|ftp|mailto):[^<>\s]+|[^<>\s@]+@[^<>\s@]+\.[^<>\s@]+)>"
    r"|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--.*?-->"
    r"|\\(?P<escaped>[!-/:-@\[-`{-~])"
    r"|(?<=\S)\*+|\*+(?=\S)|(?<!\w)_+(?=\S)|(?<=\S)_+(?!\w)|~~)",
    re.S,
)
_ODD_SPACES = "\f\v\x1c\x1d\x1e\x1f\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + (
    "\u2028\u2029\u202f\u205f\u3000")
"""White space other than space, tab and line breaks, such as the no-break space: kept."""


def _plain(markdown: str, refs: set[str], odd: bool) -> str:
    """The words a reader sees in inline Markdown, white space collapsed to single spaces.

    `odd` says whether the text has white space such as a no-break space, which is kept;
    without it, faster string methods do the collapsing.
    """
    def replace(match: re.Match[str]) -> str:
        if match.group("code") is not None:
            return match.group("code")
        if match.group("link") is not None:
            return _plain(match.group("link"), refs, odd)
        if match.group("shortcut") is not None:
            label = _plain(match.group("shortcut"), refs, odd)
            return label if label.lower() in refs else f"[{label}]"
        if match.group("autolink") is not None:
            return match.group("autolink")
        if match.group("escaped") is not None:
            return match.group("escaped")
        return ""  # emphasis marks and HTML tags

    if _INLINE_MARK.search(markdown):
        markdown = _INLINE.sub(replace, markdown)
    if odd:
        return _SPACES.sub(" ", markdown).strip(" ")
    flat = markdown.replace("\n", " ")
    if "  " in flat or flat[:1] == " " or flat[-1:] == " ":
        return " ".join(flat.split())
    return flat


# --- aligning blocks and words ---------------------------------------------------------------

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
"""Words, runs of white space, and single punctuation marks: the units a redline marks."""


_WORD = re.compile(r"\w*[^\W_]\w*")
"""A word: a token with at least one letter or digit. These are what the counts count."""


class _Entry(NamedTuple):
    """One block of the redline, with its inner HTML already marked up (a named tuple for
    speed, as `_Block`)."""

    status: str
    """'equal', 'changed', 'inserted' or 'deleted'."""
    block: _Block
    inner: str
    inserted: int = 0
    deleted: int = 0


def _entries(old: Sequence[_Block], new: Sequence[_Block]) -> Iterator[_Entry]:
    matcher = difflib.SequenceMatcher(None, [b[:4] for b in old], [b[:4] for b in new],
                                      autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for block in new[j1:j2]:
                yield _Entry("equal", block, _escape(block.text))
            continue
        old_region, new_region = old[i1:i2], new[j1:j2]
        for o, n in _pairs(old_region, new_region):
            if n is None:
                yield _whole(old_region[o], "deleted")
            elif o is None:
                yield _whole(new_region[n], "inserted")
            else:
                yield _compared(old_region[o], new_region[n])


def _pairs(old: Sequence[_Block], new: Sequence[_Block]) -> list[tuple[int | None, int | None]]:
    """Which old and new blocks of a region to compare word by word, in reading order;
    (i, None) is a deleted block and (None, j) an inserted one."""
    if not old or not new:
        return [(i, None) for i in range(len(old))] + [(None, j) for j in range(len(new))]
    old_words = [Counter(_WORD.findall(b.text)) for b in old]
    new_words = [Counter(_WORD.findall(b.text)) for b in new]

    def similarity(i: int, j: int) -> float:
        if old[i].shape != new[j].shape:
            return 0.0
        total = old_words[i].total() + new_words[j].total()
        return 2 * (old_words[i] & new_words[j]).total() / total if total else 0.0

    out: list[tuple[int | None, int | None]] = []

    def unpaired(i1: int, i2: int, j1: int, j2: int) -> None:
        out.extend((i, None) for i in range(i1, i2))
        out.extend((None, j) for j in range(j1, j2))

    if len(old) * len(new) <= PAIR_SEARCH_LIMIT:
        # The most similar pair first, then the same on either side of it.
        table = [[similarity(i, j) for j in range(len(new))] for i in range(len(old))]

        def best(i1: int, i2: int, j1: int, j2: int) -> None:
            found, score = None, PAIR_SIMILARITY
            for i in range(i1, i2):
                row = table[i]
                for j in range(j1, j2):
                    if row[j] > score or (row[j] == score and found is None):
                        found, score = (i, j), row[j]
            if found is None:
                unpaired(i1, i2, j1, j2)
                return
            i, j = found
            best(i1, i, j1, j)
            out.append((i, j))
            best(i + 1, i2, j + 1, j2)

        best(0, len(old), 0, len(new))
        return out
    shapes = difflib.SequenceMatcher(None, [b.shape for b in old], [b.shape for b in new],
                                     autojunk=False)
    for tag, i1, i2, j1, j2 in shapes.get_opcodes():
        if tag != "equal":
            unpaired(i1, i2, j1, j2)
            continue
        for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
            if similarity(i, j) >= PAIR_SIMILARITY:
                out.append((i, j))
            else:
                unpaired(i, i + 1, j, j + 1)
    return out


def _whole(block: _Block, status: str) -> _Entry:
    tag = "ins" if status == "inserted" else "del"
    count = len(_WORD.findall(block.text))
    inner = f"<{tag}>{_escape(block.text)}</{tag}>" if block.text.strip() else ""
    return _Entry(status, block, inner, inserted=count if tag == "ins" else 0,
                  deleted=count if tag == "del" else 0)


def _compared(old: _Block, new: _Block) -> _Entry:
    """A paired block with its words compared; 'equal' when only white space differs."""
    parts: list[str] = []
    inserted = deleted = 0
    marked = False
    for op, text in _word_diff(old.text, new.text):
        if op == diff_match_patch.DIFF_EQUAL:
            parts.append(_escape(text))
            continue
        tokens = _TOKEN.findall(text)
        start, end = 0, len(tokens)
        while start < end and tokens[start].isspace():
            start += 1
        while end > start and tokens[end - 1].isspace():
            end -= 1
        if start == end:  # white space alone: show the new spacing, mark nothing
            if op == diff_match_patch.DIFF_INSERT:
                parts.append(_escape(text))
            continue
        marked = True
        words = len(_WORD.findall("".join(tokens[start:end])))
        tag = "ins" if op == diff_match_patch.DIFF_INSERT else "del"
        if tag == "ins":
            inserted += words
        else:
            deleted += words
        parts.append(_escape("".join(tokens[:start])))
        parts.append(f"<{tag}>{_escape(''.join(tokens[start:end]))}</{tag}>")
        parts.append(_escape("".join(tokens[end:])))
    return _Entry("changed" if marked else "equal", new, "".join(parts), inserted, deleted)


def _word_diff(old: str, new: str) -> list[tuple[int, str]]:
    """diff-match-patch in word mode: each token becomes one character (the trick of its
    `diff_linesToChars`, with tokens for lines), the characters are diffed and mapped back.

    The semantic clean-up then folds a lone space or short word between two changes into
    them, so that a rewritten sentence reads as one deletion and one insertion.
    """
    tokens = [""]  # index 0 is never used, as in diff_linesToChars
    index: dict[str, int] = {}

    def encode(text: str) -> str:
        chars = []
        for token in _TOKEN.findall(text):
            number = index.get(token)
            if number is None:
                number = index[token] = len(tokens)
                tokens.append(token)
            chars.append(chr(number))
        return "".join(chars)

    old_chars, new_chars = encode(old), encode(new)
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0  # no time limit: the same answer on every machine
    diffs = dmp.diff_main(old_chars, new_chars, False)
    dmp.diff_cleanupSemantic(diffs)
    dmp.diff_charsToLines(diffs, tokens)
    return diffs


# --- folding and HTML ------------------------------------------------------------------------

def _folds(entries: Sequence[_Entry], context: int) -> Iterator[tuple[bool, list[_Entry]]]:
    """The entries in runs, each either shown or folded.

    A run of unchanged blocks longer than 2 × context + 1 keeps `context` blocks after the
    change before it and before the change after it; at the start or end of the text only
    the side next to a change is kept. A text without a change is folded whole.
    """
    start = 0
    while start < len(entries):
        if entries[start].status != "equal":
            end = start
            while end < len(entries) and entries[end].status != "equal":
                end += 1
            yield False, list(entries[start:end])
            start = end
            continue
        end = start
        while end < len(entries) and entries[end].status == "equal":
            end += 1
        run = list(entries[start:end])
        after_change, before_change = start > 0, end < len(entries)
        if not after_change and not before_change:
            yield True, run
        elif len(run) <= 2 * context + 1:
            yield False, run
        else:
            head = context if after_change else 0
            tail = context if before_change else 0
            if head:
                yield False, run[:head]
            yield True, run[head:len(run) - tail]
            if tail:
                yield False, run[len(run) - tail:]
        start = end


_CLASSES = {"equal": "", "changed": "redline-changed", "inserted": "redline-inserted",
            "deleted": "redline-deleted"}


def _render(entries: Sequence[_Entry]) -> list[str]:
    """One line per block; consecutive list items share one list, nested by their depth."""
    lines: list[str] = []
    lists: list[str] = []  # the tags of the open lists, outermost first; each has an open <li>

    def close_list() -> None:
        lines[-1] += f"</li></{lists.pop()}>"

    for entry in entries:
        block, css = entry.block, _CLASSES[entry.status]
        attribute = f' class="{css}"' if css else ""
        if block.kind != "li":
            while lists:
                close_list()
            lines.append(_render_block(block, entry.inner, css))
            continue
        tag = "ol" if block.ordered else "ul"
        depth = min(block.level, len(lists))  # never open two levels at once
        while len(lists) > depth + 1:
            close_list()
        if len(lists) == depth + 1:
            if lists[-1] == tag:
                lines[-1] += "</li>"
            else:
                close_list()
        opening = ""
        if len(lists) == depth:
            start = f' start="{block.number}"' if block.ordered and block.number != 1 else ""
            opening = f"<{tag}{start}>"
            lists.append(tag)
        lines.append(f"{opening}<li{attribute}>{entry.inner}")
    while lists:
        close_list()
    return lines


def _render_block(block: _Block, inner: str, css: str) -> str:
    attribute = f' class="{css}"' if css else ""
    if block.kind == "h":
        return f"<h{block.level}{attribute}>{inner}</h{block.level}>"
    if block.kind == "quote":
        return f"<blockquote{attribute}><p>{inner}</p></blockquote>"
    if block.kind == "row":
        return f'<p class="{" ".join(filter(None, ("redline-row", css)))}">{inner}</p>'
    if block.kind == "code":
        return f'<pre class="{" ".join(filter(None, ("redline-code", css)))}"><code>{inner}</code></pre>'
    if block.kind == "hr":
        return f"<hr{attribute}>"
    return f"<p{attribute}>{inner}</p>"


def _escape(text: str) -> str:
    """HTML-escaped, with line breaks (only code has them) as `&#10;`: no line can be blank."""
    return html.escape(text, quote=False).replace("\n", "&#10;")
