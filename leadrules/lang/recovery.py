"""Syntax errors: Lark's exceptions turned into :class:`~leadrules.errors.Diagnostic` objects
with a position, the line and a plain-words hint (worded by :mod:`.messages`), and the recovery
that reports every syntax error of a file at once.

:func:`parse_tree` is the one entry: the Lark tree of a text, or RuleSyntaxError listing up to
:data:`MAX_ERRORS` mistakes. After an error the statement line it is on is replaced by a
harmless placeholder and the text parsed again. Nothing here builds the syntax tree.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

import attrs
from lark import Token
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)

from ..errors import Diagnostic, RuleSyntaxError, source_lines
from .grammar import IndentProblem, comment_start, lark_parser
from .messages import describe_expected, syntax_hint
from .mistakes import recognise

__all__ = ["MAX_ERRORS", "diagnostic", "parse_tree"]


def _line_of(text: str, line: int) -> str:
    lines = source_lines(text)
    if 1 <= line <= len(lines):
        return lines[line - 1]
    return ""


def diagnostic(
    text: str,
    filename: str,
    message: str,
    line: int,
    column: int,
    hint: str | None = None,
    end_column: int | None = None,
) -> Diagnostic:
    """A syntax error (or a literal problem) at ``line``:``column`` of ``text``."""
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


def _position(text: str, offset: int) -> tuple[int, int]:
    """The (line, column) of an offset in ``text``, both 1-based."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _worded(
    text: str, filename: str, pos: int | None, token: Token | None, expected: set[str]
) -> tuple[str, str | None, Diagnostic | None]:
    """The message and hint for a syntax error at ``pos``; and, when the mistake is
    recognised as one marketers make at a place of its own (the `=>` of `=>`, not its `>`),
    the diagnostic there."""
    if pos is None:
        pos = len(text)
    mistake = recognise(text, pos, token, expected)
    if mistake is None:
        message, hint = syntax_hint(text, pos, token, expected)
        return message, hint, None
    if mistake.start is None:
        return mistake.message, mistake.hint, None
    line, column = _position(text, mistake.start)
    end = None
    if mistake.end is not None and _position(text, mistake.end)[0] == line:
        end = _position(text, mistake.end)[1]
    found = diagnostic(text, filename, mistake.message, line, column, mistake.hint, end)
    return mistake.message, mistake.hint, found


def _translate(exc: UnexpectedInput, text: str, filename: str) -> Diagnostic:
    if isinstance(exc, UnexpectedCharacters):
        allowed = set(exc.allowed or ())
        message, hint, placed = _worded(text, filename, exc.pos_in_stream, None, allowed)
        if placed is not None:
            return placed
        return diagnostic(text, filename, message, exc.line, exc.column, hint)
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
        message, hint, placed = _worded(text, filename, pos, token, expected)
        if placed is not None:
            return placed
        end = None
        if token.type not in ("$END", "_NL", "_DEDENT", "_INDENT") and token.end_column:
            end = token.end_column
        return diagnostic(text, filename, message, line, column, hint, end)
    if isinstance(exc, UnexpectedEOF):
        line, column = _end_position(text)
        message = f"the file ended too early: expected {describe_expected(set(exc.expected))}"
        return diagnostic(text, filename, message, line, column)
    line, column = _end_position(text)  # pragma: no cover - Lark has no other kinds
    return diagnostic(text, filename, str(exc), line, column)


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


#: At most this many syntax errors are reported for one file.
MAX_ERRORS = 20
_PLACEHOLDER_RULE = "+0 when recovered"
_PLACEHOLDER_GROUP = "group recovered:"
_UNCLOSED = "is never closed"  # after an unclosed bracket, later errors are only echoes


def _first_error(text: str, filename: str) -> tuple[Any, Diagnostic | None]:
    """Parse ``text``: (tree, None), or (None, the first syntax error)."""
    first = re.match(r"[ \t]+[^\s#]", text)
    if first is not None:
        return None, diagnostic(
            text,
            filename,
            "this line is indented but is not inside a group",
            1,
            1,
            "remove the spaces at the start of the line, or put `group NAME:` above it",
        )
    try:
        return lark_parser().parse(text), None
    except UnexpectedInput as exc:
        return None, _translate(exc, text, filename)
    except IndentProblem as exc:
        return None, diagnostic(text, filename, exc.message, exc.line, 1, exc.hint)
    except LarkError as exc:  # pragma: no cover - defensive: any other Lark failure
        line, column = _end_position(text)
        return None, diagnostic(text, filename, f"could not read the rules: {exc}", line, column)


def parse_tree(body: str, filename: str) -> Any:
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
