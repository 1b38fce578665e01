"""The words a name cannot use, and the ways a name can be written around them.

The reserved words come from the grammar alone, through :func:`leadrules.lang.keywords.is_reserved`
(a word that one of the grammar's terminals but ``WORD`` matches whole is a keyword or a unit,
not a name); :func:`render_forms` says how a name segment can be written around them.
"""

from __future__ import annotations

import functools
import re

from ..lang.keywords import is_reserved

__all__ = ["is_reserved", "render_forms"]

_WORD = re.compile(r"[^\W\d_]\w*(?:-[^\W\d_]\w*)*\Z")


@functools.lru_cache(maxsize=4096)
def render_forms(segment: str) -> tuple[str, ...]:
    """The ways a name segment can be written in a rule: as words, as one word, in
    backticks (none: the segment cannot be written at all)."""
    forms: list[str] = []
    words = segment.replace("_", " ").split()
    if words and all(_WORD.match(w) and not is_reserved(w) for w in words):
        forms.append(" ".join(words))
    if _WORD.match(segment) and not is_reserved(segment):
        forms.append(segment)
    plain = segment == segment.strip() and not segment.startswith("_")
    if plain and segment and not any(c in segment for c in "`\n\r"):
        forms.append(f"`{segment}`")
    return tuple(dict.fromkeys(forms))
