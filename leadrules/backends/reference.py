"""The reference evaluator: scores one lead against :class:`~leadrules.lang.checker.CheckedRules`
by walking the tree. It is the specification: every other backend must give the same
:class:`~leadrules.result.Result`, and the conformance suite holds them to it.

Conditions use Kleene's three-valued logic: each evaluates to True, False or None (unknown).
``and`` and ``or`` read their operands left to right and stop at the first operand that settles
the answer (a false one for ``and``, a true one for ``or``). Nothing here raises on lead data: a
value that cannot be read becomes unknown plus a warning. What a comparison, a window, a unit
or a limit means is :mod:`leadrules.backends.semantics`, shared with the other backends.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from ..lang import ast
from ..lang.checker import CheckedGroup, CheckedRules
from ..lang.visitor import Visitor
from ..result import (
    MAX_EVIDENCE_EVENTS,
    Clamp,
    Contribution,
    DecayInfo,
    Disqualification,
    EventRef,
    Evidence,
    Result,
    StageOutcome,
    Undecided,
)
from ..runtime.events import EventIndex, EventItem
from ..runtime.leads import Record
from ..runtime.regex import compile_regex
from ..runtime.values import (
    MISSING,
    Problem,
    fold,
    is_missing,
    to_bool,
    to_date,
    to_datetime,
    to_number,
    to_text,
)
from .contract import Fidelity, SimpleScorer
from .semantics import (
    MAX_UNITS,
    TV,
    Unknown,
    apply_group_limits,
    compare,
    count_truth,
    decayed,
    in_window,
    latest_event,
    moment,
    rule_clamp,
    unit_points,
)
from .semantics import undecided as make_undecided

__all__ = ["BACKEND", "Evaluation", "Outcome", "ReferenceBackend", "evaluate_checked"]

_T = TypeVar("_T")

#: An evaluation not given the lead's events reads them from the lead.
_UNREAD: Any = object()


@attrs.frozen(slots=True)
class Outcome:
    """What a condition came to: its truth, the evidence that decided it (when decided) and
    why it is unknown (when it is)."""

    value: TV
    evidence: tuple[Evidence, ...] = ()
    unknowns: tuple[Unknown, ...] = ()


class Evaluation(Visitor[[Record, bool], Outcome]):
    """One lead against one rule set at one ``now``. Each condition method takes the record
    its names are read from (the lead, or an event's details inside `where`) and ``top``
    (false inside `where`: a name the details lack is missing, not an event)."""

    #: How a lead's events are indexed (a backend may use a faster equivalent).
    index_class: type[EventIndex] = EventIndex

    def __init__(
        self, rules: CheckedRules, lead: Any, now: dt.datetime, events: Any = _UNREAD
    ) -> None:
        """``events``: the lead's events as another evaluation of it read them
        (:meth:`events_read`), so that events a one-shot iterator gave are not lost."""
        self.rules = rules
        self._given = events
        self.now = now
        self.dayfirst = rules.reading.dayfirst
        self.lead = Record(lead)
        self.warnings: dict[str, None] = {}
        self._events: EventIndex | bool | None = False
        self._definitions: dict[int, Outcome] = {}
        self._line = 0
        if lead is None:
            self.warn("the lead is empty")

    # ---- bookkeeping

    def warn(self, message: str) -> None:
        text = f"line {self._line}: {message}" if self._line else message
        self.warnings.setdefault(text, None)

    def events(self) -> EventIndex | None:
        if self._events is False:
            raw = self.lead.events() if self._given is _UNREAD else self._given
            if raw is MISSING or raw is None:
                self._events = None
            else:
                self._events = self.index_class(raw, self.now, self.warn, self.dayfirst)
        assert not isinstance(self._events, bool)
        return self._events

    def events_read(self) -> Any:
        """The lead's events as this evaluation read them, in a form that reads the same
        again (see EventIndex.read), for another evaluation of the lead; a marker when they
        were not read."""
        if self._events is False:
            return self._given
        if not isinstance(self._events, EventIndex):
            return MISSING
        return self._events.read

    def problem(self, name: ast.Name, problem: Problem) -> Outcome:
        text = problem.describe(str(name))
        self.warn(text)
        return Outcome(None, (), (Unknown(str(name), text),))

    # ---- conditions

    def cond(self, node: ast.Cond, rec: Record, top: bool = True) -> Outcome:
        """The outcome of a condition (see the class docstring)."""
        return self.visit(node, rec, top)

    def visit_not(self, node: ast.Not, rec: Record, top: bool) -> Outcome:
        inner = self.visit(node.operand, rec, top)
        value = None if inner.value is None else not inner.value
        return Outcome(value, inner.evidence, inner.unknowns)

    def visit_and(self, node: ast.And, rec: Record, top: bool) -> Outcome:
        return self.junction(node, rec, top)

    def visit_or(self, node: ast.Or, rec: Record, top: bool) -> Outcome:
        return self.junction(node, rec, top)

    def visit_defref(self, node: ast.DefRef, rec: Record, top: bool) -> Outcome:
        return self.defref(node)

    def visit_fact(self, node: ast.Fact, rec: Record, top: bool) -> Outcome:
        return self.fact(node, rec, top)

    def visit_presence(self, node: ast.Presence, rec: Record, top: bool) -> Outcome:
        raw = rec.get(node.name)
        present = not is_missing(raw)
        return Outcome(present == node.present, (Evidence(str(node.name), _plain(raw)),))

    def visit_compare(self, node: ast.Compare, rec: Record, top: bool) -> Outcome:
        raw = rec.get(node.name)
        if is_missing(raw):
            return _missing(node.name)
        return self.compare(node.name, node.op, node.value, raw)

    def visit_in(self, node: ast.In, rec: Record, top: bool) -> Outcome:
        raw = rec.get(node.name)
        if is_missing(raw):
            return _missing(node.name)
        return self.in_(node, raw)

    def visit_between(self, node: ast.Between, rec: Record, top: bool) -> Outcome:
        raw = rec.get(node.name)
        if is_missing(raw):
            return _missing(node.name)
        low = self.compare(node.name, ">=", node.low, raw)
        if low.value is None:
            return low
        high = self.compare(node.name, "<=", node.high, raw)
        if high.value is None:
            return high
        inside = low.value and high.value
        return Outcome(inside != node.negated, low.evidence)

    def visit_text_test(self, node: ast.TextTest, rec: Record, top: bool) -> Outcome:
        raw = rec.get(node.name)
        if is_missing(raw):
            return _missing(node.name)
        return self.text_test(node, raw)

    def visit_matches(self, node: ast.Matches, rec: Record, top: bool) -> Outcome:
        raw = rec.get(node.name)
        if is_missing(raw):
            return _missing(node.name)
        return self.matches(node, raw)

    def junction(self, node: ast.And | ast.Or, rec: Record, top: bool) -> Outcome:
        """Kleene ``and``/``or``, left to right: the first operand equal to ``decisive``
        (false for and, true for or) settles it, with its evidence; otherwise any unknown
        operand makes it unknown; otherwise it is ``not decisive``, with every operand's
        evidence."""
        decisive = isinstance(node, ast.Or)
        evidence: list[Evidence] = []
        unknowns: list[Unknown] = []
        for operand in node.operands:
            out = self.cond(operand, rec, top)
            if out.value is decisive:
                return Outcome(decisive, out.evidence)
            if out.value is None:
                unknowns.extend(out.unknowns)
            else:
                evidence.extend(out.evidence)
        if unknowns:
            return Outcome(None, (), tuple(unknowns))
        return Outcome(not decisive, tuple(evidence))

    def defref(self, node: ast.DefRef) -> Outcome:
        key = id(node.definition)
        cached = self._definitions.get(key)
        if cached is None:
            cached = self.cond(node.definition.condition, self.lead, True)
            self._definitions[key] = cached
        return cached

    def compare(self, name: ast.Name, op: str, literal: ast.Value, raw: Any) -> Outcome:
        value: Any
        bound: Any = literal
        if isinstance(literal, bool):
            value = to_bool(raw, self.dayfirst)
        elif isinstance(literal, Decimal):
            value = to_number(raw)
        elif isinstance(literal, dt.datetime):
            value = to_datetime(raw, self.dayfirst)
        elif isinstance(literal, dt.date):
            value = to_date(raw, self.dayfirst)
        elif isinstance(literal, str):
            value = to_text(raw)
            bound = fold(literal)
        else:  # pragma: no cover - the checker rejects lists and durations here
            return Outcome(None, (), (Unknown(str(name), "cannot compare"),))
        if isinstance(value, Problem):
            return self.problem(name, value)
        result = compare(op, value, bound)
        return Outcome(result, (Evidence(str(name), _plain(raw)),))

    def in_(self, node: ast.In, raw: Any) -> Outcome:
        unknowns: list[Unknown] = []
        found = False
        for item in node.values.items:
            out = self.compare(node.name, "=", item, raw)
            if out.value is True:
                found = True
                break
            if out.value is None:
                unknowns.extend(out.unknowns)
        evidence = (Evidence(str(node.name), _plain(raw)),)
        if found:
            return Outcome(not node.negated, evidence)
        if unknowns:
            return Outcome(None, (), tuple(unknowns))
        return Outcome(node.negated, evidence)

    def text_test(self, node: ast.TextTest, raw: Any) -> Outcome:
        needle = to_text(node.value)
        assert isinstance(needle, str)
        evidence = (Evidence(str(node.name), _plain(raw)),)
        if isinstance(raw, (list, tuple, set, frozenset)):
            if node.op != "contains":
                return self.problem(node.name, Problem(raw, "text"))
            items = [to_text(item) for item in raw if not is_missing(item)]
            return Outcome(any(item == needle for item in items), evidence)
        text = to_text(raw)
        if isinstance(text, Problem):
            return self.problem(node.name, text)
        if node.op == "contains":
            result = needle in text
        elif node.op == "starts with":
            result = text.startswith(needle)
        else:
            result = text.endswith(needle)
        return Outcome(result, evidence)

    def matches(self, node: ast.Matches, raw: Any) -> Outcome:
        if isinstance(raw, enum.Enum):
            raw = raw.value
        if isinstance(raw, str):
            text: str | Problem = raw.strip()
        elif isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
            text = to_text(raw)
        else:
            text = Problem(raw, "text")
        if isinstance(text, Problem):
            return self.problem(node.name, text)
        pattern = compile_regex(node.pattern, node.flags)
        return Outcome(pattern.search(text) is not None, (Evidence(str(node.name), raw),))

    # ---- facts: definitions, fields, events

    def fact(self, node: ast.Fact, rec: Record, top: bool) -> Outcome:
        name = str(node.name)
        raw = rec.get(node.name)
        if raw is not MISSING or not top:
            if raw is not MISSING and (node.count is not None or node.where is not None):
                text = (
                    f"{name} is a field of the lead, not an event: "
                    "`at least`, `at most` and `where` count events"
                )
                self.warn(text)
                return Outcome(None, (), (Unknown(name, text),))
            if is_missing(raw):
                return Outcome(None, (), (Unknown(name, "missing"),))
            if node.windows:
                return self.date_windows(node, raw)
            truth = to_bool(raw, self.dayfirst)
            if isinstance(truth, Problem):
                return self.problem(node.name, truth)
            return Outcome(truth, (Evidence(name, _plain(raw)),))
        index = self.events()
        if index is None:
            return Outcome(None, (), (Unknown(name, "missing"),))
        definite, uncertain, unknowns = self.match_events(node, index)
        value = count_truth(node.count, len(definite), uncertain)
        refs = tuple(EventRef(i.name, i.at) for i in reversed(definite[-MAX_EVIDENCE_EVENTS:]))
        evidence = (Evidence(name, len(definite), refs, is_event=True),)
        if value is None:
            return Outcome(None, evidence, tuple(unknowns))
        return Outcome(value, evidence)

    def match_events(
        self, node: ast.Fact, index: EventIndex
    ) -> tuple[list[EventItem], int, list[Unknown]]:
        definite: list[EventItem] = []
        uncertain = 0
        unknowns: list[Unknown] = []
        for item in index.get(node.name.key):
            when = self.event_in_windows(node.windows, item.at)
            if when is False:
                continue
            where: TV = True
            if node.where is not None:
                out = self.cond(node.where, item.record, top=False)
                where = out.value
                if where is None:
                    unknowns.extend(out.unknowns)
            if where is False:
                continue
            if when is True and where is True:
                definite.append(item)
            else:
                uncertain += 1
                if when is None:
                    unknowns.append(Unknown(str(node.name), f"{node.name}: an event has no time"))
        return definite, uncertain, unknowns

    def event_in_windows(self, windows: tuple[ast.Window, ...], at: dt.datetime | None) -> TV:
        if not windows:
            return True
        if at is None:
            return None
        return all(self.in_window(w, at) for w in windows)

    def in_window(self, window: ast.Window, at: dt.date | dt.datetime) -> bool:
        return in_window(window, at, self.now)

    def date_windows(self, node: ast.Fact, raw: Any) -> Outcome:
        value = moment(raw, self.dayfirst)
        if isinstance(value, Problem):
            return self.problem(node.name, Problem(raw, "a date"))
        result = all(self.in_window(w, value) for w in node.windows)
        return Outcome(result, (Evidence(str(node.name), _plain(raw)),))

    # ---- rules

    def guarded(
        self, kind: Any, label: str, span: ast.Span, work: Callable[[], _T]
    ) -> _T | Undecided:
        """``work()``, or an Undecided entry plus a warning when the lead's data makes it fail
        in a way no converter foresaw (a hostile object, a value Python cannot handle): bad
        lead data never stops scoring."""
        try:
            return work()
        except (RecursionError, MemoryError):
            raise
        except Exception as exc:
            text = f"could not evaluate this rule on this lead ({type(exc).__name__})"
            self.warn(text)
            return make_undecided(kind, label, span, (Unknown("", text),))

    def score_rule(self, rule: ast.ScoreRule, group: str | None) -> Contribution | Undecided | None:
        self._line = rule.span.line
        return self.guarded(
            "score rule", rule.display, rule.span, functools.partial(self._score_rule, rule, group)
        )

    def _score_rule(
        self, rule: ast.ScoreRule, group: str | None
    ) -> Contribution | Undecided | None:
        label = rule.display
        if rule.per is not None:
            return self.per_rule(rule, group, label)
        assert rule.condition is not None
        out = self.cond(rule.condition, self.lead)
        if out.value is None:
            return make_undecided("score rule", label, rule.span, out.unknowns)
        if not out.value:
            return None
        points = rule.points
        decay = None
        if rule.decay is not None:
            latest = self.latest_event(rule.condition)
            if latest is not None:
                age = self.now - latest
                points = self.decayed(rule.points, rule.decay, age)
                decay = DecayInfo(rule.points, age, rule.decay.percent, str(rule.decay.every))
        return Contribution(
            points=points,
            label=label,
            group=group,
            line=rule.span.line,
            column=rule.span.column,
            evidence=out.evidence,
            rule=rule.text,
            decay=decay,
        )

    def latest_event(self, node: ast.Cond) -> dt.datetime | None:
        """The most recent event among every true event fact in ``node`` (both sides of an
        `or` included, not only the side that decided it): decay counts from it."""
        latest: dt.datetime | None = None
        for item in ast.tests(node, definitions=True):
            if isinstance(item, ast.Fact):
                out = self.fact(item, self.lead, True)
                if out.value is True:
                    found = latest_event(out.evidence)
                    if found is not None and (latest is None or found > latest):
                        latest = found
        return latest

    def decayed(self, points: Decimal, decay: ast.Decay, age: dt.timedelta) -> Decimal:
        return decayed(points, decay, age, self.now)

    def per_rule(
        self, rule: ast.ScoreRule, group: str | None, label: str
    ) -> Contribution | Undecided | None:
        fact = rule.per
        assert fact is not None
        name = str(fact.name)
        raw = self.lead.get(fact.name)
        evidence: tuple[Evidence, ...]
        decay = None
        if raw is not MISSING:
            if fact.has_modifiers:
                text = f"{name} is a field; `per` with a count, window or `where` needs an event"
                self.warn(text)
                return make_undecided("score rule", label, rule.span, (Unknown(name, text),))
            if is_missing(raw):
                return make_undecided("score rule", label, rule.span, (Unknown(name, "missing"),))
            units: Decimal | Problem
            if isinstance(raw, (list, tuple, set, frozenset)):
                units = Decimal(len(raw))
            else:
                units = to_number(raw)
            if not isinstance(units, Problem) and units.copy_abs() > MAX_UNITS:
                units = Problem(raw, "a number of units below 1,000,000,000,000")
            if isinstance(units, Problem):
                out = self.problem(fact.name, units)
                return make_undecided("score rule", label, rule.span, out.unknowns)
            count = units
            full = unit_points(rule.points, units)
            evidence = (Evidence(name, _plain(raw)),)
        else:
            index = self.events()
            if index is None:
                return make_undecided("score rule", label, rule.span, (Unknown(name, "missing"),))
            definite, uncertain, _unknowns = self.match_events(fact, index)
            if uncertain:
                self.warn(f"{name}: {uncertain} event(s) could not be decided and were not counted")
            count = Decimal(len(definite))
            refs = tuple(EventRef(i.name, i.at) for i in reversed(definite[-MAX_EVIDENCE_EVENTS:]))
            evidence = (Evidence(name, len(definite), refs, is_event=True),)
            if rule.decay is not None and definite:
                full = Decimal(0)
                for item in definite:
                    age = self.now - item.at if item.at is not None else dt.timedelta(0)
                    full += self.decayed(rule.points, rule.decay, age)
                latest, oldest = definite[-1].at, definite[0].at
                decay = DecayInfo(
                    rule.points * count,
                    self.now - latest if latest is not None else dt.timedelta(0),
                    rule.decay.percent,
                    str(rule.decay.every),
                    self.now - oldest if oldest is not None else dt.timedelta(0),
                )
            else:
                full = rule.points * count
        if full == 0:
            return None
        points = full
        uncapped = None
        if rule.cap is not None and abs(full) > rule.cap:
            points = rule.cap if full > 0 else -rule.cap
            uncapped = full
        return Contribution(
            points=points,
            label=label,
            group=group,
            line=rule.span.line,
            column=rule.span.column,
            evidence=evidence,
            rule=rule.text,
            count=count,
            uncapped_points=uncapped,
            decay=decay,
        )

    # ---- the whole file

    def run(self) -> Result:
        contributions: list[Contribution] = []
        undecided: list[Undecided] = []
        clamps: list[Clamp] = []
        groups: dict[str, Decimal] = {}
        score = Decimal(0)
        for item in self.rules.items:
            if isinstance(item, CheckedGroup):
                subtotal = Decimal(0)
                for rule in item.rules:
                    got = self.score_rule(rule, item.name)
                    if isinstance(got, Contribution):
                        contributions.append(got)
                        clamps.extend(rule_clamp(got))
                        subtotal += got.points
                    elif isinstance(got, Undecided):
                        undecided.append(got)
                clamped = apply_group_limits(item, subtotal, contributions, clamps)
                groups[item.name] = clamped
                score += clamped
            else:
                got = self.score_rule(item, None)
                if isinstance(got, Contribution):
                    contributions.append(got)
                    clamps.extend(rule_clamp(got))
                    score += got.points
                elif isinstance(got, Undecided):
                    undecided.append(got)

        disqualifications: list[Disqualification] = []
        for dq in self.rules.disqualifications:
            self._line = dq.span.line
            label = dq.reason or dq.text
            out = self.guarded(
                "disqualify", label, dq.span, functools.partial(self.cond, dq.condition, self.lead)
            )
            if isinstance(out, Undecided):
                undecided.append(out)
                continue
            if out.value is True:
                disqualifications.append(
                    Disqualification(label, dq.span.line, dq.span.column, out.evidence, dq.text)
                )
            elif out.value is None:
                undecided.append(make_undecided("disqualify", label, dq.span, out.unknowns))
        disqualified = bool(disqualifications)

        outcomes: list[StageOutcome] = []
        for stage in self.rules.stages:
            self._line = stage.span.line
            condition: TV = None
            if stage.condition is not None:
                stage_condition = stage.condition
                out = self.guarded(
                    "stage",
                    stage.text,
                    stage.span,
                    functools.partial(self.cond, stage_condition, self.lead),
                )
                if isinstance(out, Undecided):
                    undecided.append(out)
                else:
                    condition = out.value
                    if out.value is None:
                        undecided.append(
                            make_undecided("stage", stage.text, stage.span, out.unknowns)
                        )
            reached = score >= stage.threshold and (stage.condition is None or condition is True)
            outcomes.append(
                StageOutcome(
                    stage.name,
                    stage.threshold,
                    reached,
                    condition,
                    stage.span.line,
                    stage.span.column,
                )
            )
        self._line = 0
        reached_stages = [o for o in outcomes if o.reached]
        stage_name = None if disqualified or not reached_stages else reached_stages[-1].name
        next_stage = None
        to_next = None
        if not disqualified:
            floor = reached_stages[-1].threshold if reached_stages else None
            for o in outcomes:
                if (floor is None or o.threshold > floor) and not o.reached:
                    next_stage = o.name
                    to_next = max(Decimal(0), o.threshold - score)
                    break
        for problem in self.lead.problems:
            self.warn(problem)
        return Result(
            score=score,
            stage=stage_name,
            disqualified=disqualified,
            disqualifications=tuple(disqualifications),
            contributions=tuple(contributions),
            groups=groups,
            undecided=tuple(undecided),
            warnings=tuple(self.warnings),
            next_stage=next_stage,
            points_to_next_stage=to_next,
            clamps=tuple(clamps),
            stages=tuple(outcomes),
            now=self.now,
            filename=self.rules.file.filename,
        )


# ----------------------------------------------------------------------------- helpers


def _plain(value: Any) -> Any:
    return None if value is MISSING else value


def _missing(name: ast.Name) -> Outcome:
    return Outcome(None, (), (Unknown(str(name), "missing"),))


def evaluate_checked(
    rules: CheckedRules, lead: Any, now: dt.datetime, events: Any = _UNREAD
) -> Result:
    """Score ``lead`` (``now`` must be timezone-aware); ``events``: the lead's events as
    another evaluation read them (:meth:`Evaluation.events_read`)."""
    return Evaluation(rules, lead, now, events).run()


class ReferenceBackend:
    """The reference evaluator as a backend: it handles every construct, and a scorer is
    :func:`evaluate_checked` bound to the rules."""

    name = "reference"
    description = "the reference evaluator, written for clarity: the specification"
    fidelity = Fidelity.RESULT

    def unsupported(self, rules: CheckedRules) -> tuple[()]:
        return ()

    def compile(self, rules: CheckedRules) -> SimpleScorer:
        return SimpleScorer(self.name, functools.partial(evaluate_checked, rules))


BACKEND = ReferenceBackend()
