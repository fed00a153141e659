"""Translation status: `translation_of`, the lag of a translation, its banner, and
`scripts/translation-status`, on temporary git repositories with pinned dates."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, Repo, _clean_env, build_site, policy, site_files
from policy_site import site as site_module
from policy_site import strings, translations

DE_1 = policy("Datenschutzerklärung", "Axis schützt Ihre Daten.\n\n## Speicherung\n\n"
              "Alle Daten liegen auf einem sicheren Server.", summary="Fassung vom Juni 2017.")
DE_2 = policy("Datenschutzerklärung", "Axis schützt Ihre Daten.\n\n## Speicherung\n\n"
              "Alle Daten liegen auf einem geschützten Server in der EU.",
              summary="Speicherort genauer beschrieben.")
EN_BODY_1 = "Axis protects your data.\n\n## Storage\n\nAll data is on a secure server."
EN_BODY_2 = "Axis protects your data.\n\n## Storage\n\nAll data is on a protected server in the EU."

IMPORT = "Import the privacy statement\n\nPublished: 2017-06-28"


def en(body: str = EN_BODY_1, summary: str = "Version of June 2017.", **meta: str) -> str:
    return policy("Privacy statement", body, summary=summary, **meta)


def imported(repo: Repo, en_policy: str | None = None) -> str:
    return repo.commit(IMPORT, "2020-01-10T10:00:00+01:00", site_files(
        de_policy=DE_1, en_policy=en_policy or en(translation_of="2017-06-28")))


def docs_of(repo: Repo):
    site = site_module.load(repo.path / "mkdocs.yml")
    return site, site.policy_docs(site.read_history())


def lag_of(repo: Repo, **kwargs):
    site, docs = docs_of(repo)
    de, en_doc = (next(d for d in docs if d.language == x) for x in ("de", "en"))
    return translations.lag(de, en_doc, **kwargs)


def status(repo: Repo, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "translation-status"), *args],
                          cwd=repo.path, capture_output=True, text=True, env=_clean_env())


def test_a_translation_of_the_current_version_does_not_lag(repo):
    imported(repo)
    assert lag_of(repo) is None
    result = status(repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("docs/de/policy.md: source (de), current version 2017-06-28.\n"
                             "docs/en/policy.md: up to date (translates 2017-06-28).\n")


def test_a_changed_source_makes_the_translation_lag(repo):
    imported(repo)
    sha = repo.commit("Storage in the EU", "2024-03-01T10:00:00+01:00", {"docs/de/policy.md": DE_2})
    lag = lag_of(repo)
    assert lag is not None
    assert lag.translation_of == "2017-06-28"
    assert lag.translated.slug == "2017-06-28"
    assert lag.since.slug == lag.current.slug == "2024-03-01"
    assert [v.slug for v in lag.missing] == ["2024-03-01"]
    result = status(repo)
    assert result.returncode == 1
    assert result.stdout == (
        "docs/de/policy.md: source (de), current version 2024-03-01.\n"
        "docs/en/policy.md: lags since 2024-03-01: it translates 2017-06-28; the source "
        f"docs/de/policy.md has changed since (current version 2024-03-01, commit {sha[:12]}). "
        "Fix: translate the changes and set 'translation_of: 2024-03-01'.\n")
    assert result.stderr == "translation-status: 1 translation(s) lag behind their source.\n"


def test_lagging_since_the_first_version_it_lacks(repo):
    imported(repo)
    repo.commit("Storage in the EU", "2024-03-01T10:00:00+01:00", {"docs/de/policy.md": DE_2})
    repo.commit("Again", "2024-05-02T10:00:00+02:00", {"docs/de/policy.md": DE_2.replace(
        "in der EU", "in Schweden").replace("genauer beschrieben", "Schweden")})
    lag = lag_of(repo)
    assert (lag.since.slug, lag.current.slug) == ("2024-03-01", "2024-05-02")


def test_a_translation_without_translation_of_lags(repo):
    imported(repo, en_policy=en())
    lag = lag_of(repo)
    assert lag.translation_of is None and lag.translated is None
    assert lag.since.slug == "2017-06-28"
    assert "it has no 'translation_of:' field" in status(repo).stdout


def test_translation_of_may_be_a_quoted_string_or_a_yaml_date(repo):
    imported(repo, en_policy=en(translation_of='"2017-06-28"'))
    assert lag_of(repo) is None
    assert translations.normalize("2017-06-28") == "2017-06-28"
    from datetime import date
    assert translations.normalize(date(2017, 6, 28)) == "2017-06-28"
    assert translations.normalize("") is None


def test_a_translation_done_in_the_same_pull_request_is_up_to_date(repo):
    """The editor cannot know the merge day: 'today' when the pull request was opened."""
    imported(repo)
    sha = repo.commit("Storage in the EU (#12)", "2024-03-01T10:00:00+01:00", {
        "docs/de/policy.md": DE_2,
        "docs/en/policy.md": en(EN_BODY_2, "Storage described.", translation_of="2024-02-27")})
    assert lag_of(repo) is None
    assert status(repo).stdout.splitlines()[1] == (
        "docs/en/policy.md: up to date (translated in the commit of the source's current "
        f"version 2024-03-01, commit {sha[:12]}; 'translation_of: 2024-02-27').")


def test_a_bare_day_names_the_newest_version_of_that_day_the_translation_saw(repo):
    """Two changes merged on one day, each translated in its pull request with 'today':
    the second keeps the field as it was, and is still up to date; a source change later
    that day that the translation did not follow makes it lag."""
    imported(repo)
    repo.commit("Storage (#1)", "2024-03-01T10:00:00+01:00", {
        "docs/de/policy.md": DE_2,
        "docs/en/policy.md": en(EN_BODY_2, "Storage described.", translation_of="2024-03-01")})
    repo.commit("Deletion (#2)", "2024-03-01T15:00:00+01:00", {
        "docs/de/policy.md": DE_2.replace("in der EU.", "in der EU. Gelöscht nach 90 Tagen."),
        "docs/en/policy.md": en(EN_BODY_2.replace("in the EU.", "in the EU. Deleted after 90 "
                                                  "days."), "Deletion.", translation_of="2024-03-01")})
    assert lag_of(repo, translation_of="2024-03-01") is None
    assert status(repo).returncode == 0
    repo.commit("Third (#3)", "2024-03-01T18:00:00+01:00", {
        "docs/de/policy.md": DE_2.replace("in der EU.", "in der EU. Gelöscht nach 60 Tagen.")})
    lag = lag_of(repo, translation_of="2024-03-01")
    assert lag.names_a_version and lag.translated.slug == "2024-03-01-2"
    assert [v.slug for v in lag.missing] == ["2024-03-01-3"]


def test_a_translation_of_a_day_without_a_version_lags(repo):
    """A day on which the source did not change, after its current version or before it,
    names no version: the translation lags (unless it was changed in the same commit as the
    source, above), and the status says why."""
    imported(repo)
    repo.commit("Translation date", "2021-01-01T10:00:00+01:00",
                {"docs/en/policy.md": en(translation_of="2027-06-28")})
    sha = repo.commit("Storage in the EU", "2024-03-01T10:00:00+01:00",
                      {"docs/de/policy.md": DE_2})
    lag = lag_of(repo, translation_of="2027-06-28")  # the field as the file has it now
    assert lag is not None and not lag.names_a_version
    assert lag.translated is None and lag.since.slug == "2017-06-28"
    result = status(repo)
    assert result.returncode == 1
    assert result.stdout.splitlines()[1] == (
        "docs/en/policy.md: lags since 2017-06-28: 'translation_of: 2027-06-28' names no version "
        "of docs/de/policy.md; the source docs/de/policy.md has changed since (current version "
        f"2024-03-01, commit {sha[:12]}). Fix: translate the changes and set "
        "'translation_of: 2024-03-01'.")
    before = lag_of(repo, translation_of="2020-01-01")  # no version that day either
    assert not before.names_a_version and before.translated.slug == "2017-06-28"
    assert lag_of(repo, translation_of="2024-03-01") is None


def test_an_uncommitted_translation_of_ahead_of_the_source_counts_as_up_to_date(repo):
    """`make serve` while both pages are edited: the source's new version has no day yet."""
    imported(repo)
    repo.write({"docs/de/policy.md": DE_2,
                "docs/en/policy.md": en(EN_BODY_2, "Storage.", translation_of="2030-01-01")})
    assert lag_of(repo, translation_of="2030-01-01", uncommitted=True) is None
    assert lag_of(repo, translation_of="2030-01-01") is not None  # once committed alone
    assert status(repo).stdout.splitlines()[1] == (
        "docs/en/policy.md: up to date once committed with the source's change "
        "('translation_of: 2030-01-01' is not committed yet).")


def test_a_translation_changed_without_updating_translation_of_still_lags(repo):
    imported(repo)
    repo.commit("Storage in the EU", "2024-03-01T10:00:00+01:00", {
        "docs/de/policy.md": DE_2,
        "docs/en/policy.md": en(EN_BODY_2, "Storage described.", translation_of="2017-06-28")})
    assert lag_of(repo).since.slug == "2024-03-01"


def test_an_uncommitted_translation_of_counts_for_the_status(repo):
    imported(repo)
    repo.commit("Storage in the EU", "2024-03-01T10:00:00+01:00", {"docs/de/policy.md": DE_2})
    repo.write({"docs/en/policy.md": en(EN_BODY_2, "Storage.", translation_of="2024-03-01")})
    assert lag_of(repo, translation_of="2024-03-01") is None
    assert status(repo).returncode == 0
    assert status(repo, "--committed").returncode == 1


def test_banner_links_the_source_and_everything_changed_since_the_translated_version(repo):
    imported(repo)
    repo.commit("Storage in the EU", "2024-03-01T10:00:00+01:00", {"docs/de/policy.md": DE_2})
    site, _ = docs_of(repo)
    text = strings.load(site.settings.strings, site.languages)
    assert translations.banner(lag_of(repo), text["en"], "en/policy/") == (
        '<div class="policy-archive-notice policy-translation-lag" role="note">\n'
        "<p><strong>The German original of this page was changed on March 1, 2024; this "
        "translation still reflects the version of June 28, 2017.</strong></p>\n"
        '<p><a href="../../policy/" hreflang="de">Read the source text</a> · '
        '<a href="../../policy/versions/2017-06-28/compare/" hreflang="de">See what changed '
        "in the original</a></p>\n</div>\n")
    without_links = translations.banner(lag_of(repo), text["en"], "en/policy/", links=False)
    assert "compare" not in without_links and '<a href="../../policy/"' in without_links


def test_banner_without_translation_of_links_the_newest_redline(repo):
    imported(repo, en_policy=en())
    repo.commit("Storage in the EU", "2024-03-01T10:00:00+01:00", {"docs/de/policy.md": DE_2})
    site, _ = docs_of(repo)
    text = strings.load(site.settings.strings, site.languages)
    html = translations.banner(lag_of(repo), text["en"], "en/policy/")
    assert ("The German original of this page was changed on March 1, 2024; this translation "
            "does not say which version it reflects.") in html
    assert 'href="../../policy/versions/2024-03-01/changes/"' in html


def test_language_names_come_from_babel():
    assert translations.language_name("de", "en") == "German"
    assert translations.language_name("de", "de") == "Deutsch"
    assert translations.language_name("en", "de") == "Englisch"


def test_the_real_site_has_a_translation_status():
    """Whether the real translation lags is the check translation-status, which may fail on
    purpose (a German change merged before its translation); here only that it can tell."""
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "translation-status")],
                            cwd=ROOT, capture_output=True, text=True, env=_clean_env())
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert result.stdout.startswith("docs/de/policy.md: source (de)"), result.stdout


def test_the_built_translation_shows_the_banner_and_the_source_does_not(repo):
    imported(repo)
    repo.commit("Storage in the EU", "2024-03-01T10:00:00+01:00", {"docs/de/policy.md": DE_2})
    build = build_site(repo.path)
    assert build.ok, build.log
    page = build.html("en/policy/")
    assert "The German original of this page was changed on" in page
    assert 'href="../../policy/versions/2017-06-28/compare/"' in page
    assert "policy-translation-lag" not in build.html("policy/")
    # The banner sits below the date stamp.
    assert page.index("policy-stamp") < page.index("policy-translation-lag")


def test_an_up_to_date_translation_shows_no_banner_when_built(repo):
    imported(repo)
    build = build_site(repo.path)
    assert build.ok, build.log
    assert "policy-translation-lag" not in build.html("en/policy/")


def test_script_reports_an_unreadable_site_with_exit_2(tmp_path: Path):
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "translation-status")],
                            cwd=tmp_path, capture_output=True, text=True, env=_clean_env())
    assert result.returncode == 2
    assert result.stderr.startswith("translation-status: ")
    assert "mkdocs.yml: cannot read the configuration" in result.stderr
