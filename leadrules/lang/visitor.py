"""One typed visitor over the conditions of the rule tree, for every pass that walks them.

A pass subclasses :class:`Visitor`, naming the extra arguments its methods take and what they
return, and overrides one ``visit_*`` method per node type it handles::

    class Fields(Visitor[[], set[str]]):
        def visit_compare(self, node: ast.Compare) -> set[str]:
            return {node.name.key}
        ...

    class Evaluate(Visitor[[Record, bool], Outcome]):
        def visit_and(self, node: ast.And, rec: Record, top: bool) -> Outcome: ...

``visit(node, ...)`` calls the method for the node's type. Every method it does not override
raises :class:`UnhandledNode` naming the pass and the node type: a new node type added to the
tree (and to :data:`METHODS`) makes every pass that ignores it fail loudly, and
:func:`unhandled` tells a new backend which constructs it still lacks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Generic, ParamSpec, TypeVar

from ..errors import LeadRulesError
from . import ast

__all__ = ["METHODS", "UnhandledNode", "Visitor", "construct_name", "unhandled"]

P = ParamSpec("P")
R = TypeVar("R")

#: The method of :class:`Visitor` that handles each node type of a condition.
METHODS: dict[type, str] = {
    ast.And: "visit_and",
    ast.Or: "visit_or",
    ast.Not: "visit_not",
    ast.Compare: "visit_compare",
    ast.In: "visit_in",
    ast.Between: "visit_between",
    ast.TextTest: "visit_text_test",
    ast.Matches: "visit_matches",
    ast.Presence: "visit_presence",
    ast.Fact: "visit_fact",
    ast.DefRef: "visit_defref",
}

#: How messages name each construct.
_CONSTRUCTS: dict[type, str] = {
    ast.And: "`and`",
    ast.Or: "`or`",
    ast.Not: "`not`",
    ast.Compare: "a comparison",
    ast.In: "`in [...]`",
    ast.Between: "`between`",
    ast.TextTest: "a text test (`contains`, `starts with`, `ends with`)",
    ast.Matches: "`matches /pattern/`",
    ast.Presence: "`is present` / `is missing`",
    ast.Fact: "a fact (a field or an event)",
    ast.DefRef: "a definition",
}


def construct_name(node_type: type) -> str:
    """How a message names the construct of a node type: ``"`between`"``."""
    return _CONSTRUCTS.get(node_type, node_type.__name__)


class UnhandledNode(LeadRulesError, NotImplementedError):
    """A pass met a node type it has no method for: a gap in leadrules itself, not in the
    rules."""

    def __init__(self, visitor: type, node_type: type) -> None:
        method = METHODS.get(node_type, f"a method for {node_type.__name__}")
        super().__init__(
            f"{visitor.__name__} cannot handle {node_type.__name__} nodes "
            f"({construct_name(node_type)}): it has no {method}"
        )
        self.visitor = visitor
        self.node_type = node_type


class Visitor(Generic[P, R]):
    """The base of every pass over conditions; see the module's docstring."""

    #: node type -> the method of this class handling it (filled per subclass).
    _dispatch: ClassVar[dict[type, Callable[..., Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._dispatch = {kind: getattr(cls, method) for kind, method in METHODS.items()}

    def visit(self, node: ast.Cond, *args: P.args, **kwargs: P.kwargs) -> R:
        """The result of the method for ``node``'s type."""
        method = self._dispatch.get(node.__class__)
        if method is None:
            raise UnhandledNode(type(self), node.__class__)
        result: R = method(self, node, *args, **kwargs)
        return result

    def refuse(self, node: ast.Cond, *args: Any, **kwargs: Any) -> Any:
        """What every method not overridden does: raise :class:`UnhandledNode`. A pass that
        refuses a construct says so with ``visit_matches = Visitor.refuse``."""
        raise UnhandledNode(type(self), node.__class__)

    def visit_and(self, node: ast.And, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.refuse(node)  # type: ignore[no-any-return]

    def visit_or(self, node: ast.Or, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.refuse(node)  # type: ignore[no-any-return]

    def visit_not(self, node: ast.Not, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.refuse(node)  # type: ignore[no-any-return]

    def visit_compare(self, node: ast.Compare, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.refuse(node)  # type: ignore[no-any-return]

    def visit_in(self, node: ast.In, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.refuse(node)  # type: ignore[no-any-return]

    def visit_between(self, node: ast.Between, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.refuse(node)  # type: ignore[no-any-return]

    def visit_text_test(self, node: ast.TextTest, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.refuse(node)  # type: ignore[no-any-return]

    def visit_matches(self, node: ast.Matches, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.refuse(node)  # type: ignore[no-any-return]

    def visit_presence(self, node: ast.Presence, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.refuse(node)  # type: ignore[no-any-return]

    def visit_fact(self, node: ast.Fact, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.refuse(node)  # type: ignore[no-any-return]

    def visit_defref(self, node: ast.DefRef, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.refuse(node)  # type: ignore[no-any-return]


Visitor.__init_subclass__()  # the base's own table: every method raises


def unhandled(visitor: type[Visitor[Any, Any]]) -> tuple[type, ...]:
    """The node types a visitor class does not handle (their method is still the base's, or
    :meth:`Visitor.refuse`)."""
    return tuple(
        kind
        for kind, method in METHODS.items()
        if getattr(visitor, method) in (getattr(Visitor, method), Visitor.refuse)
    )
