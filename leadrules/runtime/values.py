"""Lead values: what counts as missing, and how messy data is read as numbers, dates, text and
yes/no.

Every converter returns either the converted value or a :class:`Problem` saying, in plain words,
why the value could not be read. Converters never raise on lead data.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import attrs
from dateutil import parser as date_parser

__all__ = [
    "MISSING",
    "Missing",
    "Problem",
    "fold",
    "is_missing",
    "show",
    "to_bool",
    "to_date",
    "to_datetime",
    "to_number",
    "to_text",
]

UTC: Final = dt.timezone.utc


class Missing:
    """The marker for a value that is absent."""

    _instance: Missing | None = None

    def __new__(cls) -> Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = Missing()


@attrs.frozen(slots=True)
class Problem:
    """A value that could not be read as what a comparison needed."""

    value: Any
    wanted: str  # "a number", "a date", ...

    def describe(self, name: str) -> str:
        return f"{name}: could not read {show(self.value)} as {self.wanted}"


def is_missing(value: Any) -> bool:
    """Absent, None, a blank string, or a float NaN (as spreadsheets and pandas produce)."""
    if value is None or value is MISSING:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, Decimal):
        return value.is_nan()  # quiet or signalling: comparing with it would raise
    return False


def show(value: Any, limit: int = 60) -> str:
    """A short, readable rendering of a lead value for explanations and warnings. Never
    raises: a value that cannot be shown (its repr raises, a broken time zone) is shown by its
    type's name."""
    try:
        text = _show(value)
    except Exception:  # a user object whose repr or isoformat fails must not break scoring
        text = f"<{type(value).__name__}>"
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def _show(value: Any) -> str:
    if isinstance(value, Decimal):
        if not sensible(value):
            return str(value)
        if value == value.to_integral_value():
            return format(value.normalize(), "f")
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return repr(value)


# ------------------------------------------------------------------------------- numbers

_NUMBER_TEXT = re.compile(
    r"""[+-]?(
        \d{1,3}(,\d{3})+(\.\d+)?     # 1,200 or 12,500.50
      | \d+(_\d+)*(\.\d+)?           # 1200, 10_000, 12.5
      | \.\d+                        # .5
    )([eE][+-]?\d+)?""",
    re.VERBOSE,
)


#: Numbers from leads are read when their size is within 10**-30 .. 10**30: beyond that they
#: are unreadable (Decimal arithmetic and formatting on them could overflow or explode).
_MAX_EXPONENT = 30


def sensible(number: Decimal) -> bool:
    """Finite and of a size arithmetic can handle without overflow (see _MAX_EXPONENT)."""
    if not number.is_finite():
        return False
    return number.is_zero() or -_MAX_EXPONENT <= number.adjusted() <= _MAX_EXPONENT


def to_number(value: Any) -> Decimal | Problem:
    """A number as a Decimal. Text like ``" 1,200 "`` or ``"12.5"`` is converted; booleans,
    dates, absurdly large or small numbers and anything unreadable are problems."""
    number = _to_number(value)
    if isinstance(number, Decimal) and not sensible(number):
        return Problem(value, "a number")
    return number


def _to_number(value: Any) -> Decimal | Problem:
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return Problem(value, "a number")
    if isinstance(value, Decimal):
        return value if value.is_finite() else Problem(value, "a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if math.isinf(value) or math.isnan(value):
            return Problem(value, "a number")
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip()
        if _NUMBER_TEXT.fullmatch(text):
            try:
                return Decimal(text.replace(",", "").replace("_", ""))
            except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                return Problem(value, "a number")
        return Problem(value, "a number")
    # Other numeric types (numpy scalars, fractions): go through float, without trusting them.
    try:
        as_float = float(value)
    except Exception:
        return Problem(value, "a number")
    if math.isinf(as_float) or math.isnan(as_float):
        return Problem(value, "a number")
    return Decimal(repr(as_float))


# ------------------------------------------------------------------------------- dates

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def to_datetime(value: Any) -> dt.datetime | Problem:
    """An aware UTC-comparable datetime. Naive values are taken as UTC; a date is midnight UTC;
    numbers (and text that is only a number) are epoch seconds; other text is read with
    python-dateutil (ISO 8601 first) and must name a whole date: text such as ``"Monday"``,
    ``"12:30"`` or ``"May"`` is not filled in from today's date (that would make results depend
    on the clock rather than on ``now``), it is unreadable. So is a moment whose time zone is
    broken (an offset of a day or more, a tzinfo that raises) or that falls outside the
    years 1 to 9999 once in UTC."""
    try:
        moment = _to_datetime(value)
        if not isinstance(moment, Problem):
            moment.astimezone(UTC)  # checks the offset and the range; raises if broken
    except Exception:  # a broken tzinfo may raise anything
        return Problem(value, "a date")
    return moment


def _to_datetime(value: Any) -> dt.datetime | Problem:
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, bool):
        return Problem(value, "a date")
    if isinstance(value, (int, float, Decimal)):
        try:
            return dt.datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return Problem(value, "a date")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return Problem(value, "a date")
        parsed: dt.datetime | None = None
        try:
            parsed = date_parser.isoparse(text)
        except Exception:  # dateutil raises ValueError, OverflowError and others on odd text
            if _EPOCH_TEXT.fullmatch(text):
                return to_datetime(Decimal(text))
            parsed = _parse_whole_date(text)
            if parsed is None:
                return Problem(value, "a date")
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    return Problem(value, "a date")


_EPOCH_TEXT = re.compile(r"[+-]?\d+(\.\d+)?")
# Two different defaults: a part of the date the text leaves out comes out differently.
_DEFAULTS = (dt.datetime(2000, 1, 1), dt.datetime(2001, 2, 2))


def _parse_whole_date(text: str) -> dt.datetime | None:
    """``text`` read by dateutil when it names a year, a month and a day; else None."""
    try:
        first, second = (date_parser.parse(text, default=d) for d in _DEFAULTS)
    except Exception:  # dateutil raises ParserError, OverflowError, TypeError, ...
        return None
    if first.date() != second.date():
        return None
    return first


def to_date(value: Any) -> dt.date | Problem:
    """A calendar date. A date-time becomes its UTC date."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return Problem(value, "a date")
    parsed = to_datetime(value)
    if isinstance(parsed, Problem):
        return parsed
    as_date: dt.date = parsed.astimezone(UTC).date()
    return as_date


# ------------------------------------------------------------------------------- text, yes/no

_FALSE_WORDS: Final = frozenset({"false", "no", "off", "0"})


def fold(text: str) -> str:
    """Text as the language compares it: case and surrounding space ignored (Python's full
    case folding, so ``"STRASSE"`` and ``"Straße"`` fold alike)."""
    return text.strip().casefold()


def to_text(value: Any) -> str | Problem:
    """Text for text comparisons: case-folded and stripped. Numbers become their plain digits
    (``1200``, ``12.5``); yes/no values become ``true``/``false``."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, str):
        return fold(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
        if not sensible(number):
            return Problem(value, "text")
        return (
            format(number.normalize(), "f") if number == number.to_integral_value() else str(number)
        )
    if isinstance(value, float):
        if math.isinf(value) or math.isnan(value):
            return Problem(value, "text")
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat().casefold()
    return Problem(value, "text")


def to_bool(value: Any) -> bool | Problem:
    """A yes/no: booleans as they are; numbers true unless zero; text false for ``false``,
    ``no``, ``off``, ``0`` (any case), true otherwise; collections true unless empty."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal) and value.is_nan():
        return Problem(value, "yes or no")
    if isinstance(value, (int, float, Decimal)):
        return value != 0
    if isinstance(value, str):
        return value.strip().casefold() not in _FALSE_WORDS
    if isinstance(value, (dt.date, dt.datetime)):
        return True
    if isinstance(value, (list, tuple, set, frozenset, Mapping)):
        return len(value) > 0
    return Problem(value, "yes or no")
