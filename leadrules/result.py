"""The result of scoring one lead: immutable, explainable, JSON-ready.

All points are :class:`decimal.Decimal`, so ``sum(c.points for c in result.contributions)`` is
exactly ``result.score`` (binary floats would drift: 0.1 + 0.2 != 0.3).
"""

from __future__ import annotations

import datetime as dt
import enum
import threading
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

import attrs

from .lang.decimal_text import number_text, signed_number_text
from .runtime.values import show

__all__ = [
    "Clamp",
    "Contribution",
    "DecayInfo",
    "Disqualification",
    "EventRef",
    "Evidence",
    "Result",
    "Snapshot",
    "StageOutcome",
    "Undecided",
    "snapshot",
]

#: How many matched events evidence keeps (the most recent); the count says how many in all.
MAX_EVIDENCE_EVENTS = 5


def json_number(value: Decimal) -> int | float:
    """A Decimal as JSON: an int when whole, else a float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


#: A whole Decimal with more digits than this is written in JSON as text (``"1E+999999"``):
#: making it an int would build a number of a million digits.
_MAX_JSON_DIGITS = 1000
#: An int of more bits than this (about 3,000 digits) is too big to hold or show as it is:
#: Python refuses to write an int of more than 4,300 digits as text.
_MAX_INT_BITS = 10_000


def _big_int_text(value: int) -> str:
    return f"<an int of about {int(value.bit_length() * 0.30103) + 1:,} digits>"


def _json_decimal(value: Decimal) -> int | float | str | None:
    if not value.is_finite():
        return None
    if value.adjusted() >= _MAX_JSON_DIGITS:
        return str(value)
    return json_number(value)


# ----------------------------------------------------------------------------- snapshots

#: How deep and how large a structure evidence copies; beyond, it holds a description.
MAX_SNAPSHOT_DEPTH = 20
MAX_SNAPSHOT_ITEMS = 10_000


@attrs.frozen(slots=True, repr=False)
class Snapshot:
    """What evidence holds in place of a lead value it cannot keep as it was: an object of a
    type leadrules does not know (it might change, or raise when shown), an int too big to
    write, a structure nested too deep or too large. ``text`` describes the value."""

    text: str

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


#: The classes whose values evidence keeps as they are (immutable, safe to show).
_KEPT: frozenset[type] = frozenset({str, bool, type(None), dt.date, dt.timedelta})
_FLOAT_NAN = float("nan")
_DECIMAL_NANS = (Decimal("NaN"), Decimal("-NaN"))


def snapshot(value: Any) -> Any:
    """What evidence holds of a lead value (see docs/hostile.md): text, numbers, dates, times,
    yes/no, None and enum members as they are (any NaN as one shared NaN, so that equal
    results are equal); lists, tuples, sets and mappings copied, up to MAX_SNAPSHOT_DEPTH
    levels and MAX_SNAPSHOT_ITEMS items; anything else as a :class:`Snapshot` of its
    description. A later change to the lead does not change the result; never raises."""
    if value.__class__ in _KEPT:
        return value
    return _snapshot(value, 0, [MAX_SNAPSHOT_ITEMS])


def _snapshot(value: Any, depth: int, budget: list[int]) -> Any:
    kind = type(value)
    try:
        if kind in _KEPT or kind is Snapshot:
            return value
        if kind is int:
            return value if value.bit_length() <= _MAX_INT_BITS else Snapshot(_big_int_text(value))
        if kind is float:
            return _FLOAT_NAN if value != value else value
        if kind is Decimal:
            return _DECIMAL_NANS[value.is_signed()] if value.is_nan() else value
        if kind is dt.datetime:
            if value.tzinfo is not None and value.tzinfo.__class__ is not dt.timezone:
                repr(value)  # a time zone of another kind: it must at least show
            return value
        if isinstance(value, enum.Enum):
            repr(value)
            return value
        if isinstance(value, (list, tuple, set, frozenset, Mapping)):
            return _container(value, depth, budget)
        # Subclasses of the plain types, as the plain value (their methods may do anything).
        if isinstance(value, str):
            return str.__str__(value)
        if isinstance(value, bool):
            return bool(int.__int__(value))
        if isinstance(value, int):
            return _snapshot(int.__int__(value), depth, budget)
        if isinstance(value, float):
            return _snapshot(float.__float__(value), depth, budget)
        return Snapshot(show(value, 200))
    except Exception:
        return Snapshot(f"<{kind.__name__}>")


_NAN_KEY = object()


def _eq_key(value: Any) -> Any:
    """What evidence values compare by: a NaN equals a NaN (so a result equals itself)."""
    kind = value.__class__
    if (kind is float and value != value) or (kind is Decimal and value.is_nan()):
        return _NAN_KEY
    return value


def _container(value: Any, depth: int, budget: list[int]) -> Any:
    name = type(value).__name__
    if depth >= MAX_SNAPSHOT_DEPTH:
        return Snapshot(f"<a {name} nested deeper than {MAX_SNAPSHOT_DEPTH} levels>")
    size = len(value)
    if size > budget[0]:
        return Snapshot(f"<a {name} of {size:,} items>")
    budget[0] -= size
    if isinstance(value, Mapping):
        return {
            _snapshot(k, depth + 1, budget): _snapshot(v, depth + 1, budget)
            for k, v in list(value.items())
        }
    items = [_snapshot(item, depth + 1, budget) for item in list(value)]
    if isinstance(value, tuple):
        return tuple(items)
    if isinstance(value, (set, frozenset)):
        return frozenset(items) if isinstance(value, frozenset) else set(items)
    return items


def json_value(value: Any, _depth: int = 0) -> Any:
    """Any lead value made JSON-safe (structures nested deeper than 20 levels, such as a lead
    that contains itself, are cut off and shown as text)."""
    if _depth > 20:
        return show(value)
    try:
        return _json_value(value, _depth)
    except Exception:  # a hostile object (its isoformat or items raise): show what we can
        return show(value)


def _json_value(value: Any, _depth: int) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 10_000:
        return _big_int_text(value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, Decimal):
        return _json_decimal(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): json_value(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_value(v, _depth + 1) for v in value]
    return show(value)


@attrs.frozen(slots=True)
class EventRef:
    """An event that made a rule true: its name as the lead had it, and when it happened."""

    name: str
    at: dt.datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "at": None if self.at is None else self.at.isoformat()}


@attrs.frozen(slots=True)
class Evidence:
    """A value that made a rule true (or false): the name as written in the rule, and what the
    lead had. For events, ``value`` is how many matched and ``events`` the most recent of them."""

    name: str
    #: A snapshot of the value (:func:`snapshot`): the lead changing later does not change it.
    value: Any = attrs.field(converter=snapshot, eq=lambda value: _eq_key(value))
    events: tuple[EventRef, ...] = ()
    is_event: bool = False

    def describe(self) -> str:
        if self.is_event:
            count = int(self.value)
            times = "time" if count == 1 else "times"
            text = f"{self.name}: {count} {times}"
            if self.events:
                when = ", ".join(
                    e.at.strftime("%Y-%m-%d") if e.at is not None else "?" for e in self.events
                )
                more = count - len(self.events)
                text += f" (latest {when}" + (f", and {more} more)" if more > 0 else ")")
            return text
        return f"{self.name} = {show(self.value)}"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "value": json_value(self.value)}
        if self.is_event:
            data["events"] = [e.to_dict() for e in self.events]
        return data


@attrs.frozen(slots=True)
class DecayInfo:
    """How a decaying rule's points shrank: ``full_points`` at age 0, ``age`` of the latest
    matching event, ``percent`` lost per ``every``. For a ``per`` rule each event decays on
    its own, and ``oldest_age`` is the age of the oldest counted event."""

    full_points: Decimal
    age: dt.timedelta
    percent: Decimal
    every: str
    oldest_age: dt.timedelta | None = None

    def describe(self) -> str:
        days = self.age.total_seconds() / 86400
        if self.oldest_age is not None:
            oldest = self.oldest_age.total_seconds() / 86400
            return (
                f"{signed_number_text(self.full_points)} before decay; each event loses "
                f"{number_text(self.percent)}% every {self.every} of its age "
                f"(events {days:.1f} to {oldest:.1f} days old)"
            )
        return (
            f"{signed_number_text(self.full_points)} decayed {number_text(self.percent)}% "
            f"every {self.every}, "
            f"latest event {days:.1f} days ago"
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "full_points": json_number(self.full_points),
            "age_seconds": self.age.total_seconds(),
            "percent": json_number(self.percent),
            "every": self.every,
        }
        if self.oldest_age is not None:
            data["oldest_age_seconds"] = self.oldest_age.total_seconds()
        return data


@attrs.frozen(slots=True)
class Contribution:
    """Points added to the score: by a rule that fired (``kind == "rule"``) or by a group's
    limit (``kind == "clamp"``, usually negative: the points the limit took away)."""

    points: Decimal
    label: str
    group: str | None
    line: int
    column: int
    evidence: tuple[Evidence, ...] = ()
    kind: Literal["rule", "clamp"] = "rule"
    rule: str = ""  # the rule's source text
    count: Decimal | None = None  # per rules: how many events or units were counted
    uncapped_points: Decimal | None = None  # per rules: the points before `up to`
    decay: DecayInfo | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "points": json_number(self.points),
            "label": self.label,
            "group": self.group,
            "line": self.line,
            "column": self.column,
            "kind": self.kind,
            "rule": self.rule,
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.count is not None:
            data["count"] = json_number(self.count)
        if self.uncapped_points is not None:
            data["uncapped_points"] = json_number(self.uncapped_points)
        if self.decay is not None:
            data["decay"] = self.decay.to_dict()
        return data


@attrs.frozen(slots=True)
class Clamp:
    """A limit that changed points: a group's ``max``/``min`` or a rule's ``up to``."""

    kind: Literal["group max", "group min", "rule cap"]
    target: str  # the group name, or the rule's label
    limit: Decimal
    before: Decimal
    after: Decimal
    line: int
    column: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "target": self.target,
            "limit": json_number(self.limit),
            "before": json_number(self.before),
            "after": json_number(self.after),
            "line": self.line,
            "column": self.column,
        }


@attrs.frozen(slots=True)
class Disqualification:
    """A disqualify rule that was true."""

    reason: str
    line: int
    column: int
    evidence: tuple[Evidence, ...] = ()
    rule: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@attrs.frozen(slots=True)
class Undecided:
    """A rule whose condition was unknown because data was missing or unreadable."""

    kind: Literal["score rule", "disqualify", "stage"]
    label: str
    line: int
    column: int
    missing: tuple[str, ...]  # the names whose values were missing
    reasons: tuple[str, ...]  # every reason, in words

    def describe(self) -> str:
        return "; ".join(self.reasons)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "line": self.line,
            "column": self.column,
            "missing": list(self.missing),
            "reasons": list(self.reasons),
        }


@attrs.frozen(slots=True)
class StageOutcome:
    """How the lead stood against one stage."""

    name: str
    threshold: Decimal
    reached: bool
    condition: bool | None  # None: no condition, or the condition could not be decided
    line: int
    column: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "threshold": json_number(self.threshold),
            "reached": self.reached,
            "condition": self.condition,
            "line": self.line,
            "column": self.column,
        }


def _frozen_mapping(value: Mapping[str, Decimal]) -> Mapping[str, Decimal]:
    return MappingProxyType(dict(value))


class _LazyParts:
    """A private slot under :class:`Result` where a fast backend leaves a recipe for the
    result's costly parts (see :data:`LAZY_FIELDS`), which are then built on first access.
    A Result made with ``Result(...)`` never uses it."""

    __slots__ = ("_lazy_parts",)


@attrs.frozen(slots=True)
class Result(_LazyParts):
    """The score of one lead and everything that explains it."""

    score: Decimal
    stage: str | None
    disqualified: bool
    disqualifications: tuple[Disqualification, ...]
    contributions: tuple[Contribution, ...]
    groups: Mapping[str, Decimal] = attrs.field(converter=_frozen_mapping)
    undecided: tuple[Undecided, ...]
    warnings: tuple[str, ...]
    next_stage: str | None
    points_to_next_stage: Decimal | None
    clamps: tuple[Clamp, ...]
    stages: tuple[StageOutcome, ...]
    now: dt.datetime
    filename: str = "<rules>"

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_lazy_parts", None)  # every field is set: no recipe

    @property
    def qualified(self) -> bool:
        """Reached a stage and not disqualified."""
        return self.stage is not None and not self.disqualified

    def to_dict(self) -> dict[str, Any]:
        """Everything in the result as JSON-ready data (numbers as int or float, times as
        ISO-8601 text)."""
        return {
            "score": json_number(self.score),
            "stage": self.stage,
            "qualified": self.qualified,
            "disqualified": self.disqualified,
            "disqualifications": [d.to_dict() for d in self.disqualifications],
            "contributions": [c.to_dict() for c in self.contributions],
            "groups": {k: json_number(v) for k, v in self.groups.items()},
            "clamps": [c.to_dict() for c in self.clamps],
            "undecided": [u.to_dict() for u in self.undecided],
            "warnings": list(self.warnings),
            "next_stage": self.next_stage,
            "points_to_next_stage": None
            if self.points_to_next_stage is None
            else json_number(self.points_to_next_stage),
            "stages": [s.to_dict() for s in self.stages],
            "now": self.now.isoformat(),
            "filename": self.filename,
        }

    def explain(self) -> str:
        """A readable account, line by line, of every point awarded and why."""
        from .report.explain import explain

        return explain(self)


# ----------------------------------------------------------------------------- lazy parts
#
# Building a Contribution (and its Evidence) for every rule that fired costs more than scoring
# the lead does, and most callers read only the score and the stage. So the compiled backend
# makes a Result with only ``score``, ``stage`` and ``disqualified`` set, and a recipe for the
# rest in the private slot ``_lazy_parts``:
#
#     (build, warnings, next_stage, next_threshold, now, filename, *data)
#
# The first read of one of the CHEAP_FIELDS sets them from the recipe (points_to_next_stage is
# ``max(0, next_threshold - score)``, as the reference computes it); the first read of one of
# the LAZY_FIELDS calls ``build(recipe)``, which returns their values in that order, and the
# recipe is cut to ``(None, warnings, ..., filename)``; once both are done it is None. A
# Result made with ``Result(...)`` has the slot set to None, so that reading a lazy field
# needs no exception (raising one costs more than the read). Every way of reading a Result
# (attributes, ==, repr, to_dict, attrs.evolve/asdict, copy, pickle) goes through attribute
# access, so a lazy Result cannot be told from one made by ``Result(...)``.

#: The fields built by the recipe's ``build``, in the order it returns them.
LAZY_FIELDS = ("disqualifications", "contributions", "groups", "undecided", "clamps", "stages")
#: The fields read off the recipe itself.
CHEAP_FIELDS = ("warnings", "next_stage", "points_to_next_stage", "now", "filename")

#: Held while a lazy Result's parts are built, so that each part is made once.
_BUILDING = threading.RLock()
_recipe_slot: Any = _LazyParts.__dict__["_lazy_parts"]
_set_recipe = _recipe_slot.__set__
_members: dict[str, Any] = {name: Result.__dict__[name] for name in LAZY_FIELDS + CHEAP_FIELDS}
_ZERO = Decimal(0)


def _recipe(result: Result) -> tuple[Any, ...] | None:
    try:
        recipe: tuple[Any, ...] | None = _recipe_slot.__get__(result, Result)
    except AttributeError:  # pragma: no cover - a copied or unpickled Result: all set
        return None
    return recipe


_set_warnings, _set_next_stage, _set_points_to_next, _set_now, _set_filename = (
    _members[name].__set__ for name in CHEAP_FIELDS
)
(
    _set_disqualifications,
    _set_contributions,
    _set_groups,
    _set_undecided,
    _set_clamps,
    _set_stages,
) = (_members[name].__set__ for name in LAZY_FIELDS)


def _fill_cheap(result: Result) -> None:
    recipe = _recipe(result)
    if recipe is None:  # another thread filled them meanwhile
        return
    _, warnings, next_stage, next_threshold, now, filename = recipe[:6]
    _set_warnings(result, warnings)
    _set_next_stage(result, next_stage)
    if next_stage is None:
        _set_points_to_next(result, None)
    else:
        needed = next_threshold - result.score
        _set_points_to_next(result, needed if needed > _ZERO else _ZERO)
    _set_now(result, now)
    _set_filename(result, filename)
    if recipe[0] is None:  # the lazy parts are built too: nothing left to read off it
        _set_recipe(result, None)


def _build_lazy_parts(result: Result, recipe: tuple[Any, ...]) -> None:
    (
        disqualifications,
        contributions,
        groups,
        undecided,
        clamps,
        stages,
    ) = recipe[0](recipe)
    _set_disqualifications(result, disqualifications)
    _set_contributions(result, contributions)
    _set_groups(result, groups)
    _set_undecided(result, undecided)
    _set_clamps(result, clamps)
    _set_stages(result, stages)
    # Keep what the cheap fields are read from (unless they were), let the rest go.
    _set_recipe(result, (None, *recipe[1:6]))


def _read_lazy(name: str) -> property:
    member = _members[name]
    get = member.__get__
    get_recipe = _recipe_slot.__get__

    def read(self: Result) -> Any:
        try:
            recipe = get_recipe(self, Result)
        except AttributeError:  # a copy or an unpickled Result: every field is set
            return get(self, Result)
        if recipe is not None and recipe[0] is not None:
            with _BUILDING:  # threads reading at once must all get the same objects
                recipe = get_recipe(self, Result)
                if recipe is not None and recipe[0] is not None:
                    _build_lazy_parts(self, recipe)
        return get(self, Result)

    return property(read, member.__set__, doc=f"(built on first access) {name}")


def _read_cheap(name: str) -> property:
    member = _members[name]
    get = member.__get__

    def read(self: Result) -> Any:
        try:
            return get(self, Result)
        except AttributeError:
            pass
        with _BUILDING:
            try:
                return get(self, Result)  # another thread filled them meanwhile
            except AttributeError:
                _fill_cheap(self)
        return get(self, Result)

    return property(read, member.__set__, doc=f"(read off the recipe on first access) {name}")


for _name in LAZY_FIELDS:
    setattr(Result, _name, _read_lazy(_name))
for _name in CHEAP_FIELDS:
    setattr(Result, _name, _read_cheap(_name))
del _name

# How a backend makes a lazy Result (the compiled backend's generated code does this inline):
# ``result = object.__new__(Result)``, then ``set_score``, ``set_stage``,
# ``set_disqualified`` and ``set_recipe`` with the recipe described above, which must give
# what ``Result(...)`` would have been given (``groups`` already a read-only mapping).
set_score = Result.__dict__["score"].__set__
set_stage = Result.__dict__["stage"].__set__
set_disqualified = Result.__dict__["disqualified"].__set__
set_recipe = _set_recipe
