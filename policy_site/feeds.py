"""Atom feeds of policy changes, one per language, so readers need not "check regularly"."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from .policies import PolicyDoc, version_day
from .render import render
from .strings import Strings


ENTRIES = 50
"""How many versions a feed lists, the newest. A feed reader polls the feed and shows what is
new; a feed of every version of a long history would be megabytes on every poll (and 0.15 s
of each build at 5,000 versions). Every version stays in the change log and versions.json."""


def atom_feed(docs: list[PolicyDoc], strings: Strings, *, site_url: str, site_name: str,
              author: str, entries_max: int = ENTRIES) -> str:
    """The Atom feed of the newest versions of the policy pages in `docs` (one language)."""
    lang = strings.language
    site_url = site_url.rstrip("/") + "/"
    newest_versions = sorted(((version.published, doc.page, doc, version)
                              for doc in docs for version in doc.versions),
                             key=lambda item: item[:2], reverse=True)[:entries_max]
    entries = []
    for _, _, doc, version in newest_versions:
        date_text = version_day(doc, version, strings)
        url = site_url + doc.version_url(version)
        redline = doc.redline_url(version)
        summary = version.summary or strings["first_version" if version.number == 1 else "no_summary"]
        title = strings.format("version_title", title=version.title or doc.page, date=date_text)
        links = f'<a href="{escape(url)}">{escape(strings["read_version"])}</a>'
        if redline:
            links += f' · <a href="{escape(site_url + redline)}">{escape(strings["show_changes"])}</a>'
        entries.append({
            "title": title, "id": url, "url": url,
            "redline_url": site_url + redline if redline else None,
            "published": _iso(version.published), "summary": summary,
            "content": f"<p>{escape(summary)}</p><p>{links}</p>",
        })
    newest = max((d.current.published for d in docs if d.current), default=datetime(1970, 1, 1, tzinfo=UTC))
    prefix = docs[0].prefix if docs else ""
    return render("feed.xml", lang=lang, title=strings.format("feed_title", site=site_name),
                  feed_url=f"{site_url}{prefix}feed.xml", site_url=site_url + prefix,
                  updated=_iso(newest), author=author, entries=entries)


def _iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
