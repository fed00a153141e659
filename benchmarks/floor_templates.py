"""MkDocs hook of benchmark variant g: the floor (a) with the theme's compiled templates kept.

Each language's build of mkdocs-static-i18n makes a new Jinja environment for the theme,
which compiles Material's templates again: about 0.15 s per language. Our hook gives that
environment Jinja's bytecode cache (hooks/policies.py, on_env); this gives the plain build
the same, so that the benchmark can also show our cost above a floor that does not pay it.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import FileSystemBytecodeCache


def on_env(env, config, files):
    folder = Path(config.config_file_path).parent / "bench-templates"
    folder.mkdir(exist_ok=True)
    env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    return env
