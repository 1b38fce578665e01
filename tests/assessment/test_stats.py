"""The arithmetic of the assessment (assessment/stats.py), against the textbook formulas worked
out here independently: Wilson's interval, the AUC as a count of pairs, Katz's interval of a
ratio of two rates, and score bands of about equal size that keep equal scores together.
"""

from __future__ import annotations

import itertools
import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadrules.assessment.stats import auc, auc_value, bands, proportion, ratio

Z = 1.959963984540054


def wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return centre - half, centre + half


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (10, 10), (1, 1000), (480, 1000)])
def test_proportions_carry_the_wilson_interval(k: int, n: int) -> None:
    share = proportion(k, n)
    low, high = wilson(k, n)
    assert share.rate == k / n
    assert share.low == pytest.approx(max(0.0, low), abs=1e-9)
    assert share.high == pytest.approx(min(1.0, high), abs=1e-9)


def test_a_proportion_of_nothing_has_no_rate() -> None:
    share = proportion(0, 0)
    assert (share.rate, share.low, share.high) == (None, None, None)


@given(
    st.lists(st.tuples(st.integers(0, 6), st.booleans()), min_size=2, max_size=30).filter(
        lambda rows: len({c for _, c in rows}) == 2
    )
)
def test_the_auc_is_the_share_of_pairs_a_converted_lead_wins(rows: list[tuple[int, bool]]) -> None:
    scores = np.array([float(s) for s, _ in rows])
    converted = np.array([c for _, c in rows], dtype=bool)
    wins = 0.0
    pairs = 0
    for (s1, c1), (s0, c0) in itertools.product(rows, rows):
        if c1 and not c0:
            pairs += 1
            wins += 1.0 if s1 > s0 else 0.5 if s1 == s0 else 0.0
    assert auc_value(scores, converted) == pytest.approx(wins / pairs)


def test_the_auc_needs_both_kinds_of_lead_and_its_interval_holds_it() -> None:
    assert auc(np.array([1.0, 2.0]), np.array([True, True])) is None
    perfect = auc(np.array([1.0, 2.0, 3.0, 4.0]), np.array([False, False, True, True]))
    assert perfect is not None and perfect.value == 1.0 and perfect.high == 1.0
    rng = np.random.default_rng(3)
    scores = rng.normal(size=400)
    converted = scores + rng.normal(size=400) > 0.5
    estimate = auc(scores, converted)
    assert estimate is not None and estimate.low < estimate.value < estimate.high
    assert (estimate.converted, estimate.others) == (int(converted.sum()), int((~converted).sum()))


def test_the_lift_is_the_ratio_of_two_rates_with_katzs_interval() -> None:
    lift = ratio(20, 100, 10, 100)
    assert lift is not None
    spread = math.sqrt(1 / 20 - 1 / 100 + 1 / 10 - 1 / 100)
    assert lift.value == pytest.approx(2.0)
    assert lift.low == pytest.approx(2.0 * math.exp(-Z * spread))
    assert lift.high == pytest.approx(2.0 * math.exp(Z * spread))
    assert lift.includes_one  # 0.99 to 4.05: 100 leads each cannot tell 20% from 10%
    more = ratio(40, 200, 20, 200)
    assert more is not None and more.low == pytest.approx(2.0 * math.exp(-Z * math.sqrt(0.065)))
    assert not more.includes_one


def test_a_zero_count_still_gives_a_finite_interval() -> None:
    lift = ratio(0, 30, 12, 200)
    assert lift is not None and 0 < lift.low < lift.value < lift.high < math.inf
    assert lift.value == pytest.approx((0.5 / 31) / (12.5 / 201))
    assert ratio(0, 10, 0, 10) is None
    assert ratio(3, 0, 1, 10) is None


def test_bands_hold_about_a_tenth_of_the_leads_each() -> None:
    scores = [Decimal(i) for i in range(1000)]
    found = bands(scores)
    assert len(found) == 10
    assert found[0] == (Decimal(0), Decimal(99)) and found[-1] == (Decimal(900), Decimal(999))


def test_leads_with_the_same_score_stay_in_one_band() -> None:
    scores = [Decimal(0)] * 500 + [Decimal(10)] * 300 + [Decimal(i) for i in range(20, 220)]
    found = bands(scores)
    assert found[0] == (Decimal(0), Decimal(0))
    assert found[1] == (Decimal(10), Decimal(10))
    assert sum(1 for low, high in found for s in scores if low <= s <= high) == len(scores)
    assert bands([Decimal(5)] * 30) == [(Decimal(5), Decimal(5))]
    assert bands([]) == []


# ------------------------------------------------------------------------------ by hand
# The same statistics against numbers worked out on paper (four decimals), so that a formula
# copied wrong into both the code and the helpers above would still be caught.


def test_wilson_intervals_worked_by_hand() -> None:
    # 3 of 10: p = 0.3, z^2/n = 0.38415; centre (0.3 + 0.19207) / 1.38415 = 0.35550,
    # half 1.96 * sqrt(0.021 + 0.009604) / 1.38415 = 0.24771: 0.1078 to 0.6032.
    three = proportion(3, 10)
    assert (three.low, three.high) == (
        pytest.approx(0.1078, abs=1e-4),
        pytest.approx(0.6032, abs=1e-4),
    )
    # 0 of 10: centre 0.19207 / 1.38415 = 0.13876 = half: 0 to 0.2775.
    none = proportion(0, 10)
    assert none.low == pytest.approx(0.0, abs=1e-9)
    assert none.high == pytest.approx(0.2775, abs=1e-4)


def test_an_auc_worked_by_hand() -> None:
    # Converted 3, 2, 2 against others 1, 2, 0: the 3 wins 3 pairs, each 2 wins two and ties
    # one (2.5 each): 8 of 9 pairs, 0.8889. Hanley and McNeil: q1 = A/(2-A) = 0.8,
    # q2 = 2A^2/(1+A) = 0.83660, variance (0.09877 + 2 * 0.00988 + 2 * 0.04648) / 9 = 0.02350,
    # 1.96 * 0.15329 = 0.30045: 0.5884 to 1 (capped).
    scores = np.array([3.0, 2.0, 2.0, 1.0, 2.0, 0.0])
    converted = np.array([True, True, True, False, False, False])
    estimate = auc(scores, converted)
    assert estimate is not None
    assert estimate.value == pytest.approx(8 / 9)
    assert estimate.low == pytest.approx(0.5884, abs=1e-4)
    assert estimate.high == 1.0


def test_a_lift_interval_worked_by_hand() -> None:
    # 20 of 100 against 10 of 100: 2.0; sqrt(1/20 - 1/100 + 1/10 - 1/100) = 0.36056,
    # exp(-+1.96 * 0.36056) = 0.49328 and 2.02724: 0.9866 to 4.0545.
    lift = ratio(20, 100, 10, 100)
    assert lift is not None
    assert lift.low == pytest.approx(0.9866, abs=1e-4)
    assert lift.high == pytest.approx(4.0545, abs=1e-4)
