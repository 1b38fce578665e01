"""Static analysis of checked rules: what can be known about every lead before any is scored.

:mod:`.logic` is the three-valued solver (can some lead make this condition true, false,
unknown?), :mod:`.canon` says which conditions are written alike, and :mod:`.analyzer` turns
their answers into diagnostics and score bounds: :func:`analyze`, :func:`summarize`,
:func:`score_bounds`.
"""

from __future__ import annotations

from .analyzer import INFINITY, Analysis, Bounds, analyze, score_bounds, summarize

__all__ = ["INFINITY", "Analysis", "Bounds", "analyze", "score_bounds", "summarize"]
