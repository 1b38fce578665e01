"""Distributions and their bins (leadrules.report.histogram): every value is counted once, in
the bin that holds it, however many distinct values there are; shards merge; thresholds fall
on bin edges when a round width allows; the terminal histogram marks each stage.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from leadrules.report.histogram import Distribution, Mark, nice_width, text_histogram

scores = st.decimals(min_value=-500, max_value=5000, places=2, allow_nan=False)


def _filled(values: list[Decimal], max_distinct: int = 4096) -> Distribution:
    d = Distribution(max_distinct=max_distinct)
    for v in values:
        d.add(v)
    return d


@settings(max_examples=200, deadline=None)
@given(st.lists(scores, min_size=1, max_size=300), st.integers(min_value=4, max_value=64))
def test_each_value_is_in_exactly_the_bin_that_holds_it(values, max_distinct) -> None:
    # Even when there are more distinct values than are kept (a coarse distribution), each
    # bin counts exactly the values from its low end up to, not including, its high end.
    d = _filled(values, max_distinct)
    bins = d.bins(20)
    assert sum(b.count for b in bins) == len(values) == d.count
    for b in bins:
        assert b.count == sum(1 for v in values if b.low <= v < b.high)
    assert bins[0].low <= min(values) and max(values) < bins[-1].high
    assert len(bins) <= 21
    assert d.low == min(values) and d.high == max(values)
    assert d.total == sum(values)


@settings(max_examples=100, deadline=None)
@given(st.lists(scores, max_size=200), st.lists(scores, max_size=200))
def test_two_shards_merged_are_the_whole(first, second) -> None:
    whole = _filled(first + second, 16)
    merged = _filled(first, 16)
    merged.merge(_filled(second, 16))
    assert merged.count == whole.count and merged.total == whole.total
    assert (merged.low, merged.high) == (whole.low, whole.high)
    if first + second:
        for b in merged.bins(10):
            assert b.count == sum(1 for v in first + second if b.low <= v < b.high)


def test_stage_thresholds_fall_on_bin_edges_when_a_round_width_allows() -> None:
    d = _filled([Decimal(v) for v in (-40, -3, 12, 45, 49, 50, 51, 79, 80, 99, 100, 120)])
    edges = {b.low for b in d.bins(24, [Decimal(45), Decimal(80), Decimal(100)])}
    assert {Decimal(45), Decimal(80), Decimal(100)} <= edges


def test_nice_widths_are_one_two_or_five_times_a_power_of_ten() -> None:
    assert nice_width(Decimal(170), 24) == Decimal(10)  # 7.08 -> 10
    assert nice_width(Decimal(170), 12) == Decimal(20)  # 14.2 -> 20
    assert nice_width(Decimal("0.9"), 10) == Decimal("0.1")
    assert nice_width(Decimal(30000), 10) == Decimal(5000)


def test_the_terminal_histogram_counts_every_lead_and_marks_each_stage() -> None:
    values = [Decimal(v) for v in [5] * 3 + [25] * 8 + [55] * 12 + [85] * 2 + [101]]
    lines = text_histogram(
        _filled(values), [Mark(Decimal(50), "MQL"), Mark(Decimal(80), "SQL"), Mark(200, "Top")]
    )
    assert lines[0].startswith("Scores (one # is 1 lead")
    rows = lines[1:-1]
    # the count column is the one before the bar
    assert sum(int(row.split()[4]) for row in rows) == len(values)
    mql = next(row for row in rows if "MQL" in row)
    assert mql.split()[0] == "50" and mql.endswith("<- MQL at 50")
    assert next(row for row in rows if "SQL" in row).split()[0] == "80"
    assert "#" * 12 in mql
    assert lines[-1] == "  Top at 200: no lead scored that much"


def test_one_hash_stands_for_several_leads_in_a_big_population() -> None:
    d = Distribution()
    d.add(Decimal(10), 4000)
    d.add(Decimal(30), 10)
    lines = text_histogram(d, [])
    assert lines[0] == "Scores (one # is 100 leads; stage thresholds marked <-):"
    assert lines[1].endswith("#" * 40)
    assert lines[-1].endswith(" #")  # ten leads still show
