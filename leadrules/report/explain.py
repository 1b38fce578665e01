"""Plain-text explanations of results: :meth:`leadrules.Result.explain`. Reads a finished
Result; scores nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..lang.decimal_text import number_text, signed_number_text

if TYPE_CHECKING:  # result.py imports this module (lazily): no cycle at run time
    from ..result import Contribution, Result

__all__ = ["explain"]


def _points(value: Decimal) -> str:
    return f"{signed_number_text(value):>7}"


def _rule_line(c: Contribution, indent: str) -> list[str]:
    lines = [f"{indent}{_points(c.points)}  {c.label}  (line {c.line})"]
    detail = indent + " " * 9
    if c.kind == "rule":
        for ev in c.evidence:
            lines.append(f"{detail}because {ev.describe()}")
        if c.count is not None and c.uncapped_points is not None:
            uncapped = signed_number_text(c.uncapped_points)
            lines.append(
                f"{detail}{number_text(c.count)} counted = {uncapped}, "
                f"capped at {number_text(abs(c.points))}"
            )
        if c.decay is not None:
            lines.append(f"{detail}{c.decay.describe()}")
    return lines


def explain(result: Result) -> str:
    """A readable, line-by-line account of a result."""
    out: list[str] = []
    head = f"Score {number_text(result.score)}"
    if result.disqualified:
        head += " - DISQUALIFIED"
    elif result.stage is not None:
        head += f" - stage {result.stage}"
    else:
        head += " - no stage reached"
    out.append(head)
    if result.next_stage is not None and result.points_to_next_stage is not None:
        if result.points_to_next_stage > 0:
            out.append(
                f"Next stage: {result.next_stage}, "
                f"{number_text(result.points_to_next_stage)} more points needed"
            )
        else:
            out.append(
                f"Next stage: {result.next_stage} (score is enough; its condition is not met)"
            )
    out.append("")

    seen_groups: list[str] = []
    loose = [c for c in result.contributions if c.group is None]
    for c in result.contributions:
        if c.group is not None and c.group not in seen_groups:
            seen_groups.append(c.group)
    for name in result.groups:
        if name not in seen_groups:
            seen_groups.append(name)
    for name in seen_groups:
        subtotal = result.groups.get(name, Decimal(0))
        out.append(f"Group {name}: {number_text(subtotal)}")
        members = [c for c in result.contributions if c.group == name]
        if not members:
            out.append("          (no rule fired)")
        for c in members:
            out.extend(_rule_line(c, "  "))
    if loose:
        if seen_groups:
            out.append("Other rules:")
        for c in loose:
            out.extend(_rule_line(c, "  "))
    if not result.contributions:
        out.append("No rule gave points.")
    out.append(f"  {'=' * 7}")
    out.append(f"  {number_text(result.score):>7}  total")

    if result.disqualifications:
        out.append("")
        out.append("Disqualified:")
        for d in result.disqualifications:
            out.append(f"  - {d.reason}  (line {d.line})")
            for ev in d.evidence:
                out.append(f"      because {ev.describe()}")
    if result.undecided:
        out.append("")
        out.append("Could not decide (missing or unreadable data):")
        for u in result.undecided:
            out.append(f"  - {u.label}  (line {u.line}): {u.describe()}")
    if result.warnings:
        out.append("")
        out.append("Warnings:")
        for w in result.warnings:
            out.append(f"  - {w}")
    return "\n".join(out) + "\n"
