"""Missing values and messy data (language.md, "Missing data" and "Messy data").

Missing = absent, None or a blank string. Text comparisons ignore case and surrounding space.
Text is converted to numbers and dates when compared with them; a value that cannot be converted
makes the comparison unknown and adds a warning, never an exception. Naive date-times are UTC.
Booleans arrive as text from CSV exports.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from helpers import truth

import leadrules
from leadrules.runtime import values

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def evaluate(rules: str, lead: Any) -> leadrules.Result:
    return leadrules.compile(rules).evaluate(lead, now=NOW)


# ------------------------------------------------------------------------- missing


MISSING_LEADS = [{}, {"budget": None}, {"budget": ""}, {"budget": "   "}, {"budget": "\t\n"}]


@pytest.mark.parametrize("lead", MISSING_LEADS, ids=["absent", "None", "empty", "spaces", "ws"])
def test_missing_values(lead: dict[str, Any]) -> None:
    assert truth("budget is missing", lead) is True
    assert truth("budget is present", lead) is False
    assert truth("budget is not missing", lead) is False
    for condition in (
        "budget > 100",
        "budget <= 100",
        'budget = "x"',
        'budget != "x"',
        'budget in ["a", "b"]',
        'budget not in ["a", "b"]',
        "budget between 1 and 10",
        'budget contains "a"',
        'budget starts with "a"',
        'budget ends with "a"',
        "budget matches /a/",
        "budget",
        "not budget",
    ):
        assert truth(condition, lead) is None, condition


@pytest.mark.parametrize("value", [0, False, "0", "no", [], "x"])
def test_present_values_are_not_missing(value: Any) -> None:
    assert truth("budget is present", {"budget": value}) is True
    assert truth("budget is missing", {"budget": value}) is False


def test_a_rule_fires_only_when_true() -> None:
    rules = "+10 when budget > 100\n+5 when not (budget > 100)\n"
    assert evaluate(rules, {"budget": 500}).score == 10
    assert evaluate(rules, {"budget": 50}).score == 5
    # Unknown: neither the rule nor its negation fires.
    assert evaluate(rules, {"budget": None}).score == 0


def test_unknown_disqualify_does_not_disqualify_and_names_the_field() -> None:
    result = evaluate(
        'disqualify when country not in ["GB", "IE"] because "UK and Ireland only"\nMQL at 0',
        {"country": None},
    )
    assert not result.disqualified
    assert result.disqualifications == ()
    assert result.stage == "MQL"
    assert result.qualified
    assert len(result.undecided) == 1
    assert "country" in result.undecided[0].missing


def test_undecided_names_every_missing_field() -> None:
    result = evaluate('disqualify when country = "US" and company size < 10', {})
    assert len(result.undecided) == 1
    assert set(result.undecided[0].missing) == {"country", "company size"}


def test_undecided_score_rules_are_listed_too() -> None:
    result = evaluate("+10 when budget > 100\n+5 when country = 'GB'", {"country": "GB"})
    assert result.score == 5
    assert [u.line for u in result.undecided] == [1]
    assert "budget" in result.undecided[0].missing


def test_not_equal_is_not_of_equal_when_missing() -> None:
    # `x != v` is exactly `not (x = v)`: unknown when x is missing, never true.
    for lead in MISSING_LEADS:
        assert truth('country != "GB"', lead) is None
        assert truth('not (country = "GB")', lead) is None
        assert truth('country is not "GB"', lead) is None


# ------------------------------------------------------------------------- text


@pytest.mark.parametrize("value", ["GB", "gb", " Gb ", "\tGB\n"])
def test_text_equality_ignores_case_and_surrounding_space(value: str) -> None:
    lead = {"country": value}
    assert truth('country = "GB"', lead) is True
    assert truth("country == 'gb'", lead) is True
    assert truth('country is " gb"', lead) is True
    assert truth('country != "GB"', lead) is False
    assert truth('country in ["IE", "GB"]', lead) is True
    assert truth('country not in ["ie", "gb"]', lead) is False


def test_text_operators_ignore_case_and_surrounding_space() -> None:
    lead = {"email": "  Ann.Smith@Gmail.COM ", "job title": " Head of Growth "}
    assert truth('email ends with "@gmail.com"', lead) is True
    assert truth('email starts with "ann."', lead) is True
    assert truth('email contains "SMITH"', lead) is True
    assert truth('job title starts with "head"', lead) is True
    assert truth('job title ends with "GROWTH"', lead) is True
    assert truth('email ends with "@competitor.com"', lead) is False


def test_inner_space_is_not_ignored() -> None:
    assert truth('country = "United Kingdom"', {"country": "United  Kingdom"}) is False
    assert truth('country = "United Kingdom"', {"country": " united kingdom "}) is True


def test_matches_with_and_without_ignore_case() -> None:
    lead = {"job title": "VP of Marketing"}
    assert truth(r"job title matches /\b(chief|vp|head|director)\b/i", lead) is True
    assert truth(r"job title matches /\bvp\b/", lead) is False
    assert truth(r"job title matches /\bVP\b/", lead) is True
    assert truth(r"job title matches /\bvp\b/i", {"job title": "Developer"}) is False


def test_catastrophic_pattern_returns_promptly() -> None:
    # (a+)+$ against a long run of a's and a final ! takes exponential time on a backtracking
    # engine; the library must still answer (no timing assertion: the test would hang).
    rules = leadrules.compile("+10 when job title matches /(a+)+$/")
    assert rules.evaluate({"job title": "a" * 40 + "!"}, now=NOW).score == 0
    assert rules.evaluate({"job title": "aaaa"}, now=NOW).score == 10


# ------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("value", [50, 50.0, Decimal("50"), "50", " 50 ", "50.0"])
def test_numbers_as_text_compare_as_numbers(value: Any) -> None:
    lead = {"company size": value}
    assert truth("company size >= 50", lead) is True
    assert truth("company size = 50", lead) is True
    assert truth("company size > 50", lead) is False
    assert truth("company size < 100", lead) is True
    assert truth("company size between 50 and 5000", lead) is True


def test_numeric_text_is_not_compared_as_text() -> None:
    # As text "9" > "10"; as numbers it is not.
    assert truth("company size > 10", {"company size": "9"}) is False
    assert truth("company size < 10", {"company size": " 9 "}) is True


def test_padded_number_text() -> None:
    lead = {"score": " 75 "}
    assert truth("score = 75", lead) is True
    assert truth("score between 70 and 80", lead) is True
    assert truth("score >= 75.5", lead) is False


def test_between_is_inclusive() -> None:
    for value, expected in [(49, False), (50, True), (5000, True), (5001, False)]:
        assert truth("company size between 50 and 5000", {"company size": value}) is expected


def test_decimal_literals_and_underscores() -> None:
    assert truth("revenue >= 10_000", {"revenue": "10000"}) is True
    assert truth("revenue >= 10_000", {"revenue": 9999.99}) is False
    assert truth("ratio > 0.25", {"ratio": "0.3"}) is True


def test_number_membership_with_text_values() -> None:
    assert truth("seats in [10, 20, 50]", {"seats": "20"}) is True
    assert truth("seats in [10, 20, 50]", {"seats": 21}) is False


@pytest.mark.parametrize("value", ["unknown", "lots", "12 people", "12.5%", "1.200,50"])
def test_unconvertible_number_is_unknown_with_a_warning(value: str) -> None:
    result = evaluate(
        "+10 when company size >= 50\ndisqualify when company size < 5\n+1 when country = 'GB'",
        {"company size": value, "country": "GB"},
    )
    assert result.score == 1
    assert not result.disqualified
    assert len(result.undecided) == 2
    assert result.warnings
    assert all(isinstance(w, str) for w in result.warnings)
    assert any("company size" in w.lower() for w in result.warnings)


def test_unconvertible_value_never_raises() -> None:
    odd_values: list[Any] = [object(), {"a": 1}, [1, 2], b"bytes", float("nan"), float("inf")]
    rules = leadrules.compile(
        "+1 when x > 5\n+1 when x = 2026-01-01\n+1 when x contains 'a'\n"
        "+1 when x matches /a/\n+1 when x\n+1 when x = 'a'\n+1 when x between 1 and 2"
    )
    for value in odd_values:
        result = rules.evaluate({"x": value}, now=NOW)
        assert sum(c.points for c in result.contributions) == result.score


# ------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-20",
        " 2026-01-20 ",
        "2026-01-20T09:30:00Z",
        "20 January 2026",
        "Jan 20, 2026",
        dt.date(2026, 1, 20),
        dt.datetime(2026, 1, 20, 9, 30, tzinfo=UTC),
    ],
)
def test_dates_as_text_compare_as_dates(value: Any) -> None:
    lead = {"signup date": value}
    assert truth("signup date > 2026-01-15", lead) is True
    assert truth("signup date < 2026-02-01", lead) is True
    assert truth("signup date >= 2026-01-21", lead) is False
    assert truth("signup date between 2026-01-01 and 2026-01-31", lead) is True


def test_date_equality_by_calendar_day() -> None:
    assert truth("signup date = 2026-01-20", {"signup date": "2026-01-20"}) is True
    assert truth("signup date = 2026-01-20", {"signup date": dt.date(2026, 1, 21)}) is False


def test_unreadable_date_is_unknown_with_a_warning() -> None:
    result = evaluate("+10 when signup date > 2026-01-15", {"signup date": "last Tuesday-ish"})
    assert result.score == 0
    assert len(result.undecided) == 1
    assert any("signup date" in w.lower() for w in result.warnings)


def test_datetime_literals_compare_to_the_instant() -> None:
    lead = {"last login": "2026-01-15T10:00:00+02:00"}  # 08:00 UTC
    assert truth("last login > 2026-01-15T07:59:00Z", lead) is True
    assert truth("last login < 2026-01-15T08:01:00Z", lead) is True
    assert truth("last login = 2026-01-15T08:00:00Z", lead) is True


@pytest.mark.usefixtures("far_from_utc")
def test_naive_datetimes_are_utc() -> None:
    naive = dt.datetime(2026, 1, 15, 0, 30)  # 00:30 UTC, whatever the machine's zone
    lead = {"last login": naive}
    assert truth("last login > 2026-01-15T00:00:00Z", lead) is True
    assert truth("last login < 2026-01-15T01:00:00Z", lead) is True
    # 01:00+01:00 is 00:00 UTC: the naive 00:30 comes after it.
    assert truth("last login > 2026-01-15T01:00:00+01:00", lead) is True
    # Naive text too.
    assert truth("last login < 2026-01-15T01:00:00Z", {"last login": "2026-01-15T00:30:00"})


# ------------------------------------------------------------------------- yes/no


@pytest.mark.parametrize("text", ["false", "FALSE", "False", "no", "No", "off", "OFF", "0", " no "])
def test_false_words(text: str) -> None:
    assert truth("subscribed", {"subscribed": text}) is False
    assert truth("not subscribed", {"subscribed": text}) is True
    assert evaluate("+10 when subscribed", {"subscribed": text}).score == 0


@pytest.mark.parametrize("text", ["true", "yes", "YES", "on", "1", "y", "T", "checked"])
def test_yes_words_are_true(text: str) -> None:
    assert truth("subscribed", {"subscribed": text}) is True
    assert evaluate("+10 when subscribed", {"subscribed": text}).score == 10


@pytest.mark.parametrize("text", ["x", "maybe", "subscribed", "Webinar (Q3)"])
def test_other_text_is_not_read_as_yes(text: str) -> None:
    """Text that is no yes/no word, number or date cannot be read as yes or no: the fact is
    unknown and the result says why (it used to count as yes)."""
    result = evaluate("+10 when subscribed", {"subscribed": text})
    assert result.score == 0
    assert result.undecided
    assert result.warnings == (f"line 1: subscribed: could not read {text!r} as yes or no",)


@pytest.mark.parametrize("text", ["n", "F", "N", "f"])
def test_single_letters_n_and_f_are_no(text: str) -> None:
    assert truth("subscribed", {"subscribed": text}) is False


@pytest.mark.parametrize("text", ["", "   "])
def test_blank_text_fact_is_missing(text: str) -> None:
    assert truth("subscribed", {"subscribed": text}) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), (1, True), (0, False), (None, None)],
)
def test_bare_fact_on_python_values(value: Any, expected: bool | None) -> None:
    assert truth("subscribed", {"subscribed": value}) is expected


@pytest.mark.parametrize(("text", "expected"), [("yes", True), ("no", False), ("TRUE", True)])
def test_comparison_with_true_false_literals(text: str, expected: bool) -> None:
    assert truth("subscribed = true", {"subscribed": text}) is expected
    assert truth("subscribed = false", {"subscribed": text}) is (not expected)


# ------------------------------------------------- dates must not depend on the clock


@pytest.mark.parametrize("text", ["12:30", "Monday", "may", "next week", "Q3"])
def test_text_that_is_not_a_whole_date_is_unreadable_not_filled_in_from_today(text: str) -> None:
    # dateutil would fill the missing parts from today's date, so the result would change
    # with the machine's clock; leadrules must depend only on `now`.
    assert isinstance(values.to_datetime(text), values.Problem)
    result = leadrules.evaluate(
        "+10 when signed up within 30 days", {"signed_up": text}, now=NOW_FOR_DATES
    )
    assert result.score == 0
    assert result.undecided and result.warnings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jan 5, 2026", dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)),
        ("2026-01-15 10:00", dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.timezone.utc)),
        ("20260115", dt.datetime(2026, 1, 15, tzinfo=dt.timezone.utc)),
        # Text that is only a number is epoch seconds, like a number is.
        ("1763600000", dt.datetime(2025, 11, 20, 0, 53, 20, tzinfo=dt.timezone.utc)),
    ],
)
def test_whole_dates_and_epoch_seconds_in_text_are_read(text: str, expected: dt.datetime) -> None:
    assert values.to_datetime(text) == expected


NOW_FOR_DATES = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
