"""Shared test data: the rule files the spec (``language.md``) itself shows."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from helpers import UnguardedBackend
from specdata import GUIDING_EXAMPLE, SPEC_EXAMPLE

from leadrules import backends

backends.register(UnguardedBackend(), replace=True)


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


@pytest.fixture(params=["America/New_York", "Asia/Tokyo"])
def far_from_utc(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A local time zone far from UTC (behind it, then ahead of it), so that 'naive is UTC'
    cannot pass by accident."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available on this platform")
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
