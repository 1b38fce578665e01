"""The compiled backend: checked rules turned into Python source, compiled once per rule set.

It gives exactly the reference evaluator's :class:`~leadrules.result.Result` (the conformance
suite checks every field), only faster:

- The source is generated from the checked tree alone (:mod:`.codegen`, :mod:`.scoring`,
  :mod:`.explaining`). Every value taken from the rule file (names, text, numbers, patterns)
  enters the source through ``repr`` of a plain ``str`` or ``int``, or as a constant bound in
  the function's namespace: no rule text is ever run as code. The source is registered with
  :mod:`linecache`, so a traceback through it shows the generated lines.
- Scoring (``_score``) reads each name the rules use once and keeps only what the score, the
  stage and the warnings need; anything rare goes to :mod:`.runtime`, and from there mostly to
  the reference evaluator's own methods. If the generated code fails on a lead, the reference
  evaluator scores it.
- The explanation is built only when first read, by a second generated function
  (``_explain``, compiled on first use) from the values the scoring read. See
  ``docs/performance.md``.
"""

from __future__ import annotations

import builtins
import datetime as dt
import functools
import operator
import threading
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from ... import result as result_module
from ...errors import Diagnostic
from ...lang import ast
from ...lang.checker import CheckedRules
from ...lang.visitor import Visitor
from ...result import Contribution, Result
from ...runtime.leads import Record
from ...runtime.values import MISSING, MISSING_WORDS, is_missing
from ..contract import Fidelity, constructs_lacking
from ..reference import evaluate_checked
from ..semantics import TV, unit_points
from . import memos
from .codegen import leaves, load_source
from .explaining import ExplainGenerator
from .runtime import (
    IMMUTABLE,
    MAX_KEY_PLANS,
    SLOW,
    Context,
    Medium,
    attrs_view,
    key_plan,
    medium,
    norm_lookup,
    path_lookup,
)
from .scoring import ScoreGenerator, spellings
from .typed import YES_NO, number_value, unit_text

__all__ = ["BACKEND", "PythonBackend", "PythonScorer", "compile_scorer"]

ScoreFunction = Callable[[Any, dt.datetime], Result]

_NOT_YET = object()  # a definition not evaluated yet for this lead


def _slots(rules: CheckedRules) -> dict[ast.Name, int]:
    """Every name the rules read from the lead (outside `where` filters), numbered."""
    slots: dict[ast.Name, int] = {}
    for condition in rules.conditions():
        for leaf in leaves(condition):
            slots.setdefault(leaf.name, len(slots))
    return slots


def _whole_points(rules: CheckedRules) -> bool:
    """Whether the fixed points of the rules can be added as ints and give exactly the
    Decimal the reference gets: whole, written without a fraction (exponent 0), and small
    enough that no sum of them is ever rounded."""
    for rule in rules.score_rules:
        if rule.per is None:
            exponent = rule.points.as_tuple().exponent
            if exponent != 0 or abs(rule.points) >= 10**12:
                return False
    return True


class _Compiled:
    """The generated functions of one rule set, and what they share."""

    def __init__(self, rules: CheckedRules) -> None:
        self.rules = rules
        self.lock = threading.Lock()
        self.explain: Callable[..., Any] | None = None
        self.source = ""
        slots = _slots(rules)
        base: dict[str, Any] = {
            "__builtins__": builtins,
            "_SLOT_INDEX": slots,
            "_DEF_INDEX": {id(d): i for i, d in enumerate(rules.definitions)},
            "_INT_POINTS": _whole_points(rules),
            "_M": MISSING,
            "_NY": _NOT_YET,
            "_Dec": Decimal,
            "_DECS": tuple(Decimal(i) for i in range(-512, 512)),
            "_new": object.__new__,
            "_Result": Result,
            "_set_score": result_module.set_score,
            "_set_stage": result_module.set_stage,
            "_set_dq": result_module.set_disqualified,
            "_set_recipe": result_module.set_recipe,
            "_ZERO": Decimal(0),
            "_Contribution": Contribution,
            "_FILENAME": rules.file.filename,
            "_MW": MISSING_WORDS,
        }
        self.base = base
        self.score: ScoreFunction = self._build(False)
        #: The generated scoring code without its safety net (a failure is raised): for tests.
        self.unguarded: ScoreFunction = functools.partial(self.score, _raw=True)

    def _namespace(self) -> dict[str, Any]:
        rules = self.rules
        slots = self.base["_SLOT_INDEX"]
        ns = dict(self.base)

        def context(state: list[Any]) -> Context:
            found: Context | None = state[0]
            if found is None:
                found = state[0] = Context(rules, state[1], state[2])
            return found

        def event_fact(state: list[Any], line: int, node: ast.Fact) -> Any:
            return context(state).event_fact(line, node)

        def per(state: list[Any], line: int, rule: ast.ScoreRule, group: str | None) -> Any:
            return context(state).per(line, rule, group)

        def decay(state: list[Any], line: int, rule: ast.ScoreRule) -> Decimal:
            return context(state).decay(line, rule)

        def rare(state: list[Any], line: int, node: ast.Cond, test: Any, raw: Any) -> Any:
            """A value of an uncommon class: the medium test, or the reference's."""
            if raw.__class__ not in IMMUTABLE:
                state[3] = True  # it may change later: build the explanation now
            truth = test(raw, state[2])
            if truth is SLOW:
                return context(state).leaf(line, node)
            return truth

        kleene = _Kleene(slots, rare, event_fact, rules.reading.dayfirst).decide

        def reference(lead: Any, now: dt.datetime, state: list[Any] | None = None) -> Result:
            """The reference's Result, with the events the scoring read, if it read them (an
            iterator of events cannot be read twice)."""
            found: Context | None = None if state is None else state[0]
            if found is None:
                return evaluate_checked(rules, lead, now)
            return evaluate_checked(rules, lead, now, found.events_read())

        keys_tried = tuple(
            (*spellings(name.parts[0]), ast.normalize_name(name.parts[0].text))
            for name, _ in sorted(slots.items(), key=lambda item: item[1])
            if len(name.parts) == 1
        )
        plans: dict[tuple[Any, ...], Any] = {}

        def learn(keys: tuple[Any, ...]) -> Any:
            plan = key_plan(keys, keys_tried)
            memos.remember(plans, MAX_KEY_PLANS, keys, plan)
            return plan

        ns.update(
            _Getter=operator.itemgetter,
            _MISSINGS=(MISSING,) * len(keys_tried),
            _PLANS=plans,
            _learn=learn,
            _kl=kleene,
            _evf=event_fact,
            _per=per,
            _decay=decay,
            _rare=rare,
            _reference=reference,
            _norm=norm_lookup,
            _view=attrs_view,
            _path=path_lookup,
            _Record=Record,
            _EXPLAIN=self._explain,
            _units=unit_points,
            _missing=is_missing,
            _numq=number_value,
            _untext=unit_text,
            _YN=YES_NO,
        )
        return ns

    def _build(self, full: bool) -> Any:
        ns = self._namespace()
        generator = (ExplainGenerator if full else ScoreGenerator)(self.rules, ns)
        source = generator.main()
        if not full:
            self.source = source
        return load_source(source, self.rules, ns, "_explain" if full else "_score")

    def _explain(self, recipe: tuple[Any, ...]) -> Any:
        """Builds a lazy Result's parts (the recipe: see result.py, made by ``_score``)."""
        function = self.explain
        if function is None:
            with self.lock:
                if self.explain is None:
                    self.explain = self._build(True)
                function = self.explain
        return function(recipe[6], recipe[4], recipe[7])


class _Kleene(Visitor[[list[Any], int, tuple[Any, ...]], TV]):
    """``decide(S, line, node, values)``: a condition with a plain form (see
    codegen._PlainForms) for values not all of their usual class: what its inline Kleene code
    would give, test by test, each test's medium test found once."""

    def __init__(
        self,
        slots: dict[ast.Name, int],
        rare: Callable[[list[Any], int, ast.Cond, Medium, Any], TV],
        event_fact: Callable[[list[Any], int, ast.Fact], TV],
        dayfirst: bool,
    ) -> None:
        self.dayfirst = dayfirst
        self.slots = slots
        self.rare = rare
        self.event_fact = event_fact
        self.found: dict[int, tuple[int, Medium]] = {}

    def decide(self, state: list[Any], line: int, node: ast.Cond, values: tuple[Any, ...]) -> TV:
        return self.visit(node, state, line, values)

    def visit_not(self, node: ast.Not, state: list[Any], line: int, values: tuple[Any, ...]) -> TV:
        truth = self.visit(node.operand, state, line, values)
        return None if truth is None else not truth

    def visit_and(self, node: ast.And, state: list[Any], line: int, values: tuple[Any, ...]) -> TV:
        return self.junction(node.operands, False, state, line, values)

    def visit_or(self, node: ast.Or, state: list[Any], line: int, values: tuple[Any, ...]) -> TV:
        return self.junction(node.operands, True, state, line, values)

    def junction(
        self,
        operands: tuple[ast.Cond, ...],
        stop: bool,
        state: list[Any],
        line: int,
        values: tuple[Any, ...],
    ) -> TV:
        """`or` stops at True, `and` at False."""
        settled = self.visit(operands[0], state, line, values)
        for operand in operands[1:]:
            if settled is stop:
                break
            truth = self.visit(operand, state, line, values)
            if truth is not (not stop):
                settled = truth
        return settled

    def test(self, node: ast.Leaf) -> tuple[Any, Medium]:
        found = self.found.get(id(node))
        if found is None:
            found = self.found[id(node)] = (self.slots[node.name], medium(node, self.dayfirst))
        return found

    def comparison(
        self, node: ast.Leaf, state: list[Any], line: int, values: tuple[Any, ...]
    ) -> TV:
        slot, test = self.test(node)
        raw = values[slot]
        if is_missing(raw):
            return None  # a comparison with a missing value: unknown, no warning
        return self.rare(state, line, node, test, raw)

    def visit_compare(
        self, node: ast.Compare, state: list[Any], line: int, values: tuple[Any, ...]
    ) -> TV:
        return self.comparison(node, state, line, values)

    def visit_in(self, node: ast.In, state: list[Any], line: int, values: tuple[Any, ...]) -> TV:
        return self.comparison(node, state, line, values)

    def visit_between(
        self, node: ast.Between, state: list[Any], line: int, values: tuple[Any, ...]
    ) -> TV:
        return self.comparison(node, state, line, values)

    def visit_text_test(
        self, node: ast.TextTest, state: list[Any], line: int, values: tuple[Any, ...]
    ) -> TV:
        return self.comparison(node, state, line, values)

    def visit_matches(
        self, node: ast.Matches, state: list[Any], line: int, values: tuple[Any, ...]
    ) -> TV:
        return self.comparison(node, state, line, values)

    def visit_presence(
        self, node: ast.Presence, state: list[Any], line: int, values: tuple[Any, ...]
    ) -> TV:
        slot, test = self.test(node)
        return self.rare(state, line, node, test, values[slot])

    def visit_fact(
        self, node: ast.Fact, state: list[Any], line: int, values: tuple[Any, ...]
    ) -> TV:
        slot, test = self.test(node)
        raw = values[slot]
        if raw is MISSING:
            return self.event_fact(state, line, node)
        return self.rare(state, line, node, test, raw)


class PythonScorer:
    """The compiled scorer of one rule set: ``score`` is the generated function itself."""

    backend = "compiled"

    def __init__(self, rules: CheckedRules) -> None:
        compiled = _Compiled(rules)
        self.score: ScoreFunction = compiled.score
        self.unguarded: ScoreFunction = compiled.unguarded
        self.source: str | None = compiled.source

    def score_many(self, leads: Iterable[Any], now: dt.datetime) -> Iterator[Result]:
        score = self.score
        for lead in leads:
            yield score(lead, now)

    def __repr__(self) -> str:
        return "<compiled scorer>"


def compile_scorer(checked: CheckedRules) -> PythonScorer:
    """A scorer giving exactly the reference evaluator's Result. A lead on which the
    generated code fails (a hostile object, data no converter foresaw) is scored by the
    reference evaluator instead, which turns such failures into undecided rules and warnings:
    bad lead data never stops scoring. ``unguarded`` is the generated code alone, failures
    raised (for tests)."""
    return PythonScorer(checked)


class PythonBackend:
    """The compiled backend (the default)."""

    name = "compiled"
    description = "the rules as generated Python code: the reference's answers, faster"
    fidelity = Fidelity.RESULT

    def unsupported(self, rules: CheckedRules) -> tuple[Diagnostic, ...]:
        return constructs_lacking(rules, ScoreGenerator, self.name) + constructs_lacking(
            rules, ExplainGenerator, self.name
        )

    def compile(self, rules: CheckedRules) -> PythonScorer:
        return compile_scorer(rules)


BACKEND = PythonBackend()
