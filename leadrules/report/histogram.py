"""Distributions of numbers (scores, group subtotals, score changes) kept in bounded memory, cut
into bins for a chart, and drawn as a small text histogram for the terminal.

:class:`Distribution` counts each distinct value exactly. A population whose values are too
many to keep one by one (decayed points, amounts per unit) is coarsened: values are then
counted in steps of a round width (1, 2 or 5 times a power of ten), so that each bin of a
chart still counts every lead exactly once. Two distributions merge (``merge``), and a table
engine can fill one from ``value, count(*)`` rows (``add(value, count)``).

Not here: what is counted (:mod:`.population`, :mod:`.comparison`), the SVG charts
(:mod:`.charts`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import ROUND_FLOOR, Decimal

import attrs

from ..lang.decimal_text import number_text

__all__ = ["Bin", "Distribution", "Mark", "nice_width", "text_histogram"]

#: Distinct values kept exactly; past this a distribution counts in round steps.
MAX_DISTINCT = 4096
_ZERO = Decimal(0)


def nice_width(span: Decimal, bins: int) -> Decimal:
    """The smallest round width (1, 2 or 5 times a power of ten) that cuts ``span`` into at
    most ``bins`` bins."""
    if span <= 0 or bins <= 0:
        return Decimal(1)
    raw = span / bins
    exponent = math.floor(math.log10(float(raw)))
    for power in (exponent - 1, exponent, exponent + 1):
        for mantissa in (1, 2, 5):
            width = Decimal(mantissa).scaleb(power)
            if width >= raw:
                return width
    return Decimal(10).scaleb(exponent + 1)  # pragma: no cover - 10^(e+1) >= raw always


def _floor_to(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(ROUND_FLOOR) * step


@attrs.frozen(slots=True)
class Bin:
    """Values from ``low`` up to, not including, ``high``: ``count`` of them."""

    low: Decimal
    high: Decimal
    count: int


@attrs.frozen(slots=True)
class Mark:
    """A line across a chart: a stage threshold (``MQL at 50``)."""

    value: Decimal
    label: str


class Distribution:
    """How many times each value occurred (exactly, or in round steps past
    :data:`MAX_DISTINCT` distinct values), with the exact count, sum, minimum and maximum."""

    def __init__(self, max_distinct: int = MAX_DISTINCT) -> None:
        self.counts: Counter[Decimal] = Counter()
        self.max_distinct = max_distinct
        #: None while every value is kept exactly; else the width values are counted in.
        self.step: Decimal | None = None
        self.count = 0
        self.total = _ZERO
        self.low: Decimal | None = None
        self.high: Decimal | None = None

    def add(self, value: Decimal, count: int = 1) -> None:
        """``count`` more occurrences of ``value``."""
        if count <= 0:
            return
        self.count += count
        self.total += value * count
        if self.low is None or value < self.low:
            self.low = value
        if self.high is None or value > self.high:
            self.high = value
        key = value if self.step is None else _floor_to(value, self.step)
        self.counts[key] += count
        if len(self.counts) > self.max_distinct:
            self._coarsen()

    def merge(self, other: Distribution) -> None:
        """Add every value of ``other`` (another shard of the same population)."""
        if not other.count:
            return
        self.count += other.count
        self.total += other.total
        for bound in (other.low, other.high):
            if bound is not None:
                self.low = bound if self.low is None else min(self.low, bound)
                self.high = bound if self.high is None else max(self.high, bound)
        if other.step is not None and (self.step is None or not _divides(other.step, self.step)):
            self._coarsen(other.step)
        for value, count in other.counts.items():
            key = value if self.step is None else _floor_to(value, self.step)
            self.counts[key] += count
        if len(self.counts) > self.max_distinct:
            self._coarsen()

    def _coarsen(self, multiple_of: Decimal | None = None) -> None:
        """Count in a wider step: a whole number of the step used so far (and of
        ``multiple_of``), so that every value already counted stays in the step holding it."""
        assert self.low is not None and self.high is not None
        step = nice_width(self.high - self.low, max(1, self.max_distinct // 4))
        if self.step is not None and step <= self.step:
            step = _larger(self.step)
        if multiple_of is not None and step < multiple_of:
            step = multiple_of
        while not all(_divides(s, step) for s in (self.step, multiple_of) if s is not None):
            step = _larger(step)
        counts: Counter[Decimal] = Counter()
        for value, count in self.counts.items():
            counts[_floor_to(value, step)] += count
        self.counts = counts
        self.step = step

    @property
    def mean(self) -> Decimal | None:
        return None if not self.count else self.total / self.count

    def items(self) -> list[tuple[Decimal, int]]:
        """(value, count), smallest value first (values are steps' lower ends when coarse)."""
        return sorted(self.counts.items())

    def at_least(self, value: Decimal) -> int:
        """How many values are ``value`` or more (exact while no step is used, and for any
        ``value`` on a step)."""
        return sum(count for key, count in self.counts.items() if key >= value)

    def bins(self, target: int = 20, marks: Sequence[Decimal] = ()) -> list[Bin]:
        """The values cut into at most about ``target`` bins of one round width, from the bin
        holding the smallest to the one holding the largest. A width at which every mark falls
        on a bin's edge is preferred, if one gives no more than twice ``target`` bins."""
        if self.low is None or self.high is None:
            return []
        width = self._width(target)
        aligned = [m for m in marks if self.low <= m <= self.high]
        if aligned and not all(_floor_to(m, width) == m for m in aligned):
            candidate = width
            for _ in range(6):
                candidate = _smaller(candidate)
                if self.step is not None and (candidate / self.step) % 1 != 0:
                    break
                if (self.high - self.low) / candidate > 2 * target:
                    break
                if all(_floor_to(m, candidate) == m for m in aligned):
                    width = candidate
                    break
        start = _floor_to(self.low, width)
        count = int((_floor_to(self.high, width) - start) / width) + 1
        tally = [0] * count
        for value, n in self.counts.items():
            tally[int((value - start) / width)] += n
        return [Bin(start + i * width, start + (i + 1) * width, n) for i, n in enumerate(tally)]

    def _width(self, target: int) -> Decimal:
        assert self.low is not None and self.high is not None
        span = self.high - self.low
        width = nice_width(span, target) if span > 0 else Decimal(1)
        if self.step is not None and width < self.step:
            width = self.step
        # A whole number of steps (no step split by a bin), and the bins start at a multiple of
        # the width, so one more may be needed at the end.
        while (self.step is not None and not _divides(self.step, width)) or (
            _floor_to(self.high, width) - _floor_to(self.low, width)
        ) / width >= target + 1:
            width = _larger(width)
        return width


def _divides(step: Decimal, width: Decimal) -> bool:
    """``width`` is a whole number of ``step``."""
    return (width / step) % 1 == 0


def _larger(width: Decimal) -> Decimal:
    """The next round width above ``width`` (1 -> 2 -> 5 -> 10 ...)."""
    return nice_width(width * 2, 1)


def _smaller(width: Decimal) -> Decimal:
    """The next round width below ``width`` (10 -> 5 -> 2 -> 1 -> 0.5 ...)."""
    digits = width.normalize().as_tuple()
    mantissa = int("".join(map(str, digits.digits)))
    exponent = int(digits.exponent)
    if mantissa == 1:
        return Decimal(5).scaleb(exponent - 1)
    if mantissa == 2:
        return Decimal(1).scaleb(exponent)
    return Decimal(2).scaleb(exponent)


def text_histogram(
    distribution: Distribution,
    marks: Iterable[Mark] = (),
    *,
    target: int = 12,
    width: int = 40,
    indent: str = "  ",
) -> list[str]:
    """A histogram in plain text, a row per bin (``from ... to under ...``, the count, a bar
    of ``#``), each stage threshold named on the row where it falls."""
    marks = sorted(marks, key=lambda m: m.value)
    bins = distribution.bins(target, [m.value for m in marks])
    if not bins:
        return []
    biggest = max(b.count for b in bins)
    per = max(1, math.ceil(biggest / width))
    low_w = max(len(number_text(b.low)) for b in bins)
    high_w = max(len(number_text(b.high)) for b in bins)
    count_w = max(5, *(len(f"{b.count:,}") for b in bins))
    unit = "1 lead" if per == 1 else f"{per:,} leads"
    out = [f"Scores (one # is {unit}; stage thresholds marked <-):"]
    for b in bins:
        bar = "#" * (0 if not b.count else max(1, round(b.count / per)))
        here = [m for m in marks if b.low <= m.value < b.high]
        note = ""
        if here:
            note = "  <- " + ", ".join(f"{m.label} at {number_text(m.value)}" for m in here)
        row = (
            f"{indent}{number_text(b.low):>{low_w}} to under {number_text(b.high):<{high_w}}"
            f"  {b.count:>{count_w},}  {bar}"
        )
        out.append((row + note) if note else row.rstrip())
    above = [m for m in marks if m.value >= bins[-1].high]
    for m in above:
        out.append(f"{indent}{m.label} at {number_text(m.value)}: no lead scored that much")
    return out
