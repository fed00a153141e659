"""The one error type of the package, shaped so that every message says where and what to do.

The MkDocs hook turns it into a `PluginError`; the scripts print it and exit non-zero.
"""

from __future__ import annotations


class PolicySiteError(Exception):
    """A problem the reader of the message can fix: names the file (and line), and the fix."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 fix: str | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.message}"
        if self.fix:
            text += f" Fix: {self.fix}"
        return text
