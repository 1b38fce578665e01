"""Small helpers the test modules share."""

from __future__ import annotations

import datetime as dt
from typing import Any

import leadrules
from leadrules.backends import python as python_backend
from leadrules.backends.contract import Fidelity, SimpleScorer
from leadrules.lang.checker import CheckedRules

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


class UnguardedBackend:
    """The compiled backend without its safety net: a lead on which the generated code
    fails raises, instead of being handed to the reference evaluator (which would hide such a
    failure from the tests). Registered for the whole test run as ``compiled-unguarded``
    (see conftest.py), so the conformance suite holds the generated code itself to the
    reference."""

    name = "compiled-unguarded"
    description = "the generated code alone, failures raised (tests only)"
    fidelity = Fidelity.RESULT

    def unsupported(self, rules: CheckedRules) -> tuple[Any, ...]:
        return python_backend.BACKEND.unsupported(rules)

    def compile(self, rules: CheckedRules) -> SimpleScorer:
        scorer = python_backend.compile_scorer(rules)
        return SimpleScorer(self.name, scorer.unguarded, scorer.source)
