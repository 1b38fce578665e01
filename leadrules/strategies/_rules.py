"""The conditions and statements of a generated rule file, and the file itself: score rules
(``when``, ``per``, caps, decay, labels), definitions, disqualifications, stages and groups,
joined with ``;``, comments and blank lines.

Every file compiles: names come from the file's vocabulary (``_vocab``) and avoid the reserved
words, stage names and thresholds and group names are unique, and each definition comes before
its use. The tokens are written by ``_literals``' :class:`~._literals.Writer`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from decimal import Decimal

from hypothesis import strategies as st

from ..lang import ast
from ..ruleset import compile as compile_rules
from ._literals import Writer
from ._values import GENERIC_WORDS
from ._vocab import RuleField, Vocab, number_pool

_STAGE_WORDS = ("MQL", "SQL", "SAL", "PQL", "Lead", "Prospect", "Opportunity", "Hot", "Nurture")
_STAGE_QUOTED = (
    "Sales Ready",
    "Sales Accepted",
    "Marketing Qualified",
    "Product Qualified",
    "Meeting Booked",
    "Très chaud",
)
_GROUP_NAMES = (
    "fit",
    "engagement",
    "intent",
    "firmographics",
    "behaviour",
    "negative signals",
    "product usage",
    "email activity",
)
_GROUP_QUOTED = ("Fit & Firmographics", "Web activity (last 30 days)", "Événements")
_LABELS = (
    "Personal email address",
    "Decision maker",
    "Big company",
    "Pricing page interest",
    'Said "yes" to a demo',
    "Webinar attendee\tlive",
    "Opened 3+ emails",
    "Fit: industry ✓",
)
_REASONS = (
    "We only sell in the UK and Ireland",
    "Competitor",
    "Student or intern",
    "Personal address: \\ no company",
    "Company too small",
    "Bounced e-mail",
)
_COMMENTS = (
    "# Who they are",
    "# What they did",
    "# Disqualifications",
    "# TODO: revisit after Q3 ## review",
    '# "quoted" and /slashes/ and `ticks`',
    "# Stages",
)


class _RuleFile(Writer):
    """What one generated rule file has so far."""

    def __init__(self, draw: st.DrawFn, vocab: Vocab) -> None:
        super().__init__(draw)
        self.vocab = vocab
        self.defined: list[str] = []
        self.stage_keys: set[str] = set()
        self.thresholds: set[Decimal] = set()
        self.group_keys: set[str] = set()
        self.definition_pool = vocab.definition_names

    # ---- conditions

    def test(self, field: RuleField, *, in_where: bool = False) -> str:
        """A test about one field (or, with ``in_where``, one event property)."""
        name = self.name(field.segments)
        kinds = ["compare", "presence", "in"]
        if field.kind == "text":
            kinds += ["text", "matches"]
        if field.kind in ("number", "date", "datetime"):
            kinds += ["order", "order", "order", "between", "between"]
        if field.kind in ("choice", "bool"):
            kinds = ["compare", "presence"] + (["in"] if field.kind == "choice" else [])
        if not self.vocab.strict and self.integer(0, 9) == 0:
            kinds += ["order", "text", "between"]  # the wrong operator for the data
        kind = self.pick(kinds)
        if kind == "presence":
            words = self.draw(
                st.sampled_from(("is missing", "is present", "is not missing", "is not present"))
            )
            return f"{name} " + self.kws(words)
        if kind == "compare":
            op = self.kws(self.pick(("=", "==", "is", "!=", "<>", "is not")))
            return f"{name} {op} {self.literal(field)}"
        if kind == "order":
            op = self.pick(("<", "<=", ">", ">="))
            value = (
                self.literal(field)
                if field.kind in ("number", "date", "datetime")
                else self.number(self.pick(number_pool("")))
            )
            return f"{name} {op} {value}"
        if kind == "between":
            negated = self.boolean()
            low, high = self.bounds(field)
            word = self.kw("not") + " " if negated else ""
            return f"{name} {word}{self.kw('between')} {low} {self.kw('and')} {high}"
        if kind == "in":
            items = [self.literal(field) for _ in range(self.integer(0, 4))]
            trailing = "," if items and self.integer(0, 4) == 0 else ""
            op = self.kws(self.pick(("in", "not in")))
            return f"{name} {op} [{', '.join(items)}{trailing}]"
        if kind == "text":
            op = self.kws(self.pick(("contains", "starts with", "ends with")))
            pool = field.pool if field.kind == "text" else GENERIC_WORDS
            return f"{name} {op} {self.string(self.any_text(pool))}"
        return f"{name} {self.kw('matches')} {self.regex(field)}"

    def bounds(self, field: RuleField) -> tuple[str, str]:
        if field.kind in ("date", "datetime"):
            timed = self.boolean()
            a_text, a = self.date(timed)
            b_text, b = self.date(timed)
            return (a_text, b_text) if (a, a_text) <= (b, b_text) else (b_text, a_text)
        pool = field.pool if field.kind == "number" else number_pool("")
        a, b = sorted((self.pick(pool), self.pick(pool)))
        return self.number(a), self.number(b)

    def event_fact(self, *, windows_only: bool = False) -> str:
        name = self.name((self.pick(self.vocab.events),))
        mods: list[str] = []
        if not windows_only and self.boolean():
            n = self.integer(0, 5)
            op = self.pick(("at least", "at most"))
            times = self.pick(("times", "times", "time"))
            mods.append(self.kws(f"{op} {n} {times}"))
        for _ in range(self.integer(0, 2)):
            mods.append(self.window())
        if self.vocab.props and self.integer(0, 2) == 0:
            mods.append(f"{self.kw('where')} {self.where()}")
        mods = self.shuffle(mods)
        return " ".join([name, *mods])

    def window(self) -> str:
        kind = self.pick(("within", "since", "before", "after"))
        if kind == "within":
            return f"{self.kw('within')} {self.duration()}"
        return f"{self.kw(kind)} {self.date()[0]}"

    def where(self) -> str:
        props = self.vocab.props
        form = self.integer(0, 4)
        facts = [p for p in props if p.kind == "bool" or not self.vocab.strict]
        if form == 0 and facts:
            return self.name(self.pick(facts).segments)
        if form == 1:
            return f"{self.kw('not')} {self.test(self.pick(props), in_where=True)}"
        if form == 2:
            a = self.test(self.pick(props), in_where=True)
            b = self.test(self.pick(props), in_where=True)
            joiner = self.kw(self.pick(("and", "or")))
            return f"({a} {joiner} {b})"
        return self.test(self.pick(props), in_where=True)

    def atom(self) -> tuple[str, int, bool]:
        """(text, precedence, mentions an event). Precedence: 0 or, 1 and, 2 not/atom."""
        vocab = self.vocab
        kinds = ["fact", "test", "test", "test"]
        if self.defined:
            kinds.append("definition")
        if vocab.events:
            kinds.append("event")
        if any(f.kind in ("date", "datetime") for f in vocab.fields):
            kinds.append("date window")
        kind = self.pick(kinds)
        if kind == "definition":
            return self.pick(self.defined), 2, False
        if kind == "event":
            return self.event_fact(), 2, True
        if kind == "date window":
            field = self.draw(
                st.sampled_from([f for f in vocab.fields if f.kind in ("date", "datetime")])
            )
            windows = [self.window() for _ in range(self.integer(1, 2))]
            return " ".join([self.name(field.segments), *windows]), 2, False
        if kind == "fact":
            facts = [f for f in vocab.fields if f.kind == "bool" or not vocab.strict]
            if vocab.events:
                return (
                    self.name((self.pick(vocab.events),)),
                    2,
                    True,
                )
            if not facts:
                kind = "test"
            else:
                return self.name(self.pick(facts).segments), 2, False
        if not vocab.fields:
            return self.event_fact(), 2, True
        return self.test(self.pick(vocab.fields)), 2, False

    def cond(self, depth: int = 2) -> tuple[str, int, bool]:
        shape = self.integer(0, 5) if depth > 0 else 0
        if shape <= 2:
            text, prec, event = self.atom()
            if shape == 2 and depth > 0 and self.integer(0, 3) == 0:
                return f"({text})", 2, event
            return text, prec, event
        if shape == 3:
            inner, prec, event = self.cond(depth - 1)
            if prec < 2:
                inner = f"({inner})"
            return f"{self.kw('not')} {inner}", 2, event
        operands = [self.cond(depth - 1) for _ in range(self.integer(2, 3))]
        if shape == 4:
            parts = [t if p >= 1 else f"({t})" for t, p, _ in operands]
            joiner, prec = "and", 1
        else:
            parts = [t for t, _, _ in operands]
            joiner, prec = "or", 0
        text = f" {self.kw(joiner)} ".join(parts)
        return text, prec, any(e for _, _, e in operands)

    # ---- statements

    def label(self) -> str:
        return f"{self.kw('as')} {self.string(self.any_text(_LABELS))}"

    def score_rule(self) -> str:
        points = self.points()
        vocab = self.vocab
        numbers = [f for f in vocab.fields if f.kind == "number"]
        per_kinds = (["event"] if vocab.events else []) + (["number"] if numbers else [])
        shape = self.integer(0, 5)
        options: list[str] = []
        if shape == 5 and per_kinds:
            target = self.pick(per_kinds)
            if target == "event":
                body = f"{self.kw('per')} {self.per_event()}"
                if self.boolean():
                    options.append(self.decay())
            else:
                field = self.pick(numbers)
                body = f"{self.kw('per')} {self.name(field.segments)}"
            if self.boolean():
                cap = self.pick(("10", "15", "30", "0", "12.5"))
                options.append(f", {self.kw('up')} {self.kw('to')} {cap}")
        elif shape == 4 and vocab.events:
            fact = self.event_fact()
            extra = ""
            if self.boolean():
                text, prec, _ = self.cond(1)
                extra = f" {self.kw('and')} " + (text if prec >= 1 else f"({text})")
            body = f"{self.kw('when')} {fact}{extra}"
            options.append(self.decay())
        else:
            text, _, _ = self.cond()
            body = f"{self.kw('when')} {text}"
        if self.integer(0, 2) == 0:
            options.append(" " + self.label())
        if len(options) > 1:
            options = self.shuffle(options)
        return f"{points} {body}{''.join(options)}"

    def per_event(self) -> str:
        name = self.name((self.pick(self.vocab.events),))
        mods = []
        if self.vocab.props and self.integer(0, 2) == 0:
            mods.append(f"{self.kw('where')} {self.where()}")
        if self.boolean():
            mods.append(self.window())
        return " ".join([name, *mods])

    def decay(self) -> str:
        percent = self.pick(("50", "10", "100", "25", "12.5", "1"))
        return f", {self.kw('decaying')} {percent}% {self.kw('every')} {self.duration()}"

    def define(self) -> str | None:
        free = [d for d in self.definition_pool if d not in self.defined]
        if not free:
            return None
        name = self.pick(free)
        text, _, _ = self.cond()
        written = name if self.integer(0, 3) else name.title()
        self.defined.append(name)
        return f"{self.kw('define')} {written} {self.kw('as')} {text}"

    def disqualify(self) -> str:
        text, _, _ = self.cond()
        line = f"{self.kw('disqualify')} {self.kw('when')} {text}"
        if self.boolean():
            line += f" {self.kw('because')} {self.string(self.any_text(_REASONS))}"
        return line

    def fresh_name(
        self, plain: Sequence[str], quoted: Sequence[str], taken: set[str]
    ) -> tuple[str, bool] | None:
        """A name no statement of this kind has yet (now and then one to be quoted), marked
        as taken, and whether it is written quoted; None when all are taken."""
        free = [p for p in plain if ast.normalize_name(p) not in taken]
        free_quoted = [q for q in quoted if ast.normalize_name(q) not in taken]
        if not free and not free_quoted:
            return None
        use_quoted = bool(free_quoted) and (not free or self.integer(0, 3) == 0)
        name = self.pick(free_quoted if use_quoted else free)
        taken.add(ast.normalize_name(name))
        return name, use_quoted

    def stage(self) -> str | None:
        fresh = self.fresh_name(_STAGE_WORDS, _STAGE_QUOTED, self.stage_keys)
        if fresh is None:
            return None
        name, use_quoted = fresh
        threshold = Decimal(self.integer(0, 30) * 5)
        if self.integer(0, 5) == 0:
            threshold += Decimal("0.5")
        while threshold in self.thresholds:
            threshold += 1
        self.thresholds.add(threshold)
        written = self.string(name) if use_quoted else name
        line = f"{written} {self.kw('at')} {self.number(threshold)}"
        if self.integer(0, 2) == 0:
            line += f" {self.kw('when')} {self.cond()[0]}"
        return line

    def group(self) -> list[str] | None:
        fresh = self.fresh_name(_GROUP_NAMES, _GROUP_QUOTED, self.group_keys)
        if fresh is None:
            return None
        name, use_quoted = fresh
        header = f"{self.kw('group')} {self.string(name) if use_quoted else name}"
        limits = []
        high = low = None
        if self.boolean():
            high = self.integer(0, 20) * 5
            limits.append(f"{self.kw('max')} {high}")
        if self.integer(0, 2) == 0:
            low = self.integer(-20, 4) * 5
            if high is not None and low > high:
                low = high
            limits.append(f"{self.kw('min')} {low}")
        if len(limits) > 1:
            limits = self.shuffle(limits)
        head = " ".join([header, *limits]) + ":"
        if self.integer(0, 4) == 0:
            head += "  " + self.pick(_COMMENTS)
        indent = self.pick(("    ", "    ", "  ", "\t"))
        if indent == "\t":
            indent = "    "
        lines = [head]
        for _ in range(self.integer(1, 3)):
            if self.integer(0, 6) == 0:
                lines.append(indent + self.pick(_COMMENTS))
            rules = [self.score_rule() for _ in range(self.integer(1, 2))]
            lines.append(indent + "; ".join(rules))
        return lines


_STATEMENT_KINDS = st.lists(
    st.sampled_from(("rule", "define", "stage", "disqualify", "group", "comment")),
    min_size=1,
    max_size=8,
)


@st.composite
def rule_files(draw: st.DrawFn, vocab: Vocab) -> str:
    f = _RuleFile(draw, vocab)
    kinds = draw(_STATEMENT_KINDS)
    lines: list[str] = []
    pending: list[str] = []  # simple statements waiting to be written on one line

    def flush() -> None:
        if pending:
            end = ";" if f.integer(0, 9) == 0 else ""
            lines.append("; ".join(pending) + end)
            pending.clear()

    for kind in kinds:
        if kind == "group":
            block = f.group()
            if block is not None:
                flush()
                lines.extend(block)
            continue
        if kind == "comment":
            flush()
            lines.append(f.pick(_COMMENTS))
            continue
        if kind == "rule":
            statement: str | None = f.score_rule()
        elif kind == "define":
            statement = f.define()
        elif kind == "stage":
            statement = f.stage()
        else:
            statement = f.disqualify()
        if statement is None:
            continue
        if pending and f.integer(0, 3) != 0:
            flush()
        pending.append(statement)
        if f.integer(0, 9) == 0:
            pending[-1] += "  " + f.pick(_COMMENTS)
            flush()
    flush()
    if f.integer(0, 4) == 0:
        lines.insert(f.integer(0, len(lines)), "")
    return "\n".join(lines) + ("\n" if f.integer(0, 4) else "")


@functools.cache
def warm_up() -> None:
    """Compile once now, so that building the parser does not happen inside (and slow down)
    the first example of a test."""
    compile_rules("+1 when warm")
