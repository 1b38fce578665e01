"""The one contract every backend keeps.

A backend takes the checked rules only (:class:`~leadrules.lang.checker.CheckedRules`) and gives
a :class:`Scorer`: a function for one lead and one for a stream of leads, the source it
generated (if any) and, before that, the constructs of the rules it cannot evaluate exactly as
the reference evaluator does, as diagnostics with spans (:meth:`Backend.unsupported`). A
construct a backend cannot handle is refused at compile time, never answered differently.

A backend declares its :class:`Fidelity`: whether it reproduces the whole
:class:`~leadrules.result.Result` (evidence, warnings and all) or the columns of a scored table
(score, stage, contributions by line, label, group and points, ...). The conformance suite holds
each registered backend to the reference at its fidelity.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, runtime_checkable

from ..errors import Diagnostic, RuleCheckError
from ..lang import ast
from ..lang.checker import CheckedRules
from ..lang.visitor import Visitor, construct_name, unhandled
from ..result import Result

__all__ = [
    "Backend",
    "Fidelity",
    "Nodes",
    "Scorer",
    "SimpleScorer",
    "UnsupportedConstruct",
    "constructs_lacking",
]


class Fidelity(enum.Enum):
    """How much of the reference's answer a backend reproduces."""

    #: Every field of the Result: evidence, warnings, undecided reasons, explanations.
    RESULT = "result"
    #: The columns of a scored table (see docs/sql.md): score, stage, qualified,
    #: disqualified, next stage, points to go, contributions (line, label, group, points, in
    #: order), disqualifications and undecided rules (by line).
    TABLE = "table"


@runtime_checkable
class Scorer(Protocol):
    """One rule set, compiled by one backend."""

    @property
    def backend(self) -> str:
        """The name of the backend that made it."""
        ...

    @property
    def source(self) -> str | None:
        """The source the backend generated (Python, SQL), or None."""
        ...

    def score(self, lead: Any, now: dt.datetime) -> Result:
        """The Result of one lead at an aware ``now``."""
        ...

    def score_many(self, leads: Iterable[Any], now: dt.datetime) -> Iterator[Result]:
        """The Results of a stream of leads at one aware ``now``, in order, lazily."""
        ...


@runtime_checkable
class Backend(Protocol):
    """What the registry holds (see :mod:`leadrules.backends.registry`)."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def fidelity(self) -> Fidelity: ...

    def unsupported(self, rules: CheckedRules) -> tuple[Diagnostic, ...]:
        """Every construct of ``rules`` this backend cannot evaluate exactly as the reference
        does, each a diagnostic at its span naming it (none: it can compile them)."""
        ...

    def compile(self, rules: CheckedRules) -> Scorer:
        """A scorer for rules it supports."""
        ...


class SimpleScorer:
    """A scorer made of a function for one lead (``score_many`` maps it over the stream)."""

    __slots__ = ("backend", "score", "source")

    def __init__(
        self,
        backend: str,
        score: Callable[[Any, dt.datetime], Result],
        source: str | None = None,
    ) -> None:
        self.backend = backend
        self.score = score
        self.source = source

    def score_many(self, leads: Iterable[Any], now: dt.datetime) -> Iterator[Result]:
        score = self.score
        for lead in leads:
            yield score(lead, now)

    def __repr__(self) -> str:
        return f"<{self.backend} scorer>"


class UnsupportedConstruct(RuleCheckError):
    """Rules use a construct the chosen backend cannot evaluate exactly as the reference
    evaluator does; ``diagnostics`` names each, with its line and column."""


def constructs_lacking(
    rules: CheckedRules, visitor: type[Visitor[Any, Any]], backend: str
) -> tuple[Diagnostic, ...]:
    """A diagnostic for each condition node of ``rules`` whose type ``visitor`` (a backend's
    pass over conditions) has no method for: what that backend still lacks."""
    lacking = set(unhandled(visitor))
    if not lacking:
        return ()
    found: list[Diagnostic] = []
    seen: set[int] = set()
    for condition in rules.conditions():
        for node in _nodes(condition):
            if type(node) in lacking and id(node) not in seen:
                seen.add(id(node))
                span: ast.Span = node.span
                found.append(
                    Diagnostic.at(
                        rules.file.source,
                        rules.file.filename,
                        span,
                        f"the {backend} backend cannot evaluate {construct_name(type(node))}",
                        "score these rules with another backend (backend='compiled' or "
                        "'reference')",
                    )
                )
    return tuple(found)


class Nodes(Visitor[[list[ast.Cond]], None]):
    """Every node of a condition, itself first, depth first (`where` filters included; a use
    of a definition is one node: the definition is walked where it is defined)."""

    def visit_and(self, node: ast.And, found: list[ast.Cond]) -> None:
        found.append(node)
        for operand in node.operands:
            self.visit(operand, found)

    def visit_or(self, node: ast.Or, found: list[ast.Cond]) -> None:
        found.append(node)
        for operand in node.operands:
            self.visit(operand, found)

    def visit_not(self, node: ast.Not, found: list[ast.Cond]) -> None:
        found.append(node)
        self.visit(node.operand, found)

    def visit_fact(self, node: ast.Fact, found: list[ast.Cond]) -> None:
        found.append(node)
        if node.where is not None:
            self.visit(node.where, found)

    def _leaf(self, node: ast.Cond, found: list[ast.Cond]) -> None:
        found.append(node)

    visit_compare = visit_in = visit_between = visit_text_test = _leaf
    visit_matches = visit_presence = visit_defref = _leaf


def _nodes(condition: ast.Cond) -> list[ast.Cond]:
    found: list[ast.Cond] = []
    Nodes().visit(condition, found)
    return found
