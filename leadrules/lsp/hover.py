"""What hovering over a place of a rule file shows, as Markdown: for a defined name (or a use
of it) its definition; for a field its type in the configured schema; for a score rule its
points, its group and the scores the static analysis found possible; for a group, a stage or
a disqualify rule what it does and, for the first two, the scores it can see.

The score ranges come from :func:`leadrules.lang.analysis.summarize` as
``leadrules check`` reports them, so they are known only while the file has no errors.
Nothing here knows the protocol: a hover says which span of the text it is about.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from ..lang import ast
from ..lang.analysis import INFINITY, Bounds
from ..lang.decimal_text import number_text
from ..lang.schema import event_properties, schema_of, walk
from .document import Snapshot
from .symbols import (
    Occurrence,
    definition_at,
    group_extent,
    occurrence_at,
    statement_at,
    uses_of,
)

__all__ = ["Hover", "hover"]

_NO_ANALYSIS = "_The possible scores are shown once the file has no errors._"


@attrs.frozen(slots=True)
class Hover:
    """Markdown about ``span`` of the text."""

    markdown: str
    span: ast.Span


def _number(value: Decimal) -> str:
    if value == INFINITY:
        return "no upper limit"
    if value == -INFINITY:
        return "no lower limit"
    return number_text(value)


def _points(value: Decimal) -> str:
    return ("-" if value.is_signed() else "+") + number_text(abs(value))


def _range(bounds: Bounds) -> str:
    """``0 to 50``, ``5``, ``0 or more``, ``any number of``."""
    low, high = bounds
    if low == high:
        return _number(low)
    if low == -INFINITY and high == INFINITY:
        return "any number of"
    if high == INFINITY:
        return f"{_number(low)} or more"
    if low == -INFINITY:
        return f"{_number(high)} or less"
    return f"{_number(low)} to {_number(high)}"


def _written(name: ast.Name) -> str:
    """A name as Markdown code: ``company size``, or a backticked name with its backticks."""
    text = str(name)
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _code(text: str) -> str:
    return f"```leadrules\n{text}\n```"


def hover(snapshot: Snapshot, offset: int) -> Hover | None:
    """The hover at ``offset`` of the snapshot's (parser's) text, or None."""
    tree = snapshot.tree
    if tree is None:
        return None
    definition = definition_at(tree, offset)
    occurrence = occurrence_at(tree, offset)
    if definition is not None and occurrence is not None:
        uses = len(uses_of(tree, definition)) - 1
        times = "once" if uses == 1 else f"{uses} times"
        where = f"line {definition.span.line}, used {times}"
        text = [
            f"**definition** {_written(definition.name)} ({where})",
            _code(definition.text),
        ]
        return Hover("\n\n".join(text), occurrence.name.span)
    if occurrence is not None and occurrence.role != "define":
        return Hover(_name(snapshot, occurrence), occurrence.name.span)
    statement = statement_at(tree, offset)
    if statement is None:
        return None
    span = group_extent(statement) if isinstance(statement, ast.Group) else statement.span
    return Hover(_statement(snapshot, statement), span)


def _name(snapshot: Snapshot, occurrence: Occurrence) -> str:
    name = occurrence.name
    written = _written(name)
    if occurrence.role == "property":
        what = f"**event property** {written}"
    elif occurrence.role == "field":
        what = f"**field** {written}"
    else:
        what = f"{written}: a field of the lead, or else an event"
    if snapshot.schema is None:
        return what
    declared = schema_of(snapshot.schema)
    if occurrence.role == "property":
        properties = event_properties(declared.events_field())
        if properties is None:
            return f"{what}: the schema does not declare the events' properties"
        field = walk(properties, name).field
    else:
        field = walk(declared, name).field
    if field is not None:
        return f"**field** {written}: {field.describe()}"
    if occurrence.role in ("fact", "per"):
        return f"**event** {written}: not a field of `{declared.title}`, so the lead's events"
    return f"{what}: not in the schema `{declared.title}`"


def _group_of(tree: ast.RuleFile, rule: ast.ScoreRule) -> ast.Group | None:
    for statement in tree.statements:
        if isinstance(statement, ast.Group) and any(r is rule for r in statement.rules):
            return statement
    return None


def _limits(group: ast.Group) -> str:
    parts = [
        f"{word} {number_text(value)}"
        for word, value in (("max", group.max), ("min", group.min))
        if value is not None
    ]
    return f" ({', '.join(parts)})" if parts else ""


def _statement(snapshot: Snapshot, statement: ast.Statement) -> str:
    analysis = snapshot.analysis
    tree = snapshot.tree
    assert tree is not None
    if isinstance(statement, ast.ScoreRule):
        lines = [f"**score rule** on line {statement.span.line}: {_rule_points(statement)}"]
        group = _group_of(tree, statement)
        if statement.label:
            lines.append(f"shown as “{statement.label}”")
        if group is not None:
            where = f"in group `{group.name}`{_limits(group)}"
        else:
            where = "outside any group: its points count straight into the total"
        lines.append(where)
        if analysis is None:
            lines.append(_NO_ANALYSIS)
        else:
            bounds = {rule.span.start: b for rule, b in analysis.rule_bounds}
            found = bounds.get(statement.span.start)
            if found is not None:
                lines.append(f"this rule gives {_range(found)} points")
            if group is not None and group.name in analysis.groups:
                lines.append(
                    f"group `{group.name}` gives {_range(analysis.groups[group.name])} points"
                )
            lines.append(f"the total score can be {_range(analysis.total)}")
        return "\n\n".join(lines)
    if isinstance(statement, ast.Group):
        lines = [f"**group** `{statement.name}`{_limits(statement)}: {len(statement.rules)} rules"]
        if analysis is None:
            lines.append(_NO_ANALYSIS)
        elif statement.name in analysis.groups:
            lines.append(f"its subtotal can be {_range(analysis.groups[statement.name])}")
        return "\n\n".join(lines)
    if isinstance(statement, ast.Stage):
        when = " when its condition holds" if statement.condition is not None else ""
        lines = [
            f"**stage** `{statement.name}`: reached at a score of "
            f"{number_text(statement.threshold)} or more{when}"
        ]
        if analysis is None:
            lines.append(_NO_ANALYSIS)
        else:
            lines.append(f"the total score can be {_range(analysis.total)}")
            if statement.name in analysis.unreachable_stages:
                lines.append("no lead can reach it (see the warning on this line)")
            if statement.name in analysis.always_reached_stages:
                lines.append("every lead reaches it")
        return "\n\n".join(lines)
    if isinstance(statement, ast.Disqualify):
        reason = f": “{statement.reason}”" if statement.reason else ""
        return (
            f"**disqualify rule**{reason}\n\na lead for which its condition is true reaches no "
            "stage, whatever its score"
        )
    return f"**definition** {_written(statement.name)}\n\n{_code(statement.text)}"


def _rule_points(rule: ast.ScoreRule) -> str:
    if rule.per is None:
        text = f"{_points(rule.points)} points when its condition is true"
    else:
        text = f"{_points(rule.points)} points per {rule.per.name}"
        if rule.cap is not None:
            text += f", up to {number_text(rule.cap)}"
    if rule.decay is not None:
        text += f", decaying {number_text(rule.decay.percent)}% every {rule.decay.every}"
    return text
