"""What the command line prints: score rows (table, CSV, JSON Lines), summaries, coloured
explanations and the impact report of ``leadrules diff``.

Output is plain text with a fixed layout, so that two runs can be compared with ``diff``.
"""

from __future__ import annotations

import csv
import heapq
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs
import click

from ..result import Result, json_number
from ..result import format_number as fmt_number

__all__ = [
    "DiffReport",
    "ScoreWriter",
    "StageTally",
    "colorize",
    "fmt_number",
    "make_writer",
]

NO_STAGE = "(no stage)"
DISQUALIFIED = "(disqualified)"


def fmt_signed(value: Decimal) -> str:
    """``+5``, ``-2.5``, and ``0`` for zero."""
    text = fmt_number(value)
    if text in ("0", "-0"):
        return "0"
    return text if text.startswith("-") else "+" + text


def stage_label(result: Result) -> str:
    if result.disqualified:
        return DISQUALIFIED
    return result.stage if result.stage is not None else NO_STAGE


def note_for(result: Result) -> str:
    """A short note for a table row: why disqualified, what the next stage needs, warnings."""
    notes: list[str] = []
    if result.disqualified:
        notes.append("; ".join(d.reason for d in result.disqualifications))
    elif result.next_stage is not None and result.points_to_next_stage is not None:
        if result.points_to_next_stage > 0:
            notes.append(f"{fmt_number(result.points_to_next_stage)} to {result.next_stage}")
        else:
            notes.append(f"{result.next_stage}: condition not met")
    if result.warnings:
        count = len(result.warnings)
        notes.append(f"{count} data warning" + ("" if count == 1 else "s"))
    return "; ".join(notes)


# --------------------------------------------------------------------------- score output


class ScoreWriter:
    """Writes one line (or record) per scored lead to ``write``."""

    def __init__(self, write: Callable[[str], None], explain: bool) -> None:
        self.write = write
        self.explain = explain

    def start(self) -> None:
        """Called once, before the first lead."""

    def lead(self, label: str, where: str, result: Result) -> None:
        raise NotImplementedError


class TableWriter(ScoreWriter):
    """``ID  SCORE  STAGE  NOTE`` in fixed-width columns (a long id pushes its row along)."""

    def start(self) -> None:
        self.write(self._row("ID", "SCORE", "STAGE", "NOTE"))

    @staticmethod
    def _row(label: str, score: str, stage: str, note: str) -> str:
        return f"{label:<12} {score:>8}  {stage:<15} {note}".rstrip()

    def lead(self, label: str, where: str, result: Result) -> None:
        self.write(
            self._row(label, fmt_number(result.score), stage_label(result), note_for(result))
        )
        if self.explain:
            for line in result.explain().rstrip("\n").split("\n"):
                self.write(("    " + line).rstrip())
            self.write("")


def _summary_dict(label: str, where: str, result: Result) -> dict[str, Any]:
    return {
        "id": label,
        "source": where,
        "score": json_number(result.score),
        "stage": result.stage,
        "qualified": result.qualified,
        "disqualified": result.disqualified,
        "reasons": [d.reason for d in result.disqualifications],
        "next_stage": result.next_stage,
        "points_to_next_stage": None
        if result.points_to_next_stage is None
        else json_number(result.points_to_next_stage),
        "warnings": list(result.warnings),
    }


class JsonlWriter(ScoreWriter):
    """One JSON object per lead; ``--explain`` adds ``explanation`` (text) and ``result`` (every
    detail, as ``Result.to_dict()``)."""

    def lead(self, label: str, where: str, result: Result) -> None:
        data = _summary_dict(label, where, result)
        if self.explain:
            data["explanation"] = result.explain()
            data["result"] = result.to_dict()
        self.write(json.dumps(data, ensure_ascii=False, sort_keys=False))


class CsvWriter(ScoreWriter):
    COLUMNS = (
        "id",
        "score",
        "stage",
        "qualified",
        "disqualified",
        "reasons",
        "next_stage",
        "points_to_next_stage",
        "warnings",
    )

    def _line(self, cells: Sequence[str]) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(cells)
        self.write(buffer.getvalue().rstrip("\n"))

    def start(self) -> None:
        self._line([*self.COLUMNS, *(("explanation",) if self.explain else ())])

    def lead(self, label: str, where: str, result: Result) -> None:
        cells = [
            label,
            fmt_number(result.score),
            result.stage or "",
            "true" if result.qualified else "false",
            "true" if result.disqualified else "false",
            "; ".join(d.reason for d in result.disqualifications),
            result.next_stage or "",
            "" if result.points_to_next_stage is None else fmt_number(result.points_to_next_stage),
            "; ".join(result.warnings),
        ]
        if self.explain:
            cells.append(result.explain().rstrip("\n"))
        self._line(cells)


def make_writer(output: str, write: Callable[[str], None], explain: bool) -> ScoreWriter:
    writers: dict[str, type[ScoreWriter]] = {
        "table": TableWriter,
        "jsonl": JsonlWriter,
        "csv": CsvWriter,
    }
    return writers[output](write, explain)


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

    def lines(self) -> list[str]:
        rows: list[tuple[str, int]] = [(name, self.counts[name]) for name in reversed(self.stages)]
        rows.append(("no stage", self.counts[NO_STAGE]))
        rows.append(("disqualified", self.counts[DISQUALIFIED]))
        out = [f"  {name:<14} {count:>8}" for name, count in rows]
        if self.warnings:
            leads = self.leads_with_warnings
            out.append(
                f"  {'data warnings':<14} {self.warnings:>8}"
                f"  (on {leads} lead{'s' if leads != 1 else ''})"
            )
        return out


# --------------------------------------------------------------------------- colour

_POINTS_LINE = re.compile(r"^(\s*)([+-]\d[\d.]*)(\s.*)$")
_LINE_REF = re.compile(r"\(line \d+\)")


def colorize(text: str) -> str:
    """ANSI colours for an explanation: points green (gains) or red (losses), the headline bold,
    disqualification red, warnings yellow, evidence dim. The text is unchanged otherwise."""
    out: list[str] = []
    section = ""
    for index, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if index == 0:
            if "DISQUALIFIED" in line:
                head, _, tail = line.partition("DISQUALIFIED")
                out.append(
                    click.style(head, bold=True)
                    + click.style("DISQUALIFIED", fg="red", bold=True)
                    + click.style(tail, bold=True)
                )
            else:
                out.append(click.style(line, bold=True))
            continue
        if line and not line.startswith(" "):
            section = stripped
            color = (
                "red"
                if stripped.startswith("Disqualified")
                else "yellow"
                if stripped.startswith(("Warnings", "Could not decide"))
                else None
            )
            out.append(click.style(line, fg=color, bold=True))
            continue
        match = _POINTS_LINE.match(line)
        if match and not section.startswith(("Disqualified", "Warnings", "Could not")):
            indent, points, rest = match.groups()
            color = "red" if points.startswith("-") else "green"
            rest = _LINE_REF.sub(lambda m: click.style(m.group(0), dim=True), rest)
            out.append(indent + click.style(points, fg=color, bold=True) + rest)
            continue
        if stripped.startswith("because"):
            out.append(click.style(line, dim=True))
            continue
        if section.startswith("Warnings") and stripped:
            out.append(click.style(line, fg="yellow"))
            continue
        out.append(line)
    return "\n".join(out)


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
            f"  {self.label}: {fmt_number(self.old.score)} -> {fmt_number(self.new.score)} "
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
    """Why a lead's stage changed beyond its points: a stage whose threshold or condition
    changed, or that was added or removed."""
    if stage_label(old) == stage_label(new):
        return []
    before = {s.name: s for s in old.stages}
    after = {s.name: s for s in new.stages}
    notes: list[str] = []
    for name in dict.fromkeys((old.stage, new.stage)):
        if name is None:
            continue
        o, n = before.get(name), after.get(name)
        if o is None:
            notes.append(f"stage {name} is new (at {fmt_number(n.threshold) if n else '?'})")
        elif n is None:
            notes.append(f"stage {name} was removed")
        else:
            if o.threshold != n.threshold:
                notes.append(
                    f"stage {name} moved from {fmt_number(o.threshold)} "
                    f"to {fmt_number(n.threshold)}"
                )
            if o.condition != n.condition:
                notes.append(
                    f"stage {name}: its condition was {_truth(o.condition)}, "
                    f"is {_truth(n.condition)}"
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
            f"(of {self.leads} lead{'s' if self.leads != 1 else ''})"
        )
        stats = self.stats()
        if stats is None:
            out.append("Score change: no leads")
        else:
            out.append(
                f"Score change: {self.changed} lead{'s' if self.changed != 1 else ''} changed "
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
