"""Every version kept: archive pages, redlines, change log, feeds and versions.json."""

from __future__ import annotations

import hashlib
import json
import re

import feedparser
import pytest

from conftest import Repo, build_site, git, policy, site_files
from policy_site import archive as site_archive
from policy_site import feeds
from policy_site import site as site_module
from policy_site import strings as strings_module

V1 = ("Axis ist dem Schutz Ihrer Daten verpflichtet.\n\n## Speicherung\n\n"
      "Alle Kundendaten werden auf einem sicheren Server gespeichert.\n\n"
      "## Zugang\n\nNur Mitarbeiter von Axis haben Zugang.")
V2 = V1.replace("sicheren Server", "geschützten Server")
V3 = V2 + "\n\n## Löschung\n\nDaten werden nach Abschluss des Falls gelöscht."
EN = "Axis is committed to protecting your data.\n\n## Storage\n\nAll data is stored on a secure server."


def de(body: str, summary: str) -> str:
    return policy("Datenschutzerklärung", body, summary=summary)


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Three German versions (two on one day) and one English version."""
    repo = Repo(tmp_path_factory.mktemp("archive") / "repo")
    repo.path.mkdir()
    git(repo.path, "init", "-q", "-b", "main")
    shas = [
        repo.commit("Import\n\nPublished: 2019-05-01", "2020-01-10T10:00:00+00:00",
                    site_files(de_policy=de(V1, "Fassung vom Mai 2019."),
                               en_policy=policy("Privacy statement", EN, summary="May 2019 text."))),
        repo.commit("Secure becomes protected", "2020-03-01T09:00:00+00:00",
                    {"docs/de/policy.md": de(V2, "Speicherort genauer beschrieben.")}),
        repo.commit("Deletion", "2020-03-01T15:00:00+00:00",
                    {"docs/de/policy.md": de(V3, "Neuer Abschnitt zur Löschung.")}),
    ]
    build = build_site(repo.path)
    assert build.ok, build.log
    return repo, shas, build


def test_every_version_has_a_permanent_page_with_its_text(history):
    _, _, build = history
    old = build.text("policy/versions/2019-05-01/")
    assert "sicheren Server" in old and "geschützten" not in old and "Löschung" not in old
    middle = build.text("policy/versions/2020-03-01/")
    assert "geschützten Server" in middle and "Löschung" not in middle
    newest = build.text("policy/versions/2020-03-01-2/")
    assert "geschützten Server" in newest and "Daten werden nach Abschluss des Falls gelöscht." in newest
    assert (build.site / "en/policy/versions/2019-05-01/index.html").exists()
    assert not (build.site / "en/policy/versions/2020-03-01").exists()


def test_archive_notice_says_when_it_was_in_force(history):
    _, _, build = history
    old = build.text("policy/versions/2019-05-01/")
    assert "Archivierte Fassung. Sie galt vom 1. Mai 2019 bis zu ihrer Ablösung am 1. März 2020." in old
    assert "Aktuelle Fassung lesen" in old and "Änderungen an diesem Dokument" in old
    current = build.text("policy/versions/2020-03-01-2/")
    assert ("Dies ist die aktuelle Fassung; sie gilt seit dem 1. März 2020 (2. Fassung des "
            "Tages).") in current
    # Two versions of one day are told apart wherever their day is named.
    middle = build.text("policy/versions/2020-03-01/")
    assert ("Sie galt vom 1. März 2020 (1. Fassung des Tages) bis zu ihrer Ablösung am 1. März "
            "2020.") in middle
    assert ("Was sich mit der Fassung vom 1. März 2020 (2. Fassung des Tages) gegenüber der "
            "Fassung vom 1. März 2020 (1. Fassung des Tages) geändert hat.") in build.text(
                "policy/versions/2020-03-01-2/changes/")
    assert "1. März 2020 (2. Fassung des Tages)</time>" in build.html("policy/changes/")
    assert "Archived version. It was in force" not in build.text("en/policy/versions/2019-05-01/")


def test_archived_pages_stay_out_of_search_and_navigation(history):
    _, _, build = history
    index = json.loads((build.site / "search/search_index.json").read_text(encoding="utf-8"))
    assert not [d["location"] for d in index["docs"] if "versions/" in d["location"]]
    # Outside the article, no link to a version (the printed address is text, not a link).
    outside = re.sub(r'<article.*</article>', "", build.html("policy/"), flags=re.S)
    assert not re.search(r'href="[^"]*versions/', outside)


def test_archived_pages_carry_the_theme_without_its_indentation(history):
    """The shell is compacted (archive.compact): the same elements as on a current page,
    without the blank lines and indentation (6.7 KB of each 80 KB archived page)."""
    _, _, build = history
    archived, current = build.html("policy/versions/2019-05-01/"), build.html("policy/")
    before, after = archived.index("<article"), archived.index("</article>")
    for outside in archived[:before], archived[after:]:
        assert not re.search(r"\n[ \t]|\n\n", outside)
    for part in ('class="md-nav md-nav--primary"', 'class="md-select"', 'class="md-search"'):
        assert part in archived and part in current
    assert archived.count("<script") == current.count("<script")


def test_compact_keeps_white_space_where_it_is_content():
    html = ("<div>\n    <p>a\n   b</p>\n\n  <pre class=x>  x\n\n    y</pre>  \n"
            "<SCRIPT>var a = `1\n   2`;</SCRIPT>\n\t<textarea>\n  t</textarea> <p>c  d</p>\n")
    assert site_archive.compact(html) == (
        "<div>\n<p>a\nb</p>\n<pre class=x>  x\n\n    y</pre>\n"
        "<SCRIPT>var a = `1\n   2`;</SCRIPT>\n<textarea>\n  t</textarea> <p>c  d</p>\n")


def _marks(html: str) -> tuple[list[str], list[str]]:
    def words(tag):
        return [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, re.S)]
    return words("ins"), words("del")


def test_redline_marks_exactly_the_changed_words(history):
    _, _, build = history
    html = build.html("policy/versions/2020-03-01/changes/")
    inserted, deleted = _marks(html[html.index('class="redline"'):])
    assert inserted == ["geschützten"] and deleted == ["sicheren"]
    assert "Wörter eingefügt: 1, gelöscht: 1; geänderte Absätze: 1." in build.text("policy/versions/2020-03-01/changes/")
    assert "Speicherort genauer beschrieben." in build.text("policy/versions/2020-03-01/changes/")
    html = build.html("policy/versions/2020-03-01-2/changes/")
    inserted, deleted = _marks(html[html.index('class="redline"'):])
    assert deleted == []
    assert " ".join(inserted).split() == "Löschung Daten werden nach Abschluss des Falls gelöscht.".split()
    assert "<h2" in html[html.index('class="redline"'):]  # headings stay headings


def test_any_version_can_be_compared_with_the_current_one(history):
    _, _, build = history
    html = build.html("policy/versions/2019-05-01/compare/")
    inserted, deleted = _marks(html[html.index('class="redline"'):])
    assert deleted == ["sicheren"]
    assert "geschützten" in inserted and "Löschung" in " ".join(inserted)
    assert not (build.site / "policy/versions/2020-03-01-2/compare").exists()  # the current one
    assert not (build.site / "policy/versions/2019-05-01/changes").exists()  # the first one


def test_change_log_newest_first_with_summaries_and_links(history):
    _, _, build = history
    text = build.text("policy/changes/")
    order = [text.index(s) for s in ("Neuer Abschnitt zur Löschung.", "Speicherort genauer beschrieben.",
                                     "Fassung vom Mai 2019.")]
    assert order == sorted(order)
    html = build.html("policy/changes/")
    for href in ("../versions/2020-03-01-2/", "../versions/2020-03-01-2/changes/",
                 "../versions/2020-03-01/changes/", "../versions/2019-05-01/",
                 "../versions/2019-05-01/compare/"):
        assert f'href="{href}"' in html
    assert 'href="changes/"' in build.html("policy/")  # linked next to the date


def test_feeds_parse_and_agree_with_history(history):
    _, _, build = history
    for lang, count in (("de", 3), ("en", 1)):
        path = build.site / ("" if lang == "de" else "en/") / "feed.xml"
        feed = feedparser.parse(path.read_bytes())
        assert feed.bozo == 0, feed.bozo_exception
        assert len(feed.entries) == count
    feed = feedparser.parse((build.site / "feed.xml").read_bytes())
    newest = feed.entries[0]
    assert newest.link == "https://privacy-reports.example.com/policy/versions/2020-03-01-2/"
    assert newest.summary == "Neuer Abschnitt zur Löschung."
    assert newest.published.startswith("2020-03-01T15:00:00")
    assert feed.entries[-1].published.startswith("2019-04-30T22:00:00")  # Berlin midnight
    for url in ("policy/", "en/reports/", "contact/"):
        assert re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="[^"]*feed\.xml"',
                         build.html(url))


def test_a_feed_lists_the_newest_versions_only(history):
    """A long history's feed would be megabytes on every poll: the newest `ENTRIES` only."""
    repo, _, _ = history
    site = site_module.load(repo.path / "mkdocs.yml")
    docs = [d for d in site.policy_docs(site.read_history()) if d.language == "de"]
    text = strings_module.load(site.settings.strings, site.languages)["de"]
    feed = feedparser.parse(feeds.atom_feed(docs, text, site_url="https://x.example/",
                                            site_name="X", author="X", entries_max=2))
    assert feeds.ENTRIES == 50
    assert [e.link for e in feed.entries] == ["https://x.example/policy/versions/2020-03-01-2/",
                                              "https://x.example/policy/versions/2020-03-01/"]


def test_manifest_lists_every_version_with_the_file_hash(history):
    repo, shas, build = history
    data = json.loads((build.site / "versions.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == 1
    docs = {(p["language"], p["page"]): p for p in data["policies"]}
    german = docs[("de", "policy.md")]
    assert [v["id"] for v in german["versions"]] == ["2019-05-01", "2020-03-01", "2020-03-01-2"]
    assert [v["commit"] for v in german["versions"]] == shas
    for v in german["versions"] + docs[("en", "policy.md")]["versions"]:
        blob = subprocess_bytes(repo, v["commit"], v["source_path"])
        assert v["sha256"] == hashlib.sha256(blob).hexdigest()
        assert set(v) == {"number", "id", "date", "published", "imported", "commit", "source_path",
                          "url", "redline_url", "summary", "sha256"}
    assert german["versions"][0]["imported"] is True and german["versions"][0]["redline_url"] is None
    assert german["versions"][1]["redline_url"].endswith("/policy/versions/2020-03-01/changes/")


def subprocess_bytes(repo: Repo, commit: str, path: str) -> bytes:
    import subprocess
    return subprocess.run(["git", "show", f"{commit}:{path}"], cwd=repo.path, check=True,
                          capture_output=True).stdout


def test_new_version_without_summary_is_a_strict_build_warning(repo: Repo):
    repo.commit("Site", "2020-01-10T10:00:00+00:00",
                site_files(de_policy=de(V1, "Erste."), en_policy=policy("Statement", EN)))
    repo.commit("Change, summary forgotten", "2020-02-02T10:00:00+00:00",
                {"docs/de/policy.md": de(V2, "Erste.")})
    build = build_site(repo.path)
    assert not build.ok
    assert "docs/de/policy.md: the newest version (2020-02-02, commit " in build.log
    assert "has no change summary. Fix: write what changed" in build.log


def test_readme_documents_every_manifest_field(history):
    """The schema in the README and the file the build writes name the same fields."""
    from conftest import ROOT

    _, _, build = history
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### `versions.json`"):readme.index("## Adding a language")]
    documented = set(re.findall(r"^\| `(?:[a-z_]+\[\]\.)?([a-z_0-9]+)(?:\[\])?`", table, re.M))
    data = json.loads((build.site / "versions.json").read_text(encoding="utf-8"))
    produced = set(data) | set(data["policies"][0]) | set(data["policies"][0]["versions"][0])
    assert documented == produced


def test_an_archived_texts_links_lead_to_todays_pages_or_lose_the_link():
    from policy_site.archive import rebase_links

    pages = {"contact.md": "contact/", "reports/crash.md": "reports/crash/"}.get
    body = ('See [contact](contact.md "Write to us"), [crash reports](reports/crash.md#items), '
            "[the old annex](annex.md), ![a chart](chart.png), [mail](mailto:a@b.example), "
            "[top](#top) and [web](https://example.com/x.md).")
    assert rebase_links(body, "policy.md", "policy/versions/2020-01-01/", pages) == (
        'See [contact](../../../contact/ "Write to us"), '
        "[crash reports](../../../reports/crash/#items), the old annex, , "
        "[mail](mailto:a@b.example), [top](#top) and [web](https://example.com/x.md).")
