"""The reference evaluator: scores one lead against :class:`~leadrules.checker.CheckedRules`.

It is written for clarity; other backends must give the same :class:`~leadrules.result.Result`.

Conditions use Kleene's three-valued logic: each evaluates to True, False or None (unknown).
``and`` and ``or`` read their operands left to right and stop at the first operand that settles
the answer (a false one for ``and``, a true one for ``or``). Nothing here raises on lead data: a
value that cannot be read becomes unknown plus a warning.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import math
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Any, TypeVar

import attrs
from dateutil.relativedelta import relativedelta

from ..lang import ast
from ..lang.checker import CheckedGroup, CheckedRules
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
from ..runtime.leads import Record
from ..runtime.regex import compile_regex
from ..runtime.values import (
    MISSING,
    Problem,
    is_missing,
    show,
    to_bool,
    to_date,
    to_datetime,
    to_number,
    to_text,
)

__all__ = ["DECAY_QUANTUM", "evaluate_checked"]

UTC = dt.timezone.utc
TV = bool | None
_T = TypeVar("_T")

#: Decayed points are rounded (half to even) to this step, so that they stay exact decimals.
DECAY_QUANTUM = Decimal("0.01")
#: Points per unit of a number field are rounded (half to even) to this step.
UNIT_QUANTUM = Decimal("0.0001")
#: A `per` rule counts at most this many units of a number field; a larger value is
#: unreadable (with the checker's limits on rule numbers, every score then adds up exactly
#: within Decimal's default 28 significant digits).
MAX_UNITS = Decimal(10**12)
#: Wide enough for any product of a rule's points and a number of units before rounding.
_WIDE = Context(prec=60)
_ONE = Decimal(1)


def unit_points(points: Decimal, units: Decimal | int) -> Decimal:
    """A `per` rule's points for a number of units of a field: the product rounded (half to
    even) to UNIT_QUANTUM, written without trailing zeros (``+2 per page views`` at 3 views
    gives ``6``, not ``6.0000``; ``+0.25 per`` at 3 gives ``0.75``)."""
    full = _WIDE.multiply(points, units).quantize(UNIT_QUANTUM, ROUND_HALF_EVEN)
    if full == full.to_integral_value():
        return full.quantize(_ONE)
    return full.normalize(_WIDE)


@attrs.frozen(slots=True)
class Unknown:
    """Why a test was unknown: ``name`` is missing, or could not be read."""

    name: str
    reason: str  # "missing", or a sentence

    def describe(self) -> str:
        return f"{self.name} is missing" if self.reason == "missing" else self.reason


@attrs.frozen(slots=True)
class Outcome:
    value: TV
    evidence: tuple[Evidence, ...] = ()
    unknowns: tuple[Unknown, ...] = ()


_TRUE = Outcome(True)
_FALSE = Outcome(False)


# ----------------------------------------------------------------------------- durations


def duration_delta(duration: ast.Duration) -> relativedelta | dt.timedelta:
    amount = duration.amount
    if duration.unit in ("months", "years"):
        whole = int(amount)
        if amount == whole:
            return _calendar(duration.unit, whole, 0.0)
        # Fractions of calendar months/years: whole units calendar-aware, the rest as days.
        days = float(amount - whole) * (30.436875 if duration.unit == "months" else 365.2425)
        return _calendar(duration.unit, whole, days)
    return dt.timedelta(**{duration.unit: float(amount)})


def _calendar(unit: str, whole: int, days: float) -> relativedelta:
    if unit == "months":
        return relativedelta(months=whole) + dt.timedelta(days=days)
    return relativedelta(years=whole) + dt.timedelta(days=days)


#: The earliest moment: `within` a length of time reaching before year 1 starts here.
_DAWN = dt.datetime.min.replace(tzinfo=UTC)


def subtract(now: dt.datetime, duration: ast.Duration) -> dt.datetime:
    """``now`` minus ``duration``; a duration reaching before year 1 (`within 5000 years`)
    gives the earliest moment, so the window holds everything."""
    try:
        result: dt.datetime = now - duration_delta(duration)
    except (OverflowError, ValueError):
        return _DAWN
    return result


def moment(value: Any) -> dt.date | dt.datetime | Problem:
    """A date field's value: a plain date stays a date (compared by calendar day), anything
    with a time becomes an aware datetime."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value.strip()) == 10:
        as_date = to_date(value)
        if not isinstance(as_date, Problem):
            return as_date
    return to_datetime(value)


def _compare_moments(value: dt.date | dt.datetime, bound: dt.date | dt.datetime) -> int:
    """-1, 0 or 1. A plain date on either side compares by UTC calendar day."""
    if isinstance(bound, dt.datetime) and isinstance(value, dt.datetime):
        a: Any = value
        b: Any = bound
    else:
        a = value.astimezone(UTC).date() if isinstance(value, dt.datetime) else value
        b = bound.astimezone(UTC).date() if isinstance(bound, dt.datetime) else bound
    return int(a > b) - int(a < b)


# ----------------------------------------------------------------------------- events


@attrs.frozen(slots=True)
class _Item:
    name: str
    at: dt.datetime | None  # None: the time could not be read
    record: Record


class EventIndex:
    """A lead's events by normalised name, each list in time order, built once per lead.
    Events after ``now`` have not happened yet and are left out."""

    def __init__(self, events: Any, now: dt.datetime, warn: Callable[[str], None]) -> None:
        self.by_name: dict[str, list[_Item]] = {}
        for position, event in enumerate(self.listed(events, warn)):
            self.add(position, event, now, warn)
        self.sort()

    @staticmethod
    def listed(events: Any, warn: Callable[[str], None]) -> list[Any]:
        """The lead's events as a list; none (and a warning) when they are not a list."""
        if isinstance(events, (str, bytes, Mapping)) or not isinstance(events, Iterable):
            warn(f"events: expected a list of events, found {show(events)}")
            return []
        try:
            return list(events)
        except Exception as exc:
            warn(f"events: could not read the list of events ({type(exc).__name__})")
            return []

    def add(self, position: int, event: Any, now: dt.datetime, warn: Callable[[str], None]) -> None:
        """Index one event (any object or mapping with a name and a time)."""
        record = Record(event)
        raw_name = record.lookup("name")
        if not isinstance(raw_name, str) or not raw_name.strip():
            warn(f"events[{position}]: an event without a name was ignored")
            return
        raw_at = record.lookup("at")
        if raw_at is _absent():
            raw_at = record.lookup("timestamp")
        at: dt.datetime | None
        if raw_at is _absent() or is_missing(raw_at):
            warn(f"events[{position}] ({raw_name}): the event has no time")
            at = None
        else:
            parsed = to_datetime(raw_at)
            if isinstance(parsed, Problem):
                warn(f"events[{position}] ({raw_name}): could not read {show(raw_at)} as a time")
                at = None
            else:
                at = parsed
                if at > now:
                    return
        props = record.lookup("properties")
        prop_record = Record(props) if isinstance(props, Mapping) else record
        key = ast.normalize_name(raw_name)
        self.by_name.setdefault(key, []).append(_Item(raw_name, at, prop_record))

    def sort(self) -> None:
        """Each name's events in time order (events without a time first)."""
        for bucket in self.by_name.values():
            bucket.sort(key=_when)

    def get(self, key: str) -> list[_Item]:
        return self.by_name.get(key, [])


_FAR_PAST = dt.datetime.min.replace(tzinfo=UTC)


def _when(item: _Item) -> dt.datetime:
    return item.at or _FAR_PAST


def _absent() -> object:
    from ..runtime.leads import _ABSENT

    return _ABSENT


# ----------------------------------------------------------------------------- the evaluator



def in_window(window: ast.Window, at: dt.date | dt.datetime, now: dt.datetime) -> bool:
    """Whether a moment (an event's time, a date field) is inside one window at ``now``."""
    if window.kind == "within":
        assert isinstance(window.value, ast.Duration)
        start = subtract(now, window.value)
        if isinstance(at, dt.datetime):
            return start <= at <= now
        return start.date() <= at <= now.date()
    bound = window.value
    assert not isinstance(bound, ast.Duration)
    order = _compare_moments(at, bound)
    if window.kind == "since":
        return order >= 0
    if window.kind == "before":
        return order < 0
    return order > 0  # after

class Evaluation:
    """One lead against one rule set at one ``now``."""

    #: How a lead's events are indexed (a backend may use a faster equivalent).
    index_class: type[EventIndex] = EventIndex

    def __init__(self, rules: CheckedRules, lead: Any, now: dt.datetime) -> None:
        self.rules = rules
        self.now = now
        self.lead = Record(lead)
        self.warnings: dict[str, None] = {}
        self._events: EventIndex | bool | None = False
        self._definitions: dict[int, Outcome] = {}
        self._line = 0
        if not isinstance(lead, (Mapping, object)) or lead is None:  # pragma: no cover
            self.warn("the lead is empty")

    # ---- bookkeeping

    def warn(self, message: str) -> None:
        text = f"line {self._line}: {message}" if self._line else message
        self.warnings.setdefault(text, None)

    def events(self) -> EventIndex | None:
        if self._events is False:
            raw = self.lead.events()
            if raw is MISSING or raw is None:
                self._events = None
            else:
                self._events = self.index_class(raw, self.now, self.warn)
        assert not isinstance(self._events, bool)
        return self._events

    def problem(self, name: ast.Name, problem: Problem) -> Outcome:
        text = problem.describe(str(name))
        self.warn(text)
        return Outcome(None, (), (Unknown(str(name), text),))

    # ---- conditions

    def cond(self, node: ast.Cond, rec: Record, top: bool = True) -> Outcome:
        if isinstance(node, (ast.And, ast.Or)):
            return self.junction(node, rec, top)
        if isinstance(node, ast.Not):
            inner = self.cond(node.operand, rec, top)
            value = None if inner.value is None else not inner.value
            return Outcome(value, inner.evidence, inner.unknowns)
        if isinstance(node, ast.DefRef):
            return self.defref(node)
        if isinstance(node, ast.Fact):
            return self.fact(node, rec, top)
        raw = rec.get(node.name)
        if isinstance(node, ast.Presence):
            present = not is_missing(raw)
            return Outcome(present == node.present, (Evidence(str(node.name), _plain(raw)),))
        if is_missing(raw):
            return Outcome(None, (), (Unknown(str(node.name), "missing"),))
        if isinstance(node, ast.Compare):
            return self.compare(node.name, node.op, node.value, raw)
        if isinstance(node, ast.In):
            return self.in_(node, raw)
        if isinstance(node, ast.Between):
            low = self.compare(node.name, ">=", node.low, raw)
            if low.value is None:
                return low
            high = self.compare(node.name, "<=", node.high, raw)
            if high.value is None:
                return high
            inside = low.value and high.value
            return Outcome(inside != node.negated, low.evidence)
        if isinstance(node, ast.TextTest):
            return self.text_test(node, raw)
        if isinstance(node, ast.Matches):
            return self.matches(node, raw)
        raise AssertionError(f"unknown condition {node!r}")  # pragma: no cover

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
            value = to_bool(raw)
        elif isinstance(literal, Decimal):
            value = to_number(raw)
        elif isinstance(literal, dt.datetime):
            value = to_datetime(raw)
        elif isinstance(literal, dt.date):
            value = to_date(raw)
        elif isinstance(literal, str):
            value = to_text(raw)
            bound = literal.strip().casefold()
        else:  # pragma: no cover - the checker rejects lists and durations here
            return Outcome(None, (), (Unknown(str(name), "cannot compare"),))
        if isinstance(value, Problem):
            return self.problem(name, value)
        result = _apply(op, value, bound)
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
            truth = to_bool(raw)
            if isinstance(truth, Problem):
                return self.problem(node.name, truth)
            return Outcome(truth, (Evidence(name, _plain(raw)),))
        index = self.events()
        if index is None:
            return Outcome(None, (), (Unknown(name, "missing"),))
        definite, uncertain, unknowns = self.match_events(node, index)
        value = _count_truth(node.count, len(definite), uncertain)
        refs = tuple(EventRef(i.name, i.at) for i in reversed(definite[-MAX_EVIDENCE_EVENTS:]))
        evidence = (Evidence(name, len(definite), refs, is_event=True),)
        if value is None:
            return Outcome(None, evidence, tuple(unknowns))
        return Outcome(value, evidence)

    def match_events(
        self, node: ast.Fact, index: EventIndex
    ) -> tuple[list[_Item], int, list[Unknown]]:
        definite: list[_Item] = []
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
        value = moment(raw)
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
            return _undecided(kind, label, span, (Unknown("", text),))

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
            return _undecided("score rule", label, rule.span, out.unknowns)
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
                    found = _latest_event(out.evidence)
                    if found is not None and (latest is None or found > latest):
                        latest = found
        return latest

    def decayed(self, points: Decimal, decay: ast.Decay, age: dt.timedelta) -> Decimal:
        period = (self.now - subtract(self.now, decay.every)).total_seconds()
        seconds = max(age.total_seconds(), 0.0)
        if seconds == 0 or period <= 0:
            return points
        keep = 1 - float(decay.percent) / 100
        factor = 0.0 if keep <= 0 else math.pow(keep, seconds / period)
        return (points * Decimal(repr(factor))).quantize(DECAY_QUANTUM, ROUND_HALF_EVEN)

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
                return _undecided("score rule", label, rule.span, (Unknown(name, text),))
            if is_missing(raw):
                return _undecided("score rule", label, rule.span, (Unknown(name, "missing"),))
            units: Decimal | Problem
            if isinstance(raw, (list, tuple, set, frozenset)):
                units = Decimal(len(raw))
            else:
                units = to_number(raw)
            if not isinstance(units, Problem) and units.copy_abs() > MAX_UNITS:
                units = Problem(raw, "a number of units below 1,000,000,000,000")
            if isinstance(units, Problem):
                out = self.problem(fact.name, units)
                return _undecided("score rule", label, rule.span, out.unknowns)
            count = units
            full = unit_points(rule.points, units)
            evidence = (Evidence(name, _plain(raw)),)
        else:
            index = self.events()
            if index is None:
                return _undecided("score rule", label, rule.span, (Unknown(name, "missing"),))
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
                        clamps.extend(_rule_clamp(got))
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
                    clamps.extend(_rule_clamp(got))
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
                undecided.append(_undecided("disqualify", label, dq.span, out.unknowns))
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
                        undecided.append(_undecided("stage", stage.text, stage.span, out.unknowns))
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


def _apply(op: str, value: Any, bound: Any) -> bool:
    if isinstance(value, (dt.date, dt.datetime)) and isinstance(bound, (dt.date, dt.datetime)):
        order = _compare_moments(value, bound)
    else:
        order = (value > bound) - (value < bound)
    if op == "=":
        return order == 0
    if op == "!=":
        return order != 0
    if op == "<":
        return order < 0
    if op == "<=":
        return order <= 0
    if op == ">":
        return order > 0
    return order >= 0


def _count_truth(count: ast.Count | None, definite: int, uncertain: int) -> TV:
    op, n = ("at least", 1) if count is None else (count.op, count.n)
    if op == "at least":
        if definite >= n:
            return True
        return False if definite + uncertain < n else None
    if definite + uncertain <= n:
        return True
    return False if definite > n else None


def _latest_event(evidence: tuple[Evidence, ...]) -> dt.datetime | None:
    times = [e.at for ev in evidence if ev.is_event for e in ev.events if e.at is not None]
    return max(times) if times else None


def _plain(value: Any) -> Any:
    return None if value is MISSING else value


def _fmt(value: Decimal) -> str:
    return ast._format_decimal(value)


def _undecided(kind: Any, label: str, span: ast.Span, unknowns: Iterable[Unknown]) -> Undecided:
    unknowns = tuple(unknowns)
    missing = tuple(dict.fromkeys(u.name for u in unknowns if u.reason == "missing"))
    reasons = tuple(dict.fromkeys(u.describe() for u in unknowns))
    return Undecided(kind, label, span.line, span.column, missing, reasons)


def apply_group_limits(
    group: CheckedGroup,
    subtotal: Decimal,
    contributions: list[Contribution],
    clamps: list[Clamp],
) -> Decimal:
    """The group's subtotal after its ``max``/``min``; a limit that changed it is recorded as a
    clamp contribution (the points it took away or added) and as a Clamp."""
    clamped = subtotal
    if group.max is not None and clamped > group.max:
        clamped = group.max
    if group.min is not None and clamped < group.min:
        clamped = group.min
    if clamped == subtotal:
        return clamped
    kind: Any = "group max" if clamped < subtotal else "group min"
    limit = group.max if kind == "group max" else group.min
    assert limit is not None
    word = "max" if kind == "group max" else "min"
    contributions.append(
        Contribution(
            points=clamped - subtotal,
            label=f"group {group.name} limited to {word} {_fmt(limit)} "
            f"(its rules gave {_fmt(subtotal)})",
            group=group.name,
            line=group.span.line,
            column=group.span.column,
            kind="clamp",
            rule=group.text,
        )
    )
    clamps.append(
        Clamp(kind, group.name, limit, subtotal, clamped, group.span.line, group.span.column)
    )
    return clamped


def _rule_clamp(contribution: Contribution) -> tuple[Clamp, ...]:
    if contribution.uncapped_points is None:
        return ()
    return (
        Clamp(
            "rule cap",
            contribution.label,
            abs(contribution.points),
            contribution.uncapped_points,
            contribution.points,
            contribution.line,
            contribution.column,
        ),
    )


def evaluate_checked(rules: CheckedRules, lead: Any, now: dt.datetime) -> Result:
    """Score ``lead`` (``now`` must be timezone-aware)."""
    return Evaluation(rules, lead, now).run()
