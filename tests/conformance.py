"""What the conformance suite holds every backend to, and the messy data it uses.

The reference evaluator is the specification: a backend registered in
:mod:`leadrules.backends.registry` must give, for any rule file and any lead, the reference's
answer at the backend's fidelity (every field of the Result, or the columns of a scored table).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import types
from collections import OrderedDict
from pathlib import Path
from typing import Any

import attrs
from hypothesis import strategies as st

import leadrules
from leadrules import Event, Lead, backends
from leadrules.backends import Fidelity
from leadrules.lang import ast
from leadrules.result import Result
from leadrules.strategies import leads

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def candidates(fidelity: Fidelity = Fidelity.RESULT) -> list[str]:
    """Every registered backend of a fidelity but the reference: each is held to it (those
    of result fidelity here, on any lead; those of table fidelity in
    tests/backends/test_sql_conformance.py, on tables)."""
    return [
        name
        for name in backends.names()
        if name != "reference" and backends.get(name).fidelity is fidelity
    ]


def pair(source: str, backend: str) -> tuple[leadrules.RuleSet, leadrules.RuleSet]:
    """The rules compiled for the reference and for ``backend``."""
    reference = leadrules.compile(source, backend="reference")
    return reference, leadrules.compile(source, backend=backend)


def assert_conforms(want: Result, got: Result, backend: str, context: Any = None) -> None:
    """``got`` (from ``backend``) is the reference's ``want`` at the backend's fidelity."""
    if backends.get(backend).fidelity is Fidelity.RESULT:
        assert_same(want, got, context)
    else:  # pragma: no cover - no table backend is registered yet
        raise AssertionError(f"no comparison for {backends.get(backend).fidelity}")


RESULT_FIELDS = [field.name for field in attrs.fields(Result)]


def reflexive(value: Any) -> bool:
    """Whether ``value == value`` can be trusted: not when a NaN hides inside (a float or
    Decimal NaN is unequal to itself, a signalling NaN refuses to be compared). Crude: any
    "nan" in the repr counts; repr equality is checked regardless."""
    return "nan" not in repr(value).lower()


def assert_same(reference: Result, compiled: Result, context: Any = None) -> None:
    """Every field equal, field by field (for a readable failure), then as wholes. Where a
    NaN in the evidence makes even the reference unequal to itself, repr stands in for ==."""
    for name in RESULT_FIELDS:
        want, got = getattr(reference, name), getattr(compiled, name)
        assert repr(want) == repr(got), (
            f"{name} differs for {context!r}:\n want {want!r}\n  got {got!r}"
        )
        if reflexive(want):
            assert want == got, f"{name} differs for {context!r}"
    assert reference.qualified == compiled.qualified
    if reflexive(reference):
        assert reference == compiled
    assert repr(reference) == repr(compiled)
    assert reference.to_dict() == compiled.to_dict()
    assert json.dumps(reference.to_dict()) == json.dumps(compiled.to_dict())
    assert reference.explain() == compiled.explain()


# ----------------------------------------------------------------------------- messy leads


class Colour(enum.Enum):
    RED = "red"
    NUMBER = 7


class Plain:
    """A lead that is neither a mapping nor an attrs instance."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)


class Slotted:
    __slots__ = ("company_size", "country", "email")

    def __init__(self, **fields: Any) -> None:
        for key in self.__slots__:
            if key in fields:
                setattr(self, key, fields[key])


class Hostile:
    """A lead whose `country` cannot be read."""

    email = "x@acme.com"

    @property
    def country(self) -> str:
        raise RuntimeError("no country for you")


@attrs.define
class Nested:
    country: Any = None
    size: Any = None


scalars = st.one_of(
    st.none(),
    st.just(""),
    st.just("   "),
    st.booleans(),
    st.integers(-10, 10_000),
    st.integers(),
    st.sampled_from([10**31, -(10**31), 10**12, 10**12 + 1, 10**40]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from(["0", "no", "Off", "yes", "1,200", " 12.5 ", "abc", "2026-01-15", "GB"]),
    st.sampled_from(["2026-11-01T10:00:00Z", "yesterday", "1e400", "nan", "-3", "VP Sales"]),
    st.text(max_size=8),
    st.dates(dt.date(2020, 1, 1), dt.date(2027, 12, 31)),
    st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2027, 12, 31)),
    st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2027, 12, 31), timezones=st.just(UTC)),
    st.sampled_from(list(Colour)),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.tuples(scalars),
    st.dictionaries(st.sampled_from(["country", "size", "City"]), scalars, max_size=2),
    st.builds(Nested, scalars, scalars),
    st.just(object()),
)


def spellings(name: str) -> st.SearchStrategy[str]:
    return st.sampled_from(
        [name, name.replace(" ", "_"), name.title(), name.upper().replace(" ", "-")]
    )


def messy_events() -> st.SearchStrategy[Any]:
    stamp = st.one_of(
        st.datetimes(dt.datetime(2025, 6, 1), dt.datetime(2026, 12, 31)),
        st.datetimes(dt.datetime(2025, 6, 1), dt.datetime(2026, 12, 31), timezones=st.just(UTC)),
        st.dates(dt.date(2025, 6, 1), dt.date(2026, 12, 31)),
        st.sampled_from(["2026-11-01T10:00:00Z", "2026-10-01", "not a time", "", None]),
        st.integers(1_700_000_000, 1_800_000_000),
        st.just(float("nan")),
    )
    name = st.sampled_from(
        [
            "visited pricing page",
            "Visited Pricing Page",
            "opened_email",
            "attended webinar",
            "downloaded whitepaper",
            "requested demo",
            "",
            None,
        ]
    )
    props = st.dictionaries(
        st.sampled_from(["path", "topic", "minutes", "campaign", "Source"]), scalars, max_size=3
    )
    as_dict = st.builds(lambda n, a, p: {"name": n, "at": a, "properties": p}, name, stamp, props)
    as_other = st.builds(lambda n, a, p: {"name": n, "timestamp": a, **p}, name, stamp, props)
    as_event = st.builds(lambda n, a, p: Event(n or "x", a, p), name, stamp, props)
    return st.one_of(
        st.lists(st.one_of(as_dict, as_other, as_event), max_size=6),
        st.sampled_from(["not a list", 5, {"name": "x"}, None]),
    )


def used_names(ruleset: leadrules.RuleSet) -> list[str]:
    """The names the rules read from leads (outside `where` filters), as written."""
    names = {
        str(test.name).replace("`", "")
        for condition in ruleset.checked.conditions()
        for test in ast.tests(condition)
        if not isinstance(test, ast.DefRef)
    }
    return sorted(names)


@st.composite
def messy_lead(draw: st.DrawFn, ruleset: leadrules.RuleSet) -> Any:
    """A realistic lead, then mess: odd values under the names the rules use (spelt in
    various ways, sometimes dotted paths through nested objects), odd events, and one of
    several shapes (dict, Lead, plain object, Mapping subclass, ...)."""
    lead = dict(draw(leads()))
    for name in draw(st.lists(st.sampled_from(used_names(ruleset) or ["x"]), max_size=4)):
        head, _, rest = name.partition(".")
        if rest:
            lead[draw(spellings(head))] = draw(
                st.one_of(
                    st.dictionaries(spellings(rest), values, max_size=1),
                    st.builds(Nested, values, values),
                    values,
                )
            )
        else:
            lead[draw(spellings(name))] = draw(values)
    if draw(st.booleans()):
        lead["events"] = draw(messy_events())
    shape = draw(st.sampled_from(["dict", "dict", "dict", "lead", "plain", "ordered", "namespace"]))
    if shape == "lead":
        fields = {k: v for k, v in lead.items() if isinstance(k, str)}
        try:
            return Lead(**fields)
        except TypeError:
            return lead
    if shape == "plain":
        return Plain(**{k: v for k, v in lead.items() if isinstance(k, str)})
    if shape == "ordered":
        return OrderedDict(lead)
    if shape == "namespace":
        return types.SimpleNamespace(**{k: v for k, v in lead.items() if isinstance(k, str)})
    return lead


nows = st.one_of(
    st.just(NOW),
    st.datetimes(dt.datetime(2025, 1, 1), dt.datetime(2027, 12, 31), timezones=st.just(UTC)),
)


def example_leads() -> list[dict[str, Any]]:
    with open(EXAMPLES / "leads.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
