"""Run-time support for the compiled backend's generated code (:mod:`.compiler`).

The generated code handles the common cases inline (plain-dict leads, values of the type a test
expects). Everything else comes here, and most of it goes on to the reference evaluator's own
methods, so that the rare paths (unreadable values and their warnings, events, decay) behave
exactly as the reference does because they *are* the reference's code:

- name lookups the inline code leaves out (:func:`norm_lookup`, :func:`attrs_view`,
  :func:`key_plan`, :func:`path_lookup`), as :class:`~leadrules.runtime.leads.Record` reads;
- the *medium* tests (:func:`medium`) decide one test for any value, without side effects;
  where the reference would warn about an unreadable value they answer :data:`SLOW`;
- :class:`Context` is the reference :class:`~leadrules.backends.reference.Evaluation` of the
  lead, made only when a rare path needs it, which also records what the lazy explanation will
  need (event outcomes, per-event contributions, decayed points);
- :class:`Replay` is an Evaluation over the values the scoring read, used while building the
  explanation for the rare paths.

The explanation's memos and fast constructors of result objects are :mod:`.memos`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import operator
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

from ...lang import ast
from ...lang.checker import CheckedRules
from ...lang.visitor import Visitor
from ...result import DecayInfo
from ...runtime.events import EventIndex, EventItem, event_time
from ...runtime.leads import ABSENT, Event, Record
from ...runtime.names import NameLike
from ...runtime.regex import compile_regex
from ...runtime.values import (
    MISSING,
    Missing,
    Problem,
    fold,
    is_missing,
    to_bool,
    to_date,
    to_datetime,
    to_number,
    to_text,
)
from ..reference import Evaluation, Outcome
from ..semantics import TV, UTC, Unknown, compare, in_window, moment, subtract

__all__ = [
    "IMMUTABLE",
    "MAX_KEY_PLANS",
    "SLOW",
    "Context",
    "FastEventIndex",
    "Replay",
    "attrs_view",
    "key_plan",
    "medium",
    "norm_lookup",
    "path_lookup",
]


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
    ``ABSENT`` for a name the dict lacks (read with ``map(d.get, plan, MISSINGS)``)."""
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
                chosen.append(ABSENT)
    if any(key is ABSENT for key in chosen):
        return tuple(chosen)
    return operator.itemgetter(*chosen)


#: A rule set remembers the key plans of at most this many key orders (then starts again).
MAX_KEY_PLANS = 256


def path_lookup(lead: Any, name: ast.Name) -> Any:
    """A dotted name, read as the reference reads it."""
    return Record(lead).get(name)


# ----------------------------------------------------------------------------- medium tests


def _converter(literal: Any, dayfirst: bool) -> tuple[Callable[[Any], Any], Any]:
    """How the reference's ``compare`` reads a value for ``literal``, and the bound."""
    if isinstance(literal, bool):
        return functools.partial(to_bool, dayfirst=dayfirst), literal
    if isinstance(literal, Decimal):
        return to_number, literal
    if isinstance(literal, dt.datetime):
        return functools.partial(to_datetime, dayfirst=dayfirst), literal
    if isinstance(literal, dt.date):
        return functools.partial(to_date, dayfirst=dayfirst), literal
    if isinstance(literal, str):
        return to_text, fold(literal)
    raise AssertionError(f"the checker lets no {type(literal).__name__} be compared")


Medium = Callable[..., Any]


def medium(node: ast.Leaf, dayfirst: bool = False) -> Medium:
    """A function ``(raw, now)`` deciding ``node`` for one raw value as the reference does:
    True, False, None (unknown), or SLOW where the reference would warn. ``node`` is a single
    test, not a definition or an event; ``dayfirst`` as the rule set reads dates."""
    return _MEDIUM[dayfirst].visit(node)


class _MediumTests(Visitor[[], Medium]):
    """The medium test of each kind of single test (see :func:`medium`)."""

    def __init__(self, dayfirst: bool) -> None:
        self.dayfirst = dayfirst

    def visit_presence(self, node: ast.Presence) -> Medium:
        present = node.present

        def presence(raw: Any, now: Any = None) -> TV:
            return (not is_missing(raw)) == present

        return presence

    def visit_compare(self, node: ast.Compare) -> Medium:
        convert, bound = _converter(node.value, self.dayfirst)
        op = node.op

        def compared(raw: Any, now: Any = None) -> Any:
            if is_missing(raw):
                return None
            value = convert(raw)
            if isinstance(value, Problem):
                return SLOW
            return compare(op, value, bound)

        return compared

    def visit_in(self, node: ast.In) -> Medium:
        items = tuple(_converter(item, self.dayfirst) for item in node.values.items)
        negated = node.negated

        def member(raw: Any, now: Any = None) -> Any:
            if is_missing(raw):
                return None
            unreadable = False
            for convert, bound in items:
                value = convert(raw)
                if isinstance(value, Problem):
                    unreadable = True
                elif compare("=", value, bound):
                    return SLOW if unreadable else not negated
            return SLOW if unreadable else negated

        return member

    def visit_between(self, node: ast.Between) -> Medium:
        low_convert, low = _converter(node.low, self.dayfirst)
        high_convert, high = _converter(node.high, self.dayfirst)
        negated = node.negated

        def between(raw: Any, now: Any = None) -> Any:
            if is_missing(raw):
                return None
            value = low_convert(raw)
            if isinstance(value, Problem):
                return SLOW
            above = compare(">=", value, low)
            value = high_convert(raw)
            if isinstance(value, Problem):
                return SLOW
            return (above and compare("<=", value, high)) != negated

        return between

    def visit_text_test(self, node: ast.TextTest) -> Medium:
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

    def visit_matches(self, node: ast.Matches) -> Medium:
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

    def visit_fact(self, node: ast.Fact) -> Medium:
        if node.count is not None or node.where is not None:

            def field_counted(raw: Any, now: Any = None) -> Any:
                return SLOW  # a field with `at least` or `where`: the reference warns

            return field_counted
        windows = node.windows
        dayfirst = self.dayfirst
        if windows:

            def dated(raw: Any, now: Any = None) -> Any:
                if is_missing(raw):
                    return None
                value = moment(raw, dayfirst)
                if isinstance(value, Problem):
                    return SLOW
                return all(in_window(w, value, now) for w in windows)

            return dated

        def fact(raw: Any, now: Any = None) -> Any:
            if is_missing(raw):
                return None
            truth = to_bool(raw, dayfirst)
            return SLOW if isinstance(truth, Problem) else truth

        return fact


_MEDIUM = (_MediumTests(False), _MediumTests(True))


# ----------------------------------------------------------------------------- events

_item_setters = tuple(EventItem.__dict__[name].__set__ for name in ("name", "at", "record"))


def _item(name: str, at: dt.datetime | None, record: Record) -> EventItem:
    made: EventItem = object.__new__(EventItem)
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

    def __init__(
        self,
        events: Any,
        now: dt.datetime,
        warn: Callable[[str], None],
        dayfirst: bool = False,
    ) -> None:
        self.by_name: dict[str, list[EventItem]] = {}
        self.dayfirst = dayfirst
        by_name = self.by_name
        normalised = _normalised
        for position, event in enumerate(self.listed(events, warn)):
            kind = event.__class__
            if kind is dict:
                name = event.get("name", ABSENT)
                at = event.get("at", ABSENT)
                props = event.get("properties", ABSENT)
            elif kind is Event:
                name, at, props = event.name, event.at, event.properties
            else:
                name = at = props = ABSENT
            if at.__class__ is str:
                # A time as JSON gives it: read as the reference reads it (its quick path
                # for the common ISO forms); an unreadable one is the reference's to warn of.
                parsed = to_datetime(at, dayfirst)
                at = ABSENT if parsed.__class__ is Problem else parsed
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
                key = normalised(name)
                bucket = by_name.get(key)
                if bucket is None:
                    by_name[key] = [made]
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
    ) -> tuple[list[EventItem], int, list[Unknown]]:
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
        first = bisect.bisect_left(bucket, start, lo=untimed, key=event_time)
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

    def get(self, name: NameLike) -> Any:
        index = self._slots.get(name)  # type: ignore[call-overload]  # the rules' own names
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
