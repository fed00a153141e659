"""The hook's settings, read from `extra.policies` in mkdocs.yml and checked once.

Plain Python, not a MkDocs `Config` class, so the scripts can read the same settings without
MkDocs; every wrong value names the option and says what would be right.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from . import dates
from .errors import PolicySiteError

_KNOWN = {"source_language", "timezone", "pages", "report_types", "strings", "contact",
          "preview", "archive", "cache_dir"}
_CONTACT = {"email", "postal_address", "helpdesk_url"}


@dataclass(frozen=True)
class Contact:
    email: str
    postal_address: tuple[str, ...] = ()
    helpdesk_url: str | None = None


@dataclass(frozen=True)
class Settings:
    """What the hook needs to know about the site, beyond what MkDocs knows."""

    root: Path
    """The folder of mkdocs.yml; relative paths below are relative to it."""
    languages: tuple[str, ...]
    """Every language of the site, the default (served at the site root) first."""
    source_language: str
    timezone: ZoneInfo
    pages: tuple[str, ...]
    """Policy pages, relative to a language folder: stamped, archived, redlined."""
    report_types: Path
    strings: Path
    contact: Contact
    preview: bool = False
    """Build outside git with a 'preview, not published' marker instead of dates."""
    archive: bool = True
    """Generate the archive, redlines, change log and feeds; False keeps only the dates."""
    cache_dir: str = ".cache/policy-site"
    """Where finished archive pages are kept between builds, relative to mkdocs.yml."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def url_prefix(self, language: str) -> str:
        """'' for the default language (served at the root), 'en/' for the others."""
        return "" if language == self.default_language else f"{language}/"


def load(options: dict[str, Any] | None, *, root: Path, languages: list[str],
         preview: bool = False, where: str = "mkdocs.yml") -> Settings:
    """Check `extra.policies` from mkdocs.yml and return it as `Settings`."""
    options = dict(options or {})
    unknown = sorted(set(options) - _KNOWN)
    if unknown:
        raise PolicySiteError(
            f"extra.policies.{unknown[0]} is not a setting of this site.", path=where,
            fix=f"remove it, or use one of: {', '.join(sorted(_KNOWN))}.")
    if not languages:
        raise PolicySiteError("no language is configured.", path=where,
                              fix="list the languages under plugins.i18n.languages.")
    source = options.get("source_language", languages[0])
    if source not in languages:
        raise PolicySiteError(
            f"extra.policies.source_language: '{source}' is not one of the site's languages "
            f"({', '.join(languages)}).", path=where, fix="name one of them.")
    pages = options.get("pages", ["policy.md"])
    if not isinstance(pages, list) or not all(isinstance(p, str) and p.endswith(".md") for p in pages):
        raise PolicySiteError("extra.policies.pages must be a list of Markdown paths.", path=where,
                              fix="write e.g. 'pages: [policy.md]' (relative to a language folder).")
    contact = options.get("contact") or {}
    if not isinstance(contact, dict) or set(contact) - _CONTACT or "email" not in contact:
        raise PolicySiteError(
            "extra.policies.contact needs 'email' and may have 'postal_address' and "
            "'helpdesk_url', nothing else.", path=where,
            fix="see the settings table in the README.")
    email = str(contact["email"])
    if "@" not in email or any(c in email for c in " <>?&"):
        raise PolicySiteError(f"extra.policies.contact.email: '{email}' is not an e-mail address.",
                              path=where, fix="write a plain address such as privacy@example.com.")
    postal = contact.get("postal_address") or []
    if isinstance(postal, str):
        postal = [postal]
    return Settings(
        root=root,
        languages=tuple(languages),
        source_language=source,
        timezone=dates.zone(str(options.get("timezone", "Europe/Berlin")), where=where),
        pages=tuple(pages),
        report_types=root / options.get("report_types", "data/report-types.yml"),
        strings=root / options.get("strings", "data/strings.yml"),
        contact=Contact(email, tuple(str(x) for x in postal), contact.get("helpdesk_url")),
        preview=_flag(options, "preview", False, where) or preview,
        archive=_flag(options, "archive", True, where),
        cache_dir=cache_folder(options.get("cache_dir", ".cache/policy-site"),
                               "extra.policies.cache_dir", where),
    )


def _flag(options: dict[str, Any], name: str, default: bool, where: str) -> bool:
    """A yes/no setting. Only YAML's true or false: `bool("no")` is True, and a quoted
    "false" would silently turn the archive off or the preview on."""
    value = options.get(name, default)
    if not isinstance(value, bool):
        raise PolicySiteError(f"extra.policies.{name}: {value!r} is not true or false.",
                              path=where, fix=f"write '{name}: true' or '{name}: false', "
                                              "without quotes.")
    return value


def cache_folder(value: Any, name: str, where: str | None = None) -> str:
    """The cache folder `name` (the setting, or the environment variable) gives, or 'off'.
    YAML reads an unquoted `off` as false: that is 'off' too, not a folder named 'False'."""
    if value is False or (isinstance(value, str) and value.strip().lower() == "off"):
        return "off"
    if not isinstance(value, str) or not value.strip():
        raise PolicySiteError(f"{name}: {value!r} is not a folder.", path=where,
                              fix="name a folder relative to mkdocs.yml, e.g. "
                                  "'.cache/policy-site', or write 'off'.")
    return value
