"""Pure unit tests of what counts as a version and when it is dated (no git, no MkDocs)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from policy_site.history import Revision
from policy_site.versions import build_versions, latest_version, reader_view

BERLIN = ZoneInfo("Europe/Berlin")


class Texts:
    """Blob contents from a dict: the in-memory counterpart of history.BlobStore."""

    def __init__(self) -> None:
        self.blobs: dict[str, str] = {}

    def data(self, blob: str) -> bytes:
        return self.blobs[blob].encode()

    def text(self, blob: str) -> str:
        return self.blobs[blob]


def revisions(*steps: tuple[str, str, str]) -> tuple[Revision, ...]:
    """(ISO date, commit message, file text) for each commit, oldest first."""
    texts = Texts()
    out = []
    for n, (when, message, text) in enumerate(steps):
        texts.blobs[f"b{n}"] = text
        instant = datetime.fromisoformat(when).astimezone(UTC)
        out.append(Revision((f"{n + 1:x}" * 40)[:40], "docs/de/policy.md", instant, instant, message, f"b{n}", texts))
    return tuple(out)


def page(body: str, **meta: str) -> str:
    front = "".join(f"{k}: {v}\n" for k, v in {"title": "T", **meta}.items())
    return f"---\n{front}---\n\n# T\n\n{body}\n"


@pytest.mark.parametrize("old, new, same", [
    ("one two three", "one\ntwo   three", True),
    ("- a\n- b", "- a\n-   b", True),
    ("- a\n- b", "- a - b", False),
    ("para one\n\npara two", "para one\n\n\n\npara two", True),
    ("para one\n\npara two", "para one para two", False),
    ("word", "Word", False),
])
def test_reader_view_ignores_only_what_a_reader_cannot_see(old, new, same):
    assert (reader_view(page(old)) == reader_view(page(new))) is same


def test_hidden_front_matter_does_not_count_but_the_title_does():
    assert reader_view(page("x", summary="a")) == reader_view(page("x", summary="b"))
    assert reader_view(page("x")) != reader_view(page("x", title="Other"))


def test_versions_follow_visible_changes_and_skip_editorial_commits():
    revs = revisions(
        ("2020-01-01T10:00:00+00:00", "Import\n\nPublished: 2017-06-28", page("a b c", summary="First")),
        ("2020-02-01T10:00:00+00:00", "Re-wrap", page("a\nb c", summary="First")),
        ("2020-03-01T10:00:00+00:00", "Change", page("a b d", summary="Second")),
        ("2020-03-01T20:00:00+00:00", "Same day", page("a b e", summary="Third")),
        ("2020-04-01T10:00:00+00:00", "Typo\n\nEditorial: yes", page("a b f", summary="Third")),
        ("2020-05-01T22:30:00+00:00", "Late", page("a b g", summary="Third")),
    )
    versions = build_versions(revs, BERLIN)
    assert [v.slug for v in versions] == ["2017-06-28", "2020-03-01", "2020-03-01-2", "2020-05-02"]
    assert [v.summary for v in versions] == ["First", "Second", "Third", None]
    assert versions[0].imported and not versions[1].imported
    latest = latest_version(revs, BERLIN)
    assert (latest.day, latest.commit) == (versions[-1].day, versions[-1].commit)


def test_latest_version_skips_trailing_editorial_and_invisible_commits():
    revs = revisions(
        ("2020-01-01T10:00:00+00:00", "Add", page("a")),
        ("2020-02-01T10:00:00+00:00", "Change", page("b")),
        ("2020-03-01T10:00:00+00:00", "Typo\n\nEditorial: yes", page("c")),
        ("2020-04-01T10:00:00+00:00", "Describe", page("c", description="d")),
    )
    assert latest_version(revs, BERLIN).day.isoformat() == "2020-02-01"
    assert build_versions(revs, BERLIN)[-1].day.isoformat() == "2020-02-01"


def test_a_forgotten_summary_can_be_written_after_the_merge():
    revs = revisions(
        ("2020-01-01T10:00:00+00:00", "Add", page("a", summary="First")),
        ("2020-02-01T10:00:00+00:00", "Change", page("b", summary="First")),
        ("2020-02-05T10:00:00+00:00", "Summary for the change", page("b", summary="Second")),
    )
    versions = build_versions(revs, BERLIN)
    assert [(v.slug, v.summary) for v in versions] == [("2020-01-01", "First"), ("2020-02-01", "Second")]
    assert versions[1].commit == revs[1].commit  # the text and its date stay those of the change


def test_old_texts_can_be_imported_one_after_the_other():
    revs = revisions(
        ("2020-01-01T10:00:00+00:00", "Import\n\nPublished: 2015-03-01", page("a")),
        ("2020-01-01T11:00:00+00:00", "Import\n\nPublished: 2017-06-28", page("b")),
        ("2020-02-01T10:00:00+00:00", "Change", page("c")),
    )
    versions = build_versions(revs, BERLIN)
    assert [(v.slug, v.imported) for v in versions] == [
        ("2015-03-01", True), ("2017-06-28", True), ("2020-02-01", False)]


def test_imported_old_texts_out_of_order_fail():
    from policy_site.errors import PolicySiteError

    revs = revisions(
        ("2020-01-01T10:00:00+00:00", "Import\n\nPublished: 2017-06-28", page("a")),
        ("2020-02-01T10:00:00+00:00", "Import older\n\nPublished: 2015-03-01", page("b")),
    )
    with pytest.raises(PolicySiteError, match=r"commit 222222222222 starts a version dated 2015-03-01, before the version it follows \(2017-06-28, commit 111111111111\)"):
        build_versions(revs, BERLIN)


@pytest.mark.parametrize("declared", ["2015-03-01", "2020-01-15"])
def test_a_published_date_on_a_change_to_a_published_page_fails(declared):
    """Backdating a change, even to a day after the version before, is refused."""
    from policy_site.errors import PolicySiteError

    revs = revisions(
        ("2020-01-01T10:00:00+00:00", "Add", page("a")),
        ("2020-02-01T10:00:00+00:00", f"Change\n\nPublished: {declared}", page("b")),
    )
    with pytest.raises(PolicySiteError, match=rf"commit 222222222222 declares 'Published: {declared}' for a change to a page published here since 2020-01-01 \(commit 111111111111\)") as caught:
        build_versions(revs, BERLIN)
    assert "remove the 'Published:' line" in str(caught.value)
    with pytest.raises(PolicySiteError, match=r"declares 'Published: .*' for a change"):
        latest_version(revs, BERLIN)  # a build with dates only refuses it too


def test_two_published_days_on_one_revision_fail():
    """Main sees a merge as one text: two old texts imported in one pull request (merged with
    a merge commit), or two lines in one message, would date it by a guess."""
    import dataclasses

    from policy_site.errors import PolicySiteError

    add, merge = revisions(
        ("2020-01-01T10:00:00+00:00", "Add", page("a")),
        ("2020-01-02T10:00:00+00:00", "Merge pull request #1", page("b")),
    )
    merge = dataclasses.replace(merge, merged=("Import\n\nPublished: 2015-03-01",
                                               "Import\n\nPublished: 2017-06-28"))
    with pytest.raises(PolicySiteError, match=r"commit 222222222222 and the commits it merges "
                                              r"declare more than one 'Published:' day "
                                              r"\(2015-03-01, 2017-06-28\)"):
        build_versions((add, merge), BERLIN)
    (both,) = revisions(("2020-01-01T10:00:00+00:00",
                         "Import\n\nPublished: 2015-03-01\nPublished: 2017-06-28", page("a")))
    with pytest.raises(PolicySiteError, match=r"commit 111111111111 declare more than one"):
        build_versions((both,), BERLIN)


def test_a_backdated_change_in_a_merged_commit_names_the_merge():
    import dataclasses

    from policy_site.errors import PolicySiteError

    add, merge = revisions(
        ("2020-01-01T10:00:00+00:00", "Add", page("a")),
        ("2020-02-01T10:00:00+00:00", "Merge pull request #2", page("b")),
    )
    merge = dataclasses.replace(merge, merged=("Change\n\nPublished: 2020-01-15",))
    with pytest.raises(PolicySiteError, match=r"commit 222222222222 \(in a commit it merges\) "
                                              r"declares 'Published: 2020-01-15'"):
        build_versions((add, merge), BERLIN)


def test_the_newest_of_several_imported_texts_is_the_latest_version():
    revs = revisions(
        ("2020-01-01T10:00:00+00:00", "Import\n\nPublished: 2015-03-01", page("a")),
        ("2020-01-01T11:00:00+00:00", "Import\n\nPublished: 2017-06-28", page("b")),
    )
    latest = latest_version(revs, BERLIN)
    assert (latest.slug, latest.number, latest.commit) == ("2017-06-28", 0, revs[1].commit)


def _reader_view_line_by_line(text: str) -> str:
    """reader_view as it was first written, one line at a time: the reference for the chunked one."""
    import re

    from policy_site import frontmatter

    block_start = re.compile(r"[-*+] |\d+[.)] |#|>|\||```|~~~|<")
    source = frontmatter.parse(text)
    shown = [f"{k}: {source.meta[k]}" for k in ("title",) if source.meta.get(k) is not None]
    lines: list[str] = []
    for line in source.body.split("\n"):
        words = line.split()
        if not words:
            if lines and lines[-1]:
                lines.append("")
            continue
        joined = " ".join(words)
        if lines and lines[-1] and not block_start.match(joined):
            lines[-1] += " " + joined
        else:
            lines.append(joined)
    body = "\n".join(lines).strip().replace("\n\n\n", "\n\n")
    return "\n".join(shown) + "\n\n" + body


def test_reader_view_and_its_digest_are_those_of_the_line_by_line_reading():
    """Cut at blank lines and remembered piece by piece, the view is still the same text."""
    import hashlib
    import random

    from policy_site.versions import FactStore

    pieces = ["word", "Wört", "1.", "2)", "12. x", "-", "- x", "* y", "+", "#", "## H", "> q", "|",
              "| a |", "```", "~~~", "<b>", "x<y", " ", "  ", "\t", "\u00a0", "\u2028", "\x0c", "\r",
              "\n", "\n", "\n", "\n\n", "\n\n\n", "\r\n", "\r\n\r\n", "\n \n", "\n\t\n"]
    rng = random.Random(20240601)
    texts = Texts()
    for n in range(3000):
        body = "".join(rng.choice(pieces) + rng.choice(["", " ", "\n"]) for _ in range(rng.randrange(40)))
        text = page(body) if n % 3 else body  # with and without front matter
        assert reader_view(text) == _reader_view_line_by_line(text), repr(text)
        texts.blobs[f"b{n}"] = text
        rev = Revision("0" * 40, "docs/de/policy.md", datetime(2020, 1, 1, tzinfo=UTC),
                       datetime(2020, 1, 1, tzinfo=UTC), "", f"b{n}", texts)
        want = hashlib.sha256(_reader_view_line_by_line(text).encode("utf-8")).hexdigest()
        assert FactStore().of(rev).view == want, repr(text)
