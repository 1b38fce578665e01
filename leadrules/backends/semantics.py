"""The language's meaning, in the pieces every backend must agree on (docs/architecture.md).

What a comparison answers, when a moment is inside a time window, what a `per` rule's units
are worth, how points decay and to which step they are rounded, what an event count is when
some events are uncertain, how a group's limits clamp its subtotal and how a rule or a group
limit shows in the result, how an undecided rule names what was missing. The reference
evaluator and the compiled backend both call these; a SQL backend reproduces them and is
tested against them. Nothing here walks the rule tree or reads a lead.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, TypeAlias

import attrs
from dateutil.relativedelta import relativedelta

from ..lang import ast
from ..lang.checker import CheckedGroup
from ..lang.decimal_text import number_text
from ..result import Clamp, Contribution, Evidence, Undecided
from ..runtime.points import DECAY_QUANTUM, MAX_UNITS, UNIT_QUANTUM, unit_points
from ..runtime.values import Problem, to_date, to_datetime

__all__ = [
    "DECAY_QUANTUM",
    "MAX_UNITS",
    "TV",
    "UNIT_QUANTUM",
    "UTC",
    "Unknown",
    "apply_group_limits",
    "compare",
    "compare_moments",
    "count_truth",
    "decay_period",
    "decayed",
    "duration_delta",
    "in_window",
    "latest_event",
    "moment",
    "rule_clamp",
    "subtract",
    "undecided",
    "unit_points",
]

UTC = dt.timezone.utc
#: A three-valued truth: True, False, or None (unknown).
TV: TypeAlias = "bool | None"

# ----------------------------------------------------------------------------- decay


def decay_period(now: dt.datetime, every: ast.Duration) -> float:
    """The length in seconds of one decay period ending at ``now`` (calendar-aware)."""
    return (now - subtract(now, every)).total_seconds()


def decayed(points: Decimal, decay: ast.Decay, age: dt.timedelta, now: dt.datetime) -> Decimal:
    """``points`` decayed for ``age``: ``points * (1 - P/100) ** (age / period)``, the factor
    computed in binary floating point (``math.pow``) and the product rounded half to even to
    DECAY_QUANTUM. An age of zero or less keeps the points as they are."""
    period = decay_period(now, decay.every)
    seconds = max(age.total_seconds(), 0.0)
    if seconds == 0 or period <= 0:
        return points
    keep = 1 - float(decay.percent) / 100
    factor = 0.0 if keep <= 0 else math.pow(keep, seconds / period)
    return (points * Decimal(repr(factor))).quantize(DECAY_QUANTUM, ROUND_HALF_EVEN)


# ----------------------------------------------------------------------------- comparisons


def compare(op: str, value: Any, bound: Any) -> bool:
    """``value OP bound`` for two values read alike (numbers, folded text, yes/no, moments:
    a plain date on either side compares by UTC calendar day)."""
    if isinstance(value, (dt.date, dt.datetime)) and isinstance(bound, (dt.date, dt.datetime)):
        order = compare_moments(value, bound)
    else:
        order = (value > bound) - (value < bound)
    if op == "=":
        return order == 0
    if op == "!=":
        return order != 0
    if op == "<":
        return order < 0
    if op == "<=":
        return order <= 0
    if op == ">":
        return order > 0
    return order >= 0


def compare_moments(value: dt.date | dt.datetime, bound: dt.date | dt.datetime) -> int:
    """-1, 0 or 1. A plain date on either side compares by UTC calendar day."""
    if isinstance(bound, dt.datetime) and isinstance(value, dt.datetime):
        a: Any = value
        b: Any = bound
    else:
        a = value.astimezone(UTC).date() if isinstance(value, dt.datetime) else value
        b = bound.astimezone(UTC).date() if isinstance(bound, dt.datetime) else bound
    return int(a > b) - int(a < b)


# ----------------------------------------------------------------------------- time


def duration_delta(duration: ast.Duration) -> relativedelta | dt.timedelta:
    """A duration as a delta: minutes to weeks exactly, months and years by the calendar
    (a fraction of a month or a year as days: 30.436875 and 365.2425 to the unit)."""
    amount = duration.amount
    if duration.unit in ("months", "years"):
        whole = int(amount)
        if amount == whole:
            return _calendar(duration.unit, whole, 0.0)
        days = float(amount - whole) * (30.436875 if duration.unit == "months" else 365.2425)
        return _calendar(duration.unit, whole, days)
    return dt.timedelta(**{duration.unit: float(amount)})


def _calendar(unit: str, whole: int, days: float) -> relativedelta:
    if unit == "months":
        return relativedelta(months=whole) + dt.timedelta(days=days)
    return relativedelta(years=whole) + dt.timedelta(days=days)


#: The earliest moment: `within` a length of time reaching before year 1 starts here.
_DAWN = dt.datetime.min.replace(tzinfo=UTC)


def subtract(now: dt.datetime, duration: ast.Duration) -> dt.datetime:
    """``now`` minus ``duration``; a duration reaching before year 1 (`within 5000 years`)
    gives the earliest moment, so the window holds everything."""
    try:
        result: dt.datetime = now - duration_delta(duration)
    except (OverflowError, ValueError):
        return _DAWN
    return result


def moment(value: Any, dayfirst: bool = False) -> dt.date | dt.datetime | Problem:
    """A date field's value: a plain date stays a date (compared by calendar day), anything
    with a time becomes an aware datetime."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value.strip()) == 10:
        as_date = to_date(value, dayfirst)
        if not isinstance(as_date, Problem):
            return as_date
    return to_datetime(value, dayfirst)


def in_window(window: ast.Window, at: dt.date | dt.datetime, now: dt.datetime) -> bool:
    """Whether a moment (an event's time, a date field) is inside one window at ``now``."""
    if window.kind == "within":
        assert isinstance(window.value, ast.Duration)
        start = subtract(now, window.value)
        if isinstance(at, dt.datetime):
            return start <= at <= now
        return start.date() <= at <= now.date()
    bound = window.value
    assert not isinstance(bound, ast.Duration)
    order = compare_moments(at, bound)
    if window.kind == "since":
        return order >= 0
    if window.kind == "before":
        return order < 0
    return order > 0  # after


# ----------------------------------------------------------------------------- events


def count_truth(count: ast.Count | None, definite: int, uncertain: int) -> TV:
    """Whether ``definite`` matching events, and ``uncertain`` ones that may match, meet a
    count (none: at least once): unknown when the uncertain ones decide it."""
    op, n = ("at least", 1) if count is None else (count.op, count.n)
    if op == "at least":
        if definite >= n:
            return True
        return False if definite + uncertain < n else None
    if definite + uncertain <= n:
        return True
    return False if definite > n else None


def latest_event(evidence: Iterable[Evidence]) -> dt.datetime | None:
    """The most recent time among the events of some evidence (decay counts from it)."""
    times = [e.at for ev in evidence if ev.is_event for e in ev.events if e.at is not None]
    return max(times) if times else None


# ----------------------------------------------------------------------------- undecided


@attrs.frozen(slots=True)
class Unknown:
    """Why a test was unknown: ``name`` is missing, or could not be read."""

    name: str
    reason: str  # "missing", or a sentence

    def describe(self) -> str:
        return f"{self.name} is missing" if self.reason == "missing" else self.reason


def undecided(kind: Any, label: str, span: ast.Span, unknowns: Iterable[Unknown]) -> Undecided:
    """The Undecided entry of a rule whose condition was unknown: the missing names once
    each, and every reason once, in the order met."""
    unknowns = tuple(unknowns)
    missing = tuple(dict.fromkeys(u.name for u in unknowns if u.reason == "missing"))
    reasons = tuple(dict.fromkeys(u.describe() for u in unknowns))
    return Undecided(kind, label, span.line, span.column, missing, reasons)


# ----------------------------------------------------------------------------- limits


def apply_group_limits(
    group: CheckedGroup,
    subtotal: Decimal,
    contributions: list[Contribution],
    clamps: list[Clamp],
) -> Decimal:
    """The group's subtotal after its ``max``/``min``; a limit that changed it is recorded as a
    clamp contribution (the points it took away or added) and as a Clamp."""
    clamped = subtotal
    if group.max is not None and clamped > group.max:
        clamped = group.max
    if group.min is not None and clamped < group.min:
        clamped = group.min
    if clamped == subtotal:
        return clamped
    kind: Any = "group max" if clamped < subtotal else "group min"
    limit = group.max if kind == "group max" else group.min
    assert limit is not None
    word = "max" if kind == "group max" else "min"
    contributions.append(
        Contribution(
            points=clamped - subtotal,
            label=f"group {group.name} limited to {word} {number_text(limit)} "
            f"(its rules gave {number_text(subtotal)})",
            group=group.name,
            line=group.span.line,
            column=group.span.column,
            kind="clamp",
            rule=group.text,
        )
    )
    clamps.append(
        Clamp(kind, group.name, limit, subtotal, clamped, group.span.line, group.span.column)
    )
    return clamped


def rule_clamp(contribution: Contribution) -> tuple[Clamp, ...]:
    """The Clamp of a `per` rule's contribution that its cap limited (none otherwise)."""
    if contribution.uncapped_points is None:
        return ()
    return (
        Clamp(
            "rule cap",
            contribution.label,
            abs(contribution.points),
            contribution.uncapped_points,
            contribution.points,
            contribution.line,
            contribution.column,
        ),
    )
