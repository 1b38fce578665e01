"""The compiled backend's scoring function, ``_score(lead, now)``: reads each name the rules use
once, decides each rule (see :mod:`.codegen`), adds the points, clamps the groups, decides the
disqualify rules and the stages, and returns a lazy :class:`~leadrules.result.Result` whose
explanation :mod:`.explaining` builds when it is first read.

A dict lead's values are read with one ``itemgetter`` per key order (:func:`.runtime.key_plan`),
an attrs instance's through a dict of its fields (:func:`.runtime.attrs_view`), anything else
through the reference's Record. Whole points are added as ints where that is exact.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ...lang import ast
from ...lang.checker import CheckedGroup
from ...lang.visitor import Visitor
from .codegen import SENSIBLE, UNITS, Env, Generator, is_int_literal, leaves

__all__ = ["ScoreGenerator", "spellings"]


def spellings(part: ast.NamePart) -> tuple[str, ...]:
    """The keys Record.lookup tries first for one part of a name, in order."""
    snake = part.text.replace(" ", "_")
    return (part.text,) if part.exact or snake == part.text else (part.text, snake)


class _Reads(Visitor[[], "str | None"]):
    """How a single test's fast path reads its value: as folded ``"text"``, as a whole
    number (``"int"``), or neither (None)."""

    def visit_compare(self, node: ast.Compare) -> str | None:
        if isinstance(node.value, bool):
            return "bool"
        if isinstance(node.value, str):
            return "text"
        return "int" if isinstance(node.value, Decimal) else None

    def visit_in(self, node: ast.In) -> str | None:
        if all(isinstance(i, str) for i in node.values.items):
            return "text"
        return "int" if all(isinstance(i, Decimal) for i in node.values.items) else None

    def visit_between(self, node: ast.Between) -> str | None:
        if isinstance(node.low, str) and isinstance(node.high, str):
            return "text"
        if isinstance(node.low, Decimal) and isinstance(node.high, Decimal):
            return "int"
        return None

    def visit_text_test(self, node: ast.TextTest) -> str | None:
        return "text" if isinstance(node.value, str) else None

    def visit_matches(self, node: ast.Matches) -> None:
        return None

    def visit_presence(self, node: ast.Presence) -> None:
        return None

    def visit_fact(self, node: ast.Fact) -> str | None:
        return None if node.has_modifiers else "bool"


_READS = _Reads()


class ScoreGenerator(Generator):
    """Generates ``_score``."""

    full = False

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
                for i, key in enumerate(spellings(part)):
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

    def prepared(self) -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
        """The slots read as text, as numbers and as yes/no by the inline tests of the rules:
        (slot -> variable holding its folded text or None, slot -> variable saying whether
        ``qS``, its number (typed.number_value), is an exact int, slot -> variable holding
        its yes/no or None). All are set once, up front."""
        texts: dict[int, str] = {}
        ints: dict[int, str] = {}
        bools: dict[int, str] = {}
        for rule_cond in self.top_conditions():
            for leaf in leaves(rule_cond):
                slot = self.slots[leaf.name]
                reads = _READS.visit(leaf)
                if reads == "text":
                    texts.setdefault(slot, f"w{slot}")
                elif reads == "int":
                    ints.setdefault(slot, f"n{slot}")
                elif reads == "bool":
                    bools.setdefault(slot, f"b{slot}")
        return texts, ints, bools

    def top_conditions(self) -> Iterator[ast.Cond]:
        return self.rules.conditions(definitions=False, per=False)

    def body(self) -> None:
        c = self.code
        defs = len(self.rules.definitions)
        # The safety net: if the generated code fails on a lead (a hostile object, data no
        # converter foresaw), the reference evaluator scores it, turning such failures into
        # undecided rules and warnings. `_raw=True` lets the failure through (for tests).
        with c.block("def _score(lead, now, _raw=False):"):
            c("S = None")
            c("try:")
            c.depth += 1
            self.read_slots()
            c(f"S = [None, lead, now, False{', _NY' * defs}]")
            texts, ints, bools = self.prepared()
            for slot, w in texts.items():
                # the folded text; "" when it is missing (blank or a missing word)
                c(
                    f"{w} = (_f if (_f := v{slot}.strip().casefold()) not in _MW else '') "
                    f"if v{slot}.__class__ is str else None"
                )
            for slot, n in ints.items():
                # qS: the number (an int when exact, else a float near it), None when the
                # medium test must decide; nS: whether it is exact (typed.number_value).
                v = f"v{slot}"
                c(
                    f"q{slot} = {v} if {v}.__class__ is int and {SENSIBLE.format(v=v)} "
                    f"else _numq({v})"
                )
                c(f"{n} = q{slot}.__class__ is int")
            for slot, b in bools.items():
                v = f"v{slot}"
                c(
                    f"{b} = {v} if {v}.__class__ is bool else "
                    f"(_YN.get({v}) if {v}.__class__ is str else None)"
                )
            c("score = 0" if self.int_points else "score = _ZERO")
            for item in self.rules.items:
                if isinstance(item, CheckedGroup):
                    c(f"# group {item.name!r}")
                    c("sub = 0" if self.int_points else "sub = _ZERO")
                    for rule in item.rules:
                        self.score_rule(rule, item.name, "sub", texts, ints, bools)
                    c("cl = sub")
                    if item.max is not None:
                        c(f"if cl > {self.limit(item.max)}:")
                        c(f"    cl = {self.limit(item.max)}")
                    if item.min is not None:
                        c(f"if cl < {self.limit(item.min)}:")
                        c(f"    cl = {self.limit(item.min)}")
                    c("score += cl")
                else:
                    self.score_rule(item, None, "score", texts, ints, bools)
            c("dq = False")
            for dq in self.rules.disqualifications:
                c(f"# disqualify, line {dq.span.line}")
                env = Env(str(dq.span.line), texts, ints, bools)
                self.decide(dq.condition, env, ["dq = True"])
            self.stage_code(texts, ints, bools)
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
                c("return _reference(lead, now, S)")  # with the events it read, if any

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
        bools: dict[int, str],
    ) -> None:
        c = self.code
        line = str(rule.span.line)
        rule_name = self.const(rule, "rule")
        c(f"# line {rule.span.line}: {rule.text[:60]!r}")
        if rule.per is not None:
            fact = rule.per
            v = f"v{self.slots[fact.name]}"
            if not fact.has_modifiers:
                c(f"if {v}.__class__ is int and {UNITS.format(v=v)}:")
                c.depth += 1
                self.per_units(rule, v, total)
                c.depth -= 1
                # Units written as plain digits, as a CSV gives them (typed.unit_text).
                c(f"elif (u := _untext({v})) is not None and {UNITS.format(v='u')}:")
                c.depth += 1
                self.per_units(rule, "u", total)
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
        self.decide(rule.condition, Env(line, texts, ints, bools), then)

    def per_units(self, rule: ast.ScoreRule, v: str, total: str) -> None:
        """A `per` rule on a whole number of units ``v``: the reference's points (the product
        rounded to UNIT_QUANTUM, then the cap), with int arithmetic where that is exact."""
        c = self.code
        points, cap = rule.points, rule.cap
        if points == 0:
            c("pass")
            return
        if is_int_literal(points) and (cap is None or is_int_literal(cap)):
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

    def stage_code(
        self, texts: dict[int, str], ints: dict[int, str], bools: dict[int, str]
    ) -> None:
        c = self.code
        stages = self.rules.stages
        for i, stage in enumerate(stages):
            threshold = self.number(stage.threshold)
            if stage.condition is None:
                c(f"r{i} = score >= {threshold}")
            else:
                c(f"# stage {stage.name!r}")
                env = Env(str(stage.span.line), texts, ints, bools)
                found = self.plain_forms.visit(stage.condition, env, 0)
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
