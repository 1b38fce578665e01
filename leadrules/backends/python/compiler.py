"""The compiled backend: checked rules turned into Python source, compiled once per rule set.

It gives exactly the reference evaluator's :class:`~leadrules.result.Result` (the differential
test in ``tests/test_compiled.py`` checks every field), only faster:

- The source is generated from the checked tree alone. Every value taken from the rule file
  (names, text, numbers, patterns) enters the source through ``repr`` of a plain ``str`` or
  ``int``, or as a constant bound in the function's namespace: no rule text is ever run as
  code. The source is registered with :mod:`linecache` under ``<leadrules-compiled:FILE#N>``,
  so a traceback through it shows the generated lines.
- Scoring (``_score``) reads each name the rules use once (a dict lead's values with one
  ``itemgetter`` per key order, see ``compiled_runtime.key_plan``), and keeps only what the
  score, the stage and the warnings need. A rule whose values are all of their usual class
  (non-blank text, a whole number, yes/no) is decided by a plain Python expression; otherwise
  by Kleene code: one line for a single test, a call of ``_kl`` (which decides the condition
  test by test) for an ``and``/``or``/``not`` that has a plain form, inline Kleene code for
  one that has none (a definition, a pattern, an event window in it). Anything rarer goes to
  :mod:`leadrules.compiled_runtime`, and from there mostly to the reference evaluator's own
  methods. If the generated code fails on a lead, the reference evaluator scores it.
- The explanation (contributions with their evidence, clamps, undecided rules, stage
  outcomes, disqualifications) is built only when first read, by a second generated function
  (``_explain``, compiled on first use) from the values the scoring read. See
  ``docs/performance.md``.

Conditions use Kleene's three-valued logic in the generated code exactly as in the reference:
``t`` is True, False or None (unknown); ``and`` stops at the first false operand, ``or`` at the
first true one.
"""

from __future__ import annotations

import builtins
import datetime as dt
import functools
import itertools
import linecache
import operator
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from ... import result as _result_module
from ...lang import ast
from ...lang.checker import CheckedGroup, CheckedRules
from ...result import Contribution, Result
from ...runtime.leads import Record
from ...runtime.values import MISSING, is_missing
from ..reference import (
    MAX_UNITS,
    Unknown,
    evaluate_checked,
    unit_points,
)
from . import runtime as rt
from .runtime import (
    IMMUTABLE,
    MAX_KEY_PLANS,
    SLOW,
    Context,
    attrs_view,
    key_plan,
    medium,
    norm_lookup,
    path_lookup,
)

__all__ = ["compile_scorer", "generated_source"]

Scorer = Callable[[Any, dt.datetime], Result]

_COUNTER = itertools.count(1)
_NOT_YET = object()  # a definition not evaluated yet for this lead

#: And/Or/Not nesting deeper than this goes into a function of its own (Python limits how
#: deeply blocks may nest in one function).
_MAX_DEPTH = 24

#: An int the reference reads as a number (values.sensible: at most 31 digits) ...
_SENSIBLE = "-10000000000000000000000000000000 < {v} < 10000000000000000000000000000000"
#: ... and one it counts as units in a `per` rule (evaluator.MAX_UNITS).
_UNITS = f"-{int(MAX_UNITS)} <= {{v}} <= {int(MAX_UNITS)}"

_PY_OPS = {"=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


Leaf = ast.Leaf


def _leaves(node: ast.Cond) -> Iterator[Leaf]:
    """The single tests of a condition (not inside definitions, not inside `where`)."""
    for item in ast.tests(node):
        if not isinstance(item, ast.DefRef):
            yield item


def _reads_text(node: ast.Cond) -> bool:
    """Whether the test's fast path reads its value as folded text."""
    if isinstance(node, ast.TextTest):
        return isinstance(node.value, str)
    if isinstance(node, ast.Compare):
        return isinstance(node.value, str) and not isinstance(node.value, bool)
    if isinstance(node, ast.In):
        return all(isinstance(i, str) for i in node.values.items)
    if isinstance(node, ast.Between):
        return isinstance(node.low, str) and isinstance(node.high, str)
    return False


def _spellings(part: ast.NamePart) -> tuple[str, ...]:
    """The keys Record.lookup tries first for one part of a name, in order."""
    snake = part.text.replace(" ", "_")
    return (part.text,) if part.exact or snake == part.text else (part.text, snake)


def _reads_int(node: ast.Cond) -> bool:
    """Whether the test's fast path reads its value as a whole number."""
    if isinstance(node, ast.Compare):
        return isinstance(node.value, Decimal)
    if isinstance(node, ast.In):
        return all(isinstance(i, Decimal) for i in node.values.items)
    if isinstance(node, ast.Between):
        return isinstance(node.low, Decimal) and isinstance(node.high, Decimal)
    return False


def _is_int_literal(value: Any) -> bool:
    return isinstance(value, Decimal) and value == value.to_integral_value()


class _Code:
    """Lines of Python with indentation."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 0

    def __call__(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    @contextmanager
    def block(self, header: str) -> Iterator[None]:
        self(header)
        self.depth += 1
        yield
        self.depth -= 1

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


class _Env:
    """Where a condition's code is generated: the main function or a helper function."""

    def __init__(
        self,
        line: str,
        texts: dict[int, str] | None = None,
        ints: dict[int, str] | None = None,
    ) -> None:
        self.line = line  # expression for the current rule's line (for warnings)
        self.texts = texts or {}  # slot -> variable holding its stripped, case-folded text
        self.ints = ints or {}  # slot -> variable: whether it holds a sensible int


class _Generator:
    """Generates the two functions of one rule set. ``full`` selects the explanation
    (evidence-tracking) variant."""

    def __init__(self, rules: CheckedRules, full: bool, ns: dict[str, Any]) -> None:
        self.rules = rules
        self.full = full
        self.ns = ns
        self.ids: dict[int, str] = {}
        self.code = _Code()
        self.units: list[_Code] = []
        self.temp = itertools.count()
        self.slots: dict[ast.Name, int] = ns["_SLOT_INDEX"]
        self.defs: dict[int, int] = ns["_DEF_INDEX"]
        self.int_points: bool = ns["_INT_POINTS"]

    # ---- constants

    def const(self, value: Any, hint: str = "k") -> str:
        """A name bound to ``value`` in the namespace (the same name for the same object)."""
        key = id(value)
        name = self.ids.get(key)
        if name is None:
            name = f"_{hint}{len(self.ids)}"
            self.ids[key] = name
            self.ns[name] = value
        return name

    def number(self, value: Decimal) -> str:
        """A number literal for comparisons: an int when whole (exact either way)."""
        if _is_int_literal(value):
            return repr(int(value))
        return self.const(value, "d")

    def points(self, value: Decimal) -> str:
        """Points to add: an int where the backend adds whole points as ints (see
        compile_scorer), else the Decimal itself."""
        if not self.full and self.int_points:
            return repr(int(value))
        return self.const(value, "d")

    def var(self, prefix: str) -> str:
        return f"{prefix}{next(self.temp)}"

    # ---- conditions

    def cond(self, node: ast.Cond, env: _Env, depth: int = 0) -> None:
        """Code setting ``t`` (and, for the explanation, ``x``: the evidence when ``t`` is
        decided, the unknowns when it is None)."""
        c = self.code
        if isinstance(node, (ast.And, ast.Or, ast.Not)) and depth > _MAX_DEPTH:
            self.unit_call(node, env)
        elif isinstance(node, ast.Not):
            self.cond(node.operand, env, depth + 1)
            c("if t is not None:")
            c("    t = not t")
        elif isinstance(node, ast.And):
            self.junction(node, env, depth, stop=False)
        elif isinstance(node, ast.Or):
            self.junction(node, env, depth, stop=True)
        elif isinstance(node, ast.DefRef):
            self.defref(node, env)
        else:
            self.leaf(node, env)

    def junction(self, node: ast.And | ast.Or, env: _Env, depth: int, stop: bool) -> None:
        """``and`` (stop at the first False) or ``or`` (stop at the first True)."""
        c = self.code
        s = self.var("s")
        stop_value = "True" if stop else "False"
        if not self.full:
            # s: False/True once settled by a stopping operand, None once an operand was unknown.
            for i, operand in enumerate(node.operands):
                if i == 0:
                    self.cond(operand, env, depth + 1)
                    c(f"{s} = t")
                    continue
                with c.block(f"if {s} is not {stop_value}:"):
                    self.cond(operand, env, depth + 1)
                    c(f"if t is not {'False' if stop else 'True'}:")
                    c(f"    {s} = t")
            c(f"t = {s}")
            return
        # The explanation: the reference's lists of evidence and unknowns, and the evidence
        # of the operand that settled it (None while none has).
        ev, un, xs = self.var("e"), self.var("u"), self.var("x")
        c(f"{xs} = None")
        c(f"{ev} = []")
        c(f"{un} = []")
        for i, operand in enumerate(node.operands):
            if i:
                c(f"if {xs} is None:")
                c.depth += 1
            self.cond(operand, env, depth + 1)
            c(f"if t is {stop_value}:")
            c(f"    {xs} = x")
            c("elif t is None:")
            c(f"    {un}.extend(x)")
            c("else:")
            c(f"    {ev}.extend(x)")
            if i:
                c.depth -= 1
        c(f"if {xs} is not None:")
        c(f"    t, x = {stop_value}, {xs}")
        c(f"elif {un}:")
        c(f"    t, x = None, tuple({un})")
        c("else:")
        c(f"    t, x = {not stop}, tuple({ev})")

    def defref(self, node: ast.DefRef, env: _Env) -> None:
        c = self.code
        index = 4 + self.defs[id(node.definition)]
        function = f"_def{self.defs[id(node.definition)]}"
        c(f"t = S[{index}]")
        with c.block("if t is _NY:"):
            if self.full:
                c(f"t = S[{index}] = {function}(V, S, X)")
            else:
                c(f"t = S[{index}] = {function}(V, S, {env.line})")
        if self.full:
            c("t, x = t")

    def unit_call(self, node: ast.Cond, env: _Env) -> None:
        """A deep subtree, generated as a function of its own."""
        name = f"_unit{len(self.units)}"
        self.function(name, node)
        if self.full:
            self.code(f"t, x = {name}(V, S, X)")
        else:
            self.code(f"t = {name}(V, S, {env.line})")

    def function(self, name: str, node: ast.Cond) -> None:
        """A helper function evaluating ``node`` (a definition's condition, or a deep
        subtree): ``f(V, S, line) -> t`` when scoring, ``f(V, S, X) -> (t, x)`` when
        explaining."""
        outer, self.code = self.code, _Code()
        self.units.append(self.code)
        c = self.code
        with c.block(f"def {name}(V, S, {'X' if self.full else 'line'}):"):
            for slot in sorted({self.slots[leaf.name] for leaf in _leaves(node)}):
                c(f"v{slot} = V[{slot}]")
            c("now = S[2]")
            self.cond(node, _Env("line"))
            c("return (t, x)" if self.full else "return t")
        self.code = outer

    def leaf(self, node: ast.Cond, env: _Env) -> None:
        """One test: inline for the class of value it usually meets, else ``_rare`` (when
        scoring) or ``_xrare`` (when explaining), which handle any value as the reference."""
        assert isinstance(
            node,
            (ast.Presence, ast.Compare, ast.In, ast.Between, ast.TextTest, ast.Matches, ast.Fact),
        )
        c = self.code
        if not self.full:
            c(f"t = {self.leaf_value(node, env)}")
            return
        slot = self.slots[node.name]
        v = f"v{slot}"
        node_name = self.const(node, "n")
        test = self.const(medium(node), "m")
        fast = self.fast_path(node, v, env.texts.get(slot), env.ints.get(slot))
        event = isinstance(node, ast.Fact)  # a name the lead lacks is an event
        # The explanation: ``x`` is the evidence ((name, value) pairs, or Evidence from the
        # reference's paths) when ``t`` is decided, the unknowns when it is None.
        missing = self.const((Unknown(str(node.name), "missing"),), "um")
        shown = f"None if {v} is _M else {v}" if isinstance(node, ast.Presence) else v
        usual = f"x = {missing} if t is None else (({str(node.name)!r}, {shown}),)"
        rare = f"t, x = _xrare(S, {node_name}, {test}, {v}, {missing})"
        branches: list[tuple[str, list[str]]] = []
        if event:
            branches.append((f"{v} is _M", [f"t, x = _xeo(X, {node_name})"]))
        if fast is not None:
            branches.append((fast[0], [f"t = {fast[1]}", usual]))
        if fast is None or fast[0] != "True":
            branches.append(("True", [rare]))
        for i, (condition, body) in enumerate(branches):
            if condition == "True":  # the rest: unconditionally, or as the last branch
                if i:
                    c("else:")
                    c.depth += 1
                for line in body:
                    c(line)
                if i:
                    c.depth -= 1
                break
            c(f"{'elif' if i else 'if'} {condition}:")
            for line in body:
                c(f"    {line}")

    def leaf_value(self, node: ast.Cond, env: _Env) -> str:
        """When scoring: an expression giving one test's Kleene value (inline for the class
        of value it usually meets, else ``_rare``, which handles any value as the reference)."""
        assert isinstance(node, Leaf)
        slot = self.slots[node.name]
        v = f"v{slot}"
        node_name = self.const(node, "n")
        rare = f"_rare(S, {env.line}, {node_name}, {self.const(medium(node), 'm')}, {v})"
        fast = self.fast_path(node, v, env.texts.get(slot), env.ints.get(slot))
        if fast is None:
            expression = rare
        elif fast[0] == "True":
            expression = fast[1]
        else:
            expression = f"{fast[1]} if {fast[0]} else {rare}"
        if isinstance(node, ast.Fact):  # a name the lead lacks is an event
            expression = f"_evf(S, {env.line}, {node_name}) if {v} is _M else {expression}"
        return expression

    def fast_path(
        self, node: ast.Cond, v: str, text: str | None, number: str | None = None
    ) -> tuple[str, str] | None:
        """(condition, expression): ``t`` inline, for the class of value the test usually
        meets; None when every value goes to the medium test. ``text``/``number``: variables
        set up front (the folded text of ``v`` or None; whether ``v`` is a sensible int)."""
        found = self.inner(node, v, text or "w")
        if found is None:
            return None
        kind, expression = found
        if kind == "always":
            return "True", expression
        if kind == "bool":
            return f"{v}.__class__ is bool", expression
        if kind == "int":
            return number or f"{v}.__class__ is int and {_SENSIBLE.format(v=v)}", expression
        if kind == "regex":
            return f"{v}.__class__ is str", expression
        if text is not None:  # folded up front: None unless the value is text
            return f"{text} is not None", f"(({expression}) if {text} else None)"
        return f"{v}.__class__ is str", (
            f"(({expression}) if (w := {v}.strip().casefold()) else None)"
        )

    def inner(self, node: ast.Cond, v: str, w: str) -> tuple[str, str] | None:
        """(kind, expression) of a test's fast path. The kinds: "text" (``w``, the value's
        folded text, is not blank: the expression is True or False), "int" (``v`` is a
        sensible int), "bool" (``v`` is a bool), "always" (any value: True or False), and
        "regex" (``v`` is text; the expression may also be None, for blank text)."""
        if isinstance(node, ast.Presence):
            present = (
                f"({v}.__class__ is int or (bool({v}.strip()) if {v}.__class__ is str else "
                f"{v} is not _M and {v} is not None and not _missing({v})))"
            )
            return "always", present if node.present else f"not {present}"
        if isinstance(node, ast.Compare):
            op = _PY_OPS[node.op]
            value = node.value
            if isinstance(value, bool):
                return "bool", f"{v} {op} {value}"
            if isinstance(value, Decimal):
                return "int", f"{v} {op} {self.number(value)}"
            if isinstance(value, str):
                return "text", f"{w} {op} {value.strip().casefold()!r}"
            return None
        if isinstance(node, ast.In):
            items = node.values.items
            test = "not in" if node.negated else "in"
            if all(isinstance(i, str) for i in items):
                folded_items = frozenset(str(i).strip().casefold() for i in items)
                return "text", f"{w} {test} {self.const(folded_items, 'fs')}"
            if all(isinstance(i, Decimal) for i in items):
                return "int", f"{v} {test} {self.const(frozenset(items), 'fd')}"
            return None
        if isinstance(node, ast.Between):
            low, high = node.low, node.high
            negate = " != True" if node.negated else ""
            if isinstance(low, str) and isinstance(high, str):
                lo, hi = repr(low.strip().casefold()), repr(high.strip().casefold())
                return "text", f"({lo} <= {w} <= {hi}){negate}"
            if isinstance(low, Decimal) and isinstance(high, Decimal):
                lo, hi = self.number(low), self.number(high)
                return "int", f"({lo} <= {v} <= {hi}){negate}"
            return None
        if isinstance(node, ast.TextTest):
            if not isinstance(node.value, str):
                return None
            needle = repr(node.value.strip().casefold())
            if node.op == "contains":
                return "text", f"{needle} in {w}"
            if node.op == "starts with":
                return "text", f"{w}.startswith({needle})"
            return "text", f"{w}.endswith({needle})"
        if isinstance(node, ast.Matches):
            from ...runtime.regex import compile_regex

            pattern = self.const(compile_regex(node.pattern, node.flags), "re")
            return "regex", f"(({pattern}.search(s) is not None) if (s := {v}.strip()) else None)"
        if isinstance(node, ast.Fact) and not node.has_modifiers:
            return "bool", v
        return None

    def plain(self, node: ast.Cond, env: _Env, depth: int = 0) -> tuple[list[str], str] | None:
        """(guards, expression): when every guard holds, no test of ``node`` can be unknown
        or need the slow path, and the plain Python ``expression`` is its truth (Kleene's
        logic is Boole's on definite values). None when some test has no such form."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, ast.Not):
            found = self.plain(node.operand, env, depth + 1)
            return None if found is None else (found[0], f"not ({found[1]})")
        if isinstance(node, (ast.And, ast.Or)):
            guards: list[str] = []
            parts = []
            for operand in node.operands:
                found = self.plain(operand, env, depth + 1)
                if found is None:
                    return None
                guards.extend(g for g in found[0] if g not in guards)
                parts.append(f"({found[1]})")
            return guards, f" {'and' if isinstance(node, ast.And) else 'or'} ".join(parts)
        if isinstance(node, ast.DefRef):
            return None
        slot = self.slots[node.name]
        v = f"v{slot}"
        text, number = env.texts.get(slot), env.ints.get(slot)
        found_leaf = self.inner(node, v, text or "w")
        if found_leaf is None:
            return None
        kind, expression = found_leaf
        if kind == "always":
            return [], expression
        if kind == "bool":
            return [f"{v}.__class__ is bool"], expression
        if kind == "int" and number is not None:
            return [number], expression
        if kind == "text" and text is not None:
            return [text], expression
        return None

    def decide(self, node: ast.Cond, env: _Env, then: list[str]) -> None:
        """Code running the lines ``then`` when ``node`` is true: a plain test when the
        values are of their usual classes, else the Kleene code setting ``t``."""
        c = self.code
        found = self.plain(node, env)

        if found is None or not isinstance(node, (ast.And, ast.Or, ast.Not, ast.Fact)):
            # No plain form; or a single test, whose inline Kleene code is one line, as fast.
            if isinstance(node, (ast.And, ast.Or, ast.Not, ast.DefRef)):
                self.cond(node, env)
                header = "if t is True:"
            else:
                header = f"if ({self.leaf_value(node, env)}) is True:"
            with c.block(header):
                for line in then:
                    c(line)
            return

        def kleene() -> None:
            # Rare: a value of another class. One call decides the condition as the inline
            # Kleene code would (keeping the generated code, and its compile time, small).
            c(f"t = _kl(S, {env.line}, {self.const(node, 'c')}, V)")
            with c.block("if t is True:"):
                for line in then:
                    c(line)

        guards, expression = found
        if isinstance(node, ast.Fact):  # a bare yes/no field
            v = f"v{self.slots[node.name]}"
            with c.block(f"if {v} is True:"):
                for line in then:
                    c(line)
            with c.block(f"elif {v} is not False:"):
                kleene()
            return
        if guards:
            c(f"if {' and '.join(guards)}:")
            c.depth += 1
        with c.block(f"if {expression}:"):
            for line in then:
                c(line)
        if guards:
            c.depth -= 1
            with c.block("else:"):
                kleene()

    # ---- the rule file

    def main(self) -> str:
        """The whole module source."""
        if self.full:
            self.explain_function()
        else:
            self.score_function()
        for definition, index in self.definition_order():
            self.function(f"_def{index}", definition.condition)
        head = _Code()
        head("# Generated by leadrules.compiler from the checked rules of")
        head(f"# {self.rules.file.filename!r}. Not to be edited: it is made again on every load.")
        return head.text() + "\n" + "\n".join(u.text() for u in [self.code, *self.units])

    def definition_order(self) -> list[tuple[ast.Define, int]]:
        return [(d, self.defs[id(d)]) for d in self.rules.definitions]

    def read_slots(self) -> None:
        """The prologue of ``_score``: every name the rules use, read once. A plain dict is
        read directly (as Record.lookup reads one); an attrs instance through a dict of its
        fields in Record's order (see compiled_runtime.attrs_view); anything else through
        the reference's Record."""
        c = self.code
        names = sorted(self.slots.items(), key=lambda item: item[1])
        with c.block("if lead.__class__ is dict:"):
            c("d = lead")
        with c.block("elif lead is None:"):
            c("return _reference(lead, now)")
        with c.block("else:"):
            c("d = _view(lead)")
            with c.block("if d is None:"):
                # If reading a name fails, the reference scores the lead (its warnings
                # depend on what it read when).
                c("r = _Record(lead)")
                for name, slot in names:
                    c(f"v{slot} = r.get({self.const(name, 'name')})")
                c("if r.problems:")
                c("    return _reference(lead, now)")
        single = [(name, slot) for name, slot in names if len(name.parts) == 1]
        with c.block("if d is not None:"):
            c("pass")
            if len(single) >= 2:
                # Leads of one source share their keys, in one order: the first lead of a
                # key order finds where each name is, and the next ones read all their
                # values with one itemgetter (see compiled_runtime.key_plan). Recognising
                # the key order costs about as much per key as a direct read costs per name,
                # so a lead with many more keys than the rules read is read name by name.
                with c.block(f"if len(d) <= {2 * len(single)}:"):
                    c("keys = tuple(d)")
                    c("g = _PLANS.get(keys)")
                    c("if g is None:")
                    c("    g = _learn(keys)")
                c("else:")
                c("    g = False")
                targets = "".join(f"v{slot}, " for _, slot in single)
                with c.block("if g.__class__ is _Getter:"):
                    c(f"{targets}= g(d)")
                with c.block("elif g:"):
                    c(f"{targets}= map(d.get, g, _MISSINGS)")
                c("else:")
                c.depth += 1
            for name, slot in single:
                part = name.parts[0]
                text = part.text
                # `in` and [] cost less than calls of d.get; the order is Record.lookup's:
                # the name as written, then in snake_case, then any key it normalises to.
                for i, key in enumerate(_spellings(part)):
                    with c.block(f"{'elif' if i else 'if'} {key!r} in d:"):
                        c(f"v{slot} = d[{key!r}]")
                with c.block("else:"):
                    c(f"v{slot} = _norm(d, {ast.normalize_name(text)!r})")
            if len(single) >= 2:
                c.depth -= 1
            for name, slot in names:
                if len(name.parts) > 1:
                    c(f"v{slot} = _path(d, {self.const(name, 'name')})")
        c(f"V = ({''.join(f'v{slot}, ' for _, slot in names)})")

    def prepared(self) -> tuple[dict[int, str], dict[int, str]]:
        """The slots read as text, and those read as whole numbers, by the inline tests of
        the rules: (slot -> variable holding its folded text or None, slot -> variable
        saying whether it is a sensible int). Both are set once, up front."""
        texts: dict[int, str] = {}
        ints: dict[int, str] = {}
        for rule_cond in self.top_conditions():
            for leaf in _leaves(rule_cond):
                slot = self.slots[leaf.name]
                if _reads_text(leaf):
                    texts.setdefault(slot, f"w{slot}")
                elif _reads_int(leaf):
                    ints.setdefault(slot, f"n{slot}")
        return texts, ints

    def top_conditions(self) -> Iterator[ast.Cond]:
        for rule in self.rules.score_rules:
            if rule.condition is not None:
                yield rule.condition
        for dq in self.rules.disqualifications:
            yield dq.condition
        for stage in self.rules.stages:
            if stage.condition is not None:
                yield stage.condition

    def score_function(self) -> None:
        c = self.code
        defs = len(self.rules.definitions)
        # The safety net: if the generated code fails on a lead (a hostile object, data no
        # converter foresaw), the reference evaluator scores it, turning such failures into
        # undecided rules and warnings. `_raw=True` lets the failure through (for tests).
        with c.block("def _score(lead, now, _raw=False):"):
            c("try:")
            c.depth += 1
            self.read_slots()
            c(f"S = [None, lead, now, False{', _NY' * defs}]")
            texts, ints = self.prepared()
            for slot, w in texts.items():
                c(f"{w} = v{slot}.strip().casefold() if v{slot}.__class__ is str else None")
            for slot, n in ints.items():
                c(f"{n} = v{slot}.__class__ is int and {_SENSIBLE.format(v=f'v{slot}')}")
            c("score = 0" if self.int_points else "score = _ZERO")
            for item in self.rules.items:
                if isinstance(item, CheckedGroup):
                    c(f"# group {item.name!r}")
                    c("sub = 0" if self.int_points else "sub = _ZERO")
                    for rule in item.rules:
                        self.score_rule(rule, item.name, "sub", texts, ints)
                    c("cl = sub")
                    if item.max is not None:
                        c(f"if cl > {self.limit(item.max)}:")
                        c(f"    cl = {self.limit(item.max)}")
                    if item.min is not None:
                        c(f"if cl < {self.limit(item.min)}:")
                        c(f"    cl = {self.limit(item.min)}")
                    c("score += cl")
                else:
                    self.score_rule(item, None, "score", texts, ints)
            c("dq = False")
            for dq in self.rules.disqualifications:
                c(f"# disqualify, line {dq.span.line}")
                env = _Env(str(dq.span.line), texts, ints)
                self.decide(dq.condition, env, ["dq = True"])
            self.stage_code(texts, ints)
            if self.int_points:  # compared with the thresholds as an int: exact, and faster
                c("if score.__class__ is int:")
                c("    score = _DECS[score + 512] if -512 <= score < 512 else _Dec(score)")
            c("ctx = S[0]")
            with c.block("if ctx is None:"):
                c("warnings = ()")
                c("X = None")
            with c.block("else:"):
                c("warnings = ctx.finish()")
                c("X = ctx.recorded")
            # A lazy Result, made as result.py describes.
            c("result = _new(_Result)")
            c("_set_score(result, score)")
            c("_set_stage(result, stage)")
            c("_set_dq(result, dq)")
            c("_set_recipe(result, (_EXPLAIN, warnings, nxt, nth, now, _FILENAME, V, X))")
            c("if S[3]:")
            c("    result.contributions  # a value that may change: build the explanation now")
            c("return result")
            c.depth -= 1
            with c.block("except (RecursionError, MemoryError):"):
                c("raise")
            with c.block("except Exception:"):
                c("if _raw:")
                c("    raise")
                c("return _reference(lead, now)")

    def limit(self, value: Decimal) -> str:
        """A group's limit: an int where whole points are added as ints and the reference's
        Decimal would be written the same, else the Decimal itself."""
        if self.int_points and value.as_tuple().exponent == 0:
            return repr(int(value))
        return self.const(value, "d")

    def score_rule(
        self,
        rule: ast.ScoreRule,
        group: str | None,
        total: str,
        texts: dict[int, str],
        ints: dict[int, str],
    ) -> None:
        c = self.code
        line = str(rule.span.line)
        rule_name = self.const(rule, "rule")
        c(f"# line {rule.span.line}: {rule.text[:60]!r}")
        if rule.per is not None:
            fact = rule.per
            v = f"v{self.slots[fact.name]}"
            if not fact.has_modifiers:
                c(f"if {v}.__class__ is int and {_UNITS.format(v=v)}:")
                c.depth += 1
                self.per_units(rule, v, total)
                c.depth -= 1
                c("else:")
                c.depth += 1
            c(f"got = _per(S, {line}, {rule_name}, {group!r})")
            c("if got.__class__ is _Contribution:")
            c(f"    {total} += got.points")
            if not fact.has_modifiers:
                c.depth -= 1
            return
        assert rule.condition is not None
        if rule.decay is not None:
            then = [f"{total} += _decay(S, {line}, {rule_name})"]
        else:
            then = [f"{total} += {self.points(rule.points)}"]
        self.decide(rule.condition, _Env(line, texts, ints), then)

    def per_units(self, rule: ast.ScoreRule, v: str, total: str) -> None:
        """A `per` rule on a whole number of units ``v``: the reference's points (the product
        rounded to UNIT_QUANTUM, then the cap), with int arithmetic where that is exact."""
        c = self.code
        points, cap = rule.points, rule.cap
        if points == 0:
            c("pass")
            return
        if _is_int_literal(points) and (cap is None or _is_int_literal(cap)):
            # A whole number of units times whole points: the reference's product is whole,
            # and unit_points writes it without decimals, as an int converts. A capped value
            # is the cap as written (`up to 10.0` keeps its decimal), as in the reference.
            with c.block(f"if {v}:"):
                c(f"f = {int(points)} * {v}")
                if cap is not None:
                    c(f"if f > {int(cap)}:")
                    c(f"    f = {self.limit(cap)}")
                    c(f"elif f < {-int(cap)}:")
                    c(f"    f = {self.limit(-cap)}")
                c(f"{total} += f")
            return
        c(f"f = _units({self.const(points, 'd')}, {v})")
        with c.block("if f:"):
            if cap is not None:
                c(f"if abs(f) > {self.const(cap, 'd')}:")
                c(f"    f = {self.const(cap, 'd')} if f > 0 else {self.const(-cap, 'd')}")
            c(f"{total} += f")

    def stage_code(self, texts: dict[int, str], ints: dict[int, str]) -> None:
        c = self.code
        stages = self.rules.stages
        for i, stage in enumerate(stages):
            threshold = self.number(stage.threshold)
            if stage.condition is None:
                c(f"r{i} = score >= {threshold}")
            else:
                c(f"# stage {stage.name!r}")
                env = _Env(str(stage.span.line), texts, ints)
                found = self.plain(stage.condition, env)
                if found is None:
                    self.cond(stage.condition, env)
                else:
                    guards, expression = found
                    with c.block(f"if {' and '.join(guards) or 'True'}:"):
                        c(f"t = {expression}")
                    with c.block("else:"):
                        c(f"t = _kl(S, {env.line}, {self.const(stage.condition, 'c')}, V)")
                c(f"r{i} = t is True and score >= {threshold}")
        with c.block("if dq:"):
            c("stage = nxt = nth = None")
        with c.block("else:"):
            c("fl = -1")
            c("stage = None")
            for i in reversed(range(len(stages))):
                with c.block(f"{'if' if i == len(stages) - 1 else 'elif'} r{i}:"):
                    c(f"stage = {stages[i].name!r}")
                    c(f"fl = {i}")
            c("nxt = nth = None")
            for i, stage in enumerate(stages):
                with c.block(f"{'if' if i == 0 else 'elif'} fl < {i} and not r{i}:"):
                    c(f"nxt = {stage.name!r}")
                    c(f"nth = {self.const(stage.threshold, 'd')}")

    # ---- the explanation
    #
    # ``_explain(V, now, X)`` rebuilds the Result's parts from the values the scoring read
    # (``X``: what the reference's paths recorded). The part of one rule, disqualify rule or
    # stage condition is read from a memo kept by the *keys* of the values it reads (see
    # compiled_runtime: equal plain values make equal, shareable parts), and made by a unit of
    # its own, ``f(V, S, X, key)``, only when the memo lacks it. A unit decides the condition
    # with the reference's code at first, and compiles it once the memo has lacked
    # COMPILE_AFTER parts: a big rule file is compiled only where it keeps meeting new values.

    def explain_function(self) -> None:
        c = self.code
        rules = self.rules
        self.ns.update(rt.explain_names(rules, self.slots))
        self.unit_lock = threading.Lock()
        self.compiled_units: dict[str, Callable[..., Any]] = {}
        memos = len(rules.score_rules) + len(rules.disqualifications) + len(rules.stages)
        self.memo_size = rt.memo_size(memos + len(rules.groups))  # groups: clamp memos
        plans: dict[int, tuple[list[int], tuple[int, ...]] | None] = {}
        conditions = [r.condition for r in rules.score_rules if r.decay is None]
        conditions += [dq.condition for dq in rules.disqualifications]
        conditions += [s.condition for s in rules.stages]
        for condition in conditions:
            if condition is not None:
                plans[id(condition)] = self.memo_key_slots(condition)
        keyed = sorted({slot for plan in plans.values() if plan for slot in plan[0]})
        defs = len(rules.definitions)
        names = sorted(self.slots.values())
        zero = "0" if self.int_points else "_ZERO"
        with c.block("def _explain(V, now, X):"):
            if names:
                c(f"({''.join(f'v{slot}, ' for slot in names)}) = V")
            c(f"S = [None, V, now, X{', _NY' * defs}]")
            for slot in keyed:
                v = f"v{slot}"
                c(
                    f"k{slot} = {v} if (q := {v}.__class__) is str and len({v}) <= "
                    f"{rt.KEY_TEXT_MAX} or q is int and -_KB < {v} < _KB else _xkey({v})"
                )
            c("C = []  # contributions")
            c("K = []  # clamps")
            c("U = []  # undecided")
            c("D = []  # disqualifications")
            c(f"score = {zero}")
            groups: list[str] = []
            for item in rules.items:
                if isinstance(item, CheckedGroup):
                    c(f"# group {item.name!r}")
                    c(f"sub = {zero}")
                    for rule in item.rules:
                        self.explain_rule(rule, item.name, "sub", plans)
                    limits = []
                    if item.max is not None:
                        limits.append(f"sub > {self.number(item.max)}")
                    if item.min is not None:
                        limits.append(f"sub < {self.number(item.min)}")
                    if limits:
                        limiter = self.const(rt.group_limiter(item, self.memo_size), "xg")
                        c(f"if {' or '.join(limits)}:")
                        c(f"    sub = {limiter}(sub, C, K)")
                    g = f"g{len(groups)}"
                    c(f"{g} = _Dec(sub) if sub.__class__ is int else sub")
                    c("score += sub")
                    groups.append(f"{item.name!r}: {g}, ")
                else:
                    self.explain_rule(item, None, "score", plans)
            for dq in rules.disqualifications:
                c(f"# disqualify, line {dq.span.line}")
                label = dq.reason or dq.text
                disqualified = rt.disqualification_maker(
                    label, dq.span.line, dq.span.column, dq.text
                )
                self.explain_part(
                    dq.condition,
                    plans[id(dq.condition)],
                    disqualified,
                    "disqualify",
                    label,
                    dq.span,
                )
                c("if o.__class__ is _xD:")
                c("    D.append(o)")
                c("elif o is not _NO:")
                c("    U.append(o)")
            outcomes = []
            for i, stage in enumerate(rules.stages):
                c(f"# stage {stage.name!r}")
                reached, unknown, false = rt.stage_outcomes(stage)
                test = f"{self.const(reached, 'xs')}[score >= {self.number(stage.threshold)}]"
                if stage.condition is None:
                    c(f"o{i} = {test}")
                else:
                    self.explain_part(
                        stage.condition,
                        plans[id(stage.condition)],
                        None,
                        "stage",
                        stage.text,
                        stage.span,
                        "p",
                    )
                    c("t, o = p")
                    c("if o is not None:")
                    c("    U.append(o)")
                    c(
                        f"o{i} = {test} if t is True else {self.const(unknown, 'xs')} "
                        f"if t is None else {self.const(false, 'xs')}"
                    )
                outcomes.append(f"o{i}, ")
            c(
                "return (tuple(D), tuple(C), "
                f"_xfrozen({{{''.join(groups)}}}), tuple(U), tuple(K), ({''.join(outcomes)}))"
            )

    def explain_rule(
        self,
        rule: ast.ScoreRule,
        group: str | None,
        total: str,
        plans: dict[int, tuple[list[int], tuple[int, ...]] | None],
    ) -> None:
        c = self.code
        label = rule.display
        c(f"# line {rule.span.line}")
        if rule.per is not None:
            self.explain_per(rule, group, total)
            return
        assert rule.condition is not None
        if rule.decay is not None:
            # The points decay with the age of the events: as the scoring recorded them.
            undecided = rt.undecided_maker("score rule", label, rule.span)
            self.cond(rule.condition, _Env("0"))
            c("if t is None:")
            c(f"    o = {self.const(undecided, 'xu')}(x)")
            c("elif not t:")
            c("    o = _NO")
            with c.block("else:"):
                c(f"p, decay = X[{id(rule)}]")
                c(
                    f"o = _xcontrib(p, {label!r}, {group!r}, {rule.span.line}, "
                    f"{rule.span.column}, _xevs(x), 'rule', {rule.text!r}, None, None, decay)"
                )
            points = "o.points"
        else:
            make = rt.contribution_maker(
                rule.points, label, group, rule.span.line, rule.span.column, rule.text
            )
            plan = plans[id(rule.condition)]
            self.explain_part(rule.condition, plan, make, "score rule", label, rule.span)
            points = repr(int(rule.points)) if self.int_points else self.const(rule.points, "d")
        c("if o.__class__ is _xC:")
        c("    C.append(o)")
        c(f"    {total} += {points}")
        c("elif o is not _NO:")
        c("    U.append(o)")

    def explain_per(self, rule: ast.ScoreRule, group: str | None, total: str) -> None:
        """A `per` rule: a field holding a whole number inline (its part kept by that number),
        anything else as the scoring's reference path recorded it."""
        c = self.code
        fact = rule.per
        assert fact is not None
        v = f"v{self.slots[fact.name]}"
        if not fact.has_modifiers:
            memo: dict[int, Any] = {}
            part = self.const(rt.units_part(rule, group, memo, self.memo_size), "xp")
            c(f"if {v}.__class__ is int and {_UNITS.format(v=v)}:")
            c(f"    o = {self.const(memo, 'xo')}.get({v}) or {part}({v})")
            c("    if o is not _NO:")
            c("        C.append(o[0])")
            if rule.cap is not None:
                c("        K.extend(o[1])")
            c(f"        {total} += o[2]")
            c("else:")
            c.depth += 1
        c(f"got = X[{id(rule)}]")
        with c.block("if got.__class__ is _xC:"):
            c("C.append(got)")
            c("K.extend(_xrc(got))")
            c(f"{total} += got.points")
        with c.block("elif got is not None:"):
            c("U.append(got)")
        if not fact.has_modifiers:
            c.depth -= 1

    def memo_key_slots(self, node: ast.Cond) -> tuple[list[int], tuple[int, ...]] | None:
        """The slots whose keys make the memo key of ``node``'s part (definitions included),
        and the positions among them of values an absent one of which is an event; None when
        the part depends on more than those values (a time window, or an event's count or
        `where`)."""
        slots: set[int] = set()
        events: set[int] = set()
        for item in ast.tests(node, definitions=True):
            assert isinstance(item, Leaf)
            slot = self.slots[item.name]
            if isinstance(item, ast.Fact):
                if item.has_modifiers:
                    return None
                events.add(slot)
            slots.add(slot)
        ordered = sorted(slots)
        return ordered, tuple(i for i, slot in enumerate(ordered) if slot in events)

    def explain_part(
        self,
        node: ast.Cond,
        plan: tuple[list[int], tuple[int, ...]] | None,
        fired: Callable[[tuple[Any, ...]], Any] | None,
        kind: str,
        label: str,
        span: ast.Span,
        target: str = "o",
    ) -> None:
        """A line setting ``target`` to the part of the rule with condition ``node`` (see
        compiled_runtime.part_maker): from its memo, else from its unit (see
        compiled_runtime.cold_unit; :meth:`compile_unit` compiles it)."""
        c = self.code
        unit = f"_{self.var('xf')}"
        if plan is None:
            part = rt.part_maker(fired, kind, label, span, None)
            c(f"{target} = {unit}(V, S, X, _NK)")
        else:
            slots, events = plan
            memo: dict[Any, Any] = {}
            part = rt.part_maker(
                fired, kind, label, span, memo, self.memo_size, len(slots) == 1, events
            )
            if len(slots) == 1:
                get = key = f"k{slots[0]}"
            else:
                key = "kk"
                get = f"(kk := ({''.join(f'k{slot}, ' for slot in slots)}))"
            c(f"{target} = {self.const(memo, 'xo')}.get({get}) or {unit}(V, S, X, {key})")
        part_name = self.const(part, "xk")

        def compiled() -> Callable[..., Any]:
            return self.compile_unit(unit, node, part_name)

        self.ns[unit] = rt.cold_unit(self.rules, self.slots, node, part, compiled)

    def compile_unit(self, name: str, node: ast.Cond, part: str) -> Callable[..., Any]:
        """Compiles the unit ``name``: ``name(V, S, X, k)``, the part ``part(k, t, x)`` for
        ``node`` decided by generated code, and binds it in the namespace in place of the
        cold unit (the explanation's code calls it from then on)."""
        with self.unit_lock:
            function = self.compiled_units.get(name)
            if function is not None:
                return function
            outer, first = self.code, len(self.units)
            self.code = _Code()
            with self.code.block(f"def {name}(V, S, X, k):"):
                for slot in sorted({self.slots[leaf.name] for leaf in _leaves(node)}):
                    self.code(f"v{slot} = V[{slot}]")
                self.cond(node, _Env("0"))
                self.code(f"return {part}(k, t, x)")
            source = "\n".join(u.text() for u in [self.code, *self.units[first:]])
            self.code = outer
            filename = f"<leadrules-compiled:{self.rules.file.filename}#{next(_COUNTER)}>"
            code = compile(source, filename, "exec")
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            # As in _Compiled._build: source generated from the checked tree, defining functions.
            exec(code, self.ns)  # noqa: S102
            compiled: Callable[..., Any] = self.ns[name]
            weakref.finalize(compiled, linecache.cache.pop, filename, None)
            self.compiled_units[name] = compiled
            return compiled


def _slots(rules: CheckedRules) -> dict[ast.Name, int]:
    """Every name the rules read from the lead (outside `where` filters), numbered."""
    slots: dict[ast.Name, int] = {}
    conditions: list[ast.Cond] = [d.condition for d in rules.definitions]
    for rule in rules.score_rules:
        if rule.condition is not None:
            conditions.append(rule.condition)
        if rule.per is not None:
            conditions.append(rule.per)
    conditions.extend(dq.condition for dq in rules.disqualifications)
    conditions.extend(s.condition for s in rules.stages if s.condition is not None)
    for condition in conditions:
        for leaf in _leaves(condition):
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
            "_set_score": _result_module._set_score,
            "_set_stage": _result_module._set_stage,
            "_set_dq": _result_module._set_disqualified,
            "_set_recipe": _result_module._set_recipe,
            "_ZERO": Decimal(0),
            "_Contribution": Contribution,
            "_FILENAME": rules.file.filename,
        }
        self.base = base
        self.score: Scorer = self._build(False)

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

        leaves: dict[int, tuple[int, Any, int]] = {}

        def kleene(state: list[Any], line: int, node: ast.Cond, values: tuple[Any, ...]) -> Any:
            """A condition with a plain form (see _Generator.plain) for values not all of
            their usual class: what its inline Kleene code would give, test by test."""
            if isinstance(node, ast.Not):
                truth = kleene(state, line, node.operand, values)
                return None if truth is None else not truth
            if isinstance(node, (ast.And, ast.Or)):
                stop = isinstance(node, ast.Or)  # `or` stops at True, `and` at False
                operands = node.operands
                settled = kleene(state, line, operands[0], values)
                for operand in operands[1:]:
                    if settled is stop:
                        break
                    truth = kleene(state, line, operand, values)
                    if truth is not (not stop):
                        settled = truth
                return settled
            found = leaves.get(id(node))
            if found is None:  # the test's slot, its medium test, and its kind
                assert not isinstance(node, ast.DefRef)  # plain forms have none
                kind = 2 if isinstance(node, ast.Fact) else int(isinstance(node, ast.Presence))
                found = leaves[id(node)] = (slots[node.name], medium(node), kind)
            slot, test, kind = found
            raw = values[slot]
            if kind == 0 and (
                raw is None or raw is MISSING or (raw.__class__ is str and not raw.strip())
            ):
                return None  # a comparison with a missing value: unknown, no warning
            if raw is MISSING and kind == 2:
                return event_fact(state, line, node)  # type: ignore[arg-type]
            return rare(state, line, node, test, raw)

        def reference(lead: Any, now: dt.datetime) -> Result:
            return evaluate_checked(rules, lead, now)

        spellings = tuple(
            (*_spellings(name.parts[0]), ast.normalize_name(name.parts[0].text))
            for name, _ in sorted(slots.items(), key=lambda item: item[1])
            if len(name.parts) == 1
        )
        plans: dict[tuple[Any, ...], Any] = {}

        def learn(keys: tuple[Any, ...]) -> Any:
            plan = key_plan(keys, spellings)
            rt.remember(plans, MAX_KEY_PLANS, keys, plan)
            return plan

        ns.update(
            _Getter=operator.itemgetter,
            _MISSINGS=(MISSING,) * len(spellings),
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
        )
        return ns

    def _build(self, full: bool) -> Any:
        ns = self._namespace()
        generator = _Generator(self.rules, full, ns)
        source = generator.main()
        filename = f"<leadrules-compiled:{self.rules.file.filename}#{next(_COUNTER)}>"
        code = compile(source, filename, "exec")
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        # One of the two execs in leadrules (the other compiles one rule's explanation, above):
        # it runs source generated above from the checked tree (user text enters it only
        # through repr or as bound constants), defining functions.
        exec(code, ns)  # noqa: S102
        function = ns["_explain" if full else "_score"]
        weakref.finalize(function, linecache.cache.pop, filename, None)
        function.__leadrules_source__ = source
        if not full:
            # The generated code without its safety net (a failure is raised): for tests.
            raw = functools.partial(function, _raw=True)
            raw.__leadrules_source__ = source  # type: ignore[attr-defined]
            function.__wrapped__ = raw
        return function

    def _explain(self, recipe: tuple[Any, ...]) -> Any:
        """Builds a lazy Result's parts (the recipe: see result.py, made by ``_score``)."""
        function = self.explain
        if function is None:
            with self.lock:
                if self.explain is None:
                    self.explain = self._build(True)
                function = self.explain
        return function(recipe[6], recipe[4], recipe[7])


def compile_scorer(checked: CheckedRules) -> Scorer:
    """A function scoring one lead at an aware ``now``, giving exactly the reference
    evaluator's Result. A lead on which the generated code fails (a hostile object, data no
    converter foresaw) is scored by the reference evaluator instead, which turns such
    failures into undecided rules and warnings: bad lead data never stops scoring. The
    function's ``__wrapped__`` is the generated code alone, failures raised."""
    return _Compiled(checked).score


def generated_source(scorer: Scorer) -> str:
    """The Python source of a compiled scorer (for the curious, and for debugging)."""
    source: str = getattr(scorer, "__leadrules_source__", "")
    return source
