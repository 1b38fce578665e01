"""Conditions as SQL: the truth of each condition of the rule tree as a SQL boolean, NULL for
unknown.

SQL's ``AND``, ``OR`` and ``NOT`` are Kleene's three-valued logic, as the language's are, so a
condition becomes the SQL of its parts joined as written; a single test is unknown (NULL) when
its value is missing or cannot be read, as in the reference. Where values come from — a lead's
columns or an event's details — is the :class:`Scope`'s business.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, Decimal, localcontext
from typing import Protocol

from ...lang import ast
from ...lang.visitor import Visitor
from ...runtime.numbers import NUMBER_LIMIT, NUMBER_PLACES
from ...runtime.values import fold, to_text
from . import build as b
from .build import E
from .dialect import Unsupported
from .reading import US_PER_DAY

__all__ = ["Scope", "Truth", "Value", "literal_day", "literal_us"]

UTC = dt.timezone.utc
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
_QUANTUM = Decimal(1).scaleb(-NUMBER_PLACES)


class Value(Protocol):
    """A value a test reads, with its readings (each a SQL expression; see reading.Read)."""

    @property
    def kind_name(self) -> str: ...

    def missing(self) -> E: ...

    def number(self) -> E: ...

    def text(self) -> E: ...

    def text_test(self, op: str, needle: str) -> E:
        """``contains``, ``starts with`` or ``ends with`` on the value's text."""
        ...

    def matches(self, pattern: str, ignore_case: bool) -> E:
        """Whether the text `matches` searches has a match of the RE2 pattern."""
        ...

    def truth(self) -> E: ...

    def instant(self) -> E: ...

    def day(self) -> E: ...

    def moment(self) -> tuple[E, E, E]:
        """(is a plain date, its day, its instant)."""
        ...

    def warns(self) -> None:
        """The lead is warned about (whatever its value) when this test is read."""
        ...

    def items_text(self, needle: str) -> E | None:
        """For a list: whether some item's text is ``needle`` (None: not a list)."""
        ...


class Scope(Protocol):
    """Where the names of a condition find their values."""

    def value(self, name: ast.Name, fact: bool = False) -> Value | None:
        """The value a name reads. None, for a bare fact (``fact``): there is no such column,
        so the name is an event's (or, in `where`, missing). A name no column has is a
        mistake for any other test: the scope raises, naming the columns."""
        ...

    def event_fact(self, node: ast.Fact) -> E:
        """The truth of a fact about the lead's events."""
        ...

    def definition(self, node: ast.DefRef) -> E:
        """The truth of a definition (computed once per lead)."""
        ...

    def window(self, window: ast.Window, is_date: E, day: E, instant: E) -> E:
        """Whether a moment (a plain date or an instant) is inside a time window."""
        ...

    @property
    def top(self) -> bool:
        """True for the lead's own names; False inside `where` (an event's details)."""
        ...


def literal_us(moment: dt.datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    return (moment.astimezone(UTC) - _EPOCH) // dt.timedelta(microseconds=1)


def literal_day(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def _unknown_when_missing(value: Value, test: E) -> E:
    return b.case((value.missing(), b.cast(b.null(), "BOOLEAN")), default=test)


class Truth(Visitor[[Scope], E]):
    """The SQL truth of a condition in a scope."""

    def visit_and(self, node: ast.And, scope: Scope) -> E:
        return b.and_(*(self.visit(o, scope) for o in node.operands))

    def visit_or(self, node: ast.Or, scope: Scope) -> E:
        return b.or_(*(self.visit(o, scope) for o in node.operands))

    def visit_not(self, node: ast.Not, scope: Scope) -> E:
        return b.not_(self.visit(node.operand, scope))

    def visit_defref(self, node: ast.DefRef, scope: Scope) -> E:
        return scope.definition(node)

    def visit_presence(self, node: ast.Presence, scope: Scope) -> E:
        value = scope.value(node.name)
        assert value is not None
        present = b.not_(value.missing())
        return present if node.present else b.not_(present)

    def _value(self, node: ast.Leaf, scope: Scope) -> Value | None:
        return scope.value(node.name)

    def visit_compare(self, node: ast.Compare, scope: Scope) -> E:
        value = self._value(node, scope)
        if value is None:
            return b.cast(b.null(), "BOOLEAN")
        return _unknown_when_missing(value, compare(value, node.op, node.value))

    def visit_in(self, node: ast.In, scope: Scope) -> E:
        value = self._value(node, scope)
        if value is None:
            return b.cast(b.null(), "BOOLEAN")
        found = b.or_(*(compare(value, "=", item) for item in node.values.items))
        return _unknown_when_missing(value, b.not_(found) if node.negated else found)

    def visit_between(self, node: ast.Between, scope: Scope) -> E:
        value = self._value(node, scope)
        if value is None:
            return b.cast(b.null(), "BOOLEAN")
        inside = b.and_(compare(value, ">=", node.low), compare(value, "<=", node.high))
        return _unknown_when_missing(value, b.not_(inside) if node.negated else inside)

    def visit_text_test(self, node: ast.TextTest, scope: Scope) -> E:
        value = self._value(node, scope)
        if value is None:
            return b.cast(b.null(), "BOOLEAN")
        needle = to_text(node.value)
        assert isinstance(needle, str)
        listed = value.items_text(needle)
        if listed is not None:
            test = listed if node.op == "contains" else b.cast(b.null(), "BOOLEAN")
            return _unknown_when_missing(value, test)
        return _unknown_when_missing(value, value.text_test(node.op, needle))

    def visit_matches(self, node: ast.Matches, scope: Scope) -> E:
        value = self._value(node, scope)
        if value is None:
            return b.cast(b.null(), "BOOLEAN")
        try:
            test = value.matches(node.pattern, "i" in node.flags)
        except Unsupported as exc:
            raise Unsupported(
                exc.reason,
                span=node.span,
                hint="rewrite the pattern, or score these rules on DuckDB",
            ) from exc
        return _unknown_when_missing(value, test)

    def visit_fact(self, node: ast.Fact, scope: Scope) -> E:
        value = scope.value(node.name, fact=True)
        if value is None:
            if scope.top:
                return scope.event_fact(node)
            return b.cast(b.null(), "BOOLEAN")  # a detail the event lacks: missing
        if node.count is not None or node.where is not None:
            value.warns()  # the reference warns: a field counted like an event
            return b.cast(b.null(), "BOOLEAN")  # ... and the fact is unknown
        if node.windows:
            is_date, day, instant = value.moment()
            inside = b.and_(*(scope.window(w, is_date, day, instant) for w in node.windows))
            return _unknown_when_missing(value, inside)
        return _unknown_when_missing(value, value.truth())


def compare(value: Value, op: str, literal: ast.Value) -> E:
    """``value OP literal``, the value read as the literal's kind (runtime.values)."""
    if isinstance(literal, bool):
        return b.compare(op, value.truth(), b.true() if literal else b.false())
    if isinstance(literal, Decimal):
        return compare_number(op, value.number(), literal)
    if isinstance(literal, dt.datetime):
        return b.compare(op, value.instant(), b.number(literal_us(literal)))
    if isinstance(literal, dt.date):
        return b.compare(op, value.day(), b.number(literal_day(literal)))
    if isinstance(literal, str):
        return b.compare(op, value.text(), b.text(fold(literal)))
    raise AssertionError(f"the checker lets no {type(literal).__name__} be compared")


def compare_number(op: str, number: E, literal: Decimal) -> E:
    """``number OP literal`` for a number read from a lead (12 places, below 10**26: what
    DECIMAL(38, 12) holds) and any number a rule may hold (docs/language.md, Limits): one
    that DECIMAL(38, 12) cannot hold is compared exactly all the same, never rounded."""
    if abs(literal) >= NUMBER_LIMIT:  # beyond every number read: decided, unless missing
        below = literal > 0
        truth = {"=": False, "!=": True, "<": below, "<=": below, ">": not below}.get(op, not below)
        return b.compare("=" if truth else "!=", number, number)  # NULL when missing
    with localcontext() as exact:
        exact.prec = 60
        floor = literal.quantize(_QUANTUM, rounding=ROUND_FLOOR)
        if floor == literal:
            return b.compare(op, number, _decimal(literal))
        if op in ("=", "!="):  # no number read has more than 12 places: never equal
            return b.compare("!=" if op == "=" else "=", number, number)
        if op in (">", ">="):  # no number read lies between floor and literal
            return b.compare(">", number, _decimal(floor))
        return b.compare("<", number, _decimal(floor + _QUANTUM))


def _decimal(value: Decimal) -> E:
    return b.cast(b.text(format(value, "f")), "DECIMAL(38, 12)")


def in_window(
    window: ast.Window,
    is_date: E,
    day: E,
    instant: E,
    now_us: E,
    start_us: E,
    now_day: E,
    start_day: E,
) -> E:
    """semantics.in_window in SQL, for a moment that is a plain date (``day``) or an instant
    (``instant``), with the window's start and ``now`` worked out by the caller."""
    if window.kind == "within":
        as_date = b.and_(b.compare("<=", start_day, day), b.compare("<=", day, now_day))
        as_instant = b.and_(b.compare("<=", start_us, instant), b.compare("<=", instant, now_us))
        return b.case((is_date, as_date), default=as_instant)
    bound = window.value
    assert isinstance(bound, (dt.date, dt.datetime))
    op = {"since": ">=", "before": "<", "after": ">"}[window.kind]
    if isinstance(bound, dt.datetime):
        bound_day = b.number(literal_day(bound.astimezone(UTC).date()))
        instant_test = b.compare(op, instant, b.number(literal_us(bound)))
        date_test = b.compare(op, day, bound_day)
        return b.case((is_date, date_test), default=instant_test)
    return b.compare(
        op, b.case((is_date, day), default=_day_of(instant)), b.number(literal_day(bound))
    )


def _day_of(instant: E) -> E:
    from .reading import floor_div

    return floor_div(instant, US_PER_DAY)
