"""No leakage (issue 19, item 2): each lead is scored as of the moment its decision was made,
so events after it do not count. The trap: converted leads ask for a demo *after* they were
handed over (as part of buying), so scoring at the end of the quarter makes ``requested demo``
look perfect, while as of the decision it is only the random share of leads that asked
before.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

import leadrules
from leadrules.assessment.population import read_moment

UTC = dt.timezone.utc
RULES = """\
+30 when requested demo
+20 when good fit
+10 when visited pricing page within 7 days as "Pricing this week"
MQL at 30
"""
QUARTER_END = dt.datetime(2026, 10, 1, tzinfo=UTC)


def _leads(n: int = 3000, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for index in range(n):
        decided = dt.datetime(2026, 7, 1, 9, tzinfo=UTC) + dt.timedelta(minutes=41 * index)
        fit = rng.random() < 0.4
        converted = rng.random() < (0.35 if fit else 0.1)
        events = []
        if rng.random() < 0.2:  # asked before the decision, whatever the outcome
            events.append(
                {"name": "requested demo", "at": decided - dt.timedelta(days=rng.randint(1, 30))}
            )
        if converted and rng.random() < 0.85:  # the demo that comes with buying: after
            events.append(
                {"name": "requested demo", "at": decided + dt.timedelta(days=rng.randint(1, 20))}
            )
        out.append(
            {
                "id": f"C{index}",
                "good fit": fit,
                "converted": "Yes" if converted else "No",
                "mql date": decided.isoformat(),
                "events": events,
            }
        )
    return out


@pytest.fixture(scope="module")
def leads() -> list[dict[str, Any]]:
    return _leads()


def test_as_of_the_decision_the_demo_rule_shows_no_evidence(leads: list[dict[str, Any]]) -> None:
    assessment = leadrules.assess(RULES, leads, outcome="converted", as_of="mql date")
    demo = assessment.rule(1)
    assert demo.lift is not None and demo.lift.includes_one, demo.lift
    assert demo.verdict == "no evidence"
    assert 0.15 < demo.fired / demo.leads < 0.25  # only the demos asked for before
    fit = assessment.rule(2)
    assert fit.lift is not None and fit.lift.low > 1.5
    assert assessment.as_of == "each lead as of its 'mql date'"


def test_scored_at_the_end_of_the_quarter_the_demo_rule_looks_perfect(
    leads: list[dict[str, Any]],
) -> None:
    leaky = leadrules.assess(RULES, leads, outcome="converted", as_of=QUARTER_END)
    demo = leaky.rule(1)
    assert demo.lift is not None and demo.lift.low > 3
    assert demo.verdict == "earns"
    assert leaky.as_of.startswith("every lead as of 2026-10-01T00:00:00+00:00")
    assert "events after a lead's decision count" in leaky.as_of


def test_time_windows_are_measured_from_the_decision() -> None:
    decided = dt.datetime(2026, 8, 10, 12, tzinfo=UTC)
    near = {"name": "visited pricing page", "at": decided - dt.timedelta(days=3)}
    after = {"name": "visited pricing page", "at": decided + dt.timedelta(hours=1)}
    leads = [
        {"id": "A", "converted": True, "decided": decided, "events": [near]},
        {"id": "B", "converted": False, "decided": decided, "events": [after]},
        {"id": "C", "converted": False, "decided": decided, "events": []},
    ]
    assessment = leadrules.assess(RULES, leads, outcome="converted", as_of="decided")
    pricing = assessment.rule(3)
    assert (pricing.fired, pricing.among_converted.count) == (1, 1)


def test_a_date_without_a_time_is_the_end_of_that_day() -> None:
    # The hour of the decision is not known: the day's events count, the next day's do not.
    assert read_moment("2026-08-10") == dt.datetime(2026, 8, 10, 23, 59, 59, 999999, tzinfo=UTC)
    assert read_moment(dt.date(2026, 8, 10)) == read_moment("2026-08-10")
    assert read_moment("2026-08-10T09:30:00Z") == dt.datetime(2026, 8, 10, 9, 30, tzinfo=UTC)
    assert read_moment("08/10/2026") == read_moment("2026-08-10")
    leads = [
        {
            "id": "A",
            "converted": "yes",
            "mql date": "2026-08-10",
            "events": [{"name": "requested demo", "at": "2026-08-10T16:00:00Z"}],
        },
        {
            "id": "B",
            "converted": "no",
            "mql date": "2026-08-10",
            "events": [{"name": "requested demo", "at": "2026-08-11T08:00:00Z"}],
        },
    ]
    demo = leadrules.assess(RULES, leads, outcome="converted", as_of="mql date").rule(1)
    assert (demo.fired, demo.among_converted.count) == (1, 1)
