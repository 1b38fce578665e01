"""Typed fast paths of the compiled backend: lead values of the classes data really comes in
(JSON floats, number text from a CSV, yes/no text) read cheaply for the generated code's
inline tests, without changing what any test decides.

- :func:`number_value` gives the number a value stands for, as an ``int`` when it is exactly
  one, else a ``float`` close to it, or None where the generated code must ask the medium test
  (missing, unreadable, out of the plain range): the reference reads every value with
  :func:`leadrules.runtime.values.to_number`, and these readings only ever stand in for it
  where a comparison cannot come out otherwise.
- A comparison of a float with a rule's number ``T`` is decided by the float alone outside a
  narrow *band* around ``T`` (:func:`band`): reading a float as the reference does (its
  shortest repr as a Decimal, then any rounding of the reading) moves it by far less than the
  band's half-width, and it is monotonic, so on either side of the band the float's order
  with ``T`` is the reading's. Inside the band the medium test decides, exactly.
- :data:`YES_NO` holds the common spellings of yes and no (``true``, ``Yes``, ``FALSE``,
  ``1``...) with the truth :func:`leadrules.runtime.values.to_bool` gives them; any other text
  is decided by the medium test.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from ...runtime.values import NO_WORDS, YES_WORDS, Problem, is_missing, to_bool, to_number

__all__ = ["FLOAT_RANGE", "YES_NO", "band", "number_value", "unit_text"]

#: Floats whose size is within this range (or zero) are read by the reference as numbers,
#: whatever the details of its reading: a float outside it goes to the medium test.
FLOAT_RANGE: Final = (1e-20, 1e20)
_SMALL, _LARGE = FLOAT_RANGE
#: Number text of at most this many characters, in plain form (digits, one point, a leading
#: minus), is read with ``int`` or ``float``; its size is then within FLOAT_RANGE.
_PLAIN_TEXT = 19
#: Rule numbers beyond this size get no float fast path (their float could be inexact by
#: more than the band is wide).
BAND_LIMIT: Final = Decimal(10) ** 18


def band(threshold: Decimal) -> tuple[float, float] | None:
    """The floats around ``threshold`` whose comparison with it the float alone cannot
    decide: (low, high), inclusive. Half-width: ``|T| * 2**-30 + 1e-9``, many times the
    error of a float (2**-52 relative) and of reading to 12 places (5e-13). None: no fast
    path for this number (too large)."""
    if not threshold.is_finite() or abs(threshold) >= BAND_LIMIT:
        return None
    middle = float(threshold)
    width = abs(middle) * 2**-30 + 1e-9
    return middle - width, middle + width


def number_value(value: Any) -> int | float | None:
    """The number ``value`` stands for, for an inline comparison: an int when exactly a whole
    number the reference reads, a float within FLOAT_RANGE (or zero) for a float or for text
    it reads as a number, else None (the medium test decides, and warns as the reference).
    A float returned is only ever compared outside the band of the rule's number."""
    kind = value.__class__
    if kind is float:
        if _SMALL < value < _LARGE or -_LARGE < value < -_SMALL or value == 0.0:
            return value  # type: ignore[no-any-return]
        return None
    if kind is str:
        text = value.strip()
        if 0 < len(text) <= _PLAIN_TEXT and text.isascii():
            if text.isdigit():
                return int(text)
            body = text[1:] if text[0] == "-" else text
            whole, point, fraction = body.partition(".")
            if point and fraction.isdigit() and (whole.isdigit() or not whole):
                # `12.50`, `-3.5`, `.5`: the reference reads them as exactly that decimal;
                # float() is the nearest float to it.
                return float(text)
        number = to_number(value)  # any other text: the reference's own reading
        if isinstance(number, Problem) or is_missing(value):
            return None
        return _exact(number)
    if kind is int:
        number = to_number(value)
        return None if isinstance(number, Problem) else value
    return None


def _exact(number: Decimal) -> int | float | None:
    if number == number.to_integral_value():
        return int(number)
    as_float = float(number)
    if _SMALL < abs(as_float) < _LARGE:
        return as_float
    return None


def unit_text(value: Any) -> int | None:
    """Units of a `per` rule written as plain digits (``"3"``, not ``"3.0"`` or ``"+3"``):
    the int the reference reads (Decimal of the digits, exponent 0, as an int's), else None."""
    if value.__class__ is str:
        text = value.strip()
        if 0 < len(text) <= 18 and text.isascii() and text.isdigit():
            return int(text)
    return None


def _yes_no() -> dict[str, bool]:
    spellings: dict[str, bool] = {}
    for word in YES_WORDS | NO_WORDS:
        for text in {word, word.upper(), word.title(), word.capitalize()}:
            truth = to_bool(text)
            if not is_missing(text) and isinstance(truth, bool):
                spellings[text] = truth
    return spellings


#: Common spellings of yes and no, exactly as written, with the truth the reference reads.
YES_NO: Final = _yes_no()
