"""Rule text -> Lark parse tree -> typed AST (:mod:`leadrules.ast`).

The Lark tree never leaves this module. Syntax errors are turned into
:class:`~leadrules.errors.RuleSyntaxError` with a position, a caret and a plain-words hint.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn

import attrs
from lark import Lark, Token
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)
from lark.indenter import DedentError, Indenter

from ..errors import Diagnostic, RuleSyntaxError, source_lines
from . import ast
from .messages import describe_expected, syntax_hint

__all__ = ["GRAMMAR_PATH", "comment_start", "find_comments", "parse", "source_lines"]

GRAMMAR_PATH = Path(__file__).with_name("grammar.lark")


class _Indenter(Indenter):
    NL_type = "_NL"
    OPEN_PAREN_types = ["LPAR", "LSQB"]  # noqa: RUF012 - Lark's interface
    CLOSE_PAREN_types = ["RPAR", "RSQB"]  # noqa: RUF012
    INDENT_type = "_INDENT"
    DEDENT_type = "_DEDENT"
    tab_len = 4

    def handle_NL(self, token: Token) -> Iterator[Token]:
        indent = token.rsplit("\n", 1)[-1]
        if "\t" in indent and self.paren_level == 0:
            raise _IndentProblem(
                "this line is indented with a tab",
                token.end_line or 1,
                "indent the rules of a group with spaces (4 spaces is the convention), not tabs",
            )
        try:
            yield from super().handle_NL(token)
        except DedentError:
            raise _IndentProblem(
                "this line's indentation does not match any line above it",
                token.end_line or 1,
                "indent every rule of a group by the same number of spaces (4 is the convention)",
            ) from None


class _IndentProblem(Exception):
    def __init__(self, message: str, line: int, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint


@functools.cache
def _lark() -> Lark:
    grammar = GRAMMAR_PATH.read_text("utf-8")
    return Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        postlex=_Indenter(),
        # Spans are worked out from the tokens by _Builder, which needs every token kept;
        # Lark's own propagate_positions costs more than the rest of the tree building.
        propagate_positions=False,
        keep_all_tokens=True,
        maybe_placeholders=False,
    )


def lark_parser() -> Lark:
    """The Lark parser (built once). Exposed for tests that check the grammar."""
    return _lark()


# ------------------------------------------------------------------------------------ errors


class _LiteralProblem(Exception):
    """Raised inside the transformer for a literal that is well-formed but invalid."""

    def __init__(self, message: str, token: Token | None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.token = token
        self.hint = hint


def _line_of(text: str, line: int) -> str:
    lines = source_lines(text)
    if 1 <= line <= len(lines):
        return lines[line - 1]
    return ""


def _diagnostic(
    text: str,
    filename: str,
    message: str,
    line: int,
    column: int,
    hint: str | None = None,
    end_column: int | None = None,
) -> Diagnostic:
    return Diagnostic(
        message=message,
        filename=filename,
        line=max(1, line),
        column=max(1, column),
        source_line=_line_of(text, line),
        hint=hint,
        end_column=end_column,
    )


def _end_position(text: str) -> tuple[int, int]:
    body = text.rstrip("\n")
    lines = source_lines(body) or [""]
    return len(lines), len(lines[-1]) + 1


def _translate(exc: UnexpectedInput, text: str, filename: str) -> Diagnostic:
    if isinstance(exc, UnexpectedCharacters):
        message, hint = syntax_hint(text, exc.pos_in_stream, None, set(exc.allowed or ()))
        return _diagnostic(text, filename, message, exc.line, exc.column, hint)
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        expected = set(exc.expected)
        interactive = getattr(exc, "interactive_parser", None)
        if interactive is not None:
            with contextlib.suppress(Exception):  # else fall back to Lark's own list
                expected = set(interactive.accepts())
        if token.type == "$END":
            line, column = _end_position(text)
        elif token.type == "_INDENT":
            line, column = token.end_line or 1, 1
        elif token.type in ("_NL", "_DEDENT"):
            # Report at the end of the line the statement stopped on, not the next line.
            line, column = _after_previous_token(text, token)
        else:
            line, column = token.line or 1, token.column or 1
        pos = token.start_pos if token.start_pos is not None else len(text)
        message, hint = syntax_hint(text, pos, token, expected)
        end = None
        if token.type not in ("$END", "_NL", "_DEDENT", "_INDENT") and token.end_column:
            end = token.end_column
        return _diagnostic(text, filename, message, line, column, hint, end)
    if isinstance(exc, UnexpectedEOF):
        line, column = _end_position(text)
        message = f"the file ended too early: expected {describe_expected(set(exc.expected))}"
        return _diagnostic(text, filename, message, line, column)
    line, column = _end_position(text)  # pragma: no cover - Lark has no other kinds
    return _diagnostic(text, filename, str(exc), line, column)


def _after_previous_token(text: str, token: Token) -> tuple[int, int]:
    """Where a line break (or indentation token) was met: the end of the text before it."""
    pos = token.start_pos if token.start_pos is not None else len(text)
    before = text[:pos]
    stripped = before.rstrip(" \t")
    # Skip back over a trailing comment on that line.
    last_line_start = stripped.rfind("\n") + 1
    line_text = stripped[last_line_start:]
    hash_at = comment_start(line_text)
    if hash_at is not None:
        stripped = stripped[: last_line_start + hash_at].rstrip(" \t")
    line = stripped.count("\n") + 1
    column = len(stripped) - (stripped.rfind("\n") + 1) + 1
    return line, column


def _raise(diagnostics: list[Diagnostic]) -> NoReturn:
    raise RuleSyntaxError(diagnostics)


# ------------------------------------------------------------------------------------ comments


def comment_start(line: str) -> int | None:
    """The index of the ``#`` starting a comment on ``line``, skipping quotes, regexes and
    backticked names; None when there is none."""
    quote: str | None = None
    i = 0
    while i < len(line):
        ch = line[i]
        if quote is not None:
            if ch == "\\" and quote != "`":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'`/":
            quote = ch
        elif ch == "#":
            return i
        i += 1
    return None


def find_comments(text: str) -> tuple[ast.Comment, ...]:
    """Every ``#`` comment in ``text`` with its line and column."""
    found: list[ast.Comment] = []
    if "#" not in text:
        return ()
    for number, line in enumerate(source_lines(text), start=1):
        if "#" not in line:
            continue
        at = comment_start(line)
        if at is not None:
            found.append(ast.Comment(line[at:].rstrip(), number, at + 1))
    return tuple(found)


# ------------------------------------------------------------------------------------ parse


def parse(text: str, filename: str = "<rules>") -> ast.RuleFile:
    """Parse rule text into a :class:`~leadrules.ast.RuleFile`, or raise RuleSyntaxError."""
    if not isinstance(text, str):
        from ..errors import InvalidArgument

        raise InvalidArgument(
            f"rule source must be text (str), not {type(text).__name__}; "
            "to read a file use leadrules.load(path)"
        )
    source = text
    if source.startswith("\ufeff"):
        source = source[1:]
    body = source if source.endswith("\n") else source + "\n"
    tree = _parse_all(body, filename)
    deep = _too_deep(tree)
    if deep is not None:
        _raise(
            [
                _diagnostic(
                    body,
                    filename,
                    f"this condition is nested more than {MAX_DEPTH} levels deep",
                    deep[0],
                    deep[1],
                    "split it into smaller `define` conditions",
                )
            ]
        )
    try:
        statements = _Builder(body).build(tree)
    except _LiteralProblem as problem:
        tok = problem.token
        line = tok.line if tok is not None and tok.line else 1
        column = tok.column if tok is not None and tok.column else 1
        end = tok.end_column if tok is not None else None
        _raise([_diagnostic(body, filename, problem.message, line, column, problem.hint, end)])
    return ast.RuleFile(
        statements=tuple(statements),
        filename=filename,
        source=body,
        comments=find_comments(body),
    )


#: At most this many syntax errors are reported for one file.
MAX_ERRORS = 20
_PLACEHOLDER_RULE = "+0 when recovered"
_PLACEHOLDER_GROUP = "group recovered:"
_UNCLOSED = "is never closed"  # after an unclosed bracket, later errors are only echoes


def _first_error(text: str, filename: str) -> tuple[Any, Diagnostic | None]:
    """Parse ``text``: (tree, None), or (None, the first syntax error)."""
    first = re.match(r"[ \t]+[^\s#]", text)
    if first is not None:
        return None, _diagnostic(
            text,
            filename,
            "this line is indented but is not inside a group",
            1,
            1,
            "remove the spaces at the start of the line, or put `group NAME:` above it",
        )
    try:
        return _lark().parse(text), None
    except UnexpectedInput as exc:
        return None, _translate(exc, text, filename)
    except _IndentProblem as exc:
        return None, _diagnostic(text, filename, exc.message, exc.line, 1, exc.hint)
    except LarkError as exc:  # pragma: no cover - defensive: any other Lark failure
        line, column = _end_position(text)
        return None, _diagnostic(text, filename, f"could not read the rules: {exc}", line, column)


#: How deeply conditions and lists may nest (the tree is walked recursively afterwards).
MAX_DEPTH = 100


def _too_deep(tree: Any) -> tuple[int, int] | None:
    """(line, column) of a subtree nested deeper than MAX_DEPTH, found without recursion.

    Depth is counted as in the tree Lark builds without ``keep_all_tokens``: parentheses
    around a condition are not a level, and each run of words in a name is one level below
    the name (the grammar once had a rule for it)."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            first = _first_token(node)
            return (first.line or 1, first.column or 1)
        if depth == MAX_DEPTH and node.data == "name":
            words = _last_words(node.children)
            if words is not None:
                return (words.line or 1, words.column or 1)
        depth += 1
        for child in node.children:
            if type(child) is not Token:
                while child.data in _PARENS:
                    child = child.children[1]
                stack.append((child, depth))
    return None


def _last_words(tokens: list[Token]) -> Token | None:
    """The first word of the last run of words in a name's tokens."""
    found = None
    for tok in reversed(tokens):
        if tok.type == "WORD":
            found = tok
        elif found is not None:
            break
    return found


def _parse_all(body: str, filename: str) -> Any:
    """The parse tree of ``body``, or RuleSyntaxError listing every syntax error found.

    After an error, the statement line it is on is replaced by a harmless placeholder of the
    same indentation (line numbers stay true) and parsing starts again, until the file parses,
    MAX_ERRORS are found, or an error repeats on a line already replaced.
    """
    tree, error = _first_error(body, filename)
    if error is None:
        return tree
    errors = [error]
    lines = body.split("\n")
    replaced: set[int] = set()
    while len(errors) < MAX_ERRORS:
        line = errors[-1].line
        if line in replaced or not 1 <= line <= len(lines):
            break
        replaced.add(line)
        original = lines[line - 1]
        indent = original[: len(original) - len(original.lstrip(" \t"))].replace("\t", "    ")
        if line == 1 and not original.strip().lower().startswith("group"):
            indent = ""
        is_group = original.strip().lower().startswith("group") or (
            original.rstrip().endswith(":") and not original[:1].isspace()
        )
        lines[line - 1] = indent + (_PLACEHOLDER_GROUP if is_group else _PLACEHOLDER_RULE)
        _, error = _first_error("\n".join(lines), filename)
        if error is None or error.line in replaced or _UNCLOSED in errors[-1].message:
            break
        errors.append(attrs.evolve(error, source_line=_line_of(body, error.line)))
    raise RuleSyntaxError(errors)


# ------------------------------------------------------------------------------------ AST
#
# The Lark parser keeps every token (keep_all_tokens) and does not propagate positions: Lark's
# position propagation was the larger part of the parse time. A node's span runs from the first
# to the last token under it, brackets and line breaks included, which is what Lark's
# propagate_positions gives (a node starts at its first child's container and ends at its last
# one's). _Builder walks the tree once, building the AST and the spans it needs.


def _first_token(node: Any) -> Token:
    while type(node) is not Token:
        node = node.children[0]
    return node


def _last_token(node: Any) -> Token:
    while type(node) is not Token:
        node = node.children[-1]
    return node


def _token_span(first: Token, last: Token) -> ast.Span:
    """The span from the start of ``first`` to the end of ``last``."""
    return ast.Span(
        first.line or 0,
        first.column or 0,
        last.end_line or 0,
        last.end_column or 0,
        first.start_pos or 0,
        last.end_pos or 0,
    )


def _span(tree: Any) -> ast.Span:
    """A tree node's span: from its first token to its last (tokens Lark would drop, such as
    brackets, included)."""
    if not tree.children:  # pragma: no cover - only an empty file's root has no children
        return ast.NOWHERE
    return _token_span(_first_token(tree), _last_token(tree))


def _decimal(tok: Token) -> Decimal:
    try:
        return Decimal(str(tok).replace("_", ""))
    except InvalidOperation:  # pragma: no cover - the terminal only admits valid numbers
        raise _LiteralProblem(f"`{tok}` is not a number", tok) from None


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "0": "\0", "/": "/"}


def unescape(body: str, tok: Token | None = None) -> str:
    """Undo backslash escapes in a quoted string's body (no Python evaluation involved)."""
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1 : i + 2]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt == "u" and len(body) >= i + 6:
            digits = body[i + 2 : i + 6]
            try:
                out.append(chr(int(digits, 16)))
            except ValueError:
                raise _LiteralProblem(
                    f"`\\u{digits}` is not a valid character escape",
                    tok,
                    "write \\u followed by four hexadecimal digits, like \\u00e9",
                ) from None
            i += 6
        else:
            raise _LiteralProblem(
                f"unknown escape `\\{nxt}` in text",
                tok,
                'inside quotes, write \\\\ for a backslash, \\" for a quote, \\n for a new line',
            )
    return "".join(out)


def _parse_date(tok: Token) -> dt.date:
    try:
        return dt.date.fromisoformat(str(tok))
    except ValueError:
        raise _LiteralProblem(
            f"`{tok}` is not a real date", tok, "write dates as year-month-day, like 2026-01-15"
        ) from None


def _parse_datetime(tok: Token) -> dt.datetime:
    text = str(tok)
    if text[-1:] in "zZ":
        text = text[:-1] + "+00:00"
    try:
        value = dt.datetime.fromisoformat(text.replace("t", "T"))
    except ValueError:
        raise _LiteralProblem(
            f"`{tok}` is not a real date and time",
            tok,
            "write date-times like 2026-01-15T10:00:00Z",
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value


def _unit(tok: Token) -> ast.Unit:
    word = str(tok).lower()
    if not word.endswith("s"):
        word += "s"
    assert word in ast.UNITS
    return word  # type: ignore[return-value]


#: Tree nodes that are only a condition in parentheses. With all tokens kept they are nodes of
#: their own (the parentheses are children); without, Lark would have inlined them.
_PARENS = frozenset({"not_cond", "where_cond"})

_CMP_OPS = {"==": "=", "<>": "!="}

#: A node of the Lark tree: a Tree (``.data``, ``.children``) or a Token. Typed loosely: what
#: a node holds is fixed by the grammar, which the type checker cannot see.
_Node = Any


class _Builder:
    """Turns the Lark tree into the AST. Children are built left to right before a node checks
    itself, so the first literal problem reported is the first in the text, as a Lark
    Transformer would find it. The comments give each node's children (all tokens are kept,
    `_rules` are spliced in)."""

    def __init__(self, source: str) -> None:
        self.source = source
        handlers: dict[str, Callable[[_Node], Any]] = {}
        for key, name in _node_names().items():
            if name in _HANDLED:
                handlers[key] = getattr(self, name)
        for name in _HANDLED:
            handlers.setdefault(name, getattr(self, name))
        self._handlers = handlers

    def build(self, tree: _Node) -> Any:
        return self._handlers[tree.data](tree)

    def _build_all(self, children: list[_Node]) -> list[Any]:
        """The values of the subtrees among ``children`` (tokens left out), in order."""
        handlers = self._handlers
        return [handlers[c.data](c) for c in children if type(c) is not Token]

    def _text_and_span(self, tree: _Node) -> tuple[str, ast.Span]:
        """A statement's text (runs of spaces made one) and span."""
        first = _first_token(tree)
        last = _last_token(tree)
        text = " ".join(self.source[first.start_pos : last.end_pos].split())
        return text, _token_span(first, last)

    # ---- file and statements

    def start(self, tree: _Node) -> list[ast.Statement]:
        # _NL? then statements, ";" and _NL
        return self._build_all(tree.children)

    def _rule(self, tree: _Node, per: bool) -> ast.ScoreRule:
        # NUMBER (WHEN or_cond | PER fact), then options: COMMA cap | COMMA decay | label
        children = tree.children
        target = self.build(children[2])
        options = self._build_all(children[3:])
        number = children[0]
        text = str(number)
        if text[0] not in "+-":
            raise _LiteralProblem(
                f"points need a sign: `+{text}` adds points, `-{text}` takes them away",
                number,
                f"write `+{text} when ...` or `-{text} when ...`",
            )
        cap: Decimal | None = None
        decay: ast.Decay | None = None
        label: str | None = None
        for kind, value, tok in options:
            if kind == "cap":
                if cap is not None:
                    raise _LiteralProblem("this rule has two `up to` limits", tok)
                cap = value
            elif kind == "decay":
                if decay is not None:
                    raise _LiteralProblem("this rule has two `decaying` clauses", tok)
                decay = value
            else:
                if label is not None:
                    raise _LiteralProblem('this rule has two labels (`as "..."`)', tok)
                label = value
        target_span = target.span
        what = " ".join(self.source[target_span.start : target_span.end].split())
        if per:
            what = "per " + what
        rule_text, span = self._text_and_span(tree)
        return ast.ScoreRule(
            points=_decimal(number),
            condition=None if per else target,
            per=target if per else None,
            cap=cap,
            decay=decay,
            label=label,
            text=rule_text,
            span=span,
            what=what,
        )

    def when_rule(self, tree: _Node) -> ast.ScoreRule:
        return self._rule(tree, per=False)

    def per_rule(self, tree: _Node) -> ast.ScoreRule:
        return self._rule(tree, per=True)

    def cap(self, tree: _Node) -> tuple[str, Decimal, Token]:
        _up, _to, tok = tree.children
        value = _decimal(tok)
        if value < 0:
            raise _LiteralProblem("the limit after `up to` cannot be negative", tok)
        return ("cap", value, tok)

    def decay(self, tree: _Node) -> tuple[str, ast.Decay, Token]:
        keyword, tok, _percent, _every, period = tree.children
        every = self.build(period)
        percent = _decimal(tok)
        if not Decimal(0) < percent <= Decimal(100):
            raise _LiteralProblem(
                f"a decay of {tok}% makes no sense",
                tok,
                "write a percentage above 0 and at most 100, like `decaying 50% every 30 days`",
            )
        if every.amount <= 0:
            raise _LiteralProblem("the decay period must be longer than zero", tok)
        return ("decay", ast.Decay(percent, every, _span(tree)), keyword)

    def label(self, tree: _Node) -> tuple[str, str, Token]:
        keyword, tok = tree.children
        return ("label", unescape(tok[1:-1], tok), keyword)

    def disqualify(self, tree: _Node) -> ast.Disqualify:
        # DISQUALIFY WHEN or_cond (BECAUSE STRING)?
        children = tree.children
        cond = self.build(children[2])
        reason = None
        if len(children) == 5:
            tok = children[4]
            reason = unescape(tok[1:-1], tok)
        return ast.Disqualify(cond, reason, *self._text_and_span(tree))

    def stage_name(self, tree: _Node) -> str:
        tok = tree.children[0]  # WORD | STRING
        return unescape(tok[1:-1], tok) if tok.type == "STRING" else str(tok)

    def stage(self, tree: _Node) -> ast.Stage:
        # stage_name AT NUMBER (WHEN or_cond)?
        children = tree.children
        name = self.build(children[0])
        cond = self.build(children[4]) if len(children) == 5 else None
        return ast.Stage(name, _decimal(children[2]), cond, *self._text_and_span(tree))

    def define(self, tree: _Node) -> ast.Define:
        _define, name, _as, cond = tree.children
        name_node = self.build(name)
        return ast.Define(name_node, self.build(cond), *self._text_and_span(tree))

    def group_name(self, tree: _Node) -> str:
        item = tree.children[0]  # name | STRING
        if type(item) is Token:
            return unescape(item[1:-1], item)
        return str(self.build(item))

    def group_max(self, tree: _Node) -> tuple[str, Decimal, Token]:
        keyword, number = tree.children
        return ("max", _decimal(number), keyword)

    def group_min(self, tree: _Node) -> tuple[str, Decimal, Token]:
        keyword, number = tree.children
        return ("min", _decimal(number), keyword)

    def group(self, tree: _Node) -> ast.Group:
        # GROUP group_name (group_max | group_min)* COLON _NL _INDENT statements... _DEDENT
        children = tree.children
        nodes = self._build_all(children)
        name = nodes[0]
        limits: dict[str, Decimal] = {}
        rules: list[ast.ScoreRule] = []
        misplaced: list[Any] = []
        for item in nodes[1:]:
            if isinstance(item, tuple):
                kind, value, tok = item
                if kind in limits:
                    raise _LiteralProblem(f"this group has two `{kind}` limits", tok)
                limits[kind] = value
            elif isinstance(item, ast.ScoreRule):
                rules.append(item)
            else:
                misplaced.append(item)
        lo, hi = limits.get("min"), limits.get("max")
        if lo is not None and hi is not None and lo > hi:
            raise _LiteralProblem(
                f"group `{name}` has min {lo} above its max {hi}",
                children[0],
                "the minimum of a group must not be above its maximum",
            )
        start = children[0].start_pos
        header_end = self.source.find(":", start)
        header = " ".join(self.source[start : header_end + 1].split())
        return ast.Group(
            name=name,
            rules=tuple(rules),
            max=hi,
            min=lo,
            text=header,
            span=_span(tree),
            misplaced=tuple(misplaced),
        )

    # ---- conditions

    def not_cond(self, tree: _Node) -> Any:
        """A condition in parentheses (also `where_cond`), LPAR cond RPAR: the condition
        itself, whose span leaves the parentheses out. Nested ones are unwrapped in a loop."""
        inner = tree.children[1]
        while inner.data in _PARENS:
            inner = inner.children[1]
        return self.build(inner)

    where_cond = not_cond

    def or_cond(self, tree: _Node) -> ast.Or:
        # operands with OR between them
        return ast.Or(tuple(self._build_all(tree.children)), _span(tree))

    def and_cond(self, tree: _Node) -> ast.And:
        # operands with AND between them
        return ast.And(tuple(self._build_all(tree.children)), _span(tree))

    def not_(self, tree: _Node) -> ast.Not:
        _not, operand = tree.children
        return ast.Not(self.build(operand), _span(tree))

    where_not = not_

    def compare(self, tree: _Node) -> ast.Compare:
        name, op, value = tree.children  # op: a cmp_op tree of one token
        name_node = self.build(name)
        op_text: Any = str(op.children[0])
        op_text = _CMP_OPS.get(op_text, op_text)
        return ast.Compare(name_node, op_text, self.build(value), _span(tree))

    # The tests below are `name KEYWORD... value(s)`: the name is first, the values last.

    def compare_is(self, tree: _Node) -> ast.Compare:
        children = tree.children
        name = self.build(children[0])
        return ast.Compare(name, "=", self.build(children[-1]), _span(tree))

    def compare_is_not(self, tree: _Node) -> ast.Compare:
        children = tree.children
        name = self.build(children[0])
        return ast.Compare(name, "!=", self.build(children[-1]), _span(tree))

    def in_list(self, tree: _Node) -> ast.In:
        children = tree.children
        name = self.build(children[0])
        return ast.In(name, self.build(children[-1]), False, _span(tree))

    def not_in_list(self, tree: _Node) -> ast.In:
        children = tree.children
        name = self.build(children[0])
        return ast.In(name, self.build(children[-1]), True, _span(tree))

    def between(self, tree: _Node) -> ast.Between:
        children = tree.children  # ... value AND value
        name = self.build(children[0])
        low = self.build(children[-3])
        high = self.build(children[-1])
        return ast.Between(name, low, high, False, _span(tree))

    def not_between(self, tree: _Node) -> ast.Between:
        children = tree.children  # ... value AND value
        name = self.build(children[0])
        low = self.build(children[-3])
        high = self.build(children[-1])
        return ast.Between(name, low, high, True, _span(tree))

    def _text_test(self, tree: _Node, op: ast.TextOp) -> ast.TextTest:
        children = tree.children
        name = self.build(children[0])
        return ast.TextTest(name, op, self.build(children[-1]), _span(tree))

    def contains(self, tree: _Node) -> ast.TextTest:
        return self._text_test(tree, "contains")

    def starts_with(self, tree: _Node) -> ast.TextTest:
        return self._text_test(tree, "starts with")

    def ends_with(self, tree: _Node) -> ast.TextTest:
        return self._text_test(tree, "ends with")

    def matches(self, tree: _Node) -> ast.Matches:
        name, _matches, tok = tree.children
        text = str(tok)
        close = text.rfind("/")
        pattern = text[1:close].replace("\\/", "/")
        flags = text[close + 1 :]
        return ast.Matches(self.build(name), pattern, flags, _span(tree))

    def is_missing(self, tree: _Node) -> ast.Presence:
        return ast.Presence(self.build(tree.children[0]), False, _span(tree))

    def is_present(self, tree: _Node) -> ast.Presence:
        return ast.Presence(self.build(tree.children[0]), True, _span(tree))

    def fact(self, tree: _Node) -> ast.Fact:
        # name (where | at_least | at_most | within | since | before | after)*
        children = tree.children
        name = self.build(children[0])
        if len(children) == 1:
            return ast.Fact(name, None, None, (), _span(tree))
        where: Any = None
        count: ast.Count | None = None
        windows: list[ast.Window] = []
        for kind, value, tok in self._build_all(children[1:]):
            if kind == "where":
                if where is not None:
                    raise _LiteralProblem(
                        "this has two `where` filters",
                        tok,
                        "combine them into one with `and`: where (a and b)",
                    )
                where = value
            elif kind == "count":
                if count is not None:
                    raise _LiteralProblem(
                        "this has two `at least`/`at most` counts",
                        tok,
                        "use one count, or combine two conditions with `and`",
                    )
                count = value
            else:
                windows.append(value)
        return ast.Fact(name, where, count, tuple(windows), _span(tree))

    def prop_fact(self, tree: _Node) -> ast.Fact:
        return ast.Fact(self.build(tree.children[0]), span=_span(tree))

    def where(self, tree: _Node) -> tuple[str, Any, Token]:
        keyword, cond = tree.children
        return ("where", self.build(cond), keyword)

    def _count(self, tree: _Node, op: Any) -> tuple[str, ast.Count, Token]:
        keyword, _least_or_most, tok, _times = tree.children
        value = _decimal(tok)
        if value != value.to_integral_value() or value < 0:
            raise _LiteralProblem(
                f"`{tok}` is not a whole number of times", tok, "write a whole number like 3"
            )
        return ("count", ast.Count(op, int(value), _span(tree)), keyword)

    def at_least(self, tree: _Node) -> tuple[str, ast.Count, Token]:
        return self._count(tree, "at least")

    def at_most(self, tree: _Node) -> tuple[str, ast.Count, Token]:
        return self._count(tree, "at most")

    def _window(self, tree: _Node, kind: Any) -> tuple[str, Any, Token]:
        keyword, value = tree.children  # WITHIN duration, or SINCE etc. DATE | DATETIME
        if type(value) is not Token:
            moment: Any = self.build(value)
        elif value.type == "DATETIME":
            moment = _parse_datetime(value)
        else:
            moment = _parse_date(value)
        return ("window", ast.Window(kind, moment, _span(tree)), keyword)

    def within(self, tree: _Node) -> tuple[str, Any, Token]:
        return self._window(tree, "within")

    def since(self, tree: _Node) -> tuple[str, Any, Token]:
        return self._window(tree, "since")

    def before(self, tree: _Node) -> tuple[str, Any, Token]:
        return self._window(tree, "before")

    def after(self, tree: _Node) -> tuple[str, Any, Token]:
        return self._window(tree, "after")

    # ---- names and values

    def name(self, tree: _Node) -> ast.Name:
        # WORD and BACKTICKED tokens, with DOT tokens between the segments
        children: list[Token] = tree.children
        parts = []
        words: list[str] = []
        for tok in children:
            kind = tok.type
            if kind == "WORD":
                words.append(tok)
            elif kind == "DOT":
                if words:
                    parts.append(ast.NamePart(" ".join(words)))
                    words = []
            else:
                parts.append(ast.NamePart(tok[1:-1], exact=True))
        if words:
            parts.append(ast.NamePart(" ".join(words)))
        return ast.Name(tuple(parts), _token_span(children[0], children[-1]))

    def number(self, tree: _Node) -> Decimal:
        return _decimal(tree.children[0])

    def string(self, tree: _Node) -> str:
        tok = tree.children[0]
        return unescape(tok[1:-1], tok)

    def date(self, tree: _Node) -> dt.date:
        return _parse_date(tree.children[0])

    def datetime(self, tree: _Node) -> dt.datetime:
        return _parse_datetime(tree.children[0])

    def true(self, tree: _Node) -> bool:
        return True

    def false(self, tree: _Node) -> bool:
        return False

    def duration(self, tree: _Node) -> ast.Duration:
        number, unit = tree.children
        amount = _decimal(number)
        if amount < 0:
            raise _LiteralProblem(
                "a duration cannot be negative", number, "write a length of time like 30 days"
            )
        return ast.Duration(amount, _unit(unit))

    def list(self, tree: _Node) -> ast.ListValue:
        # LSQB, values with COMMA between (and maybe after) them, RSQB
        return ast.ListValue(tuple(self._build_all(tree.children)), _span(tree))


@functools.cache
def _node_names() -> dict[Any, str]:
    """The names Lark gives tree nodes (rule names and aliases), each as the very object Lark
    puts in ``Tree.data`` (some are Lark Tokens, whose ``==`` is slow): looking a node up by
    it is then an identity check."""
    names: dict[Any, str] = {}
    for rule in _lark().rules:
        key = rule.alias or rule.origin.name
        names.setdefault(key, str(key))
    return names


#: The tree nodes _Builder has a method for: every rule and alias of the grammar that Lark does
#: not inline (`cmp_op` is read by `compare`).
_HANDLED = frozenset({
    "start", "when_rule", "per_rule", "cap", "decay", "label", "disqualify", "stage_name",
    "stage", "define", "group_name", "group_max", "group_min", "group", "not_cond", "where_cond",
    "or_cond", "and_cond", "not_", "where_not", "compare", "compare_is", "compare_is_not",
    "in_list", "not_in_list", "between", "not_between", "contains", "starts_with", "ends_with",
    "matches", "is_missing", "is_present", "fact", "prop_fact", "where", "at_least", "at_most",
    "within", "since", "before", "after", "name", "number", "string", "date", "datetime",
    "true", "false", "duration", "list",
})  # fmt: skip
