"""The values a query reads, and where each is computed: a lead's bound columns and an event's
details, each read (missing, number, text, yes/no, moment) once, as a column of a step of the
query, whatever the number of tests that read it.

A :class:`Step` is one ``SELECT *, <expressions> FROM <previous step>`` of the query's chain of
CTEs; :class:`BoundValue` is one value and its readings, registered in the steps as they are
first asked for; :class:`Clock` is the query's ``now`` and the time windows' bounds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import attrs
from sqlglot import exp

from ...backends.semantics import subtract
from ...lang import ast
from ...runtime.regex import MAX_MATCH_TEXT
from . import build as b
from .build import E
from .columns import Column, Kind
from .conditions import in_window, literal_day, literal_us
from .dialect import Dialect, Unsupported
from .reading import Reader, Text

__all__ = ["BoundValue", "Clock", "EngineClock", "Step", "Steps"]


class Step:
    """One step of the chain: named expressions added to everything the previous step has.
    ``names`` numbers the columns, one count per query (so that a query's text is the same
    every time it is made)."""

    def __init__(self, name: str, names: Iterator[int]) -> None:
        self.name = name
        self.names = names
        self.columns: dict[str, E] = {}
        self._by_sql: dict[str, str] = {}

    def add(self, expression: E, hint: str) -> E:
        """A column computing ``expression`` (the same expression asked twice is one column)."""
        key = expression.sql()
        found = self._by_sql.get(key)
        if found is None:
            # Names are unique in the whole query, whatever their case (DuckDB's names are
            # not case-sensitive): the hint, lower-cased, and a number of its own.
            found = f"__{hint.lower()}_{next(self.names)}"
            self.columns[found] = expression
            self._by_sql[key] = found
        return b.col(found)

    def select(self, source: str) -> exp.Select:
        return exp.select(exp.Star(), *(b.alias(e, n) for n, e in self.columns.items())).from_(
            exp.to_table(source, quoted=True), copy=False
        )


class Steps:
    """The steps of one table's values, in order: prepared (text stripped and folded), the
    levels of the text grammars, parsed, read."""

    LEVELS = 7

    def __init__(self, prefix: str, names: Iterator[int]) -> None:
        self.prefix = prefix
        self.prep = Step(f"{prefix}prep", names)
        self.levels = [Step(f"{prefix}l{i + 1}", names) for i in range(self.LEVELS)]
        self.parse = Step(f"{prefix}parse", names)
        self.read = Step(f"{prefix}read", names)

    def chain(self, first: str) -> list[tuple[str, exp.Select]]:
        """The CTEs, each selecting from the one before (``first``: the step they start on)."""
        ctes = []
        last = first
        for step in (self.prep, *self.levels, self.parse, self.read):
            if not step.columns and step is not self.read:
                continue  # a step with nothing to add (only the last is selected by name)
            ctes.append((step.name, step.select(last)))
            last = step.name
        return ctes


class Clock:
    """The moment the query scores at, and the bounds of time windows, all computed here, in
    Python, exactly as the reference computes them."""

    def __init__(self, now: dt.datetime, dialect: Dialect) -> None:
        self.now = now
        self.dialect = dialect
        self._now_us = literal_us(now)
        self._now_day = literal_day(now.astimezone(dt.timezone.utc).date())

    def now_us(self) -> E:
        return b.number(self._now_us)

    def now_day(self) -> E:
        return b.number(self._now_day)

    def start(self, duration: ast.Duration) -> tuple[E, E]:
        """(µs, day) of ``now`` minus the duration."""
        start = subtract(self.now, duration)
        day = literal_day(start.astimezone(dt.timezone.utc).date())
        return b.number(literal_us(start)), b.number(day)

    def period(self, every: ast.Duration) -> E:
        """The seconds (a DOUBLE) of one decay period ending at now."""
        return self.dialect.double((self.now - subtract(self.now, every)).total_seconds())


class EngineClock(Clock):
    """The engine's own clock (``to_sql(now=None)``): now is the engine's current time, the
    bounds of windows are worked out by the engine's calendar arithmetic in UTC (a month back
    from 31 March is 28 or 29 February, as in Python). Fractions of months and years are
    refused: their days are a float in Python that no engine rounds alike."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect

    def now_us(self) -> E:
        return self.dialect.now_us()

    def now_day(self) -> E:
        from .reading import US_PER_DAY, floor_div

        return floor_div(self.now_us(), US_PER_DAY)

    def start(self, duration: ast.Duration) -> tuple[E, E]:
        from .reading import US_PER_DAY, floor_div

        whole = int(duration.amount)
        if duration.unit in ("months", "years"):
            if duration.amount != whole:
                raise Unsupported(
                    f"`{duration}` against the engine's clock: a fraction of a month or year "
                    "cannot be worked out alike; give now=, or a whole number"
                )
            months = whole * (12 if duration.unit == "years" else 1)
            start = self.dialect.months_before_now_us(months)
        else:
            micros = dt.timedelta(**{duration.unit: float(duration.amount)}) // dt.timedelta(
                microseconds=1
            )
            start = b.sub(self.now_us(), b.number(micros))
        return start, floor_div(start, US_PER_DAY)

    def period(self, every: ast.Duration) -> E:
        start, _ = self.start(every)
        return exp.Div(
            this=b.paren(b.cast(b.sub(self.now_us(), start), "DOUBLE")),
            expression=self.dialect.double(1_000_000.0),
        )


class BoundValue:
    """A value a test reads: a raw expression of a kind, in a chain of three steps — where it
    is selected (``raw``), prepared (text stripped and folded) and read."""

    def __init__(
        self,
        raw: E,
        column: Column | None,
        kind: Kind,
        steps: Steps,
        reader: Reader,
        dayfirst: bool,
        hint: str,
    ) -> None:
        self.raw = raw
        self.column = column
        self.kind = kind
        self.steps = steps
        self.prep, self.parse, self.step = steps.prep, steps.parse, steps.read
        self.reader = reader
        self.dayfirst = dayfirst
        self.hint = hint
        self._text: Text | None = None
        #: The "could not be read" flags of the readings asked for (for the lead's warnings).
        self.bad: list[E] = []

    @property
    def kind_name(self) -> str:
        return self.kind.value

    def _parts(self, number: bool = False, instant: bool = False) -> Text | None:
        """A text value stripped and folded (first step) and, as asked, read by the number
        and date grammars (later steps), each once."""
        if self.kind is not Kind.TEXT:
            return None
        d, r = self.reader.d, self.reader
        if self._text is None:
            stripped = self.prep.add(d.strip(self.raw), f"{self.hint}s")
            folded = self.prep.add(d.fold(d.strip(self.raw)), f"{self.hint}f")
            self._text = Text(stripped, folded, b.null(), b.null())

        def keep(level: int, expression: E, hint: str) -> E:
            return self.steps.levels[level - 1].add(expression, f"{self.hint}{hint}")

        text = self._text
        if number and isinstance(text.number, exp.Null):
            parsed = self.parse.add(r.number_text(text.stripped, keep), f"{self.hint}ntext")
            text = self._text = attrs.evolve(text, number=parsed)
        if instant and isinstance(text.instant, exp.Null):
            parsed = self.parse.add(
                r.instant_text(text.stripped, self.dayfirst, keep), f"{self.hint}utext"
            )
            text = self._text = attrs.evolve(text, instant=parsed)
        return text

    def _folded(self) -> E | None:
        parts = self._parts()
        return None if parts is None else parts.folded

    def _stripped(self) -> E | None:
        parts = self._parts()
        return None if parts is None else parts.stripped

    def _keep(self, reading: object, name: str) -> E:
        value, bad = reading.value, reading.bad  # type: ignore[attr-defined]
        if not (isinstance(bad, exp.Boolean) and not bad.this):
            self.bad.append(self.step.add(bad, f"{self.hint}{name}_bad"))
        return self.step.add(value, f"{self.hint}{name}")

    def missing(self) -> E:
        return self.step.add(
            self.reader.missing(self.raw, self.kind, self._folded()), f"{self.hint}miss"
        )

    def number(self) -> E:
        return self._keep(self.reader.number(self.raw, self.kind, self._parts(number=True)), "num")

    def text(self) -> E:
        if self.kind is Kind.DECIMAL and self.column is not None and self.column.scale > 6:
            raise Unsupported(
                f"the column {self.column.name!r} ({self.column.type_name}) is compared as text: "
                "the SQL engines write decimals with more than 6 places differently from Python"
            )
        return self._keep(self.reader.text(self.raw, self.kind, self._folded()), "txt")

    def text_test(self, op: str, needle: str) -> E:
        """``contains``, ``starts with`` or ``ends with`` on the value's text."""
        d, text, literal = self.reader.d, self.text(), b.text(needle)
        if op == "contains":
            return d.contains(text, literal)
        return d.starts_with(text, literal) if op == "starts with" else d.ends_with(text, literal)

    def matches(self, pattern: str, ignore_case: bool) -> E:
        text = self._keep(self.reader.matchable(self.raw, self.kind, self._stripped()), "mt")
        # A pattern reads the first MAX_MATCH_TEXT characters of a value, as in Python.
        d = self.reader.d
        return d.matches(d.prefix(text, MAX_MATCH_TEXT), pattern, ignore_case)

    def truth(self) -> E:
        parts = self._parts(number=True, instant=True)
        return self._keep(self.reader.truth(self.raw, self.kind, parts), "yes")

    def instant(self) -> E:
        return self._keep(self.reader.instant(self.raw, self.kind, self._parts(instant=True)), "us")

    def day(self) -> E:
        return self._keep(self.reader.day(self.raw, self.kind, self._parts(instant=True)), "day")

    def moment(self) -> tuple[E, E, E]:
        is_date, day, instant, bad = self.reader.moment(
            self.raw, self.kind, self._parts(instant=True)
        )
        if not (isinstance(bad, exp.Boolean) and not bad.this):
            self.bad.append(self.step.add(bad, f"{self.hint}mom_bad"))
        return (
            self.step.add(is_date, f"{self.hint}isdate"),
            self.step.add(day, f"{self.hint}mday"),
            self.step.add(instant, f"{self.hint}mus"),
        )

    def warns(self) -> None:
        self.bad.append(b.true())

    def units(self) -> E:
        """A `per` rule's units: a number (read as numbers are), or the length of a list."""
        if self.kind is Kind.LIST:
            return self.step.add(
                b.cast(self.reader.d.length(self.raw), "DECIMAL(38, 12)"), f"{self.hint}len"
            )
        return self.number()

    def items_text(self, needle: str) -> E | None:
        if self.kind is not Kind.LIST or self.column is None or self.column.item is None:
            return None
        item = self.column.item
        if item.kind not in (Kind.TEXT, Kind.INTEGER, Kind.BOOLEAN, Kind.DATE):
            raise Unsupported(
                f"the list column {self.column.name!r} ({self.column.type_name}) is searched "
                "with `contains`: only lists of text, whole numbers, yes/no or dates can be"
            )
        return self.step.add(
            list_contains_text(self.reader, self.raw, item.kind, needle), f"{self.hint}has"
        )


def list_contains_text(reader: Reader, raw: E, item_kind: Kind, needle: str) -> E:
    """Whether some item of a list, not missing, has the text ``needle`` (as
    ``any(to_text(item) == needle ...)``)."""
    d = reader.d
    one = exp.to_identifier("x")
    item = exp.Column(this=one)
    folded = d.fold(d.strip(item)) if item_kind is Kind.TEXT else None
    missing = reader.missing(item, item_kind, folded)
    text = reader.text(item, item_kind, folded).value
    test = b.and_(b.not_(missing), b.coalesce(b.eq(text, b.text(needle)), b.false()))
    return d.list_any(raw, one, test)


Factory = Callable[[ast.Name], "BoundValue | None"]


def clock_window(clock: Clock, window: ast.Window, is_date: E, day: E, instant: E) -> E:
    """Whether a moment (a plain date's ``day`` or an ``instant``) is in ``window``, the
    window's bounds worked out by ``clock``."""
    now_us, now_day = clock.now_us(), clock.now_day()
    if window.kind == "within":
        assert isinstance(window.value, ast.Duration)
        start_us, start_day = clock.start(window.value)
    else:
        start_us = start_day = b.null()
    return in_window(window, is_date, day, instant, now_us, start_us, now_day, start_day)
