"""Which conditions mean the same by their text: :func:`canon`, a hashable key equal for two
conditions written alike up to what the language ignores (case and separators in names, case
and surrounding space in texts, the order of `and`/`or` operands). The analysis uses it to find
rules written twice and to know one test wherever it appears.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeAlias

from ...runtime.values import fold
from .. import ast
from ..visitor import Visitor

__all__ = ["FieldKey", "canon", "field_key"]

FieldKey: TypeAlias = tuple[str, ...]


def field_key(name: ast.Name) -> FieldKey:
    """The field a name stands for, as a key."""
    # A backticked part is matched exactly first, so it may be another field than the same
    # words unquoted: keep them apart (the safe choice).
    return tuple(f"`{p.text}`" if p.exact else p.key for p in name.parts)


def _canon_value(value: Any) -> Any:
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, Decimal):
        return ("n", value.normalize()) if value.is_finite() else ("n", value)
    if isinstance(value, str):
        return ("s", fold(value))
    if isinstance(value, dt.datetime):
        return ("t", value)
    if isinstance(value, dt.date):
        return ("d", value)
    if isinstance(value, ast.Duration):
        return ("dur", value.amount.normalize(), value.unit)
    if isinstance(value, ast.ListValue):
        return ("list", tuple(sorted((_canon_value(v) for v in value.items), key=repr)))
    return ("?", repr(value))


class _Canon(Visitor[[], Any]):
    def _junction(self, node: ast.And | ast.Or, tag: str) -> Any:
        flat: list[Any] = []
        for operand in node.operands:
            key = self.visit(operand)
            if isinstance(key, tuple) and key and key[0] == tag:
                flat.extend(key[1])
            else:
                flat.append(key)
        return (tag, tuple(sorted(set(flat), key=repr)))

    def visit_and(self, node: ast.And) -> Any:
        return self._junction(node, "and")

    def visit_or(self, node: ast.Or) -> Any:
        return self._junction(node, "or")

    def visit_not(self, node: ast.Not) -> Any:
        return ("not", self.visit(node.operand))

    def visit_defref(self, node: ast.DefRef) -> Any:
        return ("def", node.name.key)

    def visit_compare(self, node: ast.Compare) -> Any:
        return ("cmp", field_key(node.name), node.op, _canon_value(node.value))

    def visit_in(self, node: ast.In) -> Any:
        return ("in", field_key(node.name), node.negated, _canon_value(node.values))

    def visit_between(self, node: ast.Between) -> Any:
        low, high = _canon_value(node.low), _canon_value(node.high)
        return ("between", field_key(node.name), node.negated, low, high)

    def visit_text_test(self, node: ast.TextTest) -> Any:
        return ("text", field_key(node.name), node.op, _canon_value(node.value))

    def visit_matches(self, node: ast.Matches) -> Any:
        return ("matches", field_key(node.name), node.pattern, node.flags.lower())

    def visit_presence(self, node: ast.Presence) -> Any:
        return ("presence", field_key(node.name), node.present)

    def visit_fact(self, node: ast.Fact) -> Any:
        count = None if node.count is None else (node.count.op, node.count.n)
        windows = tuple(sorted(((w.kind, _canon_value(w.value)) for w in node.windows), key=repr))
        where = None if node.where is None else self.visit(node.where)
        return ("fact", field_key(node.name), where, count, windows)


_CANON = _Canon()


def canon(node: ast.Cond) -> Any:
    """A hashable key equal for two conditions that mean the same by their text: names and
    texts compared as the language compares them, `and`/`or` operands in any order."""
    return _CANON.visit(node)
