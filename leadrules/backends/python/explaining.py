"""The compiled backend's explanation function, ``_explain(V, now, X)``: rebuilds a Result's
parts (contributions with their evidence, clamps, undecided rules, stage outcomes,
disqualifications) from the values the scoring read (``V``) and what the reference's paths
recorded (``X``), when a lazy Result's parts are first read.

The part of one rule, disqualify rule or stage condition is read from a memo kept by the
*keys* of the values it reads (see :mod:`.memos`: equal plain values make equal, shareable
parts), and made by a unit of its own, ``f(V, S, X, key)``, only when the memo lacks it. A unit
decides the condition with the reference's code at first, and compiles it once the memo has
lacked COMPILE_AFTER parts: a big rule file is compiled only where it keeps meeting new values.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ...lang import ast
from ...lang.checker import CheckedGroup
from . import memos
from .codegen import UNITS, Code, Env, Generator, Leaf, leaves, load_source

__all__ = ["ExplainGenerator"]


class ExplainGenerator(Generator):
    """Generates ``_explain`` (and, later, the units it compiles)."""

    full = True

    def body(self) -> None:
        c = self.code
        rules = self.rules
        self.ns.update(memos.explain_names(rules, self.slots))
        self.unit_lock = threading.Lock()
        self.compiled_units: dict[str, Callable[..., Any]] = {}
        parts = len(rules.score_rules) + len(rules.disqualifications) + len(rules.stages)
        self.memo_size = memos.memo_size(parts + len(rules.groups))  # groups: clamp memos
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
                    f"{memos.KEY_TEXT_MAX} or q is int and -_KB < {v} < _KB else _xkey({v})"
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
                        limiter = self.const(memos.group_limiter(item, self.memo_size), "xg")
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
                disqualified = memos.disqualification_maker(
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
                reached, unknown, false = memos.stage_outcomes(stage)
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
            undecided = memos.undecided_maker("score rule", label, rule.span)
            self.cond(rule.condition, Env("0"))
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
            make = memos.contribution_maker(
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
            part = self.const(memos.units_part(rule, group, memo, self.memo_size), "xp")
            c(f"if {v}.__class__ is int and {UNITS.format(v=v)}:")
            c(f"    o = {self.const(memo, 'xo')}.get({v}) or {part}({v})")
            c("    if o is not _NO:")
            c("        C.append(o[0])")
            if rule.cap is not None:
                c("        K.extend(o[1])")
            c(f"        {total} += o[2]")
            c("else:")
            c.depth += 1
        if fact.has_modifiers:
            c(f"got = X[{id(rule)}]")
        else:
            # Units the scoring counted inline from digits (typed.unit_text): the
            # reference's own code gives the part; anything else it recorded.
            c(
                f"got = _xper(S, {self.const(rule, 'xr')}, {group!r}) if (u := _untext({v})) "
                f"is not None and {UNITS.format(v='u')} else X[{id(rule)}]"
            )
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
            part = memos.part_maker(fired, kind, label, span, None)
            c(f"{target} = {unit}(V, S, X, _NK)")
        else:
            slots, events = plan
            memo: dict[Any, Any] = {}
            part = memos.part_maker(
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

        self.ns[unit] = memos.cold_unit(self.rules, self.slots, node, part, compiled)

    def compile_unit(self, name: str, node: ast.Cond, part: str) -> Callable[..., Any]:
        """Compiles the unit ``name``: ``name(V, S, X, k)``, the part ``part(k, t, x)`` for
        ``node`` decided by generated code, and binds it in the namespace in place of the
        cold unit (the explanation's code calls it from then on)."""
        with self.unit_lock:
            function = self.compiled_units.get(name)
            if function is not None:
                return function
            outer, first = self.code, len(self.units)
            self.code = Code()
            with self.code.block(f"def {name}(V, S, X, k):"):
                for slot in sorted({self.slots[leaf.name] for leaf in leaves(node)}):
                    self.code(f"v{slot} = V[{slot}]")
                self.cond(node, Env("0"))
                self.code(f"return {part}(k, t, x)")
            source = "\n".join(u.text() for u in [self.code, *self.units[first:]])
            self.code = outer
            compiled: Callable[..., Any] = load_source(source, self.rules, self.ns, name)
            self.compiled_units[name] = compiled
            return compiled
