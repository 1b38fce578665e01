"""A lead's events in SQL: the events table read as the reference reads a lead's events, and
the counts and times the rules ask of them, one aggregate per fact, per lead.

An event row is ``(lead id, name, at, details...)``. Its name is normalised as names are
(case folded, runs of spaces, ``_`` and ``-`` made one space); a row with no usable name is left
out; a time that is missing or cannot be read leaves the event without a time (it may or may not
be in a window: counts become uncertain); an event after ``now`` has not happened yet (it counts for
nothing, though a nameless one is warned about, as in the reference). For each
fact about events the aggregate gives, per lead: the events that surely match (``n``), those
that may (``u``), the latest sure one (``last``) and, for a decaying `per` rule, the sum of each
sure event's decayed points.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from sqlglot import exp

from ...lang import ast
from . import build as b
from .build import E
from .columns import Column, Kind, Table, bind
from .conditions import Truth
from .dialect import WHITESPACE, Unsupported
from .reading import Reader
from .tables import BoundValue, Clock, Step, Steps, clock_window

__all__ = ["EventFacts", "decayed"]

_SEPARATORS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE) + "_\\-]+"


class EventScope:
    """An event's details, for the names of a `where` filter."""

    top = False

    def __init__(self, facts: EventFacts) -> None:
        self.facts = facts

    def value(self, name: ast.Name, fact: bool = False) -> BoundValue | None:
        found = self.facts.detail(name)
        if found is None and not fact and self.facts.missing_names:
            return self.facts.missing()
        if found is None and not fact:
            from .query import UnknownName

            raise UnknownName(
                f"`{name}` (in a `where`) is not a detail of the events; their columns are "
                + ", ".join(repr(c.name) for c in self.facts._details.columns)
            )
        return found

    def event_fact(self, node: ast.Fact) -> E:  # pragma: no cover - not reached in a `where`
        raise AssertionError("a `where` has no events of its own")

    def definition(self, node: ast.DefRef) -> E:  # pragma: no cover - the checker refuses it
        raise Unsupported("a definition inside `where` cannot run on a SQL engine")

    def window(self, window: ast.Window, is_date: E, day: E, instant: E) -> E:
        return self.facts.window(window, is_date, day, instant)


class EventFacts:
    """The event steps of one query and the aggregates the rules ask for."""

    def __init__(
        self,
        table: Table,
        id_column: str,
        reader: Reader,
        clock: Clock,
        dayfirst: bool,
        names: Iterator[int],
        *,
        missing_names: bool = False,
        properties_only: bool = False,
    ) -> None:
        self.table = table
        self.missing_names = missing_names
        self.properties_only = properties_only
        self._missing: BoundValue | None = None
        self.reader = reader
        self.clock = clock
        self.dayfirst = dayfirst
        self.id_column = id_column
        self.src = Step("__ev_src", names)
        self.steps = Steps("__ev_", names)
        self.read = self.steps.read
        self.aggregates: dict[str, E] = {}
        self._facts: dict[int, tuple[E, E, E]] = {}
        self._details = self._detail_table()
        name = self._bind("name")
        at = self._bind("at") or self._bind("timestamp")
        self.name_key = self._name_key(name)
        self.at_us, self.at_bad = self._at(at)
        self.warn = self._agg(
            reader.d.bool_or(b.or_(b.is_null(self.name_key), b.is_null(self.at_us))), "evwarn"
        )

    # ---- the columns of an event

    def _detail_table(self) -> Table:
        """What a `where` reads: a ``properties`` record column's fields if the events have
        one, else the event's columns (but the lead id; none with ``properties_only``)."""
        for column in self.table.columns:
            if column.name == "properties" and column.kind is Kind.RECORD:
                return Table(column.fields)
        if self.properties_only:
            return Table(())
        return Table(tuple(c for c in self.table.columns if c.name != self.id_column))

    def _bind(self, word: str) -> BoundValue | None:
        found = bind(
            Table(tuple(c for c in self.table.columns if c.name != self.id_column)),
            ast.Name((ast.NamePart(word),)),
        )
        if found is None:
            return None
        return self._value(b.col(found.column.name), found.column, found.kind, word[:2])

    def _value(self, raw: E, column: Column | None, kind: Kind, hint: str) -> BoundValue:
        selected = self.src.add(raw, f"e{hint}")
        return BoundValue(
            selected, column, kind, self.steps, self.reader, self.dayfirst, f"e{hint}"
        )

    def missing(self) -> BoundValue:
        """The value of a detail no event has (with ``missing_names``)."""
        if self._missing is None:
            self._missing = self._value(b.null(), None, Kind.NULL, "nu")
        return self._missing

    def detail(self, name: ast.Name) -> BoundValue | None:
        found = bind(self._details, name)
        if found is None:
            return None
        self.reader.d.refuse_kind(found.column.kind.value, f"the events' {found.column.name!r}")
        raw: E = b.col(found.column.name)
        if (
            self._details is not self.table
            and any(c.name == "properties" for c in self.table.columns)
            and found.column in self._details.columns
        ):
            raw = self.reader.d.field(b.col("properties"), found.column.name)
        for field in found.path:
            raw = self.reader.d.field(raw, field)
        return self._value(raw, found.leaf, found.kind, "p")

    def _name_key(self, name: BoundValue | None) -> E:
        """The normalised name, or NULL when the row has no usable name (not text, blank)."""
        if name is None or name.kind is not Kind.TEXT:
            return b.cast(b.null(), "VARCHAR")
        d = self.reader.d
        stripped = d.strip(name.raw)
        collapsed = d.replace_all(d.fold(stripped), _SEPARATORS, " ")
        # Most names are words of ASCII letters and digits, one space apart: their normal form
        # is their lower case, without the fold and the regex replace (most of the events'
        # time on tens of millions of rows).
        simple = d.full_match(stripped, "[A-Za-z0-9]+(?: [A-Za-z0-9]+)*")
        key = b.case((simple, d.lower(stripped)), default=d.trim_spaces(collapsed))
        usable = b.and_(b.not_null(name.raw), b.compare("!=", stripped, b.text("")))
        return self.read.add(b.case((usable, key)), "ekey")

    def _at(self, at: BoundValue | None) -> tuple[E, E]:
        if at is None:
            return b.cast(b.null(), "BIGINT"), b.false()
        instant = at.instant()
        missing = at.missing()
        value = self.read.add(b.case((missing, b.cast(b.null(), "BIGINT")), default=instant), "eat")
        return value, b.false()

    def _agg(self, expression: E, hint: str) -> E:
        name = f"__{hint}{len(self.aggregates)}"
        self.aggregates[name] = expression
        return b.col(name)

    # ---- facts

    def window(self, window: ast.Window, is_date: E, day: E, instant: E) -> E:
        return clock_window(self.clock, window, is_date, day, instant)

    def _sure_and_maybe(self, node: ast.Fact) -> tuple[E, E]:
        """(surely matches, may match) of one event row for a fact."""
        happened = b.or_(b.is_null(self.at_us), b.compare("<=", self.at_us, self.clock.now_us()))
        named = b.and_(b.eq(self.name_key, b.text(node.name.key)), happened)
        if node.windows:
            when = b.and_(*(self.window(w, b.false(), b.null(), self.at_us) for w in node.windows))
            when = b.case((b.is_null(self.at_us), b.cast(b.null(), "BOOLEAN")), default=when)
        else:
            when = b.true()
        where = Truth().visit(node.where, EventScope(self)) if node.where is not None else b.true()
        sure = b.and_(named, b.coalesce(b.and_(when, where), b.false()))
        excluded = b.or_(b.coalesce(b.not_(when), b.false()), b.coalesce(b.not_(where), b.false()))
        maybe = b.and_(named, b.not_(b.coalesce(b.and_(when, where), b.false())), b.not_(excluded))
        return self.read.add(sure, "esure"), self.read.add(maybe, "emaybe")

    def counts(self, node: ast.Fact) -> tuple[E, E, E]:
        """(sure count, uncertain count, latest sure time) of a fact, per lead."""
        found = self._facts.get(id(node))
        if found is None:
            sure, maybe = self._sure_and_maybe(node)
            n = self._agg(self.reader.d.count_if(sure), "en")
            u = self._agg(self.reader.d.count_if(maybe), "eu")
            last = self._agg(
                b.call("max", b.case((b.and_(sure, b.not_null(self.at_us)), self.at_us))), "elast"
            )
            found = self._facts[id(node)] = (n, u, last)
        return found

    def decay_sum(self, node: ast.Fact, points: Decimal, decay: ast.Decay) -> E:
        """The sum of each sure event's decayed points (an event without a time: its age is
        0, so its points are whole)."""
        sure, _ = self._sure_and_maybe(node)
        age = b.case(
            (b.is_null(self.at_us), b.number(0)), default=b.sub(self.clock.now_us(), self.at_us)
        )
        each = decayed(self.reader, points, decay, age, self.clock)
        return self._agg(b.call("sum", b.case((sure, each))), "edecay")

    def table_sql(self, source: exp.Expression, id_raw: E) -> list[tuple[str, exp.Select]]:
        """The CTEs of the events: selected, prepared, read, then aggregated per lead."""
        select = exp.select(
            b.alias(id_raw, "__lid"), *(b.alias(e, n) for n, e in self.src.columns.items())
        ).from_(source, copy=False)
        aggregate = exp.select(
            b.col("__lid"), *(b.alias(e, n) for n, e in self.aggregates.items())
        ).from_(exp.to_table(self.read.name, quoted=True), copy=False)
        aggregate = aggregate.group_by(b.col("__lid"), copy=False)
        return [(self.src.name, select), *self.steps.chain(self.src.name), ("__ev_agg", aggregate)]


def decayed(reader: Reader, points: Decimal, decay: ast.Decay, age_us: E, clock: Clock) -> E:
    """semantics.decayed in SQL: ``points * (1 - P/100) ** (age / period)``, the factor in
    binary floating point (the engine's ``pow``, C's), written as Python writes it (its
    shortest text), multiplied exactly and rounded half to even to 0.01. An age of zero or
    less keeps the points whole."""
    d = reader.d
    period = clock.period(decay.every)
    keep = 1 - float(decay.percent) / 100
    whole = b.cast(b.text(format(points, "f")), "DECIMAL(38, 4)")
    seconds: E = d.greatest(b.cast(age_us, "DOUBLE"), d.double(0.0))
    seconds = exp.Div(this=b.paren(seconds), expression=d.double(1_000_000.0))
    if keep <= 0:
        factor: E = d.double(0.0)
    else:
        factor = d.pow(d.double(keep), exp.Div(this=b.paren(seconds), expression=period))
    tiny = b.compare("<", factor, d.double(1e-9))
    exact_factor = d.try_cast(d.double_text(factor), "DECIMAL(38, 26)")
    product = b.mul(exact_factor, b.cast(b.text(format(points, "f")), "DECIMAL(11, 4)"))
    rounded = b.cast(d.round_even(product, 2), "DECIMAL(38, 4)")
    return b.case(
        (b.or_(b.eq(seconds, d.double(0.0)), b.compare("<=", period, d.double(0.0))), whole),
        (tiny, b.cast(b.number(0), "DECIMAL(38, 4)")),
        default=rounded,
    )
