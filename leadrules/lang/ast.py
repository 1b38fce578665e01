"""The typed syntax tree of a rule file.

Every node is a frozen, slotted attrs class carrying the :class:`Span` of source text it came
from. The tree is plain data: it knows nothing about evaluation, so the reference evaluator, the
compiled backend and future SQL backends all read the same checked tree.

Numbers are :class:`decimal.Decimal` so that points add up exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Literal as TypingLiteral
from typing import TypeAlias

import attrs

from ..runtime.names import normalize_name
from .decimal_text import number_text

__all__ = [
    "And",
    "Between",
    "Compare",
    "Cond",
    "Count",
    "Decay",
    "DefRef",
    "Define",
    "Disqualify",
    "Duration",
    "Fact",
    "Group",
    "In",
    "ListValue",
    "Matches",
    "Name",
    "NamePart",
    "Not",
    "Or",
    "Presence",
    "RuleFile",
    "ScoreRule",
    "Span",
    "Stage",
    "Statement",
    "TextTest",
    "Value",
    "Window",
    "normalize_name",
    "tests",
]


@attrs.frozen(slots=True)
class Span:
    """Where a node stands in its source: 1-based line and column of its first and last
    character (the end is exclusive), and 0-based character offsets."""

    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int

    def text(self, source: str) -> str:
        return source[self.start : self.end]


NOWHERE = Span(0, 0, 0, 0, 0, 0)

# ---------------------------------------------------------------------------- values

UNITS = ("minutes", "hours", "days", "weeks", "months", "years")
Unit: TypeAlias = TypingLiteral["minutes", "hours", "days", "weeks", "months", "years"]


@attrs.frozen(slots=True)
class Duration:
    """``14 days``: an amount of a calendar unit. Months and years are calendar-aware."""

    amount: Decimal
    unit: Unit

    def __str__(self) -> str:
        amount = number_text(self.amount)
        unit = self.unit[:-1] if self.amount == 1 else self.unit
        return f"{amount} {unit}"


@attrs.frozen(slots=True)
class ListValue:
    """``["GB", "IE"]``."""

    items: tuple[Value, ...]
    span: Span = attrs.field(eq=False, default=NOWHERE)


#: A literal: numbers are Decimal, dates and date-times are datetime objects (date-times are
#: always timezone-aware), text is str.
Value: TypeAlias = "Decimal | str | bool | dt.date | dt.datetime | Duration | ListValue"


# TODO(merge): backends/reference.py and strategies still call this name; point them at
# decimal_text.number_text, then remove it.
_format_decimal = number_text


# ---------------------------------------------------------------------------- names


@attrs.frozen(slots=True)
class NamePart:
    """One dotted segment of a name: ``company size`` or a backticked `` `Annual Revenue` ``."""

    text: str
    exact: bool = False  # written in backticks: matched exactly before being normalised

    @property
    def key(self) -> str:
        return normalize_name(self.text)

    def __str__(self) -> str:
        return f"`{self.text}`" if self.exact else self.text


@attrs.frozen(slots=True)
class Name:
    """A field, definition or event name, as written: ``company size``, ``address.country``."""

    parts: tuple[NamePart, ...]
    span: Span = attrs.field(eq=False, default=NOWHERE)

    @property
    def key(self) -> str:
        """The normalised, dotted form used to compare names."""
        return ".".join(part.key for part in self.parts)

    @property
    def is_private(self) -> bool:
        return any(part.text.strip().startswith("_") for part in self.parts)

    def __str__(self) -> str:
        return ".".join(str(part) for part in self.parts)


# ---------------------------------------------------------------------------- conditions


@attrs.frozen(slots=True)
class And:
    operands: tuple[Cond, ...]
    span: Span = attrs.field(eq=False, default=NOWHERE)


@attrs.frozen(slots=True)
class Or:
    operands: tuple[Cond, ...]
    span: Span = attrs.field(eq=False, default=NOWHERE)


@attrs.frozen(slots=True)
class Not:
    operand: Cond
    span: Span = attrs.field(eq=False, default=NOWHERE)


CompareOp: TypeAlias = TypingLiteral["=", "!=", "<", "<=", ">", ">="]


@attrs.frozen(slots=True)
class Compare:
    """``company size >= 1000``. ``!=`` is kept as written; it means ``not (x = v)``."""

    name: Name
    op: CompareOp
    value: Value
    span: Span = attrs.field(eq=False, default=NOWHERE)


@attrs.frozen(slots=True)
class In:
    """``country in ["GB", "IE"]``; ``negated`` for ``not in``."""

    name: Name
    values: ListValue
    negated: bool = False
    span: Span = attrs.field(eq=False, default=NOWHERE)


@attrs.frozen(slots=True)
class Between:
    """``company size between 50 and 5000`` (inclusive); ``negated`` for ``not between``."""

    name: Name
    low: Value
    high: Value
    negated: bool = False
    span: Span = attrs.field(eq=False, default=NOWHERE)


TextOp: TypeAlias = TypingLiteral["contains", "starts with", "ends with"]


@attrs.frozen(slots=True)
class TextTest:
    """``email ends with "@gmail.com"``: case and surrounding space ignored."""

    name: Name
    op: TextOp
    value: Value
    span: Span = attrs.field(eq=False, default=NOWHERE)


@attrs.frozen(slots=True)
class Matches:
    """``job title matches /\\bvp\\b/i``."""

    name: Name
    pattern: str
    flags: str = ""
    span: Span = attrs.field(eq=False, default=NOWHERE)


@attrs.frozen(slots=True)
class Presence:
    """``budget is present`` (``present=True``) or ``budget is missing``."""

    name: Name
    present: bool
    span: Span = attrs.field(eq=False, default=NOWHERE)


@attrs.frozen(slots=True)
class Count:
    """``at least 3 times`` / ``at most 2 times``."""

    op: TypingLiteral["at least", "at most"]
    n: int
    span: Span = attrs.field(eq=False, default=NOWHERE)


WindowKind: TypeAlias = TypingLiteral["within", "since", "before", "after"]


@attrs.frozen(slots=True)
class Window:
    """``within 14 days``, ``since 2026-01-01``, ``before ...``, ``after ...``."""

    kind: WindowKind
    value: Duration | dt.date | dt.datetime
    span: Span = attrs.field(eq=False, default=NOWHERE)


@attrs.frozen(slots=True)
class Fact:
    """A bare fact, possibly with event modifiers: ``requested demo``,
    ``visited pricing page at least 3 times within 14 days``,
    ``attended webinar where topic contains "AI"``, ``signed up within 30 days``.

    Whether it names a definition is settled by the checker (which replaces it with a
    :class:`DefRef`); whether it names a field of the lead or an event is settled per lead.
    """

    name: Name
    where: Cond | None = None
    count: Count | None = None
    windows: tuple[Window, ...] = ()
    span: Span = attrs.field(eq=False, default=NOWHERE)

    @property
    def has_modifiers(self) -> bool:
        return self.where is not None or self.count is not None or bool(self.windows)


@attrs.frozen(slots=True)
class DefRef:
    """A use of a definition, put in place of a :class:`Fact` by the checker."""

    name: Name
    definition: Define
    span: Span = attrs.field(eq=False, default=NOWHERE)


Cond: TypeAlias = (
    "And | Or | Not | Compare | In | Between | TextTest | Matches | Presence | Fact | DefRef"
)
#: A single test: a condition that is not an `and`, `or`, `not` or a use of a definition.
Leaf: TypeAlias = Compare | In | Between | TextTest | Matches | Presence | Fact
#: A condition that is not an `and`, `or` or `not`.
Test: TypeAlias = "Compare | In | Between | TextTest | Matches | Presence | Fact | DefRef"

# ---------------------------------------------------------------------------- statements


@attrs.frozen(slots=True)
class Decay:
    """``decaying 50% every 30 days``."""

    percent: Decimal
    every: Duration
    span: Span = attrs.field(eq=False, default=NOWHERE)


@attrs.frozen(slots=True)
class ScoreRule:
    """``+20 when COND`` or ``+5 per EVENT ..., up to 15``; ``per`` is set for the latter."""

    points: Decimal
    condition: Cond | None
    per: Fact | None = None
    cap: Decimal | None = None
    decay: Decay | None = None
    label: str | None = None
    text: str = ""  # the rule's whole source text
    span: Span = attrs.field(eq=False, default=NOWHERE)
    what: str = ""  # the condition's text (or "per <target>"): the label when none is given

    @property
    def display(self) -> str:
        """How explanations name the rule: its label, or what it tests."""
        return self.label or self.what or self.text


@attrs.frozen(slots=True)
class Disqualify:
    """``disqualify when COND [because "reason"]``."""

    condition: Cond
    reason: str | None = None
    text: str = ""
    span: Span = attrs.field(eq=False, default=NOWHERE)


@attrs.frozen(slots=True)
class Stage:
    """``MQL at 50 [when COND]``."""

    name: str
    threshold: Decimal
    condition: Cond | None = None
    text: str = ""
    span: Span = attrs.field(eq=False, default=NOWHERE)


@attrs.frozen(slots=True)
class Define:
    """``define decision maker as COND``."""

    name: Name
    condition: Cond
    text: str = ""
    span: Span = attrs.field(eq=False, default=NOWHERE)


@attrs.frozen(slots=True)
class Group:
    """``group fit max 50 [min N]:`` and its indented score rules."""

    name: str
    rules: tuple[ScoreRule, ...]
    max: Decimal | None = None
    min: Decimal | None = None
    text: str = ""  # the header line
    span: Span = attrs.field(eq=False, default=NOWHERE)
    # Statements other than score rules written inside the block; the checker rejects them.
    misplaced: tuple[Disqualify | Stage | Define, ...] = ()


Statement: TypeAlias = "ScoreRule | Disqualify | Stage | Define | Group"


@attrs.frozen(slots=True)
class RuleFile:
    """A whole parsed file."""

    statements: tuple[Statement, ...]
    filename: str = "<rules>"
    source: str = attrs.field(default="", repr=False, eq=False)


# ---------------------------------------------------------------------------- traversal


#: The node types of a single test, other than a use of a definition (what :func:`tests`
#: yields besides DefRef nodes).
_LEAF_TYPES = frozenset({Compare, In, Between, TextTest, Matches, Presence, Fact})


def tests(node: Cond, *, definitions: bool = False) -> Iterator[Test]:
    """The single tests of a condition (not inside `where` filters), left to right, without
    recursion. ``definitions``: also the tests of the definitions it uses, each definition
    once, where it is first used; otherwise a :class:`DefRef` is yielded as it is."""
    seen: set[int] = set()
    stack: list[Cond] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, (And, Or)):
            stack.extend(reversed(item.operands))
        elif isinstance(item, Not):
            stack.append(item.operand)
        elif isinstance(item, DefRef):
            if not definitions:
                yield item
            elif id(item.definition) not in seen:
                seen.add(id(item.definition))
                stack.append(item.definition.condition)
        elif item.__class__ in _LEAF_TYPES:
            yield item
        else:  # a node type added to the tree but not here: fail loudly
            raise NotImplementedError(f"ast.tests() does not know {type(item).__name__} nodes")
