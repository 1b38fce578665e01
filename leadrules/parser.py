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
from lark import Lark, Token, Tree
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)
from lark.indenter import DedentError, Indenter

from . import ast
from .errors import Diagnostic, RuleSyntaxError, source_lines
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
        from .errors import InvalidArgument

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


def _too_deep(tree: Tree[Token]) -> tuple[int, int] | None:
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
            words = _last_words(node.children)  # type: ignore[arg-type]
            if words is not None:
                return (words.line or 1, words.column or 1)
        depth += 1
        for child in node.children:
            if type(child) is not Token:
                while child.data in _PARENS:  # type: ignore[union-attr]
                    child = child.children[1]  # type: ignore[union-attr]
                stack.append((child, depth))  # type: ignore[arg-type]
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
    return node  # type: ignore[no-any-return]


def _last_token(node: Any) -> Token:
    while type(node) is not Token:
        node = node.children[-1]
    return node  # type: ignore[no-any-return]


def _span(tree: Tree[Token]) -> ast.Span:
    if not tree.children:
        return ast.NOWHERE
    first = _first_token(tree)
    last = _last_token(tree)
    return ast.Span(
        first.line,  # type: ignore[arg-type]
        first.column,  # type: ignore[arg-type]
        last.end_line,  # type: ignore[arg-type]
        last.end_column,  # type: ignore[arg-type]
        first.start_pos,  # type: ignore[arg-type]
        last.end_pos,  # type: ignore[arg-type]
    )


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


class _Builder:
    """Turns the Lark tree into the AST. Children are built left to right before a node checks
    itself, so the first literal problem reported is the first in the text, as a Lark
    Transformer would find it."""

    def __init__(self, source: str) -> None:
        self.source = source
        handlers: dict[str, Callable[[Tree[Token]], Any]] = {}
        for key, name in _node_names().items():
            if name in _HANDLED:
                handlers[key] = getattr(self, name)
        for name in _HANDLED:
            handlers.setdefault(name, getattr(self, name))
        self._handlers = handlers

    def build(self, tree: Tree[Token]) -> Any:
        return self._handlers[tree.data](tree)

    def _text_and_span(self, tree: Tree[Token]) -> tuple[str, ast.Span]:
        """A statement's text (spaces made single) and span."""
        first = _first_token(tree)
        last = _last_token(tree)
        text = " ".join(self.source[first.start_pos : last.end_pos].split())
        span = ast.Span(
            first.line,  # type: ignore[arg-type]
            first.column,  # type: ignore[arg-type]
            last.end_line,  # type: ignore[arg-type]
            last.end_column,  # type: ignore[arg-type]
            first.start_pos,  # type: ignore[arg-type]
            last.end_pos,  # type: ignore[arg-type]
        )
        return text, span

    # ---- file and statements

    def start(self, tree: Tree[Token]) -> list[ast.Statement]:
        build = self.build
        return [build(c) for c in tree.children if type(c) is not Token]

    def _rule(self, tree: Tree[Token], per: bool) -> ast.ScoreRule:
        children = tree.children
        build = self.build
        # NUMBER (WHEN cond | PER fact), then the options: "," cap | "," decay | label
        target = build(children[2])  # type: ignore[arg-type]
        options = [build(c) for c in children[3:] if type(c) is not Token]
        number: Token = children[0]  # type: ignore[assignment]
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
        text, span = self._text_and_span(tree)
        return ast.ScoreRule(
            points=_decimal(number),
            condition=None if per else target,
            per=target if per else None,
            cap=cap,
            decay=decay,
            label=label,
            text=text,
            span=span,
            what=what,
        )

    def when_rule(self, tree: Tree[Token]) -> ast.ScoreRule:
        return self._rule(tree, per=False)

    def per_rule(self, tree: Tree[Token]) -> ast.ScoreRule:
        return self._rule(tree, per=True)

    def cap(self, tree: Tree[Token]) -> tuple[str, Decimal, Token]:
        tok: Token = tree.children[2]  # type: ignore[assignment]  # UP TO NUMBER
        value = _decimal(tok)
        if value < 0:
            raise _LiteralProblem("the limit after `up to` cannot be negative", tok)
        return ("cap", value, tok)

    def decay(self, tree: Tree[Token]) -> tuple[str, ast.Decay, Token]:
        keyword, tok, _percent, _every, period = tree.children  # DECAYING NUMBER % EVERY duration
        every = self.build(period)  # type: ignore[arg-type]
        percent = _decimal(tok)  # type: ignore[arg-type]
        if not Decimal(0) < percent <= Decimal(100):
            raise _LiteralProblem(
                f"a decay of {tok}% makes no sense",
                tok,  # type: ignore[arg-type]
                "write a percentage above 0 and at most 100, like `decaying 50% every 30 days`",
            )
        if every.amount <= 0:
            raise _LiteralProblem("the decay period must be longer than zero", tok)  # type: ignore[arg-type]
        return ("decay", ast.Decay(percent, every, _span(tree)), keyword)  # type: ignore[return-value]

    def label(self, tree: Tree[Token]) -> tuple[str, str, Token]:
        keyword, tok = tree.children  # AS STRING
        return ("label", unescape(tok[1:-1], tok), keyword)  # type: ignore[arg-type,index,return-value]

    def disqualify(self, tree: Tree[Token]) -> ast.Disqualify:
        children = tree.children  # DISQUALIFY WHEN cond (BECAUSE STRING)?
        cond = self.build(children[2])  # type: ignore[arg-type]
        reason = None
        if len(children) == 5:
            tok: Token = children[4]  # type: ignore[assignment]
            reason = unescape(tok[1:-1], tok)
        return ast.Disqualify(cond, reason, *self._text_and_span(tree))

    def stage_name(self, tree: Tree[Token]) -> str:
        tok: Token = tree.children[0]  # type: ignore[assignment]
        return unescape(tok[1:-1], tok) if tok.type == "STRING" else str(tok)

    def stage(self, tree: Tree[Token]) -> ast.Stage:
        children = tree.children  # stage_name AT NUMBER (WHEN cond)?
        name = self.build(children[0])  # type: ignore[arg-type]
        cond = self.build(children[4]) if len(children) == 5 else None  # type: ignore[arg-type]
        return ast.Stage(
            name,
            _decimal(children[2]),  # type: ignore[arg-type]
            cond,
            *self._text_and_span(tree),
        )

    def define(self, tree: Tree[Token]) -> ast.Define:
        children = tree.children  # DEFINE name AS cond
        name = self.build(children[1])  # type: ignore[arg-type]
        cond = self.build(children[3])  # type: ignore[arg-type]
        return ast.Define(name, cond, *self._text_and_span(tree))

    def group_name(self, tree: Tree[Token]) -> str:
        item = tree.children[0]
        if type(item) is Token:
            return unescape(item[1:-1], item)
        return str(self.build(item))  # type: ignore[arg-type]

    def group_max(self, tree: Tree[Token]) -> tuple[str, Decimal, Token]:
        keyword, number = tree.children
        return ("max", _decimal(number), keyword)  # type: ignore[arg-type,return-value]

    def group_min(self, tree: Tree[Token]) -> tuple[str, Decimal, Token]:
        keyword, number = tree.children
        return ("min", _decimal(number), keyword)  # type: ignore[arg-type,return-value]

    def group(self, tree: Tree[Token]) -> ast.Group:
        children = tree.children
        build = self.build
        nodes = [build(c) for c in children if type(c) is not Token]
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
                children[0],  # type: ignore[arg-type]  # the GROUP keyword
                "the minimum of a group must not be above its maximum",
            )
        start = _first_token(tree).start_pos
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

    def not_cond(self, tree: Tree[Token]) -> Any:
        """A condition in parentheses (also `where_cond`): the condition itself, whose span
        leaves the parentheses out. Nested parentheses are unwrapped in a loop."""
        inner = tree.children[1]
        while type(inner) is not Token and inner.data in _PARENS:  # type: ignore[union-attr]
            inner = inner.children[1]  # type: ignore[union-attr]
        return self.build(inner)  # type: ignore[arg-type]

    where_cond = not_cond

    def or_cond(self, tree: Tree[Token]) -> ast.Or:
        build = self.build
        operands = tuple([build(c) for c in tree.children if type(c) is not Token])
        return ast.Or(operands, _span(tree))

    def and_cond(self, tree: Tree[Token]) -> ast.And:
        build = self.build
        operands = tuple([build(c) for c in tree.children if type(c) is not Token])
        return ast.And(operands, _span(tree))

    def not_(self, tree: Tree[Token]) -> ast.Not:
        return ast.Not(self.build(tree.children[1]), _span(tree))  # type: ignore[arg-type]

    where_not = not_

    def compare(self, tree: Tree[Token]) -> ast.Compare:
        name, op, value = tree.children  # name cmp_op value
        build = self.build
        name_node = build(name)  # type: ignore[arg-type]
        op_text = str(op.children[0])  # type: ignore[union-attr]
        return ast.Compare(
            name_node,
            _CMP_OPS.get(op_text, op_text),  # type: ignore[arg-type]
            build(value),  # type: ignore[arg-type]
            _span(tree),
        )

    def compare_is(self, tree: Tree[Token]) -> ast.Compare:
        children = tree.children  # name IS value
        build = self.build
        name = build(children[0])  # type: ignore[arg-type]
        return ast.Compare(name, "=", build(children[-1]), _span(tree))  # type: ignore[arg-type]

    def compare_is_not(self, tree: Tree[Token]) -> ast.Compare:
        children = tree.children  # name IS NOT value
        build = self.build
        name = build(children[0])  # type: ignore[arg-type]
        return ast.Compare(name, "!=", build(children[-1]), _span(tree))  # type: ignore[arg-type]

    def in_list(self, tree: Tree[Token]) -> ast.In:
        children = tree.children  # name IN list
        build = self.build
        name = build(children[0])  # type: ignore[arg-type]
        return ast.In(name, build(children[-1]), False, _span(tree))  # type: ignore[arg-type]

    def not_in_list(self, tree: Tree[Token]) -> ast.In:
        children = tree.children  # name NOT IN list
        build = self.build
        name = build(children[0])  # type: ignore[arg-type]
        return ast.In(name, build(children[-1]), True, _span(tree))  # type: ignore[arg-type]

    def between(self, tree: Tree[Token]) -> ast.Between:
        children = tree.children  # name BETWEEN value AND value
        build = self.build
        name = build(children[0])  # type: ignore[arg-type]
        low = build(children[-3])  # type: ignore[arg-type]
        high = build(children[-1])  # type: ignore[arg-type]
        return ast.Between(name, low, high, False, _span(tree))

    def not_between(self, tree: Tree[Token]) -> ast.Between:
        children = tree.children  # name NOT BETWEEN value AND value
        build = self.build
        name = build(children[0])  # type: ignore[arg-type]
        low = build(children[-3])  # type: ignore[arg-type]
        high = build(children[-1])  # type: ignore[arg-type]
        return ast.Between(name, low, high, True, _span(tree))

    def _text_test(self, tree: Tree[Token], op: ast.TextOp) -> ast.TextTest:
        children = tree.children  # name (CONTAINS | STARTS WITH | ENDS WITH) value
        build = self.build
        name = build(children[0])  # type: ignore[arg-type]
        return ast.TextTest(name, op, build(children[-1]), _span(tree))  # type: ignore[arg-type]

    def contains(self, tree: Tree[Token]) -> ast.TextTest:
        return self._text_test(tree, "contains")

    def starts_with(self, tree: Tree[Token]) -> ast.TextTest:
        return self._text_test(tree, "starts with")

    def ends_with(self, tree: Tree[Token]) -> ast.TextTest:
        return self._text_test(tree, "ends with")

    def matches(self, tree: Tree[Token]) -> ast.Matches:
        name, _matches, tok = tree.children  # name MATCHES REGEX
        text = str(tok)
        close = text.rfind("/")
        pattern = text[1:close].replace("\\/", "/")
        flags = text[close + 1 :]
        return ast.Matches(self.build(name), pattern, flags, _span(tree))  # type: ignore[arg-type]

    def is_missing(self, tree: Tree[Token]) -> ast.Presence:
        return ast.Presence(self.build(tree.children[0]), False, _span(tree))  # type: ignore[arg-type]

    def is_present(self, tree: Tree[Token]) -> ast.Presence:
        return ast.Presence(self.build(tree.children[0]), True, _span(tree))  # type: ignore[arg-type]

    def fact(self, tree: Tree[Token]) -> ast.Fact:
        children = tree.children  # name (where | count | window)*
        build = self.build
        name = build(children[0])  # type: ignore[arg-type]
        if len(children) == 1:
            return ast.Fact(name, None, None, (), _span(tree))
        mods = [build(c) for c in children[1:]]  # type: ignore[arg-type]
        where: Any = None
        count: ast.Count | None = None
        windows: list[ast.Window] = []
        for kind, value, tok in mods:
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

    def prop_fact(self, tree: Tree[Token]) -> ast.Fact:
        return ast.Fact(self.build(tree.children[0]), span=_span(tree))  # type: ignore[arg-type]

    def where(self, tree: Tree[Token]) -> tuple[str, Any, Token]:
        keyword, cond = tree.children  # WHERE where_cond
        return ("where", self.build(cond), keyword)  # type: ignore[arg-type,return-value]

    def _count(self, tree: Tree[Token], op: Any) -> tuple[str, ast.Count, Token]:
        keyword, _word, tok, _times = tree.children  # AT (LEAST | MOST) NUMBER _TIMES
        value = _decimal(tok)  # type: ignore[arg-type]
        if value != value.to_integral_value() or value < 0:
            raise _LiteralProblem(
                f"`{tok}` is not a whole number of times",
                tok,  # type: ignore[arg-type]
                "write a whole number like 3",
            )
        return ("count", ast.Count(op, int(value), _span(tree)), keyword)  # type: ignore[return-value]

    def at_least(self, tree: Tree[Token]) -> tuple[str, ast.Count, Token]:
        return self._count(tree, "at least")

    def at_most(self, tree: Tree[Token]) -> tuple[str, ast.Count, Token]:
        return self._count(tree, "at most")

    def _window(self, tree: Tree[Token], kind: Any) -> tuple[str, Any, Token]:
        keyword, value = tree.children  # (WITHIN duration) | (SINCE | ...) (DATE | DATETIME)
        if type(value) is Token:
            moment: Any = (
                _parse_datetime(value) if value.type == "DATETIME" else _parse_date(value)
            )
        else:
            moment = self.build(value)
        return ("window", ast.Window(kind, moment, _span(tree)), keyword)  # type: ignore[return-value]

    def within(self, tree: Tree[Token]) -> tuple[str, Any, Token]:
        return self._window(tree, "within")

    def since(self, tree: Tree[Token]) -> tuple[str, Any, Token]:
        return self._window(tree, "since")

    def before(self, tree: Tree[Token]) -> tuple[str, Any, Token]:
        return self._window(tree, "before")

    def after(self, tree: Tree[Token]) -> tuple[str, Any, Token]:
        return self._window(tree, "after")

    # ---- names and values

    def name(self, tree: Tree[Token]) -> ast.Name:
        # WORD and BACKTICKED tokens, with DOT tokens between the segments
        children: list[Token] = tree.children  # type: ignore[assignment]
        first = children[0]
        last = children[-1]
        span = ast.Span(
            first.line,  # type: ignore[arg-type]
            first.column,  # type: ignore[arg-type]
            last.end_line,  # type: ignore[arg-type]
            last.end_column,  # type: ignore[arg-type]
            first.start_pos,  # type: ignore[arg-type]
            last.end_pos,  # type: ignore[arg-type]
        )
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
        return ast.Name(tuple(parts), span)

    def number(self, tree: Tree[Token]) -> Decimal:
        return _decimal(tree.children[0])  # type: ignore[arg-type]

    def string(self, tree: Tree[Token]) -> str:
        tok: Token = tree.children[0]  # type: ignore[assignment]
        return unescape(tok[1:-1], tok)

    def date(self, tree: Tree[Token]) -> dt.date:
        return _parse_date(tree.children[0])  # type: ignore[arg-type]

    def datetime(self, tree: Tree[Token]) -> dt.datetime:
        return _parse_datetime(tree.children[0])  # type: ignore[arg-type]

    def true(self, tree: Tree[Token]) -> bool:
        return True

    def false(self, tree: Tree[Token]) -> bool:
        return False

    def duration(self, tree: Tree[Token]) -> ast.Duration:
        number, unit = tree.children  # NUMBER UNIT
        amount = _decimal(number)  # type: ignore[arg-type]
        if amount < 0:
            raise _LiteralProblem(
                "a duration cannot be negative",
                number,  # type: ignore[arg-type]
                "write a length of time like 30 days",
            )
        return ast.Duration(amount, _unit(unit))  # type: ignore[arg-type]

    def list(self, tree: Tree[Token]) -> ast.ListValue:
        build = self.build
        items = tuple([build(c) for c in tree.children if type(c) is not Token])
        return ast.ListValue(items, _span(tree))


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


#: The tree nodes _Builder has a method for (every rule and alias of the grammar that is not
#: inlined; `words` and `cmp_op` are read by their parents).
_HANDLED = (
    "start", "when_rule", "per_rule", "cap", "decay", "label", "disqualify", "stage_name",
    "stage", "define", "group_name", "group_max", "group_min", "group", "not_cond", "where_cond",
    "or_cond", "and_cond", "not_", "where_not", "compare", "compare_is", "compare_is_not",
    "in_list", "not_in_list", "between", "not_between", "contains", "starts_with", "ends_with",
    "matches", "is_missing", "is_present", "fact", "prop_fact", "where", "at_least", "at_most",
    "within", "since", "before", "after", "name", "number", "string", "date", "datetime",
    "true", "false", "duration", "list",
)  # fmt: skip
