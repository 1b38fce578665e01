"""Small constructors of sqlglot expressions, so that the SQL backend reads as the SQL it makes.

Every value from a rule file or a lead enters a query through :func:`text` or :func:`number`
(sqlglot writes them as literals, quoted and escaped for the dialect), every column name through
:func:`col` (a quoted identifier): nothing is spliced into SQL text.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlglot import exp

__all__ = [
    "E",
    "and_",
    "call",
    "case",
    "cast",
    "col",
    "false",
    "is_null",
    "not_",
    "null",
    "number",
    "or_",
    "text",
    "true",
    "try_cast",
]

E = exp.Expression


def text(value: str) -> exp.Literal:
    """A string literal."""
    return exp.Literal.string(value)


def number(value: int | Decimal | float) -> E:
    """A number literal (exact: a Decimal is written as it is, without an exponent)."""
    if isinstance(value, Decimal):
        written = format(value, "f")
    else:
        written = repr(value) if isinstance(value, float) else str(value)
    literal = exp.Literal.number(written.lstrip("-"))
    return exp.Neg(this=literal) if written.startswith("-") else literal


def true() -> exp.Boolean:
    return exp.Boolean(this=True)


def false() -> exp.Boolean:
    return exp.Boolean(this=False)


def null() -> exp.Null:
    return exp.Null()


def col(name: str, table: str | None = None) -> exp.Column:
    """A column by its name (quoted, so any name is safe)."""
    return exp.Column(
        this=exp.to_identifier(name, quoted=True),
        table=exp.to_identifier(table, quoted=True) if table else None,
    )


def call(name: str, *args: E) -> exp.Anonymous:
    """A function call by the name the dialect knows it under."""
    return exp.Anonymous(this=name, expressions=list(args))


def cast(value: E, type_: str) -> exp.Cast:
    return exp.Cast(this=value, to=exp.DataType.build(type_))


def try_cast(value: E, type_: str) -> exp.TryCast:
    return exp.TryCast(this=value, to=exp.DataType.build(type_))


def paren(value: E) -> E:
    if isinstance(value, (exp.Column, exp.Literal, exp.Paren)):
        return value
    return exp.Paren(this=value)


def and_(*values: E) -> E:
    parts = [paren(v) for v in values]
    if not parts:
        return true()
    result = parts[0]
    for part in parts[1:]:
        result = exp.And(this=result, expression=part)
    return result


def or_(*values: E) -> E:
    parts = [paren(v) for v in values]
    if not parts:
        return false()
    result = parts[0]
    for part in parts[1:]:
        result = exp.Or(this=result, expression=part)
    return result


def not_(value: E) -> E:
    return exp.Not(this=paren(value))


def is_null(value: E) -> E:
    return exp.Is(this=paren(value), expression=exp.Null())


def not_null(value: E) -> E:
    return exp.Not(this=exp.Is(this=paren(value), expression=exp.Null()))


def case(*whens: tuple[E, E], default: E | None = None) -> E:
    """``CASE WHEN c1 THEN v1 ... ELSE default END`` (NULL when no default)."""
    return exp.Case(
        ifs=[exp.If(this=condition, true=value) for condition, value in whens],
        default=default,
    )


def in_(value: E, options: Iterable[Any]) -> E:
    return exp.In(this=paren(value), expressions=[_literal(o) for o in options])


def _literal(value: Any) -> E:
    if isinstance(value, E):
        return value
    if isinstance(value, str):
        return text(value)
    return number(value)


def eq(a: E, b: E) -> E:
    return exp.EQ(this=paren(a), expression=paren(b))


def compare(op: str, a: E, b: E) -> E:
    """``a OP b`` for one of the language's comparison operators."""
    kinds: dict[str, type[exp.Binary]] = {
        "=": exp.EQ,
        "!=": exp.NEQ,
        "<": exp.LT,
        "<=": exp.LTE,
        ">": exp.GT,
        ">=": exp.GTE,
    }
    return typing.cast(E, kinds[op](this=paren(a), expression=paren(b)))


def coalesce(*values: E) -> E:
    return exp.Coalesce(this=values[0], expressions=list(values[1:]))


def add(a: E, b: E) -> E:
    return exp.Add(this=paren(a), expression=paren(b))


def sub(a: E, b: E) -> E:
    return exp.Sub(this=paren(a), expression=paren(b))


def mul(a: E, b: E) -> E:
    return exp.Mul(this=paren(a), expression=paren(b))


def idiv(a: E, b: E) -> E:
    """Integer division, rounding toward zero (as every SQL engine does)."""
    return exp.IntDiv(this=paren(a), expression=paren(b))


def mod(a: E, b: E) -> E:
    """The remainder of :func:`idiv` (with the sign of ``a``)."""
    return exp.Mod(this=paren(a), expression=paren(b))


def alias(value: E, name: str) -> exp.Alias:
    return exp.Alias(this=value, alias=exp.to_identifier(name, quoted=True))
