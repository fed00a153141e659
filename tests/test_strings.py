"""The site's own words (data/strings.yml): every language has the same placeholders, and a
placeholder the build does not fill in stops it with the file, the key and the fix."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from policy_site import pages, strings
from policy_site.errors import PolicySiteError
from policy_site.policies import PolicyDoc, Status
from policy_site.versions import Version


def load(tmp_path: Path, text: str) -> dict[str, strings.Strings]:
    path = tmp_path / "strings.yml"
    path.write_text(text, encoding="utf-8")
    return strings.load(path, ("de", "en"))


def test_the_languages_must_have_the_same_placeholders(tmp_path: Path):
    with pytest.raises(PolicySiteError) as caught:
        load(tmp_path, "a: {de: x, en: y}\n"
                       "archived_notice: {de: 'Vom {start} bis {ende}.',"
                       " en: 'From {start} to {end}.'}\n")
    assert str(caught.value) == (
        f"{tmp_path / 'strings.yml'}:2: the placeholders of 'archived_notice' differ between the "
        "languages: 'de' has {ende} {start}; 'en' has {end} {start}. Fix: keep every "
        "placeholder in braces as it is, in every language: the build fills in {date}, "
        "{start} and the like by their names.")
    with pytest.raises(PolicySiteError, match="'de' has none; 'en' has {end}"):
        load(tmp_path, "b: {de: 'Bis heute.', en: 'Until {end}.'}\n")


def test_a_lone_brace_names_the_key(tmp_path: Path):
    with pytest.raises(PolicySiteError) as caught:
        load(tmp_path, "last_updated: {de: 'Stand: {date', en: 'Last updated: {date}'}\n")
    assert str(caught.value).startswith(
        f"{tmp_path / 'strings.yml'}:1: the 'de' text of 'last_updated' has a brace that opens "
        "or closes nothing")


def test_a_placeholder_nobody_fills_in_stops_instead_of_showing(tmp_path: Path):
    texts = load(tmp_path, "archived_notice: {de: 'Bis {ende}.', en: 'Until {ende}.'}\n"
                           "last_updated: {de: 'Stand: {datum}', en: 'Updated: {datum}'}\n")
    with pytest.raises(PolicySiteError) as caught:
        texts["de"].format("archived_notice", start="1. Juni 2017", end="2. Juni 2018")
    assert str(caught.value) == (
        f"{tmp_path / 'strings.yml'}: the 'de' text of 'archived_notice' has the placeholder "
        "{ende}, which the build does not fill in. Fix: use the placeholders this text takes "
        "({start} {end}), in every language.")
    # The date of a policy page would not show: that is no page to publish.
    day = datetime(2017, 6, 28, 10, tzinfo=UTC)
    version = Version("docs/de/policy.md", 1, "2017-06-28", day, day.date(), True, "0" * 40,
                      "docs/de/policy.md", None, "Erste Fassung.", "Datenschutz", "0" * 64)
    doc = PolicyDoc("de", "policy.md", "docs/de/policy.md", "", (version,), Status.PUBLISHED)
    with pytest.raises(PolicySiteError, match="placeholder {datum}"):
        pages.stamp(doc, texts["de"], "policy/")
