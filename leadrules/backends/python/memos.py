"""The compiled backend's explanation memos, and fast constructors of result objects.

A rule's part of the explanation (its Contribution, Undecided or Disqualification, or nothing)
depends only on the values the rule reads, when those are plain text, whole numbers, yes/no,
None or absent, and the rule reads no event and no time window. Results are immutable, so
leads with the same such values share the same objects: the explanation keeps, per rule, a
bounded memo from those values (their *keys*) to the rule's part, and builds the part only for
values it has not seen lately (see :mod:`.explaining`, which generates the code using these).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Final

from ...lang import ast
from ...lang.checker import CheckedGroup, CheckedRules
from ...result import (
    Contribution,
    DecayInfo,
    Disqualification,
    Evidence,
    StageOutcome,
    Undecided,
    snapshot,
)
from ...runtime.values import MISSING
from ..reference import Outcome
from ..semantics import TV, apply_group_limits, rule_clamp, undecided, unit_points
from .runtime import SLOW, Medium, Replay

# ----------------------------------------------------------------------------- fast objects
#
# The result classes are frozen, slotted attrs classes; their generated __init__ sets each
# field through object.__setattr__, which costs more than the scoring of a rule. These build
# the same objects by setting the slots directly (no converters or validators are involved).

_new = object.__new__
#: Values evidence holds as they are (the rest go through result.snapshot, as Evidence does).
_PLAIN = frozenset({str, bool, type(None)})


def _setters(cls: type, names: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(cls.__dict__[name].__set__ for name in names)


_EV_NAME, _EV_VALUE, _EV_EVENTS, _EV_IS_EVENT = _setters(
    Evidence, ("name", "value", "events", "is_event")
)


def evidence(name: str, value: Any) -> Evidence:
    """``Evidence(name, value)``."""
    made: Evidence = _new(Evidence)
    _EV_NAME(made, name)
    _EV_VALUE(made, value if value.__class__ in _PLAIN else snapshot(value))
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
            got = (t, None if t is not None else undecided(kind, label, span, x))
        elif t is None:
            got = undecided(kind, label, span, x)
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
        return undecided(kind, label, span, unknowns)

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
        "_xper": explain_per(rules, slots),
        "_xeo": event_outcome,
        "_xevs": evidences,
        "_xcontrib": contribution,
        "_xrc": rule_clamp,
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
            got = (made, rule_clamp(made), capped)
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


def explain_per(
    rules: CheckedRules, slots: Mapping[ast.Name, int]
) -> Callable[[list[Any], ast.ScoreRule, str | None], Any]:
    """``per(S, rule, group)``: a `per` rule's part (a Contribution, an Undecided or None) as
    the reference's code gives it, for units the scoring counted inline from text."""

    def per(state: list[Any], rule: ast.ScoreRule, group: str | None) -> Any:
        return _replay(state, rules, slots).per_rule(rule, group, rule.display)

    return per


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
