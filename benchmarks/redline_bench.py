"""How fast `policy_site.redline` is, and how few words it marks for a moved paragraph.

The redline runs for every version of every policy on every build, so it has a budget: a
200 KB policy with 5 % of its paragraphs changed in 10 ms, a fully rewritten one in 1.5 s,
and a paragraph moved elsewhere marked as that paragraph deleted once and inserted once.
This script generates such texts deterministically (`random.Random(seed)`) and prints the
figures; the tests assert the output, never the time, because a CI machine's speed is not
ours to assert.

    python benchmarks/redline_bench.py --size 200 --repeat 7

With `--history FOLDER` it measures the real workload of a site build instead: a repository
made by benchmarks/generate.py (or any site), each version of each `docs/<lang>/policy-*.md`
compared with the version before it and with the current version, as the archive does (the
version before the current one directly, the others along the history: `lineage` once per
policy, whose time counts with the first comparison, then `redline_along`).

    python benchmarks/generate.py -L 3 -P 10 -C 500 /tmp/big
    python benchmarks/redline_bench.py --history /tmp/big
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import random
import textwrap
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from policy_site.redline import (  # noqa: E402
    Redline, _clear_caches, lineage, redline, redline_along)

WORDS = (
    "Daten Verarbeitung Einwilligung Zweck Speicherung Löschung Auskunft Recht Größe "
    "Übermittlung "
    "personenbezogene Verantwortliche Dienstleister Aufsichtsbehörde Widerspruch Frist Straße "
    "data processing consent purpose storage erasure access right transfer controller "
    "processor supervisory authority objection period the a of to and or for with by may "
    "will is are not your our we you this that which on in at from as be have has"
).split()


def word(rng: random.Random) -> str:
    return rng.choice(WORDS)


def sentence(rng: random.Random) -> str:
    words = [word(rng) for _ in range(rng.randint(6, 18))]
    return " ".join([words[0].capitalize(), *words[1:]]) + rng.choice(".....;:")


def wrap(text: str, width: int = 80) -> str:
    """Wrap like an editor does, so that the Markdown has line breaks inside paragraphs."""
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)


def document(rng: random.Random, size_kb: int) -> list[str]:
    """A policy as a list of Markdown blocks: headings, paragraphs, lists, now and then a table."""
    blocks: list[str] = []
    total = 0
    section = 0
    while total < size_kb * 1024:
        roll = rng.random()
        if roll < 0.08:
            section += 1
            block = f"## {section}. {' '.join(word(rng) for _ in range(rng.randint(2, 5)))}"
        elif roll < 0.18:
            block = "\n".join(f"- {sentence(rng)}" for _ in range(rng.randint(2, 5)))
        elif roll < 0.21:
            rows = [f"| {word(rng)} | {sentence(rng)} |" for _ in range(rng.randint(2, 4))]
            block = "\n".join(["| Zweck | Rechtsgrundlage |", "|---|---|", *rows])
        else:
            block = wrap(" ".join(sentence(rng) for _ in range(rng.randint(2, 6))))
        blocks.append(block)
        total += len(block) + 2
    return blocks


def edit(rng: random.Random, block: str, share: float) -> str:
    """`block` with about `share` of its words replaced, deleted or inserted; with none
    of them changed that way, one word is replaced. A paragraph is re-wrapped after."""
    paragraph = not block.startswith(("- ", "## ", "| "))
    lines = [" ".join(block.split("\n"))] if paragraph else block.split("\n")
    prefixes, rows = [], []
    for line in lines:
        prefix = "" if paragraph or " " not in line else line[:line.index(" ") + 1]
        prefixes.append(prefix)
        rows.append(line[len(prefix):].split(" "))
    editable = [i for i, line in enumerate(lines) if "---" not in line]
    changed_any = False
    for i in editable:
        changed: list[str] = []
        for w in rows[i]:
            roll = rng.random()
            if roll < share / 3:
                changed.append(word(rng))
            elif roll < 2 * share / 3:
                continue
            elif roll < share:
                changed.extend([w, word(rng)])
            else:
                changed.append(w)
        changed_any = changed_any or changed != rows[i]
        rows[i] = changed or rows[i]
    if not changed_any:
        row = rows[rng.choice(editable)]
        row[rng.randrange(len(row))] = "geändert"
    out = [prefix + " ".join(row) for prefix, row in zip(prefixes, rows, strict=True)]
    return wrap(out[0]) if paragraph else "\n".join(out)


def timed(call: Callable[[], Redline], repeat: int) -> tuple[float, float, Redline]:
    """Best and median wall time in milliseconds, and the result."""
    gc.collect()  # start each case clean, not with the garbage of the one before
    times = []
    result = call()  # warm up: imports and regular expressions compiled
    for _ in range(repeat):
        _clear_caches()  # the same texts again: without this, every run after the first is free
        start = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times), result


def history_calls(folder: Path) -> list[tuple[str, Any, Any, int, list]]:
    """The redlines a build of the site in `folder` makes, in the order it makes them: for
    every `docs/<lang>/policy-*.md`, each version against the one before it ("consecutive")
    and each version but the current against the current ("current"), as (kind, old, new,
    versions back, all versions of the page) with old and new `Version`s and how many
    versions old is before new."""
    from zoneinfo import ZoneInfo

    from policy_site.history import read_history
    from policy_site.versions import build_versions

    history = read_history(folder, folder / "docs")
    calls = []
    for path in sorted(history.files):
        parts = Path(path).parts
        if len(parts) != 3 or parts[0] != "docs" or not parts[2].startswith("policy-"):
            continue
        versions = build_versions(history.revisions(path), ZoneInfo("Europe/Berlin"))
        for index, (previous, version) in enumerate(zip((None, *versions), versions)):
            if previous is not None:
                calls.append(("consecutive", previous, version, 1, versions))
            if version is not versions[-1]:
                calls.append(("current", version, versions[-1], len(versions) - 1 - index,
                              versions))
    return calls


DISTANCE_BUCKET = 25
"""How many versions back each line of the table by distance covers."""


def run_history(folder: Path, repeat: int) -> int:
    """Time the redlines of a build of the site in `folder`; print totals, per call, words.

    Each run starts cold (`_clear_caches`): the redline remembers what it read and compared
    between calls, as it does during one build, but a second run must not find the first's.
    `Version.body` is read outside the clock, afresh for every call as the build does.
    """
    start = time.perf_counter()
    calls = history_calls(folder)
    print(f"history: {folder}, read in {time.perf_counter() - start:.1f} s; "
          f"best of {repeat} runs, each from cold caches")
    kinds = {"consecutive": "consecutive versions", "current": "against the current"}
    best: dict[str, tuple[float, float, list[Redline], list[float]]] = {}
    for _ in range(repeat):
        _clear_caches()
        gc.collect()
        times: dict[str, list[float]] = {kind: [] for kind in kinds}
        results: dict[str, list[Redline]] = {kind: [] for kind in kinds}
        lineages: dict[int, list[tuple[int, ...]]] = {}
        for kind, old, new, back, versions in calls:
            old_body, new_body = old.body, new.body
            along = kind == "current" and back > 1
            bodies = [v.body for v in versions] if along and id(versions) not in lineages else None
            begin = time.perf_counter()
            if bodies is not None:
                lineages[id(versions)] = lineage(bodies)
            if along:
                result = redline_along(old_body, new_body,
                                       lineages[id(versions)][len(versions) - 1 - back])
            else:
                result = redline(old_body, new_body)
            times[kind].append(time.perf_counter() - begin)
            results[kind].append(result)
        for kind in kinds:
            if kind not in best or sum(times[kind]) < best[kind][0]:
                best[kind] = (sum(times[kind]), max(times[kind], default=0.0), results[kind],
                              times[kind])
    print(f"{'kind':24} {'calls':>6} {'total':>9} {'per call':>10} {'max':>9} "
          f"{'ins':>8} {'del':>8} {'blocks':>7}  digest of the HTML")
    for kind, name in kinds.items():
        total, slowest, results, _ = best[kind]
        digest = hashlib.sha256("\0".join(r.html for r in results).encode()).hexdigest()[:12]
        print(f"{name:24} {len(results):6} {total:8.2f}s "
              f"{total * 1000 / max(1, len(results)):8.2f}ms {slowest * 1000:7.1f}ms "
              f"{sum(r.inserted_words for r in results):8} "
              f"{sum(r.deleted_words for r in results):8} "
              f"{sum(r.changed_blocks for r in results):7}  {digest}")
    print(f"{'all':24} {len(calls):6} {sum(b[0] for b in best.values()):8.2f}s")
    print_by_distance([call[3] for call in calls if call[0] == "current"], *best["current"][2:])
    return 0


def print_by_distance(backs: list[int], results: list[Redline], times: list[float]) -> None:
    """The comparisons with the current version by how far back the old version is: the
    further, the more blocks differ, and the more a page shows; made along the history,
    the time of one stays close to that of one step (the first of a page also finds the
    page's lineage)."""
    buckets: dict[int, list[tuple[float, int]]] = {}
    for back, result, seconds in zip(backs, results, times):
        buckets.setdefault((back - 1) // DISTANCE_BUCKET, []).append((seconds, result.changed_blocks))
    print(f"\nagainst the current, by versions back:\n{'versions back':>14} {'calls':>6} "
          f"{'per call':>10} {'blocks changed':>15}")
    for bucket, items in sorted(buckets.items()):
        first = bucket * DISTANCE_BUCKET + 1
        print(f"{f'{first}-{first + DISTANCE_BUCKET - 1}':>14} {len(items):6} "
              f"{sum(t for t, _ in items) * 1000 / len(items):8.2f}ms "
              f"{sum(b for _, b in items) / len(items):15.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=2017, help="seed of the generated texts")
    parser.add_argument("--size", type=int, default=200, help="size of a policy in KB (200)")
    parser.add_argument("--changed", type=float, default=0.05,
                        help="share of blocks edited in the partial-change case (0.05)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="timed runs per case (5; with --history 1)")
    parser.add_argument("--history", type=Path, metavar="FOLDER",
                        help="time the redlines a build of the site in FOLDER makes instead "
                             "(a repository from benchmarks/generate.py)")
    args = parser.parse_args(argv)
    if args.repeat is None:
        args.repeat = 1 if args.history else 5
    if args.size < 1 or args.repeat < 1 or not 0 < args.changed <= 1:
        parser.error("--size and --repeat must be at least 1, --changed between 0 and 1")
    if args.history is not None:
        if not (args.history / "docs").is_dir():
            parser.error(f"--history {args.history}: no docs folder there")
        return run_history(args.history.resolve(), args.repeat)

    rng = random.Random(args.seed)
    blocks = document(rng, args.size)
    old = "\n\n".join(blocks)

    chosen = rng.sample(range(len(blocks)), max(1, round(len(blocks) * args.changed)))
    one_word, partial = list(blocks), list(blocks)
    for i in chosen:
        one_word[i] = edit(rng, blocks[i], 0.0)  # exactly one word replaced
        partial[i] = edit(rng, blocks[i], 0.05)
    edited_all = [edit(rng, b, 0.25) for b in blocks]
    rewritten = document(random.Random(args.seed + 1), args.size)

    paragraphs = [i for i, b in enumerate(blocks) if not b.startswith(("#", "-", "|"))]
    cut = paragraphs[len(paragraphs) // 10]
    paste = paragraphs[len(paragraphs) * 9 // 10]
    moved = blocks[:cut] + blocks[cut + 1:paste] + [blocks[cut]] + blocks[paste:]
    minimal = 2 * redline("", blocks[cut]).inserted_words  # deleted once, inserted once

    cases = [
        (f"{args.changed:.0%} of blocks, one word each", "\n\n".join(one_word), "10 ms"),
        (f"{args.changed:.0%} of blocks, 5 % of their words", "\n\n".join(partial), "10 ms"),
        ("every block edited (25 % of words)", "\n\n".join(edited_all), "1.5 s"),
        ("fully rewritten (new text)", "\n\n".join(rewritten), "1.5 s"),
        ("one paragraph moved", "\n\n".join(moved), "-"),
    ]
    print(f"policy: {len(old.encode()) / 1024:.0f} KB, {len(blocks)} Markdown blocks, "
          f"seed {args.seed}, {args.repeat} runs each")
    print(f"{'case':40} {'best':>10} {'median':>10} {'budget':>8} {'ins':>7} {'del':>7} "
          f"{'blocks':>7}")
    for name, new, budget in cases:
        best, median, result = timed(lambda new=new: redline(old, new), args.repeat)
        print(f"{name:40} {best:8.1f}ms {median:8.1f}ms {budget:>8} {result.inserted_words:7} "
              f"{result.deleted_words:7} {result.changed_blocks:7}")
        if name == "one paragraph moved":
            marked = result.inserted_words + result.deleted_words
            print(f"moved paragraph: {marked} words marked, minimal {minimal} "
                  f"(ratio {marked / minimal:.2f}, budget 1.10)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
