"""Rendering archived Markdown piece by piece gives the HTML of rendering it whole."""

from __future__ import annotations

import re

import markdown
import pytest

from conftest import ROOT
from policy_site.frontmatter import parse
from policy_site.markdown_html import MarkdownRenderer, _is_plain, _sections, strip_title

EXTENSIONS = ["attr_list", "md_in_html", "tables", "toc", "admonition"]
CONFIGS = {"toc": {"permalink": False}}

SAMPLE = """## Zweck

Ein Absatz mit *Betonung* und einem [Link](https://example.com).

- ein Punkt
- noch ein Punkt

- ein lockerer Punkt

    mit einem zweiten Absatz

1. erstens
2. zweitens

!!! note "Hinweis"
    Eingerückter Text der Notiz.

    Zweiter Absatz der Notiz.

| Spalte | Wert |
| --- | --- |
| a | b |

## Zweck

Gleiche Überschrift, eigener Anker.
"""


def _whole(text: str) -> str:
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS).convert(text)


def _same(a: str, b: str) -> bool:
    return re.sub(r">\s+<", "><", a.strip()) == re.sub(r">\s+<", "><", b.strip())


@pytest.mark.parametrize("text", [
    pytest.param(SAMPLE, id="lists-admonition-table"),
    pytest.param(strip_title(parse((ROOT / "docs/de/policy.md").read_text(encoding="utf-8")).body), id="de-policy"),
    pytest.param(strip_title(parse((ROOT / "docs/en/policy.md").read_text(encoding="utf-8")).body), id="en-policy"),
])
def test_pieces_render_like_the_whole(text):
    assert _same(MarkdownRenderer(EXTENSIONS, CONFIGS).render(text), _whole(text))


def test_a_piece_seen_before_is_not_rendered_again():
    renderer = MarkdownRenderer(EXTENSIONS, CONFIGS)
    renderer.render(SAMPLE)
    pieces = len(renderer._sections)
    renderer.render(SAMPLE.replace("Gleiche Überschrift", "Andere Überschrift"))
    assert len(renderer._sections) == pieces + 1


# --- plain paragraphs: the shortcut answers as the library --------------------------------

def _library(text: str, extensions=EXTENSIONS, configs=CONFIGS) -> str:
    return markdown.Markdown(extensions=extensions, extension_configs=configs).convert(text)


def _shortcut_taken(renderer: MarkdownRenderer, text: str) -> bool:
    return renderer._plain_safe and _is_plain(text)


def _pieces_of_the_site() -> list[str]:
    pieces = []
    for path in sorted((ROOT / "docs").glob("*/*.md")):
        pieces += _sections(strip_title(parse(path.read_text(encoding="utf-8")).body))
    return pieces


TRICKY = [
    "Ein Satz.", "Ein Satz.\nUnd eine zweite Zeile.", "1. erstens", "1986. war ein Jahr",
    "2024 wurde es geändert.", "Zeile\n2) zwei", "Text  \nmit Umbruch", "Text \nmit Leerzeichen",
    "Text\xa0\nmit geschütztem Leerzeichen", "Ende mit Leerzeichen ", "Wort_mit_Unterstrich",
    "Schön „zitiert“ und \"gerade\" und 'einfach'.", "Daten (z. B. IP-Adressen), Logs; usw.",
    "a - b -- c --- d", "Siehe http://example.com und www.example.com", "Preis: 5 $ / 5 €",
    "Term\n: Definition", "Titel\n===", "Titel\n---", "Ä\n\u2003eingerückt", "x\n    Code?",
    "Zeile\n- Liste", "Zeile\n+ Liste", "Zeile\n> Zitat", "Zeile\n# Titel", "Zeile\n|a|b|",
    "TOC", "Ende.\u2003", "Kontrolle\x02wzxhzdk:0\x03", "ümlaut am Anfang", "١. arabisch",
    "Schluss\r\nZeile", "Abstand  im  Satz", "A\tTab", "Fußnote[^1]", "Mail <a@b.c>", "© (c) 1/2",
]


def test_a_plain_piece_renders_as_the_library_renders_it():
    """Every piece that takes the shortcut (`_is_plain`) gets the library's own HTML: the
    pieces of this site's policies, tricky ones, and random ones."""
    import random

    renderer = MarkdownRenderer(EXTENSIONS, CONFIGS)
    rng = random.Random(2017)
    alphabet = [*"abcxyzÄöüßé09 .,;:()'\"-–/%+?", "\n", "  ", " \n", "1. ", "\xa0", "*", "_"]
    generated = [rng.choice("aÄ9") + "".join(rng.choices(alphabet, k=rng.randint(0, 40)))
                 for _ in range(3000)]
    taken = 0
    for text in _pieces_of_the_site() + TRICKY + generated:
        text = text.strip("\n")
        if not text or "\n\n" in text or not _shortcut_taken(renderer, text):
            continue
        taken += 1
        assert renderer.render(text) == _library(text), text
    assert taken > 500  # the shortcut is taken, not only skipped


def test_the_shortcut_is_not_taken_with_an_extension_that_changes_plain_words():
    """smarty turns quotes into typographic ones; the library then sees every piece."""
    text = "Ein \"Satz\" -- mit Strichen."
    renderer = MarkdownRenderer(EXTENSIONS + ["smarty"], CONFIGS)
    assert not renderer._plain_safe
    assert renderer.render(text) == _library(text, EXTENSIONS + ["smarty"]) != f"<p>{text}</p>"
    with_marker = MarkdownRenderer(EXTENSIONS, {"toc": {"marker": "TOC"}})
    assert not with_marker._plain_safe
