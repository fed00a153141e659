"""The build-cost benchmark works end to end: the generator writes a buildable repository, the
runner builds and measures it. No timing is asserted: a CI machine's speed is not ours to
assert. The figures themselves come from `python benchmarks/run.py` (see issue 7)."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, git

BENCH = ROOT / "benchmarks"


def _generate_module():
    return _module("bench_generate", "generate.py")


def _module(name: str, script: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / script)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_both_scripts_have_help():
    for script in ("generate.py", "run.py"):
        result = subprocess.run([sys.executable, str(BENCH / script), "--help"],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert "usage:" in result.stdout


def test_the_same_seed_writes_the_same_history(tmp_path: Path):
    generate = _generate_module()
    size = generate.Size(languages=3, pages=2, commits=30)
    first = generate.generate(tmp_path / "one", size, seed=7)
    second = generate.generate(tmp_path / "two", size, seed=7)
    other = generate.generate(tmp_path / "three", size, seed=8)

    assert first.head == second.head != other.head
    assert first.kinds["import"] == 1 and sum(first.kinds.values()) == 30
    assert first.kinds["content"] and first.kinds["editorial"] and first.kinds["whitespace"]
    log = git(first.path, "log", "--reverse", "--format=%aI %cI%n%B%x00")
    entries = [e.strip() for e in log.split("\0") if e.strip()]
    assert len(entries) == 30
    assert entries[0].startswith("2015-01-01T10:00:00+00:00 2015-01-01T10:00:00+00:00")
    assert entries[-1].startswith("2015-01-30T10:00:00+00:00 2015-01-30T10:00:00+00:00")
    assert sum("Editorial: yes" in e for e in entries) == first.kinds["editorial"]
    assert git(first.path, "status", "--porcelain") == ""

    languages = sorted(p.name for p in (first.path / "docs").iterdir() if p.name != "assets")
    assert languages == ["de", "en", "fr"]
    for lang in languages:
        for page in ("policy-01.md", "policy-02.md"):
            text = (first.path / "docs" / lang / page).read_text(encoding="utf-8")
            assert 20 * 1024 <= len(text.encode()) <= 60 * 1024
            assert re.search(r"^title: .+\nsummary: .+\n---$", text, re.M)
            assert re.search(r"^## ", text, re.M) and re.search(r"^- ", text, re.M)
            assert re.search(r"[äöüéèàòìåłśżóíñ]", text)
        assert (first.path / "docs" / lang / "reports" / "index.md").is_file()


def test_a_longer_history_starts_with_the_shorter_one(tmp_path: Path):
    """Doubling C adds history to the same site: the first commits write the same pages."""
    generate = _generate_module()
    short = generate.generate(tmp_path / "short", generate.Size(2, 2, 12), seed=3)
    long = generate.generate(tmp_path / "long", generate.Size(2, 2, 24), seed=3)

    def bodies(repo: Path, count: int) -> list[dict[str, str]]:
        commits = git(repo, "log", "--reverse", "--format=%H").split()[:count]
        return [{path: git(repo, "show", f"{commit}:{path}").split("\n---\n", 1)[1]
                 for path in git(repo, "ls-tree", "-r", "--name-only", commit, "docs").split()
                 if "/policy-" in path} for commit in commits]

    assert bodies(short.path, 12) == bodies(long.path, 12)
    assert bodies(long.path, 24)[12:] != bodies(long.path, 24)[11:23]  # it goes on changing


def test_the_runner_generates_builds_and_reports(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--sizes", "2,1,5", "--rounds", "1",
         "--variants", "agdf", "--out", str(tmp_path / "out"), "--workdir", str(tmp_path)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr

    report = json.loads((tmp_path / "out" / "latest.json").read_text(encoding="utf-8"))
    assert report["machine"]["nproc"] >= 1 and report["machine"]["python"]
    [size] = report["sizes"]
    assert size["size"] == {"languages": 2, "pages": 1, "commits": 5}
    floor, full = size["variants"]["a"], size["variants"]["d"]
    for variant in (floor, full):
        assert variant["error"] is None
        assert [r["returncode"] for r in variant["runs"]] == [0]
        assert variant["median_seconds"] > 0 and variant["max_rss_mib"] > 0
    assert floor["ratio"] == 1.0
    # g is a with the theme's compiled templates kept: the same pages.
    kept = size["variants"]["g"]
    assert kept["error"] is None and kept["ratio_g"] == 1.0
    assert kept["html_files"] == floor["html_files"]
    # d builds the archive, the redlines and the change logs that a leaves out; f builds
    # the same into a new folder from the cache d left.
    assert full["html_files"] > floor["html_files"]
    assert full["site_mib"] > floor["site_mib"] > 0
    ci = size["variants"]["f"]
    assert ci["error"] is None and ci["html_files"] == full["html_files"]
    table = (tmp_path / "out" / "latest.md").read_text(encoding="utf-8")
    assert "| 2, 1, 5 | a |" in table and "| 2, 1, 5 | d |" in table
    # The work folder (repository, sites) is gone; only the report stays.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_growth_is_reported_for_sizes_whose_history_doubles():
    sys.path.insert(0, str(BENCH))  # run.py imports generate.py from its folder
    try:
        run = _module("bench_run", "run.py")
    finally:
        sys.path.remove(str(BENCH))

    def variant(wall, cpu, system, site=None):
        return {"error": None, "median_seconds": wall, "median_cpu_seconds": cpu,
                "median_system_seconds": system, "site_mib": site}

    def size(commits, d, s=None):
        variants = {"a": variant(3.0, 3.0, 0.5), "d": variant(*d)}
        return {"size": {"languages": 5, "pages": 20, "commits": commits},
                "variants": variants | ({"s": variant(*s)} if s else {})}

    report = {"sizes": [size(1000, (7.0, 13.0, 2.0, 400.0), (13.0, 13.0, 2.0)),
                        size(2000, (12.0, 23.0, 3.0, 820.0), (22.0, 23.0, 3.0)),
                        size(3000, (99.0, 99.0, 9.0))]}
    assert run.growth_lines(report) == [
        "", "Growth, doubling C (time above a):",
        "- (5, 20, 1000 → 2000): d − a 4.00 → 9.00 s, **2.25×** on wall time (target ≤ 2×); "
        "CPU 2.00×, user CPU 2.06×; the site 400 → 820 MiB, 2.05×.",
        "- (5, 20, 1000 → 2000): s − a 10.00 → 19.00 s, **1.90×** on wall time (target ≤ 2×); "
        "CPU 2.00×, user CPU 2.06×."]
