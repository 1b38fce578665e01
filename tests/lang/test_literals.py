"""How numbers and literals are written: lang/decimal_text.py and lang/literals.py."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from leadrules.lang.decimal_text import exact_number_text, number_text, signed_number_text

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
