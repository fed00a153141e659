"""Fixtures for the tests that look at the built site the way a reader's browser gets it.

Loaded by `pytest_plugins = ["browser_support"]` in tests/test_browser.py and
tests/test_html_valid.py. One real build of this repository per session, one more from a
temporary git repository with two versions of the policy (the real site has one version,
and a redline exists only from the second on), each served by `http.server` on 127.0.0.1,
and one Chromium (Debian's, never Playwright's download) for every test.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import ROOT, Repo, _clean_env, build_site, git, site_files

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking"]
AXE = ROOT / "node_modules/axe-core/axe.min.js"
VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
SETUP_HINT = "run `make test`, which installs it (or set CHROMIUM=/path/to/chromium)"


def mkdocs_config() -> dict:
    """mkdocs.yml as data (its `!ENV` tags read as plain values)."""
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!ENV", ""))


def languages() -> list[tuple[str, str]]:
    """(language, URL prefix) of every built language, the default (at /) first."""
    plugins = mkdocs_config()["plugins"]
    i18n = next(p["i18n"] for p in plugins if isinstance(p, dict) and "i18n" in p)
    langs = [x for x in i18n["languages"] if x.get("build", True)]
    ordered = sorted(langs, key=lambda x: not x.get("default"))
    return [(x["locale"], "" if x.get("default") else f"{x['locale']}/") for x in ordered]


# ----------------------------------------------------------------------------------------
# Built sites, served
# ----------------------------------------------------------------------------------------

def build_real_site(site_dir: Path) -> Path:
    """`mkdocs build --strict` of this repository into `site_dir`, as CI builds it."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site_dir)],
        cwd=ROOT, capture_output=True, text=True, env={**_clean_env(), "NO_MKDOCS_2_WARNING": "1"})
    if result.returncode != 0:
        pytest.fail(f"mkdocs build failed:\n{result.stdout}{result.stderr}", pytrace=False)
    return site_dir


def build_two_version_site(folder: Path) -> Path:
    """A copy of the real site in a temporary git repository whose policy changed once in
    every language, so that it has a redline (`versions/<new>/changes/`) and a comparison
    with the current version (`versions/<old>/compare/`)."""
    repo = Repo(folder / "repo")
    repo.path.mkdir(parents=True)
    git(repo.path, "init", "-q", "-b", "main")
    de = (ROOT / "docs/de/policy.md").read_text(encoding="utf-8")
    en = (ROOT / "docs/en/policy.md").read_text(encoding="utf-8")
    repo.commit("Import\n\nPublished: 2017-06-28", "2020-01-10T10:00:00+00:00",
                site_files(de_policy=de, en_policy=en))
    changed = {
        # Summaries that the real policy cannot have: each version needs its own.
        "docs/de/policy.md": _change(de, "Neu:", "Zweite Fassung der Browser-Tests."),
        "docs/en/policy.md": _change(en, "New:", "Second version of the browser tests.",
                                     translation_of="2020-03-01"),
    }
    repo.commit("Storage", "2020-03-01T09:00:00+00:00", changed)
    build = build_site(repo.path, site_dir=folder / "site")
    if not build.ok:
        pytest.fail(f"mkdocs build of the two-version site failed:\n{build.log}", pytrace=False)
    return build.site


def _change(text: str, word: str, summary: str, *, translation_of: str | None = None) -> str:
    """`text` with a new `summary`, and its last line of prose changed at both ends: `word`
    put before it and its first word taken away, so that the redline has an insertion and a
    deletion whatever the policy says today (an editor's change must not break the tests)."""
    head, sep, body = text.partition("\n---\n")
    lines = [x for x in head.splitlines() if not x.startswith(("summary:", "translation_of:"))]
    lines.append(f"summary: {summary}")
    if translation_of and "translation_of:" in head:
        lines.append(f"translation_of: {translation_of}")
    rows = body.split("\n")
    prose = [n for n, row in enumerate(rows) if row[:1].isalpha() and len(row.split()) > 2]
    if not prose:
        pytest.fail("the two-version fixture found no line of prose in the policy",
                    pytrace=False)
    last = prose[-1]
    rows[last] = f"{word} " + rows[last].split(" ", 1)[1]
    return "\n".join(lines) + sep + "\n".join(rows)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the name http.server uses
        pass


@dataclass
class Served:
    """A built site and the address it is served at (`http://127.0.0.1:PORT/`)."""

    site: Path
    base: str

    @property
    def origin(self) -> str:
        return self.base.rstrip("/")

    def url(self, path: str) -> str:
        return self.base + path.lstrip("/")


def serve(site: Path) -> Iterator[Served]:
    """Serve `site` on 127.0.0.1 at a free port until the generator is closed."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(site, f"http://127.0.0.1:{server.server_port}/")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """This repository's site, built once per session."""
    return build_real_site(tmp_path_factory.mktemp("browser") / "site")


@pytest.fixture(scope="session")
def redline_site(tmp_path_factory) -> Path:
    """A site with two versions of the policy (see build_two_version_site)."""
    return build_two_version_site(tmp_path_factory.mktemp("two-versions"))


@pytest.fixture(scope="session")
def served(built_site) -> Iterator[Served]:
    yield from serve(built_site)


@pytest.fixture(scope="session")
def served_redline(redline_site) -> Iterator[Served]:
    yield from serve(redline_site)


# ----------------------------------------------------------------------------------------
# Chromium
# ----------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium (or $CHROMIUM). Missing is a failure, not a skip: CI must run these."""
    path = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
    if not (Path(path).is_file() and os.access(path, os.X_OK)) and not shutil.which(path):
        pytest.fail(f"Chromium not found at {path}: {SETUP_HINT}", pytrace=False)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(f"the Python package playwright is missing: {SETUP_HINT}", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """One page opened in a fresh browser context, with everything it asked for and said."""

    page: object
    origin: str
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"request to another host: {u}" for u in self.foreign]
                + [f"failed request: {u}" for u in self.failed]
                + [f"console: {e}" for e in self.errors])


@contextmanager
def visiting(browser, served: Served, path: str, *, wait_until: str = "load",
             color_scheme: str = "light", java_script_enabled: bool = True,
             viewport: dict | None = None) -> Iterator[Visit]:
    """Open `path` of `served` in a new context. Requests to any other origin (the site_url
    of canonical links, a mistake in a template) are recorded and aborted, never sent."""
    context = browser.new_context(color_scheme=color_scheme, java_script_enabled=java_script_enabled,
                                  viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    visit = Visit(page, served.origin)

    def on_request(request):
        visit.requests.append(request.url)

    def on_response(response):
        if response.status >= 400:
            visit.failed.append(f"{response.status} {response.url}")

    def on_console(message):
        if message.type == "error":
            visit.errors.append(f"{message.text} ({message.location.get('url', '')})")

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.errors.append(f"uncaught: {error}"))

    def block(route):
        visit.foreign.append(route.request.url)
        route.abort("blockedbyclient")

    context.route(lambda url: _origin(url) != served.origin and not url.startswith(("data:", "blob:")),
                  block)
    try:
        page.goto(served.url(path), wait_until=wait_until)
        yield visit
    finally:
        context.close()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"

