"""The one SELECT that scores a table of leads: the checked rules as a chain of CTEs.

``__src`` selects each lead's id, its place in the table and the values the rules read;
``__prep`` strips and folds text; ``__read`` reads each value as the tests need it; the events
are aggregated per lead (:mod:`.events`) and joined; each definition is one step; then every
rule's truth and points, the groups' subtotals and clamps, the disqualify rules, the stages —
and the output columns (docs/sql.md): ``score``, ``stage``, ``qualified``, ``disqualified``,
``next_stage``, ``points_to_next_stage``, ``contributions``, ``disqualifications``,
``undecided``, ``groups`` and ``may_warn`` (the lead may have warnings: the Python engines give
their text).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from sqlglot import exp

from ...errors import Diagnostic, RuleCheckError
from ...lang import ast
from ...lang.checker import CheckedGroup, CheckedRules
from ...runtime.points import MAX_UNITS
from . import build as b
from .build import E
from .columns import Kind, Table, bind, column_named
from .conditions import Truth
from .dialect import Dialect, Unsupported
from .events import EventFacts, decayed
from .outputs import POINTS, Outputs, points_literal
from .reading import Reader
from .tables import BoundValue, Clock, EngineClock, Step, Steps, clock_window

__all__ = ["Query", "UnknownName"]

T = TypeVar("T")


class UnknownName(RuleCheckError):
    """A rule reads a name no column of the table has (or the id column is not there)."""

    def __init__(self, message: str | list[Diagnostic]) -> None:
        if isinstance(message, str):
            message = [Diagnostic(message, "<query>", 1, 1)]
        super().__init__(message)


class LeadScope:
    """The lead's own names: its columns, its events, its definitions."""

    top = True

    def __init__(self, query: Query) -> None:
        self.query = query

    def value(self, name: ast.Name, fact: bool = False) -> BoundValue | None:
        return self.query.value(name) if fact else self.query.required(name)

    def event_fact(self, node: ast.Fact) -> E:
        return self.query.event_fact(node)

    def definition(self, node: ast.DefRef) -> E:
        return self.query.definitions[id(node.definition)]

    def window(self, window: ast.Window, is_date: E, day: E, instant: E) -> E:
        return self.query.window(window, is_date, day, instant)


class Query(Outputs):
    """The scoring query of one rule set over one table of leads (and perhaps one of events),
    at one ``now``."""

    def __init__(
        self,
        rules: CheckedRules,
        dialect: Dialect,
        leads: Table,
        leads_source: exp.Expression,
        id_name: str,
        now: dt.datetime | None,
        events: Table | None = None,
        events_source: exp.Expression | None = None,
        events_id: str | None = None,
        *,
        missing_names: bool = False,
        internal: frozenset[str] = frozenset(),
        properties_only: bool = False,
        ordered: bool = True,
    ) -> None:
        self.rules = rules
        #: Whether the rows come in the leads' order (an ORDER BY where the engine would not
        #: keep it by itself); a caller that sorts the rows itself passes False.
        self.ordered = ordered
        #: A name no column has is missing in every lead (as the Python engines read a lead
        #: without it) rather than a mistake; ``internal`` columns are never read by a name;
        #: ``properties_only``: a `where` reads only the events' ``properties`` record.
        self.missing_names = missing_names
        self.all_leads = leads
        leads = Table(tuple(c for c in leads.columns if c.name not in internal))
        self.d = dialect
        self.reader = Reader(dialect)
        self.leads = leads
        self.leads_source = leads_source
        self.clock = Clock(now, dialect) if now is not None else EngineClock(dialect)
        self.dayfirst = rules.reading.dayfirst
        self.names = itertools.count(1)
        self.src = Step("__src", self.names)
        self.steps = Steps("__", self.names)
        self.read = self.steps.read
        self.values: dict[str, BoundValue] = {}
        self.problems: list[Diagnostic] = []
        self.current: ast.Span | None = None
        id_column = column_named(self.all_leads, id_name)
        if id_column is None:
            raise UnknownName(
                f"the leads have no column {id_name!r} for the lead id; their columns are "
                f"{_names(leads)}; name it with id="
            )
        self.id_column = id_column
        self.events: EventFacts | None = None
        self.events_source = events_source
        if events is not None:
            events_id_name = events_id or id_name
            events_id_column = column_named(events, events_id_name)
            if events_id_column is not None and internal:
                events = Table(
                    tuple(
                        c for c in events.columns if c.name not in internal or c is events_id_column
                    )
                )
            if events_id_column is None:
                raise UnknownName(
                    f"the events have no column {events_id_name!r} for the lead id; their "
                    f"columns are {_names(events)}; name it with events_id="
                )
            self.events_id_column = events_id_column
            self.events = EventFacts(
                events,
                events_id_column.name,
                self.reader,
                self.clock,
                self.dayfirst,
                self.names,
                missing_names=missing_names,
                properties_only=properties_only,
            )
        elif any(c.name == "events" for c in leads.columns):
            raise Unsupported(
                "the leads have an `events` column; pass the events as a table of their own "
                "(events=...: one row per event, with the lead id, name and at)"
            )
        self.definitions: dict[int, E] = {}

    # ---- values

    def value(self, name: ast.Name) -> BoundValue | None:
        key = name.key + ("`" if any(p.exact for p in name.parts) else "")
        key = "|".join(f"{p.text}{'`' if p.exact else ''}" for p in name.parts)
        found = self.values.get(key)
        if found is not None:
            return found
        binding = bind(self.leads, name)
        if binding is None:
            return None
        self.d.refuse_kind(
            binding.column.kind.value, f"{name} (the column {binding.column.name!r})"
        )
        if binding.kind is Kind.OTHER:
            raise Unsupported(
                f"{name} reads the column {binding.column.name!r} of type "
                f"{binding.leaf.type_name if binding.leaf else binding.column.type_name}, "
                "which leadrules cannot read"
            )
        raw: E = b.col(binding.column.name)
        if binding.column.kind is Kind.FLOAT and not binding.path:
            raw = b.cast(raw, "DOUBLE")
        for field in binding.path:
            raw = self.d.field(raw, field)
        if (
            binding.kind is Kind.TEXT
            and binding.leaf is not None
            and "ENUM" in binding.leaf.type_name.upper()
        ):
            raw = b.cast(raw, "VARCHAR")
        selected = self.src.add(raw, "v")
        value = BoundValue(
            selected,
            binding.leaf,
            binding.kind,
            self.steps,
            self.reader,
            self.dayfirst,
            f"v{len(self.values)}_",
        )
        self.values[key] = value
        return value

    def missing(self) -> BoundValue:
        """The value of a name no column has, when such a name is missing."""
        found = self.values.get("")
        if found is None:
            selected = self.src.add(b.null(), "v")
            found = self.values[""] = BoundValue(
                selected, None, Kind.NULL, self.steps, self.reader, self.dayfirst, "vnull_"
            )
        return found

    def required(self, name: ast.Name) -> BoundValue:
        """The value of a name that is not a fact: a name no column has is a mistake (or,
        with ``missing_names``, missing)."""
        value = self.value(name)
        if value is None and self.missing_names:
            return self.missing()
        if value is None:
            raise UnknownName(
                [
                    self._diagnostic(
                        name.span,
                        f"`{name}` is not a column of the leads; their columns are "
                        f"{_names(self.leads)}",
                        "name a column as the table has it (names match ignoring case, spaces, "
                        "`_` and `-`), or put the name in backticks",
                    )
                ]
            )
        return value

    def window(self, window: ast.Window, is_date: E, day: E, instant: E) -> E:
        return clock_window(self.clock, window, is_date, day, instant)

    def event_fact(self, node: ast.Fact) -> E:
        if self.events is None:
            return b.cast(b.null(), "BOOLEAN")  # the lead has no events: unknown
        n, u, _ = self.events.counts(node)
        n, u = b.coalesce(n, b.number(0)), b.coalesce(u, b.number(0))
        op, want = ("at least", 1) if node.count is None else (node.count.op, node.count.n)
        k = b.number(want)
        if op == "at least":
            return b.case(
                (b.compare(">=", n, k), b.true()),
                (b.compare("<", b.add(n, u), k), b.false()),
                default=b.cast(b.null(), "BOOLEAN"),
            )
        return b.case(
            (b.compare("<=", b.add(n, u), k), b.true()),
            (b.compare(">", n, k), b.false()),
            default=b.cast(b.null(), "BOOLEAN"),
        )

    def truth(self, condition: ast.Cond) -> E:
        return Truth().visit(condition, LeadScope(self))

    # ---- the rules

    def latest(self, condition: ast.Cond) -> E:
        """The most recent sure event among the true event facts of a condition (definitions
        followed): where decay counts from (NULL: there is none)."""
        if self.events is None:
            return b.null()
        candidates: list[E] = []
        for item in ast.tests(condition, definitions=True):
            if isinstance(item, ast.Fact) and self.value(item.name) is None:  # an event
                _, _, last = self.events.counts(item)
                candidates.append(b.case((b.coalesce(self.truth(item), b.false()), last)))
        if not candidates:
            return b.null()
        return candidates[0] if len(candidates) == 1 else self.d.greatest(*candidates)

    def score_rule(self, rule: ast.ScoreRule) -> tuple[E, E]:
        """(fired: TRUE, FALSE or NULL for undecided; its points when fired)."""
        if rule.per is not None:
            return self.per_rule(rule)
        assert rule.condition is not None
        fired = self.truth(rule.condition)
        points = points_literal(rule.points)
        if rule.decay is not None:
            latest = self.latest(rule.condition)
            age = b.sub(self.clock.now_us(), latest)
            points = b.case(
                (b.is_null(latest), points),
                default=decayed(self.reader, rule.points, rule.decay, age, self.clock),
            )
        return fired, points

    def per_rule(self, rule: ast.ScoreRule) -> tuple[E, E]:
        fact = rule.per
        assert fact is not None
        value = self.value(fact.name)
        if value is not None:
            if fact.has_modifiers:
                value.warns()
                return b.cast(b.null(), "BOOLEAN"), b.null()
            units = value.units()
            in_range = b.compare("<=", b.call("abs", units), b.number(MAX_UNITS))
            usable = b.and_(b.not_(value.missing()), b.coalesce(in_range, b.false()))
            product = b.mul(b.cast(b.text(format(rule.points, "f")), "DECIMAL(11, 4)"), units)
            full: E = b.cast(self.d.round_even(product, 4), POINTS)
            full = b.case((usable, full))
            fired = b.case(
                (b.not_(usable), b.cast(b.null(), "BOOLEAN")),
                (b.eq(full, b.number(0)), b.false()),
                default=b.true(),
            )
            if value.kind in (Kind.TEXT, Kind.FLOAT, Kind.INTEGER, Kind.DECIMAL):
                value.bad.append(
                    self.read.add(b.and_(b.not_(value.missing()), b.not_(usable)), "unitsbad")
                )
            return fired, self._capped(rule, full)
        if self.events is None:
            return b.cast(b.null(), "BOOLEAN"), b.null()
        n, u, _ = self.events.counts(fact)
        count = b.coalesce(n, b.number(0))
        if self.events is not None:
            self.per_uncertain.append(b.compare(">", b.coalesce(u, b.number(0)), b.number(0)))
        if rule.decay is not None:
            total = b.coalesce(
                self.events.decay_sum(fact, rule.points, rule.decay), points_literal(Decimal(0))
            )
            full = b.cast(total, POINTS)
        else:
            full = b.cast(b.mul(points_literal(rule.points), count), POINTS)
        fired = b.case((b.eq(full, b.number(0)), b.false()), default=b.true())
        return fired, self._capped(rule, full)

    def _capped(self, rule: ast.ScoreRule, full: E) -> E:
        if rule.cap is None:
            return full
        cap = points_literal(rule.cap)
        return b.case(
            (
                b.compare(">", b.call("abs", full), cap),
                b.case((b.compare(">", full, b.number(0)), cap), default=points_literal(-rule.cap)),
            ),
            default=full,
        )

    # ---- the whole query

    def _diagnostic(self, span: Any, message: str, hint: str) -> Diagnostic:
        """A message about ``span`` of the rule file, with its line and a caret."""
        file = self.rules.file
        return Diagnostic.at(file.source, file.filename, span, message, hint)

    def _at(self, node: Any, build: Callable[[], T]) -> T:
        """``build()``; an :class:`Unsupported` it raises is given ``node``'s position."""
        try:
            return build()
        except Unsupported as exc:
            if exc.located:
                raise
            raise Unsupported(
                [
                    self._diagnostic(
                        exc.span or node.span,
                        f"{self.d.title or self.d.name} cannot score this exactly as the "
                        f"reference does: {exc.reason}",
                        exc.hint
                        or "score these leads with the Python engine (leadrules score --engine "
                        "python; RuleSet.evaluate), or change the rule",
                    )
                ]
            ) from exc

    def build(self) -> exp.Select:
        """The query (raises :class:`Unsupported`, at a rule's position, for what this engine
        cannot score exactly as the reference does)."""
        try:
            return self._build()
        except Unsupported as exc:
            if exc.located:
                raise
            file = self.rules.file
            raise Unsupported(
                [
                    Diagnostic(
                        f"{self.d.title or self.d.name} cannot score these rules exactly as "
                        f"the reference does: {exc.reason}",
                        file.filename,
                        1,
                        1,
                        hint="score these leads with the Python engine (leadrules score "
                        "--engine python; RuleSet.evaluate)",
                    )
                ]
            ) from exc

    def _build(self) -> exp.Select:
        rules = self.rules
        self.per_uncertain: list[E] = []
        # Definitions, each a step of its own (a definition may use the ones before it).
        def_steps: list[tuple[str, Step]] = []
        for index, definition in enumerate(rules.definitions):
            step = Step(f"__d{index}", self.names)
            column = f"__def{index}"
            expression = self._at(definition, functools.partial(self.truth, definition.condition))
            step.columns[column] = expression
            def_steps.append((step.name, step))
            self.definitions[id(definition)] = b.col(column)
        # Rules, disqualifications, stage conditions.
        rule_step = Step("__rules", self.names)
        rule_cols: list[tuple[ast.ScoreRule, str | None, E, E]] = []
        for item in rules.items:
            group = item.name if isinstance(item, CheckedGroup) else None
            for rule in item.rules if isinstance(item, CheckedGroup) else (item,):
                fired, points = self._at(rule, functools.partial(self.score_rule, rule))
                f = rule_step.add(fired, "fired")
                p = rule_step.add(
                    b.case((b.coalesce(f, b.false()), points), default=points_literal(Decimal(0))),
                    "pts",
                )
                rule_cols.append((rule, group, f, p))
        dq_cols = [
            (dq, rule_step.add(self._at(dq, functools.partial(self.truth, dq.condition)), "dq"))
            for dq in rules.disqualifications
        ]
        stage_cols = [
            (
                s,
                rule_step.add(self._at(s, functools.partial(self.truth, s.condition)), "stc")
                if s.condition is not None
                else None,
            )
            for s in rules.stages
        ]
        return self._assemble(def_steps, rule_step, rule_cols, dq_cols, stage_cols)


def _names(table: Table) -> str:
    names = list(table.names)
    shown = ", ".join(repr(n) for n in names[:25])
    return shown + (f", ... ({len(names)} in all)" if len(names) > 25 else "")
