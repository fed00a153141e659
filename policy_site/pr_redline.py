"""The redline of a pull request: what it changes in every policy page, in every language.

`scripts/pr-redline BASE HEAD` prints it as Markdown for the job summary of the pull request
(GitHub renders `<ins>`, `<del>` and `<details>` in Markdown), or as an HTML page with
`--html`. The redlines are the site's own (`policy_site.redline`), so a reviewer sees exactly
what the published redline will show.

The files are read at the two revisions through one GitPython `Repo` (`commit.tree / path`),
never from the working tree. By default BASE is replaced by the merge base of BASE and HEAD,
as GitHub compares a pull request: changes that reached main after the branch was made are
not shown as the pull request's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import frontmatter
from .errors import PolicySiteError
from .redline import Labels, Redline, redline
from .render import render
from .site import Site
from .strings import Strings
from .versions import SUMMARY_FIELD, reader_view


@dataclass(frozen=True)
class PageChange:
    """One policy page in one language that differs between the two revisions."""

    language: str
    language_name: str
    path: str
    """The file's path relative to the repository root, e.g. 'docs/de/policy.md'."""
    old_summary: str | None
    new_summary: str | None
    redline: Redline | None
    """None when the page was deleted."""
    visible: bool
    """False when only white space or fields a reader does not see changed."""
    added: bool = False
    deleted: bool = False
    problem: str | None = None
    """A front matter that does not parse at one of the revisions (the lint names it too)."""

    @property
    def summary_unchanged(self) -> bool:
        """A visible change that kept the previous change's summary (or has none)."""
        return self.visible and not self.deleted and (
            self.new_summary is None or self.new_summary == self.old_summary)


@dataclass(frozen=True)
class Comparison:
    base: str
    """The commit compared against (the merge base, unless asked otherwise)."""
    head: str
    base_name: str
    """How the base was named, e.g. 'origin/main', or 'the merge base of origin/main and HEAD'."""
    head_name: str
    pages: tuple[PageChange, ...]


def compare(site: Site, base: str, head: str, strings: dict[str, Strings], *,
            merge_base: bool = True) -> Comparison:
    """Every policy page, in every language, that differs between `base` and `head`.

    Args:
        site: the site, as `policy_site.site.load` read it.
        base, head: two revisions git understands ('origin/main', 'HEAD', a commit).
        strings: every language's texts (for the folded-paragraph labels of the redlines).
        merge_base: compare `head` with the merge base of `base` and `head` (as GitHub
            shows a pull request), not with `base` itself.

    Raises:
        PolicySiteError: not a git checkout, or a revision git does not know.
    """
    import git  # GitPython, as in policy_site.history

    try:
        repo = git.Repo(site.root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
        raise PolicySiteError("this folder is not a git checkout.", path=str(site.root),
                              fix="run the command in a clone of the repository.") from exc
    commits = []
    for rev in (base, head):
        try:
            commits.append(repo.commit(rev))
        except (git.BadName, ValueError, git.GitCommandError) as exc:
            raise PolicySiteError(
                f"'{rev}' is not a commit this repository knows.", path=str(site.root),
                fix="name a branch, tag or commit; in CI fetch the whole history "
                    "('fetch-depth: 0' on actions/checkout) so that origin/<base branch> "
                    "exists.") from exc
    old, new = commits
    base_name = base
    if merge_base:
        bases = repo.merge_base(old, new)
        if bases and bases[0] != old:
            old, base_name = bases[0], f"the merge base of {base} and {head}"
    root = Path(repo.working_tree_dir).resolve()
    docs = site.docs_dir.relative_to(root).as_posix()
    pages = []
    for language in site.languages:
        for page in site.settings.pages:
            path = f"{docs}/{language}/{page}"
            change = _page_change(path, _read(old, path), _read(new, path), language,
                                  site.language_names.get(language, language), strings[language])
            if change is not None:
                pages.append(change)
    return Comparison(old.hexsha, new.hexsha, base_name, head, tuple(pages))


def _read(commit, path: str) -> str | None:
    try:
        blob = commit.tree / path
    except KeyError:
        return None
    return blob.data_stream.read().decode("utf-8", errors="replace")


def _split(text: str | None, path: str) -> tuple[dict, str, str | None]:
    """(front matter, body, problem) of a file's text; a broken front matter is reported."""
    if text is None:
        return {}, "", None
    try:
        source = frontmatter.parse(text, path)
    except PolicySiteError as exc:
        return {}, text, str(exc)
    return source.meta, source.body, None


def _summary(meta: dict) -> str | None:
    value = meta.get(SUMMARY_FIELD)
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def _page_change(path: str, old: str | None, new: str | None, language: str, name: str,
                 strings: Strings) -> PageChange | None:
    if old == new:
        return None
    old_meta, old_body, old_problem = _split(old, path)
    new_meta, new_body, new_problem = _split(new, path)
    try:
        visible = old is None or new is None or reader_view(old, path) != reader_view(new, path)
    except PolicySiteError:
        visible = True
    labels = Labels(folded=strings["folded"], folded_one=strings["folded_one"])
    return PageChange(
        language=language, language_name=name, path=path,
        old_summary=_summary(old_meta), new_summary=_summary(new_meta),
        redline=None if new is None else redline(old_body, new_body, labels=labels),
        visible=visible, added=old is None, deleted=new is None,
        problem=new_problem or old_problem)


_HEADING = re.compile(r"<(/?)h([1-6])\b")


def _demote(html: str, by: int) -> str:
    """Shift the redline's headings down, below the headings of the report around it."""
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + by)}", html)


def _entries(comparison: Comparison, strings: dict[str, Strings], shift: int) -> list[dict]:
    entries = []
    for change in comparison.pages:
        text = strings[change.language]
        counts = None
        if change.redline is not None and not change.redline.unchanged:
            counts = text.format("redline_counts", inserted=change.redline.inserted_words,
                                 deleted=change.redline.deleted_words,
                                 blocks=change.redline.changed_blocks)
        entries.append({
            "change": change, "counts": counts, "legend": text["redline_legend"],
            "none": text["redline_none"],
            "html": _demote(change.redline.html, shift) if change.redline else None,
        })
    return entries


def markdown(comparison: Comparison, strings: dict[str, Strings]) -> str:
    """The comparison as GitHub-flavoured Markdown, for a job summary or a PR comment."""
    return render("pr_redline.md", comparison=comparison, entries=_entries(comparison, strings, 3))


def html(comparison: Comparison, strings: dict[str, Strings]) -> str:
    """The comparison as one HTML page."""
    return render("pr_redline.html", comparison=comparison,
                  entries=_entries(comparison, strings, 2))
