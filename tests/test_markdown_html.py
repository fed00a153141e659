"""Rendering archived Markdown piece by piece gives the HTML of rendering it whole."""

from __future__ import annotations

import re

import markdown
import pytest

from conftest import ROOT
from policy_site.frontmatter import parse
from policy_site.markdown_html import MarkdownRenderer, strip_title

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
