"""Small helpers the test modules share."""

from __future__ import annotations

import datetime as dt
from typing import Any

import leadrules

#: The moment most tests score at.
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)


def truth(condition: str, lead: Any, now: dt.datetime = NOW) -> bool | None:
    """The three-valued truth of ``condition``, read through a disqualify rule: disqualified
    when true, listed as undecided when unknown, neither when false."""
    result = leadrules.compile(f"disqualify when {condition}").evaluate(lead, now=now)
    if result.disqualified:
        assert not result.undecided
        return True
    if result.undecided:
        return None
    return False
