"""The one vocabulary of lead values (docs/language.md §8): yes-words, no-words, missing-words,
the number grammar (separators, money, multipliers) and the date grammar (ISO, numeric dates in
the order the rules set, month names, epoch seconds), each word and form checked where a user
meets it: in a rule's outcome, and in the converters every backend reproduces.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from helpers import truth

import leadrules
from leadrules.runtime import values
from leadrules.runtime.dates import two_digit_year

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

YES_WORDS = ["true", "t", "yes", "y", "on", "1", "checked", "✓", "✔"]
NO_WORDS = ["false", "f", "no", "n", "off", "0", "unchecked", "✗", "✘"]
MISSING_WORDS = [
    "", "n/a", "#n/a", "none", "null", "nil", "nan", "-", "--", "—", "(none)", "(blank)",
    "undefined",
]  # fmt: skip


def spellings(word: str) -> list[str]:
    """The word as exports write it: as is, upper case, capitalised, padded with spaces."""
    return list(dict.fromkeys([word, word.upper(), word.capitalize(), f"  {word} \t"]))


def test_the_documented_words_are_the_library_s() -> None:
    assert set(YES_WORDS) == values.YES_WORDS
    assert set(NO_WORDS) == values.NO_WORDS
    assert set(MISSING_WORDS) == values.MISSING_WORDS


@pytest.mark.parametrize("word", YES_WORDS)
def test_every_yes_word_in_any_case_is_yes(word: str) -> None:
    for text in spellings(word):
        assert truth("subscribed", {"subscribed": text}) is True, text


@pytest.mark.parametrize("word", NO_WORDS)
def test_every_no_word_in_any_case_is_no(word: str) -> None:
    for text in spellings(word):
        assert truth("subscribed", {"subscribed": text}) is False, text
        assert truth("not subscribed", {"subscribed": text}) is True, text


@pytest.mark.parametrize("word", MISSING_WORDS)
def test_every_missing_word_is_missing_wherever_a_value_is_read(word: str) -> None:
    for text in spellings(word):
        lead = {"x": text}
        assert values.is_missing(text), text
        assert truth("x", lead) is None  # a bare fact
        assert truth("x = 'gb'", lead) is None  # a comparison
        assert truth("x > 5", lead) is None
        assert truth("x contains 'a'", lead) is None
        assert truth("x matches /./", lead) is None
        assert truth("x signed up within 30 days", {"x signed up": text}) is None
        assert truth("x is missing", lead) is True
        assert truth("x is present", lead) is False
        result = leadrules.evaluate("+1 when x\n+1 when x > 5", lead, now=NOW)
        assert result.warnings == (), text  # missing is not unreadable: nothing to warn about
        assert [u.missing for u in result.undecided] == [("x",), ("x",)]


@pytest.mark.parametrize("word", ["n/a", "null", "-"])
def test_a_missing_word_in_an_event_is_missing_too(word: str) -> None:
    lead = {
        "events": [
            {"name": "attended webinar", "at": word, "properties": {"topic": "AI"}},
            {"name": "opened email", "at": "2026-02-20", "properties": {"topic": word}},
        ]
    }
    # the webinar has no time: within a window it may or may not count
    assert truth("attended webinar within 30 days", lead, NOW) is None
    assert truth("attended webinar", lead, NOW) is True  # it happened, whenever it did
    assert truth('opened email where topic = "ai"', lead, NOW) is None
    assert truth("opened email where topic is missing", lead, NOW) is True


def test_na_is_not_missing_it_is_a_country() -> None:
    assert not values.is_missing("NA")
    assert truth('country = "NA"', {"country": "NA"}) is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.0", False),
        ("-0", False),
        ("0e5", False),
        ("$0", False),
        ("2", True),
        ("0.5", True),
        ("-3", True),
        ("1,200", True),
        ("$2.5M", True),
        ("2026-01-15", True),  # a date: it happened then
        ("Jan 20, 2026", True),
        ("3/4/2026", True),
    ],
)
def test_numbers_are_yes_unless_zero_and_dates_are_yes(text: str, expected: bool) -> None:
    assert truth("subscribed", {"subscribed": text}) is expected
    assert truth("subscribed", {"subscribed": float(expected)}) is expected


@pytest.mark.parametrize("text", ["maybe", "x", "Webinar XYZ", "13/13/2026", "12.5%"])
def test_other_text_in_a_bare_fact_is_unknown_with_a_warning(text: str) -> None:
    result = leadrules.evaluate("+5 when subscribed", {"subscribed": text}, now=NOW)
    assert result.score == 0
    assert result.undecided[0].reasons == (f"subscribed: could not read {text!r} as yes or no",)
    assert result.warnings == (f"line 1: subscribed: could not read {text!r} as yes or no",)


# ----------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1200", "1200"),
        (" 12.5 ", "12.5"),
        (".5", "0.5"),
        ("-3", "-3"),
        ("+3", "3"),
        ("1e6", "1000000"),
        ("1,200", "1200"),
        ("12,500.50", "12500.50"),
        ("10_000", "10000"),
        ("$2,500", "2500"),
        ("$ 2,500", "2500"),
        ("€1,200", "1200"),
        ("£1.2m", "1200000"),
        ("$2.5M", "2500000"),
        ("US$ 40k", "40000"),
        ("¥5000", "5000"),
        ("₹ 3 lakh"[:3], "3"),  # "₹ 3"
        ("500k", "500000"),
        ("500K", "500000"),
        ("2.5 MM", "2500000"),
        ("4mn", "4000000"),
        ("1.5bn", "1500000000"),
        ("2B", "2000000000"),
        ("3 million", "3000000"),
        ("12 thousand", "12000"),
        ("1200 EUR", "1200"),
        ("EUR 1,200", "1200"),
        ("gbp500", "500"),
        ("1200usd", "1200"),
        ("-$1,200", "-1200"),
        ("$-1,200", "-1200"),
        ("(1,200)", "-1200"),
        ("($2.5k)", "-2500"),
    ],
)
def test_numbers_and_amounts_as_exports_write_them(text: str, number: str) -> None:
    assert values.to_number(text) == Decimal(number)
    assert truth(f"budget = {number}", {"budget": text}) is True


@pytest.mark.parametrize(
    "text",
    [
        "12.5%", "1.200,50", "about 20", "20 people", "$", "k", "1,20", "1,2000", "$$5",
        "$5 USD", "--5", "(-5)", "5 months", "5kg", "1 2", "١٢",
    ],
)  # fmt: skip
def test_text_that_is_not_a_number_is_unreadable(text: str) -> None:
    assert isinstance(values.to_number(text), values.Problem)
    result = leadrules.evaluate("+1 when budget > 5", {"budget": text}, now=NOW)
    assert result.undecided and result.warnings


def test_money_reads_the_amount_and_converts_no_currency() -> None:
    rules = leadrules.compile("+10 when budget >= 10000\nMQL at 10")
    for budget in ("$10k", "€10,000", "10000 GBP", "¥10k"):
        assert rules.evaluate({"budget": budget}, NOW).stage == "MQL", budget
    assert rules.evaluate({"budget": "$9.99k"}, NOW).stage is None


# ----------------------------------------------------------------------------- dates


def at(*parts: int, tz: dt.tzinfo = UTC) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=tz)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-01-20", at(2026, 1, 20)),
        ("2026/01/20", at(2026, 1, 20)),
        ("2026.1.5", at(2026, 1, 5)),
        ("20260120", at(2026, 1, 20)),
        ("2026-01-20T09:30", at(2026, 1, 20, 9, 30)),
        ("2026-01-20 09:30:15", at(2026, 1, 20, 9, 30, 15)),
        ("2026-01-20T09:30:15.25Z", at(2026, 1, 20, 9, 30, 15, 250000)),
        ("2026-01-20T09:30:15.1234567Z", at(2026, 1, 20, 9, 30, 15, 123456)),
        ("2026-01-20T09:30+02:00", at(2026, 1, 20, 7, 30)),
        ("2026-01-20T09:30-0500", at(2026, 1, 20, 14, 30)),
        ("2026-01-20 09:30 +01", at(2026, 1, 20, 8, 30)),
        ("2026-01-20 09:30 UTC", at(2026, 1, 20, 9, 30)),
        ("20260120T0930", at(2026, 1, 20, 9, 30)),
        ("3/4/2026", at(2026, 3, 4)),  # month first unless day first is asked for
        ("03-04-2026 14:05", at(2026, 3, 4, 14, 5)),
        ("3.4.26", at(2026, 3, 4)),
        ("12/31/99", at(1999, 12, 31)),
        ("3/4/2026 10:00 PM", at(2026, 3, 4, 22, 0)),
        ("3/4/2026 12:00 am", at(2026, 3, 4, 0, 0)),
        ("20 January 2026", at(2026, 1, 20)),
        ("20-Jan-2026", at(2026, 1, 20)),
        ("20th January 2026", at(2026, 1, 20)),
        ("Jan 20, 2026", at(2026, 1, 20)),
        ("January 20 2026 10:00", at(2026, 1, 20, 10, 0)),
        ("Sept 3, 2026", at(2026, 9, 3)),
        ("Tuesday, 20 Jan 2026 10:00:00 GMT", at(2026, 1, 20, 10, 0)),
        ("Tue, 03 Nov 2026 10:00:00 +0100", at(2026, 11, 3, 9, 0)),
        ("1763600000", at(2025, 11, 20, 0, 53, 20)),
        ("1763600000.5", at(2025, 11, 20, 0, 53, 20, 500000)),
    ],
)
def test_dates_as_exports_write_them(text: str, moment: dt.datetime) -> None:
    assert values.to_datetime(text) == moment


@pytest.mark.parametrize(
    "text",
    [
        "2026-01", "May", "2026", "Monday", "12:30", "2026-W03", "2026-015",
        "2026-01-15T23:59:60Z", "2026-01-15T24:00", "2026-02-30", "13/04/2026", "3/4/2026 13 PM",
        "next week", "yesterday", "2026-01-20T09:30 EST", "20 Janvier 2026", "2026-13-01",
        "0000-01-01", "3//4/2026",
    ],
)  # fmt: skip
def test_text_that_names_no_whole_moment_is_unreadable(text: str) -> None:
    assert isinstance(values.to_datetime(text), values.Problem)
    result = leadrules.evaluate("+1 when signed up within 30 days", {"signed up": text}, now=NOW)
    assert result.undecided and result.warnings


def test_two_digit_years_pivot_at_68() -> None:
    assert [two_digit_year(y) for y in (0, 26, 68, 69, 99)] == [2000, 2026, 2068, 1969, 1999]


def test_an_ambiguous_date_is_read_in_the_order_the_rules_are_compiled_with() -> None:
    source = "+10 when renewal date = 2026-04-03\nMQL at 10"
    us = leadrules.compile(source)
    eu = leadrules.compile(source, dayfirst=True)
    assert (us.dayfirst, eu.dayfirst) == (False, True)
    lead = {"renewal date": "03/04/2026"}
    assert us.evaluate(lead, NOW).stage is None  # 4 March
    assert eu.evaluate(lead, NOW).stage == "MQL"  # 3 April
    # Never swapped to make a date fit: 13/04/2026 is unreadable month first.
    unreadable = us.evaluate({"renewal date": "04/13/2026"}, NOW)
    assert eu.evaluate({"renewal date": "04/13/2026"}, NOW).warnings
    assert us.evaluate({"renewal date": "13/04/2026"}, NOW).warnings
    assert not unreadable.warnings and unreadable.score == 0
    assert eu.evaluate({"renewal date": "13/04/2026"}, NOW).score == 0  # 13 April != 3 April


@pytest.mark.parametrize("backend", ["reference", "compiled"])
def test_day_first_reaches_windows_and_events_on_every_backend(backend: str) -> None:
    source = (
        "+10 when signed up since 2026-02-01\n"
        "+5 per opened email within 30 days\n"
        "+1 when renewal date > 2026-02-10\n"
    )
    rules = leadrules.compile(source, backend=backend, dayfirst=True)
    lead: dict[str, Any] = {
        "signed up": "05/02/2026",  # 5 February
        "renewal date": "11/02/2026 09:00",  # 11 February
        "events": [
            {"name": "opened email", "at": "20/02/2026"},
            {"name": "opened email", "at": "28/01/2026"},  # 28 January: more than 30 days
            {"name": "opened email", "at": "02/20/2026"},  # unreadable day first: no time
        ],
    }
    result = rules.evaluate(lead, NOW)
    assert [c.points for c in result.contributions] == [10, 5, 1]
    assert any("could not read '02/20/2026' as a time" in w for w in result.warnings)


def test_day_first_must_be_a_yes_or_no() -> None:
    with pytest.raises(leadrules.InvalidArgument, match="dayfirst must be True or False"):
        leadrules.compile("+1 when a", dayfirst="yes")  # type: ignore[arg-type]
