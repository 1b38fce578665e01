"""The totals the command line prints over many scored leads: the leads per stage after
``leadrules score`` (:class:`StageTally`), and the impact report of ``leadrules diff``
(:class:`DiffReport`: stage transitions, qualification gained and lost, score change, the leads
that moved most and the rules responsible).

Both work lead by lead in bounded memory. Output is plain text with a fixed layout, so that two
runs can be compared with ``diff``. Not here: one row per lead (:mod:`.writers`).
"""

from __future__ import annotations

from collections import Counter

import attrs

from ..report.comparison import (
    Comparison,
    Mover,
    RuleChange,
    fmt_signed,
    rule_changes,
    stage_notes,
)
from ..result import Result
from .base import counted
from .writers import DISQUALIFIED, NO_STAGE, stage_label

__all__ = [
    "DiffReport",
    "Mover",
    "RuleChange",
    "StageTally",
    "fmt_signed",
    "rule_changes",
    "stage_notes",
]


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


class DiffReport(Comparison):
    """The comparison of ``leadrules diff`` (:class:`leadrules.report.comparison.Comparison`,
    the numbers), written as text."""

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
