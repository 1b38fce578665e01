"""Laws of events and time (issue 3), checked with Hypothesis.

From language.md: `within D` is relative to `now`; `+N per EVENT` gives N per matching event,
capped by `up to M`; decay is `points * (1 - P/100) ** (age / D)` with the age of the most recent
matching event; naive date-times are UTC; evaluation is deterministic given `now`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from lawstrategies import NOW, UTC, num, rule_count, rule_points, verdict

import leadrules

VISIT = "visited pricing page"
VISIT_SPELLINGS = (VISIT, "Visited Pricing Page", "visited_pricing_page", "VISITED-pricing-page")

# Seconds in one unit; months and years are calendar-aware, so only roughly these long.
UNIT_SECONDS = {
    "minutes": 60,
    "hours": 3600,
    "days": 86_400,
    "weeks": 7 * 86_400,
    "months": 30 * 86_400,
    "years": 365 * 86_400,
}
FIXED_UNITS = ("minutes", "hours", "days", "weeks")


def event(name: str, at: dt.datetime, props: dict[str, Any], form: str) -> Any:
    """One event in one of the shapes a lead may carry (all must mean the same)."""
    if form == "Event":
        return leadrules.Event(name, at, props)
    if form == "iso":
        return {"name": name, "at": at.isoformat(), "properties": props}
    if form == "epoch" and at.microsecond == 0:
        return {"name": name, "at": int(at.timestamp()), "properties": props}
    return {"name": name, "at": at, **props}


forms = st.sampled_from(["Event", "iso", "epoch", "flat dict"])


# ------------------------------------------------------------------------------- windows


@given(data=st.data())
def test_a_wider_window_never_counts_fewer_events(data: st.DataObject) -> None:
    unit = data.draw(st.sampled_from(sorted(UNIT_SECONDS)), label="unit")
    narrow = data.draw(st.integers(1, 40), label="narrow")
    wide = narrow + data.draw(st.integers(0, 40), label="extra")
    k = data.draw(st.integers(1, 4), label="k")
    where = data.draw(st.booleans(), label="where")
    span = UNIT_SECONDS[unit] * 90
    visits = data.draw(
        st.lists(
            st.tuples(
                st.integers(0, span),
                st.sampled_from(VISIT_SPELLINGS),
                st.sampled_from([{}, {"page": "/pricing"}, {"page": "/blog"}, {"page": None}]),
                forms,
            ),
            max_size=12,
        ),
        label="visits",
    )
    others = [event("opened email", NOW, {}, "Event")]
    events = others + [event(n, NOW - dt.timedelta(seconds=a), p, f) for a, n, p, f in visits]
    filt = ' where page contains "pricing"' if where else ""

    def fact(amount: int) -> str:
        return f"{VISIT}{filt} at least {k} times within {amount} {unit}"

    source = (
        f'+1 when {fact(narrow)} as "narrow at least"\n'
        f'+1 when {fact(wide)} as "wide at least"\n'
        f'+1 when {VISIT}{filt} at most {k} times within {narrow} {unit} as "narrow at most"\n'
        f'+1 when {VISIT}{filt} at most {k} times within {wide} {unit} as "wide at most"\n'
        f'+1 per {VISIT}{filt} within {narrow} {unit} as "narrow count"\n'
        f'+1 per {VISIT}{filt} within {wide} {unit} as "wide count"\n'
    )
    result = leadrules.evaluate(source, {"events": events}, now=NOW)

    if verdict(result, "narrow at least") == "fires":
        assert verdict(result, "wide at least") == "fires"
    if verdict(result, "wide at most") == "fires":
        assert verdict(result, "narrow at most") == "fires"
    narrow_count = rule_count(result, "narrow count")
    wide_count = rule_count(result, "wide count")
    assert narrow_count <= wide_count
    # `at least k times` and `per` count the same events.
    assert (verdict(result, "narrow at least") == "fires") == (narrow_count >= k)
    assert (verdict(result, "wide at least") == "fires") == (wide_count >= k)
    if not where and unit in FIXED_UNITS:
        # Independent count: the events no older than the window (its edge may go either way).
        for amount, counted in ((narrow, narrow_count), (wide, wide_count)):
            limit = amount * UNIT_SECONDS[unit]
            inside = sum(1 for a, *_ in visits if a < limit)
            at_edge = sum(1 for a, *_ in visits if a == limit)
            assert inside <= counted <= inside + at_edge


# ------------------------------------------------------------------------------- per rules


@given(data=st.data())
def test_adding_a_matching_event_never_lowers_a_positive_per_rule(data: st.DataObject) -> None:
    points = data.draw(st.decimals("0.01", 20, places=2), label="points")
    where = data.draw(st.booleans(), label="where")
    window_days = data.draw(st.none() | st.integers(1, 60), label="window days")
    cap = data.draw(st.none() | st.decimals(0, 50, places=1), label="cap")
    decay = data.draw(
        st.none() | st.tuples(st.sampled_from(["10", "50", "100", "2.5"]), st.integers(1, 30)),
        label="decay",
    )
    rule = f"{num(points, signed=True)} per {VISIT}"
    if where:
        rule += ' where page starts with "/pricing"'
    if window_days is not None:
        rule += f" within {window_days} days"
    if cap is not None:
        rule += f", up to {num(cap)}"
    if decay is not None:
        rule += f", decaying {decay[0]}% every {decay[1]} days"
    rule += ' as "r"'

    horizon = (window_days or 90) * 86_400
    base = data.draw(
        st.lists(
            st.tuples(
                st.integers(0, 2 * horizon),
                st.sampled_from((*VISIT_SPELLINGS, "opened email")),
                st.sampled_from([{}, {"page": "/pricing"}, {"page": "/about"}, {"page": ""}]),
                forms,
            ),
            max_size=10,
        ),
        label="base events",
    )
    new_age = data.draw(st.integers(0, horizon - 1), label="new event's age")
    new_name = data.draw(st.sampled_from(VISIT_SPELLINGS), label="new event's name")
    new_form = data.draw(forms, label="new event's form")
    events = [event(n, NOW - dt.timedelta(seconds=a), p, f) for a, n, p, f in base]
    added = event(new_name, NOW - dt.timedelta(seconds=new_age), {"page": "/pricing/a"}, new_form)

    before = leadrules.evaluate(rule, {"events": events}, now=NOW)
    after = leadrules.evaluate(rule, {"events": [*events, added]}, now=NOW)
    assert rule_points(after, "r") >= rule_points(before, "r")
    if cap is not None:
        assert rule_points(after, "r") <= cap
    if decay is None:
        assert rule_count(after, "r") == rule_count(before, "r") + 1


# ------------------------------------------------------------------------------- decay


@given(
    points=st.decimals("0.01", 100, places=2),
    percent=st.decimals("0.1", 100, places=1),
    every=st.integers(1, 60),
    unit=st.sampled_from(["hours", "days", "weeks"]),
    ages=st.lists(st.integers(0, 400 * 86_400), min_size=2, max_size=2),
    older=st.lists(st.integers(1, 90 * 86_400), max_size=3),
)
def test_decay_never_exceeds_the_full_points_and_falls_with_age(
    points: Decimal, percent: Decimal, every: int, unit: str, ages: list[int], older: list[int]
) -> None:
    source = (
        f"{num(points, signed=True)} when attended webinar, decaying {num(percent)}% "
        f'every {every} {unit} as "up"\n'
        f"-{num(points)} when attended webinar, decaying {num(percent)}% "
        f'every {every} {unit} as "down"\n'
    )
    rules = leadrules.compile(source)
    period = every * UNIT_SECONDS[unit]

    def scored(age: int, extra_ages: tuple[int, ...] = ()) -> tuple[Decimal, Decimal]:
        times = [NOW - dt.timedelta(seconds=age + e) for e in (0, *extra_ages)]
        lead = {"events": [leadrules.Event("Attended Webinar", at) for at in times]}
        result = rules.evaluate(lead, now=NOW)
        return rule_points(result, "up"), rule_points(result, "down")

    assert scored(0) == (points, -points)  # age 0: the full points
    young, old = sorted(ages)
    up_young, down_young = scored(young)
    up_old, down_old = scored(old)
    assert Decimal(0) <= up_old <= up_young <= points
    assert -points <= down_young <= down_old <= Decimal(0)
    for age, got in ((young, up_young), (old, up_old)):
        expected = float(points) * (1 - float(percent) / 100) ** (age / period)
        assert abs(float(got) - expected) <= 0.01, (age, got, expected)
    # Only the most recent matching event counts: older ones change nothing.
    assert scored(young, tuple(older)) == (up_young, down_young)


# ------------------------------------------------------------------------------- time shifts

SHIFT_RULES = """\
group engagement max 40:
    +5 per opened email within {opened} days, up to 15
    +25 when visited pricing page at least 3 times within {visits} days
    +20 when attended webinar, decaying 50% every {webinar} days
    +1.5 per visited pricing page within {hours} hours
+10 when signed up within {signup} days
-5 when attended webinar at most 1 time within 2 weeks
+3 per downloaded whitepaper, decaying 25% every 10 days, up to 9
+2 per opened email where topic contains "AI", decaying 10% every 1 week
disqualify when visited pricing page at least 6 times within 1 hour because "a bot"
MQL at 20
SQL at 45 when visited pricing page within 3 days
"""
NAMES = ("opened email", VISIT, "attended webinar", "downloaded whitepaper")


def summary(result: leadrules.Result) -> dict[str, Any]:
    """Everything in a result except where it stands in time."""
    return {
        "score": result.score,
        "stage": result.stage,
        "disqualified": result.disqualified,
        "groups": dict(result.groups),
        "next": (result.next_stage, result.points_to_next_stage),
        "contributions": [
            (c.kind, c.label, c.points, c.count, c.uncapped_points) for c in result.contributions
        ],
        "undecided": [(u.kind, u.label) for u in result.undecided],
    }


timed_events = st.lists(
    st.tuples(
        st.integers(-2 * 86_400, 120 * 86_400),  # age in seconds (negative: not yet happened)
        st.sampled_from(NAMES),
        st.sampled_from([{}, {"topic": "AI agents"}, {"topic": "pricing"}]),
        forms,
    ),
    max_size=15,
)


@given(
    events=timed_events,
    signup_age=st.none() | st.integers(0, 30 * 86_400),
    windows=st.fixed_dictionaries(
        {
            "opened": st.integers(1, 60),
            "visits": st.integers(1, 30),
            "webinar": st.integers(1, 60),
            "hours": st.integers(1, 96),
            "signup": st.integers(1, 20),
        }
    ),
    now=st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2060, 1, 1)),
    shift=st.integers(-20 * 365 * 86_400, 20 * 365 * 86_400),
)
def test_shifting_now_and_every_event_changes_nothing(
    events: list[tuple[int, str, dict[str, Any], str]],
    signup_age: int | None,
    windows: dict[str, int],
    now: dt.datetime,
    shift: int,
) -> None:
    rules = leadrules.compile(SHIFT_RULES.format(**windows))

    def lead_at(moment: dt.datetime) -> dict[str, Any]:
        lead: dict[str, Any] = {
            "events": [event(n, moment - dt.timedelta(seconds=a), p, f) for a, n, p, f in events]
        }
        if signup_age is not None:
            lead["signed up"] = moment - dt.timedelta(seconds=signup_age)
        return lead

    first = now.replace(microsecond=0, tzinfo=UTC)
    second = first + dt.timedelta(seconds=shift)
    assert summary(rules.evaluate(lead_at(first), now=first)) == summary(
        rules.evaluate(lead_at(second), now=second)
    )


# ------------------------------------------------------------------------------- naive vs aware

ZONE_RULES = """\
+25 when visited pricing page at least 2 times within 14 days as "recent visits"
+3 per visited pricing page since 2026-02-20T00:00:00Z as "visits since"
-2 per visited pricing page before 2026-02-01 as "old visits"
+20 when attended webinar, decaying 50% every 30 days as "webinar"
+2 when last seen after 2026-01-10T08:30:00Z as "seen lately"
+4 when signed up within 7 days as "new sign-up"
MQL at 20
"""
# Instants near every edge in ZONE_RULES, so that reading a time in the wrong zone would matter.
ANCHORS = (
    NOW - dt.timedelta(days=14),
    dt.datetime(2026, 2, 20, tzinfo=UTC),
    dt.datetime(2026, 2, 1, tzinfo=UTC),
    dt.datetime(2026, 1, 10, 8, 30, tzinfo=UTC),
    NOW - dt.timedelta(days=7),
    NOW - dt.timedelta(hours=3),
)
instants = st.builds(
    lambda anchor, minutes: anchor + dt.timedelta(minutes=minutes),
    st.sampled_from(ANCHORS),
    st.integers(-14 * 60, 14 * 60),
)
ZONES = (UTC, dt.timezone(dt.timedelta(hours=5, minutes=30)), dt.timezone(dt.timedelta(hours=-8)))


def spelled(at: dt.datetime, how: str) -> Any:
    """The instant ``at`` (aware, UTC) written one way or another."""
    naive = at.replace(tzinfo=None)
    if how == "naive":
        return naive
    if how == "naive text":
        return naive.isoformat()
    if how == "naive text with a space":
        return naive.isoformat(sep=" ")
    if how == "Z text":
        return naive.isoformat() + "Z"
    if how.startswith("zone "):
        return at.astimezone(ZONES[int(how[-1])])
    if how.startswith("offset text "):
        return at.astimezone(ZONES[int(how[-1])]).isoformat()
    return at


spellings = st.sampled_from(
    ["aware", "naive", "naive text", "naive text with a space", "Z text"]
    + [f"zone {i}" for i in range(3)]
    + [f"offset text {i}" for i in range(3)]
)


@given(
    events=st.lists(
        st.tuples(st.sampled_from([VISIT, "attended webinar"]), instants, spellings),
        max_size=10,
    ),
    last_seen=st.none() | st.tuples(instants, spellings),
    signed_up=st.none() | st.tuples(instants, spellings),
    naive_now=st.booleans(),
)
def test_a_naive_time_is_the_same_wall_time_in_utc(
    events: list[tuple[str, dt.datetime, str]],
    last_seen: tuple[dt.datetime, str] | None,
    signed_up: tuple[dt.datetime, str] | None,
    naive_now: bool,
) -> None:
    rules = leadrules.compile(ZONE_RULES)

    def lead(mixed: bool) -> dict[str, Any]:
        def write(at: dt.datetime, how: str) -> Any:
            return spelled(at, how) if mixed else at

        fields: dict[str, Any] = {
            "events": [{"name": name, "at": write(at, how)} for name, at, how in events]
        }
        if last_seen is not None:
            fields["last seen"] = write(*last_seen)
        if signed_up is not None:
            fields["signed up"] = write(*signed_up)
        return fields

    reference = rules.evaluate(lead(mixed=False), now=NOW)
    mixed = rules.evaluate(lead(mixed=True), now=NOW.replace(tzinfo=None) if naive_now else NOW)
    assert summary(mixed) == summary(reference)
    assert mixed.now == reference.now
    refs = [
        [(e.name, e.at) for ev in c.evidence for e in ev.events] for c in reference.contributions
    ]
    assert refs == [
        [(e.name, e.at) for ev in c.evidence for e in ev.events] for c in mixed.contributions
    ]
