"""Laws of the rule language (issue 2), checked with Hypothesis.

Expectations come from language.md / api.md: three-valued (Kleene) logic with missing data,
`x != v` is exactly `not (x = v)`, contributions add up exactly to the score, a disqualified lead
has no stage, evaluation never raises on lead data.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from lawstrategies import (
    ABSENT,
    FACT_VALUES,
    NOW,
    UTC,
    FileSpec,
    GroupSpec,
    dates,
    datetimes,
    envs,
    k_and,
    k_not,
    k_or,
    lead_of,
    make_lead,
    messy_values,
    model,
    num,
    quote,
    render,
    rule_file_leads,
    rule_files,
    trees,
    truth_verdict,
    verdict,
)
from specdata import SPEC_EXAMPLE

import leadrules
from leadrules.runtime import values

# ------------------------------------------------------------------------------- x != v


@st.composite
def literal_and_related(draw: st.DrawFn) -> tuple[str, list[Any]]:
    """A literal's rule text, and lead values close to it (equal in some reading of the spec,
    or nearly so), so that the law is exercised on both sides of equality."""
    kind = draw(st.sampled_from(["number", "text", "date", "datetime", "bool"]))
    if kind == "number":
        d = draw(st.decimals(-1000, 1000, places=2, allow_nan=False, allow_infinity=False))
        related: list[Any] = [d, float(d), str(d), f" {d} ", str(d + 1), int(d)]
        return num(d), related
    if kind == "text":
        s = draw(
            st.sampled_from(["GB", "gb", " Acme ", "50", "yes", "2026-01-15", "true", ""])
            | st.text(alphabet="aBc 1é\"'\\", max_size=6)
        )
        return quote(s), [s, s.upper(), f"  {s} ", s + "x", s.casefold()]
    if kind == "date":
        d = draw(dates)
        midnight = dt.datetime(d.year, d.month, d.day)
        related = [
            d,
            d.isoformat(),
            midnight,
            midnight.replace(tzinfo=UTC),
            midnight + dt.timedelta(hours=13),
            f"{d.isoformat()}T23:59:59Z",
            d + dt.timedelta(days=1),
        ]
        return d.isoformat(), related
    if kind == "datetime":
        naive = draw(datetimes)
        offset = draw(st.sampled_from([None, 0, 330, -480]))
        if offset is None:
            aware = naive.replace(tzinfo=UTC)
            text = naive.isoformat()  # a literal without offset: UTC
        else:
            aware = naive.replace(tzinfo=dt.timezone(dt.timedelta(minutes=offset)))
            text = aware.isoformat()
        in_utc = aware.astimezone(UTC)
        related = [
            aware,
            in_utc,
            in_utc.replace(tzinfo=None),
            in_utc.isoformat(),
            in_utc.date(),
            aware + dt.timedelta(seconds=1),
        ]
        return text, related
    b = draw(st.booleans())
    text = draw(st.sampled_from(["true", "TRUE", "True"] if b else ["false", "FALSE", "False"]))
    return text, [b, not b, "yes", "no", "Off", 0, 1, "true", "false"]


@given(data=st.data())
def test_not_equal_is_exactly_not_equal(data: st.DataObject) -> None:
    literal, related = data.draw(literal_and_related(), label="literal")
    x = data.draw(
        st.sampled_from(related)
        | st.sampled_from([ABSENT, None, "", "   "])
        | messy_values
        | st.lists(st.integers(), max_size=2),
        label="x",
    )
    source = "\n".join(
        [
            f'+1 when x = {literal} as "eq"',
            f'+1 when x != {literal} as "ne"',
            f'+1 when not (x = {literal}) as "not eq"',
            f'+1 when x is not {literal} as "is not"',
            f'+1 when not (x is {literal}) as "not is"',
            f'+1 when not x == {literal} as "not =="',
        ]
    )
    result = leadrules.evaluate(source, make_lead(x=x), now=NOW)
    eq = verdict(result, "eq")
    negated = {"fires": "no", "no": "fires", "undecided": "undecided"}[eq]
    for label in ("ne", "not eq", "is not", "not is", "not =="):
        assert verdict(result, label) == negated, (label, result.explain())


@given(data=st.data())
def test_not_in_is_exactly_not_in(data: st.DataObject) -> None:
    first, related = data.draw(literal_and_related(), label="first")
    second, more = data.draw(literal_and_related(), label="second")
    x = data.draw(
        st.sampled_from(related + more) | st.sampled_from([ABSENT, None, " "]) | messy_values,
        label="x",
    )
    items = f"[{first}, {second}]"
    source = (
        f'+1 when x in {items} as "in"\n'
        f'+1 when x not in {items} as "not in"\n'
        f'+1 when not (x in {items}) as "not (in)"\n'
    )
    result = leadrules.evaluate(source, make_lead(x=x), now=NOW)
    negated = {"fires": "no", "no": "fires", "undecided": "undecided"}[verdict(result, "in")]
    assert verdict(result, "not in") == negated
    assert verdict(result, "not (in)") == negated


# ------------------------------------------------------------------------------- De Morgan

BARE_FACT_VALUES = st.one_of(
    st.sampled_from([True, False, ABSENT, None, "no", "yes", "", "No ", " YES"]),
    st.text(max_size=5),
)

DE_MORGAN = """\
+1 when not (alpha and bravo) as "not (a and b)"
+1 when not alpha or not bravo as "not a or not b"
+1 when not (alpha or bravo) as "not (a or b)"
+1 when not alpha and not bravo as "not a and not b"
"""


@given(a=BARE_FACT_VALUES, b=BARE_FACT_VALUES)
def test_de_morgan_holds_with_missing_values(a: Any, b: Any) -> None:
    result = leadrules.evaluate(DE_MORGAN, make_lead(alpha=a, bravo=b), now=NOW)
    assert verdict(result, "not (a and b)") == verdict(result, "not a or not b")
    assert verdict(result, "not (a or b)") == verdict(result, "not a and not b")


@given(a=st.sampled_from(FACT_VALUES), b=st.sampled_from(FACT_VALUES))
def test_de_morgan_matches_the_kleene_truth_tables(
    a: tuple[Any, bool | None], b: tuple[Any, bool | None]
) -> None:
    (a_value, ta), (b_value, tb) = a, b
    result = leadrules.evaluate(DE_MORGAN, make_lead(alpha=a_value, bravo=b_value), now=NOW)
    assert verdict(result, "not (a and b)") == truth_verdict(k_not(k_and([ta, tb])))
    assert verdict(result, "not (a or b)") == truth_verdict(k_not(k_or([ta, tb])))


# The documented reading of text as yes/no (docs/language.md §8), over arbitrary text.
YES = {"true", "t", "yes", "y", "on", "1", "checked", "✓", "✔"}
NO = {"false", "f", "no", "n", "off", "0", "unchecked", "✗", "✘"}
MISSING_TEXT = {"", "n/a", "#n/a", "none", "null", "nil", "nan", "-", "--", "—", "(none)"}
MISSING_TEXT |= {"(blank)", "undefined"}


@given(
    text=st.one_of(
        st.sampled_from(
            [
                *("false", "No", " OFF ", "0", "yes", "true", "1", "", "  ", "\t", "n", "F", "y"),
                *("N/A", "null", "-", "maybe", "0.0", "12", "2026-01-15", "x"),
            ]
        ),
        st.text(max_size=6),
    )
)
def test_a_bare_fact_reads_text_as_the_docs_say(text: str) -> None:
    result = leadrules.evaluate('+1 when subscribed as "r"', {"subscribed": text}, now=NOW)
    folded = text.strip().casefold()
    number = values.to_number(text)
    if folded in MISSING_TEXT:
        expected, warned = "undecided", False
    elif folded in YES:
        expected, warned = "fires", False
    elif folded in NO:
        expected, warned = "no", False
    elif not isinstance(number, values.Problem):
        expected, warned = ("no" if number == 0 else "fires"), False
    elif not isinstance(values.to_datetime(text), values.Problem):
        expected, warned = "fires", False
    else:
        expected, warned = "undecided", True
    assert verdict(result, "r") == expected
    assert bool(result.warnings) is warned


# ------------------------------------------------------------------------------- Kleene


@given(tree=trees(), env=envs())
def test_conditions_follow_kleene_logic(tree: Any, env: dict[str, int]) -> None:
    cond = render(tree)
    expected = model(tree, env)
    source = (
        f"define combo as {cond}\n"
        f'+1 when {cond} as "direct"\n'
        f'+2 when combo as "via definition"\n'
        f'+4 when not combo as "negated"\n'
        f'+8 when not ({cond}) as "negated inline"\n'
        f'disqualify when {cond} because "dq"\n'
        f"top at 0 when {cond}\n"
    )
    result = leadrules.evaluate(source, lead_of(env), now=NOW)
    context = (cond, lead_of(env), expected)
    assert verdict(result, "direct") == truth_verdict(expected), context
    assert verdict(result, "via definition") == truth_verdict(expected), context
    negated = None if expected is None else not expected
    assert verdict(result, "negated") == truth_verdict(negated), context
    assert verdict(result, "negated inline") == truth_verdict(negated), context
    assert result.disqualified == (expected is True), context
    dq_undecided = any(u.kind == "disqualify" for u in result.undecided)
    assert dq_undecided == (expected is None), context
    (top,) = result.stages
    assert top.condition == expected, context
    assert top.reached == (expected is True), context


# ------------------------------------------------------------------------------- rule files


def _check_sums(spec: FileSpec, result: leadrules.Result) -> None:
    total = sum((c.points for c in result.contributions), Decimal(0))
    assert total == result.score
    assert isinstance(result.score, Decimal)
    ungrouped = sum((c.points for c in result.contributions if c.group is None), Decimal(0))
    assert result.score == sum(result.groups.values(), Decimal(0)) + ungrouped
    groups = [item for item in spec.items if isinstance(item, GroupSpec)]
    assert set(result.groups) == {g.name for g in groups}
    for group in groups:
        subtotal = result.groups[group.name]
        mine = sum((c.points for c in result.contributions if c.group == group.name), Decimal(0))
        assert mine == subtotal
        if group.max is not None:
            assert subtotal <= group.max
        if group.min is not None:
            assert subtotal >= group.min


@given(spec=rule_files(), lead=rule_file_leads())
def test_contributions_add_up_exactly_to_the_score(spec: FileSpec, lead: dict[str, Any]) -> None:
    result = leadrules.compile(spec.text()).evaluate(lead, now=NOW)
    _check_sums(spec, result)


def test_contributions_add_up_exactly_even_for_huge_values() -> None:
    # Found by the property above when leads may hold any float: 0.01 * -1e29 gives a subtotal
    # of -1e27, the group min lifts it to 0.1, so the clamp's contribution must be 1e27 + 0.1.
    rules = leadrules.compile("group g min 0.1:\n    +0.01 per visits\n")
    result = rules.evaluate({"visits": -1e29}, now=NOW)
    assert result.score == Decimal("0.1")
    assert sum((c.points for c in result.contributions), Decimal(0)) == result.score


@given(spec=rule_files(), lead=rule_file_leads())
def test_disqualified_means_no_stage(spec: FileSpec, lead: dict[str, Any]) -> None:
    result = leadrules.compile(spec.text()).evaluate(lead, now=NOW)
    assert result.disqualified == bool(result.disqualifications)
    if result.disqualified:
        assert not result.qualified
        assert result.stage is None
    if result.qualified:
        assert result.stage is not None
    assert result.qualified == (result.stage is not None and not result.disqualified)
    # The stage is the highest one whose threshold and condition the lead meets.
    if not result.disqualified:
        met = [
            outcome.name
            for outcome, stage in zip(
                result.stages, sorted(spec.stages, key=lambda s: s.threshold), strict=True
            )
            if result.score >= stage.threshold
            and (stage.condition is None or outcome.condition is True)
        ]
        assert result.stage == (met[-1] if met else None)


@given(
    spec=rule_files(monotone=True, stage_conditions=False),
    lead=rule_file_leads(),
    raises=st.lists(
        st.decimals(0, 30, places=2, allow_nan=False, allow_infinity=False), min_size=20
    ),
)
def test_raising_points_never_lowers_the_stage(
    spec: FileSpec, lead: dict[str, Any], raises: list[Decimal]
) -> None:
    higher = spec.map_points(lambda i, points: points + raises[i])
    low = leadrules.compile(spec.text()).evaluate(lead, now=NOW)
    high = leadrules.compile(higher.text()).evaluate(lead, now=NOW)
    ranks = leadrules.compile(spec.text()).stages  # lowest threshold first

    def rank(result: leadrules.Result) -> int:
        return -1 if result.stage is None else ranks.index(result.stage)

    assert high.score >= low.score, (spec.text(), higher.text())
    assert rank(high) >= rank(low)


# ------------------------------------------------------------------------------- never raises


DOTTED = """\
define big as company.size >= 100
group fit max 30 min -10:
    +10 when big
    +5 when address.country in ["GB", "IE"]
    -5 when company.name contains "test"
    +0.5 per company.employees, up to 8
+2 per visits, up to 20
+3 per opened email where topic contains "AI" within 30 days, up to 9
+4 when signed up within 30 days
+1 when last seen before 2026-01-01
disqualify when address.country = "US" because "not in region"
MQL at 10
SQL at 25 when big or requested demo
"""

KEYS = [
    "job title",
    "job_title",
    "Job Title",
    "company size",
    "company_size",
    "industry",
    "email",
    "country",
    "downloaded whitepaper",
    "requested demo",
    "booked call",
    "opened email",
    "visited pricing page",
    "attended webinar",
    "company",
    "size",
    "name",
    "employees",
    "address",
    "visits",
    "signed up",
    "last seen",
    "topic",
    "events",
    "at",
    "_private",
]
TEXTS = [
    "50",
    " 1,200 ",
    "2026-01-15",
    "2026-02-30",
    "2026-01-15T10:00:00+25:00",
    "1e5",
    "nan",
    "inf",
    "-0",
    "yes",
    "no",
    "a@gmail.com",
    "x@competitor.com",
    "VP of Sales",
    "GB",
    "attended webinar",
    "(a+)+$",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=10),
    st.sampled_from(TEXTS),
)
keys = st.sampled_from(KEYS) | st.text(max_size=8)
json_like = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=25,
)
junk_events = st.one_of(
    json_like,
    st.lists(
        json_like
        | st.fixed_dictionaries(
            {
                "name": st.sampled_from(["opened email", "Attended_Webinar", "", "x"]) | json_like,
                "at": json_like
                | st.sampled_from(["2026-02-20", "2026-02-28T10:00:00Z", "yesterday"])
                | st.integers(-(10**20), 10**20),
            },
            optional={"properties": json_like, "topic": json_like},
        ),
        max_size=6,
    ),
)
junk_leads = st.one_of(
    json_like,
    st.builds(
        lambda fields, events: {**fields, "events": events},
        st.dictionaries(keys, json_like, max_size=8),
        junk_events,
    ),
)


sub_keys = st.sampled_from(["size", "Size", "name", "employees", "country", "Country "]) | keys
nested = json_like | st.dictionaries(sub_keys, json_like, max_size=4)
dotted_leads = st.one_of(
    junk_leads,
    st.builds(
        lambda top, fields: {**fields, **top},
        st.fixed_dictionaries({}, optional={"company": nested, "address": nested}),
        st.dictionaries(keys, json_like, max_size=4),
    ),
)


def _sound(result: leadrules.Result) -> None:
    assert sum((c.points for c in result.contributions), Decimal(0)) == result.score
    json.dumps(result.to_dict())
    assert isinstance(result.explain(), str)


@given(lead=junk_leads)
def test_evaluate_never_raises_on_json_like_leads(lead: Any) -> None:
    _sound(leadrules.evaluate(SPEC_EXAMPLE, lead, now=NOW))


@given(lead=dotted_leads)
def test_evaluate_never_raises_on_json_like_leads_with_dotted_names(lead: Any) -> None:
    _sound(leadrules.evaluate(DOTTED, lead, now=NOW))


def test_a_huge_number_as_text_does_not_raise() -> None:
    result = leadrules.evaluate("+2 per visits, up to 20\n", {"visits": "1e999999999"}, now=NOW)
    _sound(result)
