"""The impact of a rule change on a population: the stage transitions from the old rules to
the new, qualification gained and lost, the score changes (exactly, as a count per distinct
change), the leads that moved most with the rules responsible, and which rules cause the most
movement over all leads.

:class:`Comparison` reads pairs of results (old, new) one lead at a time in bounded memory;
``leadrules diff`` prints it (the command line adds the text layout) and ``leadrules report``
draws it. Not here: scoring, reading files, drawing (:mod:`.charts`).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..lang.decimal_text import number_text
from ..result import Result, json_number
from .histogram import Distribution
from .population import DISQUALIFIED, NO_STAGE, outcome

__all__ = [
    "Comparison",
    "Mover",
    "RuleChange",
    "RuleMovement",
    "fmt_signed",
    "points_by_rule",
    "rule_changes",
    "stage_notes",
]

_ZERO = Decimal(0)


def fmt_signed(value: Decimal) -> str:
    """``+5``, ``-2.5``, and ``0`` for zero."""
    text = number_text(value)
    if text in ("0", "-0"):
        return "0"
    return text if text.startswith("-") else "+" + text


@attrs.frozen(slots=True)
class RuleChange:
    """A rule whose points differ between two results of one lead (old and new rules, or
    the same rules at two moments)."""

    label: str
    group: str | None
    old: Decimal | None  # None: the rule gave no points under the old rules
    new: Decimal | None

    @property
    def change(self) -> Decimal:
        return (self.new or _ZERO) - (self.old or _ZERO)

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "group": self.group,
            "old_points": None if self.old is None else json_number(self.old),
            "new_points": None if self.new is None else json_number(self.new),
            "change": json_number(self.change),
        }

    def describe(self) -> str:
        old = "-" if self.old is None else fmt_signed(self.old)
        new = "-" if self.new is None else fmt_signed(self.new)
        where = f"[{self.group}] " if self.group else ""
        return f"{fmt_signed(self.change):>8}  {where}{self.label}  (old {old}, new {new})"


def points_by_rule(result: Result) -> dict[tuple[str | None, str], Decimal]:
    """The points of each rule of a result, by (group, label); a group's limit is one rule
    per group (``limit of group fit``), whatever its sentence says."""
    points: dict[tuple[str | None, str], Decimal] = {}
    for c in result.contributions:
        label = f"limit of group {c.group}" if c.kind == "clamp" and c.group else c.label
        key = (c.group, label)
        points[key] = points.get(key, _ZERO) + c.points
    return points


def rule_changes(old: Result, new: Result) -> list[RuleChange]:
    """The rules whose points differ for one lead, biggest change first (then by label)."""
    before = points_by_rule(old)
    after = points_by_rule(new)
    changes = [
        RuleChange(label, group, before.get((group, label)), after.get((group, label)))
        for group, label in {**before, **after}
        if before.get((group, label), _ZERO) != after.get((group, label), _ZERO)
    ]
    changes.sort(key=lambda c: (-abs(c.change), c.group or "", c.label))
    return changes


def stage_notes(old: Result, new: Result) -> list[str]:
    """Why a lead's stage changed beyond its points: for each stage the lead reaches under one
    set of rules and not under the other, its threshold or condition if that changed (a stage
    the lead reaches under both, or misses under both, explains nothing), or that the stage
    was added or removed."""
    if outcome(old) == outcome(new):
        return []
    before = {s.name: s for s in old.stages}
    after = {s.name: s for s in new.stages}
    notes: list[str] = []
    for name in dict.fromkeys([*before, *after]):
        o, n = before.get(name), after.get(name)
        if o is None:
            if n is not None and n.reached:
                notes.append(f"stage {name} is new (at {number_text(n.threshold)})")
            continue
        if n is None:
            if o.reached:
                notes.append(f"stage {name} was removed")
            continue
        if o.reached == n.reached:
            continue
        if o.threshold != n.threshold:
            notes.append(
                f"stage {name} moved from {number_text(o.threshold)} to {number_text(n.threshold)}"
            )
        if o.condition != n.condition:
            notes.append(
                f"stage {name}: its condition was {_truth(o.condition)}, is {_truth(n.condition)}"
            )
    return notes


def _truth(value: bool | None) -> str:
    return "unknown" if value is None else "true" if value else "false"


def _side(result: Result) -> dict[str, Any]:
    return {
        "score": json_number(result.score),
        "stage": result.stage,
        "qualified": result.qualified,
        "disqualified": result.disqualified,
    }


@attrs.frozen(slots=True)
class Mover:
    """A lead whose score or stage changed, with both of its results."""

    label: str
    number: int
    old: Result
    new: Result

    @property
    def change(self) -> Decimal:
        return self.new.score - self.old.score

    def to_dict(self) -> dict[str, Any]:
        old_reasons = [d.reason for d in self.old.disqualifications]
        new_reasons = [d.reason for d in self.new.disqualifications]
        return {
            "id": self.label,
            "old": _side(self.old),
            "new": _side(self.new),
            "change": json_number(self.change),
            "rules": [c.to_dict() for c in rule_changes(self.old, self.new)],
            "disqualifications_added": [r for r in new_reasons if r not in old_reasons],
            "disqualifications_removed": [r for r in old_reasons if r not in new_reasons],
            "stage_notes": stage_notes(self.old, self.new),
        }

    def lines(self) -> list[str]:
        head = (
            f"  {self.label}: {number_text(self.old.score)} -> {number_text(self.new.score)} "
            f"({fmt_signed(self.change)}), {outcome(self.old)} -> {outcome(self.new)}"
        )
        out = [head]
        for change in rule_changes(self.old, self.new):
            out.append("    " + change.describe())
        data = self.to_dict()
        for reason in data["disqualifications_added"]:
            out.append(f"    now disqualified: {reason}")
        for reason in data["disqualifications_removed"]:
            out.append(f"    no longer disqualified: {reason}")
        for note in data["stage_notes"]:
            out.append(f"    {note}")
        return out


@attrs.define(slots=True)
class Movement:
    """What one rule's change did over all leads."""

    label: str
    group: str | None
    leads: int = 0  # leads whose points from it changed (among those that moved)
    stage_changes: int = 0  # of them, leads whose stage changed
    gained: Decimal = _ZERO  # points it gave more, in all
    lost: Decimal = _ZERO  # points it gave less, in all

    @property
    def moved(self) -> Decimal:
        return self.gained + self.lost


class RuleMovement:
    """Which rules' changes move the leads: for every lead whose score or stage changed, the
    rules whose points differ (:func:`rule_changes`), added up over all leads."""

    def __init__(self) -> None:
        self.rules: dict[tuple[str | None, str], Movement] = {}

    def add(self, old: Result, new: Result) -> None:
        if old.score == new.score and outcome(old) == outcome(new):
            return
        restaged = outcome(old) != outcome(new)
        for change in rule_changes(old, new):
            key = (change.group, change.label)
            movement = self.rules.get(key)
            if movement is None:
                movement = self.rules[key] = Movement(change.label, change.group)
            movement.leads += 1
            movement.stage_changes += int(restaged)
            if change.change > 0:
                movement.gained += change.change
            else:
                movement.lost -= change.change

    def ranked(self) -> list[Movement]:
        """Most points moved first (then most leads, then by label)."""
        return sorted(
            self.rules.values(), key=lambda m: (-m.moved, -m.leads, m.group or "", m.label)
        )

    def to_dict(self) -> list[dict[str, Any]]:
        return [
            {
                "label": m.label,
                "group": m.group,
                "leads": m.leads,
                "stage_changes": m.stage_changes,
                "points_gained": json_number(m.gained),
                "points_lost": json_number(m.lost),
            }
            for m in self.ranked()
        ]


def _ordered(names: Iterable[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        if name not in out:
            out.append(name)
    return out


class Comparison:
    """Accumulates the comparison of old and new results lead by lead, in bounded memory:
    the transition counts, the score changes (as a count per distinct change, for an exact
    median) and the ``top`` leads that moved most (a heap). ``movement``: also add up which
    rules cause the movement (:class:`RuleMovement`; it reads every moved lead's
    contributions)."""

    def __init__(
        self,
        old_stages: Sequence[str],
        new_stages: Sequence[str],
        top: int,
        movement: bool = False,
    ) -> None:
        self.rows = _ordered([DISQUALIFIED, NO_STAGE, *old_stages])
        self.columns = _ordered([DISQUALIFIED, NO_STAGE, *new_stages])
        self.matrix: Counter[tuple[str, str]] = Counter()
        self.deltas: Counter[Decimal] = Counter()
        self.shifts = Distribution()
        self.leads = 0
        self.changed = 0
        self.gained = 0
        self.lost = 0
        self.top = top
        self.movement = RuleMovement() if movement else None
        self._heap: list[tuple[tuple[int, Decimal, int], Mover]] = []

    def add(self, label: str, number: int, old: Result, new: Result) -> None:
        self.leads += 1
        old_label, new_label = outcome(old), outcome(new)
        self.matrix[(old_label, new_label)] += 1
        if old_label not in self.rows:  # pragma: no cover - stages come from the rule set
            self.rows.append(old_label)
        if new_label not in self.columns:  # pragma: no cover
            self.columns.append(new_label)
        delta = new.score - old.score
        self.shifts.add(delta)
        self.deltas[delta] += 1
        if not old.qualified and new.qualified:
            self.gained += 1
        elif old.qualified and not new.qualified:
            self.lost += 1
        moved = delta != 0 or old_label != new_label
        if moved:
            self.changed += 1
            if self.movement is not None:
                self.movement.add(old, new)
        if not moved or self.top <= 0:
            return
        # Leads that changed stage first, then by the size of the change; earlier leads win ties.
        key = (int(old_label != new_label), abs(delta), -number)
        entry = (key, Mover(label, number, old, new))
        if len(self._heap) < self.top:
            heapq.heappush(self._heap, entry)
        elif key > self._heap[0][0]:
            heapq.heapreplace(self._heap, entry)

    def movers(self) -> list[Mover]:
        return [mover for _, mover in sorted(self._heap, key=lambda e: e[0], reverse=True)]

    def stats(self) -> dict[str, Decimal] | None:
        if not self.leads:
            return None
        values = sorted(self.deltas)
        total = sum((value * count for value, count in self.deltas.items()), _ZERO)
        mean = total / self.leads

        def nth(index: int) -> Decimal:  # 0-based, over the sorted multiset
            seen = 0
            for value in values:
                seen += self.deltas[value]
                if index < seen:
                    return value
            raise IndexError(index)  # pragma: no cover

        middle = self.leads // 2
        odd = self.leads % 2 == 1
        median = nth(middle) if odd else (nth(middle - 1) + nth(middle)) / 2
        return {
            "mean": _round(mean),
            "median": _round(median),
            "min": values[0],
            "max": values[-1],
        }

    def to_dict(self) -> dict[str, Any]:
        stats = self.stats()
        data: dict[str, Any] = {
            "leads": self.leads,
            "changed": self.changed,
            "rows": self.rows,
            "columns": self.columns,
            "transitions": {
                row: {col: self.matrix[(row, col)] for col in self.columns} for row in self.rows
            },
            "gained_qualification": self.gained,
            "lost_qualification": self.lost,
            "score_change": None
            if stats is None
            else {key: json_number(value) for key, value in stats.items()},
            "movers": [m.to_dict() for m in self.movers()],
        }
        if self.movement is not None:
            data["rule_movement"] = self.movement.to_dict()
        return data


def _round(value: Decimal) -> Decimal:
    """Two decimal places at most (for a mean or a median), without trailing zeros."""
    rounded = value.quantize(Decimal("0.01"))
    return rounded.normalize() if rounded != 0 else Decimal(0)
