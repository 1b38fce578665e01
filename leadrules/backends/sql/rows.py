"""A scored table's row turned back into a :class:`~leadrules.result.Result`, so that
``explain()``, ``to_dict()`` and everything else that reads results works on any scored row.

The row holds what a table can: score, stage, next stage and points to go, the contributions
(line, label, group, points), the disqualifications (line, reason), the undecided rules (line,
kind, label) and the groups' subtotals. The rest of a Result is filled from the rule set (each
rule's column and text, the stages' thresholds) or left empty: no evidence, no warnings (the
row's ``may_warn`` says whether the Python engines would give some), no undecided reasons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ...lang import ast
from ...lang.checker import CheckedGroup, CheckedRules
from ...result import Clamp, Contribution, Disqualification, Result, StageOutcome, Undecided

__all__ = ["result_of_row"]


def _quantized(value: Any) -> Decimal | None:
    """A DECIMAL(38, 4) of the table as the reference writes it: without trailing zeros."""
    if value is None:
        return None
    number = Decimal(value)
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def result_of_row(rules: CheckedRules, row: Mapping[str, Any], now: dt.datetime) -> Result:
    """The Result a scored row stands for (see the module's docstring for what it lacks)."""
    # Each entry is the rule (or group limit) of its line and label, in the rules' order (a
    # line may hold several rules, separated by `;`).
    candidates: list[ast.ScoreRule | CheckedGroup] = []
    for top in rules.items:
        if isinstance(top, CheckedGroup):
            candidates.extend(top.rules)
        candidates.append(top)

    def item_of(line: int, label: str, clamp: bool) -> ast.ScoreRule | CheckedGroup | None:
        for index, candidate in enumerate(candidates):
            if candidate.span.line != line:
                continue
            if clamp and isinstance(candidate, CheckedGroup):
                return candidate
            if not clamp and isinstance(candidate, ast.ScoreRule) and candidate.display == label:
                return candidates.pop(index)
        return None

    by_line = {c.span.line: c for c in candidates}
    contributions = []
    clamps = []
    for entry in row["contributions"]:
        clamp = entry["label"].startswith("group ") and " limited to " in entry["label"]
        item = item_of(entry["line"], entry["label"], clamp)
        points = _quantized(entry["points"])
        assert points is not None
        if isinstance(item, CheckedGroup):
            contributions.append(
                Contribution(
                    points,
                    entry["label"],
                    entry["group"],
                    item.span.line,
                    item.span.column,
                    kind="clamp",
                    rule=item.text,
                )
            )
            limit = item.max if points < 0 else item.min
            subtotal = Decimal(0)
            for other in row.get("groups") or ():
                if other["name"] == item.name:
                    subtotal = Decimal(other["subtotal"])
            clamps.append(
                Clamp(
                    "group max" if points < 0 else "group min",
                    item.name,
                    limit or Decimal(0),
                    subtotal - points,
                    subtotal,
                    item.span.line,
                    item.span.column,
                )
            )
        else:
            column = item.span.column if item is not None else 1
            text = item.text if item is not None else ""
            contributions.append(
                Contribution(
                    points, entry["label"], entry["group"], entry["line"], column, rule=text
                )
            )
    dq_by_line = {dq.span.line: dq for dq in rules.disqualifications}
    disqualifications = tuple(
        Disqualification(
            entry["reason"],
            entry["line"],
            dq_by_line[entry["line"]].span.column,
            (),
            dq_by_line[entry["line"]].text,
        )
        for entry in row["disqualifications"]
    )
    columns = {**{k: v.span.column for k, v in by_line.items()}}
    columns.update({dq.span.line: dq.span.column for dq in rules.disqualifications})
    columns.update({s.span.line: s.span.column for s in rules.stages})
    undecided = tuple(
        Undecided(
            entry["kind"], entry["label"], entry["line"], columns.get(entry["line"], 1), (), ()
        )
        for entry in row["undecided"]
    )
    score = _quantized(row["score"])
    assert score is not None
    stages = tuple(
        StageOutcome(
            s.name,
            s.threshold,
            row["stage"] == s.name or (score >= s.threshold and s.condition is None),
            None,  # whether its condition held: a table does not say
            s.span.line,
            s.span.column,
        )
        for s in rules.stages
    )
    groups: dict[str, Decimal] = {}
    for g in row.get("groups") or ():
        group_total = _quantized(g["subtotal"])
        assert group_total is not None
        groups[g["name"]] = group_total
    return Result(
        score=score,
        stage=row["stage"],
        disqualified=bool(row["disqualified"]),
        disqualifications=disqualifications,
        contributions=tuple(contributions),
        groups=groups,
        undecided=undecided,
        warnings=(),
        next_stage=row["next_stage"],
        points_to_next_stage=_quantized(row["points_to_next_stage"]),
        clamps=tuple(clamps),
        stages=stages,
        now=now,
        filename=rules.file.filename,
    )
