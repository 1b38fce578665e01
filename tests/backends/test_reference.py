"""Evaluation: three-valued logic, score rules, groups and clamps, stages, disqualification
(language.md §2, §3)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from helpers import truth
from hypothesis import given
from hypothesis import strategies as st
from specdata import SPEC_EXAMPLE_WITHOUT_EVENTS as SECTION_2_NO_EVENTS

import leadrules

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
GUIDE = "+20 when downloaded whitepaper; disqualify when country != 'GB'; MQL at 50"


def evaluate(rules: str, lead: Any) -> leadrules.Result:
    return leadrules.compile(rules).evaluate(lead, now=NOW)


def assert_adds_up(result: leadrules.Result) -> None:
    assert isinstance(result.score, Decimal)
    assert sum((c.points for c in result.contributions), Decimal(0)) == result.score


# ------------------------------------------------------------------------- the guiding example


def test_guiding_example_scores_and_stays_below_mql() -> None:
    result = evaluate(GUIDE, {"downloaded_whitepaper": True, "country": "GB"})
    assert result.score == 20
    assert not result.disqualified
    assert result.stage is None
    assert not result.qualified
    assert result.next_stage == "MQL"
    assert result.points_to_next_stage == 30
    assert result.undecided == ()
    assert_adds_up(result)


def test_guiding_example_disqualifies_outside_gb() -> None:
    result = evaluate(GUIDE, {"downloaded_whitepaper": "yes", "country": "US"})
    assert result.score == 20
    assert result.disqualified
    assert len(result.disqualifications) == 1
    assert result.disqualifications[0].line == 1
    assert result.stage is None
    assert not result.qualified


def test_guiding_example_messy_data() -> None:
    result = evaluate(GUIDE, {"Downloaded Whitepaper": "no", "Country": " gb "})
    assert result.score == 0
    assert not result.disqualified
    assert result.contributions == ()


def test_guiding_example_missing_country_is_undecided() -> None:
    result = evaluate(GUIDE, {"downloaded_whitepaper": True})
    assert not result.disqualified
    assert len(result.undecided) == 1
    assert result.undecided[0].missing == ("country",)
    assert result.undecided[0].line == 1


def test_keywords_are_case_insensitive() -> None:
    result = evaluate(
        "+20 WHEN downloaded whitepaper AND NOT spam; Disqualify When country IS NOT 'GB'\n"
        "MQL AT 10",
        {"downloaded whitepaper": True, "spam": False, "country": "GB"},
    )
    assert result.score == 20
    assert result.stage == "MQL"


# ------------------------------------------------------------------------- Kleene logic

VALUES: dict[str, bool | None] = {"T": True, "F": False, "U": None}


def _and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def _not(a: bool | None) -> bool | None:
    return None if a is None else not a


PAIRS = list(itertools.product(VALUES, repeat=2))


@pytest.mark.parametrize(("x", "y"), PAIRS, ids=[f"{x}{y}" for x, y in PAIRS])
def test_and_or_truth_tables(x: str, y: str) -> None:
    lead = {"a": VALUES[x], "b": VALUES[y]}
    assert truth("a and b", lead) is _and(VALUES[x], VALUES[y])
    assert truth("a or b", lead) is _or(VALUES[x], VALUES[y])


@pytest.mark.parametrize("x", VALUES)
def test_not_truth_table(x: str) -> None:
    assert truth("not a", {"a": VALUES[x]}) is _not(VALUES[x])
    assert truth("not not a", {"a": VALUES[x]}) is VALUES[x]


def test_spec_examples_of_kleene_logic() -> None:
    assert truth("not a", {}) is None  # not unknown is unknown
    assert truth("f and a", {"f": False}) is False  # false and unknown is false
    assert truth("a and f", {"f": False}) is False
    assert truth("t or a", {"t": True}) is True  # true or unknown is true
    assert truth("a or t", {"t": True}) is True


def test_precedence_not_and_or() -> None:
    # not > and > or: `not a and b or c` is `((not a) and b) or c`.
    lead = {"a": True, "b": True, "c": False}
    assert truth("not a and b or c", lead) is False
    assert truth("not (a and b) or c", lead) is False
    assert truth("a or b and c", {"a": True, "b": False, "c": False}) is True
    assert truth("(a or b) and c", {"a": True, "b": False, "c": False}) is False


@given(
    a=st.sampled_from([True, False, None]),
    b=st.sampled_from([True, False, None]),
    c=st.sampled_from([True, False, None]),
)
def test_de_morgan_under_missing_values(a: bool | None, b: bool | None, c: bool | None) -> None:
    lead = {"a": a, "b": b, "c": c}
    assert truth("not (a and b)", lead) is truth("not a or not b", lead)
    assert truth("not (a or b)", lead) is truth("not a and not b", lead)
    assert truth("a and (b or c)", lead) is truth("(a and b) or (a and c)", lead)


@given(
    value=st.one_of(
        st.none(),
        st.just(""),
        st.just("  "),
        st.sampled_from(["GB", " gb", "US", "ie", "50", "unknown"]),
        st.integers(-5, 60),
    )
)
def test_not_equal_is_not_equal_negated(value: Any) -> None:
    lead = {"x": value}
    for literal in ('"GB"', "50"):
        assert truth(f"x != {literal}", lead) is truth(f"not (x = {literal})", lead)


# ------------------------------------------------------------------------- score rules


def test_ungrouped_rules_add_straight_into_the_total() -> None:
    result = evaluate(
        '+20 when a\n+12.5 when b\n-10 when email ends with "@gmail.com"\n+7 when c',
        {"a": True, "b": True, "email": "x@gmail.com", "c": False},
    )
    assert result.score == Decimal("22.5")
    assert [c.points for c in result.contributions] == [20, Decimal("12.5"), -10]
    assert all(c.group is None for c in result.contributions)
    assert_adds_up(result)


def test_decimal_points_add_up_exactly() -> None:
    result = evaluate("+0.1 when a\n+0.1 when b\n+0.1 when c", {"a": 1, "b": 1, "c": 1})
    assert result.score == Decimal("0.3")
    assert_adds_up(result)


def test_label_replaces_the_source_text() -> None:
    result = evaluate(
        '-10 when email ends with "@gmail.com" as "Personal email address"\n+5 when a',
        {"email": "bob@GMAIL.com", "a": True},
    )
    labels = [c.label for c in result.contributions]
    assert labels[0] == "Personal email address"
    assert "a" in labels[1]


def test_definitions_are_usable_and_named() -> None:
    rules = (
        r"define decision maker as job title matches /\b(chief|vp|head|director)\b/i" + "\n"
        "define enterprise as company size >= 1000\n"
        "+20 when decision maker\n"
        "+10 when enterprise and not decision maker\n"
        "SQL at 20 when decision maker\n"
    )
    vp = evaluate(rules, {"job title": "VP Sales", "company size": 5000})
    assert vp.score == 20
    assert vp.stage == "SQL"
    assert "decision maker" in vp.contributions[0].label
    dev = evaluate(rules, {"job title": "Developer", "company size": 5000})
    assert dev.score == 10
    assert dev.stage is None


def test_definition_takes_precedence_over_a_field_of_the_same_name() -> None:
    rules = "define vip as spend > 100\n+10 when vip"
    assert evaluate(rules, {"vip": True, "spend": 5}).score == 0
    assert evaluate(rules, {"vip": False, "spend": 500}).score == 10


# ------------------------------------------------------------------------- groups


GROUPS = """\
group fit max 50:
    +30 when a
    +30 when b
group penalties min -10:
    -20 when spam
    -5 when free email
+5 when c
"""


def _clamp_contributions(result: leadrules.Result, group: str, points: Decimal) -> list[Any]:
    return [c for c in result.contributions if c.group == group and c.points == points]


def test_group_max_clamps_and_shows_the_clamp() -> None:
    result = evaluate(GROUPS, {"a": True, "b": True, "c": True})
    assert result.groups["fit"] == 50
    assert result.groups["penalties"] == 0
    assert result.score == 55
    clamp = _clamp_contributions(result, "fit", Decimal(-10))
    assert len(clamp) == 1
    assert clamp[0].line == 1
    assert_adds_up(result)
    fit = [c.points for c in result.contributions if c.group == "fit"]
    assert sum(fit) == result.groups["fit"]


def test_group_below_max_is_not_clamped() -> None:
    result = evaluate(GROUPS, {"a": True, "b": False})
    assert result.groups["fit"] == 30
    assert [c.points for c in result.contributions if c.group == "fit"] == [30]


def test_group_min_clamps_and_shows_the_clamp() -> None:
    result = evaluate(GROUPS, {"spam": True, "free email": True})
    assert result.groups["penalties"] == -10
    assert result.score == -10
    assert len(_clamp_contributions(result, "penalties", Decimal(15))) == 1
    assert_adds_up(result)


def test_group_at_exactly_its_max_is_not_clamped() -> None:
    result = evaluate("group g max 30:\n    +30 when a\n", {"a": True})
    assert result.groups["g"] == 30
    assert len(result.contributions) == 1


def test_groups_lists_every_group_even_without_points() -> None:
    result = evaluate(GROUPS, {})
    assert dict(result.groups) == {"fit": 0, "penalties": 0}
    assert result.score == 0


def test_total_is_clamped_groups_plus_loose_rules() -> None:
    result = evaluate(GROUPS, {"a": True, "b": True, "spam": True, "free email": True, "c": 1})
    assert result.score == 50 + (-10) + 5
    assert_adds_up(result)


def test_quoted_group_name_and_both_limits() -> None:
    result = evaluate(
        'group "Product fit" max 20 min 0:\n    +15 when a\n    +15 when b\n    -40 when c\n',
        {"a": True, "b": True},
    )
    assert result.groups["Product fit"] == 20
    result = evaluate(
        'group "Product fit" max 20 min 0:\n    +15 when a\n    +15 when b\n    -40 when c\n',
        {"a": True, "c": True},
    )
    assert result.groups["Product fit"] == 0
    assert_adds_up(result)


def test_contribution_positions_inside_groups() -> None:
    result = evaluate(GROUPS, {"b": True, "c": True})
    by_line = {c.line: c for c in result.contributions}
    assert set(by_line) == {3, 7}
    assert by_line[3].column == 5
    assert by_line[3].group == "fit"
    assert by_line[7].column == 1
    assert by_line[7].group is None


# ------------------------------------------------------------------------- stages


STAGES = """\
+40 when a
+30 when b
+20 when c
MQL at 50
SQL at 80 when requested demo or booked call
"""


@pytest.mark.parametrize(
    ("lead", "score", "stage", "next_stage", "to_next"),
    [
        ({}, 0, None, "MQL", 50),
        ({"a": 1}, 40, None, "MQL", 10),
        ({"a": 1, "c": 1}, 60, "MQL", "SQL", 20),
        ({"a": 1, "b": 1}, 70, "MQL", "SQL", 10),
        ({"a": 1, "b": 1, "c": 1, "requested demo": True}, 90, "SQL", None, None),
        ({"a": 1, "b": 1, "c": 1, "booked call": "yes"}, 90, "SQL", None, None),
    ],
)
def test_stages(
    lead: dict[str, Any], score: int, stage: str | None, next_stage: str | None, to_next: Any
) -> None:
    result = evaluate(STAGES, lead)
    assert result.score == score
    assert result.stage == stage
    assert result.qualified is (stage is not None)
    assert result.next_stage == next_stage
    assert result.points_to_next_stage == to_next


def test_stage_threshold_is_inclusive() -> None:
    result = evaluate("+50 when a\nMQL at 50", {"a": True})
    assert result.stage == "MQL"
    assert result.next_stage is None


def test_stage_condition_blocks_the_stage() -> None:
    result = evaluate(STAGES, {"a": 1, "b": 1, "c": 1, "requested demo": False})
    assert result.score == 90
    assert result.stage == "MQL"
    assert result.next_stage == "SQL"


def test_unknown_stage_condition_does_not_reach_the_stage() -> None:
    result = evaluate("+90 when a\nMQL at 50\nSQL at 80 when requested demo", {"a": True})
    assert result.stage == "MQL"


def test_highest_stage_wins_whatever_the_order_written() -> None:
    rules = '"Sales Ready" at 80\nMQL at 50\nLead at 10\n+60 when a\n+30 when b'
    assert evaluate(rules, {"a": 1, "b": 1}).stage == "Sales Ready"
    assert evaluate(rules, {"a": 1}).stage == "MQL"
    assert evaluate(rules, {"b": 1}).stage == "Lead"
    result = evaluate(rules, {"b": 1})
    assert result.next_stage == "MQL"
    assert result.points_to_next_stage == 20


def test_disqualified_lead_has_no_stage_and_lists_every_reason() -> None:
    rules = (
        "+100 when a\nMQL at 50\n"
        'disqualify when country not in ["GB", "IE"] because "We only sell in the UK and Ireland"\n'
        'disqualify when email ends with "@competitor.com"\n'
        "disqualify when spam\n"
    )
    result = evaluate(rules, {"a": 1, "country": "US", "email": "x@competitor.com", "spam": 0})
    assert result.score == 100
    assert result.disqualified
    assert result.stage is None
    assert not result.qualified
    assert [d.line for d in result.disqualifications] == [3, 4]
    assert result.disqualifications[0].reason == "We only sell in the UK and Ireland"
    assert "competitor.com" in result.disqualifications[1].reason
    assert all(d.column == 1 for d in result.disqualifications)


def test_not_disqualified_when_every_disqualify_rule_is_false() -> None:
    rules = '+100 when a\nMQL at 50\ndisqualify when country != "GB"'
    result = evaluate(rules, {"a": 1, "country": "gb"})
    assert not result.disqualified
    assert result.disqualifications == ()
    assert result.stage == "MQL"
    assert result.qualified


# ------------------------------------------------------------------------- the §2 example


def test_section_2_example_without_events() -> None:
    lead = {
        "Job Title": "Head of Marketing",
        "Company Size": "320",
        "Industry": "Software",
        "Email": "jo@acme.io",
        "Country": "IE",
        "downloaded_whitepaper": "TRUE",
        "requested_demo": True,
    }
    result = evaluate(SECTION_2_NO_EVENTS, lead)
    assert dict(result.groups) == {"fit": 45, "engagement": 50}
    assert result.score == 95
    assert result.stage == "SQL"
    assert result.qualified
    assert result.next_stage is None
    assert result.points_to_next_stage is None
    assert_adds_up(result)
