"""A sitemap.xml at each language's root, cut from the site's one.

Material for MkDocs fetches `sitemap.xml` beside every `<link rel="alternate">` of a page, to
switch languages without leaving the page. Beside a language's Atom feed (`en/feed.xml`) that
is `en/sitemap.xml`; without it every English page logs a failed request. The site's own
sitemap (every language, with hreflang alternates) stays at the root, where search engines
look for it; each other language gets the entries of its own pages at its root.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def language_sitemap(sitemap: str, *, site_url: str, prefix: str,
                     other_prefixes: Iterable[str] = ()) -> str:
    """The sitemap `sitemap` (XML text) with only the pages of the language at `prefix`.

    Args:
        site_url: the site's address, as in mkdocs.yml (`https://example.com/`).
        prefix: the language's folder, `en/`; `''` for the default language, whose pages are
            every page that is in none of `other_prefixes`.
        other_prefixes: the folders of the other languages (needed for `prefix=''`).
    """
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("xhtml", XHTML_NS)
    root = ET.fromstring(sitemap)
    base = site_url.rstrip("/") + "/"
    others = tuple(base + p for p in other_prefixes if p and p != prefix)
    for url in list(root.findall(f"{{{SITEMAP_NS}}}url")):
        loc = (url.findtext(f"{{{SITEMAP_NS}}}loc") or "").strip()
        if not (loc.startswith(base + prefix) and not loc.startswith(others)):
            root.remove(url)
    ET.indent(root, space="    ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def with_x_default(sitemap: str, *, default_language: str) -> str:
    """The sitemap with an `x-default` alternate on every page that has language alternates:
    the page in the default language, for readers whose language the site does not have."""
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("xhtml", XHTML_NS)
    root = ET.fromstring(sitemap)
    link = f"{{{XHTML_NS}}}link"
    for url in root.findall(f"{{{SITEMAP_NS}}}url"):
        alternates = url.findall(link)
        if any(a.get("hreflang") == "x-default" for a in alternates):
            continue
        default = next((a for a in alternates if a.get("hreflang") == default_language), None)
        if default is not None:
            ET.SubElement(url, link, rel="alternate", hreflang="x-default", href=default.get("href"))
    ET.indent(root, space="    ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
