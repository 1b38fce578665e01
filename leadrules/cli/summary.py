"""The totals the command line prints over many scored leads: the leads per stage after
``leadrules score`` (:class:`StageTally`), and the impact report of ``leadrules diff``
(:class:`DiffReport`: stage transitions, qualification gained and lost, score change, the leads
that moved most and the rules responsible).

Both work lead by lead in bounded memory. Output is plain text with a fixed layout, so that two
runs can be compared with ``diff``. Not here: one row per lead (:mod:`.writers`).
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
from .base import counted
from .writers import DISQUALIFIED, NO_STAGE, stage_label

__all__ = ["DiffReport", "Mover", "RuleChange", "StageTally", "rule_changes", "stage_notes"]


def fmt_signed(value: Decimal) -> str:
    """``+5``, ``-2.5``, and ``0`` for zero."""
    text = number_text(value)
    if text in ("0", "-0"):
        return "0"
    return text if text.startswith("-") else "+" + text


# --------------------------------------------------------------------------- score


@attrs.define
class StageTally:
    """Counts for the summary at the end of ``leadrules score``."""

    stages: tuple[str, ...]  # lowest threshold first
    counts: Counter[str] = attrs.field(factory=Counter)
    leads: int = 0
    warnings: int = 0
    leads_with_warnings: int = 0

    def add(self, result: Result) -> None:
        self.leads += 1
        self.counts[stage_label(result)] += 1
        if result.warnings:
            self.warnings += len(result.warnings)
            self.leads_with_warnings += 1

    def rows(self) -> list[tuple[str, int]]:
        """(stage, leads), highest stage first, then ``no stage`` and ``disqualified``."""
        rows = [(name, self.counts[name]) for name in reversed(self.stages)]
        rows.append(("no stage", self.counts[NO_STAGE]))
        rows.append(("disqualified", self.counts[DISQUALIFIED]))
        return rows

    def to_dict(self) -> dict[str, int]:
        return dict(self.rows())

    def lines(self) -> list[str]:
        out = [f"  {name:<14} {count:>8}" for name, count in self.rows()]
        if self.warnings:
            out.append(
                f"  {'data warnings':<14} {self.warnings:>8}"
                f"  (on {counted(self.leads_with_warnings, 'lead')})"
            )
        return out


# --------------------------------------------------------------------------- diff


@attrs.frozen(slots=True)
class RuleChange:
    """A rule whose points differ between the old and the new rules for one lead."""

    label: str
    group: str | None
    old: Decimal | None  # None: the rule gave no points under the old rules
    new: Decimal | None

    @property
    def change(self) -> Decimal:
        return (self.new or Decimal(0)) - (self.old or Decimal(0))

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


def _points_by_rule(result: Result) -> dict[tuple[str | None, str], Decimal]:
    points: dict[tuple[str | None, str], Decimal] = {}
    for c in result.contributions:
        # A group's limit is one "rule" per group, whatever its text says.
        label = f"limit of group {c.group}" if c.kind == "clamp" and c.group else c.label
        key = (c.group, label)
        points[key] = points.get(key, Decimal(0)) + c.points
    return points


def rule_changes(old: Result, new: Result) -> list[RuleChange]:
    """The rules whose points differ for one lead, biggest change first (then by label)."""
    before = _points_by_rule(old)
    after = _points_by_rule(new)
    changes = [
        RuleChange(label, group, before.get((group, label)), after.get((group, label)))
        for group, label in {**before, **after}
        if before.get((group, label), Decimal(0)) != after.get((group, label), Decimal(0))
    ]
    changes.sort(key=lambda c: (-abs(c.change), c.group or "", c.label))
    return changes


@attrs.frozen(slots=True)
class Mover:
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
            f"({fmt_signed(self.change)}), {stage_label(self.old)} -> {stage_label(self.new)}"
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


def stage_notes(old: Result, new: Result) -> list[str]:
    """Why a lead's stage changed beyond its points: for each stage the lead reaches under one
    set of rules and not under the other, its threshold or condition if that changed (a stage
    the lead reaches under both, or misses under both, explains nothing), or that the stage
    was added or removed."""
    if stage_label(old) == stage_label(new):
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


def _ordered(names: Iterable[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        if name not in out:
            out.append(name)
    return out


class DiffReport:
    """Accumulates the comparison of old and new results lead by lead, in bounded memory:
    the transition counts, the score changes (as a count per distinct change, for an exact
    median) and the ``top`` leads that moved most (a heap)."""

    def __init__(self, old_stages: Sequence[str], new_stages: Sequence[str], top: int) -> None:
        self.rows = _ordered([DISQUALIFIED, NO_STAGE, *old_stages])
        self.columns = _ordered([DISQUALIFIED, NO_STAGE, *new_stages])
        self.matrix: Counter[tuple[str, str]] = Counter()
        self.deltas: Counter[Decimal] = Counter()
        self.leads = 0
        self.changed = 0
        self.gained = 0
        self.lost = 0
        self.top = top
        self._heap: list[tuple[tuple[int, Decimal, int], Mover]] = []

    def add(self, label: str, number: int, old: Result, new: Result) -> None:
        self.leads += 1
        old_label, new_label = stage_label(old), stage_label(new)
        self.matrix[(old_label, new_label)] += 1
        if old_label not in self.rows:  # pragma: no cover - stages come from the rule set
            self.rows.append(old_label)
        if new_label not in self.columns:  # pragma: no cover
            self.columns.append(new_label)
        delta = new.score - old.score
        self.deltas[delta] += 1
        if not old.qualified and new.qualified:
            self.gained += 1
        elif old.qualified and not new.qualified:
            self.lost += 1
        moved = delta != 0 or old_label != new_label
        if moved:
            self.changed += 1
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
        total = sum((value * count for value, count in self.deltas.items()), Decimal(0))
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
        return {
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

    def lines(self) -> list[str]:
        out = ["Stage transitions (rows: old rules, columns: new rules)"]
        first = max(len("old \\ new"), len("total"), *(len(r) for r in self.rows))
        widths = [max(len(c), 5) for c in [*self.columns, "total"]]
        header = "  " + "old \\ new".ljust(first)
        header += "".join(
            f"  {c:>{w}}" for c, w in zip([*self.columns, "total"], widths, strict=True)
        )
        out.append(header)
        for row in self.rows:
            counts = [self.matrix[(row, col)] for col in self.columns]
            line = "  " + row.ljust(first)
            line += "".join(
                f"  {n:>{w}}" for n, w in zip([*counts, sum(counts)], widths, strict=True)
            )
            out.append(line)
        totals = [sum(self.matrix[(row, col)] for row in self.rows) for col in self.columns]
        line = "  " + "total".ljust(first)
        line += "".join(f"  {n:>{w}}" for n, w in zip([*totals, self.leads], widths, strict=True))
        out.append(line)
        out.append("")
        out.append(
            f"Qualification: {self.gained} gained, {self.lost} lost "
            f"(of {counted(self.leads, 'lead')})"
        )
        stats = self.stats()
        if stats is None:
            out.append("Score change: no leads")
        else:
            out.append(
                f"Score change: {counted(self.changed, 'lead')} changed "
                "score or stage; "
                f"mean {fmt_signed(stats['mean'])}, median {fmt_signed(stats['median'])}, "
                f"min {fmt_signed(stats['min'])}, max {fmt_signed(stats['max'])}"
            )
        movers = self.movers()
        out.append("")
        if movers:
            out.append("Leads that moved most (stage changes first, then by score change):")
            for mover in movers:
                out.extend(mover.lines())
        else:
            out.append("No lead changed score or stage.")
        return out


def _round(value: Decimal) -> Decimal:
    """Two decimal places at most (for a mean or a median), without trailing zeros."""
    rounded = value.quantize(Decimal("0.01"))
    return rounded.normalize() if rounded != 0 else Decimal(0)
