"""The scripts in scripts/: `--help`, named in the README, and `scripts/pr-redline` against
temporary git repositories (the other scripts: test_lint.py, test_translations.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, Repo, _clean_env, git, policy, site_files

SCRIPTS = sorted(p for p in (ROOT / "scripts").iterdir() if p.is_file())

DE_1 = policy("Datenschutzerklärung", "Axis schützt Ihre Daten.\n\n## Speicherung\n\n"
              "Alle Daten liegen auf einem sicheren Server.", summary="Fassung vom Juni 2017.")
DE_2 = policy("Datenschutzerklärung", "Axis schützt Ihre Daten.\n\n## Speicherung\n\n"
              "Alle Daten liegen auf einem geschützten Server in der EU.",
              summary="Speicherort genauer beschrieben.")
EN_1 = policy("Privacy statement", "Axis protects your data.\n\n## Storage\n\n"
              "All data is on a secure server.", summary="Version of June 2017.",
              translation_of="2017-06-28")
EN_2 = EN_1.replace("a secure server", "a secure server in the EU").replace(
    "Version of June 2017.", "Storage described.")


def run(script: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / script), *args], cwd=cwd,
                          capture_output=True, text=True, env=_clean_env())


@pytest.fixture
def imported(repo: Repo) -> tuple[Repo, str]:
    sha = repo.commit("Import\n\nPublished: 2017-06-28", "2020-01-10T10:00:00+01:00",
                      site_files(de_policy=DE_1, en_policy=EN_1))
    return repo, sha


# --- every script ----------------------------------------------------------------------------

@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_script_is_executable_and_has_help(script: Path):
    assert os.access(script, os.X_OK), f"{script.name} is not executable"
    # Run as an editor would, through the shebang: it finds the project's .venv itself.
    result = subprocess.run([str(script), "--help"], cwd=ROOT, capture_output=True, text=True,
                            env=_clean_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: scripts/{script.name}")


def test_readme_names_every_script():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in SCRIPTS if f"scripts/{p.name}" not in readme]
    assert not missing, f"README.md does not name: {', '.join(missing)}"


def test_editing_guide_names_the_scripts_editors_meet_in_ci():
    guide = (ROOT / "EDITING.md").read_text(encoding="utf-8")
    for name in ("scripts/lint", "scripts/translation-status", "scripts/pr-redline"):
        assert name in guide


# --- pr-redline --------------------------------------------------------------------------------

def test_a_change_to_one_language_shows_only_that_language(imported):
    repo, base = imported
    head = repo.commit("Storage in the EU", "2024-03-01T10:00:00+01:00", {"docs/de/policy.md": DE_2})
    result = run("pr-redline", base, head, cwd=repo.path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "## Redline of the policy pages\n\n"
        f"Changes from `{base[:12]}` to `{head[:12]}`. Inserted text is <ins>underlined</ins>, "
        "deleted text is <del>struck through</del>.\n\n"
        "### docs/de/policy.md (Deutsch)\n\n"
        "**Summary:** Speicherort genauer beschrieben.\n\n"
        "Wörter eingefügt: 4, gelöscht: 1; geänderte Absätze: 1. Eingefügter Text ist "
        "unterstrichen, gelöschter Text durchgestrichen.\n\n"
        '<div class="redline">\n'
        "<h4>Datenschutzerklärung</h4>\n"
        "<p>Axis schützt Ihre Daten.</p>\n"
        "<h5>Speicherung</h5>\n"
        '<p class="redline-changed">Alle Daten liegen auf einem <del>sicheren</del>'
        "<ins>geschützten</ins> Server <ins>in der EU</ins>.</p>\n"
        "</div>\n\n")


def test_both_languages_with_their_summaries(imported):
    repo, base = imported
    head = repo.commit("Storage in the EU", "2024-03-01T10:00:00+01:00",
                       {"docs/de/policy.md": DE_2, "docs/en/policy.md": EN_2})
    out = run("pr-redline", base, "HEAD", cwd=repo.path).stdout
    assert out.index("### docs/de/policy.md (Deutsch)") < out.index("### docs/en/policy.md (English)")
    assert "**Summary:** Storage described." in out
    assert "All data is on a secure server <ins>in the EU</ins>." in out
    assert "Words inserted: 3, deleted: 0; paragraphs changed: 1." in out
    assert f"to `{head[:12]}` (HEAD)." in out


def test_the_pull_request_is_compared_with_its_merge_base(imported):
    """Main moved on after the branch was made: its change is not the pull request's."""
    repo, base = imported
    git(repo.path, "checkout", "-q", "-b", "translate")
    repo.commit("English: storage", "2024-03-02T10:00:00+01:00", {"docs/en/policy.md": EN_2})
    git(repo.path, "checkout", "-q", "main")
    repo.commit("German: storage", "2024-03-03T10:00:00+01:00", {"docs/de/policy.md": DE_2})
    out = run("pr-redline", "main", "translate", cwd=repo.path).stdout
    assert "docs/de/policy.md" not in out and "### docs/en/policy.md (English)" in out
    assert f"Changes from `{base[:12]}` (the merge base of main and translate)" in out
    direct = run("pr-redline", "main", "translate", "--no-merge-base", cwd=repo.path).stdout
    assert "### docs/de/policy.md (Deutsch)" in direct and "### docs/en/policy.md" in direct


def test_a_change_without_a_new_summary_is_flagged(imported):
    repo, base = imported
    repo.commit("Forgot the summary", "2024-03-01T10:00:00+01:00",
                {"docs/de/policy.md": DE_2.replace("Speicherort genauer beschrieben.",
                                                   "Fassung vom Juni 2017.")})
    out = run("pr-redline", base, "HEAD", cwd=repo.path).stdout
    assert ("> [!WARNING]\n> The change summary was not updated. Write what this change does "
            "in the `summary:` field of the front matter of `docs/de/policy.md`.") in out


def test_a_change_a_reader_does_not_see_is_no_version(imported):
    repo, base = imported
    repo.commit("Re-wrap", "2024-03-01T10:00:00+01:00",
                {"docs/de/policy.md": DE_1.replace("auf einem sicheren", "auf einem\nsicheren")})
    out = run("pr-redline", base, "HEAD", cwd=repo.path).stdout
    assert ("Nothing a reader sees changed (white space, line breaks or hidden front-matter "
            "fields only): this is no new version.") in out
    assert "<div class=\"redline\">" not in out and "[!WARNING]" not in out


def test_no_policy_change(imported):
    repo, base = imported
    repo.commit("Contact page", "2024-03-01T10:00:00+01:00",
                {"docs/en/contact.md": (ROOT / "docs/en/contact.md").read_text() + "\nMore.\n"})
    out = run("pr-redline", base, "HEAD", cwd=repo.path).stdout
    assert out.endswith("No policy page changed.\n")


def test_html_to_a_file(imported, tmp_path):
    repo, base = imported
    repo.commit("Storage in the EU", "2024-03-01T10:00:00+01:00", {"docs/de/policy.md": DE_2})
    target = tmp_path / "redline.html"
    result = run("pr-redline", base, "HEAD", "--html", "--output", str(target), cwd=repo.path)
    assert result.returncode == 0 and result.stdout == ""
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>\n<html lang=\"en\">")
    assert '<section lang="de">' in page and "<h3>Datenschutzerklärung</h3>" in page
    assert "<del>sicheren</del><ins>geschützten</ins>" in page
    assert "<p><strong lang=\"en\">Summary:</strong> Speicherort genauer beschrieben.</p>" in page


def test_the_files_are_read_from_git_not_from_the_working_tree(imported):
    repo, base = imported
    repo.write({"docs/de/policy.md": DE_2})  # not committed
    out = run("pr-redline", base, "HEAD", cwd=repo.path).stdout
    assert out.endswith("No policy page changed.\n")


def test_an_unknown_revision_exits_2(imported):
    repo, _ = imported
    result = run("pr-redline", "origin/main", "HEAD", cwd=repo.path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        f"pr-redline: {repo.path.resolve()}: 'origin/main' is not a commit this repository knows. "
        "Fix: name a branch, tag or commit;")
