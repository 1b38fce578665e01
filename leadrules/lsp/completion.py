"""Completion at a point of a rule file: the keywords the grammar accepts there (asked of the
language's parser through :func:`leadrules.lang.expected.expected_at`), and names where the
grammar takes a name: the file's definitions (those above the point), fields, events and
event properties (of the configured schema or sample leads, and those the file already uses),
and stage and group names from the other open rule files.

A name of several words is completed as a whole: after ``visited pr`` the item
``visited pricing page`` replaces both words. Nothing here knows the protocol: an item says
which offsets it replaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

import attrs

from ..lang import ast
from ..lang.expected import Expected, Lexeme, expected_at
from ..lang.keywords import terminal_words
from ..runtime.names import normalize_name
from .document import Snapshot
from .symbols import occurrences
from .vocabulary import Entry, Vocabulary

__all__ = ["Completion", "complete"]

Kind = Literal["keyword", "unit", "definition", "field", "event", "property", "stage", "group"]


@attrs.frozen(slots=True)
class Completion:
    """One item: ``text`` replaces the text from offset ``start`` to the point."""

    label: str
    kind: Kind
    detail: str
    start: int
    text: str


#: Keywords offered as the phrase they begin.
_PHRASES: dict[str, tuple[str, ...]] = {
    "STARTS": ("starts with",),
    "ENDS": ("ends with",),
    "UP": ("up to",),
    "IS": ("is", "is not", "is missing", "is present"),
}
_UNITS = ("minutes", "hours", "days", "weeks", "months", "years")
#: Tokens after which a name starts: a bare fact or the field of a test ...
_FACT_STARTERS = frozenset({"WHEN", "AND", "OR", "NOT", "LPAR"})
#: ... or the target of a `per` rule (events and number fields, not definitions).
_PER_STARTERS = frozenset({"PER"})
_NAME_TOKENS = frozenset({"WORD", "DOT", "BACKTICKED"})
_STATEMENT_ENDS = frozenset({"_NL", "SEMICOLON", "_INDENT", "_DEDENT"})
_PARTIAL = re.compile(r"[^\W\d_][\w-]*$")


def _partial_word(line_before: str) -> str:
    """The word being typed at the end of ``line_before`` (``wh`` in ``+20 wh``)."""
    found = _PARTIAL.search(line_before)
    if found is None:
        return ""
    start = found.start()
    if start > 0 and (line_before[start - 1].isalnum() or line_before[start - 1] == "_"):
        tail = _PARTIAL.search(line_before[start:])
        return "" if tail is None else tail.group()
    return found.group()


def _blank(text: str, lines: Iterable[int], keep: int) -> str:
    """``text`` with the 1-based ``lines`` other than ``keep`` made spaces."""
    rows = text.split("\n")
    for number in lines:
        if number != keep and 1 <= number <= len(rows):
            rows[number - 1] = " " * len(rows[number - 1])
    return "\n".join(rows)


def _expected(snapshot: Snapshot, offset: int) -> Expected | None:
    """What the grammar takes at ``offset``: read from the top of the file (lines with syntax
    errors blanked), else from the start of the point's line alone."""
    text = snapshot.text
    line_number = text.count("\n", 0, offset) + 1
    found = expected_at(_blank(text, snapshot.broken_lines, line_number), offset)
    if found is not None:
        return found
    line_start = text.rfind("\n", 0, offset) + 1
    line = text[line_start:offset]
    header = "group g:\n" if line[:1] in (" ", "\t") else ""
    alone = expected_at(header + line, len(header) + len(line))
    if alone is None:
        return None
    shift = line_start - len(header)
    tokens = tuple(
        attrs.evolve(t, start=t.start + shift, end=t.end + shift)
        for t in alone.tokens
        if t.start >= len(header)
    )
    return Expected(alone.terminals, tokens)


def _statement_tokens(tokens: tuple[Lexeme, ...]) -> tuple[Lexeme, ...]:
    for index in range(len(tokens) - 1, -1, -1):
        if tokens[index].type in _STATEMENT_ENDS:
            return tokens[index + 1 :]
    return tokens


def _keywords(expected: Expected, statement: tuple[Lexeme, ...]) -> list[tuple[str, Kind]]:
    words = terminal_words()
    out: list[tuple[str, Kind]] = []
    in_condition = any(t.type in ("WHEN", "PER", "WHERE") for t in statement)
    for terminal in sorted(expected.terminals):
        if terminal == "UNIT":
            out.extend((unit, "unit") for unit in _UNITS)
        elif terminal == "_TIMES":
            out.append(("times", "keyword"))
        elif terminal == "AT" and in_condition:
            out.extend((("at least", "keyword"), ("at most", "keyword")))
        elif terminal in _PHRASES:
            out.extend((phrase, "keyword") for phrase in _PHRASES[terminal])
        elif terminal in words:
            out.append((words[terminal], "keyword"))
    return out


def _name_start(tokens: tuple[Lexeme, ...], word_start: int) -> tuple[int, str | None, int]:
    """Where the name being written starts, the token before it (None at the start of the
    statement) and how many of the tokens are the name's."""
    index = len(tokens)
    while index > 0 and tokens[index - 1].type in _NAME_TOKENS:
        index -= 1
    start = tokens[index].start if index < len(tokens) else word_start
    before = tokens[index - 1].type if index > 0 else None
    return start, before, len(tokens) - index


def _names_used(snapshot: Snapshot, offset: int) -> Vocabulary:
    """The fields, events and properties the file itself already names (but for the name
    being written at ``offset``)."""
    if snapshot.tree is None:
        return Vocabulary()
    defined = {d.name.key for d in snapshot.definitions}
    facts: dict[str, Entry] = {}
    properties: dict[str, Entry] = {}
    for occurrence in occurrences(snapshot.tree):
        if occurrence.name.span.start <= offset <= occurrence.name.span.end:
            continue
        written = str(occurrence.name)
        if occurrence.role == "property":
            properties.setdefault(written, Entry(written, "used in this file"))
        elif occurrence.role != "define" and occurrence.name.key not in defined:
            facts.setdefault(written, Entry(written, "used in this file"))
    return Vocabulary(tuple(facts.values()), (), tuple(properties.values()))


def _matches(entry: Entry, typed: str) -> bool:
    """Whether ``entry`` continues the name typed so far (case and separators ignored)."""
    wanted = normalize_name(typed)
    ends_word = typed[-1:].isspace()
    name = normalize_name(entry.text.replace("`", ""))
    return not wanted or name.startswith(wanted + (" " if ends_word else ""))


def _in_where(statement: tuple[Lexeme, ...], name_tokens: int) -> bool:
    """Whether the name being written is inside a `where` filter (a property of the event):
    right after `where` (or its `not` and parentheses), or inside its parentheses."""
    wheres = [i for i, t in enumerate(statement) if t.type == "WHERE"]
    if not wheres:
        return False
    after = statement[wheres[-1] + 1 : len(statement) - name_tokens]
    depth = 0
    for token in after:
        depth += {"LPAR": 1, "RPAR": -1}.get(token.type, 0)
        if depth < 0:
            return False
    return depth > 0 or all(t.type in ("NOT", "LPAR") for t in after)


def complete(
    snapshot: Snapshot,
    offset: int,
    vocabulary: Vocabulary = Vocabulary(),  # noqa: B008 - immutable
    stages: Iterable[str] = (),
    groups: Iterable[str] = (),
) -> list[Completion]:
    """The items to offer at ``offset`` of the snapshot's text, keywords first. ``stages``
    and ``groups`` are names from other files (this file's own are not offered again)."""
    text = snapshot.text
    line_start = text.rfind("\n", 0, offset) + 1
    partial = _partial_word(text[line_start:offset])
    word_start = offset - len(partial)
    expected = _expected(snapshot, word_start)
    if expected is None:
        return []
    statement = _statement_tokens(expected.tokens)
    items = [
        Completion(word, kind, "keyword" if kind == "keyword" else "unit of time", word_start, word)
        for word, kind in _keywords(expected, statement)
        if word.startswith(partial.lower())
    ]
    if "WORD" not in expected.terminals:
        return items
    name_start, before, name_tokens = _name_start(statement, word_start)
    typed = text[name_start:offset]
    if before is None and not statement:
        items += _declared(snapshot, stages, "stage", word_start, partial)
        return items
    if before == "GROUP":
        items += _declared(snapshot, groups, "group", name_start, typed)
        return items
    nested = ".".join(typed.split(".")[:-1]) if "." in typed else ""
    candidates = vocabulary.merged(_names_used(snapshot, offset))
    if _in_where(statement, name_tokens):
        return items + _named([(e, "property") for e in candidates.properties], typed, name_start)
    if before in _FACT_STARTERS or before in _PER_STARTERS:
        pool: list[tuple[Entry, Kind]] = []
        if nested:
            parts = tuple(ast.NamePart(p.strip().strip("`")) for p in nested.split("."))
            pool += [(e, "field") for e in candidates.nested(ast.Name(parts))]
            return items + _named(pool, typed.rsplit(".", 1)[-1], word_start)
        if before in _FACT_STARTERS:
            pool += [(e, "definition") for e in _definitions_above(snapshot, name_start)]
        pool += [(e, "field") for e in candidates.fields]
        pool += [(e, "event") for e in candidates.events]
        return items + _named(pool, typed, name_start)
    return items


def _definitions_above(snapshot: Snapshot, offset: int) -> list[Entry]:
    return [Entry(str(d.name), d.text) for d in snapshot.definitions if d.span.end <= offset]


def _named(pool: list[tuple[Entry, Kind]], typed: str, start: int) -> list[Completion]:
    seen: set[str] = set()
    out: list[Completion] = []
    for entry, kind in pool:
        key = normalize_name(entry.text)
        if key in seen or not _matches(entry, typed):
            continue
        seen.add(key)
        out.append(Completion(entry.text, kind, entry.detail, start, entry.text))
    return out


def _declared(
    snapshot: Snapshot, names: Iterable[str], kind: Kind, start: int, typed: str
) -> list[Completion]:
    """Stage or group names from elsewhere that this file does not declare yet."""
    own: set[str] = set()
    if snapshot.tree is not None:
        for statement in snapshot.tree.statements:
            if isinstance(statement, (ast.Stage, ast.Group)) and statement.span.start != start:
                own.add(normalize_name(statement.name))
    out: list[Completion] = []
    for name in dict.fromkeys(names):
        key = normalize_name(name)
        if key in own or not key.startswith(normalize_name(typed)):
            continue
        own.add(key)
        text = name if re.fullmatch(r"[^\W\d_]\w*", name) else '"' + name.replace('"', '\\"') + '"'
        out.append(Completion(name, kind, f"{kind} of another open rule file", start, text))
    return out
