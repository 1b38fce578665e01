"""The arithmetic of an assessment, on numpy and scipy: proportions with Wilson intervals,
ratios of two rates with Katz's interval, the AUC with Hanley and McNeil's interval, and score
bands of about equal size. Each function takes counts or arrays and returns the plain data of
:mod:`.model`.

All intervals are 95%. Imported only once the optional dependencies are known to be there
(:mod:`.deps`); nothing here knows about rules or leads.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from .model import AucEstimate, Proportion, Ratio

__all__ = ["Z", "auc", "auc_value", "bands", "proportion", "ratio"]

#: The normal quantile of a two-sided 95% interval.
Z = float(stats.norm.ppf(0.975))


def proportion(count: int, total: int) -> Proportion:
    """``count`` of ``total``, with the Wilson score interval (sound for small counts and for
    rates near 0 or 1, unlike the textbook normal interval)."""
    if total <= 0:
        return Proportion(count, total, None, None, None)
    interval = stats.binomtest(count, total).proportion_ci(0.95, method="wilson")
    return Proportion(count, total, count / total, float(interval.low), float(interval.high))


def ratio(count_a: int, total_a: int, count_b: int, total_b: int) -> Ratio | None:
    """The rate ``count_a/total_a`` over ``count_b/total_b`` (a relative risk), with Katz's
    log interval; when a count is 0 (or equals its total), 0.5 is added to every cell first
    (Haldane and Anscombe), so the interval stays finite. None when either total is 0 or
    neither group converted."""
    if total_a <= 0 or total_b <= 0 or count_a + count_b == 0:
        return None
    a, n1, c, n0 = float(count_a), float(total_a), float(count_b), float(total_b)
    if 0 in (count_a, count_b) or count_a == total_a or count_b == total_b:
        a, c, n1, n0 = a + 0.5, c + 0.5, n1 + 1.0, n0 + 1.0
    value = (a / n1) / (c / n0)
    spread = math.sqrt(max(0.0, 1 / a - 1 / n1 + 1 / c - 1 / n0))
    log_value = math.log(value)
    return Ratio(value, math.exp(log_value - Z * spread), math.exp(log_value + Z * spread))


def auc_value(scores: NDArray[np.float64], converted: NDArray[np.bool_]) -> float | None:
    """The chance that a converted lead outscores one that did not (ties count half): the
    Mann-Whitney statistic over the product of the two counts. None without both kinds."""
    positives = int(converted.sum())
    negatives = int(converted.size - positives)
    if positives == 0 or negatives == 0:
        return None
    ranks = stats.rankdata(scores)
    rank_sum = float(ranks[converted].sum())
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def auc(scores: NDArray[np.float64], converted: NDArray[np.bool_]) -> AucEstimate | None:
    """:func:`auc_value` with Hanley and McNeil's 95% interval."""
    value = auc_value(scores, converted)
    if value is None:
        return None
    positives = int(converted.sum())
    negatives = int(converted.size - positives)
    q1 = value / (2 - value)
    q2 = 2 * value * value / (1 + value)
    variance = (
        value * (1 - value)
        + (positives - 1) * (q1 - value * value)
        + (negatives - 1) * (q2 - value * value)
    ) / (positives * negatives)
    spread = Z * math.sqrt(max(variance, 0.0))
    return AucEstimate(
        value, max(0.0, value - spread), min(1.0, value + spread), positives, negatives
    )


def bands(scores: Sequence[Decimal], count: int = 10) -> list[tuple[Decimal, Decimal]]:
    """Up to ``count`` score bands of about equal size, lowest first, each as its lowest and
    highest score; leads with the same score stay in one band (so there are fewer bands when
    many leads share a score)."""
    if not scores:
        return []
    values, sizes = np.unique(np.array([float(s) for s in scores]), return_counts=True)
    exact: dict[float, Decimal] = {}
    for score in scores:
        exact.setdefault(float(score), score)
    total = float(sizes.sum())
    before = np.concatenate(([0.0], np.cumsum(sizes)[:-1]))
    # Each distinct score goes to the band its middle falls in.
    index = np.minimum(((before + sizes / 2) * count / total).astype(int), count - 1)
    out: list[tuple[Decimal, Decimal]] = []
    start = 0
    for position in range(1, len(values) + 1):
        if position == len(values) or index[position] != index[start]:
            out.append((exact[float(values[start])], exact[float(values[position - 1])]))
            start = position
    return out
