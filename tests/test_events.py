"""Events and time (issue 3; language.md "Conditions: events, dates", per-occurrence rules, decay).

Every test uses the fixed ``NOW`` below.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from typing import Any

import attrs
import pytest
from helpers import truth
from specdata import SPEC_EXAMPLE as SECTION_2

import leadrules

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY = dt.timedelta(days=1)


def ago(days: float = 0, **kw: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days, **kw)


def ev(name: str, at: Any, **properties: Any) -> leadrules.Event:
    return leadrules.Event(name, at, properties)


def evaluate(rules: str, lead: Any, now: dt.datetime = NOW) -> leadrules.Result:
    return leadrules.compile(rules).evaluate(lead, now=now)


def score(rules: str, lead: Any, now: dt.datetime = NOW) -> Decimal:
    return evaluate(rules, lead, now).score


def fires(condition: str, events: list[Any], now: dt.datetime = NOW) -> bool:
    return score(f"+1 when {condition}", {"events": events}, now) == 1


def adds_up(result: leadrules.Result) -> bool:
    return sum((c.points for c in result.contributions), Decimal(0)) == result.score


# ------------------------------------------------------------------------- the Event class


def test_event_class() -> None:
    bare = leadrules.Event("visited pricing page", NOW)
    assert (bare.name, bare.at, dict(bare.properties)) == ("visited pricing page", NOW, {})
    full = leadrules.Event("attended webinar", NOW, {"topic": "AI"})
    assert full.properties["topic"] == "AI"
    keyword = leadrules.Event(name="x", at=NOW, properties={"a": 1})
    assert keyword.properties == {"a": 1}
    assert attrs.has(leadrules.Event)
    with pytest.raises(AttributeError):
        full.name = "other"  # type: ignore[misc]


# ------------------------------------------------------------------------- where events come from


class EventObject:
    def __init__(self, name: str, at: Any, properties: dict[str, Any] | None = None) -> None:
        self.name = name
        self.at = at
        self.properties = properties or {}


class LeadObject:
    def __init__(self, events: list[Any]) -> None:
        self.events = events


@attrs.define
class AttrsLead:
    email: str
    events: list[leadrules.Event] = attrs.Factory(list)


@pytest.mark.parametrize(
    "lead",
    [
        {"events": [ev("requested demo", ago(2))]},
        {"events": [{"name": "requested demo", "at": ago(2)}]},
        {"events": [EventObject("requested demo", ago(2))]},
        {"events": ({"name": "requested demo", "at": ago(2)},)},
        LeadObject([ev("requested demo", ago(2))]),
        LeadObject([{"name": "requested demo", "at": ago(2).isoformat()}]),
        AttrsLead("a@b.c", [ev("requested demo", ago(2))]),
        leadrules.Lead(email="a@b.c", events=[ev("requested demo", ago(2))]),
    ],
    ids=[
        "dict-Event",
        "dict-mapping",
        "dict-object",
        "tuple",
        "obj-Event",
        "obj-mapping",
        "attrs",
        "Lead",
    ],
)
def test_events_from_key_or_attribute(lead: Any) -> None:
    assert score("+30 when requested demo", lead) == 30
    assert score("+30 when requested demo within 7 days", lead) == 30
    assert score("+30 when requested demo within 1 day", lead) == 0


def test_events_given_as_a_one_shot_iterator_serve_every_rule() -> None:
    events = iter([ev("opened email", ago(i + 1)) for i in range(3)])
    result = evaluate("+1 when opened email\n+2 per opened email", {"events": events})
    assert result.score == 7


# ------------------------------------------------------------------------- timestamps


@pytest.mark.parametrize(
    "at",
    [
        ago(3),
        ago(3).replace(tzinfo=None),
        ago(3).astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30))),
        (NOW - 3 * DAY).date(),
        ago(3).isoformat(),
        "2026-02-26T12:00:00Z",
        "2026-02-26T12:00:00",
        "2026-02-26",
        int(ago(3).timestamp()),
        ago(3).timestamp(),
    ],
    ids=repr,
)
def test_timestamp_forms(at: Any) -> None:
    events = [ev("requested demo", at)]
    assert fires("requested demo within 7 days", events)
    assert not fires("requested demo within 2 days", events)
    assert fires("requested demo since 2026-02-20", events)
    assert not fires("requested demo before 2026-02-26", events)


@pytest.mark.usefixtures("far_from_utc")
def test_naive_event_times_are_utc() -> None:
    # NOW is 12:00 UTC. A naive 10:30 is 90 minutes ago in UTC; read as Tokyo time (UTC+9)
    # it would be 01:30 UTC, outside the window.
    inside = [ev("requested demo", dt.datetime(2026, 3, 1, 10, 30))]
    assert fires("requested demo within 2 hours", inside)
    outside = [ev("requested demo", dt.datetime(2026, 3, 1, 9, 30))]
    assert not fires("requested demo within 2 hours", outside)
    text = [ev("requested demo", "2026-03-01T10:30:00")]
    assert fires("requested demo within 2 hours", text)


def test_naive_and_aware_times_mixed() -> None:
    events = [
        ev("visited pricing page", dt.datetime(2026, 3, 1, 11, 0)),  # naive: 11:00 UTC
        ev(
            "visited pricing page",
            dt.datetime(2026, 3, 1, 13, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        ),  # 11:30 UTC
        ev("visited pricing page", "2026-03-01T06:45:00-05:00"),  # 11:45 UTC
        ev("visited pricing page", dt.datetime(2026, 3, 1, 9, 59)),  # 09:59 UTC
    ]
    assert fires("visited pricing page at least 3 times within 2 hours", events)
    assert not fires("visited pricing page at least 4 times within 2 hours", events)
    assert fires("visited pricing page at least 4 times within 3 hours", events)


def test_aware_now_in_another_zone() -> None:
    tokyo_now = NOW.astimezone(dt.timezone(dt.timedelta(hours=9)))
    events = [ev("requested demo", dt.datetime(2026, 3, 1, 11, 0))]
    assert score("+1 when requested demo within 2 hours", {"events": events}, tokyo_now) == 1


def test_unreadable_event_time_warns_and_does_not_crash() -> None:
    events = [ev("requested demo", "not a time"), ev("requested demo", ago(1))]
    result = evaluate("+1 when requested demo at least 2 times within 7 days", {"events": events})
    assert result.score == 0
    assert result.warnings


# ------------------------------------------------------------------------- names and bare facts


@pytest.mark.parametrize(
    "name",
    [
        "visited pricing page",
        "Visited Pricing Page",
        "visited_pricing_page",
        "visited-pricing-page",
        "VISITED PRICING_PAGE",
        " visited pricing page ",
    ],
)
def test_event_names_ignore_case_and_separators(name: str) -> None:
    assert fires("visited pricing page", [ev(name, ago(1))])


def test_spellings_are_counted_together() -> None:
    events = [
        ev("Visited Pricing Page", ago(1)),
        ev("visited_pricing_page", ago(2)),
        ev("visited-pricing-page", ago(3)),
    ]
    assert fires("visited pricing page at least 3 times", events)
    assert fires("Visited_Pricing-Page at least 3 times", events)


def test_bare_event_fact() -> None:
    assert fires("requested demo", [ev("requested demo", ago(400))])
    assert not fires("requested demo", [ev("booked call", ago(1))])
    assert not fires("requested demo", [])
    # An event list without the event: the fact is false, not unknown.
    assert truth("requested demo", {"events": [ev("booked call", ago(1))]}) is False
    assert truth("not requested demo", {"events": [ev("booked call", ago(1))]}) is True


def test_other_events_do_not_count() -> None:
    events = [ev("opened email", ago(1))] * 5 + [ev("visited pricing page", ago(1))]
    assert not fires("visited pricing page at least 2 times", events)


def test_events_combine_with_fields() -> None:
    rules = '+10 when requested demo and country = "GB"\n+5 when requested demo or booked call'
    lead = {"country": "gb", "events": [ev("requested demo", ago(1))]}
    assert score(rules, lead) == 15


def test_events_after_now_are_ignored() -> None:
    future = [ev("requested demo", NOW + dt.timedelta(seconds=1))]
    assert not fires("requested demo", future)
    assert fires("requested demo at most 0 times", future)
    assert not fires("requested demo within 30 days", future)
    at_now = [ev("requested demo", NOW)]
    assert fires("requested demo within 1 day", at_now)


# ------------------------------------------------------------------------- counts


@pytest.mark.parametrize(("n", "expected"), [(0, False), (2, False), (3, True), (4, True)])
def test_at_least_n_times(n: int, expected: bool) -> None:
    events = [ev("visited pricing page", ago(i + 1)) for i in range(n)]
    assert fires("visited pricing page at least 3 times", events) is expected


@pytest.mark.parametrize(("n", "expected"), [(0, True), (1, True), (2, True), (3, False)])
def test_at_most_n_times(n: int, expected: bool) -> None:
    events = [ev("visited pricing page", ago(i + 1)) for i in range(n)]
    assert fires("visited pricing page at most 2 times", events) is expected


def test_at_least_1_time_singular() -> None:
    assert fires("requested demo at least 1 time", [ev("requested demo", ago(1))])


# ------------------------------------------------------------------------- windows


def test_within_boundary_is_inclusive() -> None:
    assert fires("requested demo within 14 days", [ev("requested demo", ago(14))])
    assert not fires("requested demo within 14 days", [ev("requested demo", ago(14, seconds=1))])
    assert fires("requested demo within 14 days", [ev("requested demo", ago(13, hours=23))])


@pytest.mark.parametrize(
    ("window", "inside", "outside"),
    [
        ("90 minutes", ago(minutes=90), ago(minutes=91)),
        ("1 minute", ago(minutes=1), ago(minutes=2)),
        ("2 hours", ago(hours=2), ago(hours=2, seconds=1)),
        ("1 hour", ago(hours=1), ago(hours=1, seconds=1)),
        ("1 day", ago(1), ago(1, seconds=1)),
        ("2 weeks", ago(14), ago(14, seconds=1)),
        ("1 week", ago(7), ago(7, seconds=1)),
    ],
)
def test_within_units(window: str, inside: dt.datetime, outside: dt.datetime) -> None:
    assert fires(f"requested demo within {window}", [ev("requested demo", inside)])
    assert not fires(f"requested demo within {window}", [ev("requested demo", outside)])


def test_within_months_is_calendar_aware() -> None:
    # Mid-March: one calendar month back is 15 February, i.e. 28 days (February 2026).
    now = dt.datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
    feb_15 = [ev("requested demo", dt.datetime(2026, 2, 15, 12, 0, tzinfo=UTC))]
    feb_14 = [ev("requested demo", dt.datetime(2026, 2, 14, 12, 0, tzinfo=UTC))]  # 29 days ago
    assert fires("requested demo within 1 month", feb_15, now)
    assert not fires("requested demo within 1 month", feb_14, now)
    assert fires("requested demo within 30 days", feb_14, now)
    # Month ends: one month before 31 March is 28 February.
    end = dt.datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
    feb_28 = [ev("requested demo", dt.datetime(2026, 2, 28, 12, 0, tzinfo=UTC))]  # 31 days ago
    assert fires("requested demo within 1 month", feb_28, end)
    assert not fires("requested demo within 30 days", feb_28, end)
    assert fires("requested demo within 2 months", [ev("requested demo", "2026-01-31T12:00Z")], end)


def test_within_years_is_calendar_aware() -> None:
    # 2028 is a leap year: one year before 1 March 2028 is 1 March 2027, 366 days back.
    now = dt.datetime(2028, 3, 1, 12, 0, tzinfo=UTC)
    one_year = [ev("requested demo", dt.datetime(2027, 3, 1, 12, 0, tzinfo=UTC))]
    assert fires("requested demo within 1 year", one_year, now)
    assert not fires("requested demo within 365 days", one_year, now)
    before = [ev("requested demo", dt.datetime(2027, 3, 1, 11, 59, tzinfo=UTC))]
    assert not fires("requested demo within 1 year", before, now)


def test_since_and_before_dates() -> None:
    def at(text: str) -> list[leadrules.Event]:
        return [ev("attended webinar", text)]

    assert fires("attended webinar since 2026-02-01", at("2026-02-01T00:00:00Z"))
    assert fires("attended webinar since 2026-02-01", at("2026-02-01T23:00:00Z"))
    assert not fires("attended webinar since 2026-02-01", at("2026-01-31T23:59:59Z"))
    assert fires("attended webinar before 2026-02-01", at("2026-01-31T23:59:59Z"))
    assert not fires("attended webinar before 2026-02-01", at("2026-02-01T00:00:00Z"))


def test_since_a_date_time_uses_the_instant() -> None:
    # 01:00+02:00 on 1 Feb is 23:00 UTC on 31 Jan; 03:00+02:00 is 01:00 UTC on 1 Feb.
    early = [ev("attended webinar", "2026-02-01T01:00:00+02:00")]
    late = [ev("attended webinar", "2026-02-01T03:00:00+02:00")]
    assert not fires("attended webinar since 2026-02-01T00:00:00Z", early)
    assert fires("attended webinar since 2026-02-01T00:00:00Z", late)
    assert fires("attended webinar before 2026-02-01T00:00:00Z", early)


def test_windows_and_counts_combine() -> None:
    recent = [ev("visited pricing page", ago(d)) for d in (1, 5, 13)]
    old = [ev("visited pricing page", ago(d)) for d in (20, 30, 40, 50)]
    assert fires("visited pricing page at least 3 times within 14 days", recent + old)
    assert not fires("visited pricing page at least 3 times within 14 days", recent[:2] + old)
    assert fires("visited pricing page at least 3 times", recent[:2] + old)
    assert fires("visited pricing page at most 2 times within 14 days", recent[:2] + old)
    feb = [ev("visited pricing page", f"2026-02-{d:02d}T10:00:00Z") for d in (2, 9, 16, 23)]
    assert fires("visited pricing page at least 2 times since 2026-02-05 before 2026-02-20", feb)
    assert not fires(
        "visited pricing page at least 3 times since 2026-02-05 before 2026-02-20", feb
    )
    assert fires("visited pricing page within 30 days since 2026-02-20", feb)
    assert not fires("visited pricing page within 3 days since 2026-02-20", feb)


# ------------------------------------------------------------------------- where


def test_where_filters_on_event_properties() -> None:
    ai = ev("attended webinar", ago(3), topic="Generative ai for marketers")
    finance = ev("attended webinar", ago(3), topic="Finance")
    assert fires('attended webinar where topic contains "AI"', [finance, ai])
    assert not fires('attended webinar where topic contains "AI"', [finance])
    assert not fires('attended webinar where topic contains "AI"', [])


def test_where_on_mapping_events_and_with_count_and_window() -> None:
    events = [
        {"name": "attended webinar", "at": ago(2), "properties": {"topic": "AI", "minutes": 55}},
        {"name": "attended webinar", "at": ago(20), "properties": {"topic": "AI", "minutes": 5}},
        {"name": "attended webinar", "at": ago(3), "properties": {"topic": "Ops", "minutes": 60}},
    ]
    assert fires('attended webinar where topic = "ai" at least 2 times', events)
    assert not fires('attended webinar where topic = "ai" at least 2 times within 7 days', events)
    assert fires("attended webinar where minutes >= 30 at least 2 times", events)
    assert not fires("attended webinar where minutes >= 30 at least 2 times within 2 days", events)
    assert fires('attended webinar where (topic = "AI" and minutes > 30) within 7 days', events)


def test_where_property_names_are_insensitive() -> None:
    events = [ev("downloaded asset", ago(1), **{"Asset Type": "Whitepaper"})]
    assert fires('downloaded asset where asset type = "whitepaper"', events)


def test_where_then_and_belongs_to_the_outer_condition() -> None:
    lead = {
        "country": "GB",
        "events": [ev("attended webinar", ago(1), topic="AI")],
    }
    assert score('+1 when attended webinar where topic contains "AI" and country = "GB"', lead) == 1
    assert score('+1 when attended webinar where topic contains "AI" and country = "US"', lead) == 0


# ------------------------------------------------------------------------- date fields


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (ago(10), True),
        (ago(30), True),
        (ago(30, seconds=1), False),
        (ago(40), False),
        (ago(10).isoformat(), True),
        ((NOW - 10 * DAY).date(), True),
        ((NOW - 10 * DAY).date().isoformat(), True),
        ((NOW - 40 * DAY).date().isoformat(), False),
        (int(ago(10).timestamp()), True),
    ],
    ids=repr,
)
def test_signed_up_within(value: Any, expected: bool) -> None:
    assert truth("signed up within 30 days", {"signed_up": value}) is expected


def test_last_seen_before() -> None:
    assert truth("last seen before 2026-01-01", {"Last Seen": "2025-12-31"}) is True
    assert truth("last seen before 2026-01-01", {"Last Seen": "2025-12-31T23:59:59Z"}) is True
    assert truth("last seen before 2026-01-01", {"Last Seen": "2026-01-01"}) is False
    assert truth("last seen before 2026-01-01", {"Last Seen": "2026-01-01T00:00:01Z"}) is False
    assert truth("last seen before 2026-01-01", {"last_seen": dt.date(2025, 6, 1)}) is True


def test_created_after() -> None:
    # `after` a date means on a later calendar day.
    assert truth("created after 2025-06-30", {"created": "2025-07-01"}) is True
    assert truth("created after 2025-06-30", {"created": "2025-07-01T00:00:00Z"}) is True
    assert truth("created after 2025-06-30", {"created": "2025-06-30"}) is False
    assert truth("created after 2025-06-30", {"created": "2025-06-30T23:59:00Z"}) is False
    assert truth("created after 2025-06-30", {"created": dt.datetime(2024, 1, 1)}) is False


def test_date_field_missing_or_unreadable() -> None:
    for lead in ({}, {"created": None}, {"created": "  "}):
        assert truth("created after 2025-06-30", lead) is None
    result = evaluate("+5 when created after 2025-06-30", {"created": "someday"})
    assert result.score == 0
    assert len(result.undecided) == 1
    assert any("created" in w for w in result.warnings)


def test_date_field_within_months_is_calendar_aware() -> None:
    now = dt.datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
    lead = {"signed up": "2026-02-28T12:00:00Z"}  # 31 days before, one calendar month
    assert evaluate("+1 when signed up within 1 month", lead, now).score == 1
    assert evaluate("+1 when signed up within 30 days", lead, now).score == 0


# ------------------------------------------------------------------------- per-occurrence rules


def _opened(n: int, days: float = 1) -> list[leadrules.Event]:
    return [ev("opened email", ago(days + i / 24)) for i in range(n)]


@pytest.mark.parametrize(("n", "points"), [(0, 0), (1, 5), (2, 10), (3, 15), (4, 15), (9, 15)])
def test_per_event_with_cap(n: int, points: int) -> None:
    result = evaluate("+5 per opened email within 30 days, up to 15", {"events": _opened(n)})
    assert result.score == points
    assert adds_up(result)


def test_per_event_counts_only_the_window() -> None:
    events = _opened(2, days=1) + _opened(10, days=40)
    assert score("+5 per opened email within 30 days, up to 15", {"events": events}) == 10
    assert score("+5 per opened email, up to 100", {"events": events}) == 60


def test_per_event_cap_is_shown_in_clamps_contribution_and_explanation() -> None:
    result = evaluate("+5 per opened email within 30 days, up to 15", {"events": _opened(5)})
    (contribution,) = result.contributions
    assert contribution.points == 15
    assert contribution.line == 1
    rule_clamps = [c for c in result.clamps if c.line == 1]
    assert len(rule_clamps) == 1
    assert rule_clamps[0].before == 25
    assert rule_clamps[0].after == 15
    data = json.loads(json.dumps(result.to_dict()))
    assert len(data["clamps"]) == 1
    text = result.explain()
    assert "+15" in text
    assert "25" in text  # the uncapped points


def test_per_event_without_a_cap_is_uncapped() -> None:
    result = evaluate("+2 per opened email", {"events": _opened(7)})
    assert result.score == 14
    assert not result.clamps


def test_negative_per_event_cap() -> None:
    events = [ev("unsubscribed", ago(i + 1)) for i in range(4)]
    assert score("-10 per unsubscribed, up to 25", {"events": events}) == -25


def test_per_event_with_where() -> None:
    events = [
        ev("attended webinar", ago(1), topic="AI"),
        ev("attended webinar", ago(2), topic="ai ops"),
        ev("attended webinar", ago(3), topic="Finance"),
    ]
    rules = '+4 per attended webinar where topic contains "AI", up to 100'
    assert score(rules, {"events": events}) == 8


def test_per_event_with_where_window_and_cap() -> None:
    events = [
        ev("attended webinar", ago(1), topic="AI"),
        ev("attended webinar", ago(2), topic="AI"),
        ev("attended webinar", ago(3), topic="Ops"),
        ev("attended webinar", ago(10), topic="AI"),
    ]
    rules = '+4 per attended webinar where topic contains "AI" within 7 days, up to 6'
    result = evaluate(rules, {"events": events})
    assert result.score == 6
    assert [(c.before, c.after) for c in result.clamps] == [(8, 6)]


def test_per_event_in_a_group() -> None:
    rules = "group engagement max 20:\n    +5 per opened email, up to 15\n    +10 when a\n"
    result = evaluate(rules, {"a": True, "events": _opened(4)})
    assert result.groups["engagement"] == 20
    assert result.score == 20
    assert adds_up(result)


def test_per_event_many_events() -> None:
    events = [ev("Opened Email", ago(minutes=i)) for i in range(3000)]
    result = evaluate(
        "+1 per opened email\n+1 when opened email at least 3000 times", {"events": events}
    )
    assert result.score == 3001


@pytest.mark.parametrize(
    ("value", "points"),
    [(7, 7), ("12", 12), (" 3 ", 3), (35, 20), (20, 20), (0, 0), (Decimal("2.5"), Decimal("2.5"))],
)
def test_per_numeric_field(value: Any, points: Any) -> None:
    result = evaluate("+1 per page views, up to 20", {"Page Views": value})
    assert result.score == points
    assert adds_up(result)


def test_per_numeric_field_cap_is_a_clamp() -> None:
    result = evaluate("+2 per seats, up to 50", {"seats": 40})
    assert result.score == 50
    assert [(c.before, c.after) for c in result.clamps] == [(80, 50)]


def test_per_numeric_field_missing_or_unreadable() -> None:
    assert score("+1 per page views, up to 20", {}) == 0
    result = evaluate("+1 per page views, up to 20", {"page views": "many"})
    assert result.score == 0
    assert result.warnings


@pytest.mark.parametrize("backend", ["reference", "compiled"])
@pytest.mark.parametrize(
    ("rule", "value", "shown"),
    [
        ("+2 per page views", 3, "6"),
        ("+2.5 per page views", 2, "5"),
        ("+0.25 per page views", 3, "0.75"),
        ("+0.0001 per page views", 3, "0.0003"),
        ("-1.5 per page views", "4", "-6"),
        ("+2 per page views", Decimal("1.5"), "3"),
    ],
)
def test_per_field_points_are_written_without_trailing_zeros(
    backend: str, rule: str, value: Any, shown: str
) -> None:
    """`+2 per page views` at 3 views scores 6, not 6.0000: what users see in str(score),
    in exports and in the explanation."""
    result = leadrules.compile(rule, backend=backend).evaluate({"page views": value}, now=NOW)
    assert str(result.score) == shown
    assert [str(c.points) for c in result.contributions] == [shown]


# ------------------------------------------------------------------------- decay


def _decayed(points: float, percent: float, age_days: float, every_days: float) -> float:
    return points * (1 - percent / 100) ** (age_days / every_days)


@pytest.mark.parametrize("age", [0, 7, 15, 30, 45, 60, 90.5])
def test_decay_value(age: float) -> None:
    rules = "+20 when attended webinar, decaying 50% every 30 days"
    result = evaluate(rules, {"events": [ev("attended webinar", ago(age))]})
    expected = _decayed(20, 50, age, 30)
    assert math.isclose(float(result.score), expected, abs_tol=0.01)
    assert adds_up(result)
    assert 0 < result.score <= 20


def test_decay_at_age_zero_and_at_whole_periods() -> None:
    rules = "+20 when attended webinar, decaying 50% every 30 days"
    assert score(rules, {"events": [ev("attended webinar", NOW)]}) == 20
    assert score(rules, {"events": [ev("attended webinar", ago(30))]}) == 10
    assert score(rules, {"events": [ev("attended webinar", ago(60))]}) == 5


def test_decay_uses_the_most_recent_matching_event() -> None:
    rules = "+20 when attended webinar, decaying 50% every 30 days"
    events = [
        ev("attended webinar", ago(90)),
        ev("attended webinar", ago(30)),
        ev("visited pricing page", ago(1)),
    ]
    assert score(rules, {"events": events}) == 10


def test_decay_ignores_events_outside_the_condition() -> None:
    rules = '+20 when attended webinar where topic = "AI", decaying 50% every 30 days'
    events = [ev("attended webinar", ago(30), topic="AI"), ev("attended webinar", ago(1))]
    assert score(rules, {"events": events}) == 10
    # 30 days ago is 30 January; the event 5 days ago is not before 1 February.
    rules = "+20 when attended webinar before 2026-02-01, decaying 50% every 30 days"
    events = [ev("attended webinar", ago(30)), ev("attended webinar", ago(5))]
    assert score(rules, {"events": events}) == 10


def test_decay_with_or_uses_the_most_recent_matching_event() -> None:
    rules = "+20 when requested demo or booked call, decaying 50% every 30 days"
    events = [ev("requested demo", ago(60)), ev("booked call", ago(30))]
    # Both events make the condition true; the most recent is 30 days old: half the points.
    assert score(rules, {"events": events}) == 10


def test_decay_other_percent_and_period() -> None:
    rules = "+40 when requested demo, decaying 25% every 1 week"
    result = evaluate(rules, {"events": [ev("requested demo", ago(10))]})
    assert math.isclose(float(result.score), _decayed(40, 25, 10, 7), abs_tol=0.01)


def test_decay_explanation_shows_full_points_age_and_decayed_points() -> None:
    rules = "+20 when attended webinar, decaying 50% every 30 days"
    result = evaluate(rules, {"events": [ev("attended webinar", ago(45))]})
    expected = Decimal(str(_decayed(20, 50, 45, 30))).quantize(Decimal("0.01"))
    assert abs(result.score - expected) <= Decimal("0.01")
    text = result.explain()
    assert "+20" in text
    assert "45" in text  # the age, in days
    assert str(result.score) in text  # the decayed points
    assert "50%" in text


def test_decay_in_a_group_still_adds_up() -> None:
    rules = (
        "group engagement max 60:\n"
        "    +20 when attended webinar, decaying 50% every 30 days\n"
        "    +7.5 when opened email within 30 days, decaying 10% every 1 day\n"
        "+3 when a\n"
    )
    lead = {"a": True, "events": [ev("attended webinar", ago(17.3)), ev("opened email", ago(2.2))]}
    result = evaluate(rules, lead)
    assert adds_up(result)
    assert result.groups["engagement"] == result.score - 3
    expected = _decayed(20, 50, 17.3, 30) + _decayed(7.5, 10, 2.2, 1)
    assert math.isclose(float(result.groups["engagement"]), expected, abs_tol=0.02)


# ------------------------------------------------------------------------- evidence


def test_evidence_lists_the_matched_events() -> None:
    matched = [ev("visited pricing page", ago(d)) for d in (1, 4, 9)]
    older = [ev("visited pricing page", ago(40))]
    other = [ev("opened email", ago(2))]
    result = evaluate(
        "+25 when visited pricing page at least 3 times within 14 days",
        {"events": matched + older + other},
    )
    assert len(result.contributions) == 1
    dumped = json.dumps(result.to_dict()["contributions"][0]["evidence"])
    for event in matched:
        assert event.at.date().isoformat() in dumped
    assert older[0].at.date().isoformat() not in dumped
    assert ago(2).date().isoformat() not in dumped
    assert "visited pricing page" in result.explain()


def test_evidence_with_many_events_gives_a_count() -> None:
    events = [ev("opened email", ago(i * 0.5)) for i in range(40)]
    result = evaluate("+1 per opened email within 30 days, up to 10", {"events": events})
    assert result.score == 10
    dumped = json.dumps(result.to_dict()["contributions"][0])
    assert "40" in dumped
    assert ago(0).date().isoformat() in dumped  # the most recent is listed
    assert "40" in result.explain()


# ------------------------------------------------------------------------- now


def test_now_is_recorded_in_to_dict() -> None:
    result = evaluate("+1 when requested demo", {"events": [ev("requested demo", ago(1))]})
    recorded = dt.datetime.fromisoformat(result.to_dict()["now"].replace("Z", "+00:00"))
    assert recorded == NOW


def test_moving_now_changes_the_windows() -> None:
    lead = {"events": [ev("requested demo", ago(10))]}
    rules = "+1 when requested demo within 14 days"
    assert score(rules, lead) == 1
    assert score(rules, lead, now=NOW + 5 * DAY) == 0
    assert score(rules, lead, now=NOW - 11 * DAY) == 0  # the event has not happened yet


def test_shifting_now_and_every_event_changes_nothing() -> None:
    rules = (
        "+25 when visited pricing page at least 3 times within 14 days\n"
        "+5 per opened email within 30 days, up to 15\n"
        "+20 when attended webinar, decaying 50% every 30 days\n"
    )

    def lead(shift: dt.timedelta) -> dict[str, Any]:
        return {
            "events": [ev("visited pricing page", ago(d) + shift) for d in (1, 3, 13)]
            + [ev("opened email", ago(d) + shift) for d in (2, 29)]
            + [ev("attended webinar", ago(21.5) + shift)]
        }

    base = evaluate(rules, lead(dt.timedelta(0)))
    shift = dt.timedelta(days=123, hours=5)
    moved = evaluate(rules, lead(shift), now=NOW + shift)
    assert moved.score == base.score
    assert [c.points for c in moved.contributions] == [c.points for c in base.contributions]


# ------------------------------------------------------------------------- the §2 example


def test_section_2_example_scores_as_written() -> None:
    rules = leadrules.compile(SECTION_2, filename="example.leadrules")
    strong = leadrules.Lead(
        email="ann@acme.com",
        job_title="VP Marketing",
        company_size=250,
        industry="Software",
        country="GB",
        downloaded_whitepaper=False,
        events=[
            *[ev("opened email", ago(d)) for d in (1, 5, 9, 20, 45)],
            *[ev("visited pricing page", ago(d)) for d in (2, 6, 12)],
            ev("attended webinar", ago(30)),
        ],
    )
    result = rules.evaluate(strong, now=NOW)
    # fit 20 + 15 + 10 = 45; engagement 15 (4 opens, capped) + 25 + 10 (decayed) = 50.
    assert dict(result.groups) == {"fit": 45, "engagement": 50}
    assert result.score == 95
    assert result.stage == "MQL"  # SQL needs a demo or a call
    assert result.next_stage == "SQL"
    assert adds_up(result)

    demo = attrs.evolve(strong, events=(*strong.events, ev("requested demo", ago(1))))
    result = rules.evaluate(demo, now=NOW)
    assert result.groups["engagement"] == 60  # 80, clamped
    assert result.score == 105
    assert result.stage == "SQL"
    assert adds_up(result)

    gmail_us = leadrules.Lead(email="bob@gmail.com", country="US", company_size=10)
    result = rules.evaluate(gmail_us, now=NOW)
    assert result.disqualified
    assert result.stage is None
    assert result.groups["fit"] == -10


def test_a_field_wins_over_an_event_of_the_same_name() -> None:
    # A bare fact is a definition, else a field, else an event.
    lead = {"requested demo": False, "events": [ev("requested demo", ago(1))]}
    assert score("+30 when requested demo", lead) == 0
    lead = {"requested demo": "yes", "events": []}
    assert score("+30 when requested demo", lead) == 30
