"""The grammar (``grammar.lark``) and the one Lark parser built from it, with the post-lexer
that turns indentation into ``_INDENT``/``_DEDENT`` tokens; and where a comment starts on a
line, the one lexical fact read off raw text outside Lark.

Everything that needs the grammar's parser or its terminals (:mod:`.recovery`,
:mod:`.builder`, :mod:`.keywords`) gets it from here; nothing here builds the syntax tree or
words an error.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

from lark import Lark, Token
from lark.indenter import DedentError, Indenter

__all__ = ["GRAMMAR_PATH", "IndentProblem", "RuleIndenter", "comment_start", "lark_parser"]

GRAMMAR_PATH = Path(__file__).with_name("grammar.lark")


class IndentProblem(Exception):
    """Indentation the post-lexer cannot read: a tab, or a dedent to no level above."""

    def __init__(self, message: str, line: int, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint


class RuleIndenter(Indenter):
    """Lark's indenter for the rule language: groups are indented blocks; a tab in the
    indentation, or a dedent to no level above, is an :class:`IndentProblem`."""

    NL_type = "_NL"
    OPEN_PAREN_types = ["LPAR", "LSQB"]  # noqa: RUF012 - Lark's interface
    CLOSE_PAREN_types = ["RPAR", "RSQB"]  # noqa: RUF012
    INDENT_type = "_INDENT"
    DEDENT_type = "_DEDENT"
    tab_len = 4

    def handle_NL(self, token: Token) -> Iterator[Token]:
        indent = token.rsplit("\n", 1)[-1]
        if "\t" in indent and self.paren_level == 0:
            raise IndentProblem(
                "this line is indented with a tab",
                token.end_line or 1,
                "indent the rules of a group with spaces (4 spaces is the convention), not tabs",
            )
        try:
            yield from super().handle_NL(token)
        except DedentError:
            raise IndentProblem(
                "this line's indentation does not match any line above it",
                token.end_line or 1,
                "indent every rule of a group by the same number of spaces (4 is the convention)",
            ) from None


@functools.cache
def lark_parser() -> Lark:
    """The Lark parser of the grammar (built once, on first use)."""
    grammar = GRAMMAR_PATH.read_text("utf-8")
    return Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        postlex=RuleIndenter(),
        # Spans are worked out from the tokens by the builder, which needs every token kept;
        # Lark's own propagate_positions costs more than the rest of the tree building.
        propagate_positions=False,
        keep_all_tokens=True,
        maybe_placeholders=False,
    )


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
