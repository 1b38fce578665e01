"""Static analysis of checked rules (placeholder until the analyser lands)."""

from __future__ import annotations

from .checker import CheckedRules
from .errors import Diagnostic

__all__ = ["analyze"]


def analyze(rules: CheckedRules) -> tuple[Diagnostic, ...]:
    """Warnings about ``rules``, each with a position."""
    del rules
    return ()
