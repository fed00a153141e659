"""One search index per language, cut from the one the search plugin writes.

mkdocs-static-i18n hands the search plugin every language's pages, and Material's search
loads `search/search_index.json` beside its base: so a reader of either language got results
in both. Each language gets its own index at its root (`en/search/search_index.json`), with
addresses relative to that root and only its own lunr language; the templates point each
page's search at its language root (overrides/main.html).
"""

from __future__ import annotations

import json


def split(index: str, prefixes: dict[str, str]) -> dict[str, str]:
    """{language folder ('' for the default, 'en/'): that language's search_index.json}.

    Args:
        index: the search plugin's search_index.json (every language).
        prefixes: language -> its folder, '' for the default language.
    """
    data = json.loads(index)
    others = tuple(p for p in prefixes.values() if p)
    lunr = data.get("config", {}).get("lang") or []
    result = {}
    for lang, prefix in prefixes.items():
        if prefix:
            docs = [dict(d, location=d["location"][len(prefix):]) for d in data["docs"]
                    if d["location"].startswith(prefix)]
        else:
            docs = [d for d in data["docs"] if not d["location"].startswith(others)]
        config = dict(data.get("config", {}), lang=[lang] if lang in lunr else lunr)
        result[prefix] = json.dumps(dict(data, config=config, docs=docs), separators=(",", ":"))
    return result
