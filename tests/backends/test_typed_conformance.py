"""The typed fast paths (floats, number text, yes/no text, units as digits, ISO timestamps)
give every backend's answers as the reference's: floats at, next to and far from every
number a rule compares with (``0.1``, ``1e16``, ``-0.0``, NaN, infinities, the huge and the
tiny), numbers written as text in every form the vocabulary reads (and some it does not), and
timestamps in every accepted ISO form. Held to the reference field by field (``repr``,
``to_dict()`` and ``explain()`` too), for every registered backend."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import pytest
from conformance import NOW, assert_conforms, candidates, pair
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadrules.runtime import dates
from leadrules.runtime.values import NO_WORDS, YES_WORDS

UTC = dt.timezone.utc


@pytest.fixture(params=candidates(), scope="module")
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


#: Numbers rules compare with, as written in a rule file.
THRESHOLDS = (
    "0",
    "-0.0",
    "0.1",
    "-0.1",
    "0.3",
    "2.5",
    "10000",
    "1000000",
    "9007199254740993",  # 2**53 + 1: no float is it
    "10000000000000000",  # 1e16
    "123456789012345678901234567890",  # beyond every float's exactness
)
OPS = ("=", "!=", "<", "<=", ">", ">=")


def _near(x: float) -> list[float]:
    """``x``, the floats next to it, and a few steps away."""
    out = [x]
    down = up = x
    for _ in range(3):
        down, up = math.nextafter(down, -math.inf), math.nextafter(up, math.inf)
        out += [down, up]
    return [*out, x * (1 + 1e-12), x * (1 - 1e-12), x + 1e-9, x - 1e-9, x + 0.5, x - 0.5]


def _floats_for(threshold: str) -> st.SearchStrategy[float]:
    special = [0.0, -0.0, math.nan, math.inf, -math.inf, 1e300, -1e300, 1e-300, 5e-324]
    special += [1e20, 1e-20, 1e19, 1e-19, 1e26, 1e30, 1e31, 1e-30, 1e-31]
    return st.sampled_from(_near(float(Decimal(threshold))) + special) | st.floats()


def _texts_of(x: float) -> list[str]:
    """``x`` written as number text in the vocabulary's forms (and a few it does not read)."""
    if not math.isfinite(x):
        return [repr(x), str(x)]
    out = [repr(x), f"{x:.2f}", f"{x:,.2f}", f"{x:.0f}", f" {x:.3f} ", f"${x:,.2f}"]
    out += [f"{x:.15g}", f"{x:e}", f"{x:.12f}", f"{x:.20f}", f"{x:.2f} EUR", f"({abs(x):,.2f})"]
    if abs(x) < 1e12:
        out += [f"{x / 1000:.4f}k", f"{x / 1e6:.6f}M", f"{int(x):_}"]
    return out


#: Values a number test meets that are neither floats nor their text.
ODD_NUMBERS: list[Any] = [
    *["", " ", "n/a", "-", "+5", "5.", ".5", "-.5", "-0", "00012.50", "1e16", "1E16"],
    *["1_000", "10k", "1.2.3", "١٢", "²", "12%", "0x10", "nan", "inf", "-inf"],
    *[True, False, None, Decimal("0.1"), Decimal("NaN"), 10**26, -(10**26), 10**30],
    *["9" * 19, "9" * 20, "0." + "0" * 17 + "1", "1" + "0" * 25],
]


@st.composite
def number_values(draw: st.DrawFn, threshold: str) -> Any:
    x = draw(_floats_for(threshold))
    kind = draw(st.sampled_from(["float", "text", "int", "odd"]))
    if kind == "float":
        return x
    if kind == "text":
        return draw(st.sampled_from(_texts_of(x)))
    if kind == "int" and math.isfinite(x) and abs(x) < 1e40:
        return int(x) + draw(st.integers(-2, 2))
    return draw(st.sampled_from(ODD_NUMBERS))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), threshold=st.sampled_from(THRESHOLDS), op=st.sampled_from(OPS))
def test_number_comparisons_on_floats_and_text_are_the_references(
    backend: str, data: st.DataObject, threshold: str, op: str
) -> None:
    source = (
        f'+5 when budget {op} {threshold} as "compared"\n'
        f'+3 when budget {op} {threshold} and plan = "pro" as "both"\n'
        f'+1 when budget between {threshold} and {threshold} as "between"\n'
        f'+2 when budget in [{threshold}, 2, 0.1] as "listed"\n'
        f"-1 when budget is missing\n"
        f'disqualify when budget {op} {threshold} and plan = "free"\n'
        f"MQL at 5 when budget {op} {threshold}\n"
    )
    reference, other = pair(source, backend)
    # More than 8 leads a rule set: the explanation code of a rule is generated once its
    # memo has missed 8 times (before, the reference's code decides it).
    for _ in range(12):
        value = data.draw(number_values(threshold))
        plan = data.draw(st.sampled_from(["pro", "free", "Pro ", "", None]))
        lead = {"budget": value, "plan": plan}
        assert_conforms(reference.evaluate(lead, NOW), other.evaluate(lead, NOW), backend, lead)


YES_NO_TEXT = sorted(
    {w for word in YES_WORDS | NO_WORDS for w in (word, word.upper(), word.title())}
    | {" yes ", "Yes!", "2", "0.0", "-0", "1.5", "", "n/a", "2026-01-20", "maybe", "YES\t"}
)


@settings(max_examples=80, deadline=None)
@given(
    demo=st.sampled_from(YES_NO_TEXT) | st.sampled_from([True, False, 1, 0, 2.5, None]),
    paper=st.sampled_from(YES_NO_TEXT) | st.booleans(),
)
def test_yes_no_text_is_read_as_the_reference_reads_it(backend: str, demo: Any, paper: Any) -> None:
    source = (
        '+30 when requested demo as "demo"\n'
        '+10 when requested demo and downloaded paper as "both"\n'
        '+5 when requested demo = false as "said no"\n'
        "SQL at 30 when requested demo\n"
    )
    reference, other = pair(source, backend)
    lead = {"requested_demo": demo, "downloaded_paper": paper}
    assert_conforms(reference.evaluate(lead, NOW), other.evaluate(lead, NOW), backend, lead)


@pytest.mark.parametrize(
    "views",
    ["3", "03", " 3 ", "3.0", "-3", "+3", "1e2", "", "x", "0", "١", "9" * 18, "9" * 19, 3, 3.0],
)
def test_units_written_as_text_count_as_the_reference_counts_them(backend: str, views: Any) -> None:
    source = '+2 per page views, up to 20 as "views"\n+1.5 per page views as "exact"\n'
    reference, other = pair(source, backend)
    lead = {"page_views": views}
    assert_conforms(reference.evaluate(lead, NOW), other.evaluate(lead, NOW), backend, lead)


# ----------------------------------------------------------------------------- timestamps


@st.composite
def iso_texts(draw: st.DrawFn) -> tuple[str, tuple[int, ...] | None, str | None]:
    """ISO text from parts (some out of range), the parts, and its zone as written."""
    year = draw(st.integers(0, 9999))
    month = draw(st.integers(0, 13))
    day = draw(st.integers(0, 32))
    text = f"{year:04d}-{month:02d}-{day:02d}"
    parts: tuple[int, ...] = (year, month, day, 0, 0, 0, 0)
    zone = None
    if draw(st.booleans()):
        hour, minute = draw(st.integers(0, 25)), draw(st.integers(0, 61))
        text += draw(st.sampled_from(["T", "t", " ", "  ", "\t"])) + f"{hour:02d}:{minute:02d}"
        second = micro = 0
        if draw(st.booleans()):
            second = draw(st.integers(0, 61))
            text += f":{second:02d}"
            digits = draw(st.integers(0, 10))
            if digits:
                fraction = "".join(draw(st.sampled_from("0123456789")) for _ in range(digits))
                text += draw(st.sampled_from(".,")) + fraction
                micro = int((fraction + "000000")[:6])
        zone = draw(
            st.sampled_from(["", "Z", "z", "+00:00", "-00:00", "+05:30", "-08:00", "+23:59"])
            | st.sampled_from(["+24:00", "+02:60", "+0200", "+02", " Z", "UTC", "GMT", "+2:00"])
        )
        text += zone
        parts = (year, month, day, hour, minute, second, micro)
    return text, parts, zone


def _patterns_only(text: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as patched:
        patched.setattr(dates, "_iso_quick", lambda text: None)
        return dates.parse_date_text(text)


@settings(max_examples=600, deadline=None)
@given(drawn=iso_texts())
def test_the_quick_iso_reading_is_the_patterns_reading(
    drawn: tuple[str, tuple[int, ...] | None, str | None],
) -> None:
    text, _, _ = drawn
    with pytest.MonkeyPatch.context() as monkeypatch:
        slow = _patterns_only(text, monkeypatch)
    fast = dates.parse_date_text(text)
    assert fast == slow, text
    if isinstance(fast, dt.datetime):
        assert isinstance(slow, dt.datetime)
        assert (fast.utcoffset(), fast.tzinfo is UTC) == (slow.utcoffset(), slow.tzinfo is UTC)
        assert repr(fast) == repr(slow)


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-10-03", dt.datetime(2026, 10, 3, tzinfo=UTC)),
        ("2026-10-03T12:34:56Z", dt.datetime(2026, 10, 3, 12, 34, 56, tzinfo=UTC)),
        ("2026-10-03T12:34:56.123Z", dt.datetime(2026, 10, 3, 12, 34, 56, 123000, tzinfo=UTC)),
        ("2026-10-03 12:34", dt.datetime(2026, 10, 3, 12, 34, tzinfo=UTC)),
        (
            "2026-10-03T12:34:56.123456-05:30",
            dt.datetime(2026, 10, 3, 12, 34, 56, 123456, dt.timezone(-dt.timedelta(hours=5.5))),
        ),
        ("2026-02-30", None),
        ("2026-10-03T24:00", None),
        ("2026-10-03Z", None),
    ],
)
def test_the_common_iso_forms_name_the_moment_they_write(
    text: str, moment: dt.datetime | None
) -> None:
    assert dates.parse_date_text(text) == moment


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    times=st.lists(
        iso_texts().map(lambda drawn: drawn[0])
        | st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 12, 31)).map(
            lambda at: at.strftime("%Y-%m-%dT%H:%M:%SZ")
        )
        | st.datetimes(
            min_value=dt.datetime(2026, 1, 1),
            max_value=dt.datetime(2026, 12, 31),
            timezones=st.sampled_from([UTC, dt.timezone(dt.timedelta(hours=2))]),
        )
        | st.sampled_from(["", "n/a", "yesterday", "20/11/2026", "1763600000", None]),
        max_size=12,
    ),
    names=st.lists(
        st.sampled_from(["Opened Email", "OPENED EMAIL", "opened_email", " visited page", ""]),
        min_size=12,
        max_size=12,
    ),
)
def test_events_with_text_times_score_as_the_reference_scores_them(
    backend: str, times: list[Any], names: list[str]
) -> None:
    source = (
        '+5 per opened email within 90 days, up to 15 as "opens"\n'
        '+10 when visited page at least 2 times within 400 days as "visits"\n'
        '+20 when opened email, decaying 50% every 30 days as "fading"\n'
        "-3 when opened email at most 1 time within 7 days\n"
    )
    reference, other = pair(source, backend)
    events = [
        {"name": name, "at": at, "properties": {}} for name, at in zip(names, times, strict=False)
    ]
    lead = {"events": events}
    assert_conforms(reference.evaluate(lead, NOW), other.evaluate(lead, NOW), backend, lead)
