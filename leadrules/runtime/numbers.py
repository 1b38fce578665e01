"""Numbers written as text, read by one documented grammar (docs/language.md §8): plain numbers
as spreadsheets and CRMs export them, and amounts of money.

- a sign, digits with an optional decimal point: ``1200``, ``-3``, ``12.5``, ``.5``, ``1e6``;
- thousands separated by commas (``1,200``, ``12,500.50``) or underscores (``10_000``);
- an amount: a currency symbol (``$ £ € ¥ ₹``, also ``US$``) or a three-letter code (``USD``,
  ``EUR``, ``GBP``, ...) before or after the number, with or without a space: ``$2,500``,
  ``€1,200``, ``1200 EUR``, ``GBP 500``; the amount is read, no currency is converted;
- a multiplier after the number: ``k`` (thousand), ``m``, ``mm`` or ``mn`` (million), ``b`` or
  ``bn`` (billion), in any case, or the words ``thousand``, ``million``, ``billion``:
  ``500k``, ``$2.5M``, ``£1.2m``, ``3 million``;
- a negative amount in parentheses, as accounts write it: ``(1,200)``.

Digits are the ASCII ``0``-``9``. With a multiplier, the digits are read to 12 decimal places
before they are multiplied. Anything else — ``12.5%``, ``1.200,50``, ``about 20`` — is not a
number. A number is then read to 12 decimal places (half away from zero) and must be below
10**26 in size (see :func:`places`).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Final

__all__ = [
    "CURRENCY_CODES",
    "CURRENCY_SYMBOLS",
    "MULTIPLIERS",
    "NON_ASCII",
    "NUMBER_DIGITS",
    "NUMBER_LIMIT",
    "NUMBER_PATTERN",
    "NUMBER_PLACES",
    "PLAIN_PATTERN",
    "parse_number_text",
    "places",
]

#: Every number read from a lead is read to NUMBER_PLACES decimal places (half away from
#: zero) and must be below NUMBER_LIMIT in size: exactly what a DECIMAL(38, 12) holds, so that
#: every engine (Python, DuckDB, Spark, SQL) reads a number alike.
NUMBER_PLACES: Final = 12
NUMBER_DIGITS: Final = 26
NUMBER_LIMIT: Final = Decimal(10) ** NUMBER_DIGITS
_QUANTUM: Final = Decimal(1).scaleb(-NUMBER_PLACES)
_WIDE: Final = Context(prec=60)


def places(number: Decimal) -> Decimal | None:
    """``number`` rounded (half away from zero) to NUMBER_PLACES places when it has more;
    None when it is not finite or, once rounded, not below NUMBER_LIMIT."""
    if not number.is_finite():
        return None
    if not number.is_zero() and number.adjusted() >= NUMBER_DIGITS:
        return None
    if number.as_tuple().exponent < -NUMBER_PLACES:  # type: ignore[operator]
        number = number.quantize(_QUANTUM, ROUND_HALF_UP, context=_WIDE)
    return None if abs(number) >= NUMBER_LIMIT else number

#: Symbols an amount may carry.
CURRENCY_SYMBOLS: Final = ("us$", "$", "£", "€", "¥", "₹")
#: Three-letter codes an amount may carry (upper or lower case).
CURRENCY_CODES: Final = frozenset(
    {"usd", "eur", "gbp", "cad", "aud", "nzd", "chf", "jpy", "cny", "inr", "sek"}
    | {"nok", "dkk", "pln", "czk", "huf", "sgd", "hkd", "zar", "brl", "mxn"}
)
#: What a multiplier after the number multiplies by.
MULTIPLIERS: Final = {
    "k": 10**3,
    "thousand": 10**3,
    "m": 10**6,
    "mm": 10**6,
    "mn": 10**6,
    "million": 10**6,
    "b": 10**9,
    "bn": 10**9,
    "billion": 10**9,
}

_PLAIN = (
    r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:_[0-9]+)*(?:\.[0-9]+)?|\.[0-9]+)"
    r"(?:e[+-]?[0-9]+)?"
)
_SYMBOL = "|".join(re.escape(s) for s in CURRENCY_SYMBOLS)
_CODE = "|".join(sorted(CURRENCY_CODES))
_MULTIPLIER = "|".join(sorted(MULTIPLIERS, key=len, reverse=True))
#: The patterns of number text, matched whole against lower-cased text. They are RE2 patterns
#: as much as Python ones (no look-around, no back-references): the SQL backends match the
#: very same text.
NUMBER_PATTERN: Final = (
    rf"(?P<sign>[+-]?)[ \t]*(?:(?P<pre>{_SYMBOL}|{_CODE})[ \t]*)?(?P<sign2>[+-]?)"
    rf"(?P<digits>{_PLAIN})"
    rf"(?:[ \t]*(?P<mult>{_MULTIPLIER}))?"
    rf"(?:[ \t]*(?P<post>{_SYMBOL}|{_CODE}))?"
)
PLAIN_PATTERN: Final = rf"[+-]?{_PLAIN}"
_NUMBER: Final = re.compile(NUMBER_PATTERN)
#: The characters beyond ASCII number text may have: the currency symbols.
NON_ASCII: Final = frozenset("".join(CURRENCY_SYMBOLS)) - frozenset("us$")
_PLAIN_ONLY: Final = re.compile(PLAIN_PATTERN)


def parse_number_text(text: str) -> Decimal | None:
    """The exact number ``text`` writes (stripped already), or None when it writes none. Text
    with a character beyond ASCII but the currency symbols writes none (so that no case
    folding can make a multiplier or a code of other letters)."""
    if not text.isascii() and any(not c.isascii() and c not in NON_ASCII for c in text):
        return None
    folded = text.lower()
    if _PLAIN_ONLY.fullmatch(folded):  # the common case: no currency, no multiplier
        return _decimal(folded)
    negative = False
    if folded.startswith("(") and folded.endswith(")"):
        folded = folded[1:-1].strip()
        negative = True
    match = _NUMBER.fullmatch(folded)
    if match is None or (match["pre"] and match["post"]):
        return None
    if negative and (match["sign"] or match["sign2"]):
        return None
    if match["sign"] and match["sign2"]:
        return None
    number = _decimal(match["digits"])
    if number is None:
        return None
    if match["mult"]:
        # The digits are read to NUMBER_PLACES places first, then multiplied (as every engine
        # does: a DECIMAL(38, 12) holds them, then the product).
        digits = places(number)
        if digits is None:
            return None
        number = digits * MULTIPLIERS[match["mult"]]
    if negative or "-" in (match["sign"], match["sign2"]):
        number = -number
    return number


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").replace("_", ""))
    except InvalidOperation:  # pragma: no cover - the patterns admit only numbers
        return None
