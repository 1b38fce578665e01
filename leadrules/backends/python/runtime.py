"""Runtime support for the compiled backend (:mod:`leadrules.compiler`).

The generated code handles the common cases inline (plain-dict leads, values of the type a test
expects). Everything else comes here, and most of it goes on to the reference evaluator's own
methods, so that the rare paths (unreadable values and their warnings, events, decay) behave
exactly as the reference does because they *are* the reference's code:

- the *medium* functions (:func:`medium`) decide one test for any value, without side effects;
  where the reference would warn about an unreadable value they answer :data:`SLOW`;
- :class:`Context` is the reference :class:`~leadrules.evaluator.Evaluation` of the lead, made
  only when a rare path needs it, which also records what the lazy explanation will need
  (event outcomes, per-event contributions, decayed points);
- :class:`Replay` is an Evaluation over the values the scoring read, used while building the
  explanation for the rare paths.
"""

from __future__ import annotations

import bisect
import datetime as dt
import operator
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Final

import attrs

from ...lang import ast
from ...lang.checker import CheckedGroup, CheckedRules
from ...result import (
    Contribution,
    DecayInfo,
    Disqualification,
    Evidence,
    StageOutcome,
    Undecided,
)
from ...runtime.leads import _ABSENT, Event, Record
from ...runtime.regex import compile_regex
from ...runtime.values import (
    MISSING,
    Missing,
    Problem,
    is_missing,
    to_bool,
    to_date,
    to_datetime,
    to_number,
    to_text,
)
from ..reference import (
    TV,
    UTC,
    Evaluation,
    EventIndex,
    Outcome,
    Unknown,
    _apply,
    _Item,
    _rule_clamp,
    _undecided,
    _when,
    apply_group_limits,
    in_window,
    moment,
    subtract,
    unit_points,
)

__all__ = ["SLOW", "Context", "Replay", "medium", "norm_lookup"]


class _Slow:
    """The answer of a medium function when the reference would warn: take the slow path."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "SLOW"


SLOW: Final = _Slow()

#: Value types that cannot change after scoring; anything else makes the result build its
#: explanation at once (the explanation is rebuilt from the values the scoring read).
IMMUTABLE: Final = frozenset(
    {str, int, bool, float, Decimal, type(None), Missing, dt.date, dt.datetime}
)


# ----------------------------------------------------------------------------- names

_NORMALISED: dict[str, str] = {}


def _normalised(key: str) -> str:
    found = _NORMALISED.get(key)
    if found is None:
        if len(_NORMALISED) > 4096:
            _NORMALISED.clear()
        found = _NORMALISED[key] = ast.normalize_name(key)
    return found


def norm_lookup(lead: dict[Any, Any], key: str) -> Any:
    """What :meth:`Record.lookup` finds in a plain dict once the exact and snake_case
    spellings have failed: the first public text key whose normalised form is ``key``;
    MISSING when there is none."""
    for name in lead:
        if isinstance(name, str) and not name.startswith("_") and _normalised(name) == key:
            return lead[name]
    return MISSING


_ATTRS_FIELDS: dict[type, tuple[str, ...] | None] = {}


def attrs_view(lead: Any) -> dict[str, Any] | None:
    """An attrs instance as a dict Record.lookup reads exactly as it reads the instance:
    its public fields in field order, an ``extra`` mapping's text keys in its place, the
    first of any duplicate kept. None for any other object, or if reading a field fails
    (the caller then reads the lead through Record, as the reference does)."""
    kind = lead.__class__
    names = _ATTRS_FIELDS.get(kind, ())
    if names == ():
        names = None
        if attrs.has(kind):
            names = tuple(f.name for f in attrs.fields(kind) if not f.name.startswith("_"))
        if len(_ATTRS_FIELDS) > 256:
            _ATTRS_FIELDS.clear()
        _ATTRS_FIELDS[kind] = names
    if names is None:
        return None
    view: dict[str, Any] = {}
    try:
        for name in names:
            if name == "extra":
                extra = getattr(lead, "extra", None)
                if extra.__class__ is dict or isinstance(extra, Mapping):
                    for key in extra:
                        if isinstance(key, str) and key[:1] != "_" and key not in view:
                            view[key] = extra[key]
                    continue
            if name not in view:
                view[name] = getattr(lead, name)
    except Exception:
        return None
    return view


def key_plan(keys: tuple[Any, ...], names: tuple[tuple[str, ...], ...]) -> Any:
    """Where a dict with these keys, in this order, has the rules' (undotted) names, found as
    Record.lookup finds them: the name as written, then in snake_case (the spellings in
    ``names``, the normalised name last), then the first public text key normalising to it.
    An ``itemgetter`` of those keys when every name is there; else a tuple of the keys, with
    ``_ABSENT`` for a name the dict lacks (read with ``map(d.get, plan, MISSINGS)``)."""
    present = set(keys)
    chosen: list[Any] = []
    for *spellings, normal in names:
        for key in spellings:
            if key in present:
                chosen.append(key)
                break
        else:
            for key in keys:
                if isinstance(key, str) and not key.startswith("_") and _normalised(key) == normal:
                    chosen.append(key)
                    break
            else:
                chosen.append(_ABSENT)
    if any(key is _ABSENT for key in chosen):
        return tuple(chosen)
    return operator.itemgetter(*chosen)


#: A rule set remembers the key plans of at most this many key orders (then starts again).
MAX_KEY_PLANS = 256


def path_lookup(lead: Any, name: ast.Name) -> Any:
    """A dotted name, read as the reference reads it."""
    return Record(lead).get(name)


# ----------------------------------------------------------------------------- medium tests


def _converter(literal: Any) -> tuple[Callable[[Any], Any], Any]:
    """How the reference's ``compare`` reads a value for ``literal``, and the bound."""
    if isinstance(literal, bool):
        return to_bool, literal
    if isinstance(literal, Decimal):
        return to_number, literal
    if isinstance(literal, dt.datetime):
        return to_datetime, literal
    if isinstance(literal, dt.date):
        return to_date, literal
    if isinstance(literal, str):
        return to_text, literal.strip().casefold()
    raise AssertionError(f"the checker lets no {type(literal).__name__} be compared")


Medium = Callable[..., Any]


def medium(node: ast.Cond) -> Medium:
    """A function ``(raw, now)`` deciding ``node`` for one raw value as the reference does:
    True, False, None (unknown), or SLOW where the reference
    would warn. ``node`` is a single test, not a definition or an event."""
    if isinstance(node, ast.Presence):
        present = node.present

        def presence(raw: Any, now: Any = None) -> TV:
            return (not is_missing(raw)) == present

        return presence

    if isinstance(node, ast.Compare):
        convert, bound = _converter(node.value)
        op = node.op

        def compare(raw: Any, now: Any = None) -> Any:
            if is_missing(raw):
                return None
            value = convert(raw)
            if isinstance(value, Problem):
                return SLOW
            return _apply(op, value, bound)

        return compare

    if isinstance(node, ast.In):
        items = tuple(_converter(item) for item in node.values.items)
        negated = node.negated

        def member(raw: Any, now: Any = None) -> Any:
            if is_missing(raw):
                return None
            unreadable = False
            for convert, bound in items:
                value = convert(raw)
                if isinstance(value, Problem):
                    unreadable = True
                elif _apply("=", value, bound):
                    return SLOW if unreadable else not negated
            return SLOW if unreadable else negated

        return member

    if isinstance(node, ast.Between):
        low_convert, low = _converter(node.low)
        high_convert, high = _converter(node.high)
        negated = node.negated

        def between(raw: Any, now: Any = None) -> Any:
            if is_missing(raw):
                return None
            value = low_convert(raw)
            if isinstance(value, Problem):
                return SLOW
            above = _apply(">=", value, low)
            value = high_convert(raw)
            if isinstance(value, Problem):
                return SLOW
            return (above and _apply("<=", value, high)) != negated

        return between

    if isinstance(node, ast.TextTest):
        needle = to_text(node.value)
        assert isinstance(needle, str)
        text_op = node.op

        def text_test(raw: Any, now: Any = None) -> Any:
            if is_missing(raw):
                return None
            if isinstance(raw, (list, tuple, set, frozenset)):
                if text_op != "contains":
                    return SLOW
                return any(to_text(item) == needle for item in raw if not is_missing(item))
            text = to_text(raw)
            if isinstance(text, Problem):
                return SLOW
            if text_op == "contains":
                return needle in text
            if text_op == "starts with":
                return text.startswith(needle)
            return text.endswith(needle)

        return text_test

    if isinstance(node, ast.Matches):
        pattern = compile_regex(node.pattern, node.flags)

        def matches(raw: Any, now: Any = None) -> Any:
            if is_missing(raw):
                return None
            if isinstance(raw, str):
                text: Any = raw.strip()
            elif isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
                text = to_text(raw)
                if isinstance(text, Problem):
                    return SLOW
            else:
                return SLOW
            return pattern.search(text) is not None

        return matches

    if isinstance(node, ast.Fact):
        if node.count is not None or node.where is not None:

            def field_counted(raw: Any, now: Any = None) -> Any:
                return SLOW  # a field with `at least` or `where`: the reference warns

            return field_counted
        windows = node.windows
        if windows:

            def dated(raw: Any, now: Any = None) -> Any:
                if is_missing(raw):
                    return None
                value = moment(raw)
                if isinstance(value, Problem):
                    return SLOW
                return all(in_window(w, value, now) for w in windows)

            return dated

        def fact(raw: Any, now: Any = None) -> Any:
            if is_missing(raw):
                return None
            truth = to_bool(raw)
            return SLOW if isinstance(truth, Problem) else truth

        return fact

    raise AssertionError(f"no medium test for {type(node).__name__}")  # pragma: no cover


# ----------------------------------------------------------------------------- events

_item_setters = tuple(_Item.__dict__[name].__set__ for name in ("name", "at", "record"))


def _item(name: str, at: dt.datetime | None, record: Record) -> _Item:
    made: _Item = object.__new__(_Item)
    set_name, set_at, set_record = _item_setters
    set_name(made, name)
    set_at(made, at)
    set_record(made, record)
    return made


class FastEventIndex(EventIndex):
    """The reference's EventIndex, built faster for the common events: plain dicts with a
    ``name``, a ``datetime`` ``at`` and a dict of ``properties``, or :class:`leadrules.Event`
    objects with those. Any other event goes through the reference's own step
    (``EventIndex.add``), so the index and the warnings are the reference's."""

    def __init__(self, events: Any, now: dt.datetime, warn: Callable[[str], None]) -> None:
        self.by_name: dict[str, list[_Item]] = {}
        by_name = self.by_name
        for position, event in enumerate(self.listed(events, warn)):
            kind = event.__class__
            if kind is dict:
                name = event.get("name", _ABSENT)
                at = event.get("at", _ABSENT)
                props = event.get("properties", _ABSENT)
            elif kind is Event:
                name, at, props = event.name, event.at, event.properties
            else:
                name = at = props = _ABSENT
            if (
                name.__class__ is str
                and at.__class__ is dt.datetime
                and props.__class__ is dict
                and name.strip()
            ):
                if at.tzinfo is None:
                    at = at.replace(tzinfo=UTC)
                if at > now:
                    continue
                made = _item(name, at, Record(props))
                bucket = by_name.get(_normalised(name))
                if bucket is None:
                    by_name[_normalised(name)] = [made]
                else:
                    bucket.append(made)
            else:
                self.add(position, event, now, warn)
        self.sort()


# ----------------------------------------------------------------------------- rare paths


class Context(Evaluation):
    """The reference evaluation of one lead, for the paths the generated code leaves to it.
    ``recorded`` keeps, by ``id`` of the node or rule, what the explanation will need."""

    def __init__(self, rules: CheckedRules, lead: Any, now: dt.datetime) -> None:
        super().__init__(rules, lead, now)
        self.recorded: dict[int, Any] = {}
        self._starts: dict[int, dt.datetime] = {}

    index_class = FastEventIndex

    def match_events(
        self, node: ast.Fact, index: EventIndex
    ) -> tuple[list[_Item], int, list[Unknown]]:
        """Evaluation.match_events; without a `where` and with only `within` windows, by
        bisection: a bucket is in time order (events without a time first), and every event
        in it is at or before now, so the matching events are its tail."""
        if node.where is not None or any(w.kind != "within" for w in node.windows):
            return super().match_events(node, index)
        bucket = index.get(node.name.key)
        if not node.windows:
            return list(bucket), 0, []
        untimed = 0
        while untimed < len(bucket) and bucket[untimed].at is None:
            untimed += 1
        start = max(self.window_start(w) for w in node.windows)
        first = bisect.bisect_left(bucket, start, lo=untimed, key=_when)
        unknown = Unknown(str(node.name), f"{node.name}: an event has no time")
        return bucket[first:], untimed, [unknown] * untimed

    def window_start(self, window: ast.Window) -> dt.datetime:
        start = self._starts.get(id(window))
        if start is None:
            assert isinstance(window.value, ast.Duration)
            start = self._starts[id(window)] = subtract(self.now, window.value)
        return start

    def in_window(self, window: ast.Window, at: dt.date | dt.datetime) -> bool:
        """Evaluation.in_window, with the start of each `within` worked out once."""
        if window.kind == "within":
            start = self.window_start(window)
            if isinstance(at, dt.datetime):
                return start <= at <= self.now
            return start.date() <= at <= self.now.date()
        return super().in_window(window, at)

    def leaf(self, line: int, node: ast.Cond) -> TV:
        self._line = line
        return self.cond(node, self.lead).value

    def event_fact(self, line: int, node: ast.Fact) -> TV:
        self._line = line
        out = self.fact(node, self.lead, True)
        self.recorded[id(node)] = out
        return out.value

    def per(self, line: int, rule: ast.ScoreRule, group: str | None) -> Any:
        self._line = line
        got = self.per_rule(rule, group, rule.display)
        self.recorded[id(rule)] = got
        return got

    def decay(self, line: int, rule: ast.ScoreRule) -> Decimal:
        """The points of a decaying rule whose condition is true (score_rule's second half)."""
        self._line = line
        assert rule.condition is not None and rule.decay is not None
        latest = self.latest_event(rule.condition)
        points = rule.points
        info = None
        if latest is not None:
            age = self.now - latest
            points = self.decayed(rule.points, rule.decay, age)
            info = DecayInfo(rule.points, age, rule.decay.percent, str(rule.decay.every))
        self.recorded[id(rule)] = (points, info)
        return points

    def finish(self) -> tuple[str, ...]:
        """The warnings, the lead's reading problems last (as the reference's run() ends)."""
        self._line = 0
        for problem in self.lead.problems:
            self.warn(problem)
        return tuple(self.warnings)


class _Recorded(Record):
    """A Record answering with the values the scoring read."""

    __slots__ = ("_slots", "_values")

    def __init__(self, slots: Mapping[ast.Name, int], values: tuple[Any, ...]) -> None:
        super().__init__(None)
        self._slots = slots
        self._values = values

    def get(self, name: ast.Name) -> Any:
        index = self._slots.get(name)
        return MISSING if index is None else self._values[index]

    def events(self) -> Any:  # pragma: no cover - events outcomes are recorded
        raise AssertionError("a replay never reads events")


class Replay(Evaluation):
    """An Evaluation over recorded values, without warnings (they were given when the lead
    was scored), for the rare paths of the explanation."""

    def __init__(
        self,
        rules: CheckedRules,
        slots: Mapping[ast.Name, int],
        values: tuple[Any, ...],
        now: dt.datetime,
        recorded: Mapping[int, Any] | None,
    ) -> None:
        super().__init__(rules, {}, now)
        self.lead = _Recorded(slots, values)
        self.recorded = recorded or {}

    def warn(self, message: str) -> None:
        pass

    def fact(self, node: ast.Fact, rec: Record, top: bool) -> Outcome:
        if top and rec is self.lead and rec.get(node.name) is MISSING:
            out: Outcome = self.recorded[id(node)]
            return out
        return super().fact(node, rec, top)

    def leaf(self, node: ast.Cond) -> Outcome:
        return self.cond(node, self.lead)


# ----------------------------------------------------------------------------- fast objects
#
# The result classes are frozen, slotted attrs classes; their generated __init__ sets each
# field through object.__setattr__, which costs more than the scoring of a rule. These build
# the same objects by setting the slots directly (no converters or validators are involved).

_new = object.__new__


def _setters(cls: type, names: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(cls.__dict__[name].__set__ for name in names)


_EV_NAME, _EV_VALUE, _EV_EVENTS, _EV_IS_EVENT = _setters(
    Evidence, ("name", "value", "events", "is_event")
)


def evidence(name: str, value: Any) -> Evidence:
    """``Evidence(name, value)``."""
    made: Evidence = _new(Evidence)
    _EV_NAME(made, name)
    _EV_VALUE(made, value)
    _EV_EVENTS(made, ())
    _EV_IS_EVENT(made, False)
    return made


(
    _C_POINTS,
    _C_LABEL,
    _C_GROUP,
    _C_LINE,
    _C_COLUMN,
    _C_EVIDENCE,
    _C_KIND,
    _C_RULE,
    _C_COUNT,
    _C_UNCAPPED,
    _C_DECAY,
) = _setters(
    Contribution,
    (
        "points",
        "label",
        "group",
        "line",
        "column",
        "evidence",
        "kind",
        "rule",
        "count",
        "uncapped_points",
        "decay",
    ),
)


def contribution(
    points: Decimal,
    label: str,
    group: str | None,
    line: int,
    column: int,
    evidence: tuple[Evidence, ...],
    kind: str,
    rule: str,
    count: Decimal | None,
    uncapped_points: Decimal | None,
    decay: DecayInfo | None,
) -> Contribution:
    """``Contribution(...)`` with every field given, in declaration order."""
    made: Contribution = _new(Contribution)
    _C_POINTS(made, points)
    _C_LABEL(made, label)
    _C_GROUP(made, group)
    _C_LINE(made, line)
    _C_COLUMN(made, column)
    _C_EVIDENCE(made, evidence)
    _C_KIND(made, kind)
    _C_RULE(made, rule)
    _C_COUNT(made, count)
    _C_UNCAPPED(made, uncapped_points)
    _C_DECAY(made, decay)
    return made


def evidences(items: Any) -> tuple[Evidence, ...]:
    """Evidence objects from what the explanation code gathered: Evidence objects (from the
    reference's paths) and ``(name, value)`` pairs (from the inline ones), in order."""
    out = []
    for item in items:
        out.append(item if item.__class__ is Evidence else evidence(item[0], item[1]))
    return tuple(out)


_STAGE_SETTERS = _setters(
    StageOutcome, ("name", "threshold", "reached", "condition", "line", "column")
)


def stage_outcome(
    name: str, threshold: Decimal, reached: bool, condition: TV, line: int, column: int
) -> StageOutcome:
    made: StageOutcome = _new(StageOutcome)
    for setter, value in zip(
        _STAGE_SETTERS, (name, threshold, reached, condition, line, column), strict=True
    ):
        setter(made, value)
    return made


_DQ_SETTERS = _setters(Disqualification, ("reason", "line", "column", "evidence", "rule"))


def disqualification(
    reason: str, line: int, column: int, evidence: tuple[Evidence, ...], rule: str
) -> Disqualification:
    made: Disqualification = _new(Disqualification)
    for setter, value in zip(_DQ_SETTERS, (reason, line, column, evidence, rule), strict=True):
        setter(made, value)
    return made


# ----------------------------------------------------------------------------- explanation memos
#
# A rule's part of the explanation (its Contribution, Undecided or Disqualification, or nothing)
# depends only on the values the rule reads, when those are plain text, whole numbers, yes/no,
# None or absent, and the rule reads no event and no time window. Results are immutable, so
# leads with the same such values share the same objects: the explanation keeps, per rule, a
# bounded memo from those values (their *keys*) to the rule's part, and builds the part only
# for values it has not seen lately.
#
# A value's key is the value itself for text (up to KEY_TEXT_MAX characters) and ints (below
# KEY_INT_BOUND), distinct markers for True and False (which equal 1 and 0), None and MISSING
# as themselves; any other value has the key NO_KEY, and a part read with it is not kept.


class _Marker:
    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


#: The key of a value the memos do not keep parts for.
NO_KEY: Final = _Marker("NO_KEY")
#: The keys of True and False.
KEY_TRUE: Final = _Marker("KEY_TRUE")
KEY_FALSE: Final = _Marker("KEY_FALSE")
#: A rule's part when it adds nothing to the explanation (true, as memo values must be).
NOTHING: Final = _Marker("NOTHING")

#: Text longer than this, and ints of this size or more, are not keys (a memo holds its keys:
#: a stream of huge values must not make it big).
KEY_TEXT_MAX = 256
KEY_INT_BOUND = 10**18
#: The entries a memo keeps: its share of MEMO_ENTRIES (for the memos of one rule set
#: together), within MEMO_SHARE. A full memo starts afresh.
MEMO_ENTRIES = 32768
MEMO_SHARE = (32, 4096)


def remember(memo: dict[Any, Any], size: int, key: Any, value: Any) -> None:
    """``memo[key] = value``; a memo holding ``size`` entries starts afresh first."""
    if len(memo) >= size:
        memo.clear()
    memo[key] = value


def memo_size(memos: int) -> int:
    """How many entries each of ``memos`` memos keeps."""
    low, high = MEMO_SHARE
    return max(low, min(high, MEMO_ENTRIES // max(1, memos)))


def _keepable(single: bool, events: tuple[int, ...]) -> Callable[[Any], bool]:
    """Whether a part read with ``key`` may be kept: no value without a key, and no absent
    value at ``events``, the positions of values an event may stand for (such a part depends
    on the lead's events). ``key`` is one value's key if ``single``, else a tuple of them."""
    if single and not events:
        return lambda key: key is not NO_KEY
    if single:
        return lambda key: key is not NO_KEY and key is not MISSING
    if not events:
        return lambda key: NO_KEY not in key
    return lambda key: NO_KEY not in key and all(key[i] is not MISSING for i in events)


def part_maker(
    fired: Callable[[tuple[Evidence, ...]], Any] | None,
    kind: Any,
    label: str,
    span: ast.Span,
    memo: dict[Any, Any] | None,
    size: int = 0,
    single: bool = True,
    events: tuple[int, ...] = (),
) -> Callable[[Any, TV, Any], Any]:
    """``part(key, t, x)``: the part of a rule, disqualify rule or stage condition whose
    condition came out ``t`` with evidence (or unknowns) ``x``, kept in ``memo`` under ``key``
    (a memo of ``size`` entries, starting afresh when full; no memo: never kept) when it may
    be (see :func:`_keepable`). For a rule or disqualify rule the part is
    ``fired(evidence)`` when true, its Undecided when unknown, NOTHING when false; for a stage
    (``fired`` None) it is ``(t, its Undecided or None)``."""
    plain = memo is not None and single and not events
    keepable = _keepable(single, events)

    def part(key: Any, t: TV, x: Any) -> Any:
        got: Any
        if fired is None:
            got = (t, None if t is not None else _undecided(kind, label, span, x))
        elif t is None:
            got = _undecided(kind, label, span, x)
        elif t:
            got = fired(evidences(x))
        else:
            got = NOTHING
        if memo is not None and (key is not NO_KEY if plain else keepable(key)):
            remember(memo, size, key, got)
        return got

    return part


def contribution_maker(
    points: Decimal, label: str, group: str | None, line: int, column: int, rule: str
) -> Callable[[tuple[Evidence, ...]], Contribution]:
    """``make(evidence)``: the Contribution of a fixed-points rule that fired."""

    def make(evidence: tuple[Evidence, ...]) -> Contribution:
        return contribution(
            points, label, group, line, column, evidence, "rule", rule, None, None, None
        )

    return make


def disqualification_maker(
    reason: str, line: int, column: int, rule: str
) -> Callable[[tuple[Evidence, ...]], Disqualification]:
    """``make(evidence)``: the Disqualification of a disqualify rule that was true."""

    def make(evidence: tuple[Evidence, ...]) -> Disqualification:
        return disqualification(reason, line, column, evidence, rule)

    return make


def undecided_maker(kind: Any, label: str, span: ast.Span) -> Callable[[Any], Undecided]:
    """``make(unknowns)``: the Undecided of a rule whose condition was unknown."""

    def make(unknowns: Any) -> Undecided:
        return _undecided(kind, label, span, unknowns)

    return make


def key_of(value: Any) -> Any:
    """The memo key of a value that is not short text or a moderate int (the generated code
    tells those apart inline)."""
    kind = value.__class__
    if kind is str:
        return value if len(value) <= KEY_TEXT_MAX else NO_KEY
    if kind is int:
        return value if -KEY_INT_BOUND < value < KEY_INT_BOUND else NO_KEY
    if value is True:
        return KEY_TRUE
    if value is False:
        return KEY_FALSE
    if value is None or value is MISSING:
        return value
    return NO_KEY


def explain_names(rules: CheckedRules, slots: Mapping[ast.Name, int]) -> dict[str, Any]:
    """What the generated explanation code uses by name (besides its own constants)."""
    return {
        "_xrare": explain_rare(rules, slots),
        "_xeo": event_outcome,
        "_xevs": evidences,
        "_xcontrib": contribution,
        "_xrc": _rule_clamp,
        "_xfrozen": MappingProxyType,
        "_xkey": key_of,
        "_xC": Contribution,
        "_xD": Disqualification,
        "_NK": NO_KEY,
        "_NO": NOTHING,
        "_KB": KEY_INT_BOUND,
    }


def units_part(
    rule: ast.ScoreRule, group: str | None, memo: dict[int, Any], size: int
) -> Callable[[int], Any]:
    """``part(n)`` for a `per` rule on a field holding the whole number ``n`` (within
    MAX_UNITS): NOTHING, or (its Contribution, its clamps, its points); kept in ``memo`` (of
    ``size`` entries) under ``n``."""
    assert rule.per is not None
    points, cap, name = rule.points, rule.cap, str(rule.per.name)
    label, line, column, text = rule.display, rule.span.line, rule.span.column, rule.text

    def part(count: int) -> Any:
        got: Any = NOTHING
        full = unit_points(points, count)
        if full:
            capped, uncapped = full, None
            if cap is not None and abs(full) > cap:
                capped, uncapped = (cap if full > 0 else -cap), full
            made = contribution(
                capped,
                label,
                group,
                line,
                column,
                (evidence(name, count),),
                "rule",
                text,
                Decimal(count),
                uncapped,
                None,
            )
            got = (made, _rule_clamp(made), capped)
        remember(memo, size, count, got)
        return got

    return part


def group_limiter(
    group: CheckedGroup, size: int
) -> Callable[[Decimal | int, list[Contribution], list[Any]], Decimal]:
    """``limit(subtotal, contributions, clamps)``: :func:`apply_group_limits` for a subtotal
    outside the group's limits, its clamp contribution and Clamp kept by the exact subtotal."""
    memo: dict[str, tuple[Decimal, tuple[Contribution, ...], tuple[Any, ...]]] = {}

    def limit(
        subtotal: Decimal | int, contributions: list[Contribution], clamps: list[Any]
    ) -> Decimal:
        exact = Decimal(subtotal) if subtotal.__class__ is int else subtotal
        assert isinstance(exact, Decimal)
        key = str(exact)  # exact: 62 and 62.0000 differ
        got = memo.get(key)
        if got is None:
            made: list[Contribution] = []
            limits: list[Any] = []
            clamped = apply_group_limits(group, exact, made, limits)
            got = (clamped, tuple(made), tuple(limits))
            remember(memo, size, key, got)
        contributions.extend(got[1])
        clamps.extend(got[2])
        return got[0]

    return limit


def stage_outcomes(
    stage: ast.Stage,
) -> tuple[tuple[StageOutcome, StageOutcome], StageOutcome, StageOutcome]:
    """A stage's outcomes, made once: (not reached, reached) when its condition is true (or it
    has none: then with condition None), and when the condition is None or false."""
    name, threshold, line, column = stage.name, stage.threshold, stage.span.line, stage.span.column
    condition = None if stage.condition is None else True
    return (
        (
            stage_outcome(name, threshold, False, condition, line, column),
            stage_outcome(name, threshold, True, condition, line, column),
        ),
        stage_outcome(name, threshold, False, None, line, column),
        stage_outcome(name, threshold, False, False, line, column),
    )


#: The single tests (the generated code's leaves).
Leaf = ast.Leaf


def _replay(state: list[Any], rules: CheckedRules, slots: Mapping[ast.Name, int]) -> Replay:
    """The lead's Replay (made once, in ``S[0]``) over the values in ``S``."""
    found: Replay | None = state[0]
    if found is None:
        found = state[0] = Replay(rules, slots, state[1], state[2], state[3])
    return found


def explain_rare(
    rules: CheckedRules, slots: Mapping[ast.Name, int]
) -> Callable[[list[Any], Leaf, Medium, Any, Any], tuple[TV, Any]]:
    """``rare(S, node, test, raw, missing) -> (t, x)``: a test on a value of an uncommon class,
    for the explanation: its truth and its evidence (``(name, value)`` pairs or Evidence) or,
    when unknown, its unknowns (``missing`` when the value is missing)."""

    def rare(state: list[Any], node: Leaf, test: Medium, raw: Any, missing: Any) -> Any:
        truth = test(raw, state[2])
        if truth is SLOW or isinstance(node, ast.Matches):
            # Matches: its evidence holds the value as read (an Enum's value).
            out = _replay(state, rules, slots).leaf(node)
            return out.value, out.evidence if out.value is not None else out.unknowns
        if truth is None:
            return None, missing
        return truth, ((str(node.name), None if raw is MISSING else raw),)

    return rare


def event_outcome(recorded: Mapping[int, Any], node: ast.Cond) -> tuple[TV, Any]:
    """(t, x) of an event fact, as the scoring recorded it."""
    out: Outcome = recorded[id(node)]
    return out.value, out.evidence if out.value is not None else out.unknowns


#: How many parts a rule's memo must lack before its condition is compiled: until then the
#: reference's own code (a Replay of the lead) decides it, so that a big rule file whose
#: rules mostly meet values they met before compiles little.
COMPILE_AFTER = 8


def cold_unit(
    rules: CheckedRules,
    slots: Mapping[ast.Name, int],
    node: ast.Cond,
    part: Callable[[Any, TV, Any], Any],
    compiled: Callable[[], Callable[..., Any]],
) -> Callable[[tuple[Any, ...], list[Any], Any, Any], Any]:
    """``unit(V, S, X, key)``: the part (see :func:`part_maker`) of the rule with condition
    ``node``, the condition decided by the reference's code; after COMPILE_AFTER calls, by
    the function ``compiled()`` compiles (which from then on is called in its place)."""
    calls = 0

    def unit(values: tuple[Any, ...], state: list[Any], recorded: Any, key: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls > COMPILE_AFTER:
            return compiled()(values, state, recorded, key)
        replay = _replay(state, rules, slots)
        out = replay.cond(node, replay.lead)
        return part(key, out.value, out.evidence if out.value is not None else out.unknowns)

    return unit
