"""YAML data files that remember the line of every key, so an error can point at it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import PolicySiteError

KeyPath = tuple[Any, ...]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML has it: the data files are read on every build, and
the pure-Python parser took 0.15 s for them."""


def load(path: Path) -> tuple[Any, dict[KeyPath, int]]:
    """The data in `path`, and the 1-based line of each key path (('items', 'x', 'name'): 7)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicySiteError(f"cannot read the data file ({exc.strerror}).", path=str(path),
                              fix="check the path in mkdocs.yml under extra.policies.") from exc
    try:
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise PolicySiteError(
            f"not valid YAML ({getattr(exc, 'problem', exc)}).", path=str(path),
            line=mark.line + 1 if mark else None,
            fix="check the indentation and quote texts that contain ': ' or start with a symbol.",
        ) from exc
    lines: dict[KeyPath, int] = {}
    _walk(node, (), lines)
    return data, lines


def _walk(node: yaml.Node | None, at: KeyPath, lines: dict[KeyPath, int]) -> None:
    if node is None:
        return
    lines.setdefault(at, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            here = at + (key.value,)
            lines[here] = key.start_mark.line + 1
            _walk(value, here, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            _walk(value, at + (i,), lines)


def line_of(lines: dict[KeyPath, int], at: KeyPath) -> int | None:
    """The line of `at`, or of its nearest parent that has one."""
    while at:
        if at in lines:
            return lines[at]
        at = at[:-1]
    return lines.get(())
