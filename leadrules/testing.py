"""Assertions for example-based tests of rule files.

Each helper scores one lead and, when the expectation fails, raises :class:`AssertionError`
whose message is a one-line summary followed by the lead's full explanation, so a failing test
shows every point awarded and why::

    from leadrules.testing import assert_stage

    def test_vp_who_asked_for_a_demo_is_sql():
        assert_stage(RULES, {"job_title": "VP Sales", "requested_demo": True}, "SQL", now=NOW)

``rules`` is a compiled :class:`~leadrules.RuleSet` or rule source text (compiled once and
cached, as :func:`leadrules.evaluate` does). Each helper returns the
:class:`~leadrules.Result`, for further checks. None of them needs Hypothesis.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import InvalidArgument
from .lang.decimal_text import number_text
from .result import Result
from .ruleset import RuleSet, evaluate

__all__ = [
    "assert_disqualified",
    "assert_not_disqualified",
    "assert_score",
    "assert_stage",
]


def _fail(summary: str, result: Result) -> AssertionError:
    return AssertionError(f"{summary}\n\n{result.explain()}")


def _number(value: Any, what: str) -> Decimal:
    """An expected score as a Decimal: ints, Decimals, numeric text, and floats by their
    shortest text (``12.5``), so that ``assert_score(..., 0.1)`` means 0.1."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise InvalidArgument(f"{what} must be a number, not {type(value).__name__} ({value!r})")
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise InvalidArgument(f"{what} must be a number, not {value!r}") from None
    if not number.is_finite():
        raise InvalidArgument(f"{what} must be a finite number, not {value!r}")
    return number


def _score(rules: RuleSet | str, lead: Any, now: dt.datetime | None) -> Result:
    return evaluate(rules, lead, now=now)


def assert_stage(
    rules: RuleSet | str, lead: Any, stage: str | None, *, now: dt.datetime | None = None
) -> Result:
    """Assert that ``lead`` reaches exactly ``stage`` (``None``: no stage at all, which is also
    what a disqualified lead gets). Stage names compare as written in the rules."""
    if stage is not None and not isinstance(stage, str):
        raise InvalidArgument(
            f"stage must be a stage name (text) or None, not {type(stage).__name__}"
        )
    result = _score(rules, lead, now)
    if result.stage != stage:
        got = "no stage" if result.stage is None else f"stage {result.stage!r}"
        want = "no stage" if stage is None else f"stage {stage!r}"
        why = " (the lead is disqualified)" if result.disqualified and stage is not None else ""
        raise _fail(f"expected {want}, got {got}{why}", result)
    return result


def assert_score(
    rules: RuleSet | str,
    lead: Any,
    score: int | float | Decimal | str | None = None,
    *,
    at_least: int | float | Decimal | str | None = None,
    at_most: int | float | Decimal | str | None = None,
    now: dt.datetime | None = None,
) -> Result:
    """Assert the lead's score: exactly ``score``, and/or within ``at_least``..``at_most``
    (inclusive). Give at least one of the three."""
    if score is None and at_least is None and at_most is None:
        raise InvalidArgument("assert_score() needs a score, at_least or at_most")
    exact = None if score is None else _number(score, "score")
    low = None if at_least is None else _number(at_least, "at_least")
    high = None if at_most is None else _number(at_most, "at_most")
    if low is not None and high is not None and low > high:
        raise InvalidArgument(f"at_least ({at_least}) is above at_most ({at_most})")
    result = _score(rules, lead, now)
    got = result.score
    shown = number_text(got)
    if exact is not None and got != exact:
        raise _fail(f"expected a score of {number_text(exact)}, got {shown}", result)
    if low is not None and got < low:
        raise _fail(f"expected a score of at least {number_text(low)}, got {shown}", result)
    if high is not None and got > high:
        raise _fail(f"expected a score of at most {number_text(high)}, got {shown}", result)
    return result


def assert_disqualified(
    rules: RuleSet | str,
    lead: Any,
    *,
    reason: str | None = None,
    now: dt.datetime | None = None,
) -> Result:
    """Assert that ``lead`` is disqualified; with ``reason``, that one of its disqualifications
    has that reason (compared ignoring case and surrounding space)."""
    if reason is not None and not isinstance(reason, str):
        raise InvalidArgument(f"reason must be text, not {type(reason).__name__}")
    result = _score(rules, lead, now)
    if not result.disqualified:
        raise _fail("expected the lead to be disqualified, but it is not", result)
    if reason is not None:
        wanted = reason.strip().casefold()
        reasons = [d.reason for d in result.disqualifications]
        if not any(r.strip().casefold() == wanted for r in reasons):
            raise _fail(
                f"expected a disqualification because {reason!r}, got: "
                + "; ".join(repr(r) for r in reasons),
                result,
            )
    return result


def assert_not_disqualified(
    rules: RuleSet | str, lead: Any, *, now: dt.datetime | None = None
) -> Result:
    """Assert that no disqualify rule is true for ``lead``."""
    result = _score(rules, lead, now)
    if result.disqualified:
        reasons = "; ".join(repr(d.reason) for d in result.disqualifications)
        raise _fail(f"expected the lead not to be disqualified, but it is: {reasons}", result)
    return result
