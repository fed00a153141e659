"""The git edge: read the history of every Markdown source in one pass.

Everything after this module (versions, dates, redlines, archive, feeds, manifest) is pure
and works on the `History` it returns. One `git log` walks the first-parent chain of HEAD and
one `git cat-file --batch` (GitPython's object database) reads the file contents it is asked for, whatever the
number of pages and languages: the plugins users pick instead run one `git log` per page and
per language, which is what makes them slow on a long history.

Why the first-parent chain: on main, a pull request lands as one merge (or squash) commit.
Diffing each first-parent commit against its first parent attributes a change to the moment
it was merged, which is when it was published, and not to when an editor first typed it. A
merge commit carries the messages of the commits it brings in (one more `git rev-list`,
only when there are merges), so that an editor's `Editorial: yes` survives "Create a merge
commit" and the merge commit GitHub checks a pull request with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .errors import PolicySiteError

_RECORD = "\x1e"
_FIELD = "\x1f"
_FORMAT = f"{_RECORD}%H{_FIELD}%P{_FIELD}%at{_FIELD}%ct{_FIELD}%B{_FIELD}"


class BlobStore:
    """File contents by blob id, read on demand through one `git cat-file --batch` process.

    On demand, because a build that shows only dates needs the newest one or two revisions
    of each page, not all of them; each blob is read once however often it is asked for.
    """

    def __init__(self, repo) -> None:
        self._repo = repo  # keeps the cat-file process alive
        self._text: dict[str, str] = {}

    def data(self, blob: str) -> bytes:
        """The exact bytes (not kept: only hashing needs them, once per blob)."""
        return self._repo.odb.stream(bytes.fromhex(blob)).read()

    def text(self, blob: str) -> str:
        found = self._text.get(blob)
        if found is None:
            found = self._text[blob] = self.data(blob).decode("utf-8", errors="replace")
        return found


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


def read_history(folder: Path | str, docs_dir: Path | str, *, now: datetime | None = None) -> History:
    """Read the history of every `*.md` file below `docs_dir` in one pass.

    Args:
        folder: any folder inside the working tree (the folder of `mkdocs.yml`).
        docs_dir: the folder of the Markdown sources.
        now: the present, to refuse commits dated in the future (default: the clock).

    Raises:
        NotAGitCheckout: `folder` is not in a git working tree.
        PolicySiteError: the clone is shallow, a commit is dated in the future, or git failed.
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
        raw = repo.git.log(
            "--first-parent", "--diff-merges=first-parent", "-M", "--raw", "-z", "--no-abbrev",
            f"--format={_FORMAT}", "HEAD", "--", docs,
        )
        changes = _parse_log(raw)
        if any(c.merged_from for c in changes):
            changes = _with_merged_messages(repo, changes)
        _refuse_future(changes, now or datetime.now(UTC))
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


def _refuse_future(commits: list[_Commit], now: datetime) -> None:
    for c in commits:
        for label, when in (("committer", c.committed), ("author", c.authored)):
            if when > now:
                raise PolicySiteError(
                    f"commit {c.commit[:12]} has a {label} date in the future "
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
