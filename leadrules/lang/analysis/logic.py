"""The three-valued solver of the analysis: the alternatives under which a condition is true,
false or unknown, and whether some lead can meet one.

Conditions are read with the language's three-valued logic: a test on a missing field is
*unknown*, never true, so ``x > 5 or x <= 5`` is not always true. Each condition is turned into
the alternatives (a disjunction of conjunctions of single-field constraints, a :data:`DNF`)
under which it is true, false or unknown; an alternative whose constraints on one field
contradict each other is impossible, and :meth:`Logic.why_not` says why. When the
alternatives grow too many the solver gives up on that condition and assumes nothing, so every
answer it gives is certain. Nothing here words a diagnostic: that is :mod:`.analyzer`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeAlias

import attrs

from ...runtime.values import fold, to_text
from .. import ast, literals
from ..literals import literal_text
from ..visitor import Visitor
from .canon import FieldKey, canon, field_key

__all__ = ["DNF", "TRUE", "Conj", "Logic"]

#: Most alternatives kept for one condition before the solver assumes nothing about it.
_LIMIT = 256

# ----------------------------------------------------------------------------- constraints


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
#: The alternatives under which a condition is true, false and unknown.
Alternatives: TypeAlias = tuple[DNF, DNF, DNF]

#: The one alternative without constraints: always possible.
TRUE: DNF = (frozenset(),)
_NEVER: DNF = ()
_NEGATE = {"=": "!=", "!=": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def _c(*prims: Prim) -> Conj:
    return frozenset(prims)


def _kind(value: Any) -> str | None:
    """The kind of a literal, by its short name (``number``, ``datetime``, ...)."""
    kind = literals.kind(value)
    return None if kind is None else kind.value


def _bound(value: Any) -> Any:
    """A literal as the evaluator compares it."""
    return fold(value) if isinstance(value, str) else value


def _show(value: Any) -> str:
    """A literal as a rule writes it, for a message."""
    return literal_text(value)


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


class _Test:
    """What the alternatives of one single test are made of: its atoms (the test as a whole is
    true, false or unknown) and the constraints on the field it reads."""

    __slots__ = ("field", "gone", "here", "key", "label", "pos", "text")

    def __init__(self, node: ast.Leaf, text: str | None = None) -> None:
        self.key = canon(node)
        self.label = str(node.name)
        self.text = self.label if text is None else text
        self.pos = node.span.start
        self.field = field_key(node.name)
        self.here = _Present(self.field, True, self.label)
        self.gone = _Present(self.field, False, self.label)

    def atom(self, value: str) -> _Atom:
        return _Atom(self.key, value, self.text, self.pos)

    def cmp(self, kind: str, op: str, value: Any) -> _Cmp:
        return _Cmp(self.field, kind, op, _bound(value), self.label, _show(value), self.pos)

    def unknown(self, *kinds: str) -> DNF:
        """Unknown: the field is missing, or holds a value unreadable as one of ``kinds``."""
        unknown = self.atom("U")
        alternatives = [_c(unknown, self.gone)]
        for kind in dict.fromkeys(kinds):
            unreadable = _Unreadable(self.field, kind, self.label)
            alternatives.append(_c(unknown, self.here, unreadable))
        return tuple(alternatives)

    def opaque(self) -> Alternatives:
        """True, false or unknown, with nothing known of the field."""
        return ((_c(self.atom("T")),), (_c(self.atom("F")),), (_c(self.atom("U")),))


class Logic(Visitor[[], Alternatives]):
    """Three-valued alternatives of conditions, and satisfiability of their conjunctions."""

    def __init__(self) -> None:
        self._cache: dict[int, Alternatives] = {}
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
                        return TRUE  # too many: assume nothing
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
            return TRUE
        return tuple(out)

    # ---- conditions

    def tfu(self, node: ast.Cond) -> Alternatives:
        """The alternatives under which ``node`` is true, false, unknown."""
        key = id(node)
        cached = self._cache.get(key)
        if cached is None:
            cached = self.visit(node)
            self._cache[key] = cached
            self._keep.append(node)  # keep ids unique while cached
        return cached

    def visit_not(self, node: ast.Not) -> Alternatives:
        t, f, u = self.tfu(node.operand)
        return f, t, u

    def visit_and(self, node: ast.And) -> Alternatives:
        t, f, u = self.tfu(node.operands[0])
        for operand in node.operands[1:]:
            t2, f2, u2 = self.tfu(operand)
            t, f, u = (
                self.both(t, t2),
                self.either(f, f2),
                self.either(self.both(u, self.either(t2, u2)), self.both(t, u2)),
            )
        return t, f, u

    def visit_or(self, node: ast.Or) -> Alternatives:
        t, f, u = self.tfu(node.operands[0])
        for operand in node.operands[1:]:
            t2, f2, u2 = self.tfu(operand)
            t, f, u = (
                self.either(t, t2),
                self.both(f, f2),
                self.either(self.both(u, self.either(f2, u2)), self.both(f, u2)),
            )
        return t, f, u

    def visit_defref(self, node: ast.DefRef) -> Alternatives:
        return self.tfu(node.definition.condition)

    # A single test, as a whole, is one atom (it gives the same answer wherever it appears in
    # one evaluation); tests about one field's value add that field's constraints.

    def visit_fact(self, node: ast.Fact) -> Alternatives:
        return _Test(node, str(node.name)).opaque()

    def visit_presence(self, node: ast.Presence) -> Alternatives:
        test = _Test(node, f"{node.name} is {'present' if node.present else 'missing'}")
        here, gone = test.here, test.gone
        yes = _c(test.atom("T"), here if node.present else gone)
        no = _c(test.atom("F"), gone if node.present else here)
        return ((yes,), (no,), _NEVER)

    def visit_compare(self, node: ast.Compare) -> Alternatives:
        test = _Test(node)
        kind = _kind(node.value)
        if kind is None:  # pragma: no cover - the checker rejects these
            return test.opaque()
        t = _c(test.atom("T"), test.here, test.cmp(kind, node.op, node.value))
        f = _c(test.atom("F"), test.here, test.cmp(kind, _NEGATE[node.op], node.value))
        return ((t,), (f,), test.unknown(kind))

    def visit_in(self, node: ast.In) -> Alternatives:
        test = _Test(node)
        here = test.here
        items = [(k, v) for v in node.values.items if (k := _kind(v)) is not None]
        match = tuple(_c(here, test.cmp(k, "=", v)) for k, v in items)
        none = (_c(here, *(test.cmp(k, "!=", v) for k, v in items)),)
        t_alt, f_alt = (none, match) if node.negated else (match, none)
        return (
            tuple(c | _c(test.atom("T")) for c in t_alt),
            tuple(c | _c(test.atom("F")) for c in f_alt),
            test.unknown(*(k for k, _ in items)),
        )

    def visit_between(self, node: ast.Between) -> Alternatives:
        test = _Test(node)
        here = test.here
        kind = _kind(node.low)
        if kind is None or kind != _kind(node.high):  # pragma: no cover - checker errors
            return test.opaque()
        inside = (_c(here, test.cmp(kind, ">=", node.low), test.cmp(kind, "<=", node.high)),)
        outside = (
            _c(here, test.cmp(kind, "<", node.low)),
            _c(here, test.cmp(kind, ">", node.high)),
        )
        t_alt, f_alt = (outside, inside) if node.negated else (inside, outside)
        return (
            tuple(c | _c(test.atom("T")) for c in t_alt),
            tuple(c | _c(test.atom("F")) for c in f_alt),
            test.unknown(kind),
        )

    def visit_text_test(self, node: ast.TextTest) -> Alternatives:
        test = _Test(node)
        needle = to_text(node.value)
        if not isinstance(needle, str):  # pragma: no cover - literals always read as text
            return test.opaque()
        field, label, shown, pos = test.field, test.label, _show(node.value), test.pos
        t = _c(test.atom("T"), test.here, _Text(field, node.op, needle, True, label, shown, pos))
        f = _c(test.atom("F"), test.here, _Text(field, node.op, needle, False, label, shown, pos))
        return ((t,), (f,), test.unknown("text"))

    def visit_matches(self, node: ast.Matches) -> Alternatives:
        test = _Test(node)
        return (
            (_c(test.atom("T"), test.here),),
            (_c(test.atom("F"), test.here),),
            test.unknown("text"),
        )

    # ---- questions

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
