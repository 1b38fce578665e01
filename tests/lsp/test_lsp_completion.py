"""Completion without a client (``leadrules.lsp.completion``): the places the protocol tests
do not reach — a name after a dot, a property inside `where (...)`, a group's rules."""

from __future__ import annotations

from dataclasses import dataclass

from leadrules.lsp.completion import complete
from leadrules.lsp.document import analyze_text
from leadrules.lsp.vocabulary import from_schema


@dataclass
class Address:
    country: str
    post_code: str


@dataclass
class Visit:
    name: str
    at: str
    path: str


@dataclass
class Lead:
    address: Address
    events: list[Visit]


VOCABULARY = from_schema(Lead)


def _at_end(text: str) -> list[tuple[str, str, int]]:
    items = complete(analyze_text(text, schema=Lead), len(text), VOCABULARY)
    return [(item.label, item.kind, item.start) for item in items]


def test_after_a_dot_the_fields_of_the_record() -> None:
    text = "+5 when address."
    assert _at_end(text) == [("country", "field", 16), ("post code", "field", 16)]
    assert _at_end("+5 when address.po") == [("post code", "field", 16)]


def test_inside_where_parentheses_the_events_properties() -> None:
    text = '+5 when visited page where (path = "/a" or '
    assert _at_end(text) == [("not", "keyword", len(text)), ("path", "property", len(text))]
    # after the filter's parentheses, names are the lead's again
    after = '+5 when visited page where (path = "/a") and '
    assert ("address", "field", len(after)) in _at_end(after)
    assert ("path", "property", len(after)) not in _at_end(after)


def test_in_a_groups_rules() -> None:
    text = "define hot as address.country = 'GB'\ngroup fit:\n    +5 when h"
    assert _at_end(text) == [("hot", "definition", len(text) - 1)]
