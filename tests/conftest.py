"""Shared test data: the rule files the spec (``language.md``) itself shows."""

from __future__ import annotations

from collections.abc import Callable

import pytest

#: The realistic rule file of language.md §2, copied verbatim.
SPEC_EXAMPLE = r"""# Who they are
define decision maker as job title matches /\b(chief|vp|head|director)\b/i
define enterprise as company size >= 1000

group fit max 50:
    +20 when decision maker
    +15 when company size between 50 and 5000
    +10 when industry in ["software", "fintech", "healthcare", "retail"]
    -10 when email ends with "@gmail.com" as "Personal email address"

group engagement max 60:
    +20 when downloaded whitepaper
    +5 per opened email within 30 days, up to 15
    +25 when visited pricing page at least 3 times within 14 days
    +30 when requested demo
    +20 when attended webinar, decaying 50% every 30 days

disqualify when country not in ["GB", "IE"] because "We only sell in the UK and Ireland"
disqualify when email ends with "@competitor.com"

MQL at 50
SQL at 80 when requested demo or booked call
"""

#: The guiding example of language.md, which must work exactly as written.
GUIDING_EXAMPLE = "+20 when downloaded whitepaper; disqualify when country != 'GB'; MQL at 50"


@pytest.fixture(scope="session")
def spec_example() -> str:
    return SPEC_EXAMPLE


@pytest.fixture(scope="session")
def guiding_example() -> str:
    return GUIDING_EXAMPLE


def _assert_points_at(error: BaseException, source: str, line: int, column: int) -> None:
    """``error`` is at ``line``:``column`` and its text shows that source line with a caret
    under that column."""
    assert getattr(error, "line", None) == line, str(error)
    assert getattr(error, "column", None) == column, str(error)
    wanted = source.splitlines()[line - 1].rstrip()
    shown = str(error).splitlines()
    forms = [wanted, wanted.expandtabs(1), wanted.expandtabs(4), wanted.expandtabs(8)]
    for i, text in enumerate(shown[:-1]):
        for form in forms:
            if form and text.endswith(form) and not text[: len(text) - len(form)].strip():
                prefix = text[: len(text) - len(form)]
                caret = shown[i + 1]
                assert caret.startswith(prefix + " " * (column - 1) + "^"), str(error)
                assert not caret[: len(prefix) + column - 1].strip(), str(error)
                return
    raise AssertionError(f"line {line} ({wanted!r}) is not shown in:\n{error}")


@pytest.fixture(scope="session")
def points_at() -> Callable[[BaseException, str, int, int], None]:
    """``points_at(error, source, line, column)``: the error names that spot, shows the line
    and puts a caret under it."""
    return _assert_points_at
