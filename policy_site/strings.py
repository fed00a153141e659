"""The site's own words (labels, notices, headings) in every language, from data/strings.yml.

Kept in a data file, not in templates, so a new language is a translation and not code; a
missing translation fails the build with the file, the line and the key.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

from . import datafile
from .errors import PolicySiteError


@dataclass(frozen=True)
class Strings:
    """The texts of one language: `strings["last_updated"]`, `strings.format("x", n=1)`."""

    language: str
    texts: dict[str, str]
    source: str = "data/strings.yml"
    """The file the texts come from, for messages."""

    def __getitem__(self, key: str) -> str:
        return self.texts[key]

    def format(self, key: str, **values: object) -> str:
        try:
            return self.texts[key].format(**values)
        except (KeyError, IndexError) as exc:  # the same in every language (load checks that)
            known = " ".join("{" + name + "}" for name in values) or "none"
            raise PolicySiteError(
                f"the '{self.language}' text of '{key}' has the placeholder {{{exc.args[0]}}}, "
                "which the build does not fill in.", path=self.source,
                fix=f"use the placeholders this text takes ({known}), in every language.") from exc


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
        _check_placeholders(key, {lang: texts[lang][key] for lang in languages}, path,
                            datafile.line_of(lines, (key,)))
    return {lang: Strings(lang, texts[lang], str(path)) for lang in languages}


def _check_placeholders(key: str, by_lang: dict[str, str], path: Path, line: int | None) -> None:
    """Every language's text of `key` must have the same placeholders: the build fills in
    the ones it knows, so a misspelt or dropped one showed as it was written ('{datum}'),
    left out what it stood for (an end date) or stopped the build with a traceback."""
    found = {}
    for lang, text in by_lang.items():
        try:
            found[lang] = sorted({name for _, name, _, _ in string.Formatter().parse(text)
                                  if name is not None})
        except ValueError as exc:  # a lone brace
            raise PolicySiteError(
                f"the '{lang}' text of '{key}' has a brace that opens or closes nothing "
                f"({exc}).", path=str(path), line=line,
                fix="write placeholders as {name}, exactly as in the other languages; a "
                    "brace meant as text is written twice ({{ or }}).") from exc
    if len({tuple(names) for names in found.values()}) > 1:
        shown = "; ".join(f"'{lang}' has {' '.join('{' + n + '}' for n in names) or 'none'}"
                          for lang, names in found.items())
        raise PolicySiteError(
            f"the placeholders of '{key}' differ between the languages: {shown}.",
            path=str(path), line=line,
            fix="keep every placeholder in braces as it is, in every language: the build "
                "fills in {date}, {start} and the like by their names.")
