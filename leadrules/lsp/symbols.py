"""The names of a parsed rule file and where they stand: every name written in a statement
(:func:`occurrences`), which of them name a ``define`` (:func:`uses_of`, :func:`definition_at`),
what stands at an offset (:func:`occurrence_at`, :func:`statement_at`) and the outline of the
file (:func:`outline`: groups and their rules, rules, definitions, disqualify rules, stages).

A bare fact names a definition when a ``define`` of that name is in the file and the name is
not in backticks, as the checker decides; names inside a ``where`` filter are the event's
properties and never name a definition. Offsets are the parser's (0-based characters).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

import attrs

from ..lang import ast
from ..lang.decimal_text import number_text

__all__ = [
    "Occurrence",
    "Symbol",
    "definition_at",
    "group_extent",
    "occurrence_at",
    "occurrences",
    "outline",
    "statement_at",
    "uses_of",
]

#: What a name is in its place: a bare fact (a definition, a field or an event), the field of
#: a test (``company size`` in ``company size > 50``), the target of a ``per`` rule, a
#: property of an event inside ``where``, or the name a ``define`` gives.
Role = Literal["fact", "field", "per", "property", "define"]


@attrs.frozen(slots=True)
class Occurrence:
    """One name as written in the file."""

    name: ast.Name
    role: Role
    statement: ast.Statement
    fact: ast.Fact | None = None  # the bare fact (or `per` target) the name is the name of

    @property
    def exact(self) -> bool:
        return any(part.exact for part in self.name.parts)


def _leaves(condition: ast.Cond) -> Iterator[ast.Test]:
    yield from ast.tests(condition)


def _in_condition(
    condition: ast.Cond, statement: ast.Statement, role_of_facts: Role = "fact"
) -> Iterator[Occurrence]:
    for test in _leaves(condition):
        if isinstance(test, ast.Fact):
            yield Occurrence(test.name, role_of_facts, statement, test)
            if test.where is not None:
                for inner in _leaves(test.where):
                    yield Occurrence(inner.name, "property", statement)
        else:
            yield Occurrence(test.name, "field", statement)


def _statements(tree: ast.RuleFile) -> Iterator[ast.Statement]:
    for statement in tree.statements:
        yield statement
        if isinstance(statement, ast.Group):
            yield from statement.rules
            yield from statement.misplaced


def occurrences(tree: ast.RuleFile) -> Iterator[Occurrence]:
    """Every name of the file, in source order."""
    for statement in _statements(tree):
        if isinstance(statement, ast.Define):
            yield Occurrence(statement.name, "define", statement)
            yield from _in_condition(statement.condition, statement)
        elif isinstance(statement, ast.ScoreRule):
            if statement.per is not None:
                yield from _in_condition(statement.per, statement, "per")
            if statement.condition is not None:
                yield from _in_condition(statement.condition, statement)
        elif isinstance(statement, (ast.Disqualify, ast.Stage)) and statement.condition:
            yield from _in_condition(statement.condition, statement)


def _definitions(tree: ast.RuleFile) -> dict[str, ast.Define]:
    found: dict[str, ast.Define] = {}
    for statement in tree.statements:
        if isinstance(statement, ast.Define):
            found.setdefault(statement.name.key, statement)
    return found


def _names_definition(occurrence: Occurrence, definitions: dict[str, ast.Define]) -> bool:
    return (
        occurrence.role in ("fact", "per", "define")
        and not occurrence.exact
        and occurrence.name.key in definitions
    )


def _inside(span: ast.Span, offset: int) -> bool:
    return span.start <= offset <= span.end


def occurrence_at(tree: ast.RuleFile, offset: int) -> Occurrence | None:
    """The name written at ``offset`` (touching its start or end counts), if any."""
    for occurrence in occurrences(tree):
        if _inside(occurrence.name.span, offset):
            return occurrence
    return None


def definition_at(tree: ast.RuleFile, offset: int) -> ast.Define | None:
    """The ``define`` whose name, or a use of it, is written at ``offset``."""
    occurrence = occurrence_at(tree, offset)
    definitions = _definitions(tree)
    if occurrence is None or not _names_definition(occurrence, definitions):
        return None
    return definitions[occurrence.name.key]


def uses_of(tree: ast.RuleFile, definition: ast.Define) -> list[ast.Name]:
    """The names that refer to ``definition``: its own name first, then every use."""
    definitions = _definitions(tree)
    key = definition.name.key
    return [
        o.name
        for o in occurrences(tree)
        if o.name.key == key
        and _names_definition(o, definitions)
        and definitions[key] is definition
    ]


def statement_at(tree: ast.RuleFile, offset: int) -> ast.Statement | None:
    """The innermost statement whose text holds ``offset``: a rule of a group before the
    group itself."""
    found: ast.Statement | None = None
    for statement in tree.statements:
        if isinstance(statement, ast.Group):
            for rule in (*statement.rules, *statement.misplaced):
                if _inside(rule.span, offset):
                    return rule
            if _inside(group_extent(statement), offset):
                found = statement
        elif _inside(statement.span, offset):
            return statement
    return found


# ------------------------------------------------------------------------------ the outline

SymbolKind = Literal["group", "rule", "define", "disqualify", "stage"]


@attrs.frozen(slots=True)
class Symbol:
    """An entry of the outline: ``span`` is the whole statement (a group's header and rules),
    ``selection`` the part to show when it is picked (a name, or a rule's points)."""

    kind: SymbolKind
    name: str
    detail: str
    span: ast.Span
    selection: ast.Span
    children: tuple[Symbol, ...] = ()


_FIRST_WORD = re.compile(r"""\S+""")
_STAGE_NAME = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\S+""")


def _sub(span: ast.Span, source: str, start: int, end: int) -> ast.Span:
    """The span of ``source[start:end]``, on the first line of ``span``."""
    end = max(start, end)
    first_line = source.count("\n", 0, start) + 1
    line_start = source.rfind("\n", 0, start) + 1
    end_line = source.count("\n", 0, end) + 1
    end_line_start = source.rfind("\n", 0, end) + 1
    return ast.Span(
        first_line, start - line_start + 1, end_line, end - end_line_start + 1, start, end
    )


def _match_span(span: ast.Span, source: str, pattern: re.Pattern[str]) -> ast.Span:
    found = pattern.match(source, span.start)
    end = found.end() if found is not None else span.start
    return _sub(span, source, span.start, min(end, span.end))


def group_extent(group: ast.Group) -> ast.Span:
    """A group from its header to the end of its last rule (its own span runs on into the
    line after the block)."""
    members = [*group.rules, *group.misplaced]
    if not members:
        return group.span
    last = max(members, key=lambda s: s.span.end).span
    return attrs.evolve(
        group.span, end_line=last.end_line, end_column=last.end_column, end=last.end
    )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rule_symbol(rule: ast.ScoreRule, source: str) -> Symbol:
    points = _match_span(rule.span, source, _FIRST_WORD)
    return Symbol("rule", _short(rule.text), rule.label or "", rule.span, points)


def _symbol(statement: ast.Statement, source: str) -> Symbol:
    if isinstance(statement, ast.Group):
        header_end = source.find(":", statement.span.start)
        header = _sub(statement.span, source, statement.span.start, header_end + 1)
        limits = [
            f"{word} {number_text(value)}"
            for word, value in (("max", statement.max), ("min", statement.min))
            if value is not None
        ]
        children = tuple(_symbol(rule, source) for rule in (*statement.rules, *statement.misplaced))
        return Symbol(
            "group", statement.name, " ".join(limits), group_extent(statement), header, children
        )
    if isinstance(statement, ast.ScoreRule):
        return _rule_symbol(statement, source)
    if isinstance(statement, ast.Define):
        return Symbol(
            "define", str(statement.name), "definition", statement.span, statement.name.span
        )
    if isinstance(statement, ast.Stage):
        name = _match_span(statement.span, source, _STAGE_NAME)
        return Symbol(
            "stage", statement.name, f"at {number_text(statement.threshold)}", statement.span, name
        )
    keyword = _match_span(statement.span, source, _FIRST_WORD)
    return Symbol(
        "disqualify", _short(statement.text), statement.reason or "", statement.span, keyword
    )


def outline(tree: ast.RuleFile) -> list[Symbol]:
    """The file's statements as an outline, in source order: each group with its rules."""
    return [_symbol(statement, tree.source) for statement in tree.statements]
