"""The logic of the privacy-statement site: git history, dates, versions, redlines, pages.

This package knows nothing of MkDocs. `hooks/policies.py` adapts it to MkDocs events, and
the scripts in `scripts/` call it directly, so it outlives a change of site generator.
"""
