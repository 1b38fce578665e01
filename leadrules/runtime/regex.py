"""Regular expressions from rule files, run with RE2.

RE2 matches in time linear in the length of the text, whatever the pattern, so a pattern such as
``(a+)+$`` cannot hang the process on a long text (Python's ``re`` backtracks and can take
forever). RE2 rejects the few features that need backtracking (backreferences such as ``\\1``
and look-around such as ``(?=...)``); the checker reports those as errors with a position.
DuckDB's regular expression functions use RE2 too, so a future SQL backend will agree.
"""

from __future__ import annotations

import functools
from typing import Any

import re2

__all__ = ["RegexProblem", "SafePattern", "compile_regex"]


class SafePattern:
    """An RE2 pattern whose ``search`` accepts any Python text: RE2 works on UTF-8, and text
    that cannot be encoded (a lone surrogate, as broken JSON can carry) is searched with the
    offending characters replaced by U+FFFD instead of raising."""

    __slots__ = ("_pattern",)

    def __init__(self, pattern: Any) -> None:
        self._pattern = pattern

    def search(self, text: str) -> Any:
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
    options = re2.Options()
    options.log_errors = False
    options.case_sensitive = "i" not in flags
    try:
        return SafePattern(re2.compile(pattern, options))
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
