"""Redlines: what one version of a policy changed against the version before it, as HTML.

A reader of a legal text is owed exactly what changed, and an editor has to check it before
it is published. A line diff of the Markdown does neither: re-wrapping a paragraph marks all
of it, and nobody reads a policy line by line. So the comparison follows how it is read,
with two well-kept diff libraries and no diff algorithm of our own:

1. Blocks. Each side is split into blocks: headings, paragraphs, list items, table rows and
   quotes, a fenced code block as one. diff-match-patch aligns the two sequences (each
   distinct block one character), and its semantic clean-up keeps a lone unchanged block
   between two larger changes from anchoring the alignment. A paragraph moved elsewhere is
   one deletion and one insertion, and nothing around it is marked.
2. Words. In each region the alignment could not match, an old and a new block of the same
   kind that share at least half their words are paired (in a long region, along the
   longest common sequence of block kinds); blocks left over are wholly deleted or inserted. The words of a pair are compared with diff-match-patch in word mode
   (each token one character, the trick of its `diff_linesToChars`), after a first pass with
   sentences as the units, which sets aside the sentences that did not change cheaply.

Both diffs are run by fast-diff-match-patch, the C++ port of the same algorithm: it gives
the same answers as the pure-Python library (tests/test_redline.py checks it) several times
faster, and the diff was most of a redline's time. The port's semantic clean-up scores
characters by the C library's locale-dependent classes, so it runs only on characters that
no locale counts as letters, digits or space (see `_aligned`). The pure-Python library is
kept for its helpers (common prefix and suffix) and for the clean-up of a text with more
distinct blocks than there are such characters. The diff runs with no time limit
(`timelimit=0`, Python's `Diff_Timeout = 0`): with one its answer would depend on how fast
the machine building the site is, and a published redline must not.

Inline Markdown (emphasis, code, links) is shown as plain text: the words are what a reader
agrees to, so a change of a link's target alone shows no change. The result is one
`<div class="redline">` with one block per line and no blank line, so that it can stand in
a Markdown page as a raw HTML block. The HTML is built by code, not a template: its one rule
is "exactly one line per block", which a template would need white-space control on every
tag to keep.

Every version is also compared with the current one, and compared directly a version far back
costs more the more of its blocks differ: over a long history, that grew with its square.
So those comparisons are made along the history instead (`lineage`, then `redline_along`):
each version is aligned with the one after it, as above, and its blocks follow that version's
to the current text; what no step connects is aligned directly, between the blocks that are
connected, and where that would leave a block unmatched to its twin on the other side (a
revert, a paragraph moved back), the two texts are aligned directly first. A paragraph edited
in many steps stays one changed paragraph as long as it is still similar to what it became.
The answer is not always the direct one: on 3,000 small random histories of edits, moves,
reverts, splits and merges (13,561 comparisons) 95 % came out the same, 2.2 % marking more
words and 2.5 % fewer; on a generated history (benchmarks/generate.py, 5 languages, 20
pages, 1,000 commits) 307 of 2,401 came out different, 306 of them marking fewer words.

Pure: Markdown bodies in, a `Redline` out; it knows nothing of MkDocs or git. It runs for
every version on every build, so it is written for speed (see benchmarks/redline_bench.py).
A build compares each version with the one before it and with the current one, so the same
texts, blocks and pairs of blocks come back call after call: what was read and compared is
remembered between calls, in bounded caches keyed by the texts themselves. A cache makes a
redline faster, never different.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import fast_diff_match_patch
from diff_match_patch import diff_match_patch

from .errors import PolicySiteError

__all__ = ["Labels", "Redline", "lineage", "redline", "redline_along"]

PAIR_SIMILARITY = 0.5
"""Share of distinct words (Dice coefficient) an old and a new block need in common to be
compared word by word; below it, the old one is shown deleted and the new one inserted,
which reads better than a paragraph of confetti."""

WORD_DIFF_LIMIT = 4000
"""At most this many tokens (both sides) go into one word diff: a stretch of changed
sentences longer than that, which no policy has, is shown deleted and inserted whole, so
that the time a redline takes stays bounded (diff-match-patch has no time limit here)."""

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
    _check_context(context)
    return _finished(_changes(_parsed(old_markdown), _parsed(new_markdown)), context, labels)


def lineage(bodies: Sequence[str]) -> list[tuple[int, ...]]:
    """Which block of the current text each block of each version is, found along the history.

    `bodies` are the versions of one text, oldest first; the last is the current one. For
    each version, a tuple with one number per block: the index of the block of the current
    text that it is (unchanged) or that it became (edited), or -1 if it has none. Give it to
    `redline_along` to compare that version with the current one.

    Why along the history: a version far back differs from today's text in many blocks, and
    the direct comparison (`redline`) costs more the more blocks differ, so comparing every
    version with today's grew with the square of the history (issue 7). Here each version
    is compared with the one after it alone, which differs in a few blocks, and its blocks
    follow the next version's to today's text: finding them costs about one step (more
    where a step connects little, such as a change of every list's kind). A block that was
    edited step by step stays paired with what it became while the two are similar (see
    `_similar`; else, as in `redline`, deleted and inserted); between two such pairs, the
    blocks no step connected are compared directly, and a block whose twin is on the other
    side is always matched to a twin (see `_along`), so that a paragraph deleted and later
    written again, word for word, is not shown as changed.
    """
    if not bodies:
        return []
    current = _parsed(bodies[-1])
    to_current = tuple(range(len(current)))
    out = [to_current]
    newer = current
    for body in reversed(bodies[:-1]):
        old = _parsed(body)
        step = _matching(old, newer)
        if newer is not current:  # else the direct comparison with the current text
            step = _along(old, current, [to_current[j] if j >= 0 else -1 for j in step])
        out.append(step)
        to_current, newer = step, old
    out.reverse()
    return out


def redline_along(old_markdown: str, current_markdown: str, matching: Sequence[int], *,
                  context: int = 1, labels: Labels = Labels()) -> Redline:
    """The redline of `current_markdown` against `old_markdown` by the blocks `lineage` found
    for the old version; `context` and `labels` as for `redline`."""
    _check_context(context)
    old, current = _parsed(old_markdown), _parsed(current_markdown)
    matched = [j for j in matching if j >= 0]
    if (len(matching) != len(old) or any(j >= len(current) for j in matched)
            or any(a >= b for a, b in zip(matched, matched[1:]))):  # each block once, in order
        raise PolicySiteError("the matching given to redline_along is not of these two texts.",
                              fix="pass what lineage() returned for the same texts.")
    return _finished(_changes_along(old, current, matching), context, labels)


def _matching(old: tuple[_Block, ...], new: tuple[_Block, ...]) -> tuple[int, ...]:
    """Which new block each old block is or became (-1: none), as `_changes` aligns and pairs
    them."""
    out = [-1] * len(old)
    for at_old, at_new, changed_old, changed_new, same in _alignment(old, new):
        if changed_old and changed_new:
            for o, n in _pairs(old[at_old:at_old + changed_old],
                               new[at_new:at_new + changed_new]):
                if o is not None and n is not None:
                    out[at_old + o] = at_new + n
        start = at_old + changed_old
        out[start:start + same] = range(at_new + changed_new, at_new + changed_new + same)
    return tuple(out)


_gap_matching = functools.lru_cache(maxsize=1024)(_matching)
"""`_matching` of the blocks between two pairs: remembered, since the versions before and
after a step share most of them."""


def _along(old: tuple[_Block, ...], current: tuple[_Block, ...],
           through: list[int]) -> tuple[int, ...]:
    """The matching of `old` with `current`, given `through`: what the step to the next
    version and that version's matching make of each old block.

    The pairs `through` gives that are still similar enough are kept, and between them the
    blocks left over are compared directly. That is the answer when it leaves no block that
    has a twin on the other side unmatched to one (as after a revert, or a paragraph moved
    back): it has then found every block that stayed the same. Else the blocks that stayed
    the same are found as `redline` finds them, by aligning the two texts, and the history
    only decides which blocks are edits of which in the stretches the alignment could not
    match; so a version the same as the current one never shows a change.
    """
    quick = _along_region(old, current, through)
    if _keeps_twins(old, current, quick):
        return tuple(quick)
    out = [-1] * len(old)
    for at_old, at_new, changed_old, changed_new, same in _alignment(old, current):
        if changed_old and changed_new:
            region_old = old[at_old:at_old + changed_old]
            region_new = current[at_new:at_new + changed_new]
            # A pair with a block whose twin is on the other side is not kept: the direct
            # comparison of the stretch decides what becomes of that block.
            old_ids = {block[:4] for block in region_old}
            new_ids = {block[:4] for block in region_new}
            paired = [through[i] - at_new if at_new <= through[i] < at_new + changed_new
                      and old[i][:4] not in new_ids and current[through[i]][:4] not in old_ids
                      else -1 for i in range(at_old, at_old + changed_old)]
            for k, found in enumerate(_along_region(region_old, region_new, paired)):
                if found >= 0:
                    out[at_old + k] = at_new + found
        start = at_old + changed_old
        out[start:start + same] = range(at_new + changed_new, at_new + changed_new + same)
    return tuple(out)


def _keeps_twins(old: tuple[_Block, ...], new: tuple[_Block, ...], matching: list[int]) -> bool:
    """Whether each block with a twin on the other side is matched to a twin."""
    new_ids = [block[:4] for block in new]
    new_set = set(new_ids)
    twinned = set()
    for block, j in zip(old, matching):
        key = block[:4]
        if j >= 0 and key == new_ids[j]:
            twinned.add(j)
        elif key in new_set:
            return False
    old_set = {block[:4] for block in old}
    return all(j in twinned for j, key in enumerate(new_ids) if key in old_set)


def _along_region(old: tuple[_Block, ...], current: tuple[_Block, ...],
                  paired: list[int]) -> list[int]:
    """The matching of a stretch: the pairs the history gives that are still similar enough,
    and between them, the blocks left over compared directly."""
    out = [-1] * len(old)
    last_i = last_j = -1
    anchors = [(i, j) for i, j in enumerate(paired)
               if j >= 0 and _still_similar(old[i], current[j])]
    for i, j in [*anchors, (len(old), len(current))]:
        if i - last_i > 1 and j - last_j > 1:  # blocks on both sides in between
            gap = _gap_matching(old[last_i + 1:i], current[last_j + 1:j])
            for k, found in enumerate(gap):
                if found >= 0:
                    out[last_i + 1 + k] = last_j + 1 + found
        if i < len(old):
            out[i] = j
        last_i, last_j = i, j
    return out


@functools.lru_cache(maxsize=4096)
def _still_similar(old: _Block, current: _Block) -> bool:
    """`_similar`, remembered: the same pair comes back for every version until the old block
    was edited."""
    return _similar(old, current)


def _changes_along(old: tuple[_Block, ...], new: tuple[_Block, ...],
                   matching: Sequence[int]) -> list[list[_Block] | _Entry]:
    """`_changes` by a given matching: between two matched blocks, the old blocks left over
    are deleted, then the new ones inserted."""
    out: list[list[_Block] | _Entry] = []
    deleted: list[_Block] = []
    at_new = 0
    for i, j in enumerate(matching):
        if j < 0:
            deleted.append(old[i])
            continue
        for block in deleted:
            _add(out, _whole(block, "deleted"))
        for block in new[at_new:j]:
            _add(out, _whole(block, "inserted"))
        deleted = []
        if old[i][:4] == new[j][:4]:
            _add_unchanged(out, new[j])
        else:
            _add(out, _compared(old[i], new[j]))
        at_new = j + 1
    for block in deleted:
        _add(out, _whole(block, "deleted"))
    for block in new[at_new:]:
        _add(out, _whole(block, "inserted"))
    return out


def _add(out: list[list[_Block] | _Entry], entry: _Entry) -> None:
    """Append an entry of a redline, a block only its spacing changed to the run before."""
    if entry.status != "equal":
        out.append(entry)
    else:
        _add_unchanged(out, entry.block)


def _add_unchanged(out: list[list[_Block] | _Entry], block: _Block) -> None:
    """Append an unchanged block to the run of unchanged blocks at the end, or start one."""
    if out and isinstance(out[-1], list):
        out[-1].append(block)
    else:
        out.append([block])


def _check_context(context: object) -> None:
    if isinstance(context, bool) or not isinstance(context, int) or context < 0:
        raise PolicySiteError(f"the redline context must be a whole number >= 0, not {context!r}.",
                              fix="pass context=1 (one unchanged block around each change).")


def _finished(changes: list[list[_Block] | _Entry], context: int, labels: Labels) -> Redline:
    """The redline of `changes` (see `_changes`): folded, rendered and counted."""
    lines: list[str] = []
    shown: list[_Block | _Entry] = []  # rendered together, so that no list is cut in two
    for folded, run in _folds(changes, context):
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
    entries = [change for change in changes if not isinstance(change, list)]
    return Redline(
        html=f'<div class="redline">\n{body}\n</div>' if body else '<div class="redline"></div>',
        inserted_words=sum(e.inserted for e in entries),
        deleted_words=sum(e.deleted for e in entries),
        changed_blocks=len(entries),
    )


# --- blocks --------------------------------------------------------------------------------

class _Block(NamedTuple):
    """One block as a reader sees it.

    A named tuple, not a frozen dataclass like the public types: both versions of a 200 KB
    policy make thousands of blocks, and a frozen dataclass is several times slower to make.
    Its first four fields are what makes two blocks the same block; the number of a list
    item is not among them, since Markdown renumbers lists.
    """

    kind: str
    """'h', 'p', 'li', 'quote', 'row' (of a table), 'code' or 'hr'."""
    level: int
    """The level of a heading; the nesting depth (0 = top) of a list item; else 0."""
    ordered: bool
    text: str
    """The words shown: inline Markdown removed and white space collapsed (kept in code)."""
    number: int
    """The number a reader sees on an ordered list item."""
    html: str
    """`text`, HTML-escaped."""

    @property
    def shape(self) -> tuple[str, int, bool]:
        """Blocks of one shape may be compared word by word; a heading of another level may not."""
        return self[:3]


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
_LINE_START = re.compile(r"\n[-#*+0-9>|`~=_<\[{ ]")
"""A line in a paragraph that may start or end a block, so the paragraph is read by line."""
_UNREAD = object()
"""Not in a memo yet (None there is a chunk read before that shows nothing)."""


def _blocks(markdown: str, memo: dict | None = None) -> list[_Block]:
    """The blocks of a Markdown body, in order: CommonMark's block rules, kept to what a
    policy uses. Link definitions, HTML comments and attribute lists are invisible, so they
    are skipped; the lines of one paragraph are joined, so re-wrapping changes nothing.

    It reads every block of both versions on every build, so the common case is fast: a
    paragraph of running text or a heading between two blank lines is taken whole, and one
    that was read before (`memo`, kept between redlines: see `_MEMO`) is not read again.
    Everything else is read line by line (`_read_chunk`), and remembered too.
    """
    if not _is_nfc(markdown):
        markdown = unicodedata.normalize("NFC", markdown)  # "ä" typed as "a" + "¨" is "ä"
    text = markdown.replace("\r\n", "\n").replace("\r", "\n") if "\r" in markdown else markdown
    if "\t" in text:
        text = text.expandtabs(4)
    odd = any(c in text for c in _ODD_SPACES)
    memo = {} if memo is None else memo
    # Chunks that are one block, whatever comes before: a paragraph or a heading without a
    # link label. Most are, and most are in the version before.
    alone: dict[str, _Block | None] = memo.setdefault(("alone", odd), {})
    read: dict[tuple, tuple] = memo.setdefault("chunks", {})
    chunks = text.split("\n\n")
    out: list = []  # finished _Blocks, and [kind, level, ordered, number, parts] to finish
    # (or tuples of the same, as `_read_chunk` remembered them)
    refs: set[str] = set()  # labels of link definitions: "[label]" is then a link
    last_item: list | None = None  # the list item that an indented paragraph continues
    lists: list[list] = []  # open lists, outermost first: [indent, ordered, next number]
    k = 0
    while k < len(chunks):
        chunk = chunks[k]
        k += 1
        block = alone.get(chunk, _UNREAD)
        if block is _UNREAD:
            if not chunk or "[" in chunk:  # a link label, which a definition may change
                k, last_item = _read_chunk(chunk, chunks, k, out, refs, lists, last_item, read)
                continue
            heading = _ATX.match(chunk) if chunk[0] == "#" and "\n" not in chunk else None
            if heading:  # a heading alone, the next most common: as `_read_lines` reads it
                block = alone[chunk] = _finish("h", len(heading.group(1)), False, 1,
                                               [heading.group(2) or ""], refs, odd)
            elif chunk[0] in _BLOCK_START_CHARS or "|" in chunk or _LINE_START.search(chunk):
                k, last_item = _read_chunk(chunk, chunks, k, out, refs, lists, last_item, read)
                continue
            else:  # running text up to the next blank line: a paragraph, whatever came before
                block = alone[chunk] = _paragraph(chunk, refs, odd)
        lists.clear()
        last_item = None
        if block is not None:
            out.append(block)
    # What a block shows depends on its Markdown, the link definitions and `odd` only.
    known = memo.setdefault((frozenset(refs), odd), {})
    blocks = []
    for item in out:
        if type(item) is _Block:
            blocks.append(item)
            continue
        key = (*item[:4], *item[4])
        block = known.get(key)
        if block is None:
            block = known[key] = _finish(*item, refs, odd)
        if block is not None:
            blocks.append(block)
    return blocks


def _is_nfc(text: str) -> bool:
    """Whether `text` is in Unicode's NFC already, as nearly every text is.

    A text in Latin-1, as most German, French or English text without typographic quotes,
    is: none of its characters decomposes or combines with another (tests/test_redline.py
    checks every pair). `encode` tells so at the speed of copying memory; `is_normalized`
    looks every character up, which took a tenth of the time to read a policy.
    """
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return unicodedata.is_normalized("NFC", text)
    return True


def _paragraph(chunk: str, refs: set[str], odd: bool) -> _Block | None:
    """A paragraph of running text, or None if it shows nothing.

    Most paragraphs of a policy have no inline Markdown, no character HTML escapes and no
    unusual white space: such a one shows as it is written, its lines joined, and the work
    of `_plain` and `_escape`, which would find nothing to do, is skipped.
    """
    if odd or _has_any(chunk, _NOT_PLAIN):
        text = _plain(chunk, refs, odd)
        return _block("p", 0, False, text) if text else None
    text = chunk.replace("\n", " ")
    if "  " in text or text[:1] == " " or text[-1:] == " ":  # as `_plain` does
        text = " ".join(text.split())
    return _new_block(("p", 0, False, text, 1, text)) if text else None


def _has_any(text: str, chars: str) -> bool:
    """Whether `text` has any of `chars`: a few `in` tests, several times faster than the
    search of a regular expression's character class, which tests character by character."""
    for char in chars:
        if char in text:
            return True
    return False


_MEMO: dict = {}
"""The memo of `_blocks` kept between redlines: a build compares each version with the one
before it and with the current one, so most paragraphs have been read before."""

MEMO_LIMIT = 5_000
"""Entries `_MEMO` may hold before it is emptied, so that a long build's memory stays bounded."""


@functools.lru_cache(maxsize=256)
def _parsed(markdown: str) -> tuple[_Block, ...]:
    """`_blocks`, remembered: a build reads each version up to four times (as the new one,
    as the old one against the next, along the history and against the current) and the
    current one every time; `lineage` reads them newest first, the pages oldest first, so
    that the last few are not enough. (256 versions of 40 KB: about 10 MB.)
    The blocks depend on the text alone, so the cache cannot change an answer."""
    blocks = tuple(_blocks(markdown, _MEMO))
    if sum(map(len, _MEMO.values())) > MEMO_LIMIT:
        _MEMO.clear()
    return blocks


def _clear_caches() -> None:
    """Forget what earlier redlines read and compared (for benchmarks: a cold start)."""
    _MEMO.clear()
    for cached in (_parsed, _pairs, _gap_matching, _still_similar, _marked, _words, _word_count):
        cached.cache_clear()


def _read_chunk(chunk: str, chunks: list[str], k: int, out: list, refs: set[str],
                lists: list[list], last_item: list | None,
                read: dict[tuple, tuple]) -> tuple[int, list | None]:
    """`_read_lines`, remembered in `read` for a chunk that only adds blocks: the same chunk
    in the same list context then reads the same in the other version."""
    continues = last_item is not None and bool(out) and out[-1] is last_item
    key = (chunk, tuple(map(tuple, lists)), continues)
    known = read.get(key)
    if known is not None:
        items, lists_after, last = known
        out.extend(items)  # tuples: only a list item that a later chunk continues must change
        lists[:] = [list(level) for level in lists_after]
        if not isinstance(last, int):
            return k, None if last == "none" else last_item
        item = [*items[last][:4], list(items[last][4])]
        out[len(out) - len(items) + last] = item
        return k, item
    start, definitions, grown = len(out), len(refs), len(last_item[4]) if last_item else 0
    next_k, last_after = _read_lines(chunk, chunks, k, out, refs, lists, last_item)
    added = out[start:]
    if next_k == k and len(refs) == definitions and (not last_item or len(last_item[4]) == grown):
        last = next((i for i, item in enumerate(added) if item is last_after), None)
        if last is None:
            last = "none" if last_after is None else "same"
        read[key] = ([(*item[:4], tuple(item[4])) for item in added],
                     [tuple(level) for level in lists], last)
    return next_k, last_after


def _read_lines(chunk: str, chunks: list[str], k: int, out: list, refs: set[str],
                lists: list[list], last_item: list | None) -> tuple[int, list | None]:
    """Read the lines of `chunk`, the text from a blank line to the next, into `out`.

    A fence or a comment that is still open at its end takes the chunks after it; returns
    the index of the next chunk to read and the last list item.
    """
    lines = chunk.split("\n")
    current: list | None = None  # the block that takes a continuation line
    blank = True  # the line before was blank (a chunk follows a blank line)
    in_table = False

    def paragraph(line: str) -> tuple[list, list | None]:
        """After a blank line or a block: an indented paragraph that continues the last
        list item, or a new paragraph. Returns the open block and the last list item."""
        if (last_item is not None and lists and out and out[-1] is last_item
                and len(line) - len(line.lstrip(" ")) >= 2):
            last_item[4].append(line)
            return last_item, last_item
        lists.clear()
        block = ["p", 0, False, 1, [line]]
        out.append(block)
        return block, None

    def through(end: int, found: Callable[[str], bool]) -> int:
        """The index of the first line from `end` on where `found` is true, taking in the
        chunks after this one while there is none; len(lines) when the text ends first."""
        nonlocal k
        while True:
            while end < len(lines):
                if found(lines[end]):
                    return end
                end += 1
            if k >= len(chunks):
                return end
            lines.extend(["", *chunks[k].split("\n")])
            k += 1

    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        first = line[:1]
        if not first:
            blank, current, in_table = True, None, False
            continue
        if first not in _BLOCK_START_CHARS and not in_table and "|" not in line:
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
        indented = first == " "
        fence = _FENCE.match(line) if first in "`~" or indented else None
        if fence:
            indent, mark = len(fence.group(1)), fence.group(2)
            closing = re.compile(rf"^[ ]*{re.escape(mark[0])}{{{len(mark)},}}[ \t]*$").match
            end = through(i, closing)
            code = [x[indent:] if not x[:indent].strip() else x.lstrip() for x in lines[i:end]]
            i = end + 1  # past the closing fence; an unclosed one runs to the end
            out.append(["code", 0, False, 1, ["\n".join(code).rstrip("\n")]])
            if indent < 2:
                lists.clear()
                last_item = None
            blank, current, in_table = False, None, False
            continue
        if stripped.startswith("<!--"):
            i = through(i - 1, lambda x: "-->" in x) + 1
            blank, current = False, None
            continue
        if in_table or ("|" in stripped and current is None and (
                stripped.startswith("|") or (i < len(lines) and "|" in lines[i]
                                             and _TABLE_DELIMITER.match(lines[i])))):
            if not in_table:
                lists.clear()
                last_item = None
            in_table = "|" in stripped
            if in_table:
                if not _TABLE_DELIMITER.match(stripped):
                    row = stripped.removeprefix("|")
                    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
                    cells = _CELL_SEPARATOR.split(row) if "\\" in row else row.split("|")
                    out.append(["row", 0, False, 1, cells])
                blank, current = False, None
                continue
        if (first in "=-" or indented) and current is not None and current[0] == "p" and not blank:
            setext = _SETEXT.match(line)
            if setext:
                current[0], current[1] = "h", 1 if setext.group(1)[0] == "=" else 2
                blank, current = False, None
                continue
        if (first in "-*_" or indented) and _HR.match(line):
            out.append(["hr", 0, False, 1, []])
            lists.clear()
            blank, current, last_item = False, None, None
            continue
        heading = _ATX.match(line) if first == "#" or indented else None
        if heading:
            out.append(["h", len(heading.group(1)), False, 1, [heading.group(2) or ""]])
            lists.clear()
            blank, current, last_item = False, None, None
            continue
        item = _ITEM.match(line) if first in "-*+0123456789" or indented else None
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
            out.append(current)
            blank = False
            continue
        quote = _QUOTE.match(line) if first == ">" or indented else None
        if quote:
            content = quote.group(1)
            if not content.strip():
                current = None  # ">" alone separates two paragraphs of a quote
            elif current is not None and current[0] == "quote" and not blank:
                current[4].append(content)
            else:
                current = ["quote", 0, False, 1, [content]]
                out.append(current)
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
    return k, last_item


def _finish(kind: str, level: int, ordered: bool, number: int, parts: list[str],
            refs: set[str], odd: bool) -> _Block | None:
    if kind == "code":
        return _block("code", 0, False, parts[0])
    if kind == "hr":
        return _block("hr", 0, False, "")
    if kind == "row":
        return _block("row", 0, False, " | ".join([_plain(cell, refs, odd) for cell in parts]))
    joined = "\n".join(parts)
    if "\\\n" in joined:
        joined = joined.replace("\\\n", "\n")  # a backslash at the end of a line breaks it
    if kind == "h" and "{" in joined:
        joined = _HEADING_ATTRIBUTES.sub("", joined)
    text = _plain(joined, refs, odd)
    if not text and kind != "li":
        return None
    return _new_block((kind, level, ordered, text, number, _escape(text)))


def _block(kind: str, level: int, ordered: bool, text: str, number: int = 1) -> _Block:
    return _new_block((kind, level, ordered, text, number, _escape(text)))


_new_block: Callable[[tuple], _Block] = functools.partial(tuple.__new__, _Block)
"""`_Block` from a tuple of its fields, without the Python-level `__new__` of a named tuple,
which took a tenth of the time to read a text."""


_INLINE_CHARS = "`[<\\*_~"
"""The characters that inline Markdown starts with, but for "!", which only starts an
image before a "[": text without any of them is shown as it is (see `_INLINE`)."""
_NOT_PLAIN = _INLINE_CHARS + "&>"
"""Text without any of these, inline Markdown or what HTML escapes, shows as it is written."""
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
    if _has_any(markdown, _INLINE_CHARS):
        markdown = _INLINE.sub(lambda match: _shown(match, refs, odd), markdown)
    if odd:
        return _SPACES.sub(" ", markdown).strip(" ")
    flat = markdown.replace("\n", " ")
    if "  " in flat or flat[:1] == " " or flat[-1:] == " ":
        return " ".join(flat.split())
    return flat


def _shown(match: re.Match[str], refs: set[str], odd: bool) -> str:
    """What a reader sees of one match of `_INLINE`."""
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


# --- aligning blocks and words ---------------------------------------------------------------

_TOKEN = re.compile(r"(\s*)(\w+|[^\w\s])")
"""A word or a single punctuation mark, the units a redline marks, with the white space
before it. White space is not a unit: a change of spacing alone is not a change."""


_WORD = re.compile(r"\w+")
"""A run of word characters: a word if it has a letter or a digit (see `_word_list`)."""


def _word_list(text: str) -> list[str]:
    r"""The words of `text`, tokens with at least one letter or digit: what the counts count.

    The same as all matches of `\w*[^\W_]\w*`, a third faster: `\w+` needs no backtracking,
    and a run of "_" alone, the one run that is not a word, is rare.
    """
    words = _WORD.findall(text)
    return [word for word in words if word.strip("_")] if "_" in text else words


class _Entry(NamedTuple):
    """One block of the redline, with its inner HTML already marked up (a named tuple for
    speed, as `_Block`)."""

    status: str
    """'equal', 'changed', 'inserted' or 'deleted'."""
    block: _Block
    inner: str
    inserted: int = 0
    deleted: int = 0


def _changes(old: tuple[_Block, ...], new: tuple[_Block, ...]) -> list[list[_Block] | _Entry]:
    """The redline in reading order: runs of unchanged blocks (lists of blocks of the new
    version), and blocks that changed, were deleted or were inserted (`_Entry`s).

    The blocks are aligned by diff-match-patch (its C++ port, `_aligned`), each distinct
    block as one character, then its semantic clean-up: an unchanged block between two
    larger changes, such as the same table header in a rewritten text, does not anchor the
    alignment but joins the changes around it. (difflib's matcher, used before, made a long history's
    redlines a tenth slower, the more the further an old version is from today's.)
    """
    out: list[list[_Block] | _Entry] = []
    for at_old, at_new, changed_old, changed_new, same in _alignment(old, new):
        if changed_old or changed_new:
            old_region = old[at_old:at_old + changed_old]
            new_region = new[at_new:at_new + changed_new]
            for o, n in _pairs(old_region, new_region):
                if n is None:
                    _add(out, _whole(old_region[o], "deleted"))
                elif o is None:
                    _add(out, _whole(new_region[n], "inserted"))
                else:
                    _add(out, _compared(old_region[o], new_region[n]))
        if same:
            start = at_new + changed_new
            if out and isinstance(out[-1], list):
                out[-1].extend(new[start:start + same])
            else:
                out.append(list(new[start:start + same]))
    return out


def _alignment(old: tuple[_Block, ...],
               new: tuple[_Block, ...]) -> Iterator[tuple[int, int, int, int, int]]:
    """The block alignment in reading order, as (at_old, at_new, changed_old, changed_new,
    same): from block `at_old` of the old and `at_new` of the new version, `changed_old` and
    `changed_new` blocks the alignment did not match (either may be 0), then `same` blocks
    it matched (0 at the end)."""
    # Each distinct block (its first four fields: see `_Block`) as one character of the
    # Private Use Area, in the order of first appearance.
    ids: dict[tuple, str] = {}
    old_chars = "".join([ids.setdefault(b[:4], chr(_FIRST_ID + len(ids))) for b in old])
    new_chars = "".join([ids.setdefault(b[:4], chr(_FIRST_ID + len(ids))) for b in new])
    at_old = at_new = 0
    changed_old = changed_new = 0
    for op, size in [*_aligned(old_chars, new_chars, len(ids)), (_EQUAL, 0)]:
        if op == _DELETE:
            changed_old += size
        elif op == _INSERT:
            changed_new += size
        else:
            yield at_old, at_new, changed_old, changed_new, size
            at_old += changed_old + size
            at_new += changed_new + size
            changed_old = changed_new = 0


_FIRST_ID = 0xE000
_ID_LIMIT = 0xF8FF + 1 - _FIRST_ID
"""The Private Use Area of the basic plane: 6,400 characters that no locale counts as letters,
digits, white space or line breaks, so that the semantic clean-up scores them all alike."""


def _aligned(old_chars: str, new_chars: str, distinct: int) -> list[tuple[int, int]]:
    """The block alignment: diff-match-patch's `diff_main` without a time limit, then its
    `diff_cleanupSemantic`, as (operation, length).

    Both by the C++ port when every block is a character of the Private Use Area: its
    clean-up scores characters with the C library's classes (iswalnum, iswspace), which
    depend on the process's locale, but none of them counts those characters as letters,
    digits or white space, and Python's `str` methods agree (tests/test_redline.py). Beyond
    6,400 distinct blocks, the clean-up of the pure-Python library, on the same diff.
    """
    if distinct <= _ID_LIMIT:
        return [(_OPERATIONS[op], size) for op, size in fast_diff_match_patch.diff(
            old_chars, new_chars, timelimit=0, checklines=False, cleanup="Semantic")]
    texts = []
    at_old = at_new = 0
    for op, size in _diff(old_chars, new_chars):
        if op == _DELETE:
            texts.append((op, old_chars[at_old:at_old + size]))
            at_old += size
        else:
            texts.append((op, new_chars[at_new:at_new + size]))
            at_new += size
            at_old += size if op == _EQUAL else 0
    _DMP.diff_cleanupSemantic(texts)
    return [(op, len(text)) for op, text in texts]


@functools.lru_cache(maxsize=1024)
def _pairs(old: tuple[_Block, ...],
           new: tuple[_Block, ...]) -> tuple[tuple[int | None, int | None], ...]:
    """Which old and new blocks of a region to compare word by word, in reading order;
    (i, None) is a deleted block and (None, j) an inserted one. Remembered: compared with
    the current version, most regions of one version are those of the version before."""
    return tuple(_pairing(old, new))


def _pairing(old: tuple[_Block, ...],
             new: tuple[_Block, ...]) -> list[tuple[int | None, int | None]]:
    if not old or not new:
        return [(i, None) for i in range(len(old))] + [(None, j) for j in range(len(new))]
    if len(old) == len(new) == 1:  # the common case, one block edited: as below, sooner
        return [(0, 0)] if _similar(old[0], new[0]) else [(0, None), (None, 0)]
    old_words = [_words(b.text) for b in old]
    new_words = [_words(b.text) for b in new]

    def similarity(i: int, j: int) -> float:
        if old[i].shape != new[j].shape:
            return 0.0
        return _similarity(old_words[i], new_words[j])

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
    # A long region: the blocks of the same shapes in the same order (the longest common
    # sequence of shapes, by diff-match-patch with each shape as a character) are paired
    # when they are similar enough.
    chars: dict[tuple, str] = {}
    old_shapes = "".join([chars.setdefault(b.shape, chr(len(chars) + 1)) for b in old])
    new_shapes = "".join([chars.setdefault(b.shape, chr(len(chars) + 1)) for b in new])
    i = j = 0
    for op, size in _diff(old_shapes, new_shapes):
        if op == _DELETE:
            unpaired(i, i + size, j, j)
            i += size
        elif op == _INSERT:
            unpaired(i, i, j, j + size)
            j += size
        else:
            for k in range(size):
                if similarity(i + k, j + k) >= PAIR_SIMILARITY:
                    out.append((i + k, j + k))
                else:
                    unpaired(i + k, i + k + 1, j + k, j + k + 1)
            i += size
            j += size
    return out


def _similar(old: _Block, new: _Block) -> bool:
    """Whether an old and a new block, the only ones of their region, are compared word by
    word. Sharing half its text at its start and end, a block shares half its words: that
    settles most edited blocks without counting their words."""
    if old.shape != new.shape:
        return False
    a, b = old.text, new.text
    shared = _DMP.diff_commonPrefix(a, b)
    shared += _DMP.diff_commonSuffix(a[shared:], b[shared:])
    if 2 * shared >= max(len(a), len(b)):
        return True
    return _similarity(_words(a), _words(b)) >= PAIR_SIMILARITY


def _similarity(old_words: frozenset[str], new_words: frozenset[str]) -> float:
    """The share of distinct words two blocks have in common (Dice coefficient)."""
    total = len(old_words) + len(new_words)
    return 2 * len(old_words & new_words) / total if total else 0.0


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    """The distinct words of a block's text, which `_pairs` compares."""
    return frozenset(_word_list(text))


@functools.lru_cache(maxsize=4096)
def _word_count(text: str) -> int:
    """The words of a wholly inserted or deleted block, which the counts count."""
    return len(_word_list(text))


def _whole(block: _Block, status: str) -> _Entry:
    tag = "ins" if status == "inserted" else "del"
    count = _word_count(block.text)
    inner = f"<{tag}>{block.html}</{tag}>" if block.text.strip() else ""
    return _Entry(status, block, inner, inserted=count if tag == "ins" else 0,
                  deleted=count if tag == "del" else 0)


def _compared(old: _Block, new: _Block) -> _Entry:
    """A paired block with its words compared; 'equal' when only white space differs."""
    status, inner, inserted, deleted = _marked(old.text, new.text)
    return _Entry(status, new, inner, inserted, deleted)


@functools.lru_cache(maxsize=1024)
def _marked(old: str, new: str) -> tuple[str, str, int, int]:
    """The status, inner HTML and counts of inserted and deleted words of a paired block.

    Each run of deleted or inserted tokens becomes one `<del>` or `<ins>`, with the white
    space before it outside: "a <del>b</del><ins>c</ins> d", never "<ins> c</ins>".
    Remembered: a build compares every version with the current one, and the blocks that
    the next version did not touch are the same pairs again.
    """
    parts = []
    inserted = deleted = 0
    spaced = False  # a deletion just before has put the white space in front of it
    diffs = _word_diff(old, new)
    for op, run in diffs:
        if op == _EQUAL:
            parts.append(_escape(run))
            spaced = False
            continue
        words = sum(map(_is_word, run))
        if op == _DELETE:
            tag, deleted = "del", deleted + words
        else:
            tag, inserted = "ins", inserted + words
        if not spaced:
            parts.append(_escape(run[0][0]))
        spaced = op == _DELETE and bool(run[0][0])
        text = run[0][1] + "".join([space + token for space, token in run[1:]])
        parts.append(f"<{tag}>{_escape(text)}</{tag}>")
    marked = any(op != _EQUAL for op, _ in diffs)
    return "changed" if marked else "equal", "".join(parts), inserted, deleted


def _is_word(token: tuple[str, str]) -> bool:
    """A token with a letter or a digit (a word token is all letters, digits and '_')."""
    text = token[1]
    return text[0].isalnum() or (text[0] == "_" and bool(text.strip("_")))


_DMP = diff_match_patch()
"""For its helpers that have no settings (common prefix and suffix)."""
_EQUAL, _DELETE, _INSERT = diff_match_patch.DIFF_EQUAL, diff_match_patch.DIFF_DELETE, (
    diff_match_patch.DIFF_INSERT)
_OPERATIONS = {"=": _EQUAL, "-": _DELETE, "+": _INSERT}
_SENTENCE = re.compile(r"(\s*)([^\n][^\n.!?;:]*(?:[.!?;:](?!\s)[^\n.!?;:]*)*"
                       r"(?:[.!?;:](?=\s)|(?=\n)|$))")
r"""A sentence (in code, a line), with the white space before it: it ends at a full stop,
question mark, colon or semicolon before a space, or at a line break. The same matches as
the shorter `(\s*)([^\n]+?(?:[.!?;:](?=\s)|(?=\n)|$))`, written out ("unrolled") so that
the regular expression engine runs over the words between two marks in one step instead of
trying the end of a sentence after every character: four times faster."""

Units = list[tuple[str, str]]
"""Sentences or tokens, each as (white space before it, the unit itself)."""


def _word_diff(old: str, new: str) -> list[tuple[int, str | Units]]:
    """The changes from `old` to `new`, word by word: (EQUAL, text as it is in `new`),
    (DELETE, tokens of `old`) and (INSERT, tokens of `new`).

    diff-match-patch (its C++ port, see `_diff`) runs at two levels with the trick of its
    `diff_linesToChars`. First the units are sentences, which finds those left as they were,
    cheaply; then, in each stretch of changed sentences, the units are tokens. A sentence
    moved within a paragraph is thus deleted and inserted whole, as a moved paragraph is.
    There is no semantic clean-up: a word both sides share stays unmarked, as in a word
    processor's comparison, and the counts stay exact.
    """
    out: list[tuple[int, str | Units]] = []
    changed_old: Units = []
    changed_new: Units = []
    # The text both share at the start and at the end, cut at a space so that no word is
    # split, is set aside first: then a one-word change in a long paragraph costs one word.
    head = old.rfind(" ", 0, _DMP.diff_commonPrefix(old, new)) + 1
    tail = _DMP.diff_commonSuffix(old[head:], new[head:])
    cut = old.find(" ", len(old) - tail) if tail else -1
    tail = len(old) - cut if cut >= 0 else 0
    if head:
        out.append((_EQUAL, old[:head]))

    def emit(op: int, old_run: Units, new_run: Units) -> None:
        if op != _EQUAL:
            out.append((op, old_run or new_run))
            return
        space = new_run[0][0]
        if not space and out and out[-1][0] != _EQUAL:
            space = old_run[0][0]  # keep "<del>x.</del> Y" apart when "Y" now starts the text
        out.append((_EQUAL, space + new_run[0][1] + "".join([s + u for s, u in new_run[1:]])))

    def flush() -> None:
        if changed_old or changed_new:
            old_tokens = _TOKEN.findall("".join([s + u for s, u in changed_old]))
            new_tokens = _TOKEN.findall("".join([s + u for s, u in changed_new]))
            if len(old_tokens) + len(new_tokens) <= WORD_DIFF_LIMIT:
                for run in _runs(old_tokens, new_tokens):
                    emit(*run)
            else:  # a rewritten wall of text: deleted and inserted whole, in bounded time
                for op, run in ((_DELETE, old_tokens), (_INSERT, new_tokens)):
                    if run:
                        emit(op, run, run)
            changed_old.clear()
            changed_new.clear()

    for op, old_run, new_run in _runs(_SENTENCE.findall(old, head, len(old) - tail),
                                      _SENTENCE.findall(new, head, len(new) - tail)):
        if op == _EQUAL:
            flush()
            emit(op, old_run, new_run)
        else:
            changed_old.extend(old_run)
            changed_new.extend(new_run)
    flush()
    if tail:
        out.append((_EQUAL, old[len(old) - tail:]))
    return out


def _diff(old: str, new: str) -> list[tuple[int, int]]:
    """diff-match-patch's `diff_main(old, new, False)` with `Diff_Timeout = 0`, as (operation,
    length of its text): the same algorithm, run by its C++ port, without a time limit (the
    same answer on every machine) and without a clean-up."""
    return [(_OPERATIONS[op], size) for op, size in fast_diff_match_patch.diff(
        old, new, timelimit=0, checklines=False, cleanup="No")]


def _runs(old: Units, new: Units) -> Iterator[tuple[int, Units, Units]]:
    """The diff of two lists of units, each distinct unit as one character (0 unused, as in
    `diff_linesToChars`), as (operation, run of old units, run of new units)."""
    char: dict[str, str] = {}
    old_chars = "".join([char.setdefault(u, chr(len(char) + 1)) for _, u in old])
    new_chars = "".join([char.setdefault(u, chr(len(char) + 1)) for _, u in new])
    at_old = at_new = 0
    for op, size in _diff(old_chars, new_chars):
        old_run = old[at_old:at_old + size] if op != _INSERT else []
        new_run = new[at_new:at_new + size] if op != _DELETE else []
        at_old += len(old_run)
        at_new += len(new_run)
        yield op, old_run, new_run


# --- folding and HTML ------------------------------------------------------------------------

def _folds(changes: Sequence[list[_Block] | _Entry],
           context: int) -> Iterator[tuple[bool, list[_Block | _Entry]]]:
    """The redline in runs, each either shown or folded.

    A run of unchanged blocks longer than 2 × context + 1 keeps `context` blocks after the
    change before it and before the change after it; at the start or end of the text only
    the side next to a change is kept. A text without a change is folded whole.
    """
    for index, change in enumerate(changes):
        if not isinstance(change, list):
            yield False, [change]
            continue
        after_change, before_change = index > 0, index < len(changes) - 1
        if not after_change and not before_change:
            yield True, list(change)
        elif len(change) <= 2 * context + 1:
            yield False, list(change)
        else:
            head = context if after_change else 0
            tail = context if before_change else 0
            yield False, change[:head]
            yield True, change[head:len(change) - tail]
            yield False, change[len(change) - tail:]


_CLASSES = {"equal": "", "changed": "redline-changed", "inserted": "redline-inserted",
            "deleted": "redline-deleted"}


def _render(items: Sequence[_Block | _Entry]) -> list[str]:
    """One line per block; consecutive list items share one list, nested by their depth.
    A `_Block` is an unchanged block."""
    lines: list[str] = []
    lists: list[str] = []  # the tags of the open lists, outermost first; each has an open <li>

    def close_list() -> None:
        lines[-1] += f"</li></{lists.pop()}>"

    for item in items:
        if isinstance(item, _Block):
            block, inner, css = item, item.html, ""
        else:
            block, inner, css = item.block, item.inner, _CLASSES[item.status]
        if block.kind != "li":
            while lists:
                close_list()
            lines.append(_render_block(block, inner, css))
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
        attribute = f' class="{css}"' if css else ""
        lines.append(f"{opening}<li{attribute}>{inner}")
    while lists:
        close_list()
    return lines


def _render_block(block: _Block, inner: str, css: str) -> str:
    """One block other than a list item, as one line of HTML."""
    kind = block.kind
    attribute = f' class="{css}"' if css else ""
    if kind == "p":  # the most common first
        return f"<p{attribute}>{inner}</p>"
    if kind == "h":
        return f"<h{block.level}{attribute}>{inner}</h{block.level}>"
    if kind == "quote":
        return f"<blockquote{attribute}><p>{inner}</p></blockquote>"
    if kind == "row":  # a table row: its cells as text, " | " between them
        return f'<p class="{" ".join(filter(None, ("redline-row", css)))}">{inner}</p>'
    if kind == "code":
        classes = " ".join(filter(None, ("redline-code", css)))
        return f'<pre class="{classes}"><code>{inner}</code></pre>'
    if kind == "hr":
        return f"<hr{attribute}>"
    raise AssertionError(f"a block of unknown kind {kind!r}")


def _escape(text: str) -> str:
    """HTML-escaped, with line breaks (only code has them) as `&#10;`: no line can be blank."""
    if "&" in text or "<" in text or ">" in text or "\n" in text:
        return html.escape(text, quote=False).replace("\n", "&#10;")
    return text
