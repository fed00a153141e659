"""Report types and the items they contain, from one data file, in every language.

Adding an item or a report type is one edit of `data/report-types.yml`; the pages in every
language, and the comparison table, are rendered from it. The loader is strict: an unknown
key, an item without a text in some language, or a report type naming an item that does not
exist fails with the file, the line and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import datafile
from .errors import PolicySiteError

_ITEM_KEYS = {"name": True, "description": True, "sensitive": False}
_REPORT_KEYS = {"name": True, "summary": True, "items": True, "when_asked": True,
                "how_created": True, "access": True, "advice": True}


@dataclass(frozen=True)
class Item:
    id: str
    name: dict[str, str]
    description: dict[str, str]
    sensitive: dict[str, str] | None


@dataclass(frozen=True)
class ReportType:
    id: str
    name: dict[str, str]
    summary: dict[str, str]
    items: tuple[str, ...]
    when_asked: dict[str, str]
    how_created: dict[str, str]
    access: dict[str, str]
    advice: dict[str, tuple[str, ...]]

    @property
    def page(self) -> str:
        """The page's path inside a language folder."""
        return f"reports/{self.id}.md"


@dataclass(frozen=True)
class Catalog:
    items: dict[str, Item]
    report_types: dict[str, ReportType]

    def items_of(self, report: ReportType) -> list[Item]:
        return [self.items[i] for i in report.items]


def load(path: Path, languages: tuple[str, ...]) -> Catalog:
    """Read and check the data file; see the module docstring for what it refuses."""
    data, lines = datafile.load(path)

    def fail(message: str, at: tuple, fix: str) -> PolicySiteError:
        return PolicySiteError(message, path=str(path), line=datafile.line_of(lines, at), fix=fix)

    if not isinstance(data, dict) or set(data) != {"items", "report_types"}:
        raise fail("the file must have exactly two parts, 'items:' and 'report_types:'.", (),
                   "see the comment at the top of the file.")

    def texts(entry: dict, key: str, at: tuple, what: str, *, many: bool = False) -> dict:
        value = entry.get(key)
        if not isinstance(value, dict):
            raise fail(f"{what}: '{key}' must have one text per language.", at + (key,),
                       f"write '{key}:' with {', '.join(languages)} below it.")
        extra = sorted(set(value) - set(languages))
        if extra:
            raise fail(f"{what}: '{key}' has a text in '{extra[0]}', which is not a language "
                       "of the site.", at + (key, extra[0]),
                       f"remove it, or add the language to mkdocs.yml ({', '.join(languages)}).")
        out: dict[str, Any] = {}
        for lang in languages:
            text = value.get(lang)
            ok = (isinstance(text, list) and text and all(isinstance(t, str) and t.strip() for t in text)
                  if many else isinstance(text, str) and text.strip())
            if not ok:
                raise fail(f"{what} has no {key} in '{lang}'.", at + (key,),
                           f"add '{lang}: …' under '{key}' ({'a list of texts' if many else 'a text'}).")
            out[lang] = tuple(" ".join(t.split()) for t in text) if many else " ".join(text.split())
        return out

    def check_keys(entry: Any, allowed: dict[str, bool], at: tuple, what: str) -> dict:
        if not isinstance(entry, dict):
            raise fail(f"{what} must be a set of 'key: value' lines.", at, "see the other entries.")
        unknown = sorted(set(entry) - set(allowed))
        if unknown:
            raise fail(f"{what} has an unknown key '{unknown[0]}'.", at + (unknown[0],),
                       f"use only: {', '.join(allowed)}.")
        missing = [k for k, required in allowed.items() if required and k not in entry]
        if missing:
            raise fail(f"{what} has no '{missing[0]}'.", at, f"add '{missing[0]}:'.")
        return entry

    items: dict[str, Item] = {}
    for item_id, entry in (data["items"] or {}).items():
        at = ("items", item_id)
        what = f"item '{item_id}'"
        check_keys(entry, _ITEM_KEYS, at, what)
        items[item_id] = Item(
            item_id, texts(entry, "name", at, what), texts(entry, "description", at, what),
            texts(entry, "sensitive", at, what) if "sensitive" in entry else None)

    reports: dict[str, ReportType] = {}
    for report_id, entry in (data["report_types"] or {}).items():
        at = ("report_types", report_id)
        what = f"report type '{report_id}'"
        check_keys(entry, _REPORT_KEYS, at, what)
        listed = entry["items"]
        if not isinstance(listed, list) or not listed:
            raise fail(f"{what}: 'items' must list the ids of its items.", at + ("items",),
                       "write 'items: [system-information, …]'.")
        for n, item_id in enumerate(listed):
            if item_id not in items:
                raise fail(f"{what} lists the item '{item_id}', which is not defined under "
                           "'items:'.", at + ("items", n),
                           f"define '{item_id}' under 'items:', or correct the id.")
        reports[report_id] = ReportType(
            report_id, texts(entry, "name", at, what), texts(entry, "summary", at, what),
            tuple(listed), texts(entry, "when_asked", at, what),
            texts(entry, "how_created", at, what), texts(entry, "access", at, what),
            texts(entry, "advice", at, what, many=True))
    used = {i for r in reports.values() for i in r.items}
    for item_id in items:
        if item_id not in used:
            raise fail(f"item '{item_id}' is in no report type.", ("items", item_id),
                       "list it under the 'items' of the report types that contain it, "
                       "or remove it.")
    return Catalog(items, reports)
