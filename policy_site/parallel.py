"""Making the archive's pages on every CPU: worker processes forked from the build.

A cold build of a long history spends most of its time making archived pages (redlines and
Markdown), one policy after the other, in pure Python, on one CPU. Each policy's pages depend
on nothing that another policy's pages change, so the work splits cleanly by policy: worker
processes, forked once everything they need is in memory, each take whole policies (so the
caches of one policy's redlines stay in one process) and write the pages themselves; only
"done" or an error comes back. The largest policies go first, so no worker is left with a
long one at the end.

Forking copies the build's memory as it is (nothing is pickled), which is why the tasks can
be any callables, and why the caller must have read from git everything the tasks need: a
worker must never use the parent's `git cat-file` process.

Only where it is safe and pays: `fork` exists on Linux and macOS, and `mkdocs serve` runs a
web server thread that a fork would copy mid-step, so the hook asks for workers in
`mkdocs build` alone; a handful of pages are made in the build's own process.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable, Sequence

from .errors import PolicySiteError

JOBS_ENV = "POLICY_SITE_JOBS"
"""How many worker processes make archived pages ('1': none, all in the build's process)."""

MIN_PAGES = 200
"""Fewer pages to make than this: no workers (starting them costs more than they save)."""

_tasks: Sequence[Callable[[], None]] = ()


def jobs_wanted(pages: int, *, allowed: bool) -> int:
    """How many processes should make `pages` pages: the setting, else one per CPU."""
    setting = os.environ.get(JOBS_ENV, "").strip()
    if setting:
        try:
            jobs = int(setting)
        except ValueError:
            raise PolicySiteError(f"{JOBS_ENV}={setting!r} is not a whole number.",
                                  fix=f"set {JOBS_ENV} to the number of processes, e.g. 2, "
                                      "or 1 to make every page in the build's own process.")
        return max(1, jobs) if allowed else 1
    if not allowed or pages < MIN_PAGES or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run(tasks: Sequence[Callable[[], None]], jobs: int) -> None:
    """Run every task, in `jobs` forked processes (in this one when jobs is 1), in order of
    the list (put the longest first). A failed task stops the build with its traceback."""
    global _tasks
    if jobs <= 1 or len(tasks) < 2:
        for task in tasks:
            task()
        return
    _tasks = tasks
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(tasks))) as pool:
            for failure in pool.imap_unordered(_run, range(len(tasks))):
                if failure:
                    raise PolicySiteError(
                        f"making archived pages failed in a worker process:\n{failure}",
                        fix=f"fix the cause above; {JOBS_ENV}=1 makes every page in the "
                            "build's own process, which can help to debug it.")
    finally:
        _tasks = ()


def _run(index: int) -> str | None:
    """In a worker: run one task; its traceback as text if it failed (exceptions with
    arguments of their own do not always survive pickling)."""
    try:
        _tasks[index]()
    except BaseException:  # noqa: BLE001 - reported to the parent, which stops the build
        return traceback.format_exc()
    return None
