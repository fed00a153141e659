"""'Last updated' from git history, and never wrong: real builds of temporary repositories."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import Repo, build_site, git, policy, site_files

DE_BODY = "Axis ist dem Schutz Ihrer Daten verpflichtet.\n\n## Speicherung\n\nAlle Daten liegen auf einem sicheren Server."
EN_BODY = "Axis is committed to protecting your data.\n\n## Storage\n\nAll data is stored on a secure server."


def de(body: str = DE_BODY, **meta: str) -> str:
    return policy("Datenschutzerklärung", body, **meta)


def en(body: str = EN_BODY, **meta: str) -> str:
    return policy("Privacy statement", body, **meta)


def stamp(build, url: str) -> str:
    html = build.html(url)
    start = html.index('class="policy-stamp')
    return html[start:html.index("</p>", start)]


@pytest.fixture
def site(repo: Repo) -> Repo:
    """A site whose first commit (2021-03-04 10:00 UTC) adds both languages."""
    repo.commit("Add the site", "2021-03-04T10:00:00+00:00",
                site_files(de_policy=de(summary="Erste Fassung."), en_policy=en(summary="First version.")))
    return repo


def test_basic_date_in_each_language(site: Repo):
    build = build_site(site.path)
    assert build.ok, build.log
    assert "Zuletzt aktualisiert: " in stamp(build, "policy/")
    assert '<time datetime="2021-03-04">4. März 2021</time>' in stamp(build, "policy/")
    assert '<time datetime="2021-03-04">March 4, 2021</time>' in stamp(build, "en/policy/")
    assert "Last updated: " in stamp(build, "en/policy/")


def test_languages_are_dated_independently(site: Repo):
    site.commit("Change the English text", "2022-05-06T09:00:00+00:00",
                {"docs/en/policy.md": en(EN_BODY.replace("secure", "safe"), summary="Wording.")})
    build = build_site(site.path)
    assert build.ok, build.log
    assert 'datetime="2021-03-04"' in stamp(build, "policy/")
    assert 'datetime="2022-05-06"' in stamp(build, "en/policy/")


@pytest.mark.parametrize("change", [
    pytest.param(DE_BODY.replace("Server.", "\nServer.").replace("verpflichtet.", "verpflichtet.   "),
                 id="whitespace-and-rewrap"),
])
def test_whitespace_only_commit_is_ignored(site: Repo, change: str):
    site.commit("Re-wrap", "2022-01-01T12:00:00+00:00",
                {"docs/de/policy.md": de(change, summary="Erste Fassung.")})
    build = build_site(site.path)
    assert build.ok, build.log
    assert 'datetime="2021-03-04"' in stamp(build, "policy/")


def test_front_matter_only_commit_is_ignored(site: Repo):
    site.commit("Describe the page", "2022-01-01T12:00:00+00:00",
                {"docs/de/policy.md": de(summary="Erste Fassung.", description="Neu beschrieben.")})
    build = build_site(site.path)
    assert build.ok, build.log
    assert 'datetime="2021-03-04"' in stamp(build, "policy/")


def test_displayed_title_change_counts(site: Repo):
    site.commit("Retitle", "2022-01-01T12:00:00+00:00",
                {"docs/de/policy.md": policy("Neue Überschrift", DE_BODY, summary="Neuer Titel.")})
    build = build_site(site.path)
    assert build.ok, build.log
    assert 'datetime="2022-01-01"' in stamp(build, "policy/")


def test_editorial_commit_is_ignored(site: Repo):
    site.commit("Fix a typo\n\nEditorial: yes", "2022-01-01T12:00:00+00:00",
                {"docs/de/policy.md": de(DE_BODY.replace("sicheren", "sichren"), summary="Erste Fassung.")})
    build = build_site(site.path)
    assert build.ok, build.log
    assert 'datetime="2021-03-04"' in stamp(build, "policy/")
    assert "sichren" in build.html("policy/")  # the fix itself is published


def test_rename_is_ignored_and_history_kept(site: Repo):
    site.move("docs/de/policy.md", "docs/de/privacy.md")
    site.move("docs/en/policy.md", "docs/en/privacy.md")
    mkdocs = (site.path / "mkdocs.yml").read_text(encoding="utf-8")
    site.commit("Rename the policy", "2023-02-02T12:00:00+00:00", {
        "mkdocs.yml": mkdocs.replace("- policy.md", "- privacy.md").replace("policy/changes.md", "privacy/changes.md"),
        "docs/de/index.md": None, "docs/en/index.md": None,
        "docs/de/contact.md": None, "docs/en/contact.md": None,
        "docs/de/reports/index.md": None, "docs/en/reports/index.md": None,
    })
    # Home and contact pages link to policy.md; a minimal home keeps the test about the rename.
    site.commit("Minimal home", "2023-02-02T13:00:00+00:00", {
        "docs/de/index.md": "# Start\n", "docs/en/index.md": "# Home\n",
        "docs/de/contact.md": "# Kontakt\n", "docs/en/contact.md": "# Contact\n",
        "docs/de/reports/index.md": "# Berichte\n", "docs/en/reports/index.md": "# Reports\n",
        "mkdocs.yml": (site.path / "mkdocs.yml").read_text(encoding="utf-8"),
    })
    build = build_site(site.path)
    assert build.ok, build.log
    assert 'datetime="2021-03-04"' in stamp(build, "privacy/")
    assert (build.site / "privacy/versions/2021-03-04/index.html").exists()


def test_a_commit_dated_before_the_one_it_follows_stops_the_build(site: Repo):
    """Its day is a guess either way; within an hour (two machines' clocks) it passes."""
    site.commit("Skewed clock", "2021-03-04T09:30:00+00:00", {"docs/de/index.md": "# Start\n"})
    build = build_site(site.path)
    assert build.ok, build.log
    sha = site.commit("Backdated", "2020-03-01T10:00:00+00:00",
                      {"docs/de/policy.md": de(DE_BODY + " In der EU.", summary="EU.")})
    build = build_site(site.path)
    assert not build.ok
    assert (f"commit {sha[:12]} is dated 2020-03-01T10:00:00+00:00, before the commit it "
            "follows on main") in build.log
    assert "Traceback" not in build.log


def test_a_policy_renamed_without_its_setting_stops_the_build(site: Repo):
    """Its versions would be left out of the site without a word: the build names the
    setting and the missing files instead."""
    site.move("docs/de/policy.md", "docs/de/privacy.md")
    site.move("docs/en/policy.md", "docs/en/privacy.md")
    site.commit("Rename the policy", "2023-02-02T12:00:00+00:00")
    build = build_site(site.path)
    assert not build.ok
    assert ("mkdocs.yml: extra.policies.pages lists 'policy.md', but docs/de/policy.md and "
            "docs/en/policy.md are not there: the page's published versions and their "
            "permanent addresses would be left out of the site. Fix: if you renamed or moved "
            "'policy.md', rename it the same way in every language and write its new name in "
            "extra.policies.pages") in build.log
    assert "Traceback" not in build.log


def test_a_byte_order_mark_or_old_mac_line_ends_do_not_hide_the_front_matter(site: Repo):
    """Read from git, the summary of such a file was not found ('no change summary')."""
    site.commit("Storage in the EU", "2022-05-05T10:00:00+00:00", {
        "docs/de/policy.md": ("\ufeff" + de(DE_BODY + " In der EU.", summary="EU.")).encode(),
        "docs/en/policy.md": en(EN_BODY + " In the EU.", summary="EU.").replace("\n", "\r")})
    build = build_site(site.path)
    assert build.ok, build.log
    assert 'datetime="2022-05-05"' in stamp(build, "policy/")
    assert 'datetime="2022-05-05"' in stamp(build, "en/policy/")


@pytest.mark.parametrize(("path", "content", "message"), [
    ("docs/de/policy.md", de(DE_BODY + " Geändert.", summary="Geändert.").encode("latin-1"),
     "docs/de/policy.md:2: the file is not in UTF-8: byte 0xE4 on line 2"),
    ("docs/de/contact.md", "---\ntitle: Kontakt\n\n# Kontakt\n",
     "docs/de/contact.md:1: the front matter that starts on line 1 is not closed"),
])
def test_a_file_that_would_be_shown_wrong_stops_the_build(site: Repo, path, content, message):
    site.write({path: content})
    build = build_site(site.path)
    assert not build.ok
    assert message in build.log
    assert "Traceback" not in build.log


def test_a_link_to_a_heading_that_does_not_exist_stops_the_build(site: Repo):
    site.write({"docs/de/policy.md": de(DE_BODY + "\n\nSiehe [oben](#speichern).")})
    build = build_site(site.path)
    assert not build.ok
    assert "contains a link '#speichern', but there is no such anchor on this page" in build.log


def test_late_evening_utc_is_next_day_in_berlin(site: Repo):
    site.commit("Change", "2022-06-30T23:30:00+00:00",
                {"docs/de/policy.md": de(DE_BODY + "\n\nNeuer Absatz.", summary="Ein Absatz mehr.")})
    build = build_site(site.path)
    assert build.ok, build.log
    assert '<time datetime="2022-07-01">1. Juli 2022</time>' in stamp(build, "policy/")


def test_committer_date_not_author_date(site: Repo):
    site.commit("Merged later", "2022-09-09T10:00:00+00:00",
                {"docs/de/policy.md": de(DE_BODY + "\n\nNeu.", summary="Neu.")},
                author_date="2022-08-01T10:00:00+00:00")
    build = build_site(site.path)
    assert 'datetime="2022-09-09"' in stamp(build, "policy/")


def test_imported_date(repo: Repo):
    repo.commit("Import\n\nPublished: 2017-06-28", "2024-01-15T10:00:00+00:00",
                site_files(de_policy=de(summary="Fassung von 2017."), en_policy=en(summary="2017 text.")))
    build = build_site(repo.path)
    assert build.ok, build.log
    assert '<time datetime="2017-06-28">28. Juni 2017</time>' in stamp(build, "policy/")
    assert '<time datetime="2017-06-28">June 28, 2017</time>' in stamp(build, "en/policy/")
    repo.commit("Change", "2024-02-01T10:00:00+00:00",
                {"docs/de/policy.md": de(DE_BODY + "\n\nNeu.", summary="Neu.")})
    build = build_site(repo.path)
    assert 'datetime="2024-02-01"' in stamp(build, "policy/")
    assert 'datetime="2017-06-28"' in stamp(build, "en/policy/")


@pytest.mark.parametrize("message", ["Imported from the archive PDF. Published: 2020-01-01",
                                     "Import\n\nPublished 2020-01-01",
                                     "Import\n\nVeröffentlicht: 2020-01-01"])
def test_a_publication_day_that_is_no_trailer_stops_the_build(repo: Repo, message: str):
    """Ignored, it would have dated the import by its commit: a wrong date, silently."""
    sha = repo.commit(message, "2024-01-15T10:00:00+00:00",
                      site_files(de_policy=de(), en_policy=en()))
    build = build_site(repo.path)
    assert not build.ok
    assert f"commit {sha[:12]} says '" in build.log
    assert "where it is no 'Published:' line" in build.log
    assert "Traceback" not in build.log


def test_import_date_after_commit_fails(repo: Repo):
    sha = repo.commit("Import\n\nPublished: 2030-01-01", "2024-01-15T10:00:00+00:00",
                      site_files(de_policy=de(), en_policy=en()))
    build = build_site(repo.path)
    assert not build.ok
    assert f"commit {sha[:12]} declares 'Published: 2030-01-01', a day after the commit itself" in build.log


def test_a_backdated_change_fails(site: Repo):
    sha = site.commit("Change\n\nPublished: 2021-01-01", "2022-09-09T10:00:00+00:00",
                      {"docs/de/policy.md": de(DE_BODY + "\n\nNeu.", summary="Neu.")})
    build = build_site(site.path)
    assert not build.ok
    assert (f"docs/de/policy.md: commit {sha[:12]} declares 'Published: 2021-01-01' for a "
            "change to a page published here since") in build.log
    assert "remove the 'Published:' line" in build.log


def test_shallow_clone_fails_with_the_fix(site: Repo, tmp_path: Path):
    site.commit("Second", "2022-01-01T12:00:00+00:00",
                {"docs/de/policy.md": de(DE_BODY + "\n\nNeu.", summary="Neu.")})
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{site.path}", str(shallow))
    build = build_site(shallow)
    assert not build.ok
    assert "this clone is shallow" in build.log
    assert "'fetch-depth: 0'" in build.log and "'git fetch --unshallow'" in build.log


def test_not_a_checkout_fails_unless_preview(site: Repo, tmp_path: Path):
    export = tmp_path / "export"
    shutil.copytree(site.path, export, ignore=shutil.ignore_patterns(".git"))
    build = build_site(export)
    assert not build.ok
    assert "this folder is not a git checkout" in build.log
    assert "POLICY_SITE_PREVIEW=1" in build.log
    preview = build_site(export, env={"POLICY_SITE_PREVIEW": "1"})
    assert preview.ok, preview.log
    assert "Vorschau, nicht veröffentlicht" in stamp(preview, "policy/")
    assert "Preview, not published" in stamp(preview, "en/policy/")
    assert "<time" not in stamp(preview, "policy/")


def test_uncommitted_changes_show_instead_of_a_date(site: Repo):
    site.write({"docs/de/policy.md": de(DE_BODY + "\n\nIn Arbeit.", summary="Erste Fassung.")})
    build = build_site(site.path)
    assert build.ok, build.log
    assert "Unveröffentlichte Änderungen" in stamp(build, "policy/")
    assert "<time" not in stamp(build, "policy/")
    assert 'datetime="2021-03-04"' in stamp(build, "en/policy/")


def test_future_commit_fails_naming_it(site: Repo):
    sha = site.commit("From the future", "2099-01-01T00:00:00+00:00",
                      {"docs/de/policy.md": de(DE_BODY + "\n\nZukunft.", summary="Zukunft.")})
    build = build_site(site.path)
    assert not build.ok
    assert f"commit {sha[:12]} has a committer date in the future" in build.log


def test_two_builds_are_byte_identical(site: Repo, tmp_path: Path):
    first = build_site(site.path, site_dir=tmp_path / "one")
    second = build_site(site.path, site_dir=tmp_path / "two")
    assert first.ok and second.ok, first.log + second.log

    def digest(root: Path) -> dict[str, str]:
        return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}

    assert digest(first.site) == digest(second.site)
    sitemap = (first.site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>2021-03-04</lastmod>" in sitemap


def test_history_is_read_once_per_build(site: Repo):
    """One `git log` for the whole build, whatever the number of languages and pages."""
    trace = site.path / "trace.txt"
    build = build_site(site.path, env={"GIT_TRACE": str(trace)})
    assert build.ok, build.log
    logs = [line for line in trace.read_text().splitlines() if "trace: built-in: git log" in line
            or "trace: exec: git log" in line]
    assert len(logs) == 1, logs


def test_kept_log_is_read_again_for_a_new_commit(site: Repo):
    """The second build of the same HEAD takes `git log` from .cache/; a new commit, and an
    amended one (a rewritten history), are read from git again: never an old date."""
    def git_logs(build_env: dict) -> tuple[object, int]:
        trace = site.path / "trace.txt"
        trace.unlink(missing_ok=True)
        build = build_site(site.path, env={**build_env, "GIT_TRACE": str(trace)})
        assert build.ok, build.log
        return build, sum(1 for line in trace.read_text().splitlines()
                          if "trace: built-in: git log" in line or "trace: exec: git log" in line)

    first, logs = git_logs({})
    assert logs == 1
    again, logs = git_logs({})
    assert logs == 0
    assert again.html("en/") == first.html("en/")
    assert "March 4, 2021" in stamp(again, "en/policy/")
    site.commit("Change", "2022-05-06T10:00:00+00:00",
                {"docs/en/policy.md": en(EN_BODY + "\n\nMore.", summary="More.")})
    changed, logs = git_logs({})
    assert logs == 1
    assert "May 6, 2022" in stamp(changed, "en/policy/")
    git(site.path, "commit", "-q", "--amend", "--no-edit", "--allow-empty",
        "--date", "2022-07-08T10:00:00+00:00", env={
            "GIT_COMMITTER_DATE": "2022-07-08T10:00:00+00:00", "GIT_AUTHOR_NAME": "Editor",
            "GIT_AUTHOR_EMAIL": "editor@example.com", "GIT_COMMITTER_NAME": "Editor",
            "GIT_COMMITTER_EMAIL": "editor@example.com"})
    amended, logs = git_logs({})
    assert logs == 1
    assert "July 8, 2022" in stamp(amended, "en/policy/")


def test_a_message_with_windows_line_ends_has_the_same_trailers_cold_or_warm(site: Repo):
    """'Editorial: yes' with '\r\n' line ends (a message from a browser) still counts, and
    the build that reads git log from .cache/ reads it with the same line ends."""
    site.write({"docs/en/policy.md": en(EN_BODY.replace("secure", "sekure"),
                                        summary="First version.")})
    git(site.path, "add", "-A")
    when = "2022-05-06T10:00:00+00:00"
    git(site.path, "commit", "-q", "--cleanup=verbatim", "-m", "Typo\r\n\r\nEditorial: yes\r\n",
        env={"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "Editor",
             "GIT_AUTHOR_EMAIL": "editor@example.com", "GIT_COMMITTER_NAME": "Editor",
             "GIT_COMMITTER_EMAIL": "editor@example.com"})
    raw = subprocess.run(["git", "cat-file", "commit", "HEAD"], cwd=site.path, check=True,
                         capture_output=True).stdout
    assert b"Editorial: yes\r\n" in raw
    cold = build_site(site.path)
    assert cold.ok, cold.log
    warm = build_site(site.path)
    assert warm.ok, warm.log
    for build in (cold, warm):
        assert "March 4, 2021" in stamp(build, "en/policy/")
    assert warm.html("en/policy/changes/") == cold.html("en/policy/changes/")


def test_long_date_is_babels_long_format():
    """dates.long_date looks the pattern up once per language; the words are Babel's."""
    from datetime import date, timedelta

    from babel.dates import format_date

    from policy_site.dates import long_date

    for lang in ("de", "en", "fr", "it", "es", "pt_BR", "ja", "ar"):
        for n in range(0, 800, 37):
            day = date(2016, 12, 25) + timedelta(days=n)
            assert long_date(day, lang) == format_date(day, format="long", locale=lang)


def test_a_page_opts_in_to_a_date_through_front_matter(site: Repo):
    site.commit("Opt in", "2023-04-05T08:00:00+00:00",
                {"docs/en/reports/index.md": "---\ntitle: Reports\nstamp: true\n---\n\n# Reports\n\n<!-- insert: report-comparison -->\n"})
    build = build_site(site.path)
    assert build.ok, build.log
    assert '<time datetime="2023-04-05">April 5, 2023</time>' in stamp(build, "en/reports/")
    assert 'class="policy-stamp' not in build.html("reports/crash-report/")


def test_dates_only_build_shows_the_same_dates(site: Repo):
    site.commit("Fix a typo\n\nEditorial: yes", "2022-01-01T12:00:00+00:00",
                {"docs/de/policy.md": de(DE_BODY.replace("sicheren", "sichren"), summary="Erste Fassung.")})
    site.commit("Re-wrap", "2022-02-01T12:00:00+00:00",
                {"docs/de/policy.md": de(DE_BODY.replace("sicheren", "sichren").replace(" Server", "\nServer"),
                                         summary="Erste Fassung.")})
    site.commit("English change", "2022-03-03T12:00:00+00:00",
                {"docs/en/policy.md": en(EN_BODY + "\n\nMore.", summary="More.")})
    config = (site.path / "mkdocs.yml").read_text(encoding="utf-8")
    site.write({"mkdocs.yml": config.replace("  policies:\n", "  policies:\n    archive: false\n", 1),
                "docs/de/index.md": "# Start\n", "docs/en/index.md": "# Home\n",
                "docs/de/reports/index.md": "# Berichte\n", "docs/en/reports/index.md": "# Reports\n"})
    site.commit("Dates only", "2022-04-04T12:00:00+00:00")
    build = build_site(site.path)
    assert build.ok, build.log
    assert 'datetime="2021-03-04"' in stamp(build, "policy/")
    assert 'datetime="2022-03-03"' in stamp(build, "en/policy/")
    assert not (build.site / "policy/versions").exists()
    assert "changes/" not in stamp(build, "policy/")


def merge(repo: Repo, branch: str, message: str, when: str) -> None:
    """Merge `branch` into main with a merge commit dated `when`, as GitHub does."""
    git(repo.path, "merge", "-q", "--no-ff", "-m", message, branch,
        env={"GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when,
             "GIT_AUTHOR_NAME": "E", "GIT_AUTHOR_EMAIL": "e@example.com",
             "GIT_COMMITTER_NAME": "E", "GIT_COMMITTER_EMAIL": "e@example.com"})


def test_editorial_trailer_in_a_merged_branch_counts(site: Repo):
    """CI checks GitHub's merge commit; the editor's trailer is in the branch's commit."""
    git(site.path, "checkout", "-q", "-b", "typo")
    site.commit("Fix a typo\n\nEditorial: yes", "2022-01-01T12:00:00+00:00",
                {"docs/de/policy.md": de(DE_BODY.replace("sicheren", "sichren"), summary="Erste Fassung.")})
    git(site.path, "checkout", "-q", "main")
    site.commit("Unrelated", "2022-01-02T12:00:00+00:00", {"README.txt": "x"})
    merge(site, "typo", "Merge pull request #7", "2022-01-03T12:00:00+00:00")
    build = build_site(site.path)
    assert build.ok, build.log
    assert 'datetime="2021-03-04"' in stamp(build, "policy/")
    assert "sichren" in build.html("policy/")


def test_a_merged_change_is_dated_when_it_was_merged(site: Repo):
    git(site.path, "checkout", "-q", "-b", "change")
    site.commit("Change", "2022-01-01T12:00:00+00:00",
                {"docs/de/policy.md": de(DE_BODY + "\n\nNeu.", summary="Neu.")})
    git(site.path, "checkout", "-q", "main")
    merge(site, "change", "Merge pull request #8", "2022-02-02T12:00:00+00:00")
    build = build_site(site.path)
    assert build.ok, build.log
    assert 'datetime="2022-02-02"' in stamp(build, "policy/")


def test_two_old_texts_imported_in_one_merged_pull_request_fail(repo: Repo):
    """Main sees the merge as one text: it must not take the older text's day."""
    repo.commit("Start", "2020-01-01T10:00:00+00:00", {"README.txt": "x"})
    git(repo.path, "checkout", "-q", "-b", "imports")
    repo.commit("Import 2015\n\nPublished: 2015-03-01", "2020-01-02T10:00:00+00:00",
                site_files(de_policy=de(summary="2015."), en_policy=en(summary="2015.")))
    repo.commit("Import 2017\n\nPublished: 2017-06-28", "2020-01-03T10:00:00+00:00",
                {"docs/de/policy.md": de(DE_BODY + "\n\nNeu.", summary="2017."),
                 "docs/en/policy.md": en(summary="2017.", translation_of="2017-06-28")})
    git(repo.path, "checkout", "-q", "main")
    merge(repo, "imports", "Merge pull request #1", "2020-01-04T10:00:00+00:00")
    build = build_site(repo.path)
    assert not build.ok
    assert ("and the commits it merges declare more than one 'Published:' day (2015-03-01, "
            "2017-06-28)") in build.log
    assert "import each old text in a pull request of its own" in build.log


def test_unreadable_history_fails_naming_the_commit(site: Repo):
    sha = site.commit("Change", "2022-01-01T12:00:00+00:00",
                      {"docs/de/policy.md": de(DE_BODY + "\n\nNeu.", summary="Neu.")})
    blob = git(site.path, "rev-parse", f"{sha}:docs/de/policy.md").strip()
    (site.path / ".git/objects" / blob[:2] / blob[2:]).unlink()
    build = build_site(site.path)
    assert not build.ok
    assert f"docs/de/policy.md: git cannot read this file as commit {sha[:12]} left it" in build.log
    assert "Fix: run 'git fsck'" in build.log


def test_texts_read_in_one_stream_are_the_texts_read_one_by_one(site: Repo):
    """A page's revisions come from git in one stream; what cannot be read is named later."""
    from policy_site.errors import PolicySiteError
    from policy_site.history import read_ahead, read_history

    for n in range(5):
        site.commit(f"Change {n}", f"2022-0{n + 1}-01T12:00:00+00:00",
                    {"docs/de/policy.md": de(DE_BODY + f"\n\nAbsatz {n}.", summary=f"{n}."),
                     "docs/en/policy.md": en(EN_BODY + f"\n\nParagraph {n}.\r\n", summary=f"{n}.")})
    revisions = [rev for revs in read_history(site.path, site.path / "docs").files.values()
                 for rev in revs]
    singles = [(rev.data, rev.data.decode("utf-8", errors="replace"),
                hashlib.sha256(rev.data).hexdigest()) for rev in revisions]

    fresh = read_history(site.path, site.path / "docs").files
    stream = read_ahead(fresh["docs/de/policy.md"])
    next(stream)
    stream.close()  # abandoned half way: the next stream starts afresh
    store = fresh["docs/de/policy.md"][0].store
    store.data = lambda blob: pytest.fail("read one by one, not in the stream")
    streamed = {(r.commit, r.path): r for r in read_ahead(r for revs in fresh.values() for r in revs)}
    assert len(streamed) == len(revisions)
    for rev, (_, text, sha) in zip(revisions, singles):
        other = streamed[(rev.commit, rev.path)]
        assert (other.text, other.sha256) == (text, sha)

    unknown = [f"{n:040x}" for n in range(1, 200)]  # more ids than a pipe takes at once
    store = revisions[0].store
    store.data = lambda blob: pytest.fail("read one by one, not in the stream")
    assert list(store.read_ahead([*unknown, revisions[-1].blob])) == [*unknown, revisions[-1].blob]
    assert revisions[-1].text == singles[-1][1]
    del store.data

    two = list({rev.blob: rev for rev in revisions[:-1]}.values())[:2]  # texts not read yet
    missing = dataclasses.replace(two[0], blob="1" * 40)
    assert [r.blob for r in read_ahead([missing, *two])] == ["1" * 40, two[0].blob, two[1].blob]
    assert two[1].text == singles[revisions.index(two[1])][1]
    with pytest.raises(PolicySiteError, match="git cannot read this file"):
        missing.text
