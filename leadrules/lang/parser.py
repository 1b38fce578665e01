"""Rule text -> typed syntax tree (:mod:`.ast`): the public :func:`parse`.

It drives the other parts of the front end: :mod:`.recovery` runs Lark (:mod:`.grammar`) and
turns every syntax error into a diagnostic; the parse tree is checked not to nest too deeply
for the passes that recurse over it; :mod:`.builder` makes the typed tree. Every failure is a
:class:`~leadrules.errors.RuleSyntaxError` with a position, a caret and a plain-words hint.
"""

from __future__ import annotations

from typing import Any, NoReturn

from lark import Token

from ..errors import Diagnostic, InvalidArgument, RuleSyntaxError, source_lines
from . import ast
from .builder import PARENS, LiteralProblem, build, first_token
from .grammar import GRAMMAR_PATH, RuleIndenter, comment_start, lark_parser
from .recovery import diagnostic, parse_tree

__all__ = ["GRAMMAR_PATH", "MAX_DEPTH", "comment_start", "lark_parser", "parse", "source_lines"]

#: The post-lexer's class, under the name the tests know it by.
_Indenter = RuleIndenter


def parse(text: str, filename: str = "<rules>") -> ast.RuleFile:
    """Parse rule text into a :class:`~leadrules.lang.ast.RuleFile`, or raise
    RuleSyntaxError."""
    if not isinstance(text, str):
        raise InvalidArgument(
            f"rule source must be text (str), not {type(text).__name__}; "
            "to read a file use leadrules.load(path)"
        )
    source = text
    if source.startswith("\ufeff"):
        source = source[1:]
    _check_size(source, filename)
    body = source if source.endswith("\n") else source + "\n"
    tree = parse_tree(body, filename)
    deep = _too_deep(tree)
    if deep is not None:
        _raise(
            [
                diagnostic(
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
        statements = build(tree, body)
    except LiteralProblem as problem:
        tok = problem.token
        line = tok.line if tok is not None and tok.line else 1
        column = tok.column if tok is not None and tok.column else 1
        end = tok.end_column if tok is not None else None
        _raise([diagnostic(body, filename, problem.message, line, column, problem.hint, end)])
    return ast.RuleFile(statements=tuple(statements), filename=filename, source=body)


#: The largest rule text, in characters, and the most statements it may hold (counted before
#: parsing, as lines that are not blank or only a comment, plus the `;` in them): compiling
#: costs time and memory in proportion, and is refused at once beyond.
MAX_RULE_TEXT = 1_000_000
MAX_STATEMENTS = 5_000


def _check_size(source: str, filename: str) -> None:
    if len(source) > MAX_RULE_TEXT:
        _raise(
            [
                diagnostic(
                    source[:200],
                    filename,
                    f"the rules are {len(source):,} characters long, more than the "
                    f"{MAX_RULE_TEXT:,} leadrules reads",
                    1,
                    1,
                    "split them into several files",
                )
            ]
        )
    count = 0
    for number, line in enumerate(source.split("\n"), start=1):
        stripped = line.lstrip()
        if stripped and not stripped.startswith("#"):
            count += 1 + line.count(";")
            if count > MAX_STATEMENTS:
                _raise(
                    [
                        diagnostic(
                            source,
                            filename,
                            f"the rules hold more than the {MAX_STATEMENTS:,} statements "
                            "leadrules reads in one file (lines and `;`-separated rules)",
                            number,
                            1,
                            "split them into several files",
                        )
                    ]
                )


def _raise(diagnostics: list[Diagnostic]) -> NoReturn:
    raise RuleSyntaxError(diagnostics)


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
            first = first_token(node)
            return (first.line or 1, first.column or 1)
        if depth == MAX_DEPTH and node.data == "name":
            words = _last_words(node.children)
            if words is not None:
                return (words.line or 1, words.column or 1)
        depth += 1
        for child in node.children:
            if type(child) is not Token:
                while child.data in PARENS:
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
