"""The editors' lint (`policy_site.lint`, `scripts/lint`): each kind of problem, with its exact
message, on temporary git repositories; and the real site lints clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, Repo, _clean_env, policy, site_files
from policy_site import lint
from policy_site import site as site_module

DE = policy("Datenschutzerklärung", "Axis schützt Ihre Daten.\n\n## Speicherung\n\n"
            "Alle Daten liegen auf einem sicheren Server.\n\n## Kontakt\n\n"
            "Siehe [Kontakt](contact.md), [Serverbericht](reports/server-report.md), "
            "[Änderungen](policy/changes.md) und den [Feed](feed.xml).",
            summary="Fassung vom Juni 2017.")
EN = policy("Privacy statement", "Axis protects your data.\n\n## Storage\n\n"
            "All data is on a secure server.\n\n## Contact\n\n"
            "See [contact](contact.md#form), [report types](reports/index.md) and "
            "![](../assets/site.css).", summary="Version of June 2017.",
            translation_of="2017-06-28")

IMPORT = "Import\n\nPublished: 2017-06-28"


@pytest.fixture
def site_repo(repo: Repo) -> Repo:
    repo.commit(IMPORT, "2020-01-10T10:00:00+01:00", site_files(de_policy=DE, en_policy=EN))
    return repo


def problems(repo: Repo, **kwargs) -> list[str]:
    report = lint.lint(site_module.load(repo.path / "mkdocs.yml"), **kwargs)
    return [str(p) for p in report.problems]


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "lint"), *args], cwd=cwd,
                          capture_output=True, text=True, env=_clean_env())


def test_the_real_site_lints_clean():
    result = run(ROOT)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr


def test_a_correct_site_lints_clean(site_repo):
    assert problems(site_repo) == []
    assert run(site_repo.path).returncode == 0


def test_front_matter_that_does_not_parse(site_repo):
    site_repo.write({"docs/en/policy.md": EN.replace("title: Privacy statement",
                                                     "title: Privacy: the statement")})
    assert problems(site_repo) == [
        "docs/en/policy.md:2: the front matter is not valid YAML (mapping values are not "
        "allowed here). Fix: check the lines between the two '---' lines: 'key: value', one "
        "per line; quote values that contain a colon."]


def test_unknown_front_matter_field_names_its_line_and_the_likely_one(site_repo):
    site_repo.write({"docs/en/policy.md": EN.replace("summary:", "sumary:"),
                     "docs/de/extra.md": "---\ntitle: Extra\nautor: Jemand\n---\n\n# Extra\n"})
    found = problems(site_repo, history=False)
    assert found == [
        "docs/de/extra.md:3: unknown front-matter field 'autor'. Fix: use one of title, "
        "description, summary, translation_of, stamp, search, hide, template, status, or "
        "remove the line.",
        "docs/en/policy.md:3: unknown front-matter field 'sumary' (did you mean 'summary'?). "
        "Fix: use one of title, description, summary, translation_of, stamp, search, hide, "
        "template, status, or remove the line."]


def test_a_field_of_the_wrong_kind(site_repo):
    site_repo.write({"docs/en/policy.md": EN.replace("summary: Version of June 2017.",
                                                     "summary: [one, two]")})
    assert problems(site_repo, history=False) == [
        "docs/en/policy.md:3: the front-matter field 'summary' must be text. Fix: write it on "
        "one line after 'summary: ', in quotes if it contains a colon."]
    site_repo.write({"docs/en/policy.md": EN,
                     "docs/de/policy.md": DE.replace("summary:", 'stamp: "false"\nsummary:')})
    assert problems(site_repo, history=False) == [
        "docs/de/policy.md:3: 'stamp: false' is neither true nor false, so the page shows no "
        "date. Fix: write 'stamp: true' (without quotes) to show one, or remove the line."]


def test_translation_of_must_name_a_version_and_only_in_translations(site_repo):
    site_repo.write({
        "docs/en/policy.md": EN.replace("translation_of: 2017-06-28", "translation_of: June 2017"),
        "docs/de/policy.md": DE.replace("summary:", "translation_of: 2017-06-28\nsummary:"),
    })
    assert problems(site_repo, history=False) == [
        "docs/de/policy.md:3: 'translation_of' is for translations; this page is in the source "
        "language (de). Fix: remove the line.",
        "docs/en/policy.md:4: 'translation_of: June 2017' names no version. Fix: write the date "
        "of the source version this page translates, as YYYY-MM-DD (e.g. 'translation_of: "
        "2017-06-28')."]


def test_translation_of_a_day_without_a_version(site_repo):
    written = EN.replace("translation_of: 2017-06-28", "translation_of: 2017-06-29")
    site_repo.commit("Translation date", "2021-01-01T10:00:00+01:00",
                     {"docs/en/policy.md": written})
    assert problems(site_repo) == [
        "docs/en/policy.md:4: 'translation_of: 2017-06-29' names no version of "
        "docs/de/policy.md: the German page did not change that day. Fix: write the date of "
        "the German version this page translates (the newest is 2017-06-28; the others are "
        "in its change log)."]
    # Not committed yet: it may name the day of a source change that is not committed either.
    site_repo.write({"docs/en/policy.md": EN.replace("translation_of: 2017-06-28",
                                                     "translation_of: 2030-01-01")})
    assert problems(site_repo) == []


def test_a_file_that_is_not_utf8_or_has_an_unclosed_front_matter(site_repo):
    latin1 = EN.replace("All data", "Alle Daten: ä").encode("latin-1")
    site_repo.write({"docs/en/policy.md": latin1,
                     "docs/de/contact.md": "---\ntitle: Kontakt\n\n# Kontakt\n"})
    assert problems(site_repo, history=False) == [
        "docs/de/contact.md:1: the front matter that starts on line 1 is not closed: no '---' "
        "line ends it, so its lines would be shown as text and its fields (summary, title) "
        "ignored. Fix: add a line with only '---' after the last 'key: value' line, before the "
        "text of the page.",
        "docs/en/policy.md:13: the file is not in UTF-8: byte 0xE4 on line 13 is no letter in "
        "UTF-8 (the file was saved in another encoding, such as Latin-1 or Windows-1252). Fix: "
        "save the file as UTF-8 (in most editors: 'Save with encoding' or 'Reopen with "
        "encoding', then UTF-8) and check its accented letters."]


def test_a_placeholder_translated_in_the_site_words(site_repo):
    path = site_repo.path / "data" / "strings.yml"
    text = path.read_text(encoding="utf-8")
    line = text[:text.index("archived_notice:")].count("\n") + 1
    path.write_text(text.replace("Ablösung am {end}", "Ablösung am {ende}"), encoding="utf-8")
    assert problems(site_repo, history=False) == [
        f"data/strings.yml:{line}: the placeholders of 'archived_notice' differ between the "
        "languages: 'de' has {ende} {start}; 'en' has {end} {start}. Fix: keep every "
        "placeholder in braces as it is, in every language: the build fills in {date}, "
        "{start} and the like by their names."]


@pytest.mark.parametrize("typed", [
    "Zuletzt aktualisiert: 28. Juni 2017",
    "**Zuletzt aktualisiert am 28.06.2017**",
    "Stand: Juni 2017",
    "Last updated: June 28, 2017",
    "_Last updated on 28 June 2017_",
    "Last updated 2017-06-28",
    "Letzte Aktualisierung: 05.12.2026",
    "*Zuletzt geändert am 5.12.2026*",
    "Stand vom 1. Mai 2020",
    "Last modified on June 28, 2017",
])
def test_a_typed_last_updated_date(site_repo, typed):
    site_repo.write({"docs/de/policy.md": DE.replace("Axis schützt", f"{typed}\n\nAxis schützt")})
    found = problems(site_repo, history=False)
    assert len(found) == 1
    assert found[0].startswith("docs/de/policy.md:8: a typed \"last updated\" date ('")
    assert found[0].endswith("'). Fix: delete it; the site shows the date of each version, "
                             "taken from git.")


def test_typed_date_exact_message_and_what_is_not_one(site_repo):
    site_repo.write({"docs/de/policy.md": DE.replace(
        "Axis schützt", "Zuletzt aktualisiert: 28. Juni 2017\n\nDer Stand der Technik.\n\n"
                        "```\nStand: 2017-06-28\n```\n\nAxis schützt")})
    assert problems(site_repo, history=False) == [
        "docs/de/policy.md:8: a typed \"last updated\" date ('Zuletzt aktualisiert: 28. Juni "
        "2017'). Fix: delete it; the site shows the date of each version, taken from git."]


def test_headings_that_differ_from_the_source(site_repo):
    site_repo.write({"docs/en/policy.md": EN.replace("## Storage\n\n", "")})
    assert problems(site_repo, history=False) == [
        "docs/en/policy.md:13: the headings differ from the source: 2 headings where the source "
        "has 3; there is no heading 3, docs/de/policy.md has '## Kontakt' (line 14). Fix: "
        "give the translation the same headings as the source, at the same levels (number of "
        "'#') and in the same order."]


def test_headings_of_another_level(site_repo):
    site_repo.write({"docs/en/policy.md": EN.replace("## Storage", "### Storage")})
    assert problems(site_repo, history=False) == [
        "docs/en/policy.md:11: the headings differ from the source: heading 2 is '### Storage', "
        "docs/de/policy.md has '## Speicherung' (line 10). Fix: give the translation the same "
        "headings as the source, at the same levels (number of '#') and in the same order."]


def test_a_heading_without_a_space_is_a_heading(site_repo):
    """Python-Markdown renders '##Storage' as a heading, so the lint counts it as one."""
    site_repo.write({"docs/en/policy.md": EN.replace("## Storage", "##Storage")})
    assert problems(site_repo, history=False) == []


def test_an_extra_heading_at_the_end_and_setext_headings(site_repo):
    site_repo.write({"docs/en/policy.md": EN + "\nMore\n----\n\nText.\n"})
    assert problems(site_repo, history=False) == [
        "docs/en/policy.md:19: the headings differ from the source: 4 headings where the source "
        "has 3; heading 4 is '## More', docs/de/policy.md has no heading 4. Fix: give the "
        "translation the same headings as the source, at the same levels (number of '#') and "
        "in the same order."]


def test_links_that_do_not_resolve(site_repo):
    site_repo.write({"docs/en/policy.md": EN.replace(
        "[report types](reports/index.md)",
        "[report types](reports/overview.md), [log](policy/changes.md), [ok](../de/policy.md) "
        "[up](../../README.md) `[code](nowhere.md)`") + "\n[ref]: kontakt.md#top\n"})
    assert problems(site_repo, history=False) == [
        "docs/en/policy.md:17: the link '../../README.md' points outside the docs folder. Fix: "
        "link to a page of the site, relative to this page's folder.",
        "docs/en/policy.md:17: the link 'reports/overview.md' points to "
        "docs/en/reports/overview.md, which does not exist. Fix: correct the link (it is "
        "relative to this page's folder), or add the page in this language.",
        "docs/en/policy.md:19: the link 'kontakt.md#top' points to docs/en/kontakt.md, which "
        "does not exist. Fix: correct the link (it is relative to this page's folder), or add "
        "the page in this language."]


def test_a_broken_report_types_file_is_one_problem_not_one_per_link(site_repo):
    (site_repo.path / "data" / "report-types.yml").write_text("report_types: [\n",
                                                               encoding="utf-8")
    found = problems(site_repo, history=False)
    assert len(found) == 1 and found[0].startswith("data/report-types.yml:"), found


def test_a_report_type_page_exists_only_when_the_data_file_has_it(site_repo):
    site_repo.write({"docs/de/index.md": "---\ntitle: Start\n---\n\n# Start\n\n"
                                         "[x](reports/screenshot-report.md)\n"})
    assert problems(site_repo, history=False) == [
        "docs/de/index.md:7: the link 'reports/screenshot-report.md' points to "
        "docs/de/reports/screenshot-report.md, which does not exist. Fix: correct the link (it "
        "is relative to this page's folder), or add the page in this language."]


def test_a_newest_version_without_a_summary(site_repo):
    sha = site_repo.commit("Storage in the EU", "2024-03-01T10:00:00+01:00", {
        "docs/de/policy.md": DE.replace("summary: Fassung vom Juni 2017.\n", "").replace(
            "sicheren Server", "Server in der EU")})
    assert problems(site_repo) == [
        f"docs/de/policy.md:1: the newest version (2024-03-01, commit {sha[:12]}) has no change "
        "summary. Fix: write what changed, in one or two sentences, in the 'summary:' field of "
        "the front matter, in the same pull request."]


def test_a_newest_version_that_keeps_the_old_summary(site_repo):
    sha = site_repo.commit("Storage in the EU", "2024-03-01T10:00:00+01:00", {
        "docs/de/policy.md": DE.replace("sicheren Server", "Server in der EU")})
    result = run(site_repo.path)
    assert result.returncode == 1
    assert result.stdout == (
        f"docs/de/policy.md:3: the newest version (2024-03-01, commit {sha[:12]}) keeps the "
        "summary of the version before it. Fix: write what changed, in one or two sentences, "
        "in the 'summary:' field of the front matter, in the same pull request.\n")
    assert result.stderr == "lint: 1 problem(s).\n"


def test_an_uncommitted_change_without_a_new_summary(site_repo):
    site_repo.write({"docs/de/policy.md": DE.replace("sicheren Server", "Server in der EU")})
    assert problems(site_repo) == [
        "docs/de/policy.md:3: the uncommitted change to the text has no new change summary. "
        "Fix: write what changed, in one or two sentences, in the 'summary:' field of the "
        "front matter, in the same pull request."]
    site_repo.write({"docs/de/policy.md": DE.replace("sicheren Server", "Server in der EU")
                     .replace("Fassung vom Juni 2017.", "Speicherort in der EU.")})
    assert problems(site_repo) == []


def test_an_uncommitted_change_keeping_a_summary_written_after_the_version(site_repo):
    """The summary at HEAD, not the one the version started with, is the one to change."""
    site_repo.commit("Summary rewritten\n\nEditorial: yes", "2020-02-01T10:00:00+01:00",
                     {"docs/de/policy.md": DE.replace("Fassung vom Juni 2017.",
                                                      "Fassung vom 28. Juni 2017.")})
    site_repo.write({"docs/de/policy.md": DE.replace("Fassung vom Juni 2017.",
                                                     "Fassung vom 28. Juni 2017.")
                     .replace("sicheren Server", "Server in der EU")})
    assert problems(site_repo) == [
        "docs/de/policy.md:3: the uncommitted change to the text has no new change summary. "
        "Fix: write what changed, in one or two sentences, in the 'summary:' field of the "
        "front matter, in the same pull request."]


def test_outside_git_the_summaries_are_skipped_with_a_note(tmp_path):
    for name, content in site_files(de_policy=DE, en_policy=EN).items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = run(tmp_path)
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == "lint: not a git checkout: the change summaries were not checked.\n"


def test_problems_are_printed_sorted_with_exit_1(site_repo):
    site_repo.write({"docs/en/policy.md": EN.replace("summary:", "sumary:").replace(
        "## Storage", "### Storage")})
    result = run(site_repo.path, "--no-history")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == ["docs/en/policy.md:3",
                                                          "docs/en/policy.md:11"]


def test_an_unreadable_site_exits_2(tmp_path):
    result = run(tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("lint: ")
