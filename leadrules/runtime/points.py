"""Exact points: the steps decayed and per-unit points are rounded to, and how many units a
`per` rule counts, chosen so that every score adds up exactly (with the checker's limits on
the numbers of a rule file: docs/language.md). Pure Decimal arithmetic, for every backend and
for the analysis.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal

__all__ = ["DECAY_QUANTUM", "MAX_UNITS", "UNIT_QUANTUM", "unit_points"]

#: Decayed points are rounded (half to even) to this step, so that they stay exact decimals.
DECAY_QUANTUM = Decimal("0.01")
#: Points per unit of a number field are rounded (half to even) to this step.
UNIT_QUANTUM = Decimal("0.0001")
#: A `per` rule counts at most this many units of a number field; a larger value is
#: unreadable (with the checker's limits on rule numbers, every score then adds up exactly
#: within Decimal's default 28 significant digits).
MAX_UNITS = Decimal(10**12)
#: Wide enough for any product of a rule's points and a number of units before rounding.
_WIDE = Context(prec=60)
_ONE = Decimal(1)


def unit_points(points: Decimal, units: Decimal | int) -> Decimal:
    """A `per` rule's points for a number of units of a field: the product rounded (half to
    even) to UNIT_QUANTUM, written without trailing zeros (``+2 per page views`` at 3 views
    gives ``6``, not ``6.0000``; ``+0.25 per`` at 3 gives ``0.75``)."""
    full = _WIDE.multiply(points, units).quantize(UNIT_QUANTUM, ROUND_HALF_EVEN)
    if full == full.to_integral_value():
        return full.quantize(_ONE)
    return full.normalize(_WIDE)
