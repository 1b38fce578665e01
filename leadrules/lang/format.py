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
original does. See docs/formatting.md.
"""

from __future__ import annotations

import bisect
import builtins
import datetime as dt
import functools
import re
import unicodedata
from decimal import Decimal

import attrs

from ..errors import LeadRulesError
from . import ast
from .parser import comment_start, lark_parser, parse

__all__ = ["format"]

INDENT = "    "
#: Between a statement and the comment at the end of its line.
TRAILING_GAP = "  "

# Precedence levels of conditions: a child binding more loosely than its context needs
# parentheses.
_OR, _AND, _NOT, _ATOM = 1, 2, 3, 4

#: Characters written as escapes inside quotes: besides the quote and the backslash, anything
#: that would break a line (for Lark or for ``str.splitlines``) or is invisible.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def format(source: str, filename: str = "<rules>") -> str:
    """Return ``source`` in canonical layout.

    Raises :class:`~leadrules.RuleSyntaxError` for text that does not parse. Text that parses
    but does not compile (a definition used before it is defined, a stage defined twice, ...)
    is formatted all the same.
    """
    file = parse(source, filename)
    return _Formatter(file).run()


# ------------------------------------------------------------------------------------ literals


def _number(value: Decimal) -> str:
    """A number as written, less ``_``, leading zeros and a ``+``: the Decimal round-trips
    exactly (``12.50`` stays ``12.50``, so its exponent is kept too)."""
    return builtins.format(value, "f")  # this module's own `format` shadows the builtin


def _points(value: Decimal) -> str:
    sign = "-" if value.is_signed() else "+"
    return sign + _number(value.copy_abs())


def _quote(text: str) -> str:
    out = ['"']
    for ch in text:
        short = _SHORT_ESCAPES.get(ch)
        if short is not None:
            out.append(short)
        elif ch in _LINE_BREAKS or unicodedata.category(ch) in ("Cc", "Cs"):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _duration(value: ast.Duration) -> str:
    amount = _number(value.amount)
    unit = value.unit[:-1] if amount == "1" else value.unit
    return f"{amount} {unit}"


def _moment(value: dt.date | dt.datetime) -> str:
    text = value.isoformat()
    if isinstance(value, dt.datetime) and value.utcoffset() == dt.timedelta(0):
        text = text.removesuffix("+00:00") + "Z"
    return text


def _value(value: ast.Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, ast.Duration):
        return _duration(value)
    if isinstance(value, ast.ListValue):
        return "[" + ", ".join(_value(item) for item in value.items) + "]"
    return _moment(value)


def _regex(pattern: str, flags: str) -> str:
    # The parser turns `\/` into `/`; every `/` of the pattern is written back as `\/`.
    return "/" + pattern.replace("/", "\\/") + "/" + flags


@functools.cache
def _keyword_patterns() -> tuple[re.Pattern[str], ...]:
    """The grammar's terminals other than WORD: a word one of them matches is reserved."""
    return tuple(
        re.compile(terminal.pattern.to_regexp())
        for terminal in lark_parser().terminals
        if terminal.name != "WORD"
    )


@functools.lru_cache(maxsize=1024)
def _is_keyword(word: str) -> bool:
    return any(pattern.fullmatch(word) for pattern in _keyword_patterns())


def _has_keyword(name: str) -> bool:
    return any(_is_keyword(word) for word in re.findall(r"[^\W\d_]+", name))


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


def _precedence(node: ast.Cond) -> int:
    if isinstance(node, ast.Or):
        return _OR
    if isinstance(node, ast.And):
        return _AND
    if isinstance(node, ast.Not):
        return _NOT
    return _ATOM


def _cond(node: ast.Cond, context: int = _OR) -> str:
    """A condition, parenthesised when it binds more loosely than ``context`` allows.

    ``a or (b or c)`` becomes ``a or b or c``: ``and`` and ``or`` are associative (in
    three-valued logic too), so same-operator nesting needs no parentheses.
    """
    if isinstance(node, ast.Or):
        text = " or ".join(_cond(op, _OR) for op in node.operands)
    elif isinstance(node, ast.And):
        text = " and ".join(_cond(op, _AND) for op in node.operands)
    elif isinstance(node, ast.Not):
        text = "not " + _cond(node.operand, _NOT)
    else:
        text = _atom(node)
    return f"({text})" if _precedence(node) < context else text


def _atom(node: ast.Cond) -> str:
    if isinstance(node, ast.Compare):
        return f"{node.name} {node.op} {_value(node.value)}"
    if isinstance(node, ast.In):
        op = "not in" if node.negated else "in"
        return f"{node.name} {op} {_value(node.values)}"
    if isinstance(node, ast.Between):
        op = "not between" if node.negated else "between"
        return f"{node.name} {op} {_value(node.low)} and {_value(node.high)}"
    if isinstance(node, ast.TextTest):
        return f"{node.name} {node.op} {_value(node.value)}"
    if isinstance(node, ast.Matches):
        return f"{node.name} matches {_regex(node.pattern, node.flags)}"
    if isinstance(node, ast.Presence):
        return f"{node.name} is {'present' if node.present else 'missing'}"
    if isinstance(node, ast.Fact):
        return _fact(node)
    if isinstance(node, ast.DefRef):  # pragma: no cover - only the checker makes these
        return str(node.name)
    raise AssertionError(f"unknown condition {node!r}")  # pragma: no cover


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
            parts.append(f"{window.kind} {_moment(window.value)}")
    if node.where is not None:
        parts.append("where " + _where(node.where))
    return " ".join(parts)


def _where(node: ast.Cond) -> str:
    """A ``where`` filter takes one test, a bare property, ``not`` and one of these, or a
    parenthesised condition."""
    if isinstance(node, ast.Not):
        return "not " + _where(node.operand)
    if isinstance(node, ast.Fact) and not node.has_modifiers:
        return _fact(node)
    if isinstance(
        node, (ast.Compare, ast.In, ast.Between, ast.TextTest, ast.Matches, ast.Presence)
    ):
        return _atom(node)
    return "(" + _cond(node) + ")"


# ------------------------------------------------------------------------------------ statements


def _score_rule(rule: ast.ScoreRule) -> str:
    if rule.per is not None:
        text = f"{_points(rule.points)} per {_fact(rule.per)}"
    else:
        assert rule.condition is not None
        text = f"{_points(rule.points)} when {_cond(rule.condition)}"
    if rule.cap is not None:
        text += f", up to {_number(rule.cap)}"
    if rule.decay is not None:
        text += f", decaying {_number(rule.decay.percent)}% every {_duration(rule.decay.every)}"
    if rule.label is not None:
        text += f" as {_quote(rule.label)}"
    return text


def _statement(statement: ast.Statement) -> str:
    if isinstance(statement, ast.ScoreRule):
        return _score_rule(statement)
    if isinstance(statement, ast.Disqualify):
        text = f"disqualify when {_cond(statement.condition)}"
        if statement.reason is not None:
            text += f" because {_quote(statement.reason)}"
        return text
    if isinstance(statement, ast.Stage):
        name = statement.name if _bare_stage_name(statement.name) else _quote(statement.name)
        text = f"{name} at {_number(statement.threshold)}"
        if statement.condition is not None:
            text += f" when {_cond(statement.condition)}"
        return text
    if isinstance(statement, ast.Define):
        return f"define {statement.name} as {_cond(statement.condition)}"
    return _group_header(statement)


def _group_header(group: ast.Group) -> str:
    name = group.name if _bare_group_name(group.name) else _quote(group.name)
    text = f"group {name}"
    if group.max is not None:
        text += f" max {_number(group.max)}"
    if group.min is not None:
        text += f" min {_number(group.min)}"
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
