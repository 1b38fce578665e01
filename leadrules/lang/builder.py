"""The builder: the Lark parse tree of a rule file turned into the typed syntax tree
(:mod:`.ast`), spans included. The Lark tree never goes further than here and
:mod:`.parser`.

Literals are read here (numbers, dates, escapes in text); one that is well-formed but invalid
(``2026-02-30``, ``\\q``, a score rule's points without a sign, two `where` filters) raises
:class:`LiteralProblem`, which :func:`~.parser.parse` reports as a syntax error. The builder
follows the shape of the grammar's rules: change one and change its method here.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from lark import Token

from . import ast
from .grammar import lark_parser

__all__ = ["PARENS", "LiteralProblem", "build", "first_token", "unescape"]


class LiteralProblem(Exception):
    """Raised while building for a literal that is well-formed but invalid."""

    def __init__(self, message: str, token: Token | None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.token = token
        self.hint = hint


# ------------------------------------------------------------------------------------ spans
#
# The Lark parser keeps every token (keep_all_tokens) and does not propagate positions: Lark's
# position propagation was the larger part of the parse time. A node's span runs from the first
# to the last token under it, brackets and line breaks included, which is what Lark's
# propagate_positions gives (a node starts at its first child's container and ends at its last
# one's). _Builder walks the tree once, building the AST and the spans it needs.


def first_token(node: Any) -> Token:
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
    return _token_span(first_token(tree), _last_token(tree))


#: A number in a rule is below 10**31 and, unless zero, at least 10**-30 (docs/language.md,
#: Limits): wider than lead values are read in (below 10**26, 12 places: §8), and compared
#: with them exactly by every engine. Longer text is refused before it is converted.
MAX_NUMBER_EXPONENT = 30
_MAX_NUMBER_TEXT = 80


def _decimal(tok: Token) -> Decimal:
    text = str(tok).replace("_", "")
    digits = sum(ch.isdigit() for ch in text[: _MAX_NUMBER_TEXT + 1])
    value: Decimal | None = None
    if len(text) <= _MAX_NUMBER_TEXT:
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the terminal only admits valid numbers
            raise LiteralProblem(f"`{tok}` is not a number", tok) from None
    if value is None or not (
        value.is_zero() or -MAX_NUMBER_EXPONENT <= value.adjusted() <= MAX_NUMBER_EXPONENT
    ):
        shown = text if len(text) <= 20 else f"{text[:8]}...{text[-4:]}"
        size = f"{len(text):,} characters" if value is None else f"{digits} digits"
        raise LiteralProblem(
            f"the number {shown} ({size}) is too large or too small for leadrules",
            tok,
            "numbers in rules are below 10^31 and, unless zero, at least 10^-30 "
            "(lead values are read below 10^26 and to 12 decimal places)",
        )
    return value


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "0": "\0", "/": "/"}


#: The longest quoted text in a rule (a value, a label, a reason), in characters.
MAX_TEXT_LENGTH = 10_000


def unescape(body: str, tok: Token | None = None) -> str:
    """Undo backslash escapes in a quoted string's body (no Python evaluation involved)."""
    if len(body) > MAX_TEXT_LENGTH and tok is not None:
        raise LiteralProblem(
            f"this text is {len(body):,} characters long, more than the {MAX_TEXT_LENGTH:,} "
            "leadrules allows in a rule",
            tok,
            "test a shorter part of it (contains, starts with, ends with)",
        )
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
                raise LiteralProblem(
                    f"`\\u{digits}` is not a valid character escape",
                    tok,
                    "write \\u followed by four hexadecimal digits, like \\u00e9",
                ) from None
            i += 6
        else:
            raise LiteralProblem(
                f"unknown escape `\\{nxt}` in text",
                tok,
                'inside quotes, write \\\\ for a backslash, \\" for a quote, \\n for a new line',
            )
    return "".join(out)


def _parse_date(tok: Token) -> dt.date:
    try:
        return dt.date.fromisoformat(str(tok))
    except ValueError:
        raise LiteralProblem(
            f"`{tok}` is not a real date", tok, "write dates as year-month-day, like 2026-01-15"
        ) from None


def _parse_datetime(tok: Token) -> dt.datetime:
    text = str(tok)
    if text[-1:] in "zZ":
        text = text[:-1] + "+00:00"
    try:
        value = dt.datetime.fromisoformat(text.replace("t", "T"))
    except ValueError:
        raise LiteralProblem(
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
PARENS = frozenset({"not_cond", "where_cond"})

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
        first = first_token(tree)
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
            raise LiteralProblem(
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
                    raise LiteralProblem("this rule has two `up to` limits", tok)
                cap = value
            elif kind == "decay":
                if decay is not None:
                    raise LiteralProblem("this rule has two `decaying` clauses", tok)
                decay = value
            else:
                if label is not None:
                    raise LiteralProblem('this rule has two labels (`as "..."`)', tok)
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
            raise LiteralProblem("the limit after `up to` cannot be negative", tok)
        return ("cap", value, tok)

    def decay(self, tree: _Node) -> tuple[str, ast.Decay, Token]:
        keyword, tok, _percent, _every, period = tree.children
        every = self.build(period)
        percent = _decimal(tok)
        if not Decimal(0) < percent <= Decimal(100):
            raise LiteralProblem(
                f"a decay of {tok}% makes no sense",
                tok,
                "write a percentage above 0 and at most 100, like `decaying 50% every 30 days`",
            )
        if every.amount <= 0:
            raise LiteralProblem("the decay period must be longer than zero", tok)
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
                    raise LiteralProblem(f"this group has two `{kind}` limits", tok)
                limits[kind] = value
            elif isinstance(item, ast.ScoreRule):
                rules.append(item)
            else:
                misplaced.append(item)
        lo, hi = limits.get("min"), limits.get("max")
        if lo is not None and hi is not None and lo > hi:
            raise LiteralProblem(
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
        while inner.data in PARENS:
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
                    raise LiteralProblem(
                        "this has two `where` filters",
                        tok,
                        "combine them into one with `and`: where (a and b)",
                    )
                where = value
            elif kind == "count":
                if count is not None:
                    raise LiteralProblem(
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
            raise LiteralProblem(
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
            raise LiteralProblem(
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
    for rule in lark_parser().rules:
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


def build(tree: Any, source: str) -> list[ast.Statement]:
    """The statements of a file's Lark tree (``source`` is the text it was parsed from); raises
    :class:`LiteralProblem` at the first invalid literal."""
    statements: list[ast.Statement] = _Builder(source).build(tree)
    return statements
