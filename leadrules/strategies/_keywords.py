"""The words a name cannot use, and the ways a name can be written around them.

The reserved words come from the grammar alone (``leadrules/lang/grammar.lark``): a word that one
of its terminals (but ``WORD``, which names are made of) matches whole is a keyword or a unit,
not a name. :func:`keyword_patterns` is the one place here that reads them;
:func:`is_reserved` and :func:`render_forms` are what the rest of the strategies use.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

# ---------------------------------------------------------------- obtaining the keywords
# MERGE POINT: the only code of leadrules.strategies that reads the keywords. It reads the
# grammar's terminals with a regex over grammar.lark; once ``leadrules/lang/keywords.py`` (the
# keyword list built from Lark's terminals) exists, this function should return what it gives,
# and the three regexes and _GRAMMAR_PATH below go away.

_GRAMMAR_PATH = Path(__file__).parent.parent / "lang" / "grammar.lark"
_TERMINAL_LINE = re.compile(r"^(_?[A-Z][A-Z0-9_]*)(?:\.-?\d+)?\s*:(.*)$", re.MULTILINE)
_STRING_TERMINAL = re.compile(r'"((?:[^"\\]|\\.)+)"(i?)')
_REGEX_TERMINAL = re.compile(r"/((?:[^/\\\n]|\\.)+)/([imsux]*)")


@functools.cache
def keyword_patterns() -> tuple[re.Pattern[str], ...]:
    """The patterns of the grammar's terminals (but WORD, which names are made of), read from
    grammar.lark: a word that one of them matches whole is a keyword, not a name."""
    patterns = []
    for match in _TERMINAL_LINE.finditer(_GRAMMAR_PATH.read_text("utf-8")):
        if match.group(1) == "WORD":
            continue
        body = match.group(2)
        for text, flag in _STRING_TERMINAL.findall(body):
            patterns.append(re.compile(re.escape(text), re.IGNORECASE if flag else 0))
        for text, flags in _REGEX_TERMINAL.findall(body):
            options = re.IGNORECASE if "i" in flags else 0
            try:
                patterns.append(re.compile(text, options))
            except re.error:  # pragma: no cover - Lark accepted it, so Python's re does too
                continue
    return tuple(patterns)


# ---------------------------------------------------------------- using them


def is_reserved(word: str) -> bool:
    """True when ``word`` cannot stand in a name (it is a keyword of the language, such as
    ``when`` or ``at``, or a unit such as ``days``) unless the name is written in backticks."""
    return any(pattern.fullmatch(word) for pattern in keyword_patterns())


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
