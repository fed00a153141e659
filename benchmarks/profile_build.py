"""Where a build's time goes, and what grows faster than the history: cProfile of one build.

    python benchmarks/profile_build.py build REPO OUT.pstats   # one build of REPO, profiled
    python benchmarks/profile_build.py compare A.pstats B.pstats [--top 25]

`build` runs `mkdocs build` in REPO (a repository from `generate.py`) in this process, with
every page made here (`POLICY_SITE_JOBS=1`: a worker's time would not be in the profile),
and counts CPU time (`time.process_time`), so that a busy machine does not change it. Delete
REPO's site/ and .cache/ first for a cold build. `compare` lists the functions whose own
time grew the most beyond twice, from A (say C=2000) to B (C=4000): what makes the time
above the plain build grow faster than the history (issue 7's growth target; README,
Performance).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import time
from pathlib import Path


def build(repo: Path, out: Path) -> None:
    os.chdir(repo)
    os.environ.update(POLICY_SITE_JOBS="1", NO_MKDOCS_2_WARNING="1")
    sys.path.insert(0, str(repo))  # the repository's own policy_site, as its hook imports it
    from mkdocs.__main__ import cli

    sys.argv = ["mkdocs", "build", "-q"]
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    try:
        cli(standalone_mode=False)
    finally:
        profile.disable()
        profile.dump_stats(out)
    print(f"{out}: {sum(v[2] for v in pstats.Stats(str(out)).stats.values()):.1f} s of CPU")


def _own_times(path: Path) -> dict[tuple[str, int, str], tuple[float, int]]:
    """Function -> (own time, calls), functions named by the last two parts of their file
    (and built-ins without the address, which differs from one process to the next)."""
    found: dict[tuple[str, int, str], tuple[float, int]] = {}
    for (f, line, name), stats in pstats.Stats(str(path)).stats.items():
        key = ("/".join(Path(f).parts[-2:]), line, re.sub(r" at 0x[0-9a-f]+", "", name))
        own, calls = found.get(key, (0.0, 0))
        found[key] = (own + stats[2], calls + stats[1])
    return found


def compare(small: Path, large: Path, top: int) -> None:
    a, b = _own_times(small), _own_times(large)
    total_a, total_b = (sum(t for t, _ in x.values()) for x in (a, b))
    print(f"own time: {total_a:.1f} s -> {total_b:.1f} s")
    beyond = sorted(((b[k][0] - 2 * a.get(k, (0.0, 0))[0], k) for k in b), reverse=True)
    print(f"{'function':70s} {'A s':>7s} {'B s':>7s} {'x':>6s} {'calls A -> B':>22s} beyond 2x")
    for excess, key in beyond[:top]:
        (ta, ca), (tb, cb) = a.get(key, (0.0, 0)), b[key]
        ratio = f"{tb / ta:.2f}" if ta else "new"
        name = f"{key[0]}:{key[1]} {key[2]}"[:70]
        print(f"{name:70s} {ta:7.2f} {tb:7.2f} {ratio:>6s} {ca:>10d} -> {cb:<9d} {excess:+.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("build", help="profile one build of a repository")
    one.add_argument("repo", type=Path)
    one.add_argument("out", type=Path)
    two = sub.add_parser("compare", help="what grew more than twice from A to B")
    two.add_argument("small", type=Path)
    two.add_argument("large", type=Path)
    two.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    if args.command == "build":
        build(args.repo.resolve(), args.out.resolve())
    else:
        compare(args.small, args.large, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
