"""Making the archive's pages on every CPU: worker processes forked from the build.

A cold build of a long history spends most of its time making archived pages (redlines and
Markdown), one policy after the other, in pure Python, on one CPU. Each policy's pages depend
on nothing that another policy's pages change, so the work splits cleanly by policy: worker
processes, forked once everything they need is in memory, each take a share of whole
policies (so the caches of one policy's redlines stay in one process), sized so that they
end together, and write the pages themselves; only an error comes back. The build's own
process takes one share too: on two CPUs, one worker.

Forking copies the build's memory as it is (nothing is pickled), which is why the tasks can
be any callables, and why the caller must have read from git everything the tasks need: a
worker must never use the parent's `git cat-file` process. Workers are plain `os.fork()`
children that end with `os._exit`: no pool and no threads in the build, nothing of the
parent's (its git processes) cleaned up by a child.

Only where it is safe and pays: `fork` exists on Linux and macOS, and `mkdocs serve` runs a
web server thread that a fork would copy mid-step, so the hook asks for workers in
`mkdocs build` alone, and none are forked while any other thread runs (`serve --clean` calls
itself a build); a handful of pages are made in the build's own process.

A cold build can start sooner (`Ahead`): while MkDocs renders the site on one CPU, the
other is idle. A worker forked as soon as the history is read makes what needs nothing of
MkDocs (the redlines), until the build asks for what it has made: that comes back through
a pipe, into the build's memory, before the page makers are forked.

While workers run, the build's objects are frozen (`gc.freeze`): a worker's garbage
collector would otherwise walk every object it inherited (the whole history, 700 MB at
C=4000), which costs CPU and copies each memory page it touches, and the build's own
collector would walk them again and again although they live to the end of the build.
Measured at (5, 20, 4000): the collections of the three processes took 2.2 s of CPU, 1.3 s
frozen. Both `run` and `Ahead.collect` unfreeze when their workers are done, so a process
that goes on (a test, `mkdocs serve`) collects as before.
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import threading
import traceback
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from .errors import PolicySiteError

JOBS_ENV = "POLICY_SITE_JOBS"
"""How many worker processes make archived pages ('1': none, all in the build's process)."""

MIN_PAGES = 200
"""Fewer pages to make than this: no workers (starting them costs more than they save)."""


def jobs_wanted(pages: int, *, allowed: bool) -> int:
    """How many processes should make `pages` pages: the setting, else one per CPU."""
    setting = os.environ.get(JOBS_ENV, "").strip()
    allowed = allowed and hasattr(os, "fork") and threading.active_count() == 1
    if setting:
        try:
            jobs = int(setting)
        except ValueError:
            raise PolicySiteError(f"{JOBS_ENV}={setting!r} is not a whole number.",
                                  fix=f"set {JOBS_ENV} to the number of processes, e.g. 2, "
                                      "or 1 to make every page in the build's own process.")
        return max(1, jobs) if allowed else 1
    if not allowed or pages < MIN_PAGES:
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run(tasks: Sequence[tuple[int, Callable[[], None]]], jobs: int) -> None:
    """Run the tasks, each given with its size, in `jobs` processes: this one and jobs - 1
    forked ones. Sizes share them out: the largest first, each to the process with the
    least so far. A failed task stops the build with its traceback."""
    loads = [0] * max(1, min(jobs, len(tasks)))
    shares: list[list[Callable[[], None]]] = [[] for _ in loads]
    for size, task in sorted(tasks, key=lambda item: -item[0]):
        least = loads.index(min(loads))
        loads[least] += size
        shares[least].append(task)
    workers: list[tuple[int, int]] = []
    if len(shares) > 1:
        gc.freeze()  # see the module's docstring
    try:
        for share in shares[1:]:
            workers.append(_fork(share))
        for task in shares[0]:
            task()
    finally:  # whatever happened here, no worker is left running or unreported
        failures = [failure for failure in map(_wait, workers) if failure]
        if len(shares) > 1:
            gc.unfreeze()
    if failures:
        raise PolicySiteError(
            "making archived pages failed in a worker process:\n" + "\n".join(failures),
            fix=f"fix the cause above; {JOBS_ENV}=1 makes every page in the build's own "
                "process, which can help to debug it.")


def _fork(share: list[Callable[[], None]]) -> tuple[int, int]:
    """Start a worker on `share`: (its process id, the pipe its traceback comes through)."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: run its share, report, and end without cleaning up
        status = 1  # unless every task ran: a failure while reporting one is a failure too
        try:
            os.close(reader)
            for task in share:
                task()
            status = 0
        except BaseException:  # noqa: BLE001 - reported to the parent, which stops the build
            os.write(writer, traceback.format_exc().encode("utf-8"))
        finally:
            os._exit(status)  # the parent's git processes and files are not the worker's
    os.close(writer)
    return pid, reader


def _wait(worker: tuple[int, int]) -> str:
    """Wait for a worker; its traceback, or '' when it ended well."""
    pid, pipe = worker
    with os.fdopen(pipe, "rb") as reader:
        failure = reader.read().decode("utf-8", errors="replace")
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == 0:
        return failure
    return failure or (f"worker {pid} ended with exit code {code}" if code > 0
                       else f"worker {pid} was killed by signal {-code}")


class Ahead:
    """Work made ahead in a worker process while the build does something else.

    `start` forks a worker that runs `make` on each item in turn, and stops after the item
    it is on when the build calls `collect`; `collect` returns what was made, as a dict of
    the keys and values `make` returned. Nothing it does can change what the build makes:
    an item that fails is left out, a worker that fails returns nothing, and the build makes
    what is missing itself. A build that fails calls `collect` too (hooks: on_build_error);
    a process that ends without it closes the pipe, and the worker ends after its item.
    """

    def __init__(self, pid: int, stop: int, results: int) -> None:
        self._pid, self._stop, self._results = pid, stop, results

    @classmethod
    def start(cls, items: Sequence[Any],
              make: Callable[[Any], tuple[Hashable, Any]]) -> Ahead:
        stop_reader, stop_writer = os.pipe()
        results_reader, results_writer = os.pipe()
        gc.freeze()  # until collect: see the module's docstring
        try:
            pid = os.fork()
        except OSError:
            gc.unfreeze()
            for end in (stop_reader, stop_writer, results_reader, results_writer):
                os.close(end)
            raise
        if pid == 0:  # the worker
            status = 1
            try:
                os.close(stop_writer)
                os.close(results_reader)
                asks = select.poll()
                asks.register(stop_reader, select.POLLIN)
                made = {}
                for item in items:
                    if asks.poll(0):  # the build asks (or has ended): stop
                        break
                    try:
                        key, value = make(item)
                    except Exception:  # noqa: BLE001 - the build makes this one itself
                        continue
                    made[key] = value
                else:
                    os.read(stop_reader, 1)  # all made: wait until the build asks (or ends)
                with os.fdopen(results_writer, "wb") as out:
                    pickle.dump(made, out, protocol=pickle.HIGHEST_PROTOCOL)
                status = 0
            except BaseException:  # noqa: BLE001 - the build makes what is missing
                pass
            finally:
                os._exit(status)  # the parent's git processes and files are not the worker's
        os.close(stop_reader)
        os.close(results_writer)
        return cls(pid, stop_writer, results_reader)

    def collect(self) -> dict:
        """Stop the worker and take what it made ({} if it failed)."""
        os.close(self._stop)
        made: dict = {}
        try:
            with os.fdopen(self._results, "rb") as reader:
                # Read as it comes, not whole first: the bytes and what they hold would be
                # in memory together (100 MB each for 2,000 redlines).
                made = pickle.load(reader)
        except Exception:  # noqa: BLE001 - the worker failed before it had written it all
            made = {}
        finally:
            _, status = os.waitpid(self._pid, 0)
            gc.unfreeze()
        return made if os.waitstatus_to_exitcode(status) == 0 else {}
