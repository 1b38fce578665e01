"""Hostile leads, scored by every registered backend: each gives the reference's answer (at
its fidelity, for the lead shapes it takes), ``evaluate`` never raises, and every way of
reading a result works (str, repr, to_dict as JSON, explain, ==)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from conformance import messy_lead, nows, used_names
from fuzzing import assert_agrees, fuzz_settings, others, takes
from hypothesis import given
from hypothesis import strategies as st

import leadrules
from leadrules.strategies import rule_sources

UTC = dt.timezone.utc


def _deep(levels: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(levels):
        value = [value]
    return value


class Unshowable:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("no ==")

    __hash__ = object.__hash__


class OneShot:
    """An iterator (read once), shown the same each time it is made."""

    def __init__(self, items: list[Any]) -> None:
        self.items = iter(items)

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        return next(self.items)

    def __repr__(self) -> str:
        return "OneShot()"


class BadList(list[Any]):
    def __iter__(self) -> Iterator[Any]:
        raise RuntimeError("no iteration")


EXTREME_TIMES: list[Any] = [
    "0001-01-01", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31",
    "9999-12-31T23:59:59-01:00", "1969-12-31T23:59:59Z", "2016-12-31T23:59:60Z", "1e400",
    dt.datetime.min, dt.datetime.max, dt.date.min, dt.date.max, -(10**20), 10**20, 0, -1.5,
    float("nan"), Decimal("sNaN"), None, "",
]  # fmt: skip

#: Values no well-behaved source gives, each made fresh (some are consumed when read).
HOSTILE: list[Callable[[], Any]] = [
    lambda: _deep(5000),
    lambda: 10**5000,
    lambda: -(10**400),
    lambda: Decimal("1E+999999"),
    lambda: Decimal("-NaN"),
    lambda: Decimal("sNaN"),
    lambda: float("inf"),
    lambda: "\ud800 vp",
    lambda: "x" * 200_000,
    lambda: "9" * 5000,
    Unshowable,
    lambda: BadList([1]),
    lambda: OneShot(["vp"]),
    lambda: {"nested": _deep(50)},
    lambda: bytes(range(256)),
    *[(lambda value=value: value) for value in EXTREME_TIMES],
]


@st.composite
def hostile_leads(draw: st.DrawFn, rules: leadrules.RuleSet) -> Callable[[], Any]:
    """A recipe for a lead (called once per backend: its one-shot parts are made fresh):
    a messy lead, some of the names the rules use given hostile values, and events with
    extreme times, maybe from a generator."""
    base = draw(messy_lead(rules))
    names = draw(st.lists(st.sampled_from(used_names(rules) or ["x"]), max_size=3))
    values = [draw(st.sampled_from(HOSTILE)) for _ in names]
    event_names = [n for n in used_names(rules) if "." not in n] or ["opened email"]
    events = [
        (draw(st.sampled_from(event_names)), draw(st.sampled_from([*EXTREME_TIMES, None])))
        for _ in range(draw(st.integers(0, 4)))
    ]
    as_generator = draw(st.booleans())

    def make() -> Any:
        if not isinstance(base, dict):
            return base
        lead = dict(base)
        for name, value in zip(names, values, strict=True):
            lead[name] = value()
        if events:
            listed = [{"name": n} if at is None else {"name": n, "at": at} for n, at in events]
            lead["events"] = (e for e in listed) if as_generator else listed
        return lead

    return make


def _every_method(result: leadrules.Result) -> None:
    assert str(result) and repr(result)
    json.dumps(result.to_dict())
    assert result.explain()
    assert sum(c.points for c in result.contributions) == result.score


@fuzz_settings(60)
@given(rule_sources(), st.data(), nows)
def test_every_backend_agrees_with_the_reference_on_hostile_leads(
    source: str, data: st.DataObject, now: dt.datetime
) -> None:
    reference = leadrules.compile(source, backend="reference")
    compiled = {name: leadrules.compile(source, backend=name) for name in others()}
    for _ in range(3):
        make = data.draw(hostile_leads(reference))
        want = reference.evaluate(make(), now)
        _every_method(want)
        for name, rules in compiled.items():
            lead = make()
            if not takes(name, lead):
                continue
            got = rules.evaluate(lead, now)
            _every_method(got)
            assert_agrees(want, got, name, lead)
