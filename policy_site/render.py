"""One small renderer: every generated text comes from a template file in `templates/`.

Templates whose name ends in `.md` produce Markdown (MkDocs renders it with the page);
the others produce HTML or XML and are autoescaped.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|<>#])")


def md_escape(text: object) -> str:
    """Plain text made safe inside Markdown (tables included): nothing in it is markup."""
    return _MD_SPECIAL.sub(lambda m: {"<": "&lt;", ">": "&gt;"}.get(m.group(1), "\\" + m.group(1)),
                           str(text))


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html", "xml"), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # thousands of renders per build; `fresh()` starts each build anew
    )
    env.filters["md"] = md_escape
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)


def fresh() -> None:
    """Forget the loaded templates, so that a rebuild (under `make serve`) sees edited ones."""
    environment.cache_clear()
