"""Shared pieces for the property tests in test_laws.py and test_event_laws.py.

Nothing here imports leadrules' internals: the generators write rule *text* (as a user would)
and the model below is an independent, tiny Kleene logic used to predict what the evaluator
must answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

import leadrules

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

# Build the parser once at import, so that the first Hypothesis example does not pay for it
# (and trip the per-example deadline).
leadrules.compile("+1 when warm; MQL at 1")


class _Absent:
    """Marks a field that the lead does not have at all."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()

TV = bool | None  # Kleene truth: True, False, None (unknown)


# ------------------------------------------------------------------------------- rendering


def quote(text: str) -> str:
    """A double-quoted rule-language string for ``text`` (backslash escapes)."""
    body = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{body}"'


def num(value: Decimal | int, *, signed: bool = False) -> str:
    """A rule-language number (plain digits, optional sign)."""
    text = format(Decimal(value), "f")
    if signed and not text.startswith("-"):
        text = "+" + text
    return text


def make_lead(**fields: Any) -> dict[str, Any]:
    """A dict lead, leaving out the fields given as ABSENT."""
    return {key.replace("_", " "): value for key, value in fields.items() if value is not ABSENT}


# ------------------------------------------------------------------------------- verdicts


def fired_labels(result: leadrules.Result) -> list[str]:
    return [c.label for c in result.contributions if c.kind == "rule"]


def verdict(result: leadrules.Result, label: str) -> str:
    """ "fires", "undecided" or "no" for the score rule labelled ``label``."""
    fired = label in fired_labels(result)
    undecided = any(u.label == label and u.kind == "score rule" for u in result.undecided)
    assert not (fired and undecided), f"{label!r} both fired and was undecided"
    if fired:
        return "fires"
    return "undecided" if undecided else "no"


def truth_verdict(value: TV) -> str:
    """The verdict a score rule whose condition has Kleene truth ``value`` must get."""
    return {True: "fires", False: "no", None: "undecided"}[value]


def rule_points(result: leadrules.Result, label: str) -> Decimal:
    return sum(
        (c.points for c in result.contributions if c.kind == "rule" and c.label == label),
        Decimal(0),
    )


def rule_count(result: leadrules.Result, label: str) -> Decimal:
    """How many events a `per` rule counted (0 when it gave no contribution)."""
    for c in result.contributions:
        if c.kind == "rule" and c.label == label:
            assert c.count is not None, f"{label!r}: a per rule's contribution has no count"
            return c.count
    return Decimal(0)


# ------------------------------------------------------------------------------- Kleene model


def k_not(a: TV) -> TV:
    return None if a is None else not a


def k_and(values: Sequence[TV]) -> TV:
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def k_or(values: Sequence[TV]) -> TV:
    if any(v is True for v in values):
        return True
    if any(v is None for v in values):
        return None
    return False


# Values of a bare fact and their truth, straight from docs/language.md §8 (the vocabulary that
# issue 12 settled, superseding the spec's first wording): yes-words true, no-words false,
# missing-words and blank missing, numbers true unless zero, dates true, other text unreadable
# (unknown, with a warning).
FACT_VALUES: list[tuple[Any, TV]] = [
    (True, True),
    (False, False),
    ("yes", True),
    ("no", False),
    ("", None),
    (None, None),
    (ABSENT, None),
    ("  ", None),
    (" YES ", True),
    ("No", False),
    ("off", False),
    ("OFF ", False),
    ("0", False),
    ("false", False),
    ("True", True),
    ("maybe", None),
    ("N/A", None),
    ("n", False),
    ("Y", True),
    ("0.0", False),
    ("2026-01-15", True),
    ("1", True),
    (0, False),
    (1, True),
    (2.5, True),
]

# Values of the number field `n` and the number each one is read as (None: missing/unreadable).
N_VALUES: list[tuple[Any, Decimal | None]] = [
    (ABSENT, None),
    (None, None),
    ("", None),
    (5, Decimal(5)),
    (-3, Decimal(-3)),
    (2.5, Decimal("2.5")),
    ("7", Decimal(7)),
    (" 12 ", Decimal(12)),
    ("3.5", Decimal("3.5")),
    ("abc", None),
    ("12 apples", None),
]

# Values of the text field `t` and their comparison form (None: missing).
T_VALUES: list[tuple[Any, str | None]] = [
    (ABSENT, None),
    (None, None),
    ("   ", None),
    ("GB", "gb"),
    (" gb ", "gb"),
    ("Gb", "gb"),
    ("US", "us"),
    ("gbr", "gbr"),
]

FACT_FIELDS = ("alpha", "bravo", "charlie")


def is_blank(raw: Any) -> bool:
    """Missing as language.md defines it: absent, None, or a blank string."""
    return raw is ABSENT or raw is None or (isinstance(raw, str) and not raw.strip())


@dataclass(frozen=True)
class Leaf:
    """One test in a condition: its rule text and how to compute its truth from the lead."""

    text: str
    kind: str  # "fact", "cmp", "teq", "tmissing", "npresent"
    arg: Any = None

    def truth(self, env: dict[str, int]) -> TV:
        """``env`` maps each field to an index into its table of values."""
        if self.kind == "fact":
            return FACT_VALUES[env[self.arg]][1]
        if self.kind == "cmp":
            op, bound = self.arg
            n = N_VALUES[env["n"]][1]
            if n is None:
                return None
            return {
                "=": n == bound,
                "!=": n != bound,
                "<": n < bound,
                "<=": n <= bound,
                ">": n > bound,
                ">=": n >= bound,
            }[op]
        if self.kind == "teq":
            t = T_VALUES[env["t"]][1]
            return None if t is None else t == self.arg
        if self.kind == "tmissing":
            return is_blank(T_VALUES[env["t"]][0])
        if self.kind == "npresent":
            return not is_blank(N_VALUES[env["n"]][0])
        raise AssertionError(self.kind)


@st.composite
def leaves(draw: st.DrawFn) -> Leaf:
    kind = draw(st.sampled_from(["fact", "fact", "cmp", "teq", "tmissing", "npresent"]))
    if kind == "fact":
        name = draw(st.sampled_from(FACT_FIELDS))
        return Leaf(name, "fact", name)
    if kind == "cmp":
        op = draw(st.sampled_from(["=", "!=", "<", "<=", ">", ">="]))
        bound = draw(st.sampled_from([Decimal(-3), Decimal(0), Decimal("2.5"), Decimal(5), 7]))
        return Leaf(f"n {op} {num(bound)}", "cmp", (op, Decimal(bound)))
    if kind == "teq":
        word = draw(st.sampled_from(["gb", "GB", "us"]))
        return Leaf(f"t = {quote(word)}", "teq", word.casefold())
    if kind == "tmissing":
        return Leaf("t is missing", "tmissing")
    return Leaf("n is present", "npresent")


# A condition tree: ("leaf", Leaf) | ("not", tree) | ("and", (trees...)) | ("or", (trees...)),
# each wrapped with a flag saying whether to add (redundant) parentheses.
Tree = tuple[Any, ...]


def trees(max_leaves: int = 8) -> st.SearchStrategy[Tree]:
    return st.recursive(
        st.tuples(st.just("leaf"), leaves(), st.booleans()),
        lambda inner: st.one_of(
            st.tuples(st.just("not"), inner, st.booleans()),
            st.tuples(st.just("and"), st.lists(inner, min_size=2, max_size=3), st.booleans()),
            st.tuples(st.just("or"), st.lists(inner, min_size=2, max_size=3), st.booleans()),
        ),
        max_leaves=max_leaves,
    )


_PREC = {"or": 1, "and": 2, "not": 3, "leaf": 4}


def render(tree: Tree, need: int = 0) -> str:
    """Rule text for a tree with only the parentheses precedence requires (not > and > or),
    plus the redundant ones the tree asks for."""
    kind, body, paren = tree
    if kind == "leaf":
        text = body.text
    elif kind == "not":
        text = "not " + render(body, _PREC["not"])
    else:
        text = f" {kind} ".join(render(child, _PREC[kind] + 1) for child in body)
    if paren or _PREC[kind] < need:
        text = f"({text})"
    return text


def model(tree: Tree, env: dict[str, int]) -> TV:
    kind, body, _ = tree
    if kind == "leaf":
        return body.truth(env)  # type: ignore[no-any-return]
    if kind == "not":
        return k_not(model(body, env))
    values = [model(child, env) for child in body]
    return k_and(values) if kind == "and" else k_or(values)


def envs() -> st.SearchStrategy[dict[str, int]]:
    return st.fixed_dictionaries(
        {
            **{name: st.integers(0, len(FACT_VALUES) - 1) for name in FACT_FIELDS},
            "n": st.integers(0, len(N_VALUES) - 1),
            "t": st.integers(0, len(T_VALUES) - 1),
        }
    )


def lead_of(env: dict[str, int]) -> dict[str, Any]:
    fields = {name: FACT_VALUES[env[name]][0] for name in FACT_FIELDS}
    fields["n"] = N_VALUES[env["n"]][0]
    fields["t"] = T_VALUES[env["t"]][0]
    return make_lead(**fields)


# ------------------------------------------------------------------------------- rule files

EVENT_NAMES = ("opened email", "visited pricing page", "attended webinar")
EVENT_SPELLINGS = {
    "opened email": ("opened email", "Opened Email", "opened_email", "opened-email"),
    "visited pricing page": (
        "visited pricing page",
        "Visited Pricing Page",
        "visited_pricing_page",
    ),
    "attended webinar": ("attended webinar", "ATTENDED WEBINAR", "attended-webinar"),
}

points = st.decimals(min_value=-50, max_value=50, places=2, allow_nan=False, allow_infinity=False)
positive_points = st.decimals(
    min_value=Decimal("0.01"), max_value=50, places=2, allow_nan=False, allow_infinity=False
)
caps = st.decimals(min_value=0, max_value=60, places=1, allow_nan=False, allow_infinity=False)


@dataclass(frozen=True)
class RuleSpec:
    """One score rule: ``{points} {body}`` where body holds the rest of the line."""

    points: Decimal
    body: str  # "when ...", "per ... , up to M", ...
    per_field: bool = False  # `per NUMBER-FIELD`: its points are not monotone in the field

    def text(self) -> str:
        return f"{num(self.points, signed=True)} {self.body}"


@dataclass(frozen=True)
class GroupSpec:
    name: str
    rules: tuple[RuleSpec, ...]
    max: Decimal | None = None
    min: Decimal | None = None


@dataclass(frozen=True)
class StageSpec:
    name: str
    threshold: Decimal
    condition: str | None = None


@dataclass(frozen=True)
class FileSpec:
    items: tuple[RuleSpec | GroupSpec, ...]
    disqualify: tuple[str, ...] = ()
    stages: tuple[StageSpec, ...] = ()
    order: tuple[int, ...] = field(default=())  # a permutation of the top-level blocks

    def rules(self) -> list[RuleSpec]:
        out: list[RuleSpec] = []
        for item in self.items:
            out.extend(item.rules if isinstance(item, GroupSpec) else (item,))
        return out

    def map_points(self, fn: Callable[[int, Decimal], Decimal]) -> FileSpec:
        """The same file with every rule's points replaced by ``fn(index, points)``."""
        counter = iter(range(10_000))
        items: list[RuleSpec | GroupSpec] = []
        for item in self.items:
            if isinstance(item, GroupSpec):
                rules = tuple(replace(r, points=fn(next(counter), r.points)) for r in item.rules)
                items.append(replace(item, rules=rules))
            else:
                items.append(replace(item, points=fn(next(counter), item.points)))
        return replace(self, items=tuple(items))

    def text(self) -> str:
        blocks: list[str] = []
        for item in self.items:
            if isinstance(item, GroupSpec):
                head = f"group {item.name}"
                if item.max is not None:
                    head += f" max {num(item.max)}"
                if item.min is not None:
                    head += f" min {num(item.min)}"
                lines = [head + ":"] + ["    " + r.text() for r in item.rules]
                blocks.append("\n".join(lines))
            else:
                blocks.append(item.text())
        for cond in self.disqualify:
            blocks.append(f"disqualify when {cond}")
        for stage in self.stages:
            line = f"{stage.name} at {num(stage.threshold)}"
            if stage.condition is not None:
                line += f" when {stage.condition}"
            blocks.append(line)
        if self.order and len(self.order) == len(blocks):
            blocks = [blocks[i] for i in self.order]
        return "\n".join(blocks) + "\n"


FIELD_CONDITIONS = (
    "alpha",
    "not bravo",
    "n > 3",
    "n <= 2.5",
    't = "gb"',
    "t is missing",
    "alpha and (bravo or n >= 5)",
    "not (charlie or t is missing)",
    't != "us" and not alpha',
    "n is present or charlie",
)
EVENT_CONDITIONS = tuple(
    name + extra
    for name in EVENT_NAMES
    for extra in (
        "",
        " at least 2 times",
        " at most 1 time",
        " within 7 days",
        " at least 2 times within 30 days",
        ' where topic contains "ai"',
    )
)


def conditions() -> st.SearchStrategy[str]:
    """Condition text over the fields and over events (the Kleene test generates richer
    trees; here one draw per condition keeps whole rule files cheap to generate)."""
    return st.sampled_from(FIELD_CONDITIONS + EVENT_CONDITIONS) | st.sampled_from(
        FIELD_CONDITIONS
    ).map(lambda text: f"{text} or alpha")


def windows() -> st.SearchStrategy[str]:
    return st.sampled_from(["", " within 7 days", " within 36 hours", " within 2 weeks"])


@st.composite
def score_rules(draw: st.DrawFn, *, monotone: bool = False) -> RuleSpec:
    """A score rule of any kind. ``monotone``: leave out `per NUMBER-FIELD`, whose points fall
    when the field is negative and the rule's points rise."""
    kinds = ["when", "when", "per event", "decay"] + ([] if monotone else ["per field"])
    kind = draw(st.sampled_from(kinds))
    pts = draw(points)
    label = draw(st.sampled_from(["", ' as "a label"', ' as "Personal email"']))
    if kind == "when":
        return RuleSpec(pts, f"when {draw(conditions())}{label}")
    cap = draw(st.none() | caps)
    cap_text = "" if cap is None else f", up to {num(cap)}"
    if kind == "per field":
        return RuleSpec(pts, f"per visits{cap_text}{label}", per_field=True)
    event = draw(st.sampled_from(EVENT_NAMES))
    if kind == "per event":
        return RuleSpec(pts, f"per {event}{draw(windows())}{cap_text}{label}")
    percent = draw(st.sampled_from(["50", "10", "100", "33.3"]))
    period = draw(st.sampled_from(["30 days", "1 week", "12 hours"]))
    if draw(st.booleans()):
        return RuleSpec(pts, f"when {event}, decaying {percent}% every {period}{label}")
    return RuleSpec(pts, f"per {event}{cap_text}, decaying {percent}% every {period}{label}")


@st.composite
def limits(draw: st.DrawFn) -> tuple[Decimal | None, Decimal | None]:
    a = draw(st.none() | st.decimals(-40, 80, places=1, allow_nan=False, allow_infinity=False))
    b = draw(st.none() | st.decimals(-40, 80, places=1, allow_nan=False, allow_infinity=False))
    if a is not None and b is not None:
        return max(a, b), min(a, b)
    return a, b


@st.composite
def rule_files(
    draw: st.DrawFn, *, monotone: bool = False, stage_conditions: bool = True
) -> FileSpec:
    items: list[RuleSpec | GroupSpec] = []
    for i in range(draw(st.integers(0, 3))):
        rules = tuple(draw(st.lists(score_rules(monotone=monotone), min_size=1, max_size=4)))
        high, low = draw(limits())
        items.append(GroupSpec(f"g{i}", rules, high, low))
    items.extend(draw(st.lists(score_rules(monotone=monotone), max_size=4)))
    disqualify = tuple(draw(st.lists(conditions(), max_size=2)))
    thresholds = draw(
        st.lists(
            st.decimals(-20, 120, places=1, allow_nan=False, allow_infinity=False),
            max_size=4,
            unique=True,
        )
    )
    names = ["MQL", "SQL", '"Sales ready"', "nurture"]
    stages = tuple(
        StageSpec(
            names[i],
            threshold,
            draw(st.none() | conditions()) if stage_conditions else None,
        )
        for i, threshold in enumerate(thresholds)
    )
    count = len(items) + len(disqualify) + len(stages)
    order = tuple(draw(st.permutations(range(count))))
    return FileSpec(tuple(items), disqualify, stages, order)


# ------------------------------------------------------------------------------- leads

dates = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31))
datetimes = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2027, 12, 31))

#: Messy field values: missing in all its forms, numbers, numbers as text, yes/no text,
#: unreadable text, booleans, dates.
messy_values = st.one_of(
    st.sampled_from([None, "", "  ", True, False, "yes", "no", "off", "0", "n/a", "GB", " gb "]),
    st.integers(-1000, 1000),
    # Magnitudes stay realistic here; a huge number breaks exactness (see test_laws.py).
    st.floats(min_value=-1e9, max_value=1e9),
    st.sampled_from([float("nan"), float("inf"), float("-inf")]),
    st.decimals(-1000, 1000, places=2, allow_nan=False, allow_infinity=False).map(str),
    st.integers(-10_000, 10_000).map(lambda i: f" {i} "),
    st.text(max_size=8),
    dates,
    dates.map(dt.date.isoformat),
    datetimes,
    datetimes.map(lambda d: d.replace(tzinfo=UTC)),
)


@st.composite
def event_records(draw: st.DrawFn, names: Sequence[str] = EVENT_NAMES) -> Any:
    name = draw(st.sampled_from(names))
    spelling = draw(st.sampled_from(EVENT_SPELLINGS.get(name, (name,))))
    age = dt.timedelta(minutes=draw(st.integers(-2 * 24 * 60, 60 * 24 * 60)))
    at = NOW - age
    topic = draw(st.sampled_from([ABSENT, None, "AI in sales", "pricing", ""]))
    props = {} if topic is ABSENT else {"topic": topic}
    form = draw(st.sampled_from(["event", "dict", "flat dict", "text time"]))
    if form == "event":
        return leadrules.Event(spelling, at, props)
    if form == "dict":
        return {"name": spelling, "at": at, "properties": props}
    if form == "flat dict":
        return {"name": spelling, "at": at, **props}
    return {"name": spelling, "at": at.isoformat(), "properties": props}


@st.composite
def rule_file_leads(draw: st.DrawFn) -> dict[str, Any]:
    """Leads for the files from :func:`rule_files`."""
    fields: dict[str, Any] = {}
    for name in (*FACT_FIELDS, "n", "t", "visits"):
        value = draw(st.one_of(st.just(ABSENT), messy_values))
        if value is not ABSENT:
            fields[name] = value
    if draw(st.booleans()):
        fields["events"] = draw(st.lists(event_records(), max_size=8))
    return fields
