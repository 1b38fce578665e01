"""Rule text -> Lark parse tree -> typed AST (:mod:`leadrules.ast`).

The Lark tree never leaves this module. Syntax errors are turned into
:class:`~leadrules.errors.RuleSyntaxError` with a position, a caret and a plain-words hint.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn

import attrs
from lark import Lark, Token, Transformer, v_args
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
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
        propagate_positions=True,
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
    found = []
    for number, line in enumerate(source_lines(text), start=1):
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
        statements = _ToAst(body).transform(tree)
    except VisitError as exc:
        orig = exc.orig_exc
        if isinstance(orig, _LiteralProblem):
            tok = orig.token
            line = tok.line if tok is not None and tok.line else 1
            column = tok.column if tok is not None and tok.column else 1
            end = tok.end_column if tok is not None else None
            _raise([_diagnostic(body, filename, orig.message, line, column, orig.hint, end)])
        raise
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
    """(line, column) of a subtree nested deeper than MAX_DEPTH, found without recursion."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            meta = node.meta
            return (getattr(meta, "line", 1), getattr(meta, "column", 1))
        for child in node.children:
            if hasattr(child, "children"):
                stack.append((child, depth + 1))
    return None


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


def _span(meta: Any) -> ast.Span:
    if getattr(meta, "empty", True):
        return ast.NOWHERE
    return ast.Span(
        meta.line, meta.column, meta.end_line, meta.end_column, meta.start_pos, meta.end_pos
    )


def _tok_span(tok: Token) -> ast.Span:
    return ast.Span(
        tok.line or 0,
        tok.column or 0,
        tok.end_line or 0,
        tok.end_column or 0,
        tok.start_pos or 0,
        tok.end_pos or 0,
    )


def _decimal(tok: Token) -> Decimal:
    try:
        return Decimal(str(tok).replace("_", ""))
    except InvalidOperation:  # pragma: no cover - the terminal only admits valid numbers
        raise _LiteralProblem(f"`{tok}` is not a number", tok) from None


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "0": "\0", "/": "/"}


def unescape(body: str, tok: Token | None = None) -> str:
    """Undo backslash escapes in a quoted string's body (no Python evaluation involved)."""
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


def _tokens(children: list[Any]) -> list[Token]:
    return [c for c in children if isinstance(c, Token)]


def _nodes(children: list[Any]) -> list[Any]:
    return [c for c in children if not isinstance(c, Token)]


@v_args(meta=True)
class _ToAst(Transformer[Token, Any]):
    def __init__(self, source: str) -> None:
        super().__init__(visit_tokens=False)
        self.source = source

    def _text(self, meta: Any) -> str:
        if getattr(meta, "empty", True):
            return ""
        return " ".join(self.source[meta.start_pos : meta.end_pos].split())

    # ---- file and statements

    def start(self, meta: Any, children: list[Any]) -> list[ast.Statement]:
        return children

    def _rule(self, meta: Any, children: list[Any], per: bool) -> ast.ScoreRule:
        number = children[0]
        text = str(number)
        if text[0] not in "+-":
            raise _LiteralProblem(
                f"points need a sign: `+{text}` adds points, `-{text}` takes them away",
                number,
                f"write `+{text} when ...` or `-{text} when ...`",
            )
        body = _nodes(children[2:])
        target = body[0]
        cap: Decimal | None = None
        decay: ast.Decay | None = None
        label: str | None = None
        for option in body[1:]:
            kind, value, tok = option
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
        if per:
            what = "per " + " ".join(self.source[target.span.start : target.span.end].split())
        else:
            what = " ".join(self.source[target.span.start : target.span.end].split())
        return ast.ScoreRule(
            points=_decimal(number),
            condition=None if per else target,
            per=target if per else None,
            cap=cap,
            decay=decay,
            label=label,
            text=self._text(meta),
            span=_span(meta),
            what=what,
        )

    def when_rule(self, meta: Any, children: list[Any]) -> ast.ScoreRule:
        return self._rule(meta, children, per=False)

    def per_rule(self, meta: Any, children: list[Any]) -> ast.ScoreRule:
        return self._rule(meta, children, per=True)

    def cap(self, meta: Any, children: list[Any]) -> tuple[str, Decimal, Token]:
        tok = children[-1]
        value = _decimal(tok)
        if value < 0:
            raise _LiteralProblem("the limit after `up to` cannot be negative", tok)
        return ("cap", value, tok)

    def decay(self, meta: Any, children: list[Any]) -> tuple[str, ast.Decay, Token]:
        tok = children[1]
        percent = _decimal(tok)
        if not Decimal(0) < percent <= Decimal(100):
            raise _LiteralProblem(
                f"a decay of {tok}% makes no sense",
                tok,
                "write a percentage above 0 and at most 100, like `decaying 50% every 30 days`",
            )
        every = _nodes(children)[-1]
        if every.amount <= 0:
            raise _LiteralProblem("the decay period must be longer than zero", tok)
        return ("decay", ast.Decay(percent, every, _span(meta)), children[0])

    def label(self, meta: Any, children: list[Any]) -> tuple[str, str, Token]:
        tok = children[-1]
        return ("label", unescape(str(tok)[1:-1], tok), children[0])

    def disqualify(self, meta: Any, children: list[Any]) -> ast.Disqualify:
        cond = _nodes(children)[0]
        reason = None
        toks = _tokens(children)
        if toks and toks[-1].type == "STRING":
            reason = unescape(str(toks[-1])[1:-1], toks[-1])
        return ast.Disqualify(cond, reason, self._text(meta), _span(meta))

    def stage_name(self, meta: Any, children: list[Any]) -> str:
        tok = children[0]
        return unescape(str(tok)[1:-1], tok) if tok.type == "STRING" else str(tok)

    def stage(self, meta: Any, children: list[Any]) -> ast.Stage:
        name = children[0]
        number = next(c for c in children if isinstance(c, Token) and c.type == "NUMBER")
        rest = _nodes(children[1:])
        return ast.Stage(
            name, _decimal(number), rest[0] if rest else None, self._text(meta), _span(meta)
        )

    def define(self, meta: Any, children: list[Any]) -> ast.Define:
        name, cond = _nodes(children)
        return ast.Define(name, cond, self._text(meta), _span(meta))

    def group_name(self, meta: Any, children: list[Any]) -> str:
        item = children[0]
        if isinstance(item, Token):
            return unescape(str(item)[1:-1], item)
        return str(item)

    def group_max(self, meta: Any, children: list[Any]) -> tuple[str, Decimal, Token]:
        return ("max", _decimal(children[-1]), children[0])

    def group_min(self, meta: Any, children: list[Any]) -> tuple[str, Decimal, Token]:
        return ("min", _decimal(children[-1]), children[0])

    def group(self, meta: Any, children: list[Any]) -> ast.Group:
        nodes = _nodes(children)
        name = nodes[0]
        limits: dict[str, Decimal] = {}
        rules: list[ast.ScoreRule] = []
        misplaced: list[Any] = []
        header_end = meta.start_pos
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
            tok = next(t for t in _tokens(children) if t.type == "GROUP")
            raise _LiteralProblem(
                f"group `{name}` has min {lo} above its max {hi}",
                tok,
                "the minimum of a group must not be above its maximum",
            )
        header_end = self.source.find(":", meta.start_pos)
        header = " ".join(self.source[meta.start_pos : header_end + 1].split())
        return ast.Group(
            name=name,
            rules=tuple(rules),
            max=hi,
            min=lo,
            text=header,
            span=_span(meta),
            misplaced=tuple(misplaced),
        )

    # ---- conditions

    def or_cond(self, meta: Any, children: list[Any]) -> ast.Or:
        return ast.Or(tuple(_nodes(children)), _span(meta))

    def and_cond(self, meta: Any, children: list[Any]) -> ast.And:
        return ast.And(tuple(_nodes(children)), _span(meta))

    def not_(self, meta: Any, children: list[Any]) -> ast.Not:
        return ast.Not(_nodes(children)[0], _span(meta))

    where_not = not_

    def cmp_op(self, meta: Any, children: list[Any]) -> str:
        op = str(children[0])
        return {"==": "=", "<>": "!="}.get(op, op)

    def compare(self, meta: Any, children: list[Any]) -> ast.Compare:
        name, op, value = children
        return ast.Compare(name, op, value, _span(meta))

    def compare_is(self, meta: Any, children: list[Any]) -> ast.Compare:
        name, value = _nodes(children)
        return ast.Compare(name, "=", value, _span(meta))

    def compare_is_not(self, meta: Any, children: list[Any]) -> ast.Compare:
        name, value = _nodes(children)
        return ast.Compare(name, "!=", value, _span(meta))

    def in_list(self, meta: Any, children: list[Any]) -> ast.In:
        name, values = _nodes(children)
        return ast.In(name, values, False, _span(meta))

    def not_in_list(self, meta: Any, children: list[Any]) -> ast.In:
        name, values = _nodes(children)
        return ast.In(name, values, True, _span(meta))

    def between(self, meta: Any, children: list[Any]) -> ast.Between:
        name, low, high = _nodes(children)
        return ast.Between(name, low, high, False, _span(meta))

    def not_between(self, meta: Any, children: list[Any]) -> ast.Between:
        name, low, high = _nodes(children)
        return ast.Between(name, low, high, True, _span(meta))

    def _text_test(self, meta: Any, children: list[Any], op: ast.TextOp) -> ast.TextTest:
        name, value = _nodes(children)
        return ast.TextTest(name, op, value, _span(meta))

    def contains(self, meta: Any, children: list[Any]) -> ast.TextTest:
        return self._text_test(meta, children, "contains")

    def starts_with(self, meta: Any, children: list[Any]) -> ast.TextTest:
        return self._text_test(meta, children, "starts with")

    def ends_with(self, meta: Any, children: list[Any]) -> ast.TextTest:
        return self._text_test(meta, children, "ends with")

    def matches(self, meta: Any, children: list[Any]) -> ast.Matches:
        name = children[0]
        tok = children[-1]
        text = str(tok)
        close = text.rfind("/")
        pattern = text[1:close].replace("\\/", "/")
        flags = text[close + 1 :]
        return ast.Matches(name, pattern, flags, _span(meta))

    def is_missing(self, meta: Any, children: list[Any]) -> ast.Presence:
        return ast.Presence(children[0], False, _span(meta))

    def is_present(self, meta: Any, children: list[Any]) -> ast.Presence:
        return ast.Presence(children[0], True, _span(meta))

    def fact(self, meta: Any, children: list[Any]) -> ast.Fact:
        name = children[0]
        where: Any = None
        count: ast.Count | None = None
        windows: list[ast.Window] = []
        for mod in children[1:]:
            kind, value, tok = mod
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
        return ast.Fact(name, where, count, tuple(windows), _span(meta))

    def prop_fact(self, meta: Any, children: list[Any]) -> ast.Fact:
        return ast.Fact(children[0], span=_span(meta))

    def where(self, meta: Any, children: list[Any]) -> tuple[str, Any, Token]:
        return ("where", _nodes(children)[0], children[0])

    def _count(self, meta: Any, children: list[Any], op: Any) -> tuple[str, ast.Count, Token]:
        tok = children[-1]
        value = _decimal(tok)
        if value != value.to_integral_value() or value < 0:
            raise _LiteralProblem(
                f"`{tok}` is not a whole number of times", tok, "write a whole number like 3"
            )
        return ("count", ast.Count(op, int(value), _span(meta)), children[0])

    def at_least(self, meta: Any, children: list[Any]) -> tuple[str, ast.Count, Token]:
        return self._count(meta, children, "at least")

    def at_most(self, meta: Any, children: list[Any]) -> tuple[str, ast.Count, Token]:
        return self._count(meta, children, "at most")

    def _window(self, meta: Any, children: list[Any], kind: Any) -> tuple[str, Any, Token]:
        value = children[-1]
        if isinstance(value, Token):
            value = _parse_datetime(value) if value.type == "DATETIME" else _parse_date(value)
        return ("window", ast.Window(kind, value, _span(meta)), children[0])

    def within(self, meta: Any, children: list[Any]) -> tuple[str, Any, Token]:
        return self._window(meta, children, "within")

    def since(self, meta: Any, children: list[Any]) -> tuple[str, Any, Token]:
        return self._window(meta, children, "since")

    def before(self, meta: Any, children: list[Any]) -> tuple[str, Any, Token]:
        return self._window(meta, children, "before")

    def after(self, meta: Any, children: list[Any]) -> tuple[str, Any, Token]:
        return self._window(meta, children, "after")

    # ---- names and values

    def name(self, meta: Any, children: list[Any]) -> ast.Name:
        parts = []
        for child in children:
            if isinstance(child, Token):  # BACKTICKED
                parts.append(ast.NamePart(str(child)[1:-1], exact=True))
            else:
                parts.append(child)
        return ast.Name(tuple(parts), _span(meta))

    def words(self, meta: Any, children: list[Any]) -> ast.NamePart:
        return ast.NamePart(" ".join(str(c) for c in children))

    def number(self, meta: Any, children: list[Any]) -> Decimal:
        return _decimal(children[0])

    def string(self, meta: Any, children: list[Any]) -> str:
        tok = children[0]
        return unescape(str(tok)[1:-1], tok)

    def date(self, meta: Any, children: list[Any]) -> dt.date:
        return _parse_date(children[0])

    def datetime(self, meta: Any, children: list[Any]) -> dt.datetime:
        return _parse_datetime(children[0])

    def true(self, meta: Any, children: list[Any]) -> bool:
        return True

    def false(self, meta: Any, children: list[Any]) -> bool:
        return False

    def duration(self, meta: Any, children: list[Any]) -> ast.Duration:
        number, unit = children
        amount = _decimal(number)
        if amount < 0:
            raise _LiteralProblem(
                "a duration cannot be negative", number, "write a length of time like 30 days"
            )
        return ast.Duration(amount, _unit(unit))

    def list(self, meta: Any, children: list[Any]) -> ast.ListValue:
        return ast.ListValue(tuple(_nodes(children)), _span(meta))
