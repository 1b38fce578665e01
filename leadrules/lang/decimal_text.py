"""How a number is written: the one home of Decimal-to-text for messages, explanations, results,
the command line's reports and the formatter.

Two forms:

* :func:`number_text` -- a number as people write it: ``20``, ``7.04``, ``-2.5``; no exponent,
  no trailing zeros, and no sign on zero (``Decimal("-0")`` and ``Decimal("-0.00")``, which
  arithmetic and rounding make, are written ``0``). :func:`signed_number_text` adds ``+`` to
  what is not negative (``+20``, ``-5``, ``+0``).
* :func:`exact_number_text` -- a number as a rule file writes it so that it reads back as the
  very same Decimal: every decimal place kept (``12.50``), the sign kept (``-0``); no exponent.

This module depends on nothing else in leadrules (the tree, :mod:`.literals`, results and the
reports all build on it).
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["exact_number_text", "number_text", "signed_number_text"]


def number_text(value: Decimal | int) -> str:
    """A number as people write it: ``20``, ``7.04``, ``-2.5`` (no exponent, no trailing 0,
    zero unsigned). Infinities and NaN are written ``Infinity``, ``-Infinity``, ``NaN``."""
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def signed_number_text(value: Decimal | int) -> str:
    """:func:`number_text` with a ``+`` before what is not negative: ``+20``, ``-5``, ``+0``."""
    text = number_text(value)
    return text if text.startswith("-") else "+" + text


def exact_number_text(value: Decimal) -> str:
    """A number as written in rules, exactly: no exponent, but every decimal place and the sign
    kept (``12.50``, ``-0``), so that the text reads back as the same Decimal."""
    return format(value, "f")
