"""The checker: turns a parsed :class:`~leadrules.ast.RuleFile` into :class:`CheckedRules`, or
reports every mistake it finds as a :class:`~leadrules.errors.RuleCheckError`.

It checks what can be known from the text alone: definitions exist and come before their use,
nothing is defined twice, stage thresholds differ, regular expressions are valid (and safe),
values suit their operators, and statements stand where they may. Uses of definitions are
replaced by :class:`~leadrules.ast.DefRef` nodes, so the checked tree is self-contained.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs

from ..errors import Diagnostic, RuleCheckError
from ..runtime.regex import RegexProblem, compile_regex
from ..runtime.values import Reading, fold
from . import ast, literals
from .decimal_text import number_text
from .literals import literal_text
from .messages import did_you_mean
from .visitor import Visitor

__all__ = ["MAX_DECIMALS", "MAX_LIMIT", "MAX_POINTS", "CheckedGroup", "CheckedRules", "check"]

#: Limits on the numbers of a rule file, so that scores always add up exactly (see values).
MAX_POINTS = Decimal(1_000_000)
MAX_LIMIT = Decimal(10**15)
MAX_DECIMALS = 4
#: How deeply a condition may nest counting through definitions (each level costs the
#: evaluators a few Python frames).
MAX_DEFINITION_DEPTH = 150


@attrs.frozen(slots=True)
class CheckedGroup:
    """A group and its (checked) score rules."""

    name: str
    rules: tuple[ast.ScoreRule, ...]
    max: Decimal | None
    min: Decimal | None
    text: str
    span: ast.Span


#: One item of the file, in source order: a score rule outside any group, or a group.
Item = ast.ScoreRule | CheckedGroup


@attrs.frozen(slots=True)
class CheckedRules:
    """A rule file after checking: what every backend evaluates."""

    items: tuple[Item, ...]
    definitions: tuple[ast.Define, ...]
    disqualifications: tuple[ast.Disqualify, ...]
    stages: tuple[ast.Stage, ...]  # ordered by threshold, lowest first
    file: ast.RuleFile
    #: How the backends read the leads' values (dates day first, ...).
    reading: Reading = attrs.field(factory=Reading)

    @property
    def groups(self) -> tuple[CheckedGroup, ...]:
        return tuple(i for i in self.items if isinstance(i, CheckedGroup))

    @property
    def score_rules(self) -> tuple[ast.ScoreRule, ...]:
        """Every score rule, grouped or not, in source order."""
        out: list[ast.ScoreRule] = []
        for item in self.items:
            out.extend(item.rules if isinstance(item, CheckedGroup) else (item,))
        return tuple(out)

    def conditions(self, *, definitions: bool = True, per: bool = True) -> Iterator[ast.Cond]:
        """Every top-level condition of the file: the definitions' (unless ``definitions`` is
        false), then the score rules' (with the event or field of a `per` rule, unless ``per``
        is false), the disqualify rules' and the stages', each in source order."""
        if definitions:
            for definition in self.definitions:
                yield definition.condition
        for rule in self.score_rules:
            if rule.condition is not None:
                yield rule.condition
            if per and rule.per is not None:
                yield rule.per
        for dq in self.disqualifications:
            yield dq.condition
        for stage in self.stages:
            if stage.condition is not None:
                yield stage.condition


class _Checker(Visitor[[bool], ast.Cond]):
    """One check of one file; as a visitor, it checks one condition (see :meth:`cond`)."""

    def __init__(self, file: ast.RuleFile) -> None:
        self.file = file
        self.problems: list[Diagnostic] = []
        self.defined: dict[str, ast.Define] = {}
        self.depths = _Depth()
        self.all_definitions = {s.name.key: s for s in file.statements if isinstance(s, ast.Define)}

    # ---- reporting

    def error(self, span: ast.Span, message: str, hint: str | None = None) -> None:
        self.problems.append(
            Diagnostic.at(self.file.source, self.file.filename, span, message, hint)
        )

    # ---- the file

    def run(self) -> CheckedRules:
        items: list[Item] = []
        definitions: list[ast.Define] = []
        disqualifications: list[ast.Disqualify] = []
        stages: list[ast.Stage] = []
        groups_seen: dict[str, ast.Group] = {}
        stage_names: dict[str, ast.Stage] = {}
        thresholds: dict[Decimal, ast.Stage] = {}

        for statement in self.file.statements:
            if isinstance(statement, ast.Define):
                checked_def = self.define(statement)
                if checked_def is not None:
                    definitions.append(checked_def)
            elif isinstance(statement, ast.ScoreRule):
                items.append(self.score_rule(statement))
            elif isinstance(statement, ast.Group):
                key = ast.normalize_name(statement.name)
                if key in groups_seen:
                    first = groups_seen[key]
                    self.error(
                        statement.span,
                        f"group `{statement.name}` is defined twice "
                        f"(first on line {first.span.line})",
                        "give each group its own name, or merge the two blocks",
                    )
                else:
                    groups_seen[key] = statement
                for misplaced in statement.misplaced:
                    kind = type(misplaced).__name__.lower()
                    words = {
                        "disqualify": "disqualify rules",
                        "stage": "stages",
                        "define": "definitions",
                    }
                    self.error(
                        misplaced.span,
                        f"only score rules can go inside a group, not {words.get(kind, kind)}",
                        "move this line out of the group (remove its indentation)",
                    )
                for limit in (statement.max, statement.min):
                    if limit is not None:
                        self.number(limit, statement.span, "the group limit", MAX_LIMIT)
                rules = tuple(self.score_rule(rule) for rule in statement.rules)
                items.append(
                    CheckedGroup(
                        statement.name,
                        rules,
                        statement.max,
                        statement.min,
                        statement.text,
                        statement.span,
                    )
                )
            elif isinstance(statement, ast.Disqualify):
                disqualifications.append(
                    attrs.evolve(statement, condition=self.cond(statement.condition))
                )
            elif isinstance(statement, ast.Stage):
                key = ast.normalize_name(statement.name)
                if key in stage_names:
                    self.error(
                        statement.span,
                        f"stage `{statement.name}` is defined twice "
                        f"(first on line {stage_names[key].span.line})",
                        "a lead reaches each stage at one threshold: keep one of the two lines",
                    )
                    continue
                if statement.threshold in thresholds:
                    other = thresholds[statement.threshold]
                    self.error(
                        statement.span,
                        f"stages `{other.name}` and `{statement.name}` have the same threshold "
                        f"{number_text(statement.threshold)}",
                        "give each stage its own threshold, so they can be ranked",
                    )
                    continue
                self.number(statement.threshold, statement.span, "the threshold", MAX_LIMIT)
                stage_names[key] = statement
                thresholds[statement.threshold] = statement
                condition = statement.condition
                stages.append(
                    attrs.evolve(
                        statement, condition=None if condition is None else self.cond(condition)
                    )
                )
        if self.problems:
            raise RuleCheckError(self.problems)
        stages.sort(key=lambda s: s.threshold)
        return CheckedRules(
            items=tuple(items),
            definitions=tuple(definitions),
            disqualifications=tuple(disqualifications),
            stages=tuple(stages),
            file=self.file,
        )

    def define(self, statement: ast.Define) -> ast.Define | None:
        key = statement.name.key
        if key in self.defined:
            first = self.defined[key]
            self.error(
                statement.name.span,
                f"`{statement.name}` is defined twice (first on line {first.span.line})",
                "give each definition its own name, or keep only one of them",
            )
            return None
        self.check_name(statement.name)
        checked = attrs.evolve(statement, condition=self.cond(statement.condition))
        depth = self.depth(checked.condition)
        if depth > MAX_DEFINITION_DEPTH:
            self.error(
                statement.name.span,
                f"`{statement.name}` builds on definitions nested {depth} levels deep, more "
                f"than the {MAX_DEFINITION_DEPTH} leadrules can evaluate",
                "define it from fields and events more directly, with fewer definitions "
                "built on definitions",
            )
        self.defined[key] = checked
        return checked

    def depth(self, node: ast.Cond) -> int:
        """How deeply a condition nests, counting through the definitions it uses."""
        return self.depths.visit(node)

    def number(self, value: Decimal, span: ast.Span, what: str, limit: Decimal) -> None:
        """Rule numbers are kept to sizes for which every score adds up exactly."""
        if abs(value) > limit:
            shown, most = number_text(value), number_text(limit)
            self.error(span, f"{what} {shown} is too large", f"use at most {most}")
        elif value.as_tuple().exponent < -MAX_DECIMALS:  # type: ignore[operator]
            self.error(
                span,
                f"{what} {number_text(value)} has more than {MAX_DECIMALS} decimal places",
                f"round it to {MAX_DECIMALS} decimal places",
            )

    def score_rule(self, rule: ast.ScoreRule) -> ast.ScoreRule:
        self.number(rule.points, rule.span, "the points", MAX_POINTS)
        if rule.cap is not None:
            self.number(rule.cap, rule.span, "the limit", MAX_LIMIT)
        condition = None if rule.condition is None else self.cond(rule.condition)
        per: ast.Fact | None = rule.per
        if per is not None:
            if per.name.key in self.all_definitions:
                self.error(
                    per.name.span,
                    f"`{per.name}` is a definition; `per` counts events or a number field",
                    "write `+N when <definition>` to give points once",
                )
            else:
                if per.count is not None:
                    self.error(
                        per.count.span,
                        "a `per` rule gives points for every matching event, so "
                        f"`{per.count.op} {per.count.n} times` does not fit here",
                        f"to give points once, write `+N when {per.name} {per.count.op} "
                        f"{per.count.n} times`; to limit the points, add `, up to M`",
                    )
                checked_per = self.fact(per)
                per = checked_per if isinstance(checked_per, ast.Fact) else per
        if rule.decay is not None:
            target = condition if condition is not None else per
            if target is None or not _MENTIONS_FACT.visit(target):
                self.error(
                    rule.decay.span,
                    "`decaying` needs a rule about an event: there is no event in this rule",
                    "decay shrinks points with the age of the latest matching event, "
                    "e.g. `+20 when attended webinar, decaying 50% every 30 days`",
                )
        if rule.per is None and rule.cap is not None:
            self.error(
                rule.span,
                "`up to` limits a `per` rule; this rule gives its points once",
                "remove `, up to ...`, or write `+N per <event>, up to M`",
            )
        return attrs.evolve(rule, condition=condition, per=per)

    # ---- conditions: one method per node type; ``in_where``: inside a `where` filter

    def cond(self, node: ast.Cond, *, in_where: bool = False) -> ast.Cond:
        """The checked condition: uses of definitions made DefRef nodes, problems reported."""
        return self.visit(node, in_where)

    def visit_and(self, node: ast.And, in_where: bool) -> ast.Cond:
        return attrs.evolve(node, operands=tuple(self.visit(o, in_where) for o in node.operands))

    def visit_or(self, node: ast.Or, in_where: bool) -> ast.Cond:
        return attrs.evolve(node, operands=tuple(self.visit(o, in_where) for o in node.operands))

    def visit_not(self, node: ast.Not, in_where: bool) -> ast.Cond:
        return attrs.evolve(node, operand=self.visit(node.operand, in_where))

    def visit_fact(self, node: ast.Fact, in_where: bool) -> ast.Cond:
        if in_where:
            if node.has_modifiers:
                self.error(
                    node.span,
                    "a `where` filter tests the event's own details; it cannot count "
                    "or filter again",
                    "write the counts and time windows after the event name, outside the `where`",
                )
            self.check_name(node.name)
            return node
        return self.fact(node)

    def visit_defref(self, node: ast.DefRef, in_where: bool) -> ast.Cond:
        return node  # pragma: no cover - the parser never makes these

    def visit_compare(self, node: ast.Compare, in_where: bool) -> ast.Cond:
        self.check_name(node.name)
        self.check_compare(node)
        return node

    def visit_in(self, node: ast.In, in_where: bool) -> ast.Cond:
        self.check_name(node.name)
        for item in node.values.items:
            self.scalar(item, node.span, "in a list for `in`")
        return node

    def visit_between(self, node: ast.Between, in_where: bool) -> ast.Cond:
        self.check_name(node.name)
        low = self.scalar(node.low, node.span, "after `between`")
        high = self.scalar(node.high, node.span, "after `and`")
        if low and high:
            self.check_between(node)
        return node

    def visit_text_test(self, node: ast.TextTest, in_where: bool) -> ast.Cond:
        self.check_name(node.name)
        if isinstance(node.value, ast.ListValue):
            self.error(
                node.span,
                f"`{node.op}` takes one text, not a list",
                f"to test several, join tests with `or`: "
                f'`{node.name} {node.op} "a" or {node.name} {node.op} "b"`',
            )
        elif not isinstance(node.value, str):
            self.scalar(node.value, node.span, f"after `{node.op}`")
        return node

    def visit_matches(self, node: ast.Matches, in_where: bool) -> ast.Cond:
        self.check_name(node.name)
        try:
            compile_regex(node.pattern, node.flags)
        except RegexProblem as problem:
            self.error(node.span, problem.message, problem.hint)
        return node

    def visit_presence(self, node: ast.Presence, in_where: bool) -> ast.Cond:
        self.check_name(node.name)
        return node

    def fact(self, node: ast.Fact) -> ast.Cond:
        key = node.name.key
        exact = any(part.exact for part in node.name.parts)
        if key in self.defined and not exact:
            if node.has_modifiers:
                self.error(
                    node.span,
                    f"`{node.name}` is a definition: it cannot be counted or given a time window",
                    "counts (`at least 3 times`), `within`, `since`, `before`, `after` and "
                    "`where` apply to events and date fields",
                )
            return ast.DefRef(node.name, self.defined[key], node.span)
        if key in self.all_definitions and not exact:
            later = self.all_definitions[key]
            self.error(
                node.name.span,
                f"`{node.name}` is used before it is defined (on line {later.span.line})",
                "move the `define` line above the first line that uses it",
            )
            return node
        self.check_name(node.name)
        if not exact and not node.has_modifiers:
            suggestion = did_you_mean(node.name.key, self.defined, cutoff=0.85)
            if suggestion is not None:
                self.error(
                    node.name.span,
                    f"`{node.name}` is not defined",
                    f"did you mean `{self.defined[suggestion].name}`? (to use a lead field "
                    f"with this name, write it in backticks: `{node.name}`)",
                )
                return node
        where = node.where
        if where is not None:
            where = self.cond(where, in_where=True)
        for window in node.windows:
            if isinstance(window.value, ast.Duration) and window.value.amount == 0:
                self.error(window.span, "`within 0 ...` can never be true", "use a length above 0")
        return attrs.evolve(node, where=where)

    def check_name(self, name: ast.Name) -> None:
        if name.is_private:
            self.error(
                name.span,
                f"{_shown(name)} starts with `_`: names starting with an underscore are private "
                "and cannot be used in rules",
                "use a field without a leading underscore",
            )

    def scalar(self, value: ast.Value, span: ast.Span, where: str) -> bool:
        if isinstance(value, ast.ListValue):
            self.error(span, f"a list cannot stand {where}", "write a single value")
            return False
        if isinstance(value, ast.Duration):
            self.error(
                span,
                f"a length of time cannot stand {where}",
                "to test how recent a date is, write e.g. `signed up within 30 days`",
            )
            return False
        return True

    def check_compare(self, node: ast.Compare) -> None:
        value = node.value
        if isinstance(value, ast.ListValue):
            self.error(
                node.span,
                f"`{node.op}` compares with one value, not a list",
                f"to test membership write `{node.name} in [...]`"
                if node.op in ("=", "!=")
                else "write a single value",
            )
            return
        if isinstance(value, ast.Duration):
            self.error(
                node.span,
                "a field cannot be compared with a length of time",
                f"to test how recent a date is, write `{node.name} within {value}`",
            )
            return
        if isinstance(value, bool) and node.op not in ("=", "!="):
            self.error(
                node.span,
                f"`{node.op}` does not apply to true/false",
                f"write `{node.name} = {str(value).lower()}` or just `{node.name}`",
            )

    def check_between(self, node: ast.Between) -> None:
        kinds = (_kind(node.low), _kind(node.high))
        if kinds[0] != kinds[1]:
            self.error(
                node.span,
                f"`between` needs two values of the same kind, not {kinds[0]} and {kinds[1]}",
                "write e.g. `company size between 50 and 5000`",
            )
            return
        low, high = node.low, node.high
        if _comparable(low, high) and _less(high, low):
            self.error(
                node.span,
                "the first value of `between` is larger than the second, so it can never be true",
                f"swap them: `{node.name} between {literal_text(high)} and {literal_text(low)}`",
            )


class _Depth(Visitor[[], int]):
    """How deeply a condition nests, counting through the definitions it uses (each level
    costs the evaluators a few Python frames). Remembered per node, so that a definition used
    many times is measured once."""

    def __init__(self) -> None:
        self.known: dict[int, int] = {}

    def visit(self, node: ast.Cond) -> int:
        known = self.known.get(id(node))
        if known is None:
            known = super().visit(node)
            self.known[id(node)] = known
        return known

    def _operands(self, node: ast.And | ast.Or) -> int:
        return 1 + max((self.visit(o) for o in node.operands), default=0)

    visit_and = visit_or = _operands

    def visit_not(self, node: ast.Not) -> int:
        return 1 + self.visit(node.operand)

    def visit_fact(self, node: ast.Fact) -> int:
        return 1 if node.where is None else 1 + self.visit(node.where)

    def visit_defref(self, node: ast.DefRef) -> int:
        return 1 + self.visit(node.definition.condition)

    def _test(self, node: ast.Cond) -> int:
        return 1

    visit_compare = visit_in = visit_between = visit_text_test = _test
    visit_matches = visit_presence = _test


class _MentionsFact(Visitor[[], bool]):
    """Whether a condition names a field or event anywhere, definitions followed."""

    def _operands(self, node: ast.And | ast.Or) -> bool:
        return any(self.visit(o) for o in node.operands)

    visit_and = visit_or = _operands

    def visit_not(self, node: ast.Not) -> bool:
        return self.visit(node.operand)

    def visit_fact(self, node: ast.Fact) -> bool:
        return True

    def visit_defref(self, node: ast.DefRef) -> bool:
        return self.visit(node.definition.condition)

    def _test(self, node: ast.Cond) -> bool:
        return False

    visit_compare = visit_in = visit_between = visit_text_test = _test
    visit_matches = visit_presence = _test


_MENTIONS_FACT = _MentionsFact()


def _shown(name: ast.Name) -> str:
    """A name in backticks for messages (a backticked name already has them)."""
    text = str(name)
    return text if text.startswith("`") else f"`{text}`"


def _kind(value: ast.Value) -> str:
    kind = literals.kind(value)
    return "a value" if kind is None else kind.words


def _comparable(a: Any, b: Any) -> bool:
    return type(a) is type(b) and not isinstance(a, bool)


def _less(a: Any, b: Any) -> bool:
    if isinstance(a, str):
        return bool(fold(a) < fold(b))
    return bool(a < b)


def check(file: ast.RuleFile) -> CheckedRules:
    """Check a parsed file; raise RuleCheckError listing every problem found."""
    return _Checker(file).run()
