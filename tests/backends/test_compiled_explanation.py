"""The compiled backend's explanation, built the fast way, is exactly the reference's.

The compiled backend keeps each rule's part of the explanation (its contribution, undecided
entry or disqualification) under the values the rule read, so that leads with the same values
share it; and it decides a rule with the reference's own code until the rule has needed new
parts a few times, then with generated code. These tests hold that machinery to the reference
evaluator: over many leads per rule set, with repeated values and values that are equal without
being alike (1, True, 1.0, "1", Decimal 1), before and after the rules' code is compiled, over
streams long enough to fill the memos and start them afresh, and from several threads at once.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from conformance import (
    EXAMPLES,
    NOW,
    assert_same,
    example_leads,
    messy_lead,
    nows,
    used_names,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_compiled import both

import leadrules
from leadrules.backends.python import memos
from leadrules.strategies import rule_sources


@contextmanager
def compiling_after(misses: int) -> Iterator[None]:
    """Rules compiled once their memo has lacked ``misses`` parts (0: at once)."""
    saved = memos.COMPILE_AFTER
    memos.COMPILE_AFTER = misses
    try:
        yield
    finally:
        memos.COMPILE_AFTER = saved


@contextmanager
def memos_of(entries: int) -> Iterator[None]:
    """Memos of ``entries`` entries (for rule sets whose explanation is built meanwhile)."""
    saved = memos.MEMO_ENTRIES, memos.MEMO_SHARE
    memos.MEMO_ENTRIES, memos.MEMO_SHARE = entries, (entries, entries)
    try:
        yield
    finally:
        memos.MEMO_ENTRIES, memos.MEMO_SHARE = saved


# Equal to one another, or nearly, but not alike: a part kept for one must not serve another.
ALIKE = [
    1,
    True,
    1.0,
    "1",
    Decimal(1),
    Decimal("1.0"),
    0,
    False,
    0.0,
    -0.0,
    "0",
    "",
    "   ",
    None,
    "GB",
    " gb ",
    "gb",
    "yes",
    "No",
    200,
    5000,
    10**12,
    10**12 + 1,
    10**18,
    10**19,
    "x" * 300,
    "2026-11-01",
    dt.date(2026, 11, 1),
]


@st.composite
def alike_lead(draw: st.DrawFn, ruleset: leadrules.RuleSet) -> dict[str, Any]:
    lead: dict[str, Any] = {}
    for name in used_names(ruleset):
        if draw(st.integers(0, 4)):  # absent now and then
            lead[name] = draw(st.sampled_from(ALIKE))
    return lead


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(source=rule_sources(), data=st.data(), now=nows)
def test_the_generated_explanation_equals_the_reference(
    source: str, data: st.DataObject, now: dt.datetime
) -> None:
    """Every rule compiled at its first new part: the generated code decides each one."""
    with compiling_after(0):
        reference, compiled = both(source)
        for _ in range(4):
            lead = data.draw(messy_lead(reference))
            assert_same(reference.evaluate(lead, now), compiled.evaluate(lead, now), lead)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(source=rule_sources(), data=st.data(), now=nows, compile_after=st.sampled_from([0, 2]))
def test_leads_with_equal_but_unlike_values_get_their_own_explanations(
    source: str, data: st.DataObject, now: dt.datetime, compile_after: int
) -> None:
    """Many leads on one rule set, their values drawn from a few that equal one another
    (1 == True == 1.0 == Decimal 1), with memos so small they fill and start afresh."""
    with compiling_after(compile_after), memos_of(4):
        reference, compiled = both(source)
        for _ in range(12):
            lead = data.draw(alike_lead(reference))
            assert_same(reference.evaluate(lead, now), compiled.evaluate(lead, now), lead)


def test_a_lead_repeated_gets_the_same_explanation_each_time() -> None:
    reference, compiled = both((EXAMPLES / "b2b.leadrules").read_text(encoding="utf-8"))
    rows = example_leads()
    for _ in range(3):  # the first pass fills the memos; the others read them
        for row in rows:
            assert_same(reference.evaluate(row, NOW), compiled.evaluate(row, NOW), row["id"])


def test_memory_stays_flat_over_a_long_stream_of_new_values() -> None:
    """Every lead has values never seen before: the kept parts are bounded, not one per lead."""
    with memos_of(32):
        rules = leadrules.compile(
            '+5 when email ends with "@gmail.com"\n'
            "+3 when company size between 10 and 90000\n"
            '-2 when title contains "intern" or company size > 50000\n'
            'disqualify when email ends with "@rival.com"\n'
        )

        def explain(start: int, stop: int) -> None:
            for i in range(start, stop):
                lead = {"email": f"u{i}@gmail.com", "company_size": 10 + i, "title": f"Intern {i}"}
                assert len(rules.evaluate(lead, NOW).contributions) == 3

        explain(0, 200)  # compiled, and the memos filled
        tracemalloc.start()
        try:
            explain(200, 1200)
            after_1000, _ = tracemalloc.get_traced_memory()
            explain(1200, 5200)
            after_5000, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    # One kept part per lead would be well over 1 MB more; bounded memos hold at most 32 each.
    assert after_5000 - after_1000 < 200_000


def test_one_rule_set_explains_leads_on_several_threads() -> None:
    source = (EXAMPLES / "b2b.leadrules").read_text(encoding="utf-8")
    reference = leadrules.compile(source, backend="reference")
    rows = example_leads()
    wanted = [reference.evaluate(row, NOW) for row in rows]
    switch = sys.getswitchinterval()
    with compiling_after(3), memos_of(8):
        compiled = leadrules.compile(source)
        got: dict[int, list[leadrules.Result]] = {}
        failures: list[BaseException] = []

        def work(worker: int) -> None:
            try:
                results = []
                for row in rows * 3:
                    result = compiled.evaluate(row, NOW)
                    result.contributions  # noqa: B018 - builds the explanation now
                    results.append(result)
                got[worker] = results
            except BaseException as exc:  # pragma: no cover - reported below
                failures.append(exc)

        sys.setswitchinterval(1e-6)
        try:
            threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            sys.setswitchinterval(switch)
    assert not failures, failures
    for results in got.values():
        for want, result in zip(wanted * 3, results, strict=True):
            assert_same(want, result)
    assert len(got) == 4
