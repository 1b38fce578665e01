"""The language's keywords and reserved words, read off the grammar's terminals alone (Lark's
terminals of ``grammar.lark``): add a keyword to the grammar and it is one here too.

* A *keyword* is a terminal that matches its own name, lower-cased: ``WHEN`` matches
  ``when``. :func:`terminal_words` maps each keyword's terminal to its word (what syntax errors
  say: "expected `when`"), :func:`words` is the set of them, :func:`is_keyword` tests one.
* A word is *reserved* when some terminal other than ``WORD`` (the words names are made of)
  matches it whole: every keyword, but also the units (``days``), ``time``/``times`` and the
  like. A reserved word can stand in a name only in backticks (:func:`is_reserved`).

Also read off the grammar for the words of syntax errors: the terminals of the comparison
operators (:func:`comparison_terminals`), whose names Lark makes up.
"""

from __future__ import annotations

import functools
import re

from .grammar import lark_parser

__all__ = [
    "NAME_TERMINAL",
    "comparison_terminals",
    "is_keyword",
    "is_reserved",
    "terminal_words",
    "words",
]

#: The terminal the words of names are made of.
NAME_TERMINAL = "WORD"


def _terminal_patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [
        (terminal.name, re.compile(terminal.pattern.to_regexp()))
        for terminal in lark_parser().terminals
    ]


@functools.cache
def terminal_words() -> dict[str, str]:
    """Each keyword's terminal name -> its word, in the grammar's order: ``{"WHEN": "when",
    ...}``."""
    return {
        name: name.lower()
        for name, pattern in _terminal_patterns()
        if name != NAME_TERMINAL and pattern.fullmatch(name.lower())
    }


@functools.cache
def words() -> frozenset[str]:
    """Every keyword of the language, lower-case: ``when``, ``per``, ``and``, ..."""
    return frozenset(terminal_words().values())


def is_keyword(word: str) -> bool:
    """Whether ``word`` is a keyword (in any case): ``When`` is, ``days`` is not."""
    return word.lower() in words()


@functools.cache
def _reserving_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(pattern for name, pattern in _terminal_patterns() if name != NAME_TERMINAL)


@functools.lru_cache(maxsize=1024)
def is_reserved(word: str) -> bool:
    """True when ``word`` cannot stand in a name unless the name is written in backticks: a
    keyword of the language (``when``, ``at``), a unit (``days``), ``times``, ..."""
    return any(pattern.fullmatch(word) for pattern in _reserving_patterns())


@functools.cache
def comparison_terminals() -> frozenset[str]:
    """The names of the terminals of ``=``, ``==``, ``!=``, ``<>``, ``<``, ``<=``, ``>``,
    ``>=`` (the grammar's ``cmp_op``): ``EQUAL``, ``__ANON_0``, ..."""
    return frozenset(
        symbol.name
        for rule in lark_parser().rules
        if rule.origin.name == "cmp_op"
        for symbol in rule.expansion
    )
