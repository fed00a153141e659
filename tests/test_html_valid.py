"""Every built page is valid HTML, as the Nu Html Checker (vnu.jar, from npm) reads it.

One run of the checker over every .html file of the real site and of the two-version site
(the one with redlines); any error fails, except the few listed in IGNORED, each with why.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass

import pytest

pytest.register_assert_rewrite("browser_support")
from browser_support import VNU  # noqa: E402

pytest_plugins = ["browser_support"]


@dataclass(frozen=True)
class Ignored:
    message: str
    """A regular expression the checker's message must match."""
    extract: str
    """A regular expression the quoted markup must match."""
    reason: str


IGNORED = [
    Ignored(r"Attribute “autocomplete” is only allowed when the input type is",
            r'<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox" '
            r'id="__(drawer|search)" autocomplet',
            "Material's base.html writes autocomplete=\"off\" on its two hidden toggle checkboxes "
            "(drawer, search), outside any template block, so that Firefox does not restore an "
            "open drawer or search on back navigation. Harmless; changing it would mean copying "
            "all of base.html into overrides/."),
]


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is missing (the Nu Html Checker runs on it): run `make test`, which "
                    "installs it", pytrace=False)
    if not VNU.is_file():
        pytest.fail(f"{VNU} is missing: run `make test`, which installs the npm test tools",
                    pytrace=False)
    return java


@pytest.fixture(scope="module")
def checked(built_site, redline_site):
    """Every error the checker reports, as (file, line, message, extract)."""
    files = sorted(str(p) for site in (built_site, redline_site) for p in site.rglob("*.html"))
    assert len(files) > 20
    result = subprocess.run([_java(), "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                            capture_output=True, text=True, timeout=300)
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"the checker said no JSON:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return [(m.get("url", "").removeprefix("file:"), m.get("lastLine"), m.get("message", ""),
             m.get("extract", "")) for m in messages if m.get("type") in ("error", "non-document-error")]


def _ignored(message: str, extract: str) -> Ignored | None:
    return next((i for i in IGNORED if re.search(i.message, message) and re.search(i.extract, extract)),
                None)


def test_every_page_is_valid_html(checked):
    errors = [f"{file}:{line}: {message}\n    {extract.strip()}"
              for file, line, message, extract in checked if _ignored(message, extract) is None]
    assert errors == []


def test_every_ignored_error_still_occurs(checked):
    """An entry of IGNORED that matches nothing any more is to be removed."""
    used = {id(_ignored(message, extract)) for _, _, message, extract in checked}
    assert [i.reason for i in IGNORED if id(i) not in used] == []
