"""Files a build keeps between runs (in .cache/), written so that none is ever half-written.

A build can be killed at any moment, and two builds can share the cache folder (`make serve`
beside `make build`): each file is written under a name of its own process first and then
renamed into place, which replaces it whole.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def write_json(path: Path, data: Any) -> None:
    """Write `data` as compact JSON at `path`, whole or not at all."""
    write_text(path, json.dumps(data, separators=(",", ":")))


def write_text(path: Path, text: str) -> None:
    """Write `text` in UTF-8 at `path`, whole or not at all."""
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: Path, data: bytes) -> None:
    """Write `data` at `path`, whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)  # left only when writing failed
