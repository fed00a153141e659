"""The git edge: read the history of every Markdown source in one pass.

Everything after this module (versions, dates, redlines, archive, feeds, manifest) is pure
and works on the `History` it returns. One `git log` walks the first-parent chain of HEAD and
one `git cat-file --batch` (GitPython's object database) reads the file contents it is asked for, whatever the
number of pages and languages: the plugins users pick instead run one `git log` per page and
per language, which is what makes them slow on a long history. (A second `git cat-file
--batch` streams all the revisions of a page when a build needs them all: see `BlobStore`.)

Why the first-parent chain: on main, a pull request lands as one merge (or squash) commit.
Diffing each first-parent commit against its first parent attributes a change to the moment
it was merged, which is when it was published, and not to when an editor first typed it. A
merge commit carries the messages of the commits it brings in (one more `git rev-list`,
only when there are merges), so that an editor's `Editorial: yes` survives "Create a merge
commit" and the merge commit GitHub checks a pull request with.
"""

from __future__ import annotations

import hashlib
import re
import select
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .errors import PolicySiteError
from .files import write_bytes

_RECORD = "\x1e"
_FIELD = "\x1f"
_FORMAT = f"{_RECORD}%H{_FIELD}%P{_FIELD}%at{_FIELD}%ct{_FIELD}%B{_FIELD}"


class BlobStore:
    """File contents by blob id, read on demand through `git cat-file --batch`.

    On demand, because a build that shows only dates needs the newest one or two revisions
    of each page, not all of them; each blob is read once however often it is asked for.
    A build that needs every revision of a page asks for them together (`read_ahead`): they
    then come in one stream, so that git unpacks the next blob while this one is looked at,
    instead of one round trip to git per blob.
    """

    def __init__(self, repo) -> None:
        self._repo = repo  # keeps the cat-file process alive
        self._text: dict[str, str] = {}
        self._sha256: dict[str, str] = {}
        self._stream = None  # the `git cat-file --batch` process of `read_ahead`

    def data(self, blob: str) -> bytes:
        """The exact bytes (not kept: only hashing needs them, once per blob)."""
        return self._repo.odb.stream(bytes.fromhex(blob)).read()

    def text(self, blob: str) -> str:
        found = self._text.get(blob)
        if found is None:
            found = self._keep(blob, self.data(blob))
        return found

    def has_text(self, blob: str) -> bool:
        return blob in self._text

    def sha256(self, blob: str) -> str:
        """The SHA-256 of the bytes, hashed when they were read for the text (not read twice)."""
        found = self._sha256.get(blob)
        if found is None:
            found = self._sha256[blob] = hashlib.sha256(self.data(blob)).hexdigest()
        return found

    def _keep(self, blob: str, data: bytes) -> str:
        self._sha256[blob] = hashlib.sha256(data).hexdigest()
        text = self._text[blob] = data.decode("utf-8", errors="replace")
        return text

    def read_ahead(self, blobs: Iterable[str]) -> Iterator[str]:
        """Read the texts of `blobs` in one stream; yield each id as soon as its text is kept.

        All ids are written to git at once and the answers are read as they come, so git
        unpacks the next blob while this one is looked at. A blob git cannot read is yielded
        unread: asking for its text then raises the error that names it.
        """
        wanted = [b for b in dict.fromkeys(blobs) if b not in self._text]
        if len(wanted) < 2:  # nothing to stream: the plain reads are as fast
            yield from wanted
            return
        stream = self._batch()
        request = "".join(b + "\n" for b in wanted).encode("ascii")
        writer = None
        read = 0
        try:
            if len(request) <= _PIPE_BUF:  # fits in the empty pipe: the write cannot wait
                _send(stream.stdin, request)
            else:  # from a thread, so that neither side waits for the other's pipe to drain
                writer = threading.Thread(target=_send, args=(stream.stdin, request), daemon=True)
                writer.start()
            out = stream.stdout
            for blob in wanted:
                header = out.readline().split()
                if len(header) == 3 and header[0] == blob.encode("ascii"):
                    size = int(header[2])
                    data = out.read(size)
                    if len(data) != size or out.read(1) != b"\n":
                        raise OSError("git cat-file stopped in the middle of an object")
                    if header[1] == b"blob":
                        self._keep(blob, data)
                elif header[1:] != [b"missing"]:  # anything else is out of step
                    raise OSError(f"unexpected answer from git cat-file: {header!r}")
                read += 1
                yield blob
        except (OSError, ValueError):
            pass  # the stream is lost; the plain reads of what is left say what is wrong
        finally:
            if read < len(wanted):  # answers may be left in the pipe: start afresh next time
                self._stop_stream()
            if writer is not None:
                writer.join()
        yield from wanted[read:]

    def _batch(self):
        if self._stream is None:
            import subprocess

            self._stream = self._repo.git.cat_file("--batch", as_process=True,
                                                   istream=subprocess.PIPE)
            _widen_pipe(self._stream.stdout)
        return self._stream

    def _stop_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None and stream.proc is not None:
            try:
                stream.proc.kill()  # the writer's next write fails; GitPython reaps the process
            except OSError:  # already gone
                pass


_PIPE_BUF = getattr(select, "PIPE_BUF", 512)
"""What an empty pipe takes in one write without waiting (at least 512 bytes under POSIX)."""


def _send(stdin, request: bytes) -> None:
    try:
        stdin.write(request)
        stdin.flush()
    except (OSError, ValueError):  # git ended early; the reader notices
        pass


def _widen_pipe(pipe) -> None:
    """Let git run up to 1 MiB ahead of the reader instead of 64 KiB (Linux only)."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError, ValueError):
        pass


def read_ahead(revisions: Iterable[Revision]) -> Iterator[Revision]:
    """The revisions, each as soon as its text is read, in one stream when their store can.

    For a store without `read_ahead` (an in-memory one) the revisions come as they are and
    their texts are read when asked for.
    """
    revisions = list(revisions)
    stores = {id(r.store) for r in revisions}
    ahead = getattr(revisions[0].store, "read_ahead", None) if len(stores) == 1 else None
    if ahead is None:
        yield from revisions
        return
    by_blob: dict[str, list[Revision]] = {}
    for rev in revisions:
        by_blob.setdefault(rev.blob, []).append(rev)
    for blob in ahead(list(by_blob)):
        yield from by_blob.pop(blob)
    for rest in by_blob.values():  # already known to the store
        yield from rest


@dataclass(frozen=True)
class Revision:
    """One commit that touched one file; its content is read when first asked for."""

    commit: str
    path: str
    """The file's path (relative to the repository root) at this commit; renames change it."""
    authored: datetime
    committed: datetime
    message: str
    blob: str
    store: BlobStore = field(repr=False, compare=False)
    merged: tuple[str, ...] = ()
    """For a merge commit: the messages of the commits it brings in (their trailers count)."""

    @property
    def data(self) -> bytes:
        """The file's bytes at this commit: what `git show COMMIT:PATH` prints."""
        return self._read(self.store.data)

    @property
    def text(self) -> str:
        return self._read(self.store.text)

    @property
    def is_read(self) -> bool:
        """Whether `text` is in memory: asking for it then runs no git."""
        has_text = getattr(self.store, "has_text", None)  # a store in memory has no such test
        return has_text is not None and has_text(self.blob)

    @property
    def sha256(self) -> str:
        """The SHA-256 of `data`, as `sha256sum` prints it."""
        sha256 = getattr(self.store, "sha256", None)
        if sha256 is None:  # a store that keeps no digests
            return hashlib.sha256(self.data).hexdigest()
        return self._read(sha256)

    def _read(self, read):
        try:
            return read(self.blob)
        except Exception as exc:  # GitPython raises several types for a missing object
            raise PolicySiteError(
                f"git cannot read this file as commit {self.commit[:12]} left it "
                f"(blob {self.blob[:12]}: {exc}); its history cannot be trusted.",
                path=self.path,
                fix="run 'git fsck' to see what is damaged, then re-clone the repository.",
            ) from exc


@dataclass(frozen=True)
class History:
    """The revisions of every Markdown file under the docs folder, oldest first.

    `files` is keyed by the file's path at HEAD (relative to the repository root); a file
    that was renamed keeps the revisions it had under its older names.
    """

    root: Path
    head: str | None
    head_time: datetime | None
    """HEAD's committer date: the build's SOURCE_DATE_EPOCH, so two builds are identical."""
    files: dict[str, tuple[Revision, ...]] = field(default_factory=dict)
    dirty: frozenset[str] = frozenset()
    """Paths whose working-tree content differs from HEAD, or that git does not track yet."""

    def revisions(self, path: str) -> tuple[Revision, ...]:
        return self.files.get(path, ())


class NotAGitCheckout(PolicySiteError):
    """The site's folder is not inside a git working tree (a downloaded archive, say)."""


def read_history(folder: Path | str, docs_dir: Path | str, *, now: datetime | None = None,
                 log_cache: Path | None = None) -> History:
    """Read the history of every `*.md` file below `docs_dir` in one pass.

    Args:
        folder: any folder inside the working tree (the folder of `mkdocs.yml`).
        docs_dir: the folder of the Markdown sources.
        now: the present, to refuse commits dated in the future (default: the clock).
        log_cache: a file that keeps the output of `git log` for the last HEAD (see `_log`).

    Raises:
        NotAGitCheckout: `folder` is not in a git working tree.
        PolicySiteError: the clone is shallow, a commit is dated in the future or before the
            commit it follows on main, or git failed.
    """
    import git  # GitPython; imported here so the pure modules do not pay for it.

    try:
        repo = git.Repo(folder, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
        raise NotAGitCheckout(
            "this folder is not a git checkout, so no page can be dated.",
            path=str(folder),
            fix="build from a clone ('git clone …'), or set POLICY_SITE_PREVIEW=1 to build a "
                "preview that shows 'preview, not published' instead of dates.",
        ) from exc
    root = Path(repo.working_tree_dir).resolve()
    docs = Path(docs_dir).resolve().relative_to(root).as_posix()
    try:
        if repo.git.rev_parse("--is-shallow-repository") == "true":
            raise PolicySiteError(
                "this clone is shallow: git holds only the newest commits, so the dates and "
                "versions of the policy would be wrong.",
                path=str(root),
                fix="in GitHub Actions set 'fetch-depth: 0' on actions/checkout; locally run "
                    "'git fetch --unshallow'.",
            )
        try:
            head = repo.head.commit.hexsha
        except ValueError:  # a repository without any commit yet
            return History(root, None, None, {}, _dirty_paths(repo, docs))
        changes = _parse_log(_log(repo, head, docs, log_cache))
        if any(c.merged_from for c in changes):
            changes = _with_merged_messages(repo, changes)
        _refuse_future(changes, now or datetime.now(UTC))
        _refuse_backdated(changes)
        files = _follow_renames(changes, docs)
        store = BlobStore(repo)
        history = {
            path: tuple(Revision(c.commit, p, c.authored, c.committed, c.message, blob, store,
                                 c.merged)
                        for c, p, blob in revs)
            for path, revs in files.items()
        }
        head_time = datetime.fromtimestamp(repo.head.commit.committed_date, UTC)
        return History(root, head, head_time, history, _dirty_paths(repo, docs))
    except git.GitCommandError as exc:
        raise PolicySiteError(
            f"git could not read the history ({exc.stderr.strip() or exc}).",
            path=str(root),
            fix="run 'git status' and 'git log' in this folder; repair or re-clone the repository.",
        ) from exc


_LOG_ARGS = ("--first-parent", "--diff-merges=first-parent", "-M", "--raw", "-z", "--no-abbrev",
             f"--format={_FORMAT}")


def _log(repo, head: str, docs: str, cache: Path | None) -> str:
    """The `git log` of the first-parent chain of `head`, for the files below `docs`.

    Kept in `cache` with the commit and the arguments it was read for: a commit id names its
    whole history, so the same commit gives the same output. A preview rebuilt at each edit
    (HEAD does not move) skips the 50 ms git takes for 2,000 commits; a new commit, an
    amended or rebased one, reads the log again.
    """
    key = "\0".join((head, docs, *_LOG_ARGS)) + "\n"
    if cache is not None:
        try:  # as bytes: line ends as git wrote them ("\r\n" in a message stays)
            kept = cache.read_bytes().decode("utf-8", "surrogateescape")
        except OSError:
            kept = ""
        if kept.startswith(key):
            return kept[len(key):]
    raw = repo.git.log(*_LOG_ARGS, head, "--", docs)
    if cache is not None:
        try:
            write_bytes(cache, (key + raw).encode("utf-8", "surrogateescape"))
        except (OSError, UnicodeError):
            pass  # only the next build is slower
    return raw


@dataclass(frozen=True)
class _Commit:
    commit: str
    merged_from: tuple[str, ...]
    """The parents after the first, for a merge commit."""
    authored: datetime
    committed: datetime
    message: str
    entries: tuple[tuple[str, str, str, str | None], ...]
    """(status letter, new blob, path, old path for renames)"""
    merged: tuple[str, ...] = ()
    """For a merge commit: the messages of the commits it brings in."""


def _parse_log(raw: str) -> list[_Commit]:
    """Parse `git log --raw -z` output, newest commit first."""
    commits = []
    for record in raw.split(_RECORD)[1:]:
        sha, parents, authored, committed, message, rest = record.split(_FIELD, 5)
        tokens = rest.split("\0")
        entries = []
        i = 0
        while i < len(tokens):
            token = tokens[i].lstrip("\n")
            i += 1
            if not token.startswith(":"):
                continue
            _, _, _, new_blob, status = token[1:].split(" ")
            letter = status[0]
            if letter in "RC":
                old, new = tokens[i], tokens[i + 1]
                i += 2
                entries.append((letter, new_blob, new, old))
            else:
                entries.append((letter, new_blob, tokens[i], None))
                i += 1
        commits.append(_Commit(
            sha, tuple(parents.split()[1:]),
            datetime.fromtimestamp(int(authored), UTC),
            datetime.fromtimestamp(int(committed), UTC),
            message,
            tuple(entries),
        ))
    return commits


def _with_merged_messages(repo, commits: list[_Commit]) -> list[_Commit]:
    """Give each merge commit the messages of the commits it brings in.

    A pull request checked in CI is GitHub's merge commit, and a pull request merged with
    "Create a merge commit" lands as one: what the editor wrote (`Editorial: yes`,
    `Published:`) is in the branch's commits, not in the merge's message. What those
    messages mean is for `versions` to decide; this only finds them.
    """
    import dataclasses

    chain = set(repo.git.rev_list("--first-parent", "HEAD").split())
    out = []
    for c in commits:
        if not c.merged_from:
            out.append(c)
            continue
        messages = []
        stack = [repo.commit(p) for p in c.merged_from]
        seen: set[str] = set()
        while stack:  # the branch's commits, down to where it left the first-parent chain
            commit = stack.pop()
            if commit.hexsha in seen or commit.hexsha in chain:
                continue
            seen.add(commit.hexsha)
            messages.append(commit.message)
            stack.extend(commit.parents)
        out.append(dataclasses.replace(c, merged=tuple(messages)))
    return out


CLOCK_SKEW = timedelta(hours=1)
"""How much earlier than the commit before it on main a commit may be dated: the clocks of
two machines that commit to main one after the other may differ by that much."""


def _refuse_backdated(commits: list[_Commit]) -> None:
    """A commit on main dated before the one it follows was made on a machine whose clock
    was wrong, or given an old date on purpose: the day of its versions would be wrong, and
    no later commit can say which day is right."""
    for newer, older in zip(commits, commits[1:], strict=False):
        if newer.committed < older.committed - CLOCK_SKEW:
            raise PolicySiteError(
                f"commit {newer.commit[:12]} is dated {newer.committed.isoformat()}, before the "
                f"commit it follows on main ({older.commit[:12]}, {older.committed.isoformat()}); "
                "a page dated from it would show a wrong date.",
                fix="before it is merged, give it the present date (git commit --amend "
                    "--no-edit --date=now, then push again); a merge or squash by GitHub "
                    "dates it right. On main already, ask a developer: the commit must be "
                    "rewritten with its real date and main pushed again.")


def _refuse_future(commits: list[_Commit], now: datetime) -> None:
    for c in commits:
        for label, when in (("committer", c.committed), ("author", c.authored)):
            if when > now:
                article = "an" if label == "author" else "a"
                raise PolicySiteError(
                    f"commit {c.commit[:12]} has {article} {label} date in the future "
                    f"({when.isoformat()}); a page dated from it would show a wrong date.",
                    fix="check the clock of the machine that made the commit, and amend the "
                        "commit with a correct date ('git commit --amend --date=now') before "
                        "it is merged.",
                )


_MARKDOWN = re.compile(r"\.md$", re.I)


def _follow_renames(commits: list[_Commit], docs: str) -> dict[str, list[tuple[_Commit, str, str]]]:
    """Group the changes by the file's path at HEAD, following renames back in time.

    Walks newest to oldest. `alias` maps a path, as it was named before some newer commit, to
    the HEAD path of the file; a path added or deleted ends its lineage.
    """
    alias: dict[str, str | None] = {}
    grouped: dict[str, list[tuple[_Commit, str, str]]] = {}
    for c in commits:
        for letter, blob, path, old in c.entries:
            if not _MARKDOWN.search(path) or not path.startswith(docs.rstrip("/") + "/"):
                continue
            key = alias.get(path, path)
            if letter == "D":
                # Deleted here: an older file at this path is not a page of the current site.
                alias[path] = None
                continue
            if key is None:
                continue
            grouped.setdefault(key, []).append((c, path, blob))
            if letter == "R" and old is not None:
                alias[old] = key
                alias[path] = None
            elif letter == "A":
                alias[path] = None
    for revs in grouped.values():
        revs.reverse()
    return grouped


def _dirty_paths(repo, docs: str) -> frozenset[str]:
    out = repo.git.status("--porcelain=v1", "-z", "--untracked-files=all", "--", docs)
    paths = set()
    tokens = out.split("\0")
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if len(token) < 4:
            continue
        status, path = token[:2], token[3:]
        paths.add(path)
        if "R" in status or "C" in status:
            i += 1  # the old path follows a rename
    return frozenset(paths)
