"""The analyzer: what can be known about every lead before any is scored, as diagnostics.

* the lowest and highest possible total and group scores (after group clamps and rule caps);
* stages that can never be reached, or that every lead reaches;
* rules whose condition can never be true (asked of the three-valued solver, :mod:`.logic`);
* rules written twice (by :func:`~.canon.canon`); group limits that can never bind;
* disqualify rules that are always true or that make every stage unreachable.

Every warning it gives is certain; it misses some (see docs/checking.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from typing import Any, TypeAlias

import attrs

from ...errors import Diagnostic, InvalidArgument
from ...runtime.points import DECAY_QUANTUM
from .. import ast
from ..checker import CheckedGroup, CheckedRules
from ..decimal_text import number_text
from ..schema import make_diagnostic, resolve_field
from .canon import canon
from .logic import TRUE, Logic

__all__ = ["INFINITY", "Analysis", "Bounds", "analyze", "score_bounds", "summarize"]

INFINITY = Decimal("Infinity")
#: The step decayed points are rounded to (see the evaluator).

Bounds: TypeAlias = tuple[Decimal, Decimal]


@attrs.frozen(slots=True)
class Analysis:
    """What static analysis found. Bounds use ``Decimal('Infinity')`` for "no limit"."""

    total: Bounds
    groups: dict[str, Bounds]
    rule_bounds: tuple[tuple[ast.ScoreRule, Bounds], ...]  # every score rule, in order
    never_fires: tuple[ast.ScoreRule, ...]
    unreachable_stages: tuple[str, ...]
    always_reached_stages: tuple[str, ...]
    always_disqualified: bool
    never_disqualifies: tuple[ast.Disqualify, ...]
    diagnostics: tuple[Diagnostic, ...]


def _checked(rules: Any) -> CheckedRules:
    if isinstance(rules, CheckedRules):
        return rules
    checked = getattr(rules, "checked", None)
    if isinstance(checked, CheckedRules):
        return checked
    raise InvalidArgument(
        f"expected a RuleSet (from leadrules.compile) or checked rules, not {type(rules).__name__}"
    )


def _fmt(value: Decimal) -> str:
    if value == INFINITY:
        return "no upper limit"
    if value == -INFINITY:
        return "no lower limit"
    return number_text(value)


def _range(low: Decimal, high: Decimal) -> str:
    """``ranges from -10 to 35``, ``is at least 0, with no upper limit``, ..."""
    if low.is_finite() and high.is_finite():
        return f"ranges from {_fmt(low)} to {_fmt(high)}"
    if low.is_finite():
        return f"is at least {_fmt(low)}, with no upper limit"
    if high.is_finite():
        return f"is at most {_fmt(high)}, with no lower limit"
    return "has no lower or upper limit"


def _clamp(value: Decimal, low: Decimal | None, high: Decimal | None) -> Decimal:
    if high is not None and value > high:
        value = high
    if low is not None and value < low:
        value = low
    return value


class _Analyzer:
    def __init__(self, rules: CheckedRules, schema: Any = None) -> None:
        self.rules = rules
        self.schema = schema
        self.logic = Logic()
        self.out: list[Diagnostic] = []
        self.unbounded: list[ast.ScoreRule] = []

    def diag(
        self, span: ast.Span, message: str, hint: str | None = None, severity: str = "warning"
    ) -> None:
        self.out.append(make_diagnostic(self.rules, span, message, hint, severity))

    # ---- one rule

    def counts_only(self, rule: ast.ScoreRule) -> bool:
        """True when the per target counts things (never negative); False when it may be a
        number field that holds a negative number."""
        per = rule.per
        assert per is not None
        if per.has_modifiers:
            return True  # a field with a count/window/where gives nothing: only events count
        if self.schema is None:
            return False
        field = resolve_field(self.schema, per.name)
        return field is None or field.is_list

    def rule_bounds(self, rule: ast.ScoreRule, fires: bool) -> Bounds:
        zero = Decimal(0)
        points = rule.points
        if not fires or points == 0:
            return zero, zero
        if rule.per is None:
            low, high = min(zero, points), max(zero, points)
            if rule.decay is not None:  # decayed points are rounded to the cent
                high = max(high, high.quantize(DECAY_QUANTUM, ROUND_CEILING))
                low = min(low, low.quantize(DECAY_QUANTUM, ROUND_FLOOR))
            return low, high
        counts = self.counts_only(rule)
        if rule.cap is not None:
            cap = rule.cap
            if counts:
                return (zero, cap) if points > 0 else (-cap, zero)
            return -cap, cap
        self.unbounded.append(rule)
        if counts:
            return (zero, INFINITY) if points > 0 else (-INFINITY, zero)
        return -INFINITY, INFINITY

    def fires(self, rule: ast.ScoreRule) -> bool:
        if rule.condition is not None:
            why = self.logic.why_never_true(rule.condition)
            if why is not None:
                self.diag(
                    rule.span,
                    f"this rule can never fire: {why}",
                    "its condition contradicts itself; check the values and the `and`/`or`",
                )
                return False
            return True
        per = rule.per
        if per is not None and per.where is not None:
            why = Logic().why_never_true(per.where)
            if why is not None:
                self.diag(
                    rule.span,
                    f"this rule can never give points: no event can match its `where` ({why})",
                    "its `where` filter contradicts itself",
                )
                return False
        return True

    # ---- the file

    def run(self) -> Analysis:
        rules = self.rules
        for definition in rules.definitions:
            why = self.logic.why_never_true(definition.condition)
            if why is not None:
                self.diag(
                    definition.span,
                    f"`{definition.name}` can never be true: {why}",
                    "its condition contradicts itself",
                )
        never: list[ast.ScoreRule] = []
        per_rule: list[tuple[ast.ScoreRule, Bounds]] = []
        group_bounds: dict[str, Bounds] = {}
        low_total = high_total = Decimal(0)
        for item in rules.items:
            if isinstance(item, CheckedGroup):
                low = high = Decimal(0)
                for rule in item.rules:
                    fires = self.fires(rule)
                    if not fires:
                        never.append(rule)
                    bounds = self.rule_bounds(rule, fires)
                    per_rule.append((rule, bounds))
                    low, high = low + bounds[0], high + bounds[1]
                self.group_limits(item, low, high)
                clamped = (_clamp(low, item.min, item.max), _clamp(high, item.min, item.max))
                group_bounds[item.name] = clamped
                self.diag(
                    item.span,
                    f"group `{item.name}` {_range(*clamped)}",
                    severity="info",
                )
                low_total, high_total = low_total + clamped[0], high_total + clamped[1]
            else:
                fires = self.fires(item)
                if not fires:
                    never.append(item)
                bounds = self.rule_bounds(item, fires)
                per_rule.append((item, bounds))
                low_total, high_total = low_total + bounds[0], high_total + bounds[1]
        self.total_info(low_total, high_total)
        self.duplicates()
        always_dq, never_dq = self.disqualifications()
        unreachable, always = self.stages(low_total, high_total, always_dq)
        self.out.sort(key=lambda d: (d.line, d.column, d.severity != "info"))
        return Analysis(
            total=(low_total, high_total),
            groups=group_bounds,
            rule_bounds=tuple(per_rule),
            never_fires=tuple(never),
            unreachable_stages=tuple(unreachable),
            always_reached_stages=tuple(always),
            always_disqualified=always_dq,
            never_disqualifies=tuple(never_dq),
            diagnostics=tuple(self.out),
        )

    def total_info(self, low: Decimal, high: Decimal) -> None:
        message = f"the total score {_range(low, high)}"
        hint = None
        if self.unbounded:
            lines = ", ".join(str(r.span.line) for r in self.unbounded[:5])
            hint = (
                f"a `per` rule without `, up to N` has no limit (line {lines}); "
                "without a schema a `per` name may also be a number field, which can be negative"
            )
        self.out.insert(
            0,
            Diagnostic(
                message=message,
                filename=self.rules.file.filename,
                line=1,
                column=1,
                hint=hint,
                severity="info",
            ),
        )

    def group_limits(self, group: CheckedGroup, low: Decimal, high: Decimal) -> None:
        if group.max is not None and high <= group.max:
            self.diag(
                group.span,
                f"the `max {_fmt(group.max)}` of group `{group.name}` can never bind: "
                f"its rules give at most {_fmt(high)}",
                "remove the limit, or lower it if it was meant to cap the group",
            )
        if group.min is not None and low >= group.min:
            self.diag(
                group.span,
                f"the `min {_fmt(group.min)}` of group `{group.name}` can never bind: "
                f"its rules give at least {_fmt(low)}",
                "remove the limit, or raise it if it was meant to floor the group",
            )

    def duplicates(self) -> None:
        seen: dict[Any, ast.ScoreRule | ast.Disqualify] = {}
        for rule in self.rules.score_rules:
            if rule.per is not None:
                key: Any = ("per", canon(rule.per))
            else:
                assert rule.condition is not None  # a rule without `per` has a condition
                key = ("when", canon(rule.condition))
            first = seen.setdefault(key, rule)
            if first is not rule:
                self.diag(
                    rule.span,
                    f"this rule tests the same thing as the rule on line {first.span.line}",
                    "a lead that meets one meets both, so it gets both rules' points; "
                    "remove one, or merge their points",
                )
        for dq in self.rules.disqualifications:
            key = ("dq", canon(dq.condition))
            first = seen.setdefault(key, dq)
            if first is not dq:
                self.diag(
                    dq.span,
                    f"this disqualify rule tests the same thing as the one on line "
                    f"{first.span.line}",
                    "remove one of them",
                )

    def disqualifications(self) -> tuple[bool, list[ast.Disqualify]]:
        always = False
        never: list[ast.Disqualify] = []
        stages = self.rules.stages
        for dq in self.rules.disqualifications:
            why = self.logic.why_never_true(dq.condition)
            if why is not None:
                never.append(dq)
                self.diag(dq.span, f"this disqualify rule can never be true: {why}")
                continue
            if self.logic.always_true(dq.condition):
                always = True
                self.diag(
                    dq.span,
                    "this disqualify rule is always true: every lead is disqualified, "
                    "so no stage can ever be reached",
                    "a test like `x is present or x is missing` holds for every lead",
                )
                continue
            if stages and all(self.blocked(stage, [dq]) for stage in stages):
                self.diag(
                    dq.span,
                    "this disqualify rule makes every stage unreachable: every lead that could "
                    "reach a stage is disqualified by it",
                    "check the stages' conditions against this rule",
                )
        return always, never

    def blocked(self, stage: ast.Stage, dqs: Iterable[ast.Disqualify]) -> bool:
        """True when every lead meeting ``stage``'s condition is disqualified by ``dqs``."""
        alive = TRUE if stage.condition is None else self.logic.tfu(stage.condition)[0]
        for dq in dqs:
            alive = self.logic.both(alive, self.logic.not_true(dq.condition))
        return not self.logic.possible(alive)

    def stages(self, low: Decimal, high: Decimal, always_dq: bool) -> tuple[list[str], list[str]]:
        unreachable: list[str] = []
        always: list[str] = []
        dqs = self.rules.disqualifications
        for stage in self.rules.stages:
            threshold = _fmt(stage.threshold)
            if stage.threshold > high:
                unreachable.append(stage.name)
                self.diag(
                    stage.span,
                    f"stage `{stage.name}` can never be reached: it needs a score of {threshold} "
                    f"and the highest possible score is {_fmt(high)}",
                    "lower the threshold, or check the group limits and `up to` caps",
                )
                continue
            if stage.condition is not None:
                why = self.logic.why_never_true(stage.condition)
                if why is not None:
                    unreachable.append(stage.name)
                    self.diag(
                        stage.span,
                        f"stage `{stage.name}` can never be reached: its condition can never "
                        f"be true ({why})",
                    )
                    continue
            if always_dq:
                unreachable.append(stage.name)
                continue  # said once, at the disqualify rule
            if dqs and self.blocked(stage, dqs):
                unreachable.append(stage.name)
                lines = [str(dq.span.line) for dq in dqs if self.blocked(stage, [dq])] or [
                    str(dq.span.line) for dq in dqs
                ]
                self.diag(
                    stage.span,
                    f"stage `{stage.name}` can never be reached: every lead that meets its "
                    f"condition is disqualified (line {', '.join(lines)})",
                )
                continue
            if stage.condition is None and low >= stage.threshold:
                always.append(stage.name)
                unless = " that is not disqualified" if dqs else ""
                self.diag(
                    stage.span,
                    f"stage `{stage.name}` is always reached: every lead{unless} scores at "
                    f"least {_fmt(low)}, and the stage needs a score of {threshold}",
                    "raise the threshold, or give the stage a condition",
                )
        return unreachable, always


def summarize(rules: Any, schema: Any = None) -> Analysis:
    """The full analysis of a RuleSet (or checked rules). With ``schema``, a ``per`` rule on
    an event or list field is known never to go negative."""
    checked = _checked(rules)
    with localcontext() as context:
        context.prec = 1000  # bounds add up exactly, whatever the size of the points
        return _Analyzer(checked, schema).run()


def analyze(rules: Any, schema: Any = None) -> tuple[Diagnostic, ...]:
    """Warnings (and the score bounds, as ``info``) about ``rules``, each with a position."""
    return summarize(rules, schema).diagnostics


def score_bounds(rules: Any, schema: Any = None) -> tuple[Decimal, Decimal, dict[str, Bounds]]:
    """``(lowest, highest, {group: (lowest, highest)})`` possible scores, after group limits
    and rule caps. An unlimited bound is ``Decimal('Infinity')`` (or its negative)."""
    result = summarize(rules, schema)
    return result.total[0], result.total[1], dict(result.groups)
