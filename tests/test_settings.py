"""`extra.policies` as mkdocs.yml gives it (YAML already parsed): what each value means, and
the values that must stop the build rather than mean something else."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from policy_site import settings
from policy_site.errors import PolicySiteError

CONTACT = {"contact": {"email": "privacy@example.com"}}


def load(text: str) -> settings.Settings:
    options = {**CONTACT, **(yaml.safe_load(text) or {})}
    return settings.load(options, root=Path("/site"), languages=["de", "en"])


@pytest.mark.parametrize("text, cache_dir", [
    ("", ".cache/policy-site"),
    ("cache_dir: off", "off"),  # YAML reads an unquoted off as false
    ("cache_dir: 'off'", "off"),
    ("cache_dir: 'OFF'", "off"),
    ("cache_dir: build/cache", "build/cache"),
])
def test_the_cache_folder_or_off(text, cache_dir):
    assert load(text).cache_dir == cache_dir


@pytest.mark.parametrize("text", ["cache_dir: ''", "cache_dir: 3", "cache_dir: [a]"])
def test_a_cache_folder_that_is_no_folder_stops_the_build(text):
    with pytest.raises(PolicySiteError, match=r"^mkdocs.yml: extra.policies.cache_dir: .* is "
                                              r"not a folder\. Fix: name a folder"):
        load(text)


@pytest.mark.parametrize("text, archive, preview", [
    ("", True, False),
    ("archive: false", False, False),
    ("archive: no", False, False),  # YAML 1.1: no is false
    ("preview: true", True, True),
])
def test_yes_no_settings(text, archive, preview):
    site = load(text)
    assert (site.archive, site.preview) == (archive, preview)


@pytest.mark.parametrize("text, name", [
    ("archive: 'no'", "archive"), ("archive: 'false'", "archive"),
    ("preview: 'false'", "preview"), ("preview: 1", "preview"),
])
def test_a_yes_no_setting_in_quotes_stops_the_build(text, name):
    with pytest.raises(PolicySiteError, match=rf"^mkdocs.yml: extra.policies.{name}: .* is not "
                                              rf"true or false\. Fix: write '{name}: true'"):
        load(text)
