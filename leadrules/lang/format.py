"""Canonical formatting of rule files: ``leadrules.format(source)``.

The formatter reads the typed syntax tree (never the raw text, except to find comments and blank
lines) and writes every statement back in one canonical layout:

* keywords in lower case, single spaces between words, one statement per line (statements
  joined with ``;`` are split), 4-space indentation inside groups;
* ``=`` for ``==`` and ``is``, ``!=`` for ``is not`` and ``<>``; ``is present`` for ``is not
  missing`` and ``is missing`` for ``is not present``;
* text in double quotes (``"`` and ``\\`` escaped, and control characters and line separators
  written as escapes); numbers without ``_`` and leading zeros or ``+``, but with every decimal
  place as written (``12.50`` stays ``12.50``); dates ``2026-01-15``; date-times in ISO 8601
  with ``Z`` for UTC; durations ``30 days`` / ``1 day``; counts ``3 times`` / ``1 time``;
* parentheses exactly where the precedence ``not`` > ``and`` > ``or`` needs them;
* statements ordered by kind - definitions, groups, score rules outside groups, disqualify
  rules, stages - each kind in source order, with one blank line between kinds and between
  groups;
* comments kept: a comment on its own line stays above the statement after it, a comment after
  a statement stays at the end of its line, comments inside a group stay inside it, and
  comments at the start (followed by a blank line) and at the end of the file stay there.

The result is idempotent (``format(format(s)) == format(s)``) and scores every lead as the
original does. See docs/checking.md (section 3, Formatting).
"""

from __future__ import annotations

import bisect
import functools
import re
from decimal import Decimal

import attrs

from ..errors import LeadRulesError
from . import ast
from .decimal_text import exact_number_text
from .grammar import comment_start
from .keywords import is_reserved
from .literals import duration_text, literal_text, moment_text, quote
from .parser import parse
from .visitor import Visitor

__all__ = ["format"]

INDENT = "    "
#: Between a statement and the comment at the end of its line.
TRAILING_GAP = "  "

# Precedence levels of conditions: a child binding more loosely than its context needs
# parentheses.
_OR, _AND, _NOT, _ATOM = 1, 2, 3, 4


def format(source: str, filename: str = "<rules>") -> str:
    """Return ``source`` in canonical layout.

    Raises :class:`~leadrules.RuleSyntaxError` for text that does not parse. Text that parses
    but does not compile (a definition used before it is defined, a stage defined twice, ...)
    is formatted all the same.
    """
    file = parse(source, filename)
    return _Formatter(file).run()


# ------------------------------------------------------------------------------------ literals


def _points(value: Decimal) -> str:
    """A score rule's points, signed, with every decimal place as written."""
    sign = "-" if value.is_signed() else "+"
    return sign + exact_number_text(value.copy_abs())


def _value(value: ast.Value) -> str:
    return literal_text(value, canonical=True)


def _duration(value: ast.Duration) -> str:
    return duration_text(value, canonical=True)


def _regex(pattern: str, flags: str) -> str:
    # The parser turns `\/` into `/`; every `/` of the pattern is written back as `\/`.
    return "/" + pattern.replace("/", "\\/") + "/" + flags


def _has_keyword(name: str) -> bool:
    return any(is_reserved(word) for word in re.findall(r"[^\W\d_]+", name))


@functools.lru_cache(maxsize=512)
def _bare_stage_name(name: str) -> bool:
    """Whether a stage name can be written without quotes: one word, no keyword, and read
    back unchanged."""
    if not name or any(ch.isspace() for ch in name) or _has_keyword(name):
        return False
    return _reads_back(f"{name} at 1\n", ast.Stage, name)


@functools.lru_cache(maxsize=512)
def _bare_group_name(name: str) -> bool:
    """Whether a group name can be written without quotes: a name without keywords (outside
    backticks) that reads back unchanged."""
    if not name or name != name.strip() or "#" in name or "\n" in name:
        return False
    if _has_keyword(re.sub(r"`[^`]*`", " ", name)):
        return False
    return _reads_back(f"group {name}:\n    +1 when x\n", ast.Group, name)


def _reads_back(text: str, kind: type[ast.Stage | ast.Group], name: str) -> bool:
    """Whether ``text`` parses as one statement of ``kind`` named ``name``."""
    try:
        file = parse(text)
    except LeadRulesError:
        return False
    first = file.statements[0] if len(file.statements) == 1 else None
    return isinstance(first, kind) and first.name == name


# ------------------------------------------------------------------------------------ conditions


class _Condition(Visitor[[int], str]):
    """A condition as text, parenthesised when it binds more loosely than the precedence
    level it stands at (``context``: _OR, _AND or _NOT) allows.

    ``a or (b or c)`` becomes ``a or b or c``: ``and`` and ``or`` are associative (in
    three-valued logic too), so same-operator nesting needs no parentheses.
    """

    def visit_or(self, node: ast.Or, context: int) -> str:
        text = " or ".join(self.visit(op, _OR) for op in node.operands)
        return f"({text})" if context > _OR else text

    def visit_and(self, node: ast.And, context: int) -> str:
        text = " and ".join(self.visit(op, _AND) for op in node.operands)
        return f"({text})" if context > _AND else text

    def visit_not(self, node: ast.Not, context: int) -> str:
        text = "not " + self.visit(node.operand, _NOT)
        return f"({text})" if context > _NOT else text

    # A single test binds tightest: never parenthesised.

    def visit_compare(self, node: ast.Compare, context: int) -> str:
        return f"{node.name} {node.op} {_value(node.value)}"

    def visit_in(self, node: ast.In, context: int) -> str:
        op = "not in" if node.negated else "in"
        return f"{node.name} {op} {_value(node.values)}"

    def visit_between(self, node: ast.Between, context: int) -> str:
        op = "not between" if node.negated else "between"
        return f"{node.name} {op} {_value(node.low)} and {_value(node.high)}"

    def visit_text_test(self, node: ast.TextTest, context: int) -> str:
        return f"{node.name} {node.op} {_value(node.value)}"

    def visit_matches(self, node: ast.Matches, context: int) -> str:
        return f"{node.name} matches {_regex(node.pattern, node.flags)}"

    def visit_presence(self, node: ast.Presence, context: int) -> str:
        return f"{node.name} is {'present' if node.present else 'missing'}"

    def visit_fact(self, node: ast.Fact, context: int) -> str:
        return _fact(node)

    def visit_defref(self, node: ast.DefRef, context: int) -> str:
        # Only the checker makes these; the formatter reads the parsed tree.
        return str(node.name)


_CONDITION = _Condition()


def _cond(node: ast.Cond, context: int = _OR) -> str:
    """A condition, parenthesised when it binds more loosely than ``context`` allows."""
    return _CONDITION.visit(node, context)


def _fact(node: ast.Fact) -> str:
    """``name [at least N times] [windows...] [where ...]``: the filter goes last, so that
    nothing of the fact follows the filter's test."""
    parts = [str(node.name)]
    if node.count is not None:
        times = "time" if node.count.n == 1 else "times"
        parts.append(f"{node.count.op} {node.count.n} {times}")
    for window in node.windows:
        if isinstance(window.value, ast.Duration):
            parts.append(f"{window.kind} {_duration(window.value)}")
        else:
            parts.append(f"{window.kind} {moment_text(window.value, canonical=True)}")
    if node.where is not None:
        parts.append("where " + _where(node.where))
    return " ".join(parts)


class _Where(Visitor[[], str]):
    """A ``where`` filter: it takes one test, a bare property, ``not`` and one of these, or a
    parenthesised condition."""

    def visit_not(self, node: ast.Not) -> str:
        return "not " + self.visit(node.operand)

    def visit_fact(self, node: ast.Fact) -> str:
        return _fact(node) if not node.has_modifiers else self._parenthesised(node)

    def _test(self, node: ast.Cond) -> str:
        return _cond(node, _ATOM)

    visit_compare = visit_in = visit_between = visit_text_test = _test
    visit_matches = visit_presence = _test

    def _parenthesised(self, node: ast.Cond) -> str:
        return "(" + _cond(node) + ")"

    visit_and = visit_or = visit_defref = _parenthesised


_WHERE = _Where()


def _where(node: ast.Cond) -> str:
    return _WHERE.visit(node)


# ------------------------------------------------------------------------------------ statements


def _score_rule(rule: ast.ScoreRule) -> str:
    if rule.per is not None:
        text = f"{_points(rule.points)} per {_fact(rule.per)}"
    else:
        assert rule.condition is not None
        text = f"{_points(rule.points)} when {_cond(rule.condition)}"
    if rule.cap is not None:
        text += f", up to {exact_number_text(rule.cap)}"
    if rule.decay is not None:
        decay = rule.decay
        text += f", decaying {exact_number_text(decay.percent)}% every {_duration(decay.every)}"
    if rule.label is not None:
        text += f" as {quote(rule.label)}"
    return text


def _statement(statement: ast.Statement) -> str:
    if isinstance(statement, ast.ScoreRule):
        return _score_rule(statement)
    if isinstance(statement, ast.Disqualify):
        text = f"disqualify when {_cond(statement.condition)}"
        if statement.reason is not None:
            text += f" because {quote(statement.reason)}"
        return text
    if isinstance(statement, ast.Stage):
        name = statement.name if _bare_stage_name(statement.name) else quote(statement.name)
        text = f"{name} at {exact_number_text(statement.threshold)}"
        if statement.condition is not None:
            text += f" when {_cond(statement.condition)}"
        return text
    if isinstance(statement, ast.Define):
        return f"define {statement.name} as {_cond(statement.condition)}"
    return _group_header(statement)


def _group_header(group: ast.Group) -> str:
    name = group.name if _bare_group_name(group.name) else quote(group.name)
    text = f"group {name}"
    if group.max is not None:
        text += f" max {exact_number_text(group.max)}"
    if group.min is not None:
        text += f" min {exact_number_text(group.min)}"
    return text + ":"


# ------------------------------------------------------------------------------------ comments


@attrs.frozen
class _Comment:
    text: str
    line: int  # 1-based
    column: int  # 1-based
    offset: int  # 0-based, in the parsed source
    own_line: bool  # nothing but space before it on its line


@attrs.define(eq=False)
class _Leaf:
    """One line-level thing a comment can belong to: a statement outside any group, a group's
    header, or a statement inside a group."""

    statement: ast.Statement
    group: ast.Group | None  # the group it is in (or heads)
    header: bool = False
    above: list[str] = attrs.field(factory=list)
    trailing: str | None = None

    @property
    def start(self) -> int:
        return self.statement.span.start

    @property
    def end(self) -> int:
        span = self.statement.span
        return span.start if self.header else span.end

    @property
    def end_line(self) -> int:
        span = self.statement.span
        return span.line if self.header else span.end_line


def _find_comments(source: str) -> list[_Comment]:
    """Every ``#`` comment, with lines counted at ``\\n`` only (as the parser counts them)."""
    found: list[_Comment] = []
    offset = 0
    for number, line in enumerate(source.split("\n"), start=1):
        at = comment_start(line)
        if at is not None:
            own = not line[:at].strip()
            found.append(_Comment(line[at:].rstrip(), number, at + 1, offset + at, own))
        offset += len(line) + 1
    return found


class _Formatter:
    def __init__(self, file: ast.RuleFile) -> None:
        self.file = file
        self.source = file.source
        self.lines = self.source.split("\n")
        self.leaves: list[_Leaf] = []
        self.by_statement: dict[int, _Leaf] = {}
        self.group_end: dict[int, list[str]] = {}
        self.file_header: list[str] = []
        self.file_end: list[str] = []
        for statement in file.statements:
            if isinstance(statement, ast.Group):
                self._add(_Leaf(statement, statement, header=True))
                for member in _members(statement):
                    self._add(_Leaf(member, statement))
            else:
                self._add(_Leaf(statement, None))
        self.leaves.sort(key=lambda leaf: (leaf.start, not leaf.header))
        self.starts = [leaf.start for leaf in self.leaves]

    def _add(self, leaf: _Leaf) -> None:
        self.leaves.append(leaf)
        self.by_statement[id(leaf.statement)] = leaf

    # ---- placing comments

    def place(self, comment: _Comment) -> None:
        index = bisect.bisect_left(self.starts, comment.offset)
        prev = self.leaves[index - 1] if index > 0 else None
        nxt = self.leaves[index] if index < len(self.leaves) else None
        if prev is not None and not prev.header and comment.offset < prev.end:
            prev.above.append(comment.text)  # inside a statement that spans lines: above it
            return
        if (
            not comment.own_line
            and prev is not None
            and prev.end_line == comment.line
            and prev.trailing is None
        ):
            prev.trailing = comment.text  # at the end of the statement's (last) line
            return
        if prev is not None and prev.group is not None:
            group = prev.group
            if nxt is not None and nxt.group is group and not nxt.header:
                nxt.above.append(comment.text)  # between two rules of a group
                return
            if comment.column > 1:  # indented, after a group's last rule: still in the group
                self.group_end.setdefault(id(group), []).append(comment.text)
                return
        if nxt is None:
            self.file_end.append(comment.text)
        elif prev is None and self._blank_between(comment.line, nxt.statement.span.line):
            self.file_header.append(comment.text)
        else:
            nxt.above.append(comment.text)

    def _blank_between(self, first: int, last: int) -> bool:
        """Whether a blank line stands between lines ``first`` and ``last`` (exclusive)."""
        return any(not self.lines[n - 1].strip() for n in range(first + 1, last))

    # ---- writing

    def run(self) -> str:
        for comment in _find_comments(self.source):
            self.place(comment)
        kinds: list[list[ast.Statement]] = [[], [], [], [], []]
        for statement in self.file.statements:
            kinds[_kind(statement)].append(statement)
        blocks: list[list[str]] = []
        if self.file_header:
            blocks.append(list(self.file_header))
        for number, statements in enumerate(kinds):
            if not statements:
                continue
            if number == _kind_of_groups:
                blocks.extend(self.group(g) for g in statements if isinstance(g, ast.Group))
            else:
                lines: list[str] = []
                for statement in statements:
                    lines.extend(self.statement(statement, ""))
                blocks.append(lines)
        if self.file_end:
            blocks.append(list(self.file_end))
        if not blocks:
            return ""
        return "\n\n".join("\n".join(block) for block in blocks) + "\n"

    def statement(self, statement: ast.Statement, indent: str) -> list[str]:
        leaf = self.by_statement[id(statement)]
        lines = [indent + text for text in leaf.above]
        line = indent + _statement(statement)
        if leaf.trailing is not None:
            line += TRAILING_GAP + leaf.trailing
        lines.append(line)
        return lines

    def group(self, group: ast.Group) -> list[str]:
        lines = self.statement(group, "")
        for member in _members(group):
            lines.extend(self.statement(member, INDENT))
        lines.extend(INDENT + text for text in self.group_end.get(id(group), ()))
        return lines


def _members(group: ast.Group) -> list[ast.Statement]:
    """A group's statements in source order (score rules, and any misplaced statements the
    checker will reject)."""
    members: list[ast.Statement] = [*group.rules, *group.misplaced]
    members.sort(key=lambda s: s.span.start)
    return members


_kind_of_groups = 1


def _kind(statement: ast.Statement) -> int:
    if isinstance(statement, ast.Define):
        return 0
    if isinstance(statement, ast.Group):
        return _kind_of_groups
    if isinstance(statement, ast.ScoreRule):
        return 2
    if isinstance(statement, ast.Disqualify):
        return 3
    return 4
