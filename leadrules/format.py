"""Canonical formatting of rule files (placeholder until the formatter lands)."""

from __future__ import annotations

from .parser import parse

__all__ = ["format"]


def format(source: str, filename: str = "<rules>") -> str:
    """Return ``source`` in canonical layout. Raises RuleSyntaxError for text that does not
    parse."""
    parse(source, filename)
    return source if source.endswith("\n") else source + "\n"
