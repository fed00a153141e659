"""A build that reuses what the last one left gives the site a fresh build gives.

A warm build keeps the archive the last build wrote in the site folder (policy_site.kept),
links pages from the page cache (policy_site.cache) and makes the rest in worker processes
(policy_site.parallel); policies of one language and depth share one shell
(archive.shell_owners). None of that may show: every build is compared, file by file, with
a build from nothing, with no cache, in one process.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import Repo, build_site, git, policy, site_files
from policy_site.errors import PolicySiteError
from policy_site.kept import HIDDEN, KeptArchive, KeptFolder

FRESH = {"POLICY_SITE_CACHE": "off", "POLICY_SITE_JOBS": "1"}


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def _assert_same_as_fresh(repo: Repo, site: Path, tmp_path: Path, name: str) -> None:
    fresh = build_site(repo.path, env=FRESH, site_dir=tmp_path / name)
    assert fresh.ok, fresh.log
    kept, made = _tree(site), _tree(fresh.site)
    assert sorted(kept) == sorted(made)
    assert [p for p in kept if kept[p] != made[p]] == []


def _two_policies(repo: Repo) -> None:
    """The real site with a second policy, 'terms.md', in both languages."""
    files = site_files(de_policy=policy("Datenschutz", "Erste Fassung.\n\n## Teil\n\nText.",
                                        summary="Erste."),
                       en_policy=policy("Privacy", "First text.", summary="First."))
    config = files["mkdocs.yml"].decode("utf-8")
    files["mkdocs.yml"] = config.replace("    pages:\n      - policy.md\n",
                                         "    pages:\n      - policy.md\n      - terms.md\n")
    files["docs/de/terms.md"] = policy("Bedingungen", "Die Bedingungen.", summary="Erste.")
    files["docs/en/terms.md"] = policy("Terms", "The terms.", summary="First.")
    repo.commit("Import\n\nPublished: 2019-05-01", "2020-01-10T10:00:00+00:00", files)
    repo.commit("Terms", "2020-02-01T10:00:00+00:00",
                {"docs/de/terms.md": policy("Bedingungen", "Die neuen Bedingungen.",
                                            summary="Neu gefasst.")})


def test_a_warm_build_in_worker_processes_gives_the_fresh_build(repo: Repo, tmp_path: Path):
    _two_policies(repo)
    site = tmp_path / "site"
    first = build_site(repo.path, env={"POLICY_SITE_JOBS": "2"}, site_dir=site)
    assert first.ok, first.log
    assert (repo.path / ".cache/policy-site/kept.json").exists()
    assert not (site / HIDDEN).exists()
    _assert_same_as_fresh(repo, site, tmp_path, "fresh-1")

    # One shell serves both policies: each archived page's language switcher leads to the
    # change log of its own policy.
    html = first.html("terms/versions/2020-02-01/")
    assert re.search(r'href="\.\./\.\./\.\./en/terms/changes/" hreflang="en"', html)
    assert re.search(r'href="\.\./\.\./changes/" hreflang="de"', html)
    assert "policy-shell" not in html and not (site / "policy/versions/policy-shell").exists()

    repo.commit("Storage", "2020-03-01T10:00:00+00:00",
                {"docs/de/policy.md": policy("Datenschutz", "Zweite Fassung.\n\n## Teil\n\nText.",
                                             summary="Zweite.")})
    warm = build_site(repo.path, site_dir=site)
    assert warm.ok, warm.log
    _assert_same_as_fresh(repo, site, tmp_path, "fresh-2")

    # A history rewritten (the newest version dropped): its pages go, the rest stays right.
    git(repo.path, "reset", "-q", "--hard", "HEAD~1")
    again = build_site(repo.path, env={"POLICY_SITE_JOBS": "2"}, site_dir=site)
    assert again.ok, again.log
    assert not (site / "policy/versions/2020-03-01").exists()
    _assert_same_as_fresh(repo, site, tmp_path, "fresh-3")


def test_a_folder_rewritten_by_a_build_without_record_is_not_trusted(repo: Repo,
                                                                    tmp_path: Path):
    """A build with the cache off rewrites the site folder but leaves the old record: the
    next build must see that the folders are not the ones the record names."""
    _two_policies(repo)
    site = tmp_path / "site"
    assert build_site(repo.path, site_dir=site).ok
    repo.commit("Storage", "2020-03-01T10:00:00+00:00",
                {"docs/de/policy.md": policy("Datenschutz", "Zweite Fassung.", summary="Zweite.")})
    assert build_site(repo.path, env={"POLICY_SITE_CACHE": "off"}, site_dir=site).ok
    assert (site / "policy/versions/2020-03-01").is_dir()
    git(repo.path, "reset", "-q", "--hard", "HEAD~1")
    again = build_site(repo.path, site_dir=site)
    assert again.ok, again.log
    assert not (site / "policy/versions/2020-03-01").exists()
    _assert_same_as_fresh(repo, site, tmp_path, "fresh")


def _kept_site(tmp_path: Path) -> tuple[Path, Path]:
    site, record = tmp_path / "site", tmp_path / "cache" / "kept.json"
    (site / "policy/versions/2020-01-01").mkdir(parents=True)
    (site / "policy/versions/2020-01-01/index.html").write_text("old", encoding="utf-8")
    kept = KeptArchive(site, record)
    kept.written("policy/versions/", KeptFolder("k", {"policy/versions/2020-01-01/": "p"}))
    kept.finish()
    return site, record


def test_a_kept_archive_comes_back_with_its_record(tmp_path: Path):
    site, record = _kept_site(tmp_path)
    kept = KeptArchive(site, record)
    kept.set_aside()
    assert not (site / "policy/versions").exists() and (site / HIDDEN).is_dir()
    back = kept.restore("policy/versions/")
    assert back == KeptFolder("k", {"policy/versions/2020-01-01/": "p"})
    assert (site / "policy/versions/2020-01-01/index.html").read_text(encoding="utf-8") == "old"


def test_a_build_stopped_half_way_leaves_nothing_to_trust(tmp_path: Path):
    site, record = _kept_site(tmp_path)
    KeptArchive(site, record).set_aside()  # ... and the build dies before finish()
    assert str(site.resolve()) not in json.loads(record.read_text(encoding="utf-8"))
    later = KeptArchive(site, record)
    later.set_aside()
    assert not (site / HIDDEN).exists()  # what the dead build set aside is gone
    assert later.restore("policy/versions/") == KeptFolder()


@pytest.mark.parametrize("setting", ["two", "-"])
def test_a_wrong_number_of_processes_names_the_variable(repo: Repo, tmp_path: Path, setting: str):
    _two_policies(repo)
    build = build_site(repo.path, env={"POLICY_SITE_JOBS": setting, "POLICY_SITE_CACHE": "off"})
    assert not build.ok
    assert "POLICY_SITE_JOBS" in build.log and "whole number" in build.log


def test_the_cache_variable_is_checked_like_the_setting(repo: Repo):
    _two_policies(repo)
    build = build_site(repo.path, env={"POLICY_SITE_CACHE": ""})
    assert not build.ok
    assert "POLICY_SITE_CACHE: '' is not a folder." in build.log
    build = build_site(repo.path, env={"POLICY_SITE_CACHE": "OFF"})
    assert build.ok, build.log
    assert not (repo.path / "OFF").exists() and not (repo.path / ".cache").exists()


def test_an_old_version_loses_its_link_when_the_page_is_gone_warm_or_cold(repo: Repo,
                                                                         tmp_path: Path):
    files = site_files(de_policy=policy("Datenschutz", "Siehe [den Anhang](anhang.md).",
                                        summary="Erste."),
                       en_policy=policy("Privacy", "First text.", summary="First."))
    files["docs/de/anhang.md"] = "# Anhang\n\nText.\n"
    repo.commit("Import\n\nPublished: 2019-05-01", "2020-01-10T10:00:00+00:00", files)
    repo.commit("No annex", "2020-03-01T10:00:00+00:00",
                {"docs/de/policy.md": policy("Datenschutz", "Ohne Anhang.", summary="Zweite.")})
    site = tmp_path / "site"
    first = build_site(repo.path, site_dir=site)
    assert first.ok, first.log
    assert 'href="../../../anhang/"' in first.html("policy/versions/2019-05-01/")

    # The annex goes; no version of the policy changes, yet the first one's link must.
    repo.commit("Annex removed", "2020-04-01T10:00:00+00:00", {"docs/de/anhang.md": None})
    warm = build_site(repo.path, site_dir=site)
    assert warm.ok, warm.log
    old = warm.html("policy/versions/2019-05-01/")
    assert "Siehe den Anhang." in old and "anhang/" not in old
    _assert_same_as_fresh(repo, site, tmp_path, "fresh")


def test_the_page_cache_prunes_what_this_build_did_not_use(tmp_path: Path):
    """Unused pages go; used and kept ones stay; a half-copied file goes only when it is old
    (a younger one may be another build's, writing right now)."""
    import os
    import time

    from policy_site.cache import PageCache

    cache = PageCache(tmp_path / "pages")
    site = tmp_path / "site"
    for key in ("aa11", "aa22", "bb33"):
        cache.store(key, site / key / "index.html", f"<p>{key}</p>")
    old_partial = tmp_path / "pages" / "aa" / "aa44.123.tmp"
    new_partial = tmp_path / "pages" / "bb" / "bb55.456.tmp"
    for partial in (old_partial, new_partial):
        partial.write_text("half", encoding="utf-8")
    two_hours_ago = time.time() - 7200
    os.utime(old_partial, (two_hours_ago, two_hours_ago))

    later = PageCache(tmp_path / "pages")
    assert later.link("aa11", tmp_path / "other" / "index.html")
    later.keep("bb33")
    assert later.prune() == 1
    left = sorted(p.name for p in (tmp_path / "pages").glob("*/*"))
    assert left == ["aa11.html", "bb33.html", "bb55.456.tmp"]
    assert (site / "aa22" / "index.html").read_text(encoding="utf-8") == "<p>aa22</p>"


def test_a_cold_build_makes_redlines_ahead_and_the_same_pages(repo: Repo, tmp_path: Path):
    """With two processes and nothing kept, a worker makes redlines while MkDocs renders;
    the pages are those of a build in one process."""
    _two_policies(repo)
    build = build_site(repo.path, "--verbose", env={"POLICY_SITE_JOBS": "2"},
                       site_dir=tmp_path / "site")
    assert build.ok, build.log
    made = re.search(r"redlines made ahead: (\d+)", build.log)
    assert made and int(made.group(1)) > 0, build.log
    _assert_same_as_fresh(repo, build.site, tmp_path, "fresh")


def test_work_made_ahead_comes_back_or_is_left_to_the_build():
    """What the worker made comes back as a dict; a worker that fails gives nothing back,
    and the build makes it all itself."""
    import time

    from policy_site.parallel import Ahead

    ahead = Ahead.start(range(50), lambda n: (n, n * n))
    time.sleep(0.5)
    assert ahead.collect() == {n: n * n for n in range(50)}

    stopped = Ahead.start(range(10**6), lambda n: (n, n * n)).collect()
    assert len(stopped) < 10**6 and all(stopped[n] == n * n for n in stopped)

    def fails(n: int) -> tuple[int, int]:
        raise ValueError(n)

    assert Ahead.start(range(3), fails).collect() == {}


def test_workers_leave_nothing_frozen(tmp_path: Path):
    """The build's objects are frozen for the garbage collector only while workers run: a
    process that goes on after them (a test, `mkdocs serve`) collects everything again."""
    import gc

    from policy_site import parallel

    assert gc.get_freeze_count() == 0
    ahead = parallel.Ahead.start(range(5), lambda n: (n, n))
    assert gc.get_freeze_count() > 0
    assert ahead.collect() == {n: n for n in range(5)}
    assert gc.get_freeze_count() == 0

    def write(n: int) -> None:
        (tmp_path / f"{n}.txt").write_text(str(n), encoding="utf-8")

    parallel.run([(1, lambda n=n: write(n)) for n in range(4)], jobs=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.txt", "1.txt", "2.txt", "3.txt"]
    assert gc.get_freeze_count() == 0
    with pytest.raises(PolicySiteError, match="ZeroDivisionError"):  # failed in the worker
        parallel.run([(1, lambda: None), (1, lambda: 1 / 0)], jobs=2)
    assert gc.get_freeze_count() == 0
    with pytest.raises(ZeroDivisionError):  # failed in this process
        parallel.run([(1, lambda: 1 / 0), (1, lambda: None)], jobs=2)
    assert gc.get_freeze_count() == 0


def test_a_kept_part_is_made_again_when_missing_or_cut_short(tmp_path: Path):
    """PageCache.text: made once and kept; an empty file (a power cut) is made again."""
    from policy_site.cache import PageCache

    cache = PageCache(tmp_path / "pages")
    calls = []

    def make() -> str:
        calls.append(1)
        return "<ol><li>v1</li></ol>"

    assert cache.text("ab12", make) == "<ol><li>v1</li></ol>"
    assert PageCache(tmp_path / "pages").text("ab12", make) == "<ol><li>v1</li></ol>"
    assert len(calls) == 1
    (tmp_path / "pages" / "ab" / "ab12.html").write_text("", encoding="utf-8")
    assert PageCache(tmp_path / "pages").text("ab12", make) == "<ol><li>v1</li></ol>"
    assert len(calls) == 2
    assert PageCache(None).text("ab12", make) == "<ol><li>v1</li></ol>" and len(calls) == 3


def test_comparisons_along_a_long_history_are_the_same_made_ahead_in_a_worker(repo: Repo,
                                                                                tmp_path: Path):
    """Six versions: all but the last two are compared with the current one along the
    history (redline.lineage). A cold build in two processes makes the lineages and some of
    those comparisons in the worker that starts ahead; its pages must be those of one
    process, which makes everything itself."""
    paragraphs = [f"Absatz {n}: was wir mit Berichten tun, Nummer {n}." for n in range(1, 7)]

    def text(paragraphs: list[str], number: int) -> str:
        return policy("Datenschutz", "\n\n".join(paragraphs), summary=f"Fassung {number}.")

    repo.commit("Import\n\nPublished: 2019-05-01", "2020-01-10T10:00:00+00:00",
                site_files(de_policy=text(paragraphs, 1), en_policy=policy("Privacy", "First.",
                                                                           summary="First.")))
    for day, change in enumerate([
        lambda p: p.__setitem__(1, "Absatz 2: was wir mit Serverberichten tun, Nummer 2."),
        lambda p: p.pop(3),
        lambda p: p.insert(1, "Ein neuer Absatz über Absturzberichte."),
        lambda p: p.__setitem__(2, "Absatz 2: was wir von Serverberichten behalten, Nummer 2."),
        lambda p: p.append("Absatz 4: was wir mit Berichten tun, Nummer 4."),
    ], start=2):
        change(paragraphs)
        repo.commit(f"Change {day}", f"2020-02-0{day}T10:00:00+00:00",
                    {"docs/de/policy.md": text(paragraphs, day)})
    _along_uses_the_lineages_made_ahead(repo)
    ahead = build_site(repo.path, env={"POLICY_SITE_JOBS": "2", "POLICY_SITE_CACHE": "off"},
                       site_dir=tmp_path / "ahead")
    assert ahead.ok, ahead.log
    _assert_same_as_fresh(repo, ahead.site, tmp_path, "fresh")
    oldest = ahead.html("policy/versions/2019-05-01/compare/")
    # Edited in two steps: one changed paragraph. Deleted, then written again at the end:
    # deleted where it was, inserted where it is.
    assert ('<p class="redline-changed">Absatz 2: was wir <del>mit Berichten tun</del>'
            '<ins>von Serverberichten behalten</ins>, Nummer 2.</p>') in oldest
    assert re.findall(r'<p class="redline-\w+">.*Absatz 4.*</p>', oldest) == [
        '<p class="redline-deleted"><del>Absatz 4: was wir mit Berichten tun, Nummer 4.</del></p>',
        '<p class="redline-inserted"><ins>Absatz 4: was wir mit Berichten tun, Nummer 4.</ins></p>']


def _along_uses_the_lineages_made_ahead(repo: Repo) -> None:
    """The worker ahead may stop after a policy's lineage and before its comparisons: the
    comparisons the build then makes follow the lineage it sent, and come out the same."""
    from mkdocs.config import load_config

    from policy_site import archive, history, policies, settings
    from policy_site import strings as strings_module
    from policy_site.redline import _clear_caches
    from policy_site.versions import FactStore

    config = load_config(str(repo.path / "mkdocs.yml"))
    languages = [language.locale for language in config.plugins["i18n"].config.languages]
    site = settings.load(config.extra["policies"], root=repo.path, languages=languages)
    docs = policies.policy_docs(history.read_history(repo.path, repo.path / "docs"), site,
                                "docs", FactStore())
    strings = strings_module.load(site.strings, site.languages)
    items = archive.redlines_ahead(docs, strings)
    along = [item for item in items if len(item) == 5]
    assert along and all(item[0] != "lineage" for item in items[1:])
    expected = [archive.redline_ahead(item) for item in along]
    archive.made_ahead(None)
    made = dict(archive.redline_ahead(item) for item in items[:1])  # as the worker does
    archive.made_ahead(None)
    _clear_caches()
    archive.made_ahead(made)
    try:
        assert len(archive._LINEAGES) == 1
        assert [archive.redline_ahead(item) for item in along] == expected
    finally:
        archive.made_ahead(None)
