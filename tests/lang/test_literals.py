"""How numbers and literals are written: lang/decimal_text.py and lang/literals.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadrules.lang import ast, literals
from leadrules.lang.decimal_text import exact_number_text, number_text, signed_number_text
from leadrules.lang.literals import Kind
from leadrules.lang.parser import parse

decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None) | st.decimals(
    min_value=-(10**6), max_value=10**6, places=4
)


def _people(value: Decimal) -> str:
    """How results, explanations and the command line wrote numbers before decimal_text."""
    if value == value.to_integral_value():
        return str(int(value))
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@given(decimals)
def test_number_text_writes_numbers_as_results_always_did(value: Decimal) -> None:
    assert number_text(value) == _people(value)


def test_number_text_drops_trailing_zeros_the_exponent_and_the_sign_of_zero() -> None:
    assert number_text(Decimal("20")) == "20"
    assert number_text(Decimal("7.040")) == "7.04"
    assert number_text(Decimal("-2.50")) == "-2.5"
    assert number_text(Decimal("1E+3")) == "1000"
    assert number_text(Decimal("-0")) == "0"
    assert number_text(Decimal("-0.00")) == "0"
    assert number_text(12) == "12"
    assert number_text(Decimal("Infinity")) == "Infinity"


def test_signed_number_text_signs_what_is_not_negative() -> None:
    assert signed_number_text(Decimal("20")) == "+20"
    assert signed_number_text(Decimal("-5.0")) == "-5"
    assert signed_number_text(Decimal("-0.00")) == "+0"


@given(decimals)
def test_exact_number_text_reads_back_as_the_same_decimal(value: Decimal) -> None:
    text = exact_number_text(value)
    assert "E" not in text.upper()
    back = Decimal(text)
    assert back == value
    assert back.as_tuple() == value.as_tuple() or value.as_tuple().exponent > 0


# ------------------------------------------------------------------------------------ literals


@pytest.mark.parametrize(
    ("value", "kind", "words"),
    [
        (Decimal("5"), Kind.NUMBER, "a number"),
        ("GB", Kind.TEXT, "a text"),
        (True, Kind.BOOL, "true/false"),
        (dt.date(2026, 1, 15), Kind.DATE, "a date"),
        (dt.datetime(2026, 1, 15, tzinfo=dt.timezone.utc), Kind.DATETIME, "a date-time"),
    ],
)
def test_the_kind_of_a_literal_and_its_words(value: object, kind: Kind, words: str) -> None:
    assert literals.kind(value) is kind
    assert kind.words == words


def test_durations_and_lists_have_no_scalar_kind() -> None:
    assert literals.kind(ast.Duration(Decimal(3), "days")) is None
    assert literals.kind(ast.ListValue(("GB",))) is None


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("GB", '"GB"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("a\\b", '"a\\\\b"'),
        ("two\nlines", '"two\\nlines"'),
        ("tab\there", '"tab\\there"'),
        ("\x0c\u2028", '"\\u000c\\u2028"'),
    ],
)
def test_text_is_quoted_and_escaped_as_rules_write_it(text: str, written: str) -> None:
    assert literals.quote(text) == written
    assert literals.literal_text(text) == written
    assert literals.literal_text(text, canonical=True) == written


@settings(deadline=None)  # the first example builds the parser
@given(st.text(max_size=20))
def test_quoted_text_reads_back_as_the_same_text(text: str) -> None:
    rule = parse(f"+1 when x = {literals.quote(text)}").statements[0]
    assert isinstance(rule, ast.ScoreRule)
    assert isinstance(rule.condition, ast.Compare)
    assert rule.condition.value == text


def test_messages_and_the_formatter_write_other_literals_each_their_way() -> None:
    utc = dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.timezone.utc)
    items = ast.ListValue((Decimal("12.50"), "GB", False))
    assert literals.literal_text(Decimal("12.50")) == "12.5"
    assert literals.literal_text(Decimal("12.50"), canonical=True) == "12.50"
    assert literals.literal_text(utc) == "2026-01-15T10:00:00+00:00"
    assert literals.literal_text(utc, canonical=True) == "2026-01-15T10:00:00Z"
    assert literals.literal_text(ast.Duration(Decimal("1.0"), "days")) == "1 day"
    assert literals.literal_text(ast.Duration(Decimal("1.0"), "days"), canonical=True) == (
        "1.0 days"
    )
    assert literals.literal_text(items) == '[12.5, "GB", false]'
    assert literals.literal_text(items, canonical=True) == '[12.50, "GB", false]'
    assert literals.literal_text(3) == "3"  # a Python value, such as an int choice of a schema
