"""Hostile input to the library: each case once told the backends apart, crashed, hung or
blew up memory (issue 15). The fuzzing suite that would have found them is ``tests/fuzz/``;
these are the cases themselves, kept as plain examples."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

import leadrules
from leadrules.result import Snapshot

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
BACKENDS = ("reference", "compiled")


def both(text: str, lead: Any, now: dt.datetime = NOW) -> list[leadrules.Result]:
    """The lead scored by each backend (a fresh copy of ``lead`` each: it may be consumed)."""
    return [leadrules.compile(text, backend=name).evaluate(lead(), now) for name in BACKENDS]


# ----------------------------------------------------------------------------- wrong answers


def test_an_event_at_the_first_moment_of_year_1_beside_a_timeless_one_is_undecided() -> None:
    """The timeless event may be within 30 days: `not opened email within 30 days` is
    unknown (docs/language.md §9.6), whichever backend scores it."""
    events = [{"name": "opened email", "at": "0001-01-01"}, {"name": "opened email"}]
    results = both("+10 when not opened email within 30 days\nMQL at 5", lambda: {"events": events})
    for result in results:
        assert result.score == 0
        assert result.stage is None
        assert [u.label for u in result.undecided] == ["not opened email within 30 days"]
    assert results[0] == results[1]


@pytest.mark.parametrize(
    "at",
    [
        "0001-01-01",
        "0001-01-01T00:00:00Z",
        "0001-01-02",
        "9999-12-31T23:59:59Z",
        "1969-12-31T23:59:59Z",
        "1900-02-28",
        "2016-12-31T23:59:60Z",  # a leap second, as text: not a time Python can hold
        dt.datetime.min,
        dt.datetime.max.replace(tzinfo=UTC),
    ],
)
@pytest.mark.parametrize(
    "rule",
    [
        "+10 when not opened email within 30 days",
        "+10 when opened email within 5000 years",
        "+10 when opened email since 0001-01-02",
        "+10 when opened email before 1970-01-01",
        "+10 when opened email, decaying 10% every 1 day",
        "+3 per opened email, decaying 50% every 1 year",
        "+10 when signup within 10 years",
        "+10 when signup after 9999-12-30",
        "+10 when signup = 0001-01-01",
    ],
)
def test_extreme_dates_get_one_answer(at: Any, rule: str) -> None:
    for now in (NOW, dt.datetime(1, 1, 31, tzinfo=UTC), dt.datetime(9999, 12, 31, tzinfo=UTC)):
        lead = {
            "signup": at,
            "events": [{"name": "opened email", "at": at}, {"name": "opened email"}],
        }
        reference, compiled = both(rule, lambda lead=lead: lead, now)
        assert reference == compiled, (rule, at, now)


def test_events_from_a_generator_are_read_once_for_both_backends() -> None:
    """The compiled code falls back to the reference for this lead (the tags cannot be
    iterated); the events the scoring already read must not be lost."""

    class Unreadable(list[Any]):
        def __iter__(self) -> Iterator[Any]:
            raise RuntimeError("no")

    def lead() -> dict[str, Any]:
        events = ({"name": "opened email", "at": "2026-11-01"} for _ in range(3))
        return {"events": events, "tags": Unreadable([1])}

    text = '+10 when opened email at least 3 times\n+5 when tags contains "x"'
    results = both(text, lead)
    for result in results:
        assert result.score == 10
        assert result.warnings == (
            "line 2: could not evaluate this rule on this lead (RuntimeError)",
        )
    assert results[0] == results[1]


def test_events_that_fail_while_listed_warn_the_same_in_both_backends() -> None:
    def lead() -> dict[str, Any]:
        def events() -> Iterator[Any]:
            yield {"name": "opened email", "at": "2026-11-01"}
            raise OSError("gone")

        return {"events": events(), "tags": 7}

    text = "+10 when opened email\n+5 when tags"
    results = both(text, lead)
    assert results[0] == results[1]
    assert any("could not read the list of events (OSError)" in w for w in results[0].warnings)


# ----------------------------------------------------------------------------- crashes


@pytest.mark.parametrize(
    "text",
    [
        "+1 when n > " + "9" * 5000,
        "+1 when n > " + "9" * 900_000,
        "+1 when t contains " + "1" * 32,
        "+1 when t starts with " + "1" * 32,
        "+1 when t ends with 0." + "0" * 40 + "1",
        "MQL at " + "9" * 400,
    ],
    ids=lambda text: text[:30],
)
def test_numbers_too_large_or_small_for_leadrules_are_rule_errors(text: str) -> None:
    with pytest.raises(leadrules.RuleSyntaxError) as caught:
        leadrules.compile(text)
    assert "too large or too small" in str(caught.value)
    with pytest.raises(leadrules.RuleSyntaxError):
        leadrules.format(text)


@pytest.mark.parametrize("backend", [*BACKENDS, "duckdb"])
def test_a_number_of_31_digits_still_compares(backend: str) -> None:
    """A rule may hold 31 digits; lead numbers are read below 10^26 (docs/language.md §8),
    so every number read is below it, and a larger one is unreadable (undecided)."""
    rules = leadrules.compile(
        "+1 when n >= " + "9" * 31 + "\n+2 when n < " + "9" * 31, backend=backend
    )
    assert rules.evaluate({"n": int("9" * 25)}, NOW).score == 2
    assert rules.evaluate({"n": "-" + "9" * 25}, NOW).score == 2
    too_large = rules.evaluate({"n": int("9" * 31)}, NOW)
    assert too_large.score == 0
    assert [u.line for u in too_large.undecided] == [1, 2]


def _deep(levels: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(levels):
        value = [value]
    return value


class Unshowable:
    def __repr__(self) -> str:
        raise RuntimeError("no")

    __str__ = __repr__


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "value",
    [_deep(100_000), Unshowable(), 10**5000, Decimal("1E+999999"), Decimal("-NaN")],
    ids=["deep list", "unshowable", "5000 digits", "1E+999999", "-NaN"],
)
def test_every_result_method_works_on_hostile_evidence(backend: str, value: Any) -> None:
    rules = leadrules.compile("+1 when x is present\n+1 when x is not present", backend=backend)
    result = rules.evaluate({"x": value}, NOW)
    again = rules.evaluate({"x": value}, NOW)
    assert result.score == 1
    assert str(result) and repr(result)
    assert json.loads(json.dumps(result.to_dict()))["score"] == 1
    assert result.explain()
    assert result == again


def test_evidence_is_a_snapshot_a_later_change_to_the_lead_does_not_reach() -> None:
    tags = ["vp", "cfo"]
    for backend in BACKENDS:
        result = leadrules.compile('+1 when tags contains "vp"', backend=backend).evaluate(
            {"tags": tags}, NOW
        )
        tags.append("intern")
        assert result.contributions[0].evidence[0].value == ["vp", "cfo"]
        tags.pop()


def test_what_evidence_cannot_keep_it_describes() -> None:
    result = leadrules.compile("+1 when x is present").evaluate({"x": Unshowable()}, NOW)
    value = result.contributions[0].evidence[0].value
    assert isinstance(value, Snapshot)
    assert value.text == "<Unshowable>"
    deep = leadrules.compile("+1 when x is present").evaluate({"x": _deep(50)}, NOW)
    assert "nested deeper than 20 levels" in repr(deep.contributions[0].evidence[0].value)
    big = leadrules.compile("+1 when x is present").evaluate({"x": 10**5000}, NOW)
    assert big.contributions[0].evidence[0].value == Snapshot("<an int of about 5,001 digits>")


def test_to_dict_writes_a_huge_decimal_as_text() -> None:
    result = leadrules.compile("+1 when x is present").evaluate({"x": Decimal("1E+999999")}, NOW)
    assert result.to_dict()["contributions"][0]["evidence"][0]["value"] == "1E+999999"
