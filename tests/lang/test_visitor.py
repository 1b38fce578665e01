"""The one visitor over conditions (lang/visitor.py): it knows every node type of the tree, and
every pass of lang/ built on it handles every node type (or says which it refuses), so that a
new node type makes each pass that ignores it fail loudly."""

from __future__ import annotations

import importlib
import pkgutil
import typing
from decimal import Decimal
from typing import Any

import attrs
import pytest

import leadrules.lang
from leadrules import LeadRulesError
from leadrules.lang import ast
from leadrules.lang.visitor import METHODS, UnhandledNode, Visitor, construct_name, unhandled


def _condition_types() -> set[type]:
    union = eval(ast.Cond, vars(ast))  # the alias is written as text: "And | Or | ..."
    return set(typing.get_args(union))


def _lang_passes() -> dict[str, type[Visitor[Any, Any]]]:
    """Every Visitor subclass defined in leadrules.lang, by qualified name."""
    for module in pkgutil.walk_packages(leadrules.lang.__path__, "leadrules.lang."):
        importlib.import_module(module.name)
    found: dict[str, type[Visitor[Any, Any]]] = {}
    todo = list(Visitor.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("leadrules.lang."):
            found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


#: Every pass of lang/ over conditions, and the node types it refuses (none do: the checker
#: rejects nothing by node type, and the formatter, the schema check and the analysis read
#: every construct).
PASSES: dict[str, frozenset[type]] = {
    "leadrules.lang.checker._Checker": frozenset(),
    "leadrules.lang.checker._Depth": frozenset(),
    "leadrules.lang.checker._Size": frozenset(),
    "leadrules.lang.checker._MentionsFact": frozenset(),
    "leadrules.lang.format._Condition": frozenset(),
    "leadrules.lang.format._Where": frozenset(),
    "leadrules.lang.schema.check._SchemaChecker": frozenset(),
    "leadrules.lang.analysis.canon._Canon": frozenset(),
    "leadrules.lang.analysis.logic.Logic": frozenset(),
}


def _one_of_each() -> list[ast.Cond]:
    name = ast.Name((ast.NamePart("x"),))
    fact = ast.Fact(name)
    return [
        ast.And((fact, fact)),
        ast.Or((fact, fact)),
        ast.Not(fact),
        ast.Compare(name, "=", Decimal(1)),
        ast.In(name, ast.ListValue((Decimal(1),))),
        ast.Between(name, Decimal(1), Decimal(2)),
        ast.TextTest(name, "contains", "a"),
        ast.Matches(name, "a"),
        ast.Presence(name, True),
        fact,
        ast.DefRef(name, ast.Define(name, fact)),
    ]


@attrs.frozen
class Unheard:
    """A node type the tree does not have (yet)."""

    name: ast.Name
    span: ast.Span = ast.NOWHERE


UNHEARD = Unheard(ast.Name((ast.NamePart("x"),)))


def test_every_node_type_of_a_condition_has_a_visitor_method() -> None:
    assert set(METHODS) == _condition_types()
    for kind, method in METHODS.items():
        assert callable(getattr(Visitor, method)), method
        assert construct_name(kind) != kind.__name__, f"{kind.__name__} has no wording"


def test_the_examples_here_are_one_of_each_node_type() -> None:
    assert {type(node) for node in _one_of_each()} == _condition_types()


def test_every_pass_of_lang_is_listed_here() -> None:
    assert set(_lang_passes()) == set(PASSES)


@pytest.mark.parametrize("qualified", sorted(PASSES))
def test_every_pass_handles_every_node_type_it_does_not_refuse(qualified: str) -> None:
    assert set(unhandled(_lang_passes()[qualified])) == PASSES[qualified]


def test_a_method_not_written_fails_loudly_naming_the_pass_and_the_node_type() -> None:
    class Fields(Visitor[[], set[str]]):
        def visit_compare(self, node: ast.Compare) -> set[str]:
            return {node.name.key}

    assert set(unhandled(Fields)) == set(METHODS) - {ast.Compare}
    assert Fields().visit(ast.Compare(ast.Name((ast.NamePart("x"),)), "=", True)) == {"x"}
    with pytest.raises(UnhandledNode) as caught:
        Fields().visit(ast.Presence(ast.Name((ast.NamePart("x"),)), True))
    assert isinstance(caught.value, LeadRulesError)
    assert str(caught.value) == (
        "Fields cannot handle Presence nodes (`is present` / `is missing`): "
        "it has no visit_presence"
    )


@pytest.mark.parametrize("qualified", sorted(PASSES))
def test_a_node_type_new_to_the_tree_makes_every_pass_fail_loudly(qualified: str) -> None:
    cls = _lang_passes()[qualified]
    visitor = cls.__new__(cls)  # the pass's own state plays no part in choosing a method
    with pytest.raises(UnhandledNode, match=f"{cls.__name__} cannot handle Unheard nodes"):
        Visitor.visit(visitor, UNHEARD)  # type: ignore[arg-type]


def test_the_walk_over_single_tests_knows_every_node_type() -> None:
    for node in _one_of_each():
        assert list(ast.tests(node)) or isinstance(node, ast.DefRef)
        list(ast.tests(node, definitions=True))
    with pytest.raises(NotImplementedError, match="Unheard"):
        list(ast.tests(ast.Not(UNHEARD)))  # type: ignore[arg-type]
