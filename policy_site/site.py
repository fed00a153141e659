"""mkdocs.yml read without MkDocs, for the scripts: the settings, the docs folder, the languages.

The scripts (`scripts/lint`, `scripts/translation-status`, `scripts/pr-redline`) need what the
hook gets from MkDocs, but must not build the site to get it. So this module reads the YAML
itself, with a loader that tolerates MkDocs's tags (`!ENV`, `!!python/name:…`), takes the
languages from `plugins.i18n.languages` (the default one first, as the hook does) and checks
`extra.policies` with the same `settings.load` the hook uses.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import history as history_module
from . import policies
from . import settings as settings_module
from .errors import PolicySiteError
from .history import History
from .policies import PolicyDoc


@dataclass(frozen=True)
class Site:
    """What the scripts need to know about the site, read from mkdocs.yml."""

    config_file: Path
    settings: settings_module.Settings
    docs_dir: Path
    """The folder of the Markdown sources (absolute)."""
    languages: tuple[str, ...]
    """Every language, the default (served at the site root) first."""
    language_names: dict[str, str]
    """The name each language has in the language switcher ('de' -> 'Deutsch')."""

    @property
    def root(self) -> Path:
        """The folder of mkdocs.yml."""
        return self.settings.root

    def language_dir(self, language: str) -> Path:
        return self.docs_dir / language

    def read_history(self) -> History:
        """The git history of the docs folder (one pass, as in the build)."""
        return history_module.read_history(self.root, self.docs_dir)

    def policy_docs(self, hist: History) -> list[PolicyDoc]:
        """Every policy page in every language, with its versions, as the build sees them
        (and checked as the build checks them: `policies.check_pages`)."""
        docs_rel = self.docs_rel(hist)
        policies.check_pages(self.settings, docs_rel,
                             lambda lang, page: (self.docs_dir / lang / page).is_file(),
                             where=str(self.config_file))
        return policies.policy_docs(hist, self.settings, docs_rel)

    def docs_rel(self, hist: History) -> str:
        """The docs folder relative to the repository root ('docs')."""
        return self.docs_dir.relative_to(hist.root).as_posix()


class _Loader(yaml.SafeLoader):
    """SafeLoader that reads MkDocs's tags instead of refusing them."""


def _env(loader: _Loader, node: yaml.Node) -> Any:
    """`!ENV NAME` or `!ENV [NAME, OTHER, default]`: the first variable that is set, else the
    default (the last item of a list of two or more), as MkDocs reads it."""
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:
        values = loader.construct_sequence(node)
        names, default = (values[:-1], values[-1]) if len(values) > 1 else (values, None)
    for name in names:
        value = os.environ.get(str(name))
        if value is not None:
            return yaml.safe_load(value) if value else ""
    return default


def _untagged(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    """Any other tag (`!!python/name:material.extensions.emoji.twemoji`): the plain value."""
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


_Loader.add_constructor("!ENV", _env)
_Loader.add_multi_constructor("!", _untagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _untagged)


def read_config(path: Path) -> dict[str, Any]:
    """mkdocs.yml as a dict; a file that cannot be read or parsed names itself and the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicySiteError(f"cannot read the configuration ({exc.strerror}).", path=str(path),
                              fix="run the command in the folder of mkdocs.yml, or pass "
                                  "--config-file.") from exc
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise PolicySiteError(f"not valid YAML ({getattr(exc, 'problem', exc)}).", path=str(path),
                              line=mark.line + 1 if mark else None,
                              fix="check the indentation.") from exc
    if not isinstance(data, dict):
        raise PolicySiteError("expected the settings of a MkDocs site.", path=str(path), line=1)
    return data


def _i18n_languages(config: dict[str, Any]) -> list[dict[str, Any]]:
    plugins = config.get("plugins") or []
    if isinstance(plugins, dict):
        plugins = [{name: options} for name, options in plugins.items()]
    for plugin in plugins:
        if isinstance(plugin, dict) and "i18n" in plugin:
            return [x for x in (plugin["i18n"] or {}).get("languages") or [] if isinstance(x, dict)]
    return []


def load(config_file: Path | str = "mkdocs.yml") -> Site:
    """Read `config_file` (mkdocs.yml) and check `extra.policies` as the hook does."""
    path = Path(config_file).resolve()
    config = read_config(path)
    root = path.parent
    entries = _i18n_languages(config)
    if entries:
        default = next((x for x in entries if x.get("default")), entries[0])
        ordered = [default] + [x for x in entries if x is not default]
        languages = [str(x["locale"]) for x in ordered if "locale" in x]
        names = {str(x["locale"]): str(x.get("name") or x["locale"]) for x in ordered if "locale" in x}
    else:
        theme = config.get("theme") or {}
        language = str(theme.get("language", "en")) if isinstance(theme, dict) else "en"
        languages, names = [language], {language: language}
    extra = config.get("extra") or {}
    site_settings = settings_module.load(
        extra.get("policies") if isinstance(extra, dict) else None, root=root,
        languages=languages, where=str(path))
    docs_dir = (root / str(config.get("docs_dir", "docs"))).resolve()
    return Site(path, site_settings, docs_dir, tuple(languages), names)
