"""Static analysis: score bounds, unreachable stages, rules that can never fire, duplicates,
caps that never bind, disqualify rules that block everything (docs/checking.md)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import leadrules
from leadrules import Diagnostic, strategies
from leadrules.lang.analysis import INFINITY, analyze, score_bounds, summarize
from leadrules.strategies import rule_sources

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
D = Decimal


def warnings_of(source: str) -> list[Diagnostic]:
    return [d for d in leadrules.compile(source).diagnostics() if d.severity == "warning"]


def only_warning(source: str, line: int) -> Diagnostic:
    found = warnings_of(source)
    assert len(found) == 1, "\n".join(d.render() for d in found)
    assert found[0].line == line, found[0].render()
    return found[0]


# ----------------------------------------------------------------------------- score bounds


def test_bounds_of_loose_rules_and_a_capped_group() -> None:
    rules = leadrules.compile(
        "+20 when a\n-10 when b\ngroup g max 15:\n    +10 when c\n    +10 when d\n"
    )
    low, high, groups = score_bounds(rules)
    # loose rules: -10..20; the group's rules give 0..20, clamped to 0..15
    assert groups == {"g": (D(0), D(15))}
    assert (low, high) == (D(-10), D(35))


def test_group_min_raises_the_lowest_score() -> None:
    low, high, groups = score_bounds(
        leadrules.compile("group g min -5:\n    -10 when a\n    -10 when b\n")
    )
    assert groups["g"] == (D(-5), D(0))
    assert (low, high) == (D(-5), D(0))


def test_bounds_are_reported_as_info_with_a_position() -> None:
    rules = leadrules.compile("+20 when a\ngroup g max 15:\n    +10 when c\n    +10 when d\n")
    infos = [d for d in rules.diagnostics() if d.severity == "info"]
    total = next(d for d in infos if "total" in d.message)
    assert (total.line, total.column) == (1, 1)
    assert "0 to 35" in total.message
    group = next(d for d in infos if "group `g`" in d.message)
    assert group.line == 2 and "0 to 15" in group.message


def test_a_per_rule_on_events_with_a_cap_is_bounded_by_the_cap() -> None:
    # `within` makes it an event count (a field with a window gives nothing), never negative
    low, high, _ = score_bounds(leadrules.compile("+5 per opened email within 30 days, up to 15"))
    assert (low, high) == (D(0), D(15))


def test_a_bare_per_rule_may_be_a_number_field_and_go_negative() -> None:
    rules = leadrules.compile("+5 per visits, up to 15")
    assert score_bounds(rules)[:2] == (D(-15), D(15))
    # ... and it really can: a number field named `visits` holding -4
    assert rules.evaluate({"visits": -4}, now=NOW).score == D(-15)


def test_a_schema_tells_a_per_rule_counts_events() -> None:
    rules = leadrules.compile("+5 per visits, up to 15")
    schema = {"events": list[leadrules.Event], "company size": int}
    assert score_bounds(rules, schema)[:2] == (D(0), D(15))
    assert score_bounds(leadrules.compile("+5 per company size, up to 15"), schema)[:2] == (
        D(-15),
        D(15),
    )


def test_a_per_rule_without_a_cap_has_no_upper_bound_and_says_why() -> None:
    rules = leadrules.compile("+5 per opened email within 30 days\n+10 when a")
    low, high, _ = score_bounds(rules)
    assert (low, high) == (D(0), INFINITY)
    total = next(d for d in rules.diagnostics() if "total" in d.message)
    assert total.message == "the total score is at least 0, with no upper limit"
    assert total.hint is not None and "up to" in total.hint and "line 1" in total.hint


def test_a_group_max_bounds_an_uncapped_per_rule() -> None:
    rules = leadrules.compile("group e max 40:\n    +5 per opened email within 30 days\n")
    assert score_bounds(rules) == (D(0), D(40), {"e": (D(0), D(40))})


def test_a_rule_that_can_never_fire_adds_nothing_to_the_bounds() -> None:
    assert score_bounds(leadrules.compile("+50 when x > 5 and x < 3\n+10 when a"))[:2] == (
        D(0),
        D(10),
    )


def test_decayed_rules_stay_within_their_points() -> None:
    rules = leadrules.compile("+20 when attended webinar, decaying 50% every 30 days")
    assert score_bounds(rules)[:2] == (D(0), D(20))


def test_score_bounds_accepts_only_rules() -> None:
    with pytest.raises(leadrules.InvalidArgument):
        score_bounds("+5 when a")


# ----------------------------------------------------------------------------- stages


def test_a_stage_above_the_highest_score_can_never_be_reached() -> None:
    found = only_warning("group g max 30:\n    +20 when a\n    +20 when b\nMQL at 50\n", 4)
    assert "`MQL` can never be reached" in found.message
    assert "30" in found.message
    assert found.source_line == "MQL at 50" and found.column == 1


def test_a_stage_reachable_at_the_highest_score_is_not_reported() -> None:
    assert warnings_of("+20 when a\n+30 when b\nMQL at 50\n") == []


def test_a_stage_at_or_below_the_lowest_score_is_always_reached() -> None:
    found = only_warning("+5 when a\nCold at 0\n", 2)
    assert "`Cold` is always reached" in found.message


def test_a_stage_with_a_condition_is_not_always_reached() -> None:
    assert warnings_of("+5 when a\nCold at 0 when b\n") == []


def test_a_stage_whose_condition_can_never_be_true() -> None:
    found = only_warning("+60 when a\nSQL at 50 when size > 10 and size < 5\n", 2)
    assert "`SQL` can never be reached" in found.message
    assert "`size` cannot be both > 10 and < 5" in found.message


def test_a_stage_blocked_by_a_disqualify_rule() -> None:
    source = '+60 when a\nSQL at 50 when country = "US"\ndisqualify when country in ["US", "CA"]\n'
    found = warnings_of(source)
    stage = next(d for d in found if d.line == 2)
    assert "every lead that meets its condition is disqualified (line 3)" in stage.message
    # and since it is the only stage, the disqualify rule blocks every stage
    assert any(d.line == 3 and "every stage unreachable" in d.message for d in found)


def test_a_disqualify_rule_that_leaves_a_way_through_is_not_reported() -> None:
    # GB leads are not disqualified and can reach the stage
    assert warnings_of('+60 when a\nMQL at 50\ndisqualify when country != "GB"\n') == []


def test_a_disqualify_rule_that_makes_every_stage_unreachable() -> None:
    source = (
        "+60 when a\n+40 when requested demo\n"
        "MQL at 20 when requested demo\nSQL at 90 when requested demo\n"
        "disqualify when requested demo\n"
    )
    found = warnings_of(source)
    assert any(d.line == 5 and "makes every stage unreachable" in d.message for d in found)
    assert {d.line for d in found if "can never be reached" in d.message} == {3, 4}


# ----------------------------------------------------------------------------- never fires


@pytest.mark.parametrize(
    "condition, reason",
    [
        ("x > 5 and x < 3", "`x` cannot be both > 5 and < 3"),
        ('country in ["GB"] and country = "US"', '`country` cannot be both = "GB" and = "US"'),
        ("x = 5 and x != 5", "`x` cannot be both = 5 and != 5"),
        ("x >= 5 and x < 5", "`x` cannot be both >= 5 and < 5"),
        ("x between 1 and 5 and x > 5", "`x` cannot be both > 5 and <= 5"),
        ("x is missing and x > 3", "`x` cannot be both missing and present"),
        ("requested demo and not requested demo", "cannot be both true and false"),
        ("flag = true and flag = false", "`flag` cannot be both = true and = false"),
        ('email starts with "a" and email starts with "b"', "`email` cannot both"),
        ('email = "ann@x.com" and email ends with "@y.com"', "`email` cannot be both"),
        ("signed up > 2026-01-01 and signed up < 2026-01-02", "`signed up` cannot be both"),
        ("(x > 5 or x > 7) and x < 2", "`x` cannot be both"),
        ('not (country != "GB") and country = "IE"', "`country` cannot be both"),
    ],
)
def test_a_contradiction_is_a_rule_that_can_never_fire(condition: str, reason: str) -> None:
    found = only_warning(f"+5 when a\n+10 when {condition}\n", 2)
    assert found.message.startswith("this rule can never fire"), found.message
    assert reason in found.message
    assert found.column == 1 and found.source_line == f"+10 when {condition}"


@pytest.mark.parametrize(
    "condition",
    [
        "x > 5 or x < 3",
        "x > 5 and y < 3",
        "x > 5 and x < 6",  # numbers need not be whole: 5.5
        'country = "GB" and country = "gb"',  # text compares ignoring case
        "x is missing or x > 3",
        "signed up >= 2026-01-01 and signed up < 2026-01-02",
        # a list value can contain "ab" without containing "a" (contains tests its items)
        'tags contains "ab" and not tags contains "a"',
        "x != 5 and x != 6",
    ],
)
def test_a_satisfiable_condition_is_not_reported(condition: str) -> None:
    assert warnings_of(f"+5 when a\n+10 when {condition}\n") == []


def test_a_contradiction_through_a_definition() -> None:
    found = warnings_of("define big as size > 100\n+5 when big and size < 10\n")
    assert [d.line for d in found] == [2]
    assert "`size` cannot be both > 100 and < 10" in found[0].message


def test_a_definition_that_can_never_be_true() -> None:
    found = warnings_of("define odd as x > 1 and x < 1\n")
    assert len(found) == 1 and found[0].line == 1
    assert "`odd` can never be true" in found[0].message


def test_the_reported_rule_indeed_never_fires_on_a_lead_meeting_one_half() -> None:
    rules = leadrules.compile('+10 when country in ["GB"] and country = "US"')
    for country in ("GB", "US", "gb", None):
        assert rules.evaluate({"country": country}, now=NOW).score == 0


def test_a_per_rule_whose_where_can_never_match() -> None:
    found = only_warning('+5 per visit where (page = "a" and page = "b")\n', 1)
    assert "can never give points" in found.message
    assert score_bounds(leadrules.compile('+5 per visit where (page = "a" and page = "b")'))[
        :2
    ] == (D(0), D(0))


# ----------------------------------------------------------------------------- duplicates


def test_a_rule_written_twice_is_reported_at_the_second() -> None:
    found = only_warning("+10 when Country = 'GB'\n+5 when country  =  \"gb\"\n", 2)
    assert "same thing as the rule on line 1" in found.message


def test_operand_order_does_not_hide_a_duplicate() -> None:
    found = only_warning("+10 when a and b\n+5 when b and a\n", 2)
    assert "line 1" in found.message


def test_duplicate_per_rules_and_disqualify_rules() -> None:
    found = warnings_of(
        "+5 per visit, up to 10\n+5 per Visit, up to 20\n"
        "disqualify when x = 1\ndisqualify when x = 1 because 'again'\n"
    )
    assert sorted(d.line for d in found) == [2, 4]


def test_different_values_are_not_duplicates() -> None:
    assert warnings_of("+10 when x = 1\n+10 when x = 2\n+10 when x >= 1\n") == []


# ----------------------------------------------------------------------------- group limits


def test_a_group_max_that_can_never_bind() -> None:
    found = only_warning("group fit max 50:\n    +20 when a\n    +15 when b\n", 1)
    assert "`max 50` of group `fit` can never bind" in found.message
    assert "at most 35" in found.message


def test_a_group_min_that_can_never_bind() -> None:
    found = only_warning("group fit min -50 max 10:\n    +20 when a\n    -15 when b\n", 1)
    assert "`min -50` of group `fit` can never bind" in found.message
    assert "at least -15" in found.message


def test_a_group_limit_that_can_bind_is_not_reported() -> None:
    assert (
        warnings_of("group fit min -10 max 30:\n    +20 when a\n    +15 when b\n    -15 when c\n")
        == []
    )


# ----------------------------------------------------------------------------- disqualify


def test_a_disqualify_rule_that_is_always_true() -> None:
    source = "+20 when a\nMQL at 10\ndisqualify when email is present or email is missing\n"
    found = warnings_of(source)
    assert [d.line for d in found] == [3]
    assert "always true" in found[0].message
    analysis = summarize(leadrules.compile(source))
    assert analysis.always_disqualified
    assert analysis.unreachable_stages == ("MQL",)


def test_missing_data_keeps_an_excluded_middle_from_being_always_true() -> None:
    # `x > 5 or x <= 5` is unknown when x is missing, so it does not disqualify everyone
    source = "+20 when a\nMQL at 10\ndisqualify when x > 5 or x <= 5\n"
    assert warnings_of(source) == []
    result = leadrules.compile(source).evaluate({"a": True}, now=NOW)
    assert not result.disqualified and result.stage == "MQL"


def test_a_disqualify_rule_that_can_never_be_true() -> None:
    found = only_warning("disqualify when x > 5 and x < 3\n", 1)
    assert "can never be true" in found.message


# ----------------------------------------------------------------------------- the API


def test_ruleset_diagnostics_are_analyze() -> None:
    rules = leadrules.compile("+5 when x > 5 and x < 3\nMQL at 50\n")
    assert rules.diagnostics() == analyze(rules)
    assert analyze(rules.checked) == analyze(rules)


def test_diagnostics_render_in_the_compiler_convention() -> None:
    rules = leadrules.compile("+5 when a\n+5 when x > 5 and x < 3\n", filename="s.leadrules")
    text = next(d for d in rules.diagnostics() if d.severity == "warning").render()
    lines = text.splitlines()
    assert lines[0].startswith("s.leadrules:2:1: warning: this rule can never fire")
    assert lines[1].strip() == "+5 when x > 5 and x < 3"
    assert lines[2].strip().startswith("^")


def test_the_spec_example_warns_only_that_its_fit_cap_never_binds(spec_example: str) -> None:
    rules = leadrules.compile(spec_example)
    found = [d for d in rules.diagnostics() if d.severity == "warning"]
    # fit can give at most 20 + 15 + 10 = 45, so its `max 50` never binds: the one warning
    assert [d.message for d in found] == [
        "the `max 50` of group `fit` can never bind: its rules give at most 45"
    ]
    assert score_bounds(rules) == (
        D(-10),
        D(105),
        {"fit": (D(-10), D(45)), "engagement": (D(0), D(60))},
    )


# ----------------------------------------------------------------------------- properties

# Small rule files over a few fields and events, with values chosen so that contradictions,
# missing values and field/event ambiguity all happen often.
NUMS = ["0", "1", "2", "3", "5", "2.5", "-1"]
TEXTS = ['"x"', '"y"', '"xy"', '"X"']


def _atom() -> st.SearchStrategy[str]:
    num = st.sampled_from(NUMS)
    text = st.sampled_from(TEXTS)
    field = st.sampled_from(["a", "b"])
    return st.one_of(
        st.builds(
            lambda f, o, n: f"{f} {o} {n}",
            field,
            st.sampled_from(["<", "<=", ">", ">=", "=", "!="]),
            num,
        ),
        st.builds(
            lambda f, x, y: f"{f} between {min(x, y, key=D)} and {max(x, y, key=D)}",
            field,
            num,
            num,
        ),
        st.builds(
            lambda f, x, y, neg: f"{f} {'not in' if neg else 'in'} [{x}, {y}]",
            field,
            num,
            num,
            st.booleans(),
        ),
        st.builds(lambda o, t: f"c {o} {t}", st.sampled_from(["=", "!=", "<", ">"]), text),
        st.builds(lambda x, y: f"c in [{x}, {y}]", text, text),
        st.builds(
            lambda o, t: f"c {o} {t}",
            st.sampled_from(["contains", "starts with", "ends with"]),
            text,
        ),
        st.sampled_from(
            [
                "c matches /x/i",
                "a is missing",
                "c is present",
                "flag",
                "flag = true",
                "visit",
                "visit at least 2 times",
                "demo within 7 days",
                'visit where page = "x"',
                "d > 2026-01-01",
                "d = 2026-01-05",
                "d < 2026-01-03",
            ]
        ),
    )


def _pair() -> st.SearchStrategy[str]:
    """Two tests of one field, joined: where contradictions and their edges live."""
    op = st.sampled_from(["<", "<=", ">", ">=", "=", "!="])
    small = st.sampled_from(["1", "2", "3"])
    return st.one_of(
        st.builds(lambda o1, n1, o2, n2: f"a {o1} {n1} and a {o2} {n2}", op, small, op, small),
        st.builds(lambda o, n, x, y: f"a {o} {n} and a in [{x}, {y}]", op, small, small, small),
        st.builds(
            lambda o, n, x, y: f"a {o} {n} and a between {min(x, y)} and {max(x, y)}",
            op,
            small,
            small,
            small,
        ),
        st.builds(
            lambda o1, t1, o2, t2: f"c {o1} {t1} and c {o2} {t2}",
            st.sampled_from(["=", "!=", "starts with", "ends with", "contains"]),
            st.sampled_from(TEXTS),
            st.sampled_from(["=", "!=", "starts with", "ends with", "contains"]),
            st.sampled_from(TEXTS),
        ),
    )


def _cond(depth: int = 2) -> st.SearchStrategy[str]:
    if depth == 0:
        return _atom()
    sub = _cond(depth - 1)
    return st.one_of(
        _atom(),
        _pair(),
        st.builds(lambda x: f"not ({x})", sub),
        st.builds(lambda x, y: f"({x}) and ({y})", sub, sub),
        st.builds(lambda x, y: f"({x}) or ({y})", sub, sub),
    )


POINTS = st.sampled_from(["+5", "+10", "-5", "+2.5", "-20", "+30", "+0"])


def _rule() -> st.SearchStrategy[str]:
    cond = _cond()
    cap = st.one_of(st.just(""), st.sampled_from([", up to 10", ", up to 3", ", up to 0"]))
    return st.one_of(
        st.builds(lambda p, c: f"{p} when {c}", POINTS, cond),
        st.builds(
            lambda p, t, c: f"{p} per {t}{c}",
            POINTS,
            st.sampled_from(
                [
                    "visit",
                    "a",
                    "visit within 10 days",
                    'visit where page = "x"',
                    "visit where (a > 3 and a < 1)",
                ]
            ),
            cap,
        ),
        st.builds(lambda p: f"{p} when demo, decaying 50% every 7 days", POINTS),
        st.builds(lambda p: f"{p} when dd", POINTS),
    )


COND1 = _cond(1)
RULE = _rule()


@st.composite
def rule_files(draw: st.DrawFn) -> str:
    lines = [f"define dd as {draw(COND1)}"]
    for _ in range(draw(st.integers(0, 3))):
        lines.append(draw(RULE))
    for index in range(draw(st.integers(0, 2))):
        header = f"group g{index}"
        high = draw(st.one_of(st.none(), st.sampled_from([0, 5, 10, 25])))
        low = draw(st.one_of(st.none(), st.sampled_from([-10, -5, 0])))
        if high is not None:
            header += f" max {high}"
        if low is not None and (high is None or low <= high):
            header += f" min {low}"
        lines.append(header + ":")
        for _ in range(draw(st.integers(1, 3))):
            lines.append("    " + draw(RULE))
    for _ in range(draw(st.integers(0, 2))):
        lines.append(f"disqualify when {draw(COND1)}")
    thresholds = draw(
        st.lists(st.sampled_from([-5, 0, 5, 10, 20, 40, 80]), max_size=3, unique=True)
    )
    for index, threshold in enumerate(thresholds):
        condition = draw(st.one_of(st.just(""), COND1.map(lambda c: f" when {c}")))
        lines.append(f"S{index} at {threshold}{condition}")
    return "\n".join(lines) + "\n"


VALUES = {
    "a": st.one_of(
        st.none(), st.integers(-5, 10), st.sampled_from([2.5, "3", " 5 ", "abc", "", "-2"])
    ),
    "b": st.one_of(st.none(), st.integers(-3, 6)),
    "c": st.one_of(
        st.none(),
        st.sampled_from(["x", "X ", "xy", "y", "", "zz", 5]),
        st.lists(st.sampled_from(["x", "xy"]), max_size=2),
    ),
    "flag": st.one_of(st.none(), st.booleans(), st.sampled_from(["no", "yes", 0, 1])),
    "d": st.one_of(
        st.none(),
        st.dates(dt.date(2025, 12, 30), dt.date(2026, 1, 8)),
        st.sampled_from(["2026-01-02", "junk"]),
    ),
    "visit": st.one_of(st.integers(-4, 4), st.sampled_from(["2", "x"])),
}


@st.composite
def leads(draw: st.DrawFn) -> dict[str, Any]:
    lead: dict[str, Any] = {}
    for key, values in VALUES.items():
        if draw(st.booleans()):
            lead[key] = draw(values)
    if draw(st.booleans()):
        lead["events"] = draw(
            st.lists(
                st.builds(
                    lambda name, days, page: {
                        "name": name,
                        "at": NOW - dt.timedelta(days=days),
                        "properties": {"page": page},
                    },
                    st.sampled_from(["visit", "Visit", "demo"]),
                    st.integers(0, 20),
                    st.sampled_from(["x", "y", None]),
                ),
                max_size=5,
            )
        )
    return lead


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=rule_files(), sample=st.lists(leads(), min_size=1, max_size=6))
def test_reported_bounds_and_verdicts_hold_on_every_lead(
    source: str, sample: list[dict[str, Any]]
) -> None:
    rules = leadrules.compile(source)
    analysis = summarize(rules)
    low, high = analysis.total
    never_lines = {r.span.line for r in analysis.never_fires}
    for lead in sample:
        result = rules.evaluate(lead, now=NOW)
        assert low <= result.score <= high, (source, lead, result.score)
        for name, (glow, ghigh) in analysis.groups.items():
            assert glow <= result.groups[name] <= ghigh, (source, lead, name)
        by_line = {rule.span.line: bounds for rule, bounds in analysis.rule_bounds}
        for contribution in result.contributions:
            if contribution.kind != "clamp":
                rlow, rhigh = by_line[contribution.line]
                assert rlow <= contribution.points <= rhigh, (source, lead, contribution)
        fired = {c.line for c in result.contributions if c.kind != "clamp"}
        assert not fired & never_lines, (source, lead)
        assert result.stage not in analysis.unreachable_stages, (source, lead)
        if analysis.always_disqualified:
            assert result.disqualified, (source, lead)
        for dq in analysis.never_disqualifies:
            assert dq.span.line not in {d.line for d in result.disqualifications}
        reached = {o.name for o in result.stages if o.reached}
        for name in analysis.always_reached_stages:
            assert name in reached, (source, lead)


@settings(max_examples=30, deadline=None)
@given(source=rule_files())
def test_analysis_never_raises_and_every_diagnostic_has_a_position(source: str) -> None:
    rules = leadrules.compile(source)
    for diagnostic in rules.diagnostics():
        assert diagnostic.severity in ("info", "warning")
        assert 1 <= diagnostic.line <= max(1, len(source.splitlines()))
        assert diagnostic.column >= 1


NUMBER_TESTS = st.one_of(
    st.builds(
        lambda o, n: f"a {o} {n}",
        st.sampled_from(["<", "<=", ">", ">=", "=", "!="]),
        st.sampled_from(["1", "2", "3"]),
    ),
    st.builds(
        lambda neg, x, y: f"a {'not in' if neg else 'in'} [{x}, {y}]",
        st.booleans(),
        st.sampled_from(["1", "2", "3"]),
        st.sampled_from(["1", "2", "3"]),
    ),
    st.builds(
        lambda neg, x, y: f"a {'not between' if neg else 'between'} {min(x, y)} and {max(x, y)}",
        st.booleans(),
        st.sampled_from(["1", "2", "3"]),
        st.sampled_from(["1", "2", "3"]),
    ),
).flatmap(lambda t: st.sampled_from([t, f"not ({t})"]))

#: Every region of the number line that tests against 1, 2 and 3 can tell apart.
NUMBER_CANDIDATES = [D(x) / 2 for x in range(-1, 9)]


@settings(max_examples=300, deadline=None)
@given(st.lists(NUMBER_TESTS, min_size=1, max_size=3))
def test_on_one_number_field_never_fires_exactly_when_no_value_fires_it(
    tests: list[str],
) -> None:
    # For tests of one number field, interval reasoning is complete as well as sound.
    rules = leadrules.compile(f"+5 when {' and '.join(tests)}")
    reported = bool(summarize(rules).never_fires)
    fires = any(rules.evaluate({"a": value}, now=NOW).score == 5 for value in NUMBER_CANDIDATES)
    assert reported == (not fires)


TEXT_TESTS = st.builds(
    lambda neg, op, needle: f"{'not ' if neg else ''}c {op} {needle}",
    st.booleans(),
    st.sampled_from(["=", "!=", "starts with", "ends with", "contains", "<", ">"]),
    st.sampled_from(['"x"', '"y"', '"xy"', '"yx"', '"X"']),
)
TEXT_CANDIDATES: list[Any] = [
    "".join(p) for n in range(1, 4) for p in itertools.product("xy", repeat=n)
] + [["x"], ["xy"], ["x", "xy"], ["y", "yx"], 5]


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT_TESTS, min_size=1, max_size=3))
def test_on_one_text_field_a_rule_reported_never_firing_never_fires(tests: list[str]) -> None:
    rules = leadrules.compile(f"+5 when {' and '.join(tests)}")
    if summarize(rules).never_fires:
        for value in TEXT_CANDIDATES:
            assert rules.evaluate({"c": value}, now=NOW).score == 0, value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=rule_sources(), lead=strategies.leads())
def test_bounds_hold_on_generated_rule_files_and_leads(source: str, lead: Any) -> None:
    rules = leadrules.compile(source)
    analysis = summarize(rules)
    result = rules.evaluate(lead, now=NOW)
    assert analysis.total[0] <= result.score <= analysis.total[1]
    for name, (low, high) in analysis.groups.items():
        assert low <= result.groups[name] <= high


def test_texts_in_warnings_are_written_as_rules_write_them() -> None:
    # A quote (or a line break) inside a text is escaped, as in the rule itself.
    found = only_warning('+1 when x = "say \\"hi\\"" and x = "a\\nb"', 1)
    assert found.message == (
        'this rule can never fire: `x` cannot be both = "say \\"hi\\"" and = "a\\nb"'
    )
    found = only_warning('+1 when x starts with "\\"" and x starts with "b"', 1)
    assert '`x` cannot both starts with "\\"" and starts with "b"' in found.message
