"""The output columns of the scoring query (docs/sql.md): the score and its groups' limits, the
stage, qualified and disqualified, the next stage and the points to go, and the lists
(``contributions``, ``disqualifications``, ``undecided``, ``groups``) — assembled from the rules'
columns that :class:`.query.Query` builds, with the CTE chain, into the one SELECT.

A mixin of :class:`.query.Query`: it reads the query's tables, steps and dialect. Not here:
the rules' truth and points (:mod:`.query`), the values (:mod:`.tables`).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from sqlglot import exp

from ...lang import ast
from ...lang.checker import CheckedGroup, CheckedRules
from ...lang.decimal_text import number_text
from . import build as b
from .build import E
from .columns import Column
from .dialect import Dialect
from .events import EventFacts
from .tables import BoundValue, Step, Steps

__all__ = ["POINTS", "Outputs", "points_literal"]

#: The SQL types of the output: points, and the lists' items.
POINTS = "DECIMAL(38, 4)"
CONTRIBUTION = f'STRUCT(line INTEGER, label VARCHAR, "group" VARCHAR, points {POINTS})'
DISQUALIFICATION = "STRUCT(line INTEGER, reason VARCHAR)"
UNDECIDED = "STRUCT(line INTEGER, kind VARCHAR, label VARCHAR)"
GROUP = f"STRUCT(name VARCHAR, subtotal {POINTS})"


def points_literal(value: Decimal) -> E:
    """A number of points as a literal of the points' type."""
    return b.cast(b.text(format(value, "f")), POINTS)


class Outputs:
    """The query's output columns (see the module's docstring)."""

    rules: CheckedRules
    d: Dialect
    events: EventFacts | None
    events_id_column: Column
    events_source: exp.Expression | None
    id_column: Column
    leads_source: exp.Expression
    names: Iterator[int]
    ordered: bool
    per_uncertain: list[E]
    src: Step
    steps: Steps
    values: dict[str, BoundValue]

    def _assemble(self, def_steps, rule_step, rule_cols, dq_cols, stage_cols) -> exp.Select:  # type: ignore[no-untyped-def]
        rules = self.rules
        score_step = Step("__score", self.names)
        contributions: list[E] = []
        groups: list[E] = []
        totals: list[E] = []
        by_group: dict[str, list[tuple[ast.ScoreRule, E, E]]] = {}
        for rule, group, f, p in rule_cols:
            by_group.setdefault(group or "", []).append((rule, f, p))
        used: dict[str, int] = {}
        for item in rules.items:
            if isinstance(item, CheckedGroup):
                members = by_group[item.name][: len(item.rules)]
                by_group[item.name] = by_group[item.name][len(item.rules) :]
                for rule, f, p in members:
                    contributions.append(
                        _entry(self.d, f, rule.span.line, rule.display, item.name, p)
                    )
                subtotal = _sum([p for _, _, p in members])
                sub = score_step.add(subtotal, "sub")
                clamped: E = sub
                if item.max is not None:
                    clamped = b.case(
                        (
                            b.compare(">", clamped, points_literal(item.max)),
                            points_literal(item.max),
                        ),
                        default=clamped,
                    )
                if item.min is not None:
                    clamped = b.case(
                        (
                            b.compare("<", clamped, points_literal(item.min)),
                            points_literal(item.min),
                        ),
                        default=clamped,
                    )
                cl = score_step.add(clamped, "clamped")
                contributions.append(self._clamp_entry(item, sub, cl))
                groups.append(self.d.record([("name", b.text(item.name)), ("subtotal", cl)]))
                totals.append(cl)
            else:
                rule, f, p = by_group[""].pop(0)
                contributions.append(_entry(self.d, f, rule.span.line, rule.display, None, p))
                totals.append(p)
        del used
        score = score_step.add(b.cast(_sum(totals), POINTS), "score")
        disqualified = score_step.add(
            b.or_(*(b.coalesce(c, b.false()) for _, c in dq_cols)) if dq_cols else b.false(), "disq"
        )
        reached = [
            score_step.add(
                b.and_(
                    b.compare(">=", score, points_literal(s.threshold)),
                    b.coalesce(c, b.false()) if c is not None else b.true(),
                ),
                "reached",
            )
            for s, c in stage_cols
        ]
        undecided: list[E] = []
        for rule, _, f, _ in rule_cols:
            undecided.append(
                _undecided(self.d, b.is_null(f), rule.span.line, "score rule", rule.display)
            )
        for dq, c in dq_cols:
            undecided.append(
                _undecided(self.d, b.is_null(c), dq.span.line, "disqualify", dq.reason or dq.text)
            )
        for s, c in stage_cols:
            if c is not None:
                undecided.append(_undecided(self.d, b.is_null(c), s.span.line, "stage", s.text))
        disqualifications = [
            b.case(
                (
                    b.coalesce(c, b.false()),
                    self.d.record(
                        [
                            ("line", b.number(dq.span.line)),
                            ("reason", b.text(dq.reason or dq.text)),
                        ]
                    ),
                )
            )
            for dq, c in dq_cols
        ]
        stages = rules.stages
        stage_name = b.case(
            (disqualified, b.cast(b.null(), "VARCHAR")),
            *((r, b.text(s.name)) for s, r in reversed(list(zip(stages, reached, strict=True)))),
            default=b.cast(b.null(), "VARCHAR"),
        )
        floor = b.case(
            *((r, b.number(i)) for i, r in reversed(list(enumerate(reached)))), default=b.number(-1)
        )
        nxt_whens = []
        nth_whens = []
        for i, (s, r) in enumerate(zip(stages, reached, strict=True)):
            cond = b.and_(b.compare("<", floor, b.number(i)), b.not_(r))
            nxt_whens.append((cond, b.text(s.name)))
            gap = b.sub(points_literal(s.threshold), score)
            nth_whens.append(
                (
                    cond,
                    b.case(
                        (b.compare("<", gap, b.number(0)), points_literal(Decimal(0))), default=gap
                    ),
                )
            )
        warns = [flag for value in self.values.values() for flag in value.bad]
        warns.extend(self.per_uncertain)
        if self.events is not None:
            warns.append(b.coalesce(self.events.warn, b.false()))
        outputs = [
            b.alias(b.col("__id"), self.id_column.name),
            b.alias(score, "score"),
            b.alias(stage_name, "stage"),
            b.alias(b.and_(b.not_null(stage_name), b.not_(disqualified)), "qualified"),
            b.alias(disqualified, "disqualified"),
            b.alias(
                b.case(
                    (disqualified, b.cast(b.null(), "VARCHAR")),
                    *nxt_whens,
                    default=b.cast(b.null(), "VARCHAR"),
                ),
                "next_stage",
            ),
            b.alias(
                b.case(
                    (disqualified, b.cast(b.null(), POINTS)),
                    *nth_whens,
                    default=b.cast(b.null(), POINTS),
                ),
                "points_to_next_stage",
            ),
            b.alias(self._list(contributions, CONTRIBUTION), "contributions"),
            b.alias(self._list(disqualifications, DISQUALIFICATION), "disqualifications"),
            b.alias(self._list(undecided, UNDECIDED), "undecided"),
            b.alias(self._list(groups, GROUP), "groups"),
            b.alias(
                b.or_(*(b.coalesce(w, b.false()) for w in warns)) if warns else b.false(),
                "may_warn",
            ),
        ]
        # The chain.
        ctes: list[tuple[str, exp.Select]] = []
        src = exp.select(
            b.alias(self.d.row_number(), "__row"),
            b.alias(b.col(self.id_column.name), "__id"),
            *(b.alias(e, n) for n, e in self.src.columns.items()),
        ).from_(self.leads_source, copy=False)
        ctes.append(("__src", src))
        ctes.extend(self.steps.chain("__src"))
        last = "__read"
        if self.events is not None:
            assert self.events_source is not None
            id_raw = b.col(self.events_id_column.name)
            ctes.extend(self.events.table_sql(self.events_source, id_raw))
            joined = (
                exp.select(exp.Star())
                .from_(exp.to_table("__read", quoted=True), copy=False)
                .join(
                    exp.to_table("__ev_agg", quoted=True),
                    on=b.eq(
                        _join_key(b.col("__id", "__read"), self.id_column, self.events_id_column),
                        _join_key(
                            b.col("__lid", "__ev_agg"), self.events_id_column, self.id_column
                        ),
                    ),
                    join_type="left",
                    copy=False,
                )
            )
            ctes.append(("__joined", joined))
            last = "__joined"
        for name, step in def_steps:
            ctes.append((name, step.select(last)))
            last = name
        ctes.append(("__rules", rule_step.select(last)))
        ctes.append(("__score", score_step.select("__rules")))
        query = exp.select(*outputs).from_(exp.to_table("__score", quoted=True), copy=False)
        if self.ordered and self.d.sorts and (self.events is not None or not self.d.keeps_order):
            query = query.order_by(b.col("__row"), copy=False)
        query.set(
            "with_",
            exp.With(
                expressions=[
                    exp.CTE(
                        this=select, alias=exp.TableAlias(this=exp.to_identifier(name, quoted=True))
                    )
                    for name, select in ctes
                ]
            ),
        )
        return query

    def _clamp_entry(self, group: CheckedGroup, sub: E, clamped: E) -> E:
        word = b.case((b.compare("<", clamped, sub), b.text("max")), default=b.text("min"))
        limit = b.case(
            (
                b.compare("<", clamped, sub),
                b.text(number_text(group.max) if group.max is not None else ""),
            ),
            default=b.text(number_text(group.min) if group.min is not None else ""),
        )
        label = self.d.concat(
            b.text(f"group {group.name} limited to "),
            word,
            b.text(" "),
            limit,
            b.text(" (its rules gave "),
            _number_text(self.d, sub),
            b.text(")"),
        )
        entry = self.d.record(
            [
                ("line", b.number(group.span.line)),
                ("label", label),
                ("group", b.text(group.name)),
                ("points", b.cast(b.sub(clamped, sub), POINTS)),
            ]
        )
        return b.case((b.compare("!=", clamped, sub), entry))

    def _list(self, items: list[E], type_: str) -> E:
        return self.d.compact_list(items, type_)


def _entry(d: Dialect, fired: E, line: int, label: str, group: str | None, points: E) -> E:
    entry = d.record(
        [
            ("line", b.number(line)),
            ("label", b.text(label)),
            ("group", b.text(group) if group is not None else b.cast(b.null(), "VARCHAR")),
            ("points", b.cast(points, POINTS)),
        ]
    )
    return b.case((b.coalesce(fired, b.false()), entry))


def _undecided(d: Dialect, when: E, line: int, kind: str, label: str) -> E:
    entry = d.record([("line", b.number(line)), ("kind", b.text(kind)), ("label", b.text(label))])
    return b.case((when, entry))


def _sum(parts: list[E]) -> E:
    if not parts:
        return points_literal(Decimal(0))
    total = parts[0]
    for part in parts[1:]:
        total = b.add(total, part)
    return b.cast(total, POINTS)


def _number_text(d: Dialect, value: E) -> E:
    """decimal_text.number_text in SQL, for a DECIMAL(38, 4)."""
    return b.case(
        (d.is_whole(value), d.whole_text(value, False)),
        default=d.rtrim(b.cast(value, "VARCHAR"), "0"),
    )


def _join_key(value: E, mine: object, theirs: object) -> E:
    """Ids of different kinds are joined as their text."""
    if getattr(mine, "kind", None) == getattr(theirs, "kind", None):
        return value
    return b.cast(value, "VARCHAR")
