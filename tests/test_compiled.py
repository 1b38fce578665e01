"""The compiled backend gives exactly the reference evaluator's results.

The reference evaluator is the specification the compiled backend is held to: on random rule
files and random (messy) leads, every field of the Result must be equal, in the same order,
with the same texts. Plus examples on the shipped example files, the promises of the generated
code (tracebacks show it; no rule text ever runs as code) and of lazily built results.
"""

from __future__ import annotations

import ast as python_ast
import copy
import datetime as dt
import enum
import json
import math
import pickle
import re
import sys
import threading
import traceback
import types
from collections import OrderedDict
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import leadrules
from leadrules import Event, Lead
from leadrules.backends.python import generated_source
from leadrules.lang import ast
from leadrules.backends.python.runtime import MAX_KEY_PLANS
from leadrules.result import LAZY_FIELDS, Result
from leadrules.strategies import leads, rule_sources

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

RESULT_FIELDS = [field.name for field in attrs.fields(Result)]


def raw(source: str, **options: Any) -> leadrules.RuleSet:
    """``source`` scoring with the generated code alone: without the safety net that hands a
    lead the compiled code fails on to the reference evaluator, which would hide such a
    failure from these tests (see helpers.UnguardedBackend)."""
    return leadrules.compile(source, backend="compiled-unguarded", **options)


def both(source: str) -> tuple[leadrules.RuleSet, leadrules.RuleSet]:
    return (
        leadrules.compile(source, backend="reference"),
        raw(source),
    )


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


def fresh(ruleset: leadrules.RuleSet) -> leadrules.RuleSet:
    """A new RuleSet on the same source (so that lazily built code is built anew)."""
    return leadrules.compile(ruleset.source, backend=ruleset.backend)


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


# ----------------------------------------------------------------------------- the law


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(source=rule_sources(), data=st.data(), now=nows)
def test_compiled_equals_reference_on_random_rules_and_leads(
    source: str, data: st.DataObject, now: dt.datetime
) -> None:
    reference, compiled = both(source)
    for _ in range(4):
        lead = data.draw(messy_lead(reference))
        assert_same(reference.evaluate(lead, now), compiled.evaluate(lead, now), lead)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=rule_sources(), data=st.data())
def test_lazy_parts_can_be_read_in_any_order(source: str, data: st.DataObject) -> None:
    """Whatever field is read first (which is what builds the lazy parts), the result is
    the reference's."""
    reference, compiled = both(source)
    lead = data.draw(messy_lead(reference))
    got = compiled.evaluate(lead, NOW)
    want = reference.evaluate(lead, NOW)
    for name in data.draw(st.permutations(RESULT_FIELDS)):
        assert repr(getattr(got, name)) == repr(getattr(want, name))
    assert_same(reference.evaluate(lead, NOW), got, lead)


# ----------------------------------------------------------------------------- examples


def example_leads() -> list[dict[str, Any]]:
    with open(EXAMPLES / "leads.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def test_the_example_rules_score_every_example_lead_as_the_reference_does() -> None:
    reference, compiled = both((EXAMPLES / "b2b.leadrules").read_text(encoding="utf-8"))
    rows = example_leads()
    assert len(rows) >= 50
    for row in rows:
        assert_same(reference.evaluate(row, NOW), compiled.evaluate(row, NOW), row["id"])


def test_the_example_leads_as_lead_objects_and_events() -> None:
    reference, compiled = both((EXAMPLES / "b2b.leadrules").read_text(encoding="utf-8"))
    for row in example_leads()[:20]:
        events = [Event(e["name"], e["at"], e.get("properties")) for e in row.pop("events", [])]
        lead = Lead(events=events, **row)
        assert_same(reference.evaluate(lead, NOW), compiled.evaluate(lead, NOW), row["id"])


def test_evaluate_many_gives_the_same_stream() -> None:
    reference, compiled = both((EXAMPLES / "b2b.leadrules").read_text(encoding="utf-8"))
    rows = example_leads()
    pairs = zip(
        reference.evaluate_many(iter(rows), NOW),
        compiled.evaluate_many(iter(rows), NOW),
        strict=True,
    )
    count = 0
    for want, got in pairs:
        assert_same(want, got)
        count += 1
    assert count == len(rows)


def test_compiled_is_the_default_backend() -> None:
    rules = leadrules.compile("+20 when downloaded whitepaper; MQL at 20")
    assert rules.backend == "compiled"
    assert generated_source(rules).startswith("# Generated by leadrules.backends.python")
    assert rules.scorer.source == generated_source(rules)


@pytest.mark.parametrize(
    "lead",
    [
        None,
        {},
        {"country": "GB", "Downloaded Whitepaper": "yes"},
        {"country": float("nan"), "downloaded_whitepaper": "no"},
        Hostile(),
        Slotted(country="GB", company_size="1,200"),
        {"company size": 10**40, "country": Colour.RED},
        {"events": "not a list", "country": "IE"},
    ],
    ids=repr,
)
def test_odd_leads_get_the_reference_result(lead: Any) -> None:
    source = """
define big as company size >= 1000
+20 when downloaded whitepaper
+10 when big or country in ["GB", "IE"]
+5 per company size, up to 15
+7 when visited pricing page at least 2 times within 30 days, decaying 50% every 7 days
disqualify when country not in ["GB", "IE"]
MQL at 20
SQL at 40 when big
"""
    reference, compiled = both(source)
    assert_same(reference.evaluate(lead, NOW), compiled.evaluate(lead, NOW), lead)


def test_the_warnings_come_in_the_same_order_with_the_same_lines() -> None:
    source = """
+1 when company size > 10
+2 when country = "GB" and company size between 5 and 50
+3 when requested demo
disqualify when company size < 2
SQL at 10 when company size >= 3
"""
    reference, compiled = both(source)
    lead = {"company_size": "about twelve", "requested_demo": object(), "country": "GB"}
    want = reference.evaluate(lead, NOW)
    assert want.warnings[0].startswith("line 2: company size: could not read")
    assert_same(want, compiled.evaluate(lead, NOW))


# ----------------------------------------------------------------------------- lazy results


def test_a_compiled_result_copies_and_evolves_like_any_result() -> None:
    reference, compiled = both((EXAMPLES / "b2b.leadrules").read_text(encoding="utf-8"))
    row = example_leads()[0]
    want = reference.evaluate(row, NOW)
    for got in (copy.copy(compiled.evaluate(row, NOW)), attrs.evolve(compiled.evaluate(row, NOW))):
        assert_same(want, got)
    assert attrs.asdict(compiled.evaluate(row, NOW)) == attrs.asdict(want)


def test_a_compiled_result_pickles_exactly_when_a_reference_result_does() -> None:
    reference, compiled = both((EXAMPLES / "b2b.leadrules").read_text(encoding="utf-8"))
    row = example_leads()[0]
    outcomes = []
    for result in (reference.evaluate(row, NOW), compiled.evaluate(row, NOW)):
        try:
            outcomes.append(pickle.loads(pickle.dumps(result)).to_dict())
        except TypeError as exc:  # the groups mapping is read-only, and not picklable
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]


def test_a_compiled_result_is_as_frozen_as_any() -> None:
    result = leadrules.compile("+5 when x").evaluate({"x": True}, NOW)
    for name in ("contributions", "score", "groups"):
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(result, name, ())
    assert sum(c.points for c in result.contributions) == result.score == 5


def test_changing_the_lead_afterwards_does_not_change_the_result() -> None:
    """A result is immutable: its explanation is that of the lead when it was scored."""
    rules = leadrules.compile(
        '+5 when tags contains "vip"\n+3 when country = "GB"\n+1 per visits, up to 9'
    )
    tags = ["new"]
    lead = {"tags": tags, "country": "GB", "visits": 4}
    result = rules.evaluate(lead, NOW)
    tags.append("vip")
    lead["country"] = "FR"
    lead["visits"] = 8
    assert result.score == 7
    assert [c.label for c in result.contributions] == ['country = "GB"', "per visits"]
    assert sum(c.points for c in result.contributions) == result.score


def test_lazy_fields_are_the_result_fields() -> None:
    assert set(LAZY_FIELDS) <= set(RESULT_FIELDS)


# ----------------------------------------------------------------------------- the generated code


def test_a_traceback_through_compiled_code_shows_the_generated_line() -> None:
    rules = raw('+20 when job title contains "vp"', filename="scoring.leadrules")
    namespace = rules.scorer.score.func.__globals__  # type: ignore[attr-defined]

    def broken(*args: Any) -> Any:
        raise ZeroDivisionError("from a helper")

    name = next(key for key in namespace if re.fullmatch(r"_m\d+", key))  # the test's helper
    namespace[name] = broken
    with pytest.raises(ZeroDivisionError) as caught:
        rules.evaluate({"job_title": 42}, NOW)
    frames = traceback.extract_tb(caught.value.__traceback__)
    generated = [
        f for f in frames if f.filename.startswith("<leadrules-compiled:scoring.leadrules#")
    ]
    assert generated, [f.filename for f in frames]
    assert name in generated[-1].line
    text = "".join(traceback.format_exception(caught.value))
    assert generated[-1].line in text


def test_rule_text_never_runs_as_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEADRULES_PWNED", raising=False)
    payload = "exec('import os; os.environ.update(LEADRULES_PWNED=chr(49))')"
    template = (
        r'+1 when `PAYLOAD` = "x\"); PAYLOAD; (\"" as "PAYLOAD\n# \"' + "'" + '"\n'
        r'+2 when note contains "' + "'''" + r'PAYLOAD" or note matches /PAYLOAD\)/' + "\n"
        r'disqualify when `a b` is present because "\\\"; PAYLOAD"' + "\n"
        r'"PAYLOAD" at 1' + "\n"
    )
    source = template.replace("PAYLOAD", payload)
    reference, compiled = both(source)
    for lead in ({}, {payload: 'x"); (', "note": f"'''{payload}"}):
        assert_same(reference.evaluate(lead, NOW), compiled.evaluate(lead, NOW))
    assert "LEADRULES_PWNED" not in __import__("os").environ
    # In the generated code the payload is only ever data: no name it uses is code there.
    code = python_ast.parse(generated_source(compiled))
    names = {node.id for node in python_ast.walk(code) if isinstance(node, python_ast.Name)}
    assert not names & {"exec", "os", "chr"}
    texts = [
        node.value
        for node in python_ast.walk(code)
        if isinstance(node, python_ast.Constant) and isinstance(node.value, str)
    ]
    assert any(payload in text for text in texts)


def test_numbers_add_up_exactly_in_compiled_scores() -> None:
    rules = leadrules.compile("+0.1 when a\n+0.2 when b\n+0.001 per c, up to 1.5")
    result = rules.evaluate({"a": True, "b": "yes", "c": 1800}, NOW)  # 1.8 capped at 1.5
    assert result.score == Decimal("1.8")
    assert sum(c.points for c in result.contributions) == result.score
    assert not math.isnan(float(result.score))


@pytest.mark.parametrize("backend", ["reference", "compiled"])
def test_a_signalling_nan_is_an_unreadable_value_not_an_exception(backend: str) -> None:
    """The spec: a value that cannot be converted makes the test unknown and adds a warning;
    evaluate() never raises on lead data. values.to_bool compares the value with 0, which a
    signalling NaN refuses (decimal.InvalidOperation)."""
    rules = leadrules.compile("+5 when x\n+3 when x = true", backend=backend)
    result = rules.evaluate({"x": Decimal("sNaN")}, NOW)
    assert result.score == 0
    assert len(result.undecided) == 2


def test_deeply_nested_and_very_long_conditions_compile_and_agree() -> None:
    """Python limits how deeply blocks nest in one function: deep conditions are split into
    functions of their own, and long `or` chains stay flat."""
    deep = "x > 1"
    for i in range(30):  # 60 levels of not/and/or: more than one function may nest
        deep = f"not ({deep} {'and' if i % 2 else 'or'} y{i % 3} = {i})"
    wide = " or ".join(f'country = "C{i}"' for i in range(300))
    source = f"+5 when {deep}\n+7 when {wide}\ndefine d as {deep}\n+1 when d and not d\nMQL at 1"
    reference, compiled = both(source)
    for lead in (
        {},
        {"x": 2, "y0": 0, "y1": "1", "y2": None},
        {"x": "two", "country": "c299"},
        {"x": 0, "country": "C7", "y1": 29},
    ):
        assert_same(reference.evaluate(lead, NOW), compiled.evaluate(lead, NOW), lead)


def test_a_definition_is_read_once_and_warns_with_the_line_of_its_first_use() -> None:
    source = """
define big as company size >= 1000
+1 when country = "GB"
+2 when big
+3 when big or requested demo
disqualify when not big
"""
    reference, compiled = both(source)
    lead = {"company size": "huge", "country": "GB"}
    want = reference.evaluate(lead, NOW)
    assert want.warnings == ("line 4: company size: could not read 'huge' as a number",)
    assert_same(want, compiled.evaluate(lead, NOW))


# ----------------------------------------------------------------------------- reading dict leads

KEY_RULES = (
    '+20 when job title contains "vp"\n'
    "+10 when company size >= 200\n"
    "-5 when budget is missing\n"
    "+3 when `Exact Name` = 1\n"
    "+1 when address.city is present\n"
    "MQL at 20\n"
)


@pytest.mark.parametrize(
    "lead",
    [
        {"job_title": "VP", "company_size": 300, "budget": 1},
        {"Job Title": "VP", "Company-Size": 300},  # found by normalising the key
        {"job title": "intern", "job_title": "VP"},  # the spelling as written wins
        {"job_title": "VP", "job title": "intern"},  # ... in either order
        {"JOB TITLE": "VP", "Job-Title": "intern"},  # the first normalised match wins
        {"Job-Title": "intern", "JOB TITLE": "VP"},
        {"_job_title": "VP", "company_size": 300},  # private keys are never read
        {"exact name": 1, "Exact Name": 1, "exact_name": 1},  # backticks: exactly as written
        {"exact_name": 1, "company size": "300"},
        {"address": {"city": "Leeds"}, "job_title": "VP"},
        {1: "one", None: "none", ("a",): "tuple", "company_size": 300},  # keys that are not text
        {f"field{i}": i for i in range(100)} | {"job_title": "VP", "budget": 5},  # many keys
        {},
    ],
)
def test_dict_leads_are_read_by_every_spelling_as_the_reference_reads_them(
    lead: dict[Any, Any],
) -> None:
    reference, compiled = both(KEY_RULES)
    assert_same(reference.evaluate(lead, NOW), compiled.evaluate(lead, NOW), lead)


def test_leads_sharing_keys_but_not_values_are_each_read_right() -> None:
    """The compiled scorer remembers where a key order has each name; a lead with the same
    keys must still get its own values, and a different key order its own reading."""
    reference, compiled = both(KEY_RULES)
    leads: list[dict[Any, Any]] = [
        {"job_title": "VP", "company_size": 300},
        {"job_title": "student", "company_size": 10},
        {"company_size": 10, "job_title": "VP"},
        {"Job Title": "VP", "company_size": None},
        {"Job Title": "intern", "company_size": "big"},
        {"job_title": "VP", "company_size": 300, "budget": None},
    ]
    for lead in leads * 3:
        assert_same(reference.evaluate(lead, NOW), compiled.evaluate(lead, NOW), lead)


def test_more_key_orders_than_the_scorer_remembers_are_all_read_right() -> None:
    reference, compiled = both(KEY_RULES)
    for i in range(MAX_KEY_PLANS * 2 + 3):
        lead = {f"x{i}": i, "job_title": "VP" if i % 2 else "intern", "company_size": i}
        assert_same(reference.evaluate(lead, NOW), compiled.evaluate(lead, NOW), lead)


JUNCTION_RULES = (
    '+20 when job title contains "vp" or job title starts with "head"\n'
    '+10 when country = "GB" and company size >= 50\n'
    "+5 when not (demo requested or webinar attended)\n"
    "-5 when budget is missing or budget < 1000\n"
    'disqualify when email ends with "@rival.com" or country in ["FR", "ES"]\n'
    "SQL at 20 when demo requested and not (company size < 10)\n"
    "MQL at 10\n"
)


@pytest.mark.parametrize(
    "lead",
    [
        {"job_title": "VP", "country": "GB", "company_size": 300, "budget": 5000},
        {"job_title": "", "country": "GB", "company_size": "300", "budget": "5k"},
        {"job_title": "   ", "country": None, "company_size": 12.5, "budget": None},
        {"job_title": 42, "country": "gb ", "company_size": "many", "demo_requested": "yes"},
        {"job_title": ["VP", "CTO"], "country": "FR", "webinar_attended": "no"},
        {"demo_requested": 1, "webinar_attended": None, "email": "a@RIVAL.com"},
        {"demo_requested": True, "company_size": 10**40, "budget": float("nan")},
        {"demo_requested": "maybe", "company_size": True, "email": 7},
        {},
    ],
)
def test_and_or_not_on_unusual_values_agree_with_the_reference(lead: dict[str, Any]) -> None:
    """A condition with `and`/`or`/`not` has a plain fast form for values of their usual
    class; any other value takes a second path (`_kl`), which must decide it, warn and
    explain exactly as the reference does."""
    reference, compiled = both(JUNCTION_RULES)
    assert_same(reference.evaluate(lead, NOW), compiled.evaluate(lead, NOW), lead)


@pytest.mark.parametrize(
    "source",
    [
        "+5 per page views, up to 10.0\nMQL at 20",
        "group g max 30:\n    +5 per page views, up to 10.0\n    +1.0 when x\nMQL at 20",
        "-5 per page views, up to 10.50",
        "+2.0 per page views, up to 10",
    ],
)
@pytest.mark.parametrize("views", [0, 1, 3, 30, -30, "4"])
def test_a_cap_written_with_decimals_is_kept_as_written(source: str, views: Any) -> None:
    """`up to 10.0` caps at Decimal("10.0"), as the reference does (str(score) shows it)."""
    reference, compiled = both(source)
    lead = {"page views": views, "x": True}
    assert_same(reference.evaluate(lead, NOW), compiled.evaluate(lead, NOW), lead)


def test_threads_reading_a_result_at_once_all_get_the_same_parts() -> None:
    """A compiled Result builds its parts on first read; threads reading at the same moment
    must not each build (and set) their own: the fields of a frozen Result never change."""
    rules = leadrules.compile(
        '+20 when job title contains "vp"\n+5 per page views, up to 10\nMQL at 20'
    )
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so that reads really overlap
    try:
        check_threads_agree(rules)
    finally:
        sys.setswitchinterval(interval)


def check_threads_agree(rules: leadrules.RuleSet) -> None:
    for i in range(200):
        result = rules.evaluate({"job_title": f"VP {i}", "page_views": i}, NOW)
        barrier = threading.Barrier(4)
        seen: list[tuple[int, int, int]] = []

        def read(
            result: Result = result,
            barrier: threading.Barrier = barrier,
            seen: list[tuple[int, int, int]] = seen,
        ) -> None:
            barrier.wait()
            parts = (result.contributions, result.stages, result.points_to_next_stage)
            seen.append((id(parts[0]), id(parts[1]), id(parts[2])))

        threads = [threading.Thread(target=read) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(set(seen)) == 1, seen
