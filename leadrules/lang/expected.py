"""What the grammar accepts at a point of unfinished rule text: the terminals the Lark parser
(:mod:`.grammar`) would take next after ``text[:offset]``, and the tokens it read on the way.

This is what an editor's completion needs from the language (``leadrules lsp``): run the one
parser of the language interactively over the text before the cursor and ask it what it
accepts. Nothing here words an error, builds the syntax tree or knows about editors.
"""

from __future__ import annotations

import attrs
from lark.exceptions import LarkError, UnexpectedCharacters

from .grammar import IndentProblem, comment_start, lark_parser

__all__ = ["Expected", "Lexeme", "expected_at"]

#: A character no terminal matches: put after the text, it stops the lexer right there, after
#: every real token has been given to the parser and before the end of input is (which would
#: close the open groups and statements).
_STOP = "\x00"


@attrs.frozen(slots=True)
class Lexeme:
    """One token the parser read: its terminal (``WHEN``, ``WORD``, ``_NL``, ...), its text and
    its 0-based offsets in the text given to :func:`expected_at`."""

    type: str
    text: str
    start: int
    end: int


@attrs.frozen(slots=True)
class Expected:
    """The terminals the parser accepts next (``{"WHEN", "PER"}`` after ``+20``) and the tokens
    read before that point, first to last."""

    terminals: frozenset[str]
    tokens: tuple[Lexeme, ...]


def expected_at(text: str, offset: int) -> Expected | None:
    """What the grammar accepts at ``offset`` of ``text`` (only the text before it is read).

    None when nothing can follow there: the point is inside a comment, a quoted text, a pattern
    or a backticked name, or the text before it is not a beginning of rules the grammar allows
    (a syntax error earlier on; callers may retry with less text, such as the current line).
    """
    prefix = text[:offset]
    if prefix.startswith("\ufeff"):
        prefix = " " + prefix[1:]  # the parser skips a byte-order mark: keep offsets the same
    line_start = prefix.rfind("\n") + 1
    if comment_start(prefix[line_start:]) is not None:
        return None
    interactive = lark_parser().parse_interactive(prefix + _STOP)
    tokens: list[Lexeme] = []
    try:
        for token in interactive.iter_parse():
            start = token.start_pos if token.start_pos is not None else len(prefix)
            end = token.end_pos if token.end_pos is not None else start
            tokens.append(Lexeme(token.type, str(token), start, end))
    except UnexpectedCharacters as stop:
        if stop.pos_in_stream != len(prefix):
            return None  # stopped inside the text: an unclosed quote, pattern or backtick
    except (LarkError, IndentProblem):
        return None
    else:  # pragma: no cover - the stop character always ends the lexer
        return None
    accepted: set[str] = interactive.accepts()  # type: ignore[no-untyped-call]
    return Expected(frozenset(accepted), tuple(tokens))
