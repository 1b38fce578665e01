"""The conformance suite: every registered backend is held to the reference evaluator.

Parametrized over the registry (``leadrules.backends.names()``): registering a backend is
enough to have it tested here, on random rule files and messy leads, the shipped examples and
the cases that once told backends apart. The comparison is at the backend's fidelity (see
``tests/conformance.py``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from conformance import (
    EXAMPLES,
    NOW,
    RESULT_FIELDS,
    Colour,
    Hostile,
    Slotted,
    assert_conforms,
    candidates,
    example_leads,
    messy_lead,
    nows,
    pair,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import leadrules
from leadrules import Event, Lead, backends
from leadrules.backends import Fidelity
from leadrules.strategies import rule_sources


@pytest.fixture(params=candidates(), scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


def test_the_suites_cover_every_registered_backend() -> None:
    assert "compiled" in candidates()
    assert "duckdb" in candidates(Fidelity.TABLE)
    covered = set(candidates()) | set(candidates(Fidelity.TABLE)) | {"reference"}
    assert covered == set(backends.names())


# ----------------------------------------------------------------------------- the law


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(source=rule_sources(), data=st.data(), now=nows)
def test_every_backend_equals_the_reference_on_random_rules_and_leads(
    backend: str, source: str, data: st.DataObject, now: dt.datetime
) -> None:
    reference, other = pair(source, backend)
    for _ in range(4):
        lead = data.draw(messy_lead(reference))
        assert_conforms(reference.evaluate(lead, now), other.evaluate(lead, now), backend, lead)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=rule_sources(), data=st.data())
def test_result_fields_can_be_read_in_any_order(
    backend: str, source: str, data: st.DataObject
) -> None:
    """Whatever field is read first (which is what builds a lazy result's parts), the
    result is the reference's."""
    if backends.get(backend).fidelity is not Fidelity.RESULT:
        pytest.skip("a table backend gives no lazy results")
    reference, other = pair(source, backend)
    lead = data.draw(messy_lead(reference))
    got = other.evaluate(lead, NOW)
    want = reference.evaluate(lead, NOW)
    for name in data.draw(st.permutations(RESULT_FIELDS)):
        assert repr(getattr(got, name)) == repr(getattr(want, name))
    assert_conforms(reference.evaluate(lead, NOW), got, backend, lead)


# ----------------------------------------------------------------------------- examples


def test_the_example_rules_score_every_example_lead_as_the_reference_does(backend: str) -> None:
    reference, other = pair((EXAMPLES / "b2b.leadrules").read_text(encoding="utf-8"), backend)
    rows = example_leads()
    assert len(rows) >= 50
    for row in rows:
        assert_conforms(reference.evaluate(row, NOW), other.evaluate(row, NOW), backend, row["id"])


def test_the_example_leads_as_lead_objects_and_events(backend: str) -> None:
    reference, other = pair((EXAMPLES / "b2b.leadrules").read_text(encoding="utf-8"), backend)
    for row in example_leads()[:20]:
        events = [Event(e["name"], e["at"], e.get("properties")) for e in row.pop("events", [])]
        lead = Lead(events=events, **row)
        assert_conforms(reference.evaluate(lead, NOW), other.evaluate(lead, NOW), backend, lead)


def test_evaluate_many_gives_the_same_stream(backend: str) -> None:
    reference, other = pair((EXAMPLES / "b2b.leadrules").read_text(encoding="utf-8"), backend)
    rows = example_leads()
    pairs = zip(
        reference.evaluate_many(iter(rows), NOW), other.evaluate_many(iter(rows), NOW), strict=True
    )
    count = 0
    for want, got in pairs:
        assert_conforms(want, got, backend)
        count += 1
    assert count == len(rows)


ODD_RULES = """
define big as company size >= 1000
+20 when downloaded whitepaper
+10 when big or country in ["GB", "IE"]
+5 per company size, up to 15
+7 when visited pricing page at least 2 times within 30 days, decaying 50% every 7 days
disqualify when country not in ["GB", "IE"]
MQL at 20
SQL at 40 when big
"""


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
def test_odd_leads_get_the_reference_result(backend: str, lead: Any) -> None:
    reference, other = pair(ODD_RULES, backend)
    assert_conforms(reference.evaluate(lead, NOW), other.evaluate(lead, NOW), backend, lead)


def test_the_warnings_come_in_the_same_order_with_the_same_lines(backend: str) -> None:
    source = """
+1 when company size > 10
+2 when country = "GB" and company size between 5 and 50
+3 when requested demo
disqualify when company size < 2
SQL at 10 when company size >= 3
"""
    reference, other = pair(source, backend)
    lead = {"company_size": "about twelve", "requested_demo": object(), "country": "GB"}
    want = reference.evaluate(lead, NOW)
    assert want.warnings[0].startswith("line 2: company size: could not read")
    assert_conforms(want, other.evaluate(lead, NOW), backend)


def test_a_signalling_nan_is_an_unreadable_value_not_an_exception(backend: str) -> None:
    """The spec: a value that cannot be converted makes the test unknown and adds a warning;
    evaluate() never raises on lead data. values.to_bool compares the value with 0, which a
    signalling NaN refuses (decimal.InvalidOperation)."""
    reference, other = pair("+5 when x\n+3 when x = true", backend)
    lead = {"x": Decimal("sNaN")}
    want = reference.evaluate(lead, NOW)
    assert want.score == 0
    assert len(want.undecided) == 2
    assert_conforms(want, other.evaluate(lead, NOW), backend)


def test_deeply_nested_and_very_long_conditions_compile_and_agree(backend: str) -> None:
    """Deep conditions (the compiled backend splits them into functions of their own) and
    long `or` chains."""
    deep = "x > 1"
    for i in range(30):  # 60 levels of not/and/or
        deep = f"not ({deep} {'and' if i % 2 else 'or'} y{i % 3} = {i})"
    wide = " or ".join(f'country = "C{i}"' for i in range(300))
    source = f"+5 when {deep}\n+7 when {wide}\ndefine d as {deep}\n+1 when d and not d\nMQL at 1"
    reference, other = pair(source, backend)
    for lead in (
        {},
        {"x": 2, "y0": 0, "y1": "1", "y2": None},
        {"x": "two", "country": "c299"},
        {"x": 0, "country": "C7", "y1": 29},
    ):
        assert_conforms(reference.evaluate(lead, NOW), other.evaluate(lead, NOW), backend, lead)


def test_a_definition_is_read_once_and_warns_with_the_line_of_its_first_use(backend: str) -> None:
    source = """
define big as company size >= 1000
+1 when country = "GB"
+2 when big
+3 when big or requested demo
disqualify when not big
"""
    reference, other = pair(source, backend)
    lead = {"company size": "huge", "country": "GB"}
    want = reference.evaluate(lead, NOW)
    assert want.warnings == ("line 4: company size: could not read 'huge' as a number",)
    assert_conforms(want, other.evaluate(lead, NOW), backend)


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
    backend: str, lead: dict[Any, Any]
) -> None:
    reference, other = pair(KEY_RULES, backend)
    assert_conforms(reference.evaluate(lead, NOW), other.evaluate(lead, NOW), backend, lead)


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
def test_and_or_not_on_unusual_values_agree_with_the_reference(
    backend: str, lead: dict[str, Any]
) -> None:
    """Values of unusual classes in `and`/`or`/`not` (the compiled backend decides those on a
    second path): decided, warned and explained as the reference does."""
    reference, other = pair(JUNCTION_RULES, backend)
    assert_conforms(reference.evaluate(lead, NOW), other.evaluate(lead, NOW), backend, lead)


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
def test_a_cap_written_with_decimals_is_kept_as_written(
    backend: str, source: str, views: Any
) -> None:
    """`up to 10.0` caps at Decimal("10.0"), as the reference does (str(score) shows it)."""
    reference, other = pair(source, backend)
    lead = {"page views": views, "x": True}
    assert_conforms(reference.evaluate(lead, NOW), other.evaluate(lead, NOW), backend, lead)


def test_the_spec_examples_score_as_the_reference_does(
    backend: str, spec_example: str, guiding_example: str
) -> None:
    for source in (spec_example, guiding_example):
        reference, other = pair(source, backend)
        for row in example_leads():
            assert_conforms(reference.evaluate(row, NOW), other.evaluate(row, NOW), backend, row)


def test_an_unknown_backend_is_refused_naming_the_registered_ones() -> None:
    with pytest.raises(leadrules.InvalidArgument) as caught:
        leadrules.compile("+1 when a", backend="nonesuch")
    for name in backends.names():
        assert repr(name) in str(caught.value)
