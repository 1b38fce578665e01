"""The keywords come from the grammar alone (lang/keywords.py)."""

from __future__ import annotations

import re

import pytest

import leadrules
from leadrules import RuleSyntaxError
from leadrules.lang import keywords
from leadrules.lang.parser import GRAMMAR_PATH, lark_parser

#: The keywords as messages.py once listed them by hand.
FORMER_LIST = [
    "when",
    "per",
    "up",
    "to",
    "decaying",
    "every",
    "as",
    "disqualify",
    "because",
    "at",
    "define",
    "group",
    "max",
    "min",
    "or",
    "and",
    "not",
    "is",
    "in",
    "between",
    "contains",
    "starts",
    "ends",
    "with",
    "matches",
    "missing",
    "present",
    "where",
    "least",
    "most",
    "within",
    "since",
    "before",
    "after",
    "true",
    "false",
]


def test_the_keywords_are_the_terminals_that_spell_a_word() -> None:
    assert sorted(keywords.words()) == sorted(FORMER_LIST)
    assert keywords.terminal_words() == {word.upper(): word for word in FORMER_LIST}


def test_every_keyword_terminal_is_written_in_the_grammar_file() -> None:
    grammar = GRAMMAR_PATH.read_text("utf-8")
    for terminal, word in keywords.terminal_words().items():
        assert re.search(rf"^{terminal}(\.\d+)?: /{word}\(", grammar, re.MULTILINE), terminal


@pytest.mark.parametrize("word", ["when", "WHEN", "Between", "true"])
def test_keywords_are_keywords_in_any_case(word: str) -> None:
    assert keywords.is_keyword(word)
    assert keywords.is_reserved(word)


@pytest.mark.parametrize("word", ["days", "Day", "minutes", "time", "times"])
def test_units_and_times_are_reserved_but_not_keywords(word: str) -> None:
    assert keywords.is_reserved(word)
    assert not keywords.is_keyword(word)


@pytest.mark.parametrize("word", ["whenever", "company", "x", "gb", "vp", "demo"])
def test_other_words_are_names(word: str) -> None:
    assert not keywords.is_reserved(word)
    assert not keywords.is_keyword(word)


@pytest.mark.parametrize("word", ["when", "at", "max", "days"])
def test_a_stage_named_with_a_reserved_word_is_formatted_in_quotes(word: str) -> None:
    assert leadrules.format(f'"{word}" at 5') == f'"{word}" at 5\n'


def test_messages_name_keywords_as_the_grammar_spells_them() -> None:
    with pytest.raises(RuleSyntaxError) as caught:
        leadrules.compile("+20 wen downloaded whitepaper")
    assert "expected `when` or `per` after the points" in str(caught.value)


def test_the_comparison_terminals_are_the_grammars_comparison_operators() -> None:
    patterns = {terminal.name: terminal.pattern.value for terminal in lark_parser().terminals}
    found = {patterns[name] for name in keywords.comparison_terminals()}
    assert found == {"=", "==", "!=", "<>", "<", "<=", ">", ">="}
