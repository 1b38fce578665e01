"""Static analysis of checked rules: what can be known about every lead before any is scored.

* the lowest and highest possible total and group scores (after group clamps and rule caps);
* stages that can never be reached, or that every lead reaches;
* rules whose condition can never be true, found by interval reasoning over single-field tests
  (``x > 5 and x < 3``, ``country in ["GB"] and country = "US"``);
* rules written twice; group limits that can never bind;
* disqualify rules that are always true or that make every stage unreachable.

Conditions are read with the language's three-valued logic: a test on a missing field is
*unknown*, never true, so ``x > 5 or x <= 5`` is not always true. Each condition is turned into
the alternatives (a disjunction of conjunctions of single-field constraints) under which it is
true, false or unknown; an alternative whose constraints on one field contradict each other is
impossible. When the alternatives grow too many the analysis gives up on that condition and
assumes nothing, so every warning it gives is certain; it misses some (see docs/checking.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from typing import Any, TypeAlias

import attrs

from ..errors import Diagnostic
from ..runtime.values import to_text
from . import ast
from .checker import CheckedGroup, CheckedRules
from .schema import make_diagnostic, resolve_field

__all__ = ["INFINITY", "Analysis", "analyze", "score_bounds", "summarize"]

INFINITY = Decimal("Infinity")
#: The step decayed points are rounded to (see the evaluator).
_DECAY_QUANTUM = Decimal("0.01")
#: Most alternatives kept for one condition before the analysis assumes nothing about it.
_LIMIT = 256

Bounds: TypeAlias = tuple[Decimal, Decimal]

# ----------------------------------------------------------------------------- constraints

FieldKey: TypeAlias = tuple[str, ...]


@attrs.frozen(slots=True)
class _Present:
    """The field holds a value (``present``) or is missing."""

    field: FieldKey
    present: bool
    label: str = attrs.field(eq=False, default="")


@attrs.frozen(slots=True)
class _Unreadable:
    """The field holds a value that cannot be read as ``kind``."""

    field: FieldKey
    kind: str
    label: str = attrs.field(eq=False, default="")


@attrs.frozen(slots=True)
class _Cmp:
    """The field, read as ``kind``, stands in relation ``op`` to ``value``."""

    field: FieldKey
    kind: str  # number, text, bool, date, datetime
    op: str
    value: Any
    label: str = attrs.field(eq=False, default="")
    shown: str = attrs.field(eq=False, default="")  # the value as written
    pos: int = attrs.field(eq=False, default=0)  # where in the source, to order messages


@attrs.frozen(slots=True)
class _Text:
    """``contains``/``starts with``/``ends with`` ``needle`` is true (or false)."""

    field: FieldKey
    op: str
    needle: str
    positive: bool
    label: str = attrs.field(eq=False, default="")
    shown: str = attrs.field(eq=False, default="")
    pos: int = attrs.field(eq=False, default=0)


@attrs.frozen(slots=True)
class _Atom:
    """One test, as a whole, has the truth value ``value`` (T, F or U): the same test gives
    the same answer wherever it appears in one evaluation."""

    key: Any
    value: str
    label: str = attrs.field(eq=False, default="")
    pos: int = attrs.field(eq=False, default=0)


Prim: TypeAlias = _Present | _Unreadable | _Cmp | _Text | _Atom
Conj: TypeAlias = frozenset[Prim]
DNF: TypeAlias = tuple[Conj, ...]

_TRUE: DNF = (frozenset(),)
_NEVER: DNF = ()
_NEGATE = {"=": "!=", "!=": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def _c(*prims: Prim) -> Conj:
    return frozenset(prims)


def _field_key(name: ast.Name) -> FieldKey:
    # A backticked part is matched exactly first, so it may be another field than the same
    # words unquoted: keep them apart (the safe choice).
    return tuple(f"`{p.text}`" if p.exact else p.key for p in name.parts)


def _kind(value: Any) -> str | None:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, Decimal):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    return None


def _bound(value: Any) -> Any:
    """A literal as the evaluator compares it."""
    return value.strip().casefold() if isinstance(value, str) else value


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return ast._format_decimal(value)
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _canon_value(value: Any) -> Any:
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, Decimal):
        return ("n", value.normalize()) if value.is_finite() else ("n", value)
    if isinstance(value, str):
        return ("s", value.strip().casefold())
    if isinstance(value, dt.datetime):
        return ("t", value)
    if isinstance(value, dt.date):
        return ("d", value)
    if isinstance(value, ast.Duration):
        return ("dur", value.amount.normalize(), value.unit)
    if isinstance(value, ast.ListValue):
        return ("list", tuple(sorted((_canon_value(v) for v in value.items), key=repr)))
    return ("?", repr(value))


def canon(node: Any) -> Any:
    """A hashable key equal for two conditions that mean the same by their text: names and
    texts compared as the language compares them, `and`/`or` operands in any order."""
    if isinstance(node, (ast.And, ast.Or)):
        tag = "and" if isinstance(node, ast.And) else "or"
        flat: list[Any] = []
        for operand in node.operands:
            key = canon(operand)
            if isinstance(key, tuple) and key and key[0] == tag:
                flat.extend(key[1])
            else:
                flat.append(key)
        return (tag, tuple(sorted(set(flat), key=repr)))
    if isinstance(node, ast.Not):
        return ("not", canon(node.operand))
    if isinstance(node, ast.DefRef):
        return ("def", node.name.key)
    if isinstance(node, ast.Compare):
        return ("cmp", _field_key(node.name), node.op, _canon_value(node.value))
    if isinstance(node, ast.In):
        return ("in", _field_key(node.name), node.negated, _canon_value(node.values))
    if isinstance(node, ast.Between):
        low, high = _canon_value(node.low), _canon_value(node.high)
        return ("between", _field_key(node.name), node.negated, low, high)
    if isinstance(node, ast.TextTest):
        return ("text", _field_key(node.name), node.op, _canon_value(node.value))
    if isinstance(node, ast.Matches):
        return ("matches", _field_key(node.name), node.pattern, node.flags.lower())
    if isinstance(node, ast.Presence):
        return ("presence", _field_key(node.name), node.present)
    if isinstance(node, ast.Fact):
        count = None if node.count is None else (node.count.op, node.count.n)
        windows = tuple(sorted(((w.kind, _canon_value(w.value)) for w in node.windows), key=repr))
        where = None if node.where is None else canon(node.where)
        return ("fact", _field_key(node.name), where, count, windows)
    return ("?", repr(node))  # pragma: no cover


# ----------------------------------------------------------------------------- satisfiability


def _holds(op: str, value: Any, bound: Any) -> bool:
    order = int(value > bound) - int(value < bound)
    return {
        "=": order == 0,
        "!=": order != 0,
        "<": order < 0,
        "<=": order <= 0,
        ">": order > 0,
        ">=": order >= 0,
    }[op]


def _text_holds(op: str, text: str, needle: str) -> bool:
    if op == "contains":
        return needle in text
    if op == "starts with":
        return text.startswith(needle)
    return text.endswith(needle)


def _describe(c: _Cmp | _Text) -> str:
    if isinstance(c, _Text):
        return f"{'' if c.positive else 'not '}{c.op} {c.shown or _show(c.needle)}"
    return f"{c.op} {c.shown or _show(c.value)}"


def _check_field(label: str, kind: str, cmps: Sequence[_Cmp], texts: Sequence[_Text]) -> str | None:
    """None when one value can meet every constraint on one field read as ``kind``; else why
    not."""
    eqs: list[_Cmp] = []
    for c in cmps:
        if c.op == "=" and not any(_holds("=", c.value, e.value) for e in eqs):
            eqs.append(c)
    if len(eqs) > 1:
        return f"`{label}` cannot be both {_describe(eqs[0])} and {_describe(eqs[1])}"
    if eqs:
        pin = eqs[0]
        for c in cmps:
            if not _holds(c.op, pin.value, c.value):
                return f"`{label}` cannot be both {_describe(pin)} and {_describe(c)}"
        if kind == "text":
            for t in texts:
                if _text_holds(t.op, pin.value, t.needle) != t.positive:
                    return f"`{label}` cannot be both {_describe(pin)} and {_describe(t)}"
        return None
    if kind == "bool":
        for candidate in (False, True):
            if all(_holds(c.op, candidate, c.value) for c in cmps):
                return None
        return f"`{label}` cannot be both " + " and ".join(_describe(c) for c in cmps[:2])
    lows = [c for c in cmps if c.op in (">", ">=")]
    highs = [c for c in cmps if c.op in ("<", "<=")]
    excluded = [c for c in cmps if c.op == "!="]
    low = _tightest(lows, kind, lower=True)
    high = _tightest(highs, kind, lower=False)
    if low is not None and high is not None:
        (lv, lstrict, lc), (hv, hstrict, hc) = low, high
        if lv > hv or (lv == hv and (lstrict or hstrict)):
            return f"`{label}` cannot be both {_describe(lc)} and {_describe(hc)}"
        if lv == hv and any(_holds("=", lv, e.value) for e in excluded):
            ex = next(e for e in excluded if _holds("=", lv, e.value))
            return (
                f"`{label}` cannot be {_describe(lc)}, {_describe(hc)} and {_describe(ex)} at once"
            )
        if kind == "date" and (hv - lv).days < len(excluded):
            days = [lv + dt.timedelta(days=i) for i in range((hv - lv).days + 1)]
            if all(any(day == e.value for e in excluded) for day in days):
                return f"`{label}`: every date from {_show(lv)} to {_show(hv)} is excluded"
    return None


def _tightest(cs: Sequence[_Cmp], kind: str, lower: bool) -> tuple[Any, bool, _Cmp] | None:
    """The strongest bound among ``cs`` as (value, strict, constraint). Dates are whole days,
    so ``> d`` is ``>= d + 1 day``."""
    best: tuple[Any, bool, _Cmp] | None = None
    for c in cs:
        value, strict = c.value, c.op in ("<", ">")
        if kind == "date" and strict:
            try:
                value = value + dt.timedelta(days=1 if lower else -1)
            except OverflowError:
                return (value, True, c)  # nothing lies beyond the calendar's end
            strict = False
        if best is None:
            best = (value, strict, c)
            continue
        if lower and (value > best[0] or (value == best[0] and strict)):
            best = (value, strict, c)
        if not lower and (value < best[0] or (value == best[0] and strict)):
            best = (value, strict, c)
    return best


def _check_texts(label: str, texts: Sequence[_Text], stringy: bool) -> str | None:
    """Contradictions among text tests without a pinned value. ``stringy``: the value is known
    to be read as one text (not a list, where `contains` tests the items)."""
    pos = [t for t in texts if t.positive]
    neg = [t for t in texts if not t.positive]
    for op, fits in (("starts with", str.startswith), ("ends with", str.endswith)):
        firm = [t for t in pos if t.op == op]
        for a in firm:
            for b in firm:
                if not (fits(a.needle, b.needle) or fits(b.needle, a.needle)):
                    return f"`{label}` cannot both {_describe(a)} and {_describe(b)}"
            for n in neg:
                if n.op == op and fits(a.needle, n.needle):
                    return f"`{label}` cannot both {_describe(a)} and {_describe(n)}"
                if n.op == "contains" and n.needle in a.needle:
                    return f"`{label}` cannot both {_describe(a)} and {_describe(n)}"
    for a in pos:
        for n in neg:
            if n.op != "contains":
                continue
            if a.op == "contains" and (a.needle == n.needle or (stringy and n.needle in a.needle)):
                return f"`{label}` cannot both {_describe(a)} and {_describe(n)}"
    return None


class _Logic:
    """Three-valued alternatives of conditions, and satisfiability of their conjunctions."""

    def __init__(self) -> None:
        self._cache: dict[int, tuple[DNF, DNF, DNF]] = {}
        self._keep: list[Any] = []
        self._sat: dict[Conj, str | None] = {}

    # ---- satisfiability

    def why_not(self, conj: Conj) -> str | None:
        """None when some lead can meet every constraint of ``conj``; else a reason."""
        if conj in self._sat:
            return self._sat[conj]
        reason = self._why_not(conj)
        self._sat[conj] = reason
        return reason

    def _why_not(self, conj: Conj) -> str | None:
        atoms: dict[Any, _Atom] = {}
        present: dict[FieldKey, _Present] = {}
        cmps: dict[tuple[FieldKey, str], list[_Cmp]] = {}
        texts: dict[FieldKey, list[_Text]] = {}
        unreadable: dict[tuple[FieldKey, str], _Unreadable] = {}
        for p in sorted(conj, key=_position):
            if isinstance(p, _Atom):
                seen = atoms.setdefault(p.key, p)
                if seen.value != p.value:
                    return f"`{p.label}` cannot be both {_truth(seen.value)} and {_truth(p.value)}"
            elif isinstance(p, _Present):
                seen_p = present.setdefault(p.field, p)
                if seen_p.present != p.present:
                    return f"`{p.label}` cannot be both missing and present"
            elif isinstance(p, _Cmp):
                cmps.setdefault((p.field, p.kind), []).append(p)
            elif isinstance(p, _Text):
                texts.setdefault(p.field, []).append(p)
            else:
                unreadable[(p.field, p.kind)] = p
        for (field, kind), u in unreadable.items():
            if field in present and not present[field].present:
                return f"`{u.label}` cannot be both missing and present"
            if (field, kind) in cmps:
                return f"`{u.label}` cannot be both readable and unreadable as {kind}"
            if kind == "text" and any(t.op != "contains" for t in texts.get(field, ())):
                return f"`{u.label}` cannot be both readable and unreadable as text"
        for (field, kind), group in cmps.items():
            field_texts = texts.get(field, []) if kind == "text" else []
            reason = _check_field(group[0].label, kind, group, field_texts)
            if reason is not None:
                return reason
        for field, tests in texts.items():
            if any(c.op == "=" for c in cmps.get((field, "text"), ())):
                continue  # checked against the pinned value above
            stringy = (field, "text") in cmps or any(t.op != "contains" for t in tests)
            reason = _check_texts(tests[0].label, tests, stringy)
            if reason is not None:
                return reason
        return None

    def possible(self, dnf: DNF) -> bool:
        return any(self.why_not(conj) is None for conj in dnf)

    def reason(self, dnf: DNF) -> str | None:
        """Why no alternative of ``dnf`` is possible (the first one's reason)."""
        for conj in dnf:
            why = self.why_not(conj)
            if why is not None:
                return why
        return None

    # ---- combining

    def both(self, a: DNF, b: DNF) -> DNF:
        out: dict[Conj, None] = {}
        impossible: Conj | None = None
        for x in a:
            for y in b:
                conj = x | y
                if self.why_not(conj) is None:
                    out[conj] = None
                    if len(out) > _LIMIT:
                        return _TRUE  # too many: assume nothing
                elif impossible is None:
                    impossible = conj
        if not out and impossible is not None:
            return (impossible,)  # still impossible, and it remembers why
        return tuple(out)

    def either(self, *dnfs: DNF) -> DNF:
        out: dict[Conj, None] = {}
        for dnf in dnfs:
            for conj in dnf:
                out[conj] = None
        if len(out) > _LIMIT:
            return _TRUE
        return tuple(out)

    # ---- conditions

    def tfu(self, node: ast.Cond) -> tuple[DNF, DNF, DNF]:
        """The alternatives under which ``node`` is true, false, unknown."""
        key = id(node)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._tfu(node)
            self._cache[key] = cached
            self._keep.append(node)  # keep ids unique while cached
        return cached

    def _tfu(self, node: ast.Cond) -> tuple[DNF, DNF, DNF]:
        if isinstance(node, ast.Not):
            t, f, u = self.tfu(node.operand)
            return f, t, u
        if isinstance(node, (ast.And, ast.Or)):
            t, f, u = self.tfu(node.operands[0])
            for operand in node.operands[1:]:
                t2, f2, u2 = self.tfu(operand)
                if isinstance(node, ast.And):
                    t, f, u = (
                        self.both(t, t2),
                        self.either(f, f2),
                        self.either(self.both(u, self.either(t2, u2)), self.both(t, u2)),
                    )
                else:
                    t, f, u = (
                        self.either(t, t2),
                        self.both(f, f2),
                        self.either(self.both(u, self.either(f2, u2)), self.both(f, u2)),
                    )
            return t, f, u
        if isinstance(node, ast.DefRef):
            return self.tfu(node.definition.condition)
        return self._atom(node)

    def _atom(self, node: ast.Cond) -> tuple[DNF, DNF, DNF]:
        key = canon(node)
        text = _node_text(node)
        start = node.span.start

        def atom(value: str) -> _Atom:
            return _Atom(key, value, text, start)

        if isinstance(node, ast.Fact):
            return ((_c(atom("T")),), (_c(atom("F")),), (_c(atom("U")),))
        assert not isinstance(node, (ast.And, ast.Or, ast.Not, ast.DefRef))
        field = _field_key(node.name)
        label = str(node.name)
        here = _Present(field, True, label)
        gone = _Present(field, False, label)

        def unknown(*kinds: str) -> DNF:
            alternatives = [_c(atom("U"), gone)]
            for kind in dict.fromkeys(kinds):
                alternatives.append(_c(atom("U"), here, _Unreadable(field, kind, label)))
            return tuple(alternatives)

        pos = start

        def cmp(kind: str, op: str, value: Any) -> _Cmp:
            return _Cmp(field, kind, op, _bound(value), label, _show(value), pos)

        if isinstance(node, ast.Presence):
            yes = _c(atom("T"), here if node.present else gone)
            no = _c(atom("F"), gone if node.present else here)
            return ((yes,), (no,), _NEVER)
        if isinstance(node, ast.Compare):
            kind = _kind(node.value)
            if kind is None:  # pragma: no cover - the checker rejects these
                return self._opaque(atom)
            t = _c(atom("T"), here, cmp(kind, node.op, node.value))
            f = _c(atom("F"), here, cmp(kind, _NEGATE[node.op], node.value))
            return ((t,), (f,), unknown(kind))
        if isinstance(node, ast.In):
            items = [(k, v) for v in node.values.items if (k := _kind(v)) is not None]
            match = tuple(_c(here, cmp(k, "=", v)) for k, v in items)
            none = (_c(here, *(cmp(k, "!=", v) for k, v in items)),)
            t_alt, f_alt = (none, match) if node.negated else (match, none)
            return (
                tuple(c | _c(atom("T")) for c in t_alt),
                tuple(c | _c(atom("F")) for c in f_alt),
                unknown(*(k for k, _ in items)),
            )
        if isinstance(node, ast.Between):
            kind = _kind(node.low)
            if kind is None or kind != _kind(node.high):  # pragma: no cover - checker errors
                return self._opaque(atom)
            inside = (_c(here, cmp(kind, ">=", node.low), cmp(kind, "<=", node.high)),)
            outside = (
                _c(here, cmp(kind, "<", node.low)),
                _c(here, cmp(kind, ">", node.high)),
            )
            t_alt, f_alt = (outside, inside) if node.negated else (inside, outside)
            return (
                tuple(c | _c(atom("T")) for c in t_alt),
                tuple(c | _c(atom("F")) for c in f_alt),
                unknown(kind),
            )
        if isinstance(node, ast.TextTest):
            needle = to_text(node.value)
            if not isinstance(needle, str):  # pragma: no cover - literals always read as text
                return self._opaque(atom)
            t = _c(
                atom("T"), here, _Text(field, node.op, needle, True, label, _show(node.value), pos)
            )
            f = _c(
                atom("F"), here, _Text(field, node.op, needle, False, label, _show(node.value), pos)
            )
            return ((t,), (f,), unknown("text"))
        if isinstance(node, ast.Matches):
            return (
                (_c(atom("T"), here),),
                (_c(atom("F"), here),),
                unknown("text"),
            )
        return self._opaque(atom)  # pragma: no cover

    @staticmethod
    def _opaque(atom: Any) -> tuple[DNF, DNF, DNF]:
        return ((_c(atom("T")),), (_c(atom("F")),), (_c(atom("U")),))

    # ---- questions

    def can_be_true(self, node: ast.Cond) -> bool:
        return self.possible(self.tfu(node)[0])

    def why_never_true(self, node: ast.Cond) -> str | None:
        t = self.tfu(node)[0]
        if self.possible(t):
            return None
        return self.reason(t) or "no lead can make it true"

    def always_true(self, node: ast.Cond) -> bool:
        _, f, u = self.tfu(node)
        return not self.possible(f) and not self.possible(u)

    def not_true(self, node: ast.Cond) -> DNF:
        _, f, u = self.tfu(node)
        return self.either(f, u)


def _position(p: Prim) -> tuple[int, str]:
    return (p.pos if isinstance(p, (_Cmp, _Text, _Atom)) else 0, repr(p))


def _truth(value: str) -> str:
    return {"T": "true", "F": "false", "U": "unknown"}[value]


def _node_text(node: Any) -> str:
    if isinstance(node, ast.Fact):
        return str(node.name)
    if isinstance(node, ast.Presence):
        return f"{node.name} is {'present' if node.present else 'missing'}"
    name = getattr(node, "name", None)
    return str(name) if name is not None else "the test"


# ----------------------------------------------------------------------------- the analysis


@attrs.frozen(slots=True)
class Analysis:
    """What static analysis found. Bounds use ``Decimal('Infinity')`` for "no limit"."""

    total: Bounds
    groups: dict[str, Bounds]
    rule_bounds: tuple[tuple[ast.ScoreRule, Bounds], ...]  # every score rule, in order
    never_fires: tuple[ast.ScoreRule, ...]
    unreachable_stages: tuple[str, ...]
    always_reached_stages: tuple[str, ...]
    always_disqualified: bool
    never_disqualifies: tuple[ast.Disqualify, ...]
    diagnostics: tuple[Diagnostic, ...]


def _checked(rules: Any) -> CheckedRules:
    if isinstance(rules, CheckedRules):
        return rules
    checked = getattr(rules, "checked", None)
    if isinstance(checked, CheckedRules):
        return checked
    from ..errors import InvalidArgument

    raise InvalidArgument(
        f"expected a RuleSet (from leadrules.compile) or checked rules, not {type(rules).__name__}"
    )


def _fmt(value: Decimal) -> str:
    if value == INFINITY:
        return "no upper limit"
    if value == -INFINITY:
        return "no lower limit"
    return ast._format_decimal(value)


def _range(low: Decimal, high: Decimal) -> str:
    """``ranges from -10 to 35``, ``is at least 0, with no upper limit``, ..."""
    if low.is_finite() and high.is_finite():
        return f"ranges from {_fmt(low)} to {_fmt(high)}"
    if low.is_finite():
        return f"is at least {_fmt(low)}, with no upper limit"
    if high.is_finite():
        return f"is at most {_fmt(high)}, with no lower limit"
    return "has no lower or upper limit"


def _clamp(value: Decimal, low: Decimal | None, high: Decimal | None) -> Decimal:
    if high is not None and value > high:
        value = high
    if low is not None and value < low:
        value = low
    return value


class _Analyzer:
    def __init__(self, rules: CheckedRules, schema: Any = None) -> None:
        self.rules = rules
        self.schema = schema
        self.logic = _Logic()
        self.out: list[Diagnostic] = []
        self.unbounded: list[ast.ScoreRule] = []

    def diag(
        self, span: ast.Span, message: str, hint: str | None = None, severity: str = "warning"
    ) -> None:
        self.out.append(make_diagnostic(self.rules, span, message, hint, severity))

    # ---- one rule

    def counts_only(self, rule: ast.ScoreRule) -> bool:
        """True when the per target counts things (never negative); False when it may be a
        number field that holds a negative number."""
        per = rule.per
        assert per is not None
        if per.has_modifiers:
            return True  # a field with a count/window/where gives nothing: only events count
        if self.schema is None:
            return False
        field = resolve_field(self.schema, per.name)
        return field is None or field.is_list

    def rule_bounds(self, rule: ast.ScoreRule, fires: bool) -> Bounds:
        zero = Decimal(0)
        points = rule.points
        if not fires or points == 0:
            return zero, zero
        if rule.per is None:
            low, high = min(zero, points), max(zero, points)
            if rule.decay is not None:  # decayed points are rounded to the cent
                high = max(high, high.quantize(_DECAY_QUANTUM, ROUND_CEILING))
                low = min(low, low.quantize(_DECAY_QUANTUM, ROUND_FLOOR))
            return low, high
        counts = self.counts_only(rule)
        if rule.cap is not None:
            cap = rule.cap
            if counts:
                return (zero, cap) if points > 0 else (-cap, zero)
            return -cap, cap
        self.unbounded.append(rule)
        if counts:
            return (zero, INFINITY) if points > 0 else (-INFINITY, zero)
        return -INFINITY, INFINITY

    def fires(self, rule: ast.ScoreRule) -> bool:
        if rule.condition is not None:
            why = self.logic.why_never_true(rule.condition)
            if why is not None:
                self.diag(
                    rule.span,
                    f"this rule can never fire: {why}",
                    "its condition contradicts itself; check the values and the `and`/`or`",
                )
                return False
            return True
        per = rule.per
        if per is not None and per.where is not None:
            why = _Logic().why_never_true(per.where)
            if why is not None:
                self.diag(
                    rule.span,
                    f"this rule can never give points: no event can match its `where` ({why})",
                    "its `where` filter contradicts itself",
                )
                return False
        return True

    # ---- the file

    def run(self) -> Analysis:
        rules = self.rules
        for definition in rules.definitions:
            why = self.logic.why_never_true(definition.condition)
            if why is not None:
                self.diag(
                    definition.span,
                    f"`{definition.name}` can never be true: {why}",
                    "its condition contradicts itself",
                )
        never: list[ast.ScoreRule] = []
        per_rule: list[tuple[ast.ScoreRule, Bounds]] = []
        group_bounds: dict[str, Bounds] = {}
        low_total = high_total = Decimal(0)
        for item in rules.items:
            if isinstance(item, CheckedGroup):
                low = high = Decimal(0)
                for rule in item.rules:
                    fires = self.fires(rule)
                    if not fires:
                        never.append(rule)
                    bounds = self.rule_bounds(rule, fires)
                    per_rule.append((rule, bounds))
                    low, high = low + bounds[0], high + bounds[1]
                self.group_limits(item, low, high)
                clamped = (_clamp(low, item.min, item.max), _clamp(high, item.min, item.max))
                group_bounds[item.name] = clamped
                self.diag(
                    item.span,
                    f"group `{item.name}` {_range(*clamped)}",
                    severity="info",
                )
                low_total, high_total = low_total + clamped[0], high_total + clamped[1]
            else:
                fires = self.fires(item)
                if not fires:
                    never.append(item)
                bounds = self.rule_bounds(item, fires)
                per_rule.append((item, bounds))
                low_total, high_total = low_total + bounds[0], high_total + bounds[1]
        self.total_info(low_total, high_total)
        self.duplicates()
        always_dq, never_dq = self.disqualifications()
        unreachable, always = self.stages(low_total, high_total, always_dq)
        self.out.sort(key=lambda d: (d.line, d.column, d.severity != "info"))
        return Analysis(
            total=(low_total, high_total),
            groups=group_bounds,
            rule_bounds=tuple(per_rule),
            never_fires=tuple(never),
            unreachable_stages=tuple(unreachable),
            always_reached_stages=tuple(always),
            always_disqualified=always_dq,
            never_disqualifies=tuple(never_dq),
            diagnostics=tuple(self.out),
        )

    def total_info(self, low: Decimal, high: Decimal) -> None:
        message = f"the total score {_range(low, high)}"
        hint = None
        if self.unbounded:
            lines = ", ".join(str(r.span.line) for r in self.unbounded[:5])
            hint = (
                f"a `per` rule without `, up to N` has no limit (line {lines}); "
                "without a schema a `per` name may also be a number field, which can be negative"
            )
        self.out.insert(
            0,
            Diagnostic(
                message=message,
                filename=self.rules.file.filename,
                line=1,
                column=1,
                hint=hint,
                severity="info",
            ),
        )

    def group_limits(self, group: CheckedGroup, low: Decimal, high: Decimal) -> None:
        if group.max is not None and high <= group.max:
            self.diag(
                group.span,
                f"the `max {_fmt(group.max)}` of group `{group.name}` can never bind: "
                f"its rules give at most {_fmt(high)}",
                "remove the limit, or lower it if it was meant to cap the group",
            )
        if group.min is not None and low >= group.min:
            self.diag(
                group.span,
                f"the `min {_fmt(group.min)}` of group `{group.name}` can never bind: "
                f"its rules give at least {_fmt(low)}",
                "remove the limit, or raise it if it was meant to floor the group",
            )

    def duplicates(self) -> None:
        seen: dict[Any, ast.ScoreRule | ast.Disqualify] = {}
        for rule in self.rules.score_rules:
            key = (
                ("per", canon(rule.per))
                if rule.per is not None
                else ("when", canon(rule.condition))
            )
            first = seen.setdefault(key, rule)
            if first is not rule:
                self.diag(
                    rule.span,
                    f"this rule tests the same thing as the rule on line {first.span.line}",
                    "a lead that meets one meets both, so it gets both rules' points; "
                    "remove one, or merge their points",
                )
        for dq in self.rules.disqualifications:
            key = ("dq", canon(dq.condition))
            first = seen.setdefault(key, dq)
            if first is not dq:
                self.diag(
                    dq.span,
                    f"this disqualify rule tests the same thing as the one on line "
                    f"{first.span.line}",
                    "remove one of them",
                )

    def disqualifications(self) -> tuple[bool, list[ast.Disqualify]]:
        always = False
        never: list[ast.Disqualify] = []
        stages = self.rules.stages
        for dq in self.rules.disqualifications:
            why = self.logic.why_never_true(dq.condition)
            if why is not None:
                never.append(dq)
                self.diag(dq.span, f"this disqualify rule can never be true: {why}")
                continue
            if self.logic.always_true(dq.condition):
                always = True
                self.diag(
                    dq.span,
                    "this disqualify rule is always true: every lead is disqualified, "
                    "so no stage can ever be reached",
                    "a test like `x is present or x is missing` holds for every lead",
                )
                continue
            if stages and all(self.blocked(stage, [dq]) for stage in stages):
                self.diag(
                    dq.span,
                    "this disqualify rule makes every stage unreachable: every lead that could "
                    "reach a stage is disqualified by it",
                    "check the stages' conditions against this rule",
                )
        return always, never

    def blocked(self, stage: ast.Stage, dqs: Iterable[ast.Disqualify]) -> bool:
        """True when every lead meeting ``stage``'s condition is disqualified by ``dqs``."""
        alive = _TRUE if stage.condition is None else self.logic.tfu(stage.condition)[0]
        for dq in dqs:
            alive = self.logic.both(alive, self.logic.not_true(dq.condition))
        return not self.logic.possible(alive)

    def stages(self, low: Decimal, high: Decimal, always_dq: bool) -> tuple[list[str], list[str]]:
        unreachable: list[str] = []
        always: list[str] = []
        dqs = self.rules.disqualifications
        for stage in self.rules.stages:
            threshold = _fmt(stage.threshold)
            if stage.threshold > high:
                unreachable.append(stage.name)
                self.diag(
                    stage.span,
                    f"stage `{stage.name}` can never be reached: it needs a score of {threshold} "
                    f"and the highest possible score is {_fmt(high)}",
                    "lower the threshold, or check the group limits and `up to` caps",
                )
                continue
            if stage.condition is not None:
                why = self.logic.why_never_true(stage.condition)
                if why is not None:
                    unreachable.append(stage.name)
                    self.diag(
                        stage.span,
                        f"stage `{stage.name}` can never be reached: its condition can never "
                        f"be true ({why})",
                    )
                    continue
            if always_dq:
                unreachable.append(stage.name)
                continue  # said once, at the disqualify rule
            if dqs and self.blocked(stage, dqs):
                unreachable.append(stage.name)
                lines = [str(dq.span.line) for dq in dqs if self.blocked(stage, [dq])] or [
                    str(dq.span.line) for dq in dqs
                ]
                self.diag(
                    stage.span,
                    f"stage `{stage.name}` can never be reached: every lead that meets its "
                    f"condition is disqualified (line {', '.join(lines)})",
                )
                continue
            if stage.condition is None and low >= stage.threshold:
                always.append(stage.name)
                unless = " that is not disqualified" if dqs else ""
                self.diag(
                    stage.span,
                    f"stage `{stage.name}` is always reached: every lead{unless} scores at "
                    f"least {_fmt(low)}, and the stage needs a score of {threshold}",
                    "raise the threshold, or give the stage a condition",
                )
        return unreachable, always


def summarize(rules: Any, schema: Any = None) -> Analysis:
    """The full analysis of a RuleSet (or checked rules). With ``schema``, a ``per`` rule on
    an event or list field is known never to go negative."""
    checked = _checked(rules)
    with localcontext() as context:
        context.prec = 1000  # bounds add up exactly, whatever the size of the points
        return _Analyzer(checked, schema).run()


def analyze(rules: Any, schema: Any = None) -> tuple[Diagnostic, ...]:
    """Warnings (and the score bounds, as ``info``) about ``rules``, each with a position."""
    return summarize(rules, schema).diagnostics


def score_bounds(rules: Any, schema: Any = None) -> tuple[Decimal, Decimal, dict[str, Bounds]]:
    """``(lowest, highest, {group: (lowest, highest)})`` possible scores, after group limits
    and rule caps. An unlimited bound is ``Decimal('Infinity')`` (or its negative)."""
    result = summarize(rules, schema)
    return result.total[0], result.total[1], dict(result.groups)
