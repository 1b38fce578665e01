"""The literals of a rule file (the values it writes: numbers, texts, true/false, dates,
date-times, lengths of time, lists): what kind each is, and how the language writes it.

The one home of both, for the checker, the schema checker, the analysis and the formatter:

* :func:`kind` and :class:`Kind` -- the kind of a literal, and how messages name it
  (:attr:`Kind.words`: ``"a number"``, ``"true/false"``, ...);
* :func:`literal_text` -- a literal as a rule writes it: text in double quotes with ``"``,
  ``\\``, control characters and line breaks escaped (:func:`quote`), ``true``/``false``,
  dates and date-times in ISO 8601, durations ``30 days``, lists ``["GB", "IE"]``. Messages
  use the plain form (numbers as :func:`~.decimal_text.number_text` writes them, date-times
  with their ``+00:00``); the formatter the ``canonical`` one (numbers exactly as written,
  UTC as ``Z``), which reads back as the same value.

How numbers are written lives in :mod:`.decimal_text` (the tree needs it too). Nothing here
knows what a literal *means* when a lead is scored: that is the runtime's.
"""

from __future__ import annotations

import datetime as dt
import enum
import unicodedata
from decimal import Decimal
from typing import Any

from . import ast
from .decimal_text import exact_number_text, number_text

__all__ = ["Kind", "duration_text", "kind", "literal_text", "moment_text", "quote"]


class Kind(enum.Enum):
    """The kind of a scalar literal. The value is the short name (``"number"``), used as is in
    some messages (``unreadable as number``)."""

    NUMBER = "number"
    TEXT = "text"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"

    @property
    def words(self) -> str:
        """How messages name a literal of this kind: ``"a number"``, ``"true/false"``."""
        return _WORDS[self]


_WORDS = {
    Kind.NUMBER: "a number",
    Kind.TEXT: "a text",
    Kind.BOOL: "true/false",
    Kind.DATE: "a date",
    Kind.DATETIME: "a date-time",
}


def kind(value: Any) -> Kind | None:
    """The kind of a scalar literal; None for a duration, a list or anything else."""
    if isinstance(value, bool):  # before Decimal/int: a bool is no number here
        return Kind.BOOL
    if isinstance(value, Decimal):
        return Kind.NUMBER
    if isinstance(value, str):
        return Kind.TEXT
    if isinstance(value, dt.datetime):  # before date: a datetime is a date too
        return Kind.DATETIME
    if isinstance(value, dt.date):
        return Kind.DATE
    return None


# ------------------------------------------------------------------------------------ text

#: Characters written as escapes inside quotes: besides the quote and the backslash, anything
#: that would break a line (for Lark or for ``str.splitlines``) or is invisible.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def quote(text: str) -> str:
    """``text`` in double quotes as a rule writes it, escaped so that it reads back the same:
    ``a "b"`` -> ``"a \\"b\\""``."""
    out = ['"']
    for ch in text:
        short = _SHORT_ESCAPES.get(ch)
        if short is not None:
            out.append(short)
        elif ch in _LINE_BREAKS or unicodedata.category(ch) in ("Cc", "Cs"):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def moment_text(value: dt.date | dt.datetime, canonical: bool = False) -> str:
    """A date or date-time in ISO 8601; ``canonical``: UTC written ``Z``."""
    text = value.isoformat()
    if canonical and isinstance(value, dt.datetime) and value.utcoffset() == dt.timedelta(0):
        text = text.removesuffix("+00:00") + "Z"
    return text


def duration_text(value: ast.Duration, canonical: bool = False) -> str:
    """``30 days``, ``1 day``. ``canonical``: the amount exactly as written, and singular only
    when it is written ``1``; else as :class:`~.ast.Duration` shows itself."""
    if not canonical:
        return str(value)
    amount = exact_number_text(value.amount)
    unit = value.unit[:-1] if amount == "1" else value.unit
    return f"{amount} {unit}"


def literal_text(value: Any, canonical: bool = False) -> str:
    """A literal as a rule writes it (see the module's docstring). ``canonical``: as the
    formatter writes it, reading back as the same value. Anything that is not a literal (a
    Python value named in a schema, such as an ``int`` choice) is written with ``str``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return exact_number_text(value) if canonical else number_text(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return moment_text(value, canonical)
    if isinstance(value, ast.Duration):
        return duration_text(value, canonical)
    if isinstance(value, ast.ListValue):
        return "[" + ", ".join(literal_text(item, canonical) for item in value.items) + "]"
    return str(value)
