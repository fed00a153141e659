"""Fixtures: temporary git repositories with pinned dates, real site builds, Chromium.

No mocks of git or MkDocs: a test writes files, commits them with fixed author and
committer dates, runs the real `mkdocs build`, and reads the HTML it produced.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What a test site copies from the real one: everything but the content and history.
SKELETON = ("mkdocs.yml", "hooks", "overrides", "data", "docs/assets")


def git(cwd: Path, *args: str, env: dict | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={**_clean_env(), **(env or {})}).stdout


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GIT_", "SOURCE_DATE_EPOCH", "POLICY_SITE_"))}
    env.update(NO_MKDOCS_2_WARNING="1", GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")
    return env


@dataclass
class Repo:
    """A git repository in a temporary folder; each commit has the date the test gives."""

    path: Path

    def write(self, files: dict[str, str | bytes | None]) -> None:
        for name, content in files.items():
            target = self.path / name
            if content is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")

    def commit(self, message: str, when: str, files: dict[str, str | bytes | None] | None = None,
               *, author_date: str | None = None) -> str:
        """Commit `files` (or what is staged) at `when` (ISO 8601 with offset)."""
        if files:
            self.write(files)
        exclude = self.path / ".git" / "info" / "exclude"
        if ".cache/" not in exclude.read_text(encoding="utf-8"):  # what builds leave behind
            with exclude.open("a", encoding="utf-8") as f:
                f.write("\n.cache/\nsite/\n")
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "--allow-empty", "-m", message,
            env={"GIT_AUTHOR_DATE": author_date or when, "GIT_COMMITTER_DATE": when,
                 "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.com",
                 "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.com"})
        return git(self.path, "rev-parse", "HEAD").strip()

    def move(self, old: str, new: str) -> None:
        (self.path / new).parent.mkdir(parents=True, exist_ok=True)
        git(self.path, "mv", old, new)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """An empty git repository."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    return Repo(path)


def policy(title: str, body: str, *, summary: str | None = None, **meta: str) -> str:
    """A policy page's Markdown with front matter."""
    lines = ["---", f"title: {title}"]
    if summary:
        lines.append(f"summary: {summary}")
    lines += [f"{k}: {v}" for k, v in meta.items()]
    return "\n".join(lines) + f"\n---\n\n# {title}\n\n{body.strip()}\n"


def site_files(*, de_policy: str, en_policy: str) -> dict[str, str | bytes]:
    """A whole site: the real skeleton, the real side pages, and the given policy texts."""
    files: dict[str, str | bytes] = {}
    for name in SKELETON:
        source = ROOT / name
        paths = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
        for p in paths:
            if "__pycache__" not in p.parts:
                files[p.relative_to(ROOT).as_posix()] = p.read_bytes()
    for lang in ("de", "en"):
        for p in sorted((ROOT / "docs" / lang).rglob("*.md")):
            rel = p.relative_to(ROOT).as_posix()
            if not rel.endswith("/policy.md"):
                files[rel] = p.read_bytes()
    files["docs/de/policy.md"] = de_policy
    files["docs/en/policy.md"] = en_policy
    return files


@dataclass
class Build:
    result: subprocess.CompletedProcess
    site: Path

    @property
    def ok(self) -> bool:
        return self.result.returncode == 0

    @property
    def log(self) -> str:
        return self.result.stdout + self.result.stderr

    def html(self, url: str) -> str:
        """The HTML of the page at `url` ('policy/', 'en/policy/versions/2017-06-28/')."""
        path = self.site / url / "index.html" if url.endswith("/") or not url else self.site / url
        return path.read_text(encoding="utf-8")

    def text(self, url: str) -> str:
        """The visible words of the page's main content, white space folded."""
        import re
        from html import unescape

        html = self.html(url)
        main = html[html.find('<article'):html.find('</article>')]
        return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def build_site(path: Path, *extra: str, env: dict[str, str] | None = None,
               site_dir: Path | None = None) -> Build:
    """Run the real `mkdocs build --strict` in `path`; never raises on a failed build."""
    site = site_dir or path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean",
         "--site-dir", str(site), *extra],
        cwd=path, capture_output=True, text=True, env={**_clean_env(), **(env or {})})
    return Build(result, site)


def copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".venv", "site", "node_modules",
                                                                  "__pycache__", ".pytest_cache"))
