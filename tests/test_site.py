"""The real site: strict build, every page in every language, data file, no external loads."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, Repo, build_site, copy_tree, git, policy, site_files
from policy_site import reports

LANGUAGES = ("de", "en")
PAGES = ("", "policy/", "policy/changes/", "reports/", "reports/server-report/",
         "reports/crash-report/", "contact/", "policy/versions/2017-06-28/")


@pytest.fixture(scope="session")
def real(tmp_path_factory):
    """The site built from this repository, as CI builds it (strict)."""
    build = build_site(ROOT, site_dir=tmp_path_factory.mktemp("real") / "site")
    assert build.ok, build.log
    return build


def url(lang: str, page: str) -> str:
    return ("" if lang == "de" else f"{lang}/") + page


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_exists_in_every_language(real, lang, page):
    html = real.html(url(lang, page))
    assert f'<html lang="{lang}"' in html


def test_404_page_per_language(real):
    assert "Seite nicht gefunden" in real.html("404.html")
    assert "Page not found" in real.html("en/404.html")
    assert '<html lang="en"' in real.html("en/404.html")
    # A reader who followed an old link finds the versions: the change log is a link.
    assert re.search(r'<a href="[^"]*/policy/changes/">Frühere Fassungen', real.html("404.html"))
    assert re.search(r'<a href="[^"]*/en/policy/changes/">Earlier versions',
                     real.html("en/404.html"))


def _newest_versions(real) -> dict[str, dict]:
    """Each language's newest version of the policy, from the built versions.json: what the
    tests of the real site compare with, so that an editor's change does not fail them."""
    manifest = json.loads((real.site / "versions.json").read_text(encoding="utf-8"))
    return {p["language"]: p["versions"][-1] for p in manifest["policies"]
            if p["page"] == "policy.md"}


def test_policy_shows_the_date_of_its_newest_version_and_keeps_the_imported_one(real):
    manifest = json.loads((real.site / "versions.json").read_text(encoding="utf-8"))
    for policy in (p for p in manifest["policies"] if p["page"] == "policy.md"):
        first, newest = policy["versions"][0], policy["versions"][-1]
        assert (first["date"], first["imported"]) == ("2017-06-28", True)
        page = real.html(url(policy["language"], "policy/"))
        assert re.search(r'<time datetime="([^"]+)">', page).group(1) == newest["date"]
    assert "28. Juni 2017" in real.text("policy/versions/2017-06-28/")
    assert "June 28, 2017" in real.text("en/policy/versions/2017-06-28/")


def test_every_report_item_appears_in_every_language(real):
    catalog = reports.load(ROOT / "data/report-types.yml", LANGUAGES)
    for lang in LANGUAGES:
        comparison = real.text(url(lang, "reports/"))
        for report in catalog.report_types.values():
            page = real.text(url(lang, f"reports/{report.id}/"))
            assert report.name[lang] in page
            for item in catalog.items_of(report):
                assert item.name[lang] in page, (lang, report.id, item.id)
                assert item.description[lang] in page
                assert item.name[lang] in comparison


def test_crash_report_names_the_sensitive_items(real):
    page = real.text("en/reports/crash-report/")
    for word in ("User IDs", "Passwords", "Video recordings", "network traffic"):
        assert word in page


@pytest.mark.parametrize("lang, yes, not_stated, no", [("de", "Ja", "Keine Angabe", "Nein"),
                                                       ("en", "Yes", "Not stated", "No")])
def test_what_the_statement_does_not_call_sensitive_is_not_called_safe(real, lang, yes,
                                                                       not_stated, no):
    """An item without a `sensitive:` note is 'not stated', never 'no': the statement says
    nothing about user access logs, and a customer must not read that they are harmless."""
    catalog = reports.load(ROOT / "data/report-types.yml", LANGUAGES)
    for page in ("reports/server-report/", "reports/crash-report/", "reports/"):
        html = real.html(url(lang, page))
        cells = [re.sub(r"<[^>]+>", "", cell).strip()
                 for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]
        assert no not in cells, page
        assert not_stated in cells and (page == "reports/" or yes in cells), page
    rows = re.findall(r"<tr>(.*?)</tr>", real.html(url(lang, "reports/server-report/")), re.S)
    logs = next(row for row in rows if catalog.items["user-access-logs"].name[lang] in row)
    assert not_stated in logs


# Attributes and CSS that make a browser fetch something (links to read are fine).
_LOADING = [
    re.compile(r'<link\b[^>]*\bhref="(?P<url>[^"]+)"', re.I),
    re.compile(r'<script\b[^>]*\bsrc="(?P<url>[^"]+)"', re.I),
    re.compile(r'<(?:img|iframe|source|video|audio|embed|track)\b[^>]*\bsrcs?e?t?="(?P<url>[^"]+)"', re.I),
    re.compile(r'<object\b[^>]*\bdata="(?P<url>[^"]+)"', re.I),
    re.compile(r'url\(\s*["\']?(?P<url>[^"\')]+)', re.I),
    re.compile(r'@import\s+["\'](?P<url>[^"\']+)', re.I),
    re.compile(r'\bimport\s*\(\s*["\'](?P<url>https?:[^"\']+)', re.I),
]
_ALLOWED_LINK_RELS = re.compile(r'rel="(canonical|alternate)"', re.I)


def test_no_file_loads_anything_from_another_origin(real):
    offenders = []
    for path in sorted(real.site.rglob("*")):
        if path.suffix not in {".html", ".css", ".js"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in _LOADING:
            for match in pattern.finditer(text):
                target = match.group("url")
                if target.startswith("//") or re.match(r"https?:", target):
                    tag = match.group(0)
                    if tag.startswith("<link") and _ALLOWED_LINK_RELS.search(tag):
                        continue  # canonical/hreflang name the page's public address; nothing loads
                    if path.suffix == ".js" and "www.w3.org" in target:
                        continue  # an XML namespace name inside a script, not a request
                    offenders.append(f"{path.relative_to(real.site)}: {target}")
    assert offenders == []


def test_no_google_fonts_and_no_analytics(real):
    html = real.html("policy/")
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    assert "googletagmanager" not in html and "analytics" not in html.lower()


def test_feedback_form_targets_the_configured_address(real):
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!ENV", ""))
    email = config["extra"]["policies"]["contact"]["email"]
    for lang in LANGUAGES:
        html = real.html(url(lang, "contact/"))
        assert f'action="mailto:{email}"' in html
        assert f'data-email="{email}"' in html
        link = re.search(r'id="feedback-mailto" href="([^"]+)"', html).group(1)
        assert link.startswith(f"mailto:{email}?subject=")
        assert _newest_versions(real)[lang]["id"] in link.replace("%2D", "-")  # its version
        assert f"mailto:{email}" in html  # the contact channels


def test_language_switcher_links_the_same_page(real):
    html = real.html("reports/crash-report/")
    assert re.search(r'href="[^"]*en/reports/crash-report/"[^>]*hreflang="en"', html)
    html = real.html("en/policy/changes/")
    assert re.search(r'href="(\.\./)*policy/changes/"[^>]*hreflang="de"', html)


def _site_repo(repo: Repo) -> Repo:
    repo.commit("Site", "2022-01-01T10:00:00+00:00", site_files(
        de_policy=policy("Erklärung", "Text."), en_policy=policy("Statement", "Text.")))
    return repo


def test_data_file_unknown_key_fails_naming_file_and_item(repo: Repo):
    _site_repo(repo)
    data = (repo.path / "data/report-types.yml").read_text(encoding="utf-8")
    bad = data.replace("  event-logs:\n", "  event-logs:\n    colour: {de: rot, en: red}\n", 1)
    repo.write({"data/report-types.yml": bad})
    build = build_site(repo.path)
    assert not build.ok
    line = bad.splitlines().index("    colour: {de: rot, en: red}") + 1
    assert f"data/report-types.yml:{line}: item 'event-logs' has an unknown key 'colour'." in build.log
    assert "Fix: use only: name, description, sensitive." in build.log


def test_data_file_missing_translation_fails_naming_file_and_item(repo: Repo):
    _site_repo(repo)
    data = yaml.safe_load((repo.path / "data/report-types.yml").read_text(encoding="utf-8"))
    del data["items"]["event-logs"]["name"]["en"]
    repo.write({"data/report-types.yml": yaml.safe_dump(data, allow_unicode=True, sort_keys=False)})
    build = build_site(repo.path)
    assert not build.ok
    assert "data/report-types.yml:" in build.log
    assert "item 'event-logs' has no name in 'en'. Fix: add 'en: …' under 'name'" in build.log


def test_adding_a_language_is_a_folder_and_an_entry(tmp_path: Path):
    copy = tmp_path / "copy"
    copy_tree(ROOT, copy)
    # The new language: one folder …
    copy_tree(copy / "docs/en", copy / "docs/fr")
    # … one entry in mkdocs.yml …
    config = (copy / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("        - locale: en\n", "        - locale: fr\n          name: Français\n"
                            "          build: true\n          site_name: Déclaration de confidentialité\n"
                            "        - locale: en\n", 1)
    (copy / "mkdocs.yml").write_text(config, encoding="utf-8")
    # … and its texts in the data files (here: the English ones, as a translator's start).
    for name in ("data/strings.yml", "data/report-types.yml"):
        data = yaml.safe_load((copy / name).read_text(encoding="utf-8"))
        (copy / name).write_text(yaml.safe_dump(_add_language(data, "fr"), allow_unicode=True),
                                 encoding="utf-8")
    git(copy, "add", "-A")
    when = git(copy, "log", "-1", "--format=%cI").strip()  # not before the commit it follows
    git(copy, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m",
        "Add French", env={"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when})
    build = build_site(copy, site_dir=tmp_path / "site")
    assert build.ok, build.log
    html = build.html("fr/policy/")
    assert '<html lang="fr"' in html
    assert 'hreflang="fr"' in build.html("policy/")
    assert (build.site / "fr/reports/crash-report/index.html").exists()
    assert (build.site / "fr/feed.xml").exists()


def _add_language(data, lang: str):
    """Give every {de: …, en: …} text a `lang` text too (the English one)."""
    if isinstance(data, dict):
        data = {k: _add_language(v, lang) for k, v in data.items()}
        if "en" in data:
            data[lang] = data["en"]
    return data


def test_sitemap_has_absolute_hreflang_alternates_and_x_default(real):
    sitemap = (real.site / "sitemap.xml").read_text(encoding="utf-8")
    entry = re.search(r"<url>\s*<loc>https://privacy-reports.example.com/policy/</loc>.*?</url>", sitemap, re.S).group(0)
    assert 'hreflang="de" href="https://privacy-reports.example.com/policy/"' in entry
    assert 'hreflang="en" href="https://privacy-reports.example.com/en/policy/"' in entry
    assert 'hreflang="x-default" href="https://privacy-reports.example.com/policy/"' in entry


def test_sitemap_lists_the_generated_pages_every_language_has(real):
    sitemap = (real.site / "sitemap.xml").read_text(encoding="utf-8")
    for url in ("reports/server-report/", "en/reports/crash-report/", "policy/changes/",
                "en/policy/changes/"):
        assert f"<loc>https://privacy-reports.example.com/{url}</loc>" in sitemap
    assert "versions/" not in sitemap  # archived versions are not pages to find
