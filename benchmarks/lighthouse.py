"""Lighthouse scores of the built site, as a phone would load it: not a test, a measurement.

Builds the site (`mkdocs build --strict`) into a temporary folder, serves it on 127.0.0.1,
and runs Lighthouse 12.2.3 (pinned in benchmarks/package.json, installed with `npm ci` into
benchmarks/node_modules when missing) in Debian's Chromium, mobile form factor, on the
policy, a report page and the contact page in every language. Writes the four category
scores (performance, accessibility, best practices, SEO; 0-100) of each page to
benchmarks/results/lighthouse.json and prints them as a table.

    python benchmarks/lighthouse.py
    python benchmarks/lighthouse.py --pages policy/ --out /tmp/lh.json --keep-reports /tmp/lh

Performance depends on the machine (Lighthouse simulates a slow phone on top of it). The
site is served from 127.0.0.1 while its canonical and hreflang addresses name site_url, so
read the SEO score with that in mind.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
if Path(sys.prefix).resolve() != VENV.resolve() and (VENV / "bin" / "python").exists():
    os.execv(VENV / "bin" / "python", [str(VENV / "bin" / "python"), __file__, *sys.argv[1:]])

import yaml  # noqa: E402

HERE = ROOT / "benchmarks"
LIGHTHOUSE = "lighthouse@12.2.3"
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-quic --disable-background-networking"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = ("policy/", "reports/server-report/", "contact/")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="benchmarks/lighthouse.py",
        description="Build and serve the site, run Lighthouse (mobile) on the policy, a report "
                    "page and the contact page in every language, write the category scores "
                    "to benchmarks/results/lighthouse.json and print them.")
    parser.add_argument("--pages", default=",".join(PAGES),
                        help="pages inside each language folder, comma-separated "
                             "(default: %(default)s)")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                        help="the Chromium to run (default: $CHROMIUM or %(default)s)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "lighthouse.json",
                        help="where to write the scores (default: benchmarks/results/lighthouse.json)")
    parser.add_argument("--keep-reports", type=Path, metavar="DIR",
                        help="also keep each page's full Lighthouse JSON report in DIR")
    args = parser.parse_args(argv)

    if not Path(args.chromium).exists():
        print(f"lighthouse.py: no Chromium at {args.chromium}: run `make test` (installs it) "
              "or pass --chromium", file=sys.stderr)
        return 2
    try:
        _install()
    except subprocess.CalledProcessError as exc:
        print(f"lighthouse.py: npm ci in benchmarks/ failed ({exc.returncode})", file=sys.stderr)
        return 2
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        site = Path(tmp) / "site"
        build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
                               cwd=ROOT, capture_output=True, text=True,
                               env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        if build.returncode != 0:
            print(f"lighthouse.py: the build failed:\n{build.stdout}{build.stderr}", file=sys.stderr)
            return 2
        results = []
        with _serve(site) as base:
            for lang, prefix in _languages():
                for page in pages:
                    url = base + prefix + page
                    print(f"lighthouse {url} …", file=sys.stderr, flush=True)
                    report = _lighthouse(url, args.chromium)
                    if args.keep_reports:
                        args.keep_reports.mkdir(parents=True, exist_ok=True)
                        name = page.strip("/").replace("/", "_") or "home"
                        (args.keep_reports / f"{lang}-{name}.json").write_text(
                            json.dumps(report), encoding="utf-8")
                    results.append({"language": lang, "page": page, "url": prefix + page,
                                    "scores": _scores(report),
                                    "failed": _failed(report)})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "lighthouse": LIGHTHOUSE, "form_factor": "mobile",
        "chromium": _version(args.chromium), "machine": f"{platform.node()} ({os.cpu_count()} cores)",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "pages": results,
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(_table(results))
    print(f"\nwritten to {args.out}")
    return 0


def _install() -> None:
    """`npm ci` in benchmarks/ when Lighthouse is not installed there (or is another version)."""
    installed = HERE / "node_modules" / "lighthouse" / "package.json"
    wanted = LIGHTHOUSE.rpartition("@")[2]
    if installed.is_file() and json.loads(installed.read_text(encoding="utf-8")).get("version") == wanted:
        return
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=HERE, check=True)


def _languages() -> list[tuple[str, str]]:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!ENV", ""))
    i18n = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    langs = sorted((x for x in i18n["languages"] if x.get("build", True)), key=lambda x: not x.get("default"))
    return [(x["locale"], "" if x.get("default") else f"{x['locale']}/") for x in langs]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the name http.server uses
        pass


@contextmanager
def _serve(site: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def _lighthouse(url: str, chromium: str) -> dict:
    result = subprocess.run(
        ["npx", "--no", LIGHTHOUSE, url, "--quiet", "--output=json", "--output-path=stdout",
         "--form-factor=mobile", f"--only-categories={','.join(CATEGORIES)}",
         f"--chrome-path={chromium}", f"--chrome-flags={CHROME_FLAGS}"],
        cwd=HERE, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise SystemExit(f"lighthouse.py: Lighthouse failed on {url}:\n{result.stderr[-3000:]}")
    report = json.loads(result.stdout)
    if report.get("runtimeError"):
        raise SystemExit(f"lighthouse.py: Lighthouse could not load {url}: {report['runtimeError']}")
    return report


def _scores(report: dict) -> dict[str, int | None]:
    return {c: None if report["categories"][c]["score"] is None
            else round(report["categories"][c]["score"] * 100) for c in CATEGORIES}


def _failed(report: dict) -> dict[str, list[str]]:
    """The audits that cost points, per category (what to look at when a score drops)."""
    failed = {}
    for category in CATEGORIES:
        ids = [ref["id"] for ref in report["categories"][category]["auditRefs"]
               if ref.get("weight") and (report["audits"][ref["id"]].get("score") is not None)
               and report["audits"][ref["id"]]["score"] < 0.9]
        if ids:
            failed[category] = ids
    return failed


def _version(chromium: str) -> str:
    try:
        return subprocess.run([chromium, "--version"], capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except OSError:
        return "unknown"


def _table(results: list[dict]) -> str:
    head = ["language", "page", *CATEGORIES]
    rows = [[r["language"], r["page"], *("-" if r["scores"][c] is None else str(r["scores"][c])
                                          for c in CATEGORIES)] for r in results]
    widths = [max(len(str(x)) for x in column) for column in zip(head, *rows, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    for r in results:
        for category, ids in r["failed"].items():
            lines.append(f"  {r['language']} {r['page']} {category}: {', '.join(ids)}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
