"""Compiling against a schema: every name resolves to a field, and every test suits the field's
type (docs/checking.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Literal, TypedDict

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import leadrules
from leadrules import InvalidArgument, LeadRulesError, RuleCheckError, SchemaError
from leadrules.strategies import rule_sources

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
PointsAt = Callable[[BaseException, str, int, int], None]


class Tier(enum.Enum):
    GOLD = "gold"
    SILVER = "silver"
    PLATINUM = "platinum"


@attrs.frozen
class Address:
    country: Literal["GB", "IE", "US"]
    city: str | None = None


@attrs.frozen
class Webinar:
    name: str
    at: dt.datetime
    topic: str
    minutes: int


@attrs.frozen
class Prospect:
    email: str
    company_size: int
    job_title: str | None
    signed_up: dt.date
    last_seen: dt.datetime | None
    revenue: Decimal
    score_ratio: float
    tier: Tier
    industry: Literal["software", "fintech", "retail"]
    active: bool
    tags: list[str]
    address: Address
    events: list[Webinar]
    _secret: int = 0


@attrs.frozen
class NoEvents:
    company_size: int
    country: str


def problems(source: str, schema: Any = Prospect) -> tuple[leadrules.Diagnostic, ...]:
    with pytest.raises(SchemaError) as caught:
        leadrules.compile(source, schema=schema)
    return caught.value.diagnostics


def one_problem(source: str, schema: Any = Prospect) -> leadrules.Diagnostic:
    found = problems(source, schema)
    assert len(found) == 1, "\n".join(d.render() for d in found)
    return found[0]


def compiles(source: str, schema: Any = Prospect) -> leadrules.RuleSet:
    return leadrules.compile(source, schema=schema)


# ----------------------------------------------------------------------------- unknown fields


def test_an_unknown_field_gets_a_did_you_mean(points_at: PointsAt) -> None:
    source = "+5 when email is present\n+10 when compnay size >= 50\n"
    with pytest.raises(SchemaError) as caught:
        leadrules.compile(source, schema=Prospect, filename="fit.leadrules")
    error = caught.value
    points_at(error, source, 2, 10)
    assert error.filename == "fit.leadrules"
    assert "`compnay size`" in error.message and "Prospect" in error.message
    assert error.hint == "did you mean `company size`?"
    assert "^^^^^^^^^^^^" in str(error)  # the caret runs under the whole name


def test_schema_errors_are_check_errors_and_leadrules_errors() -> None:
    with pytest.raises(LeadRulesError):
        compiles("+5 when nope > 1")
    assert issubclass(SchemaError, RuleCheckError)


def test_every_problem_is_reported_at_once_in_source_order() -> None:
    source = (
        "define big as compnay size > 1000\n"
        "+5 when job titel is present\n"
        "disqualify when contry = 'GB'\n"
        "MQL at 10 when emial is present\n"
    )
    found = problems(source)
    assert [(d.line, d.column) for d in found] == [(1, 15), (2, 9), (3, 17), (4, 16)]
    assert [d.hint for d in found] == [
        "did you mean `company size`?",
        "did you mean `job title`?",
        "did you mean `address.country`?",  # a field of a nested class
        "did you mean `email`?",
    ]
    assert all(d.severity == "error" and d.source_line for d in found)


def test_an_unknown_field_without_a_close_name_lists_the_fields() -> None:
    found = one_problem("+5 when budget > 5", NoEvents)
    assert found.hint == "the fields are: `company size`, `country`"


def test_names_match_as_the_language_matches_them() -> None:
    compiles(
        "+5 when Company-Size > 5 and JOB_TITLE contains 'vp' and company_size < 10\n"
        "+5 when signed up within 30 days and last seen before 2026-01-01\n"
        "+5 when address.country = 'gb' and Address.City is missing\n"
    )


def test_private_fields_are_not_reachable() -> None:
    found = one_problem("+5 when secret > 1")
    assert "`secret` is not a field of Prospect" in found.message


def test_a_name_through_a_field_that_is_not_a_class() -> None:
    found = one_problem("+5 when company size.value > 5")
    assert "`company size` is a number" in found.message
    assert "no field `value`" in found.message


def test_an_unknown_field_of_a_nested_class() -> None:
    found = one_problem("+5 when address.contry = 'GB'")
    assert found.message == "`address` has no field `contry`"
    assert found.hint == "did you mean `address.country`?"


def test_backticked_names_match_exactly_first() -> None:
    schema = {"Company Size": int, "company_size": str}
    compiles("+5 when `Company Size` > 5 and `company_size` contains 'x'", schema)
    found = one_problem("+5 when `Company Size` contains 'x'", schema)
    assert "`contains` tests text" in found.message
    # unquoted, the name finds the first field that matches ignoring case and separators
    assert "number" in one_problem("+5 when company size contains 'x'", schema).message


def test_odd_field_names_are_suggested_in_backticks() -> None:
    found = one_problem("+5 when annual revenue usd > 5", {"Annual Revenue (USD)": float, "x": int})
    assert found.hint == "did you mean `Annual Revenue (USD)`?"


def test_a_flat_dotted_key_is_found() -> None:
    compiles("+5 when company.size > 5", {"company.size": int})


# ----------------------------------------------------------------------------- type mismatches


@pytest.mark.parametrize(
    "test, op",
    [
        ('company size contains "x"', "contains"),
        ('company size starts with "1"', "starts with"),
        ('revenue ends with "0"', "ends with"),
        ("score ratio matches /0/", "matches"),
        ('signed up contains "2026"', "contains"),
    ],
)
def test_text_operators_on_numbers_and_dates(test: str, op: str) -> None:
    found = one_problem(f"+5 when {test}")
    assert found.message.startswith(f"`{op}` tests text, but `")
    assert (found.line, found.column) == (1, 9)
    assert found.hint


@pytest.mark.parametrize(
    "test",
    ["job title > 5", "job title <= 5", "email between 1 and 5", "job title = 5", "email != 7"],
)
def test_number_comparisons_on_text(test: str) -> None:
    found = one_problem(f"+5 when {test}")
    assert "text" in found.message and "number" in found.message
    assert found.hint is not None and '"' in found.hint  # it suggests writing the value as text


def test_text_compared_with_a_number_field_suggests_dropping_the_quotes() -> None:
    found = one_problem('+5 when company size = "50"')
    assert found.hint == "write the number without quotes: `company size = 50`"


@pytest.mark.parametrize(
    "test",
    [
        "company size within 30 days",
        "email before 2026-01-01",
        "job title since 2026-01-01",
        "active after 2026-01-01",
        "company size > 2026-01-01",
    ],
)
def test_date_operators_on_non_dates(test: str) -> None:
    found = one_problem(f"+5 when {test}")
    assert "date" in found.message


def test_dates_accept_date_operators() -> None:
    compiles(
        "+5 when signed up within 30 days and last seen since 2026-01-01\n"
        "+5 when signed up between 2025-01-01 and 2026-01-01 and last seen > 2026-01-01T10:00:00Z\n"
    )


def test_yes_no_fields() -> None:
    compiles("+5 when active and active = true and not active")
    assert "yes/no" in one_problem("+5 when active > 2").message
    assert "yes/no" in one_problem("+5 when active between 1 and 2").message


def test_a_group_of_fields_is_not_a_value() -> None:
    found = one_problem("+5 when address")
    assert "group of fields" in found.message
    assert "group of fields" in one_problem('+5 when address = "x"').message


# ----------------------------------------------------------------------------- lists


def test_list_items_of_the_wrong_type() -> None:
    found = problems('+5 when company size in [10, "big", 20]\n+5 when email in ["a", 5]')
    assert len(found) == 2
    assert '"big"' in found[0].message and "number" in found[0].message
    assert "5" in found[1].message and "text" in found[1].message


def test_a_list_field_holds_items_of_its_type() -> None:
    compiles('+5 when tags contains "vip"')
    found = one_problem("+5 when tags contains 5")
    assert "items of `tags`" in found.message
    assert "starts with" in one_problem('+5 when tags starts with "v"').message
    assert "list" in one_problem('+5 when tags = "vip"').message


# ----------------------------------------------------------------------------- choices


def test_a_value_outside_a_literal() -> None:
    found = one_problem('+5 when industry = "fintek"')
    assert '"fintek" is not one of the choices for `industry`' in found.message
    assert found.hint == 'did you mean "fintech"?'


def test_a_value_outside_an_enum() -> None:
    found = one_problem('+5 when tier = "platnum"')
    assert "choices for `tier`" in found.message
    assert found.hint == 'did you mean "platinum"?'


def test_choices_compare_as_text_does() -> None:
    compiles('+5 when tier = "Gold " and industry in ["SOFTWARE", "retail"]')


def test_each_list_item_outside_the_choices_is_reported() -> None:
    found = problems('+5 when address.country in ["GB", "UK", "FR"]')
    assert ['"UK"' in found[0].message, '"FR"' in found[1].message] == [True, True]


def test_optional_literal_keeps_its_choices() -> None:
    schema = {"plan": Literal["free", "pro"] | None}
    compiles('+5 when plan = "pro"', schema)
    assert "choices" in one_problem('+5 when plan = "team"', schema).message


# ----------------------------------------------------------------------------- events


def test_a_bare_fact_that_is_not_a_field_is_an_event() -> None:
    compiles(
        "+5 when requested demo\n"
        "+5 when visited pricing page at least 3 times within 14 days\n"
        "+5 per opened email within 30 days, up to 15\n"
    )


def test_event_conditions_need_an_events_field() -> None:
    found = problems(
        "+5 when visited pricing page at least 3 times\n"
        "+5 per opened email within 30 days\n"
        "+5 when requested demo\n",
        NoEvents,
    )
    assert [d.line for d in found] == [1, 2, 3]
    assert "has no `events` field" in found[0].message
    assert found[0].hint is not None and "events" in found[0].hint
    assert "has no `events` field" in found[1].message
    assert "`requested demo` is not a field of NoEvents" in found[2].message


def test_where_names_resolve_against_a_typed_event() -> None:
    compiles('+5 when attended webinar where topic contains "AI"')
    compiles("+5 per attended webinar where minutes >= 30, up to 20")
    found = one_problem('+5 when attended webinar where topik = "AI"')
    assert "`topik` is not a property of the events (Webinar)" in found.message
    assert found.hint == "did you mean `topic`?"
    assert "text" in one_problem('+5 when attended webinar where minutes contains "3"').message


def test_where_names_are_open_for_leadrules_events() -> None:
    schema = {"company size": int, "events": list[leadrules.Event]}
    compiles('+5 when attended webinar where anything = "AI" and company size > 5', schema)


def test_counts_and_where_on_a_field_are_errors() -> None:
    assert "not an event" in one_problem("+5 when email at least 2 times").message
    assert "not an event" in one_problem('+5 when email where x = "y"').message


def test_per_needs_an_event_a_list_or_a_number() -> None:
    compiles("+1 per company size, up to 10\n+1 per tags\n+1 per visited page")
    assert "`per` counts" in one_problem("+1 per email").message
    assert "needs an event" in one_problem("+1 per company size within 3 days").message


# ----------------------------------------------------------------------------- where names go


def test_names_in_definitions_disqualify_rules_and_stage_conditions_are_checked() -> None:
    found = problems(
        "define big as company size > 1000 and regoin = 'x'\n"
        "disqualify when email ends with 5 and emails is present\n"
        "MQL at 5 when big and tyer = 'gold'\n"
    )
    assert [d.line for d in found] == [1, 2, 3]


# ----------------------------------------------------------------------------- kinds of schema


def test_a_plain_mapping_is_a_schema() -> None:
    schema: Mapping[str, Any] = {
        "company size": int,
        "country": str,
        "address": {"city": str, "zip": str | None},
        "events": list[leadrules.Event],
    }
    rules = compiles(
        "+5 when company size > 5 and address.city = 'Leeds'\n+5 when requested demo", schema
    )
    assert rules.evaluate({"company_size": 10, "address": {"city": "leeds"}}, now=NOW).score == 5
    assert one_problem("+5 when address.cty = 'x'", schema).hint == "did you mean `address.city`?"


def test_the_ready_made_lead_takes_any_extra_field() -> None:
    compiles("+5 when budget > 5000 and requested demo", leadrules.Lead)
    found = one_problem('+5 when company size contains "x"', leadrules.Lead)
    assert "number" in found.message


def test_a_dataclass_is_a_schema() -> None:
    @dataclasses.dataclass
    class Row:
        size: int
        name: str

        @property
        def label(self) -> str:
            return self.name

    compiles("+5 when size > 5 and label contains 'x'", Row)
    assert "text" in one_problem("+5 when label > 5", Row).message
    assert one_problem("+5 when sise > 5", Row).hint == "did you mean `size`?"


def test_a_typed_dict_is_a_schema() -> None:
    class Row(TypedDict):
        size: int
        name: str

    compiles("+5 when size > 5", Row)
    assert one_problem("+5 when name > 5", Row).line == 1


@attrs.frozen
class Node:
    name: str
    parent: Node | None = None


def test_a_class_that_refers_to_itself() -> None:
    compiles("+5 when parent.parent.name = 'root'", Node)
    assert "has no field" in one_problem("+5 when parent.parent.nme = 'x'", Node).message


def test_unfamiliar_types_are_not_checked() -> None:
    schema = {"blob": Any, "meta": dict[str, Any], "either": int | str}
    compiles("+5 when blob.x > 5 and meta.anything contains 'x' and either contains 'x'", schema)
    compiles("+5 when either > 5", schema)


@pytest.mark.parametrize(
    "schema",
    [5, "Prospect", [int], Prospect.__init__, int, leadrules.Lead(), {"x": "int"}, {1: int}],
)
def test_anything_else_is_an_invalid_argument(schema: Any) -> None:
    with pytest.raises(InvalidArgument):
        leadrules.compile("+5 when x", schema=schema)


def test_no_schema_checks_nothing() -> None:
    leadrules.compile('+5 when compnay size contains "x"')


# ----------------------------------------------------------------------------- with evaluation


def test_an_enum_value_on_a_lead_compares_by_its_value() -> None:
    rules = compiles('+5 when tier = "gold"', {"tier": Tier})
    assert rules.evaluate({"tier": Tier.GOLD}, now=NOW).score == 5


# ----------------------------------------------------------------------------- dogfooding


@attrs.frozen
class Generated:
    email: str | None
    company_size: int | None
    job_title: str | None
    signed_up: dt.date | None
    plan: Literal["free", "pro"]
    active: bool
    tags: list[str]
    address: Address
    events: list[leadrules.Event]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=rule_sources(Generated))
def test_rule_files_generated_for_a_schema_compile_against_it(source: str) -> None:
    # leadrules.strategies.rule_sources(schema) promises files that compile against schema
    leadrules.compile(source, schema=Generated)
