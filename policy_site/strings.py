"""The site's own words (labels, notices, headings) in every language, from data/strings.yml.

Kept in a data file, not in templates, so a new language is a translation and not code; a
missing translation fails the build with the file, the line and the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import datafile
from .errors import PolicySiteError


@dataclass(frozen=True)
class Strings:
    """The texts of one language: `strings["last_updated"]`, `strings.format("x", n=1)`."""

    language: str
    texts: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.texts[key]

    def format(self, key: str, **values: object) -> str:
        return self.texts[key].format(**values)


def load(path: Path, languages: tuple[str, ...]) -> dict[str, Strings]:
    """Every language's `Strings`; each key must have a text in each language."""
    data, lines = datafile.load(path)
    if not isinstance(data, dict):
        raise PolicySiteError("expected 'key: {de: …, en: …}' entries.", path=str(path), line=1,
                              fix="see the comment at the top of the file.")
    texts: dict[str, dict[str, str]] = {lang: {} for lang in languages}
    for key, by_lang in data.items():
        if not isinstance(by_lang, dict):
            raise PolicySiteError(f"'{key}' must have one text per language.", path=str(path),
                                  line=datafile.line_of(lines, (key,)),
                                  fix=f"write {key}: {{{', '.join(f'{x}: …' for x in languages)}}}.")
        for lang in languages:
            text = by_lang.get(lang)
            if not isinstance(text, str) or not text.strip():
                raise PolicySiteError(
                    f"'{key}' has no text in '{lang}'.", path=str(path),
                    line=datafile.line_of(lines, (key,)),
                    fix=f"add '{lang}: …' with the {lang} text under '{key}'.")
            texts[lang][key] = text
    return {lang: Strings(lang, texts[lang]) for lang in languages}
