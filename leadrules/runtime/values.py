"""Lead values: what counts as missing, and how messy data is read as numbers, dates, text and
yes/no — the one vocabulary every backend reproduces (docs/language.md §8).

- Missing: absent, ``None``, NaN, and text that is blank or one of :data:`MISSING_WORDS`
  (``N/A``, ``none``, ``null``, ``-`` ...), wherever a value is read.
- Yes/no (a bare fact): booleans; numbers, true unless zero (text numbers too, ``"0.0"`` is
  no); text in :data:`YES_WORDS` or :data:`NO_WORDS`; text that is a date is yes (something
  happened then); any other text cannot be read as yes or no.
- Numbers: :mod:`.numbers` (separators, money, ``500k``); dates: :mod:`.dates`.

Every converter returns either the converted value or a :class:`Problem` saying, in plain words,
why the value could not be read. Converters never raise on lead data.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

from .dates import parse_date_text
from .numbers import parse_number_text

__all__ = [
    "MISSING",
    "MISSING_WORDS",
    "NO_WORDS",
    "YES_WORDS",
    "Missing",
    "Problem",
    "Reading",
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
class Reading:
    """How a rule set reads its leads' values, beyond the fixed vocabulary: ``dayfirst``
    reads ``03/04/2026`` as the 3rd of April (month first otherwise)."""

    dayfirst: bool = False


@attrs.frozen(slots=True)
class Problem:
    """A value that could not be read as what a comparison needed."""

    value: Any
    wanted: str  # "a number", "a date", ...

    def describe(self, name: str) -> str:
        return f"{name}: could not read {show(self.value)} as {self.wanted}"


#: Text that means "no value", wherever a value is read (case and surrounding space ignored;
#: blank text is missing too). ``NA`` is not among them: it is Namibia's country code.
MISSING_WORDS: Final = frozenset(
    {"", "n/a", "#n/a", "none", "null", "nil", "nan", "-", "--", "—", "(none)", "(blank)"}
    | {"undefined"}
)
#: The longest of them: longer text is never missing.
_LONGEST_MISSING: Final = max(len(word) for word in MISSING_WORDS)
#: Text a bare fact reads as yes, and as no (case and surrounding space ignored).
YES_WORDS: Final = frozenset({"true", "t", "yes", "y", "on", "1", "checked", "✓", "✔"})
NO_WORDS: Final = frozenset({"false", "f", "no", "n", "off", "0", "unchecked", "✗", "✘"})


def is_missing(value: Any) -> bool:
    """Absent, None, a float NaN (as spreadsheets and pandas produce), or text that is blank
    or one of MISSING_WORDS."""
    if value is None or value is MISSING:
        return True
    if isinstance(value, str):
        text = value.strip()
        return len(text) <= _LONGEST_MISSING and text.casefold() in MISSING_WORDS
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

#: Numbers from leads are read when their size is within 10**-30 .. 10**30: beyond that they
#: are unreadable (Decimal arithmetic and formatting on them could overflow or explode).
_MAX_EXPONENT = 30


def sensible(number: Decimal) -> bool:
    """Finite and of a size arithmetic can handle without overflow (see _MAX_EXPONENT)."""
    if not number.is_finite():
        return False
    return number.is_zero() or -_MAX_EXPONENT <= number.adjusted() <= _MAX_EXPONENT


def to_number(value: Any) -> Decimal | Problem:
    """A number as a Decimal. Text like ``" 1,200 "``, ``"12.5"`` or ``"$2.5M"`` is read by
    the grammar of :mod:`.numbers`; booleans, dates, absurdly large or small numbers and
    anything unreadable are problems."""
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
        number = parse_number_text(value.strip())
        return Problem(value, "a number") if number is None else number
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


def to_datetime(value: Any, dayfirst: bool = False) -> dt.datetime | Problem:
    """An aware UTC-comparable datetime. Naive values are taken as UTC; a date is midnight UTC;
    numbers (and text that is only a number) are epoch seconds; other text is read by the
    grammar of :mod:`.dates` (``dayfirst``: ``03/04/2026`` is the 3rd of April), which names a
    whole date or is unreadable: text such as ``"Monday"``, ``"12:30"`` or ``"May"`` is never
    filled in from today's date (that would make results depend on the clock rather than on
    ``now``). So is a moment whose time zone is broken (an offset of a day or more, a tzinfo
    that raises) or that falls outside the years 1 to 9999 once in UTC."""
    try:
        moment = _to_datetime(value, dayfirst)
        if not isinstance(moment, Problem):
            moment.astimezone(UTC)  # checks the offset and the range; raises if broken
    except Exception:  # a broken tzinfo may raise anything
        return Problem(value, "a date")
    return moment


def _to_datetime(value: Any, dayfirst: bool) -> dt.datetime | Problem:
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, bool):
        return Problem(value, "a date")
    if isinstance(value, (int, float, Decimal)):
        return _epoch(value)
    if isinstance(value, str):
        parsed = parse_date_text(value.strip(), dayfirst)
        if parsed is None:
            return Problem(value, "a date")
        if isinstance(parsed, float):
            return _epoch(parsed, value)
        return parsed
    return Problem(value, "a date")


def _epoch(seconds: Any, shown: Any = None) -> dt.datetime | Problem:
    """Epoch seconds as a UTC datetime (to the microsecond, as ``fromtimestamp`` rounds)."""
    try:
        return dt.datetime.fromtimestamp(float(seconds), tz=UTC)
    except (OverflowError, OSError, ValueError):
        return Problem(seconds if shown is None else shown, "a date")


def to_date(value: Any, dayfirst: bool = False) -> dt.date | Problem:
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
    parsed = to_datetime(value, dayfirst)
    if isinstance(parsed, Problem):
        return parsed
    as_date: dt.date = parsed.astimezone(UTC).date()
    return as_date


# ------------------------------------------------------------------------------- text, yes/no


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


def to_bool(value: Any, dayfirst: bool = False) -> bool | Problem:
    """A yes/no (see the module's docstring): booleans as they are; numbers true unless zero;
    text in YES_WORDS or NO_WORDS, a number written as text (true unless zero) or a date
    (true); collections true unless empty. Other text is a problem. Missing values are the
    caller's to check first."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal) and value.is_nan():
        return Problem(value, "yes or no")
    if isinstance(value, (int, float, Decimal)):
        return value != 0
    if isinstance(value, str):
        return _text_bool(value, dayfirst)
    if isinstance(value, (dt.date, dt.datetime)):
        return True
    if isinstance(value, (list, tuple, set, frozenset, Mapping)):
        return len(value) > 0
    return Problem(value, "yes or no")


def _text_bool(value: str, dayfirst: bool) -> bool | Problem:
    text = value.strip().casefold()
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    number = to_number(value)
    if not isinstance(number, Problem):
        return not number.is_zero()
    if not isinstance(to_datetime(value, dayfirst), Problem):
        return True
    return Problem(value, "yes or no")
