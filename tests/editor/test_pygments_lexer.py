"""The Pygments lexer (``leadrules.editor.lexer``): found by Pygments through its entry point,
no error token on any rule example of the docs, and every token the language's own lexer reads
in them coloured as what it is (a keyword as a keyword, a text as a string, ...)."""

from __future__ import annotations

import re
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import (
    Comment,
    Error,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
    _TokenType,
)

from leadrules.editor.lexer import LeadrulesLexer
from leadrules.lang.grammar import comment_start, lark_parser
from leadrules.lang.keywords import comparison_terminals, terminal_words

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _blocks() -> list[tuple[str, str]]:
    found = []
    for path in DOCS:
        text = path.read_text("utf-8")
        for block in re.findall(r"^```leadrules\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
            found.append((path.name, block))
    return found


BLOCKS = _blocks()
EXAMPLE = (ROOT / "examples" / "b2b.leadrules").read_text("utf-8")


def _lex(text: str) -> list[tuple[_TokenType, str]]:
    return list(LeadrulesLexer().get_tokens(text))


def test_pygments_finds_the_lexer_by_name_alias_and_file_name() -> None:
    (entry,) = [e for e in entry_points(group="pygments.lexers") if e.name == "leadrules"]
    assert entry.load() is LeadrulesLexer
    assert isinstance(get_lexer_by_name("leadrules"), LeadrulesLexer)
    assert isinstance(get_lexer_by_name("lead-rules"), LeadrulesLexer)
    assert isinstance(get_lexer_for_filename("scoring.leadrules"), LeadrulesLexer)


def test_the_docs_have_rule_examples_to_check() -> None:
    # README's one-liner and the language reference's examples.
    assert sum(1 for name, _ in BLOCKS if name == "README.md") == 1
    assert sum(1 for name, _ in BLOCKS if name == "language.md") >= 20


@pytest.mark.parametrize("block", [b for _, b in BLOCKS] + [EXAMPLE])
def test_no_error_token_and_nothing_lost(block: str) -> None:
    tokens = _lex(block)
    assert [v for t, v in tokens if t in Error] == []
    assert "".join(v for _, v in tokens) == block


def _families() -> dict[str, tuple[_TokenType, ...]]:
    """For each terminal of the grammar, the Pygments token types its text may have."""
    families: dict[str, tuple[_TokenType, ...]] = {
        name: (Keyword, Operator.Word) for name in terminal_words()
    }
    families.update({name: (Operator,) for name in comparison_terminals()})
    families.update(
        {
            "_TIMES": (Keyword,),
            "UNIT": (Keyword,),
            "NUMBER": (Number,),
            "STRING": (String, Name.Label),  # a quoted stage name is the stage's name
            "DATE": (Literal.Date,),
            "DATETIME": (Literal.Date,),
            "REGEX": (String.Regex,),
            "WORD": (Name,),
            "BACKTICKED": (Name,),
            "PERCENT": (Operator,),
        }
    )
    for name in ("LPAR", "RPAR", "LSQB", "RSQB", "COMMA", "SEMICOLON", "COLON", "DOT"):
        families[name] = (Punctuation,)
    return families


def _types_by_character(text: str) -> list[_TokenType]:
    types: list[_TokenType] = []
    for _, token_type, value in LeadrulesLexer().get_tokens_unprocessed(text):
        types.extend([token_type] * len(value))
    return types


@pytest.mark.parametrize("block", [b for _, b in BLOCKS] + [EXAMPLE])
def test_every_token_of_the_language_is_coloured_as_what_it_is(block: str) -> None:
    text = block if block.endswith("\n") else block + "\n"
    families = _families()
    colours = _types_by_character(text)
    wrong = []
    interactive = lark_parser().parse_interactive(text)
    for token in interactive.iter_parse():
        start, end = token.start_pos, token.end_pos
        if token.type in ("_INDENT", "_DEDENT") or start is None or end is None:
            continue
        if token.type == "_NL":  # line breaks, indentation and comments
            for line_start in [start, *[m.end() for m in re.finditer("\n", text[start:end])]]:
                line = text[line_start:end].split("\n")[0]
                hash_at = comment_start(line)
                if hash_at is not None and line_start + hash_at >= start:
                    comment = range(line_start + hash_at, line_start + len(line))
                    if any(colours[i] not in Comment for i in comment):
                        wrong.append(("comment", line[hash_at:]))
            continue
        allowed = families[token.type]
        for i in range(start, end):
            if not any(colours[i] in family for family in allowed):
                wrong.append((token.type, str(token), str(colours[i])))
                break
    assert wrong == []


def test_a_rule_line_token_by_token() -> None:
    line = '-10 when email ends with "@gmail.com" as "Personal \\"email\\""\n'
    assert [(t, v) for t, v in _lex(line) if t not in Whitespace] == [
        (Number, "-10"),
        (Keyword, "when"),
        (Name, "email"),
        (Keyword, "ends"),
        (Keyword, "with"),
        (String.Double, '"'),
        (String.Double, "@gmail.com"),
        (String.Double, '"'),
        (Keyword, "as"),
        (String.Double, '"'),
        (String.Double, "Personal "),
        (String.Escape, '\\"'),
        (String.Double, "email"),
        (String.Escape, '\\"'),
        (String.Double, '"'),
    ]


def _significant(line: str) -> list[tuple[_TokenType, str]]:
    return [(t, v) for t, v in _lex(line) if t not in Whitespace]


def test_headers_names_and_values() -> None:
    assert _significant("define Decision Maker as job title matches /\\b(vp|head)\\b/i\n") == [
        (Keyword.Declaration, "define"),
        (Name.Function, "Decision"),
        (Name.Function, "Maker"),
        (Keyword, "as"),
        (Name, "job"),
        (Name, "title"),
        (Keyword, "matches"),
        (String.Regex, "/\\b(vp|head)\\b/i"),
    ]
    assert _significant('group "Fit & size" MAX 40 min -5:\n') == [
        (Keyword.Declaration, "group"),
        (String.Double, '"Fit & size"'),
        (Keyword, "MAX"),
        (Number, "40"),
        (Keyword, "min"),
        (Number, "-5"),
        (Punctuation, ":"),
    ]
    rule = "+5 per opened email within 2 weeks, up to 15, decaying 50% every 30 days\n"
    assert _significant(rule) == [
        (Number, "+5"),
        (Keyword, "per"),
        (Name, "opened"),
        (Name, "email"),
        (Keyword, "within"),
        (Number, "2"),
        (Keyword.Type, "weeks"),
        (Punctuation, ","),
        (Keyword, "up"),
        (Keyword, "to"),
        (Number, "15"),
        (Punctuation, ","),
        (Keyword, "decaying"),
        (Number, "50"),
        (Operator, "%"),
        (Keyword, "every"),
        (Number, "30"),
        (Keyword.Type, "days"),
    ]
    stage = '"Sales ready" at 1_000 WHEN signed up since 2026-01-15T10:00:00Z\n'
    assert _significant(stage) == [
        (Name.Label, '"Sales ready"'),
        (Keyword, "at"),
        (Number, "1_000"),
        (Keyword, "WHEN"),
        (Name, "signed"),
        (Name, "up"),  # `up` is a keyword only in `, up to`
        (Keyword, "since"),
        (Literal.Date, "2026-01-15T10:00:00Z"),
    ]
    assert _significant("+5 when max seats > 10 and `opted in` is not missing\n") == [
        (Number, "+5"),
        (Keyword, "when"),
        (Name, "max"),  # `max` is a keyword only in a group's header
        (Name, "seats"),
        (Operator, ">"),
        (Number, "10"),
        (Operator.Word, "and"),
        (Name.Variable, "`opted in`"),
        (Keyword, "is"),
        (Operator.Word, "not"),
        (Keyword, "missing"),
    ]


def test_text_the_language_does_not_allow_is_an_error_token() -> None:
    assert [v for t, v in _lex("+5 when company size ≥ 50\n") if t in Error] == ["≥"]
