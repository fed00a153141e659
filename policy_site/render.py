"""One small renderer: every generated text comes from a template file in `templates/`.

Templates whose name ends in `.md` produce Markdown (MkDocs renders it with the page);
the others produce HTML or XML and are autoescaped.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from jinja2 import (Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined,
                    select_autoescape)

TEMPLATES = Path(__file__).parent / "templates"

_bytecode: FileSystemBytecodeCache | None = None
"""Where compiled templates are kept between builds (see `fresh`), or None."""

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
        bytecode_cache=_bytecode,
    )
    env.filters["md"] = md_escape
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)


def fresh(bytecode_dir: Path | None = None) -> None:
    """Forget the loaded templates, so that a rebuild (under `make serve`) sees edited ones.

    `bytecode_dir` keeps the compiled templates between builds: compiling them costs a
    build about 30 ms. Jinja checks each one against its template's source before using it,
    so an edited template is compiled again.
    """
    global _bytecode
    if bytecode_dir is not None:
        bytecode_dir.mkdir(parents=True, exist_ok=True)
    _bytecode = FileSystemBytecodeCache(str(bytecode_dir)) if bytecode_dir else None
    environment.cache_clear()


def bytecode_cache() -> FileSystemBytecodeCache | None:
    """The cache of compiled templates that `fresh` set, for another Jinja environment too
    (the hook gives it to the theme's)."""
    return _bytecode
