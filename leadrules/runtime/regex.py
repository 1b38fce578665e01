"""Regular expressions from rule files, run with RE2.

RE2 matches in time linear in the length of the text, whatever the pattern, so a pattern such as
``(a+)+$`` cannot hang the process on a long text (Python's ``re`` backtracks and can take
forever). RE2 rejects the few features that need backtracking (backreferences such as ``\\1``
and look-around such as ``(?=...)``); the checker reports those as errors with a position.
DuckDB's regular expression functions use RE2 too, so a future SQL backend will agree.

Linear is not cheap: the time is the text's length times the pattern's program size, and
RE2's memory grows with both. So a pattern is bounded when the rules are compiled (its
length, its groups, the size of the program RE2 makes of it: :data:`MAX_PATTERN_LENGTH`,
:data:`MAX_PATTERN_GROUPS`, :data:`MAX_PROGRAM_SIZE`), it is matched without capturing
(groups only group), and it reads at most the first :data:`MAX_MATCH_TEXT` characters of a
value (docs/language.md, Limits). A pattern too long never reaches RE2, whose parser would
otherwise write to standard error for patterns of a million nodes.
"""

from __future__ import annotations

import functools
from typing import Any

import re2

__all__ = [
    "MAX_MATCH_TEXT",
    "MAX_PATTERN_GROUPS",
    "MAX_PATTERN_LENGTH",
    "MAX_PROGRAM_SIZE",
    "RegexProblem",
    "SafePattern",
    "compile_regex",
]

#: The longest pattern, in characters.
MAX_PATTERN_LENGTH = 1000
#: The most groups ``( )`` a pattern may have (they group; nothing is captured).
MAX_PATTERN_GROUPS = 100
#: The largest program RE2 may make of a pattern (its ``programsize``: about one
#: instruction per character matched; ``\w`` or ``[a-z]`` ignoring case cost more).
MAX_PROGRAM_SIZE = 2000
#: How much of a value a pattern reads: its first 100,000 characters.
MAX_MATCH_TEXT = 100_000


class SafePattern:
    """An RE2 pattern whose ``search`` accepts any Python text: RE2 works on UTF-8, and text
    that cannot be encoded (a lone surrogate, as broken JSON can carry) is searched with the
    offending characters replaced by U+FFFD instead of raising."""

    __slots__ = ("_pattern",)

    def __init__(self, pattern: Any) -> None:
        self._pattern = pattern

    def search(self, text: str) -> Any:
        """The first match in the first MAX_MATCH_TEXT characters of ``text``, or None."""
        if len(text) > MAX_MATCH_TEXT:
            text = text[:MAX_MATCH_TEXT]
        try:
            return self._pattern.search(text)
        except UnicodeEncodeError:
            cleaned = text.encode("utf-8", "replace").decode("utf-8")
            return self._pattern.search(cleaned)


_ALLOWED_FLAGS = {"i"}


class RegexProblem(Exception):
    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@functools.lru_cache(maxsize=1024)
def compile_regex(pattern: str, flags: str = "") -> Any:
    """A compiled RE2 pattern, or RegexProblem explaining why the pattern is not usable."""
    unknown = sorted(set(flags) - _ALLOWED_FLAGS)
    if unknown:
        raise RegexProblem(
            f"unknown pattern flag `{''.join(unknown)}`",
            "the only flag is `i` (ignore case): write /pattern/i",
        )
    if len(flags) != len(set(flags)):
        raise RegexProblem("a pattern flag is repeated", "write the `i` flag once: /pattern/i")
    try:
        pattern.encode("utf-8")
    except UnicodeEncodeError:
        raise RegexProblem(
            "this pattern contains a character that is not valid text (a lone surrogate)",
            "retype the pattern; it may have been pasted from a damaged source",
        ) from None
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise RegexProblem(
            f"this pattern is {len(pattern):,} characters long, more than the "
            f"{MAX_PATTERN_LENGTH:,} leadrules allows",
            "match a shorter pattern (several rules can each test a part)",
        )
    options = re2.Options()
    options.log_errors = False
    options.case_sensitive = "i" not in flags
    try:
        compiled = re2.compile(pattern, options)
    except re2.error as exc:
        detail = exc.args[0] if exc.args else str(exc)
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        hint = "check the pattern's brackets and backslashes"
        if "escape" in str(detail) or "(?" in pattern:
            hint = (
                "leadrules patterns cannot use backreferences like \\1 or look-arounds like "
                "(?=...), because they can make matching take forever"
            )
        raise RegexProblem(f"this pattern is not valid: {detail}", hint) from None
    if compiled.groups > MAX_PATTERN_GROUPS:
        raise RegexProblem(
            f"this pattern has {compiled.groups:,} groups, more than the "
            f"{MAX_PATTERN_GROUPS} leadrules allows",
            "leave out the brackets that group nothing",
        )
    if compiled.programsize > MAX_PROGRAM_SIZE:
        raise RegexProblem(
            f"this pattern is too big to match quickly (RE2 makes a program of "
            f"{compiled.programsize:,} steps of it, more than the {MAX_PROGRAM_SIZE:,} "
            "leadrules allows)",
            "use smaller repetition counts such as {3} instead of {300}, or split the pattern",
        )
    options.never_capture = True  # groups only group: matching needs no captures
    return SafePattern(re2.compile(pattern, options))
