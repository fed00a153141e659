"""Unit tests of `policy_site.redline`: Markdown bodies in, the exact HTML and counts out.

No timing here: benchmarks/redline_bench.py measures speed, a CI machine's clock is not ours.
"""

from __future__ import annotations

import markdown
import pytest

from policy_site.errors import PolicySiteError
from policy_site.redline import Labels, Redline, redline


def html(*lines: str) -> str:
    """The fragment for these lines: one block per line inside the redline's div."""
    return "\n".join(['<div class="redline">', *lines, "</div>"])


def counts(result: Redline) -> tuple[int, int, int]:
    return result.inserted_words, result.deleted_words, result.changed_blocks


# --- the cases the site relies on ------------------------------------------------------------

def test_identical_texts_are_unchanged_and_folded_whole():
    text = "# Privacy\n\nWe keep your data safe.\n\nWe never sell it.\n"
    result = redline(text, text)
    assert result.unchanged
    assert counts(result) == (0, 0, 0)
    assert result.html == html(
        '<details class="redline-fold"><summary>3 unchanged paragraphs</summary>',
        "<h1>Privacy</h1>",
        "<p>We keep your data safe.</p>",
        "<p>We never sell it.</p>",
        "</details>",
    )


def test_one_changed_word_is_the_only_thing_marked():
    old = "We keep your data for thirty days.\n\nWe never sell it.\n"
    new = "We keep your data for sixty days.\n\nWe never sell it.\n"
    result = redline(old, new)
    assert result.html == html(
        '<p class="redline-changed">We keep your data for <del>thirty</del><ins>sixty</ins> '
        "days.</p>",
        "<p>We never sell it.</p>",
    )
    assert counts(result) == (1, 1, 1)
    assert not result.unchanged


def test_a_changed_heading_stays_a_heading_of_its_level():
    result = redline("## Changes to this document\n\nText.\n",
                     "## Changes to this policy\n\nText.\n")
    assert result.html == html(
        '<h2 class="redline-changed">Changes to this <del>document</del><ins>policy</ins></h2>',
        "<p>Text.</p>",
    )
    assert counts(result) == (1, 1, 1)


def test_a_heading_that_changes_level_is_deleted_and_inserted():
    result = redline("## Contact\n", "### Contact\n")
    assert result.html == html(
        '<h2 class="redline-deleted"><del>Contact</del></h2>',
        '<h3 class="redline-inserted"><ins>Contact</ins></h3>',
    )
    assert counts(result) == (1, 1, 2)


def test_an_added_list_item_is_inserted_inside_the_same_list():
    old = "For further information, see:\n\n- Server report\n- Crash report\n"
    new = "For further information, see:\n\n- Server report\n- Cookie report\n- Crash report\n"
    result = redline(old, new)
    assert result.html == html(
        "<p>For further information, see:</p>",
        "<ul><li>Server report</li>",
        '<li class="redline-inserted"><ins>Cookie report</ins></li>',
        "<li>Crash report</li></ul>",
    )
    assert counts(result) == (2, 0, 1)


def test_a_deleted_paragraph_is_deleted_whole():
    old = "First.\n\nAxis may share data with partners.\n\nLast.\n"
    new = "First.\n\nLast.\n"
    result = redline(old, new)
    assert result.html == html(
        "<p>First.</p>",
        '<p class="redline-deleted"><del>Axis may share data with partners.</del></p>',
        "<p>Last.</p>",
    )
    assert counts(result) == (0, 6, 1)


def test_a_moved_paragraph_is_deleted_once_and_inserted_once():
    paragraphs = ["Alpha one.", "Bravo two words here.", "Charlie three.", "Delta four.",
                  "Echo five.", "Foxtrot six."]
    moved = [paragraphs[i] for i in (0, 2, 3, 4, 1, 5)]
    result = redline("\n\n".join(paragraphs), "\n\n".join(moved))
    assert result.html == html(
        "<p>Alpha one.</p>",
        '<p class="redline-deleted"><del>Bravo two words here.</del></p>',
        "<p>Charlie three.</p>",
        "<p>Delta four.</p>",
        "<p>Echo five.</p>",
        '<p class="redline-inserted"><ins>Bravo two words here.</ins></p>',
        "<p>Foxtrot six.</p>",
    )
    assert counts(result) == (4, 4, 2)


def test_a_paragraph_moved_far_marks_exactly_its_own_words():
    paragraphs = [f"Paragraph {n} of the policy says something about topic {n}."
                  for n in range(40)]
    moved = paragraphs[:3] + paragraphs[4:30] + [paragraphs[3]] + paragraphs[30:]
    result = redline("\n\n".join(paragraphs), "\n\n".join(moved))
    assert counts(result) == (10, 10, 2)
    assert result.html.count("<del>") == result.html.count("<ins>") == 1
    assert f"<del>{paragraphs[3]}</del>" in result.html
    assert f"<ins>{paragraphs[3]}</ins>" in result.html


def test_far_unchanged_paragraphs_are_folded_and_the_neighbours_kept():
    old = "\n\n".join(f"Paragraph {n}." for n in range(1, 10))
    new = old.replace("Paragraph 5.", "Paragraph five.")
    result = redline(old, new, context=1)
    assert result.html == html(
        '<details class="redline-fold"><summary>3 unchanged paragraphs</summary>',
        "<p>Paragraph 1.</p>",
        "<p>Paragraph 2.</p>",
        "<p>Paragraph 3.</p>",
        "</details>",
        "<p>Paragraph 4.</p>",
        '<p class="redline-changed">Paragraph <del>5</del><ins>five</ins>.</p>',
        "<p>Paragraph 6.</p>",
        '<details class="redline-fold"><summary>3 unchanged paragraphs</summary>',
        "<p>Paragraph 7.</p>",
        "<p>Paragraph 8.</p>",
        "<p>Paragraph 9.</p>",
        "</details>",
    )


def test_a_run_no_longer_than_twice_the_context_plus_one_stays_open():
    old = "\n\n".join(f"Paragraph {n}." for n in range(1, 8))
    new = old.replace("Paragraph 1.", "Paragraph one.").replace("Paragraph 7.", "Paragraph 7!")
    inner = redline(old, new, context=2).html
    assert "<details" not in inner  # 5 unchanged between two changes: 2 + 1 + 2
    assert "<summary>3 unchanged paragraphs</summary>" in redline(old, new, context=1).html


def test_html_special_characters_are_escaped():
    old = "Fish & chips cost 5 < 6 and 7 > 3 \"euros\".\n"
    new = "Fish & chips cost 5 < 6 and 8 > 3 \"euros\".\n"
    result = redline(old, new, labels=Labels(folded="{n} <unchanged>"))
    assert result.html == html(
        '<p class="redline-changed">Fish &amp; chips cost 5 &lt; 6 and <del>7</del><ins>8</ins> '
        '&gt; 3 "euros".</p>',
    )
    code = redline("```\n<script>alert(1)</script>\n```\n", "")
    assert code.html == html(
        '<pre class="redline-code redline-deleted"><code><del>&lt;script&gt;alert(1)'
        "&lt;/script&gt;</del></code></pre>",
    )
    folded = redline("A.\n\nB.\n", "A.\n\nB.\n", labels=Labels(folded="{n} <unchanged>"))
    assert "<summary>2 &lt;unchanged&gt;</summary>" in folded.html


def test_the_fragment_has_no_blank_line_even_around_code_with_blank_lines():
    old = "Intro.\n\n```\nfirst line\n\n\nlast line\n```\n\n- a\n\n- b\n"
    new = "Intro.\n\n```\nfirst line\n\n\nnew last line\n```\n\n- a\n\n- b\n\n- c\n"
    result = redline(old, new)
    assert "\n\n" not in result.html
    assert result.html == html(
        "<p>Intro.</p>",
        '<pre class="redline-code redline-changed"><code>first line&#10;&#10;&#10;'
        "<ins>new</ins> last line</code></pre>",
        "<ul><li>a</li>",
        "<li>b</li>",
        '<li class="redline-inserted"><ins>c</ins></li></ul>',
    )


def test_the_fragment_passes_through_markdown_unchanged():
    """The reason for 'no blank line': the page embeds it as one raw HTML block."""
    result = redline("Intro.\n\n```\na\n\nb\n```\n", "Intro, changed.\n\n```\na\n\nc\n```\n")
    page = markdown.markdown(f"# Changes\n\n{result.html}\n\nAfter.\n",
                             extensions=["attr_list", "md_in_html", "tables", "toc", "admonition"])
    assert result.html in page


def test_non_ascii_words_are_single_words():
    result = redline("Die Größe der Straße ist maßgeblich.\n",
                     "Die Größe der Gasse ist maßgeblich.\n")
    assert result.html == html(
        '<p class="redline-changed">Die Größe der <del>Straße</del><ins>Gasse</ins> ist '
        "maßgeblich.</p>",
    )
    assert counts(result) == (1, 1, 1)


def test_decomposed_umlauts_compare_equal_to_composed_ones():
    decomposed = "Die Gro\u0308ße der Da\u0308cher.\n"  # "ö" and "ä" typed as letter + ¨
    assert redline(decomposed, "Die Größe der Dächer.\n").unchanged


def test_rewrapping_a_paragraph_changes_nothing():
    old = ("Axis Communications is committed to protecting your data. This document\n"
           "describes what information needs to be collected.\n\n- a list item that\n  wraps\n")
    new = ("Axis Communications is committed to protecting\nyour data.  This document "
           "describes what\ninformation needs to be collected.\n\n- a list item\n  that wraps\n")
    result = redline(old, new)
    assert result.unchanged
    assert counts(result) == (0, 0, 0)


# --- what the words are ----------------------------------------------------------------------

def test_inline_markdown_is_shown_as_plain_text():
    old = "Read the **[privacy notice](notice.md)** and `settings`, *now*.\n"
    new = "Read the **[privacy notice](other.md)** and `settings`, *today*.\n"
    result = redline(old, new)
    assert result.html == html(
        '<p class="redline-changed">Read the privacy notice and settings, '
        "<del>now</del><ins>today</ins>.</p>",
    )


def test_a_changed_link_target_alone_is_no_change():
    assert redline("See [contact](contact.md).\n", "See [contact](kontakt.md).\n").unchanged


def test_adjacent_inserted_words_share_one_ins_with_their_spaces():
    result = redline("We store data.\n", "We store your personal data.\n")
    assert result.html == html(
        '<p class="redline-changed">We store <ins>your personal</ins> data.</p>',
    )
    assert counts(result) == (2, 0, 1)


def test_a_changed_sentence_leaves_the_other_sentences_unmarked():
    old = "We collect logs. We keep them for a year. We delete them after."
    new = "We collect logs. We keep them for a month. We delete them after."
    result = redline(old, new)
    assert result.html == html(
        '<p class="redline-changed">We collect logs. We keep them for a '
        "<del>year</del><ins>month</ins>. We delete them after.</p>",
    )


def test_punctuation_is_marked_but_not_counted_as_a_word():
    result = redline("Data, logs and reports.\n", "Data; logs and reports.\n")
    assert result.html == html('<p class="redline-changed">Data<del>,</del><ins>;</ins> logs and '
                               "reports.</p>")
    assert counts(result) == (0, 0, 1)


def test_a_rewritten_paragraph_is_deleted_and_inserted_rather_than_interleaved():
    result = redline("Servers log every request.\n", "Cookies are never used here.\n")
    assert result.html == html(
        '<p class="redline-deleted"><del>Servers log every request.</del></p>',
        '<p class="redline-inserted"><ins>Cookies are never used here.</ins></p>',
    )
    assert counts(result) == (5, 4, 2)


# --- structure --------------------------------------------------------------------------------

def test_table_rows_are_blocks_of_their_own():
    old = "| Data | Kept |\n|---|---|\n| Logs | 30 days |\n| Mails | 1 year |\n"
    new = "| Data | Kept |\n|---|---|\n| Logs | 60 days |\n| Mails | 1 year |\n"
    result = redline(old, new)
    assert result.html == html(
        '<p class="redline-row">Data | Kept</p>',
        '<p class="redline-row redline-changed">Logs | <del>30</del><ins>60</ins> days</p>',
        '<p class="redline-row">Mails | 1 year</p>',
    )


def test_ordered_and_nested_lists_keep_their_shape():
    old = "1. First\n2. Second\n    - nested\n3. Third\n"
    new = "1. First\n2. Second\n    - nested, changed\n3. Third\n"
    result = redline(old, new, context=0)
    assert result.html == html(
        '<details class="redline-fold"><summary>2 unchanged paragraphs</summary>',
        "<ol><li>First</li>",
        "<li>Second</li></ol>",
        "</details>",
        '<ul><li class="redline-changed">nested<ins>, changed</ins></li></ul>',
        '<ol start="3"><li>Third</li></ol>',
    )
    shown = redline(old, new).html
    assert shown == html(
        "<ol><li>First</li>",
        "<li>Second",
        '<ul><li class="redline-changed">nested<ins>, changed</ins></li></ul></li>',
        "<li>Third</li></ol>",
    )


def test_quotes_and_setext_headings():
    old = "Title\n=====\n\n> Quoted text.\n"
    new = "Title\n=====\n\n> Quoted text, amended.\n"
    assert redline(old, new).html == html(
        "<h1>Title</h1>",
        '<blockquote class="redline-changed"><p>Quoted text<ins>, amended</ins>.</p></blockquote>',
    )


def test_invisible_markdown_is_skipped():
    old = "Text [here][1].\n\n[1]: https://example.com\n\n<!-- a note\n\nfor editors -->\n"
    new = "Text [here][1].\n\n[1]: https://example.org\n"
    assert redline(old, new).unchanged


def test_empty_texts():
    assert redline("", "").html == '<div class="redline"></div>'
    result = redline("", "# New\n\nHello.\n")
    assert result.html == html(
        '<h1 class="redline-inserted"><ins>New</ins></h1>',
        '<p class="redline-inserted"><ins>Hello.</ins></p>',
    )
    assert counts(result) == (2, 0, 2)


def test_labels_in_the_readers_language():
    german = Labels(folded="{n} unveränderte Absätze", folded_one="1 unveränderter Absatz")
    one = redline("A.\n", "A.\n", labels=german)
    assert "<summary>1 unveränderter Absatz</summary>" in one.html
    assert "<summary>2 unveränderte Absätze</summary>" in redline(
        "A.\n\nB.\n", "A.\n\nB.\n", labels=german).html


# --- errors that say what to do ---------------------------------------------------------------

def test_a_label_without_a_usable_format_field_says_how_to_write_it():
    with pytest.raises(PolicySiteError) as error:
        Labels(folded="{count} unchanged paragraphs")
    assert str(error.value) == (
        "the redline label folded='{count} unchanged paragraphs' is not a format string with "
        "'{n}' as its only field. Fix: write it like '{n} unchanged paragraphs'; to show a "
        "brace, double it.")


def test_a_negative_context_says_what_to_pass():
    with pytest.raises(PolicySiteError) as error:
        redline("a", "b", context=-1)
    assert str(error.value) == ("the redline context must be a whole number >= 0, not -1. "
                                "Fix: pass context=1 (one unchanged block around each change).")


def test_the_fast_word_diff_gives_the_answers_of_the_pure_python_library():
    """The word diff runs diff-match-patch's C++ port; on token strings encoded as `_runs`
    encodes them it must answer exactly as the pure-Python `diff_main(a, b, False)` with no
    time limit, so that the port cannot change a redline."""
    import random

    from diff_match_patch import diff_match_patch

    from policy_site.redline import _diff

    reference = diff_match_patch()
    reference.Diff_Timeout = 0
    rng = random.Random(2017)
    vocabulary = ["we", "the", "data", "Daten", "für", "Übermittlung", "naïve", "こんにちは",
                  "𝔡𝔞𝔱𝔞", "😀", ".", ",", "(", ")", "_", "30", "days", "Tage"]
    vocabulary += [f"w{n}" for n in range(60)]

    def words(n: int) -> list[str]:
        return [rng.choice(vocabulary) for _ in range(n)]

    def edited(a: list[str]) -> list[str]:
        b = list(a)
        for _ in range(rng.randint(1, 12)):
            at = rng.randint(0, len(b))
            b[at:at + rng.randint(0, 4)] = words(rng.randint(0, 4))
        return b

    def moved(a: list[str]) -> list[str]:
        if len(a) < 2:
            return a[::-1]
        i, j = sorted(rng.sample(range(len(a) + 1), 2))
        run, rest = a[i:j], a[:i] + a[j:]
        at = rng.randint(0, len(rest))
        return rest[:at] + run + rest[at:]

    pairs: list[tuple[list[str], list[str]]] = [([], []), ([], ["we"]), (["we"], [])]
    for _ in range(60):
        a = words(rng.randint(0, 120))
        pairs += [(a, []), ([], a), (a, list(a)), (a, [f"x{n}" for n in range(len(a))]),
                  (a, edited(a)), (a, moved(a)), (a, moved(edited(a))), (a, words(len(a)))]

    def encoded(a: list[str], b: list[str]) -> tuple[str, str]:
        char: dict[str, str] = {}
        for unit in a + b:
            char.setdefault(unit, chr(len(char) + 1))
        return "".join(char[u] for u in a), "".join(char[u] for u in b)

    texts = [encoded(a, b) for a, b in pairs]
    # And as text, code points outside the BMP included: lengths count code points alike.
    texts += [(" ".join(a), " ".join(b)) for a, b in pairs[::8]]
    for a, b in texts:
        assert _diff(a, b) == [(op, len(text)) for op, text in reference.diff_main(a, b, False)]


def test_the_block_alignment_gives_the_answers_of_the_pure_python_library():
    """The blocks are aligned and cleaned up by the C++ port, on characters of the Private
    Use Area: in every locale it must answer as the pure-Python `diff_main(a, b, False)` and
    `diff_cleanupSemantic`, which are what the alignment stands for (and what it falls back
    to beyond 6,400 distinct blocks)."""
    import locale
    import random

    from diff_match_patch import diff_match_patch

    from policy_site.redline import _FIRST_ID, _ID_LIMIT, _aligned

    reference = diff_match_patch()
    reference.Diff_Timeout = 0
    rng = random.Random(2017)

    def expected(a: str, b: str) -> list[tuple[int, int]]:
        diffs = reference.diff_main(a, b, False)
        reference.diff_cleanupSemantic(diffs)
        return [(op, len(text)) for op, text in diffs]

    cases = []
    for _ in range(300):
        a = [rng.randrange(40) for _ in range(rng.randint(0, 60))]
        b = list(a)
        for _ in range(rng.randint(0, 30)):  # edits, from a few to a rewrite
            at = rng.randint(0, len(b))
            b[at:at + rng.randint(0, 5)] = [rng.randrange(80) for _ in range(rng.randint(0, 5))]
        if len(b) > 3 and rng.random() < 0.3:  # a moved run
            i, j = sorted(rng.sample(range(len(b)), 2))
            run, b = b[i:j], b[:i] + b[j:]
            b[rng.randint(0, len(b)):0] = run
        ids: dict[int, str] = {}
        encode = lambda seq: "".join(ids.setdefault(x, chr(_FIRST_ID + len(ids))) for x in seq)
        cases.append((encode(a), encode(b), len(ids)))
    ids_used = map(chr, range(_FIRST_ID, _FIRST_ID + _ID_LIMIT))
    assert not any(c.isalnum() or c.isspace() for c in ids_used)
    before = locale.setlocale(locale.LC_CTYPE)
    try:
        for name in ("C", "C.UTF-8"):
            locale.setlocale(locale.LC_CTYPE, name)
            for a, b, distinct in cases:
                assert _aligned(a, b, distinct) == expected(a, b)
                assert _aligned(a, b, _ID_LIMIT + 1) == expected(a, b)  # the fallback
    finally:
        locale.setlocale(locale.LC_CTYPE, before)


def test_the_result_does_not_depend_on_the_machine():
    """Diff_Timeout is 0: the same input gives the same output, however long it takes."""
    old = " ".join(f"word{n % 37}" for n in range(3000)) + "."
    new = " ".join(f"word{n % 41}" for n in range(3000)) + "."
    assert redline(old, new) == redline(old, new)


# --- the fast paths answer as the rules they stand for ----------------------------------------

def test_text_in_latin_1_is_nfc_as_the_quick_check_assumes():
    """`_is_nfc` takes a text it can encode in Latin-1 to be NFC without looking at it: no
    character of Latin-1 decomposes, and no two of them combine."""
    import unicodedata

    latin_1 = [chr(code) for code in range(256)]
    assert all(unicodedata.is_normalized("NFC", a + b) for a in latin_1 for b in latin_1)
    # Other text is still looked at: test_decomposed_umlauts_compare_equal_to_composed_ones.


def test_the_written_out_sentence_pattern_matches_as_the_short_one():
    """`_SENTENCE` is the lazy pattern in its docstring written out for speed: on any text,
    and from any start to any end, it must find the same sentences."""
    import random
    import re

    from policy_site.redline import _SENTENCE

    lazy = re.compile(r"(\s*)([^\n]+?(?:[.!?;:](?=\s)|(?=\n)|$))")
    rng = random.Random(2017)
    alphabet = "ab .!?;:\n\t\u00a0\u2028\x85"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        assert _SENTENCE.findall(text, start, end) == lazy.findall(text, start, end), text
        assert _SENTENCE.findall(text) == lazy.findall(text), text


def test_words_are_the_runs_of_word_characters_with_a_letter_or_digit():
    r"""`_word_list` stands for all matches of `\w*[^\W_]\w*`."""
    import random
    import re

    from policy_site.redline import _word_list

    pattern = re.compile(r"\w*[^\W_]\w*")
    rng = random.Random(2017)
    alphabet = "a_1 .-\u00e4\u0301\u0660_\n"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert _word_list(text) == pattern.findall(text), text


# --- what is remembered between redlines -------------------------------------------------------

def test_what_is_remembered_between_redlines_never_changes_an_answer():
    """A build compares each version with the one before it and with the current one; the
    texts, blocks and pairs it has seen are remembered. Each answer must be the one a
    redline gives that has seen nothing before, whatever came before it."""
    from policy_site.redline import _clear_caches

    base = [
        "# Policy", "We keep your data for thirty days.", "See [the notice] for more.",
        "- Server logs\n- Crash reports\n    - nested item", "1. First\n2. Second",
        "| Data | Kept |\n|---|---|\n| Logs | 30 days |", "```\ncode line\n```",
        "> Quoted text.", "Text with a no-break\u00a0space.", "Not applicable.",
    ]
    versions = [base]
    for n, (index, text) in enumerate([
        (1, "We keep your data for sixty days."),
        (2, "See [the notice] for more.\n\n[the notice]: notice.md"),  # the label is a link now
        (3, "- Server logs\n- Cookie reports\n- Crash reports\n    - nested item"),
        (8, "Text with a no-break\u00a0space, amended."),
        (1, "We keep your personal data for sixty days, then delete it."),
        (9, "Not applicable. Not applicable."),
    ]):
        version = list(versions[-1])
        version[index] = text
        if n % 2:
            version.append(base[9])  # a block that occurs often
        versions.append(version)
    bodies = ["\n\n".join(v) + "\n" for v in versions]
    calls = [(old, new) for old, new in zip(bodies, bodies[1:])]
    calls += [(old, bodies[-1]) for old in bodies[:-1]]
    calls += [(new, old) for old, new in calls]  # and back, so that every text is old and new
    remembered = [redline(old, new) for old, new in calls]
    for (old, new), result in zip(calls, remembered, strict=True):
        _clear_caches()
        assert redline(old, new) == result
    # The label became a link in the second version: its brackets are gone, the rest stays.
    assert redline(bodies[1], bodies[2]).html == html(
        "<h1>Policy</h1>",
        "<p>We keep your data for sixty days.</p>",
        '<p class="redline-changed">See <del>[</del>the notice<del>]</del> for more.</p>',
        "<ul><li>Server logs</li></ul>",
        '<details class="redline-fold"><summary>9 unchanged paragraphs</summary>',
        "<ul><li>Crash reports",
        "<ul><li>nested item</li></ul></li></ul>",
        "<ol><li>First</li>",
        "<li>Second</li></ol>",
        '<p class="redline-row">Data | Kept</p>',
        '<p class="redline-row">Logs | 30 days</p>',
        '<pre class="redline-code"><code>code line</code></pre>',
        "<blockquote><p>Quoted text.</p></blockquote>",
        "<p>Text with a no-break\u00a0space.</p>",
        "</details>",
        "<p>Not applicable.</p>",
        '<p class="redline-inserted"><ins>Not applicable.</ins></p>',
    )


def test_a_list_read_before_still_takes_the_indented_paragraph_after_it():
    """A list read in an earlier version is taken from memory; its last item must still take
    the indented paragraph that follows it. A heading with a link label is read as it is in
    its own text, where a definition may make the label a link."""
    from policy_site.redline import _clear_caches

    old = "# Terms\n\n- Alpha\n- Beta\n\n  Beta goes on.\n\nAfter."
    new = ("# Terms\n\n- Alpha\n- Beta\n\n  Beta goes on, amended.\n\n## [Terms] again\n\n"
           "After.\n\n[terms]: terms.md")
    calls = [(old, new), (new, old), (old, old), (new, new)]
    remembered = [redline(a, b, context=5) for a, b in calls]
    for (a, b), result in zip(calls, remembered, strict=True):
        _clear_caches()
        assert redline(a, b, context=5) == result
    assert remembered[0].html == html(
        "<h1>Terms</h1>",
        "<ul><li>Alpha</li>",
        '<li class="redline-changed">Beta Beta goes on<ins>, amended</ins>.</li></ul>',
        '<h2 class="redline-inserted"><ins>Terms again</ins></h2>',
        "<p>After.</p>",
    )


# --- comparing every version with the current one, along the history ---------------------------

def _tokens(text: str) -> list[str]:
    import re

    return re.findall(r"\w+|[^\w\s]", text)


def _sides(result: Redline) -> tuple[list[list[str]], list[list[str]]]:
    """The words of the blocks a redline shows for the old and for the new version: without
    what it inserted, and without what it deleted."""
    import html as html_module
    import re

    old, new = [], []
    for line in result.html.splitlines()[1:-1]:
        if line.startswith(("<details", "</details")):
            continue
        for side, cut in ((old, "ins"), (new, "del")):
            text = re.sub(rf"<{cut}>.*?</{cut}>", "", line)
            text = html_module.unescape(re.sub(r"<[^>]+>", "", text))
            if text:
                side.append(_tokens(text))
    return old, new


def _history() -> list[str]:
    """Eight versions of a text: edits, an insertion, a deletion, the deleted paragraph written
    again word for word, a move."""
    paragraphs = {f"P{n}": f"Paragraph {n} says what we do with reports, number {n}."
                  for n in range(1, 9)}
    order = ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8"]
    steps = [
        lambda: paragraphs.update(P2="Paragraph 2 says what we do with server reports, number 2."),
        lambda: order.remove("P5"),
        lambda: (order.insert(1, "N"), paragraphs.update(N="A new paragraph about crash reports.")),
        lambda: paragraphs.update(P2="Paragraph 2 says what we keep of server reports, number 2."),
        lambda: order.insert(order.index("P6"), "P5"),
        lambda: (order.remove("P7"), order.append("P7")),
        lambda: paragraphs.update(N="A new paragraph about crash reports and their logs."),
    ]
    bodies = []
    for step in [lambda: None, *steps]:
        step()
        bodies.append("# Policy\n\n" + "\n\n".join(paragraphs[p] for p in order) + "\n")
    return bodies


def test_along_the_history_every_version_shows_exactly_both_texts():
    from policy_site.redline import _parsed, lineage, redline_along

    bodies = _history()
    matchings = lineage(bodies)
    assert len(matchings) == len(bodies)
    current_blocks = [_tokens(b.text) for b in _parsed(bodies[-1])]
    for body, matching in zip(bodies[:-1], matchings, strict=False):
        result = redline_along(body, bodies[-1], matching)
        old_side, new_side = _sides(result)
        assert old_side == [_tokens(b.text) for b in _parsed(body)]
        assert new_side == current_blocks


def test_along_the_history_the_version_before_the_current_one_is_compared_directly():
    from policy_site.redline import lineage, redline_along

    bodies = _history()
    for end in range(2, len(bodies) + 1):
        matchings = lineage(bodies[:end])
        assert redline_along(bodies[end - 2], bodies[end - 1], matchings[-2]) == redline(
            bodies[end - 2], bodies[end - 1])


def test_along_the_history_an_edited_paragraph_stays_one_paragraph_and_a_restored_one_unchanged():
    from policy_site.redline import lineage, redline_along

    bodies = _history()
    oldest = redline_along(bodies[0], bodies[-1], lineage(bodies)[0])
    lines = oldest.html.splitlines()
    p2 = [line for line in lines if "Paragraph 2" in line]
    assert p2 == ['<p class="redline-changed">Paragraph 2 says what we <del>do with</del>'
                  '<ins>keep of server</ins> reports, number 2.</p>']
    # Deleted in the second version and written again in the sixth: the same as it was.
    assert [line for line in lines if "Paragraph 5" in line] == [
        "<p>Paragraph 5 says what we do with reports, number 5.</p>"]
    # Moved: deleted where it was, inserted where it is.
    p7 = "Paragraph 7 says what we do with reports, number 7."
    assert [line for line in lines if "Paragraph 7" in line] == [
        f'<p class="redline-deleted"><del>{p7}</del></p>',
        f'<p class="redline-inserted"><ins>{p7}</ins></p>']
    assert counts(oldest) == (3 + 9 + 10, 2 + 10, 4)  # P2, N inserted, P7 moved


def test_along_the_history_what_is_remembered_never_changes_an_answer():
    from policy_site.redline import _clear_caches, lineage, redline_along

    bodies = _history()
    first = [redline_along(body, bodies[-1], matching)
             for body, matching in zip(bodies, lineage(bodies), strict=True)]
    _clear_caches()
    again = [redline_along(body, bodies[-1], matching)
             for body, matching in zip(bodies, lineage(bodies), strict=True)]
    assert first == again
    assert lineage([]) == []


def test_a_matching_of_other_texts_says_what_to_pass():
    from policy_site.redline import lineage, redline_along

    bodies = _history()
    matching = lineage(bodies)[0]
    for wrong in (matching[:2], (*matching[:-1], 99), (matching[1], matching[0], *matching[2:])):
        with pytest.raises(PolicySiteError, match="lineage"):
            redline_along(bodies[0], bodies[-1], wrong)


@pytest.mark.parametrize("texts", [
    # Reverted: each paragraph went elsewhere and came back.
    (["P", "C", "Q"], ["C", "L", "P"], ["P", "C", "Q"]),
    # Reverted, with a paragraph that occurs twice.
    (["C", "C", "P"], ["C", "P", "C"], ["C", "C", "P"]),
])
def test_along_the_history_a_version_the_same_as_the_current_one_shows_no_change(texts):
    """The history pairs P with Q on the way (one edit, one similar paragraph); P is still
    the same block as the current P, which must win."""
    from policy_site.redline import lineage, redline_along

    paragraphs = {"P": "We keep your name and your e-mail address for thirty days.",
                  "Q": "We keep your name and your postal address for ninety days.",
                  "C": "Contact us at any time.", "L": "- Payment data go to our bank."}
    bodies = ["\n\n".join(paragraphs[key] for key in version) + "\n" for version in texts]
    result = redline_along(bodies[0], bodies[-1], lineage(bodies)[0])
    assert result.unchanged and result == redline(bodies[0], bodies[-1])


def test_along_the_history_a_moved_paragraph_is_found_where_it_is_now():
    from policy_site.redline import lineage, redline_along

    a = "We collect your name and your e-mail address when you sign up."
    b = "We keep these data for as long as your account stays open."
    bodies = [f"{a}\n\n{b}\n\nContact.\n", f"{a}\n\nContact.\n\n{b}\n",
              f"Contact.\n\n{a}\n\n{b}\n"]
    result = redline_along(bodies[0], bodies[-1], lineage(bodies)[0])
    assert counts(result) == counts(redline(bodies[0], bodies[-1])) == (1, 1, 2)
