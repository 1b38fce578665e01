"""A Pygments lexer for rule files, registered as the entry point ``leadrules`` (aliases
``leadrules``, ``lead-rules``; files ``*.leadrules``), so Pygments, mkdocs and Sphinx
highlight ```leadrules code blocks.

It colours what the language's grammar (``leadrules/lang/grammar.lark``) reads, with regular
expressions only: keywords (case-insensitive), comments, text with its escapes, backticked
names, numbers, points (``+20``, ``-10``), dates and date-times, lengths of time, patterns
(``/.../i``), operators, the names ``define`` gives, group and stage names. Words the grammar
reads as keywords only in one place (``up to``, ``at least``, units after a number, ``max``
in a group's header, ...) are keywords only there, so names such as ``signed up`` or ``max
seats`` stay names. Text the language does not allow (``≥``, a stray ``$``) is an ``Error``
token. ``editors/`` holds the same colouring as a TextMate grammar, for editors.

Nothing in leadrules imports this module; it needs Pygments, which only its users have.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pygments.lexer import RegexLexer, bygroups, include
from pygments.token import (
    Comment,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
)

__all__ = ["LeadrulesLexer"]

_END = r"(?![\w-])"  # a keyword is a whole word
_WORD = r"[^\W\d_]\w*(?:-[^\W\d_]\w*)*"
_NUMBER = r"[+-]?\d[\d_]*(?:\.\d[\d_]*)?(?![\w.])"
_POINTS = r"[+-]\d[\d_]*(?:\.\d[\d_]*)?(?![\w.])"
_DATETIME = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?" + _END
_DATE = r"\d{4}-\d{2}-\d{2}" + _END
_UNIT = r"(?:minute|hour|day|week|month|year)s?" + _END
_STAGE_NAME = rf"""{_WORD}|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'"""
#: Words that are keywords wherever they stand: a name never goes on past them.
_KEYWORDS = (
    "when|because|as|where|is|in|between|contains|starts|ends|matches|within|since|before|after|at"
)
_DECLARATIONS = "define|group|disqualify"


def _groups(*types: Any) -> Any:
    """Pygments' ``bygroups`` (untyped in its stubs): one token type per group."""
    return bygroups(*types)  # type: ignore[no-untyped-call]


class LeadrulesLexer(RegexLexer):
    """Rule files of leadrules (``.leadrules``)."""

    name = "leadrules"
    aliases: ClassVar[list[str]] = ["leadrules", "lead-rules"]
    filenames: ClassVar[list[str]] = ["*.leadrules"]
    mimetypes: ClassVar[list[str]] = ["text/x-leadrules"]
    url = "https://example.invalid/leadrules/docs"

    tokens = {  # noqa: RUF012 - Pygments' interface
        "common": [
            (r"[ \t]+", Whitespace),
            (r"\r?\n", Whitespace),
            (r"#[^\n]*", Comment.Single),
            (r'"', String.Double, "double"),
            (r"'", String.Single, "single"),
            (r"`[^`\n]+`", Name.Variable),
            (r"/(?:[^/\\\n]|\\.)+/[a-zA-Z]*", String.Regex),
        ],
        "values": [
            (_DATETIME, Literal.Date),
            (_DATE, Literal.Date),
            (
                rf"({_NUMBER})([ \t]+)((?i:{_UNIT}))",
                _groups(Number, Whitespace, Keyword.Type),
            ),
            (
                rf"({_NUMBER})([ \t]+)((?i:times?){_END})",
                _groups(Number, Whitespace, Keyword),
            ),
            (_NUMBER, Number),
            (rf"(?i:true|false){_END}", Keyword.Constant),
        ],
        "root": [
            # a stage: NAME at N
            (
                rf"({_STAGE_NAME})([ \t]+)((?i:at){_END})([ \t]+)({_NUMBER})",
                _groups(Name.Label, Whitespace, Keyword, Whitespace, Number),
            ),
            include("common"),
            (rf"(?i:define){_END}", Keyword.Declaration, "define-name"),
            (rf"(?i:group){_END}", Keyword.Declaration, "group-header"),
            (rf"(?i:{_DECLARATIONS}){_END}", Keyword.Declaration),
            # points, and `per` after them
            (
                rf"({_POINTS})([ \t]+)((?i:per){_END})",
                _groups(Number, Whitespace, Keyword),
            ),
            # the options of a score rule
            (
                rf"(,)([ \t]*)((?i:up){_END})([ \t]+)((?i:to){_END})",
                _groups(Punctuation, Whitespace, Keyword, Whitespace, Keyword),
            ),
            (rf"(,)([ \t]*)((?i:decaying){_END})", _groups(Punctuation, Whitespace, Keyword)),
            (rf"(%)([ \t]*)((?i:every){_END})", _groups(Operator, Whitespace, Keyword)),
            # keywords that come in pairs
            (
                rf"((?i:at){_END})([ \t]+)((?i:least|most){_END})",
                _groups(Keyword, Whitespace, Keyword),
            ),
            (
                rf"((?i:starts|ends){_END})([ \t]+)((?i:with){_END})",
                _groups(Keyword, Whitespace, Keyword),
            ),
            (
                rf"((?i:is){_END})([ \t]+)(?:((?i:not){_END})([ \t]+))?"
                rf"((?i:missing|present){_END})",
                _groups(Keyword, Whitespace, Operator.Word, Whitespace, Keyword),
            ),
            (rf"(?i:and|or|not){_END}", Operator.Word),
            (rf"(?i:{_KEYWORDS}){_END}", Keyword),
            include("values"),
            (r"==|!=|<>|<=|>=|=|<|>|%", Operator),
            (r"[()\[\],;:.]", Punctuation),
            (_WORD, Name),
        ],
        "double": [
            (r"\\(?:u[0-9a-fA-F]{4}|.)", String.Escape),
            (r'[^"\\\n]+', String.Double),
            (r'"', String.Double, "#pop"),
            (r"\n", Whitespace, "#pop"),  # an unclosed quote ends with its line
        ],
        "single": [
            (r"\\(?:u[0-9a-fA-F]{4}|.)", String.Escape),
            (r"[^'\\\n]+", String.Single),
            (r"'", String.Single, "#pop"),
            (r"\n", Whitespace, "#pop"),
        ],
        "define-name": [
            (r"[ \t]+", Whitespace),
            (rf"(?i:as){_END}", Keyword, "#pop"),
            (r"`[^`\n]+`", Name.Function),
            (_WORD, Name.Function),
            (r"\.", Punctuation),
            (r"\r?\n", Whitespace, "#pop"),
        ],
        "group-header": [
            (r"[ \t]+", Whitespace),
            (
                rf"((?i:max|min){_END})([ \t]+)({_NUMBER})",
                _groups(Keyword, Whitespace, Number),
            ),
            (r":", Punctuation, "#pop"),
            (r'"(?:[^"\\\n]|\\.)*"', String.Double),
            (r"'(?:[^'\\\n]|\\.)*'", String.Single),
            (r"`[^`\n]+`", Name.Class),
            (_WORD, Name.Class),
            (r"\.", Punctuation),
            (r"#[^\n]*", Comment.Single),
            (r"\r?\n", Whitespace, "#pop"),
        ],
    }
